import { describe, expect, it } from 'vitest';
import { addToBatch, OffHeapScratch, SCRATCH_MAX_BYTES, writeParts, type ChainedBatchLike, type WriteOp } from '../../../src/chain/batch-write.js';

/** A batch that copies what it is given, as LevelDB's WriteBatch does, and notes where the bytes lived. */
class RecordingBatch implements ChainedBatchLike {
  readonly ops: { type: string; key: number[]; value?: number[] }[] = [];
  readonly given: Uint8Array[] = [];

  put(key: Uint8Array, value: Uint8Array): void {
    this.given.push(key, value);
    this.ops.push({ type: 'put', key: [...key], value: [...value] });
  }

  del(key: Uint8Array): void {
    this.given.push(key);
    this.ops.push({ type: 'del', key: [...key] });
  }
}

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

describe('addToBatch', () => {
  it('adds every operation of every part in order, with equal bytes', () => {
    const parts: WriteOp[][] = [
      [{ type: 'put', key: bytes(37, 1), value: bytes(48, 2) }, { type: 'del', key: bytes(5, 3) }],
      [],
      [{ type: 'put', key: bytes(80, 4), value: bytes(1000, 5) }, { type: 'put', key: bytes(37, 1), value: bytes(9, 6) }],
    ];
    const batch = new RecordingBatch();
    expect(addToBatch(batch, parts, new OffHeapScratch())).toBe(4);
    expect(batch.ops.map((o) => o.type)).toEqual(['put', 'del', 'put', 'put']);
    expect(batch.ops.map((o) => o.key)).toEqual([[...bytes(37, 1)], [...bytes(5, 3)], [...bytes(80, 4)], [...bytes(37, 1)]]);
    expect(batch.ops.map((o) => o.value)).toEqual([[...bytes(48, 2)], undefined, [...bytes(1000, 5)], [...bytes(9, 6)]]);
  });

  it('passes bytes over 64 as they are, and copies shorter ones into the shared scratch buffer', () => {
    const big = bytes(SCRATCH_MAX_BYTES + 1, 7);
    const small = bytes(SCRATCH_MAX_BYTES, 8);
    const batch = new RecordingBatch();
    addToBatch(batch, [[{ type: 'put', key: small, value: big }]], new OffHeapScratch());
    const [key, value] = batch.given;
    expect(value).toBe(big);
    expect(key).not.toBe(small);
    expect(key!.buffer.byteLength).toBeGreaterThan(SCRATCH_MAX_BYTES);
  });
});

describe('OffHeapScratch', () => {
  it('keeps keys and values apart and reuses one view per length', () => {
    const scratch = new OffHeapScratch();
    const key = scratch.place(bytes(10, 1), 0);
    const value = scratch.place(bytes(10, 2), 1);
    expect([...key]).toEqual([...bytes(10, 1)]);
    expect([...value]).toEqual([...bytes(10, 2)]);
    expect(scratch.place(bytes(10, 3), 0)).toBe(key);
    expect([...key]).toEqual([...bytes(10, 3)]);
    expect([...value]).toEqual([...bytes(10, 2)]);
  });
});

describe('writeParts', () => {
  class WritableBatch extends RecordingBatch {
    written = false;
    closed = false;
    async write(): Promise<void> { this.written = true; }
    async close(): Promise<void> { this.closed = true; }
  }

  it('adds every part and writes the batch once', async () => {
    const batch = new WritableBatch();
    await writeParts({ batch: () => batch }, [[{ type: 'put', key: bytes(3, 1), value: bytes(2, 2) }], [{ type: 'del', key: bytes(3, 1) }]], new OffHeapScratch());
    expect(batch.ops.map((op) => op.type)).toEqual(['put', 'del']);
    expect([batch.written, batch.closed]).toEqual([true, false]);
  });

  it('gives the batch up, unwritten, when adding fails', async () => {
    const batch = new WritableBatch();
    batch.put = () => { throw new Error('bad key'); };
    await expect(writeParts({ batch: () => batch }, [[{ type: 'put', key: bytes(3, 1), value: bytes(2, 2) }]], new OffHeapScratch())).rejects.toThrow('bad key');
    expect([batch.written, batch.closed]).toEqual([false, true]);
  });
});
