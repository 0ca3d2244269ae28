/**
 * The orphan block pool is bounded in count and in serialized bytes, oldest
 * out first: a peer can make orphans for free, so neither many small ones nor
 * a few large ones may take more than the bounds.
 */
import { describe, expect, it } from 'vitest';
import { regtest } from '../../../src/consensus/params.js';
import { MAX_ORPHAN_BLOCK_BYTES, OrphanBlocks } from '../../../src/chain/orphans.js';
import { assembleBlock, solveBlock } from '../../../src/mining/assemble.js';
import { createCoinbase } from '../../../src/mining/coinbase.js';
import type { Block } from '../../../src/primitives/block.js';
import type { Transaction } from '../../../src/primitives/tx.js';
import { payTo } from '../../helpers/chain.js';

const ONE_OUTPUT = payTo(0, 1_000n);

/** A coinbase with `outputs` outputs of 43 bytes each (the bulk of a block). */
function coinbaseWith(outputs: number): Transaction {
  return createCoinbase({ height: 1, outputs: Array.from({ length: outputs }, () => ONE_OUTPUT) });
}

/** A solved regtest block on `prev` (32 bytes) with a coinbase of `outputs` outputs (or the coinbase given). */
function blockOn(prev: Uint8Array, outputs: number | Transaction = 1): Block {
  const coinbase = typeof outputs === 'number' ? coinbaseWith(outputs) : outputs;
  return solveBlock(assembleBlock({ prevHashBytes: prev, time: regtest.genesis.time + 1, bits: regtest.powLimitBits, coinbase }));
}

function unknownParent(n: number): Uint8Array {
  return new Uint8Array(32).fill(n);
}

describe('orphan block pool', () => {
  it('keeps at most `limit` orphans, dropping the oldest', () => {
    const pool = new OrphanBlocks(3);
    const blocks = [1, 2, 3, 4, 5].map((n) => blockOn(unknownParent(n)));
    for (const b of blocks) pool.add(b);
    expect(pool.size).toBe(3);
    expect(blocks.map((b) => pool.has(b.hash))).toEqual([false, false, true, true, true]);
  });

  it('keeps at most `maxBytes` of orphans, dropping the oldest, and counts what leaves', () => {
    const big = [1, 2, 3].map((n) => blockOn(unknownParent(n), 100));
    const size = big[0]!.size;
    const pool = new OrphanBlocks(100, 2 * size + 10);
    for (const b of big) pool.add(b);
    expect(big.map((b) => pool.has(b.hash))).toEqual([false, true, true]);
    expect(pool.bytes).toBe(big[1]!.size + big[2]!.size);
    // A small child of the newest makes room by dropping the oldest; taken out, its bytes go with it.
    const child = blockOn(big[2]!.hashBytes);
    pool.add(child);
    expect([pool.has(big[1]!.hash), pool.has(big[2]!.hash), pool.bytes]).toEqual([false, true, big[2]!.size + child.size]);
    expect(pool.takeChildren(big[2]!.hash)).toEqual([child]);
    expect(pool.bytes).toBe(big[2]!.size);
  });

  it('refuses a single block larger than the byte bound and keeps what it has', () => {
    const small = blockOn(unknownParent(1));
    const pool = new OrphanBlocks(100, small.size + 100);
    pool.add(small);
    pool.add(blockOn(unknownParent(2), 10));
    expect(pool.size).toBe(1);
    expect(pool.has(small.hash)).toBe(true);
  });

  it('holds at most MAX_ORPHAN_BLOCK_BYTES by default, however many fit the count', () => {
    const pool = new OrphanBlocks(100);
    // 100 orphans of about 260 kB: the count bound alone would let them hold 26 MB.
    const coinbase = coinbaseWith(6_000);
    const blocks = Array.from({ length: 100 }, (_, n) => blockOn(unknownParent(n), coinbase));
    const fit = Math.floor(MAX_ORPHAN_BLOCK_BYTES / blocks[0]!.size);
    expect(fit).toBeLessThan(100);
    for (const b of blocks) pool.add(b);
    expect(pool.size).toBe(fit);
    expect(pool.has(blocks[99]!.hash) && !pool.has(blocks[0]!.hash)).toBe(true);
    expect(pool.bytes).toBeLessThanOrEqual(MAX_ORPHAN_BLOCK_BYTES);
  });
});
