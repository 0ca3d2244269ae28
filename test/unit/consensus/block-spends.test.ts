import { beforeAll, describe, expect, it } from 'vitest';
import { checkBlockSpends } from '../../../src/consensus/block-spends.js';
import { COIN } from '../../../src/consensus/constants.js';
import { regtest } from '../../../src/consensus/params.js';
import { SCRIPT_FAILURE } from '../../../src/consensus/signatures.js';
import { createCoinbase } from '../../../src/mining/coinbase.js';
import { getBlockSubsidy } from '../../../src/consensus/subsidy.js';
import { outpointKey } from '../../../src/primitives/tx.js';
import { nullDataScript, classifyOutput } from '../../../src/primitives/script.js';
import { sha256d } from '../../../src/primitives/hashes.js';
import type { Block } from '../../../src/primitives/block.js';
import { catchRuleError, ownedOutput, payTo, spend, TestChain, withWitness, type OwnedCoin } from '../../helpers/chain.js';

let chain: TestChain;
let height: number;
let subsidy: bigint;
let coin0: OwnedCoin;
let coin1: OwnedCoin;
let coin2: OwnedCoin;

beforeAll(() => {
  chain = new TestChain();
  coin2 = chain.matureCoin(2);
  coin0 = chain.matureCoin(0);
  coin1 = chain.matureCoin(1);
  height = chain.height + 1;
  subsidy = getBlockSubsidy(height, regtest);
});

const spends = (block: Block): ReturnType<typeof checkBlockSpends> => checkBlockSpends(block, chain.view, height, regtest);
const keys = (list: ReadonlyArray<{ prevout: { txid: Uint8Array; vout: number } }>): string[] => list.map((c) => outpointKey(c.prevout));

