/**
 * Coin selection with preselected inputs (Core's SelectCoins with coin
 * control): inputs that cover the payment are used alone, with change above
 * dust; otherwise the wallet's coins make up the rest when allowed, and the
 * fee counts every input; not allowed, it is Core's wallet error.
 */
import { describe, expect, it } from 'vitest';
import { feeFor, InsufficientFunds, txVsize } from '../../../src/wallet/coin-select.js';
import { WalletError } from '../../../src/wallet/errors.js';
import { selectWithPreset, type PresetInput } from '../../../src/wallet/preselect.js';

const script = new Uint8Array(34);
const preset = (n: number, value: bigint): PresetInput => ({ txid: n.toString(16).padStart(64, '0'), vout: 0, value, script, external: false });
const coin = (n: number, value: bigint) => ({ txid: n.toString(16).padStart(64, 'f'), vout: 1, value });

describe('selectWithPreset', () => {
  it('uses preselected inputs alone when they cover the outputs and fee, returning change', () => {
    const s = selectWithPreset([preset(1, 100_000n)], [coin(1, 5_000_000n)], 50_000n, 2, 1, true);
    expect(s.extra).toEqual([]);
    expect(s.fee).toBe(feeFor(txVsize(1, 2), 2));
    expect(s.change).toBe(100_000n - 50_000n - s.fee);
  });

  it('gives dust change to the fee', () => {
    const fee = feeFor(txVsize(1, 1), 2);
    const s = selectWithPreset([preset(1, 50_000n + fee + 100n)], [], 50_000n, 2, 1, false);
    expect(s).toEqual({ extra: [], fee: fee + 100n, change: 0n });
  });

  it('adds the wallet\'s coins, never a preselected one twice, paying for every input', () => {
    const p = preset(1, 30_000n);
    const again = { txid: p.txid, vout: p.vout, value: p.value };
    const s = selectWithPreset([p], [again, coin(2, 1_000_000n)], 200_000n, 3, 1, true);
    expect(s.extra.map((c) => c.value)).toEqual([1_000_000n]);
    expect(s.fee).toBe(feeFor(txVsize(2, 2), 3));
    expect(30_000n + 1_000_000n - 200_000n - s.fee).toBe(s.change);
  });

  it('refuses to add coins when add_inputs is false, and reports insufficient funds when the wallet has too little', () => {
    const refused = (() => {
      try {
        selectWithPreset([preset(1, 10_000n)], [coin(2, 1_000_000n)], 200_000n, 1, 1, false);
      } catch (err) {
        return err;
      }
    })();
    expect(refused).toBeInstanceOf(WalletError);
    expect((refused as WalletError).rpcCode).toBe(-4);
    expect(() => selectWithPreset([preset(1, 10_000n)], [coin(2, 20_000n)], 200_000n, 1, 1, true)).toThrow(InsufficientFunds);
  });
});
