/**
 * Reorganizations against a real LevelDB: a node on branch A receives branch B
 * with more work and must end with exactly the UTXO set, transaction index and
 * best chain of a node that only ever saw B.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Chain, type ChainEvents, type ProcessResult } from '../../../src/chain/chain.js';
import { COIN } from '../../../src/consensus/constants.js';
import type { Coin } from '../../../src/consensus/coins.js';
import type { Block } from '../../../src/primitives/block.js';
import type { Transaction } from '../../../src/primitives/tx.js';
import { ownedOutput, payTo, spend, TestChain, testKey } from '../../helpers/chain.js';
import { TestChains } from '../../helpers/chain-db.js';

const chains = new TestChains('tally-reorg');
const openChain = (now: number, path?: string): Promise<Chain> => chains.open(now, path ? { path } : {});
const closeChain = (chain: Chain): Promise<void> => chains.close(chain);

async function feed(chain: Chain, blocks: readonly Block[]): Promise<ProcessResult['status'][]> {
  const out: ProcessResult['status'][] = [];
  for (const block of blocks) out.push((await chain.processBlock(block)).status);
  return out;
}

/** A node that saw only `builder`'s chain: the reference a reorganized node must match. */
async function referenceNode(builder: TestChain): Promise<Chain> {
  const chain = await openChain(builder.now);
  await feed(chain, builder.blocks.slice(1));
  expect(chain.tip.hashHex).toBe(builder.tip.hash);
  return chain;
}

function recordEvents(chain: Chain): { reorgs: ChainEvents['reorg'][0][]; connects: number; disconnects: number } {
  const rec = { reorgs: [] as ChainEvents['reorg'][0][], connects: 0, disconnects: 0 };
  chain.on('reorg', (info) => rec.reorgs.push(info));
  chain.on('connect', () => rec.connects++);
  chain.on('disconnect', () => rec.disconnects++);
  return rec;
}

/** The shared history: 105 blocks, so the first coinbases are mature at the fork. */
let base: TestChain;
beforeAll(() => {
  base = new TestChain();
  base.mine(105);
});

interface Fork {
  a: TestChain;
  b: TestChain;
  forkHeight: number;
  /** Confirmed in both branches. */
  txShared: Transaction;
  /** Only in A (and `txA2`, spending it, when A is 2+ blocks long). */
  txA: Transaction;
  txA2?: Transaction;
  /** Only in B. */
  txB: Transaction;
}

/** A with `lenA` blocks and B with `lenB` blocks after the base tip, with transactions in both. */
function makeFork(lenA: number, lenB: number): Fork {
  const a = base.clone();
  const forkHeight = a.height;
  const [cb0, cb1, cb2] = a.coinbaseCoins;
  const txShared = spend([cb0!], [payTo(1, 49n * COIN)]);
  const txA = spend([cb1!], [payTo(2, 49n * COIN)]);
  const txB = spend([cb2!], [payTo(3, 48n * COIN), payTo(4, COIN)]);
  a.add(a.buildBlock({ transactions: [txShared, txA], fees: 2n * COIN }));
  let txA2: Transaction | undefined;
  if (lenA >= 2) {
    txA2 = spend([ownedOutput(txA, 0, 2)], [payTo(5, 48n * COIN)]);
    a.add(a.buildBlock({ transactions: [txA2], fees: COIN }));
  }
  a.mine(lenA - a.height + forkHeight);
  const b = a.fork(forkHeight, { minerKey: testKey(9) });
  b.add(b.buildBlock({ transactions: [txB, txShared], fees: 2n * COIN }));
  b.mine(lenB - 1);
  expect(b.blocks[forkHeight + 1]!.hash).not.toBe(a.blocks[forkHeight + 1]!.hash);
  return { a, b, forkHeight, txShared, txA, txA2, txB };
}

/** A coin with a plain Uint8Array script (LevelDB hands back Buffers). */
function plain(coin: Coin | undefined): Coin | undefined {
  return coin && { ...coin, scriptPubKey: Uint8Array.from(coin.scriptPubKey) };
}

