import { describe, expect, it } from 'vitest';
import { packBatch, SLAB_MAX_BYTES, type SlabOp } from '../../../src/chain/batch-slab.js';

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

describe('packBatch', () => {
  it('keeps every operation, in order, with equal bytes', () => {
    const ops: SlabOp[] = [
      { type: 'put', key: bytes(37, 1), value: bytes(50, 2) },
      { type: 'del', key: bytes(33, 3) },
      { type: 'put', key: bytes(5, 4), value: bytes(0, 0) },
    ];
    const packed = packBatch(ops);
    expect(packed.map((op) => op.type)).toEqual(['put', 'del', 'put']);
    packed.forEach((op, i) => {
      expect(op.key).toEqual(ops[i]!.key);
      if (op.type === 'put') expect(op.value).toEqual((ops[i] as { value: Uint8Array }).value);
    });
  });

  it('puts the small keys and values into one buffer and leaves large values alone', () => {
    const block = bytes(SLAB_MAX_BYTES + 1, 9);
    const ops: SlabOp[] = [
      { type: 'put', key: bytes(33, 1), value: block },
      { type: 'put', key: bytes(37, 2), value: bytes(SLAB_MAX_BYTES, 3) },
    ];
    const packed = packBatch(ops) as { key: Uint8Array; value: Uint8Array }[];
    expect(packed[0]!.value).toBe(block);
    const buffers = new Set([packed[0]!.key.buffer, packed[1]!.key.buffer, packed[1]!.value.buffer]);
    expect(buffers.size).toBe(1);
    expect(packed[0]!.key.buffer.byteLength).toBe(33 + 37 + SLAB_MAX_BYTES);
  });

  it('does not share bytes with the operations it was given', () => {
    const key = bytes(10, 7);
    const [op] = packBatch([{ type: 'del', key }]);
    key.fill(0);
    expect(op!.key).toEqual(bytes(10, 7));
  });
});
