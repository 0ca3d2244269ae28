/** Fee taken out of the recipients (subtractfeefromamount): equal shares, the first chosen output pays the remainder. */
import { describe, expect, it } from 'vitest';
import { feeFor, txVsize } from '../../../src/wallet/coin-select.js';
import { selectSubtractingFee } from '../../../src/wallet/subtract-fee.js';
import { WalletError } from '../../../src/wallet/errors.js';

const coin = (value: bigint) => ({ txid: 'aa'.repeat(32), vout: 0, value });
const out = (value: bigint) => ({ value, scriptPubKey: Uint8Array.of(0x51, 0x20, ...new Uint8Array(32)) });

describe('selectSubtractingFee', () => {
  it('sends a whole coin with the fee out of the amount, no change', () => {
    const { selection, outputs } = selectSubtractingFee([coin(100_000n)], [out(100_000n)], [0], 2);
    const fee = feeFor(txVsize(1, 1), 2);
    expect(selection.change).toBe(0n);
    expect(selection.fee).toBe(fee);
    expect(outputs[0]!.value).toBe(100_000n - fee);
  });

  it('splits the fee between chosen outputs and keeps change', () => {
    const { selection, outputs } = selectSubtractingFee([coin(1_000_000n)], [out(100_000n), out(200_000n), out(300_000n)], [2, 0], 3);
    const fee = feeFor(txVsize(1, 4), 3);
    expect(selection.change).toBe(400_000n);
    expect(selection.fee).toBe(fee);
    const share = fee / 2n;
    expect(outputs.map((o) => o.value)).toEqual([100_000n - share, 200_000n, 300_000n - share - (fee - 2n * share)]);
    expect(1_000_000n - outputs.reduce((s, o) => s + o.value, 0n) - selection.change).toBe(fee);
  });

  it('refuses an output the fee would leave as dust, and a bad index', () => {
    expect(() => selectSubtractingFee([coin(1_000n)], [out(500n)], [0], 10)).toThrow(WalletError);
    expect(() => selectSubtractingFee([coin(100_000n)], [out(5_000n)], [1], 1)).toThrow(WalletError);
  });
});