/** Asserts that `chain`'s best chain, coins and tx index are `winner`'s, transaction by transaction. */
async function expectOnBranch(chain: Chain, winner: TestChain, f: Fork, onB: boolean): Promise<void> {
  expect(chain.tip.hashHex).toBe(winner.tip.hash);
  for (let h = f.forkHeight; h <= winner.height; h++) expect(chain.getEntryAtHeight(h)?.hashHex).toBe(winner.blocks[h]!.hash);
  expect(chain.getEntryAtHeight(winner.height + 1)).toBeUndefined();
  const digest = await chain.utxoDigest();
  expect(digest.txouts).toBe(winner.view.coins.size);
  const [loser, loserTxs] = onB ? [f.a, [f.txA, f.txA2]] : [f.b, [f.txB]];
  const [, winnerTxs] = onB ? [f.b, [f.txB]] : [f.a, [f.txA, f.txA2]];
  for (const tx of loserTxs) {
    if (!tx) continue;
    expect(await chain.findTransaction(tx.txid)).toBeUndefined();
    for (let vout = 0; vout < tx.outputs.length; vout++) expect(await chain.getCoin({ txid: tx.txidBytes, vout })).toBeUndefined();
    // What only the losing branch spent is unspent again, unless the winner spent it too.
    for (const input of tx.inputs) {
      expect(plain(await chain.getCoin(input.prevout))).toEqual(plain(winner.view.getCoin(input.prevout)));
    }
  }
  for (const tx of winnerTxs) {
    if (!tx) continue;
    const found = await chain.findTransaction(tx.txid);
    expect(found?.entry.hashHex).toBe(winner.blocks[found!.entry.height]!.hash);
    for (const input of tx.inputs) expect(await chain.getCoin(input.prevout)).toBeUndefined();
  }
  // The shared transaction is indexed in the winner's block, not the loser's.
  const shared = await chain.findTransaction(f.txShared.txid);
  expect(shared?.entry.hashHex).toBe(winner.blocks[f.forkHeight + 1]!.hash);
  expect(shared?.entry.hashHex).not.toBe(loser.blocks[f.forkHeight + 1]!.hash);
  for (const coin of loser.coinbaseCoins.slice(f.forkHeight)) expect(await chain.getCoin(coin.prevout)).toBeUndefined();
}

describe('Chain reorganization', () => {
  it.each([1, 10, 100])('switches to a branch with more work %i blocks deep', async (depth) => {
    const f = makeFork(depth, depth + 1);
    const node = await referenceNode(f.a);
    await expectOnBranch(node, f.a, f, false);
    const events = recordEvents(node);

    const statuses = await feed(node, f.b.blocks.slice(f.forkHeight + 1));
    expect(statuses).toEqual([...Array<string>(depth).fill('side'), 'connected']);
    expect(events.reorgs).toHaveLength(1);
    expect(events.reorgs[0]!.fork.height).toBe(f.forkHeight);
    expect(events.reorgs[0]!.fork.hashHex).toBe(base.tip.hash);
    expect(events.reorgs[0]!.oldTip.hashHex).toBe(f.a.tip.hash);
    expect(events.reorgs[0]!.newTip.hashHex).toBe(f.b.tip.hash);
    expect(events.disconnects).toBe(depth);
    expect(events.connects).toBe(depth + 1);
    await expectOnBranch(node, f.b, f, true);

    const onlyB = await referenceNode(f.b);
    expect(await node.utxoDigest()).toEqual(await onlyB.utxoDigest());
    // The losing branch stays known as a valid side branch that could win later.
    expect(node.getEntry(f.a.tip.hash)?.failed).toBe(false);
    expect(node.isMain(node.getEntry(f.a.tip.hash)!)).toBe(false);
  });

  it('keeps the first-seen branch when another has equal work, in either order', async () => {
    const f = makeFork(3, 3);
    for (const [first, second] of [[f.a, f.b], [f.b, f.a]] as const) {
      const node = await referenceNode(first);
      const before = await node.utxoDigest();
      const events = recordEvents(node);
      expect(await feed(node, second.blocks.slice(f.forkHeight + 1))).toEqual(['side', 'side', 'side']);
      expect(node.tip.hashHex).toBe(first.tip.hash);
      expect(events.reorgs).toHaveLength(0);
      expect(events.disconnects).toBe(0);
      expect(await node.utxoDigest()).toEqual(before);
      await expectOnBranch(node, first, f, first === f.b);
    }
  });

  it('reorganizes back when the first branch overtakes again, and reopens on the winner', async () => {
    const f = makeFork(10, 11);
    const node = await referenceNode(f.a);
    const events = recordEvents(node);
    await feed(node, f.b.blocks.slice(f.forkHeight + 1));
    expect(node.tip.hashHex).toBe(f.b.tip.hash);

    f.a.mine(2);
    expect(await feed(node, f.a.blocks.slice(-2))).toEqual(['side', 'connected']);
    expect(events.reorgs).toHaveLength(2);
    expect(events.reorgs[1]!.fork.height).toBe(f.forkHeight);
    expect(events.reorgs[1]!.oldTip.hashHex).toBe(f.b.tip.hash);
    expect(events.reorgs[1]!.newTip.hashHex).toBe(f.a.tip.hash);
    await expectOnBranch(node, f.a, f, false);
    const digest = await node.utxoDigest();
    const onlyA = await referenceNode(f.a);
    expect(await onlyA.utxoDigest()).toEqual(digest);

    const path = node['db'].path;
    await closeChain(node);
    const reopened = await openChain(f.a.now, path);
    expect(reopened.tip.hashHex).toBe(f.a.tip.hash);
    expect(await reopened.utxoDigest()).toEqual(digest);
    await expectOnBranch(reopened, f.a, f, false);
  });
});
