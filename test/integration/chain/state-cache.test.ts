/**
 * The chain-state cache (`--dbcache`, state-cache.ts) on a real LevelDB: reads
 * see cached writes, flushes carry the coin set's tip, and a "crash" (a flush
 * that never reaches LevelDB, as after kill -9) is recovered on the next open
 * by replaying the stored blocks from the coin set's tip to the block tip,
 * through reorganizations too. The result must equal a write-through chain.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Level } from 'level';
import { Chain, type BatchVerifier } from '../../../src/chain/chain.js';
import { keys } from '../../../src/chain/layout.js';
import { regtest } from '../../../src/consensus/params.js';
import type { Block } from '../../../src/primitives/block.js';
import { hashToHex } from '../../../src/primitives/bytes.js';
import type { LogWriter } from '../../../src/util/logger.js';
import { TxChain } from '../../helpers/fault-chain.js';
import { payTo } from '../../helpers/chain.js';
import { tempDir } from '../../helpers/tmp.js';

const root = tempDir('tally-state-cache');
let dirs = 0;
const trusting: BatchVerifier = { verify: async () => -1 };
let base: Block[];
let branchA: Block[];
let branchB: Block[];
let now: number;

beforeAll(() => {
  const chain = new TxChain();
  base = [...chain.mine(105, 0), ...chain.mine(10, 3)];
  const a = chain.branch(1);
  const b = chain.branch(2);
  branchA = a.mine(6, 3);
  branchB = b.mine(8, 3);
  now = Math.max(...branchB.map((x) => x.header.time)) + 10_000;
}, 60_000);

/** A log that records message names, to count flushes and replays. */
function recordingLog(msgs: string[]): LogWriter {
  const write = (a: unknown, b?: unknown): void => {
    msgs.push(typeof a === 'string' ? a : String(b));
  };
  return { debug: write, info: write, warn: write, error: write };
}

interface Opened {
  chain: Chain;
  msgs: string[];
}

async function open(path: string, dbcacheBytes: number, opts: { crash?: boolean } = {}): Promise<Opened> {
  const msgs: string[] = [];
  const crash = opts.crash ? { beforeFlushWrite: () => Promise.reject(new Error('simulated kill -9 inside a flush')) } : {};
  const chain = new Chain({ path, params: regtest, dbcacheBytes }, { verifier: trusting, clock: () => now, logger: recordingLog(msgs), ...crash });
  await chain.open();
  return { chain, msgs };
}

const freshPath = () => join(root, `db${dirs++}`);

async function feed(chain: Chain, blocks: readonly Block[]): Promise<void> {
  for (const block of blocks) await chain.processBlock(block);
}

/** What every read answers: tip, digest, coins, the tx index and the address index. */
async function answers(chain: Chain, blocks: readonly Block[]) {
  const last = blocks[blocks.length - 1]!;
  const tx = last.transactions[1]!;
  const loc = await chain.getTxLocation(tx.txidBytes);
  return {
    tip: chain.tip.hashHex,
    digest: await chain.utxoDigest(),
    coin: await chain.getCoin({ txid: tx.txidBytes, vout: 0 }),
    spent: await chain.getCoin(tx.inputs[0]!.prevout),
    txAt: loc && { block: hashToHex(loc.blockHash), position: loc.position },
    utxos: (await chain.getAddressUtxos(payTo(1, 0n).scriptPubKey)).length,
    history: (await chain.getAddressHistory(payTo(2, 0n).scriptPubKey)).length,
    spentCoins: await chain.spentCoins(chain.getEntry(last.hash)!),
  };
}

/** The answers of a write-through chain fed `blocks`. */
async function reference(blocks: readonly Block[]) {
  const { chain } = await open(freshPath(), 0);
  try {
    await feed(chain, blocks);
    return await answers(chain, blocks);
  } finally {
    await chain.close();
  }
}

describe('chain-state cache', () => {
  it('answers every read through the cache as a write-through chain does, and flushes when full', async () => {
    const blocks = [...base, ...branchA];
    const expected = await reference(blocks);
    const path = freshPath();
    const { chain, msgs } = await open(path, 20_000);
    await feed(chain, blocks);
    expect(msgs.filter((m) => m === 'chain state flushed').length).toBeGreaterThan(3);
    expect(await answers(chain, blocks)).toEqual(expected);
    await chain.close();
    const again = await open(path, 20_000);
    expect(again.msgs).not.toContain('replayed blocks after the last chain-state flush');
    expect(await answers(again.chain, blocks)).toEqual(expected);
    await again.chain.close();
  }, 60_000);

  it('replays the blocks since the last flush after a crash inside a flush', async () => {
    const blocks = [...base, ...branchA];
    const expected = await reference(blocks);
    const path = freshPath();
    const big = await open(path, 1e9);
    await feed(big.chain, base);
    await big.chain.close(); // flushes: the coin set's tip is the base's
    const crashing = await open(path, 1e9, { crash: true });
    await feed(crashing.chain, branchA);
    await crashing.chain.close(); // its flush fails like a kill -9 in the middle of it
    expect(crashing.msgs).toContain('could not flush the chain state; the next start replays the blocks');
    const db = new Level<Uint8Array, Uint8Array>(join(path), { keyEncoding: 'view', valueEncoding: 'view' });
    expect(hashToHex((await db.get(keys.tip()))!)).toBe(base[base.length - 1]!.hash);
    expect(hashToHex((await db.get(keys.blockTip()))!)).toBe(branchA[branchA.length - 1]!.hash);
    await db.close();
    const reopened = await open(path, 1e9);
    expect(reopened.msgs).toContain('replayed blocks after the last chain-state flush');
    expect(await answers(reopened.chain, blocks)).toEqual(expected);
    await reopened.chain.close();
  }, 60_000);

  it('replays across a reorganization that was never flushed: disconnects to the fork, connects the new branch', async () => {
    const expected = await reference([...base, ...branchB]);
    const path = freshPath();
    const first = await open(path, 1e9);
    await feed(first.chain, [...base, ...branchA]);
    await first.chain.close(); // the coin set is at branch A's tip
    const crashing = await open(path, 1e9, { crash: true });
    await feed(crashing.chain, branchB);
    expect(crashing.chain.tip.hashHex).toBe(branchB[branchB.length - 1]!.hash);
    await crashing.chain.close();
    const reopened = await open(path, 20_000);
    expect(reopened.msgs).toContain('replayed blocks after the last chain-state flush');
    expect(await answers(reopened.chain, [...base, ...branchB])).toEqual(expected);
    await reopened.chain.close();
    // A reindex of the same blocks agrees.
    const rebuilt = new Chain({ path, params: regtest, dbcacheBytes: 20_000 }, { verifier: trusting, clock: () => now });
    await rebuilt.open({ reindex: true });
    expect(await rebuilt.utxoDigest()).toEqual(expected.digest);
    await rebuilt.close();
  }, 60_000);
});
