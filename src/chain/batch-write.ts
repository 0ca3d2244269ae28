/**
 * Writing chain batches to LevelDB without copies of the operations.
 *
 * An array batch (`db.batch(ops)`) holds every operation three times while it
 * is built: ours, abstract-level's encoded clone, and the native WriteBatch. A
 * 1 MB block of 22,000 outputs writes some 66,000 operations (coin, address
 * unspent and address delta records), so the clones alone were tens of MB of
 * objects that lived long enough to be promoted, and stayed in the old
 * generation until the next full collection. A chained batch hands each
 * operation to the native WriteBatch at once, which copies its bytes.
 *
 * A key or value of up to 64 bytes lives inside V8's heap; handing it to native
 * code makes V8 move it out into a malloc'd block of its own, freed only when
 * the collector reaches it (tens of thousands of tiny blocks per batch, which
 * glibc keeps, scattered among live ones). Such bytes are copied into a scratch
 * buffer outside the heap first, through views reused for every operation:
 * the native side copies them before the next one.
 */

/** Keys and values this long or shorter are copied (V8 keeps typed arrays up to 64 bytes in its heap). */
export const SCRATCH_MAX_BYTES = 64;

/** A LevelDB batch operation as the chain writes them. */
export type WriteOp = { type: 'put'; key: Uint8Array; value: Uint8Array } | { type: 'del'; key: Uint8Array };

/** The part of a LevelDB chained batch this module uses. */
export interface ChainedBatchLike {
  put(key: Uint8Array, value: Uint8Array): unknown;
  del(key: Uint8Array): unknown;
}

/**
 * Gives views of a buffer outside the V8 heap: one region for keys and one for values,
 * each with one view per length, reused (what a view holds is valid until the next call
 * for the same region).
 */
export class OffHeapScratch {
  // Larger than 64 bytes, so V8 allocates it outside its heap.
  private readonly buffer = new Uint8Array(2 * SCRATCH_MAX_BYTES);
  private readonly views: Uint8Array[][] = [[], []];

  /** `bytes` itself when it is already outside the heap (longer than 64 bytes), else a copy in region `slot` (0 or 1). */
  place(bytes: Uint8Array, slot: 0 | 1): Uint8Array {
    if (bytes.length > SCRATCH_MAX_BYTES) return bytes;
    const start = slot * SCRATCH_MAX_BYTES;
    const view = (this.views[slot]![bytes.length] ??= this.buffer.subarray(start, start + bytes.length));
    view.set(bytes);
    return view;
  }
}

/**
 * Adds every operation of `parts`, in order, to `batch` (later operations on a key win,
 * as in LevelDB). The batch must copy each key and value before the next call.
 */
export function addToBatch(batch: ChainedBatchLike, parts: readonly (readonly WriteOp[])[], scratch: OffHeapScratch): number {
  let count = 0;
  for (const ops of parts) {
    for (const op of ops) {
      if (op.type === 'put') batch.put(scratch.place(op.key, 0), scratch.place(op.value, 1));
      else batch.del(scratch.place(op.key, 0));
      count++;
    }
  }
  return count;
}

/** A chained batch that can be written or given up. */
export interface ChainedBatchWriter extends ChainedBatchLike {
  write(): Promise<void>;
  close(): Promise<void>;
}

/** Writes every operation of `parts`, in order, as one batch of `db`: all or nothing. */
export async function writeParts(db: { batch(): ChainedBatchWriter }, parts: readonly (readonly WriteOp[])[], scratch: OffHeapScratch): Promise<void> {
  const batch = db.batch();
  try {
    addToBatch(batch, parts, scratch);
  } catch (err) {
    await batch.close();
    throw err;
  }
  await batch.write();
}