describe('checkBlockSpends', () => {
  it('accepts a coinbase-only block: no fees, no undo, the coinbase output created', () => {
    const block = chain.buildBlock();
    const result = spends(block);
    expect(result.fees).toBe(0n);
    expect(result.undo).toEqual([]);
    expect(result.signatureChecks).toEqual([]);
    expect(result.created).toEqual([
      { prevout: { txid: block.transactions[0]!.txidBytes, vout: 0 }, coin: { value: subsidy, scriptPubKey: block.transactions[0]!.outputs[0]!.scriptPubKey, height, coinbase: true } },
    ]);
  });

  it('sums the fees of all transactions', () => {
    const tx1 = spend([coin0], [payTo(1, coin0.output.value - 1000n)]);
    const tx2 = spend([coin1], [payTo(2, coin1.output.value - 2500n)]);
    const result = spends(chain.buildBlock({ transactions: [tx1, tx2], fees: 3500n }));
    expect(result.fees).toBe(3500n);
    expect(result.signatureChecks.map((c) => c.inputIndex)).toEqual([0, 0]);
  });

  it('tells onChecks of the checks after each spending transaction, every check so far each time', () => {
    const tx1 = spend([coin0], [payTo(1, coin0.output.value - 1000n)]);
    const tx2 = spend([coin1, coin2], [payTo(2, coin1.output.value + coin2.output.value - 2500n)]);
    const seen: number[] = [];
    const result = checkBlockSpends(chain.buildBlock({ transactions: [tx1, tx2], fees: 3500n }), chain.view, height, regtest, (so) => seen.push(so.length));
    expect(seen).toEqual([1, 3]);
    expect(result.signatureChecks).toHaveLength(3);
  });

  it('stops telling onChecks at the transaction that breaks a rule', () => {
    const tx1 = spend([coin0], [payTo(1, coin0.output.value - 1000n)]);
    const overspend = spend([coin1], [payTo(2, coin1.output.value + 1n)]);
    const seen: number[] = [];
    const err = catchRuleError(() => checkBlockSpends(chain.buildBlock({ transactions: [tx1, overspend] }), chain.view, height, regtest, (so) => seen.push(so.length)));
    expect(err.code).toBe('bad-txns-in-belowout');
    expect(seen).toEqual([1]);
  });

  describe('bad-cb-amount', () => {
    const fee = 5000n;
    const tx = (): ReturnType<typeof spend> => spend([coin0], [payTo(1, coin0.output.value - fee)]);

    it('rejects a coinbase claiming one satoshi more than subsidy + fees', () => {
      const err = catchRuleError(() => spends(chain.buildBlock({ transactions: [tx()], fees: fee, coinbaseExtra: 1n })));
      expect(err.code).toBe('bad-cb-amount');
      expect(err.scope).toBe('block');
      expect(err.score).toBe(100);
    });
    it('rejects one satoshi over the subsidy alone in an empty block', () => {
      expect(catchRuleError(() => spends(chain.buildBlock({ coinbaseExtra: 1n }))).code).toBe('bad-cb-amount');
    });
    it('accepts a coinbase claiming exactly subsidy + fees', () => {
      expect(spends(chain.buildBlock({ transactions: [tx()], fees: fee })).fees).toBe(fee);
    });
    it('accepts a coinbase claiming less (the rest is never created)', () => {
      const result = spends(chain.buildBlock({ transactions: [tx()], fees: fee, coinbaseExtra: -(subsidy + fee) }));
      expect(result.created[0]!.coin.value).toBe(0n);
    });
    it('adds up every coinbase output', () => {
      const cb = createCoinbase({ height, outputs: [payTo(0, subsidy), payTo(1, 1n)] });
      expect(catchRuleError(() => spends(chain.buildBlock({ coinbase: cb }))).code).toBe('bad-cb-amount');
      const split = createCoinbase({ height, outputs: [payTo(0, subsidy - 1n), payTo(1, 1n)] });
      expect(spends(chain.buildBlock({ coinbase: split })).created).toHaveLength(2);
    });
  });

  describe('spends within one block', () => {
    it('lets a transaction spend an output created earlier in the block; the intermediate coin is in neither undo nor created', () => {
      const tx1 = spend([coin0], [payTo(1, coin0.output.value - 1000n)]);
      const mid = ownedOutput(tx1, 0, 1);
      const tx2 = spend([mid], [payTo(2, mid.output.value - 1000n)]);
      const block = chain.buildBlock({ transactions: [tx1, tx2], fees: 2000n });
      const result = spends(block);
      expect(result.fees).toBe(2000n);
      expect(keys(result.undo)).toEqual([outpointKey(coin0.prevout)]);
      expect(keys(result.created)).toEqual([outpointKey({ txid: block.transactions[0]!.txidBytes, vout: 0 }), outpointKey({ txid: tx2.txidBytes, vout: 0 })]);
      expect(keys(result.undo)).not.toContain(outpointKey(mid.prevout));
      expect(keys(result.created)).not.toContain(outpointKey(mid.prevout));
      expect(result.created[1]!.coin).toEqual({ value: mid.output.value - 1000n, scriptPubKey: payTo(2, 0n).scriptPubKey, height, coinbase: false });
      expect(result.signatureChecks).toHaveLength(2);
      // The chain accepts it and ends with exactly those coins.
      const copy = chain.clone();
      copy.add(block);
      expect(copy.view.getCoin(coin0.prevout)).toBeUndefined();
      expect(copy.view.getCoin(mid.prevout)).toBeUndefined();
      expect(copy.view.getCoin({ txid: tx2.txidBytes, vout: 0 })).toBeDefined();
    });

    it('a chain of three spends inside one block', () => {
      const tx1 = spend([coin0], [payTo(1, coin0.output.value - 10n)]);
      const tx2 = spend([ownedOutput(tx1, 0, 1)], [payTo(2, coin0.output.value - 20n)]);
      const tx3 = spend([ownedOutput(tx2, 0, 2)], [payTo(3, coin0.output.value - 30n)]);
      const result = spends(chain.buildBlock({ transactions: [tx1, tx2, tx3], fees: 30n }));
      expect(result.fees).toBe(30n);
      expect(keys(result.undo)).toEqual([outpointKey(coin0.prevout)]);
      expect(keys(result.created).slice(1)).toEqual([outpointKey({ txid: tx3.txidBytes, vout: 0 })]);
    });

    it('rejects spending an output created later in the block', () => {
      const tx1 = spend([coin0], [payTo(1, coin0.output.value - 1000n)]);
      const tx2 = spend([ownedOutput(tx1, 0, 1)], [payTo(2, 1n)]);
      const err = catchRuleError(() => spends(chain.buildBlock({ transactions: [tx2, tx1] })));
      expect(err.code).toBe('bad-txns-inputs-missingorspent');
    });

    it('rejects spending a coinbase output of the same block (premature, depth 0)', () => {
      // No witness on the spend, so no commitment is added and the coinbase txid is known in advance.
      const cb = createCoinbase({ height, outputs: [payTo(0, subsidy)] });
      const tx = withWitness(spend([ownedOutput(cb, 0, 0)], [payTo(1, 1n)]), 0, []);
      const block = chain.buildBlock({ coinbase: cb, transactions: [tx] });
      expect(block.transactions[0]!.txid).toBe(cb.txid);
      expect(catchRuleError(() => spends(block)).code).toBe('bad-txns-premature-spend-of-coinbase');
    });
  });

  it('rejects spending the same coin twice in one block: bad-txns-inputs-missingorspent, as a block failure', () => {
    const tx1 = spend([coin0], [payTo(1, coin0.output.value - 1000n)]);
    const tx2 = spend([coin0], [payTo(2, coin0.output.value - 2000n)]);
    const err = catchRuleError(() => spends(chain.buildBlock({ transactions: [tx1, tx2] })));
    expect(err.code).toBe('bad-txns-inputs-missingorspent');
    expect(err.scope).toBe('block');
  });

  // A loose transaction's missing input scores 0 (its parent may be on the way), but a block is
  // judged against its parent's whole UTXO set, so the same failure condemns it (Core: BLOCK_CONSENSUS).
  it('charges full misbehaviour (score 100) for a block spending a missing coin', () => {
    const tx1 = spend([coin0], [payTo(1, coin0.output.value - 1000n)]);
    const tx2 = spend([coin0], [payTo(2, coin0.output.value - 2000n)]);
    expect(catchRuleError(() => spends(chain.buildBlock({ transactions: [tx1, tx2] }))).score).toBe(100);
  });

  it('rejects an unknown coin', () => {
    const ghost: OwnedCoin = { prevout: { txid: sha256d(Uint8Array.of(7)), vout: 0 }, output: payTo(0, COIN), key: coin0.key };
    expect(catchRuleError(() => spends(chain.buildBlock({ transactions: [spend([ghost], [payTo(1, 1n)])] }))).code).toBe('bad-txns-inputs-missingorspent');
  });

  it('reports malformed witnesses as script failures while collecting checks', () => {
    const tx = withWitness(spend([coin0], [payTo(1, 1n)]), 0, []);
    expect(catchRuleError(() => spends(chain.buildBlock({ transactions: [tx] }))).code).toBe(SCRIPT_FAILURE);
  });

  it('does not verify signatures: a bad signature only shows in the returned checks', () => {
    const tx = spend([coin0], [payTo(1, 1n)]);
    const forged = withWitness(tx, 0, [new Uint8Array(64)]);
    const result = spends(chain.buildBlock({ transactions: [forged], fees: coin0.output.value - 1n }));
    expect(result.signatureChecks[0]!.signature).toEqual(new Uint8Array(64));
  });

  it('never puts OP_RETURN outputs in created (including the witness commitment)', () => {
    const tx = spend([coin0], [payTo(1, coin0.output.value - 1000n), { value: 0n, scriptPubKey: nullDataScript(Uint8Array.of(1, 2, 3)) }, payTo(2, 0n)]);
    const block = chain.buildBlock({ transactions: [tx], fees: 1000n });
    expect(block.transactions[0]!.outputs.some((o) => classifyOutput(o.scriptPubKey).type === 'nulldata')).toBe(true);
    const result = spends(block);
    expect(result.created.every((c) => classifyOutput(c.coin.scriptPubKey).type === 'taproot')).toBe(true);
    expect(keys(result.created)).toEqual([
      outpointKey({ txid: block.transactions[0]!.txidBytes, vout: 0 }),
      outpointKey({ txid: tx.txidBytes, vout: 0 }),
      outpointKey({ txid: tx.txidBytes, vout: 2 }),
    ]);
  });

  it('undo lists exactly the base coins spent, in block order, with their full records', () => {
    const tx1 = spend([coin2, coin0], [payTo(1, 2n * coin0.output.value - 1000n)]);
    const tx2 = spend([coin1], [payTo(2, coin1.output.value)]);
    const result = spends(chain.buildBlock({ transactions: [tx1, tx2], fees: 1000n }));
    expect(keys(result.undo)).toEqual([coin2, coin0, coin1].map((c) => outpointKey(c.prevout)));
    expect(result.undo.map((u) => u.coin)).toEqual([coin2, coin0, coin1].map((c) => chain.view.getCoin(c.prevout)));
    expect(result.undo.map((u) => u.coin.height)).toEqual([3, 1, 2]);
    expect(result.undo.every((u) => u.coin.coinbase)).toBe(true);
    expect(result.signatureChecks.map((c) => c.inputIndex)).toEqual([0, 1, 0]);
  });

  it('does not modify the view it reads', () => {
    const before = new Map(chain.view.coins);
    const tx1 = spend([coin0], [payTo(1, coin0.output.value - 1000n)]);
    spends(chain.buildBlock({ transactions: [tx1], fees: 1000n }));
    expect(chain.view.coins).toEqual(before);
  });
});
