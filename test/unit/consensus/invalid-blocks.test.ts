import { beforeAll, describe, expect, it } from 'vitest';
import { RuleError } from '../../../src/consensus/errors.js';
import { catchRuleError, payTo, spend, type TestChain } from '../../helpers/chain.js';
import { INVALID_BLOCK_CASES, prepareInvalidBlockChain } from '../../helpers/invalid-blocks.js';

let prepared: TestChain;

beforeAll(() => {
  prepared = prepareInvalidBlockChain();
});

/** A valid next block spending coin 0 (so it also proves the coin is still unspent). */
function addValidBlock(chain: TestChain): void {
  const coin = chain.coinbaseCoins[0]!;
  const tx = spend([coin], [payTo(1, coin.output.value - 500n)]);
  chain.add(chain.buildBlock({ transactions: [tx], fees: 500n }));
}

describe('the invalid block table', () => {
  it('has at least 30 uniquely named cases', () => {
    expect(INVALID_BLOCK_CASES.length).toBeGreaterThanOrEqual(30);
    expect(new Set(INVALID_BLOCK_CASES.map((c) => c.name)).size).toBe(INVALID_BLOCK_CASES.length);
  });

  it('covers every block and transaction rule', () => {
    const codes = new Set(INVALID_BLOCK_CASES.map((c) => c.code));
    for (const code of [
      'high-hash', 'bad-diffbits', 'bad-txnmrklroot', 'bad-txns-duplicate', 'bad-blk-length', 'bad-blk-weight',
      'bad-cb-missing', 'bad-cb-multiple', 'bad-cb-length', 'bad-cb-height', 'bad-cb-amount',
      'time-too-old', 'time-too-new', 'prev-blk-not-found',
      'unexpected-witness', 'bad-witness-nonce-size', 'bad-witness-merkle-match',
      'bad-txns-vin-empty', 'bad-txns-vout-empty', 'bad-txns-vout-negative', 'bad-txns-vout-toolarge',
      'bad-txns-txouttotal-toolarge', 'bad-txns-output-script', 'bad-txns-inputs-duplicate', 'bad-txns-prevout-null',
      'bad-txns-scriptsig-nonempty', 'bad-txns-inputs-missingorspent', 'bad-txns-premature-spend-of-coinbase',
      'bad-txns-in-belowout', 'bad-txns-nonfinal', 'mandatory-script-verify-flag-failed',
    ]) {
      expect(codes, code).toContain(code);
    }
  });

  it('starts from a chain that accepts a valid spending block', () => {
    const chain = prepared.clone();
    addValidBlock(chain);
    expect(chain.height).toBe(prepared.height + 1);
    expect(prepared.height).toBe(chain.height - 1);
  });
});

describe.each(INVALID_BLOCK_CASES)('$code: $name', (c) => {
  it('is rejected with its code, leaves the chain unchanged, and a valid block is accepted after it', () => {
    const chain = prepared.clone();
    const before = chain.snapshot();
    const block = c.build(chain);
    expect(chain.snapshot()).toEqual(before);

    const err = catchRuleError(() => chain.validate(block));
    expect(err).toBeInstanceOf(RuleError);
    expect(err.code).toBe(c.code);
    expect(err.corruptionPossible).toBe(c.corruptionPossible ?? false);
    expect(chain.snapshot()).toEqual(before);

    expect(catchRuleError(() => chain.add(block)).code).toBe(c.code);
    expect(chain.snapshot()).toEqual(before);

    addValidBlock(chain);
    expect(chain.height).toBe(before.height + 1);
  });
});
