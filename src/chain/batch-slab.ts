/**
 * LevelDB batches with their small keys and values copied into one buffer.
 *
 * A key or value of up to 64 bytes lives inside V8's heap; handing it to
 * LevelDB's native code makes V8 move it out, into a malloc'd block of its
 * own with a bookkeeping object beside it, freed only when the collector
 * next reaches it. A block of 24,000 outputs wrote some 50,000 such pairs
 * in one batch: tens of MB of tiny blocks that glibc keeps after they are
 * freed (scattered among live ones, they cannot be given back). Copied into
 * one buffer, they cost one allocation per batch.
 */

/** Keys and values this long or shorter are copied (V8 keeps typed arrays up to 64 bytes in its heap). */
export const SLAB_MAX_BYTES = 64;

/** A LevelDB batch operation as the chain writes them. */
export type SlabOp = { type: 'put'; key: Uint8Array; value: Uint8Array } | { type: 'del'; key: Uint8Array };

/**
 * The same operations, in the same order, with every key and value of at most
 * {@link SLAB_MAX_BYTES} bytes replaced by an equal view into one shared buffer.
 * Larger ones (blocks, undo records) are passed as they are.
 */
export function packBatch(ops: readonly SlabOp[]): SlabOp[] {
  let total = 0;
  for (const op of ops) {
    if (op.key.length <= SLAB_MAX_BYTES) total += op.key.length;
    if (op.type === 'put' && op.value.length <= SLAB_MAX_BYTES) total += op.value.length;
  }
  const slab = new Uint8Array(total);
  let at = 0;
  const copy = (bytes: Uint8Array): Uint8Array => {
    if (bytes.length > SLAB_MAX_BYTES) return bytes;
    slab.set(bytes, at);
    at += bytes.length;
    return slab.subarray(at - bytes.length, at);
  };
  return ops.map((op) => (op.type === 'put' ? { type: 'put', key: copy(op.key), value: copy(op.value) } : { type: 'del', key: copy(op.key) }));
}
