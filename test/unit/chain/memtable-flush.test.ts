import { describe, expect, it } from 'vitest';
import { batchBytes, EMPTY_RANGE_KEY, MemtableFlusher, memtableFlusherFor, type CompactableDb } from '../../../src/chain/memtable-flush.js';
import { PREFIX } from '../../../src/chain/layout.js';

/** A LevelDB stand-in whose compactions finish when the test says so. */
function held(): CompactableDb & { calls: Uint8Array[][]; finish(): void } {
  const waiting: (() => void)[] = [];
  const calls: Uint8Array[][] = [];
  return {
    calls,
    compactRange(start, end) {
      calls.push([start, end]);
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    finish: () => waiting.shift()?.(),
  };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('MemtableFlusher', () => {
  it('writes the memtable out after a batch larger than the write buffer only', async () => {
    const db = held();
    const flusher = new MemtableFlusher(db, 1000);
    flusher.wrote(1000);
    expect(db.calls).toHaveLength(0);
    flusher.wrote(1001);
    expect(db.calls).toEqual([[EMPTY_RANGE_KEY, EMPTY_RANGE_KEY]]);
    db.finish();
    await flusher.idle();
  });

  it('runs one flush at a time, and once more for a large batch written during one', async () => {
    const db = held();
    const flusher = new MemtableFlusher(db, 10);
    flusher.wrote(50);
    flusher.wrote(50);
    flusher.wrote(50);
    expect(db.calls).toHaveLength(1);
    db.finish();
    await settle();
    expect(db.calls).toHaveLength(2);
    db.finish();
    await flusher.idle();
    expect(db.calls).toHaveLength(2);
  });

  it('swallows a failed compaction: the next write reports the disk', async () => {
    const flusher = new MemtableFlusher({ compactRange: () => Promise.reject(new Error('IO error: No space left on device')) }, 0);
    flusher.wrote(1);
    await expect(flusher.idle()).resolves.toBeUndefined();
  });

  it('is made only for a handle that can compact', () => {
    expect(memtableFlusherFor({}, 1)).toBeUndefined();
    expect(memtableFlusherFor({ compactRange: () => Promise.resolve() }, 1)?.thresholdBytes).toBe(1);
  });
});

describe('EMPTY_RANGE_KEY', () => {
  it('begins no record key', () => {
    for (const prefix of Object.values(PREFIX)) expect(prefix).toBeLessThan(EMPTY_RANGE_KEY[0]!);
  });
});

describe('batchBytes', () => {
  it('adds the keys and values of every part', () => {
    const put = { type: 'put' as const, key: new Uint8Array(3), value: new Uint8Array(10) };
    const del = { type: 'del' as const, key: new Uint8Array(5) };
    expect(batchBytes([[put, del], [put]])).toBe(31);
    expect(batchBytes([])).toBe(0);
  });
});
