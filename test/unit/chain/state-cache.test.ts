/**
 * The chain-state cache alone (state-cache.ts): later writes replace earlier
 * ones, a pending delete hides what LevelDB holds, a flush takes the pending
 * set at once (writes made while it is written wait for the next one), and a
 * failed flush keeps its writes under any newer ones.
 */
import { describe, expect, it } from 'vitest';
import type { BatchOp } from '../../../src/chain/chaindb.js';
import { ENTRY_OVERHEAD_BYTES, StateCache } from '../../../src/chain/state-cache.js';

const k = (n: number) => Uint8Array.of(0x63, n);
const v = (n: number) => Uint8Array.of(n, n, n);
const put = (key: number, value: number): BatchOp => ({ type: 'put', key: k(key), value: v(value) });
const del = (key: number): BatchOp => ({ type: 'del', key: k(key) });

describe('StateCache', () => {
  it('keeps the last write per key, a delete as null, nothing as undefined', () => {
    const cache = new StateCache(1e6);
    cache.apply([put(1, 1), put(2, 2), put(1, 7), del(2)]);
    expect(cache.lookup(k(1))).toEqual(v(7));
    expect(cache.lookup(k(2))).toBeNull();
    expect(cache.lookup(k(3))).toBeUndefined();
    expect(cache.size).toBe(2);
    // Replacing a write does not count it twice.
    expect(cache.bytes).toBe(2 * ENTRY_OVERHEAD_BYTES + 2 + 3 + 2);
  });

  it('is full past its limit', () => {
    const cache = new StateCache(2 * ENTRY_OVERHEAD_BYTES);
    cache.apply([put(1, 1)]);
    expect(cache.full).toBe(false);
    cache.apply([put(2, 2), put(3, 3)]);
    expect(cache.full).toBe(true);
  });

  it('writes the pending set in one call, still readable while it is written, and later writes wait', async () => {
    const cache = new StateCache(1e6);
    cache.apply([put(1, 1), del(2)]);
    const written: BatchOp[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const flushing = cache.flush(async (ops) => {
      written.push(ops);
    }, () => gate);
    await Promise.resolve();
    await Promise.resolve();
    cache.apply([put(3, 3), put(1, 9)]);
    expect(cache.lookup(k(2))).toBeNull(); // from the flush in progress
    expect(cache.lookup(k(1))).toEqual(v(9)); // the newer write wins
    release();
    const stats = await flushing;
    expect(stats.ops).toBe(2);
    expect(written).toEqual([[put(1, 1), del(2)]]);
    expect(cache.lookup(k(2))).toBeUndefined();
    expect(cache.size).toBe(2);
    await cache.flush(async (ops) => {
      written.push(ops);
    });
    expect(written[1]).toEqual([put(3, 3), put(1, 9)]);
    expect(cache.size).toBe(0);
  });

  it('keeps the writes of a failed flush, under the writes made since', async () => {
    const cache = new StateCache(1e6);
    cache.apply([put(1, 1), put(2, 2)]);
    const failed = cache.flush(async () => {
      cache.apply([put(2, 5)]);
      throw new Error('disk full');
    });
    await expect(failed).rejects.toThrow('disk full');
    expect(cache.lookup(k(1))).toEqual(v(1));
    expect(cache.lookup(k(2))).toEqual(v(5));
    expect(cache.size).toBe(2);
  });

  it('is overflowed by writes that alone take more than its limit', () => {
    const cache = new StateCache(2 * ENTRY_OVERHEAD_BYTES + 20);
    expect(cache.overflowedBy([put(1, 1), del(2)])).toBe(false);
    expect(cache.overflowedBy([put(1, 1), put(2, 2), put(3, 3)])).toBe(true);
  });

  it('writes through: the pending writes then the given ones, in one call, after a flush in progress; the given ones never enter the cache', async () => {
    const cache = new StateCache(1e6);
    cache.apply([put(1, 1)]);
    const written: BatchOp[][][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const flushing = cache.flush(async (ops) => {
      written.push([ops]);
    }, () => gate);
    await Promise.resolve();
    await Promise.resolve();
    cache.apply([put(2, 2)]);
    const through = cache.writeThrough([put(2, 7), del(3)], async (pending, ops) => {
      written.push([pending, [...ops]]);
    });
    release();
    await flushing;
    const stats = await through;
    expect(written).toEqual([[[put(1, 1)]], [[put(2, 2)], [put(2, 7), del(3)]]]);
    expect(stats.ops).toBe(3);
    expect(cache.size).toBe(0);
    expect(cache.lookup(k(2))).toBeUndefined();
  });

  it('writes through even with nothing pending', async () => {
    const cache = new StateCache(1e6);
    const written: BatchOp[][] = [];
    await cache.writeThrough([put(4, 4)], async (pending, ops) => {
      written.push(pending, [...ops]);
    });
    expect(written).toEqual([[], [put(4, 4)]]);
  });

  it('discards everything once a flush in progress is done', async () => {
    const cache = new StateCache(1e6);
    cache.apply([put(1, 1)]);
    const written: BatchOp[][] = [];
    const flushing = cache.flush(async (ops) => {
      written.push(ops);
    });
    cache.apply([put(2, 2)]);
    await cache.discard();
    await flushing;
    expect(written).toHaveLength(1);
    expect(cache.size).toBe(0);
    expect(cache.lookup(k(2))).toBeUndefined();
  });

  it('never reads a key through its ArrayBuffer, and flushes keys of every byte value intact', async () => {
    // A typed array's `.buffer` moves a small array off the V8 heap; the cache must not ask for it.
    const key = Uint8Array.from({ length: 80 }, (_, i) => (i * 37 + 200) & 0xff);
    Object.defineProperty(key, 'buffer', { get: () => { throw new Error('key.buffer read'); } });
    const cache = new StateCache(1e6);
    cache.apply([{ type: 'put', key, value: v(4) }, { type: 'del', key: Uint8Array.of(0x63, 0xff, 0x00, 0x80) }]);
    expect(cache.lookup(key)).toEqual(v(4));
    const written: BatchOp[][] = [];
    await cache.flush(async (ops) => {
      written.push(ops);
    });
    expect(written).toEqual([[{ type: 'put', key: Uint8Array.from(key), value: v(4) }, { type: 'del', key: Uint8Array.of(0x63, 0xff, 0x00, 0x80) }]]);
  });
});
