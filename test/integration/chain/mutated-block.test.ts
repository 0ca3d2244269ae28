/**
 * Mutated blocks (Bitcoin Core's p2p_invalid_block): a peer relays a valid
 * header with altered transactions or witnesses. The copy is rejected with a
 * corruption-possible code, and the header must stay acceptable so that the
 * real block is still connected when it arrives.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Chain } from '../../../src/chain/chain.js';
import { COIN } from '../../../src/consensus/constants.js';
import { RuleError } from '../../../src/consensus/errors.js';
import { Block } from '../../../src/primitives/block.js';
import { Transaction } from '../../../src/primitives/tx.js';
import { flipBit, mutateTx, payTo, spend, TestChain, withWitness } from '../../helpers/chain.js';
import { TestChains } from '../../helpers/chain-db.js';

const chains = new TestChains('tally-mutated');
const openChain = (now: number): Promise<Chain> => chains.open(now);

async function rejection(promise: Promise<unknown>): Promise<RuleError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof RuleError) return err;
    throw err;
  }
  throw new Error('expected a RuleError, nothing was thrown');
}

let base: TestChain;
/** The real block: a coinbase and two signed spends (three transactions, so the CVE-2012-2459 mutation applies). */
let real: Block;

beforeAll(() => {
  base = new TestChain();
  base.mine(102);
  const tx1 = spend([base.coinbaseCoins[0]!], [payTo(1, 49n * COIN)]);
  const tx2 = spend([base.coinbaseCoins[1]!], [payTo(2, 49n * COIN)]);
  real = base.buildBlock({ transactions: [tx1, tx2], fees: 2n * COIN });
  base.validate(real);
});

/** Copies of `real` under its exact header (same hash, valid proof of work) with altered contents. */
function mutations(): { name: string; code: string; block: Block }[] {
  const [cb, tx1, tx2] = real.transactions as [Transaction, Transaction, Transaction];
  const forged = withWitness(tx1, 0, [flipBit(tx1.inputs[0]!.witness[0]!, 8)]);
  expect(forged.txid).toBe(tx1.txid);
  const strippedCoinbase = mutateTx(cb, { inputs: [{ ...cb.inputs[0]!, witness: [] }] });
  return [
    { name: 'last transaction duplicated (CVE-2012-2459)', code: 'bad-txns-duplicate', block: new Block(real.header, [cb, tx1, tx2, tx2]) },
    { name: 'a signature changed in a witness', code: 'bad-witness-merkle-match', block: new Block(real.header, [cb, forged, tx2]) },
    { name: 'coinbase witness reserved value removed', code: 'bad-witness-nonce-size', block: new Block(real.header, [strippedCoinbase, tx1, tx2]) },
    { name: 'a transaction left out', code: 'bad-txnmrklroot', block: new Block(real.header, [cb, tx1]) },
    { name: 'transactions reordered', code: 'bad-txnmrklroot', block: new Block(real.header, [cb, tx2, tx1]) },
  ];
}

describe('mutated blocks', () => {
  it('reject each mutated copy without condemning the header, then connect the real block', async () => {
    const node = await openChain(base.now);
    for (const block of base.blocks.slice(1)) await node.processBlock(block);
    const digest = await node.utxoDigest();
    const invalid: string[] = [];
    node.on('invalid', (entry) => invalid.push(entry.hashHex));

    for (const m of mutations()) {
      expect(m.block.hash, m.name).toBe(real.hash);
      const err = await rejection(node.processBlock(m.block));
      expect(err.code, m.name).toBe(m.code);
      expect(err.corruptionPossible, m.name).toBe(true);
      expect(node.getEntry(real.hash)?.failed ?? false, m.name).toBe(false);
      expect(node.tip.hashHex).toBe(base.tip.hash);
      // The same mutation again is judged again, not answered from a cache of verdicts.
      expect((await rejection(node.processBlock(m.block))).code, m.name).toBe(m.code);
    }
    expect(invalid).toEqual([]);
    expect(await node.utxoDigest()).toEqual(digest);

    // The header itself is still acceptable on its own...
    const headerEntry = await node.processHeader(real.header);
    expect(headerEntry.failed).toBe(false);
    // ...and the real block connects.
    expect((await node.processBlock(real)).status).toBe('connected');
    expect(node.tip.hashHex).toBe(real.hash);
    const found = await node.findTransaction(real.transactions[1]!.txid);
    expect(found?.block.toBytes()).toEqual(real.toBytes());
    // A mutated copy of a block we hold is only a duplicate now.
    expect((await node.processBlock(mutations()[0]!.block)).status).toBe('duplicate');
  });

  it('a mutated copy after a headers-only entry leaves that entry usable', async () => {
    const node = await openChain(base.now);
    for (const block of base.blocks.slice(1)) await node.processBlock(block);
    const entry = await node.processHeader(real.header);
    expect(entry.haveData).toBe(false);
    for (const m of mutations()) {
      expect((await rejection(node.processBlock(m.block))).code).toBe(m.code);
      expect(node.getEntry(real.hash)?.failed).toBe(false);
    }
    expect((await node.processBlock(real)).status).toBe('connected');
    expect(node.tip).toBe(entry);
  });

  it('a genuinely invalid block does condemn its header', async () => {
    const node = await openChain(base.now);
    for (const block of base.blocks.slice(1)) await node.processBlock(block);
    const bad = base.buildBlock({ coinbaseHeight: base.height + 5 });
    const err = await rejection(node.processBlock(bad));
    expect(err.code).toBe('bad-cb-height');
    expect(err.corruptionPossible).toBe(false);
    expect(node.getEntry(bad.hash)?.failed).toBe(true);
    expect((await rejection(node.processBlock(bad))).code).toBe('duplicate-invalid');
    expect((await rejection(node.processHeader(bad.header))).code).toBe('duplicate-invalid');
    expect((await node.processBlock(real)).status).toBe('connected');
  });
});
