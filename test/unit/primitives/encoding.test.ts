/** Every export of src/primitives/encoding.ts: fixed-width integers, CompactSize and bounds checks. */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../src/primitives/bytes.js';
import { BufferReader, BufferWriter, MAX_COMPACT_SIZE, varintSize } from '../../../src/primitives/encoding.js';
import { EncodingError } from '../../../src/primitives/errors.js';
import { thrownCode } from '../../helpers/errors.js';

const codeOf = (fn: () => unknown): string => thrownCode(fn, EncodingError);

const reader = (hex: string): BufferReader => new BufferReader(fromHex(hex));

describe('MAX_COMPACT_SIZE', () => {
  it("is Bitcoin's MAX_SIZE, 32 MiB", () => {
    expect(MAX_COMPACT_SIZE).toBe(0x02000000);
  });
});

describe('CompactSize boundaries', () => {
  const cases: [number, string][] = [
    [0, '00'],
    [1, '01'],
    [0xfc, 'fc'],
    [0xfd, 'fdfd00'],
    [0xfe, 'fdfe00'],
    [0xff, 'fdff00'],
    [0x100, 'fd0001'],
    [0xffff, 'fdffff'],
    [0x10000, 'fe00000100'],
    [MAX_COMPACT_SIZE, 'fe00000002'],
    [0xffffffff, 'feffffffff'],
  ];

  it.each(cases)('%i encodes as %s and decodes back', (n, hex) => {
    expect(toHex(new BufferWriter().varint(n).finish())).toBe(hex);
    expect(varintSize(n)).toBe(hex.length / 2);
    const r = reader(hex);
    expect(r.varint(0xffffffff)).toBe(n);
    expect(r.remaining).toBe(0);
  });

  it('writes 9 bytes above 32 bits', () => {
    expect(toHex(new BufferWriter().varint(0x100000000).finish())).toBe('ff0000000001000000');
    expect(varintSize(0x100000000)).toBe(9);
    expect(varintSize(Number.MAX_SAFE_INTEGER)).toBe(9);
  });

  it('rejects values above the maximum with compactsize-too-large', () => {
    expect(reader('fe00000002').varint()).toBe(MAX_COMPACT_SIZE);
    expect(codeOf(() => reader('fe01000002').varint())).toBe('compactsize-too-large');
    expect(codeOf(() => reader('feffffffff').varint())).toBe('compactsize-too-large');
    expect(codeOf(() => reader('ff0000000001000000').varint(0xffffffff))).toBe('compactsize-too-large');
    expect(codeOf(() => reader('ffffffffffffffffff').varint())).toBe('compactsize-too-large');
    expect(codeOf(() => reader('fd0001').varint(0xff))).toBe('compactsize-too-large');
    expect(codeOf(() => reader('0b').varint(10))).toBe('compactsize-too-large');
    expect(reader('0a').varint(10)).toBe(10);
  });

  it('rejects non-canonical encodings with non-canonical-compactsize', () => {
    expect(codeOf(() => reader('fd0000').varint())).toBe('non-canonical-compactsize');
    expect(codeOf(() => reader('fdfc00').varint())).toBe('non-canonical-compactsize');
    expect(codeOf(() => reader('feffff0000').varint())).toBe('non-canonical-compactsize');
    expect(codeOf(() => reader('fe00000000').varint())).toBe('non-canonical-compactsize');
    expect(codeOf(() => reader('ffffffffff00000000').varint())).toBe('non-canonical-compactsize');
    expect(codeOf(() => reader('ff0000000000000000').varint())).toBe('non-canonical-compactsize');
  });

  it('rejects truncated encodings with read-out-of-bounds', () => {
    for (const hex of ['', 'fd', 'fd01', 'fe', 'fe010000', 'ff', 'ff00000000000000']) {
      expect(codeOf(() => reader(hex).varint()), hex).toBe('read-out-of-bounds');
    }
  });
});

describe('BufferReader', () => {
  it('reads little-endian fixed widths', () => {
    const r = reader('01' + '0201' + '04030201' + 'feffffff' + '0807060504030201' + 'feffffffffffffff');
    expect(r.u8()).toBe(1);
    expect(r.u16()).toBe(0x0102);
    expect(r.u32()).toBe(0x01020304);
    expect(r.i32()).toBe(-2);
    expect(r.u64()).toBe(0x0102030405060708n);
    expect(r.i64()).toBe(-2n);
    expect(r.remaining).toBe(0);
  });

  it('reads unsigned values above the signed range', () => {
    expect(reader('ffffffff').u32()).toBe(0xffffffff);
    expect(reader('ffffffff').i32()).toBe(-1);
    expect(reader('ffffffffffffffff').u64()).toBe((1n << 64n) - 1n);
    expect(reader('0000000000000080').i64()).toBe(-(1n << 63n));
  });

  it('throws read-out-of-bounds past the end, for every width', () => {
    expect(codeOf(() => reader('').u8())).toBe('read-out-of-bounds');
    expect(codeOf(() => reader('01').u16())).toBe('read-out-of-bounds');
    expect(codeOf(() => reader('010203').u32())).toBe('read-out-of-bounds');
    expect(codeOf(() => reader('010203').i32())).toBe('read-out-of-bounds');
    expect(codeOf(() => reader('01020304050607').u64())).toBe('read-out-of-bounds');
    expect(codeOf(() => reader('01020304050607').i64())).toBe('read-out-of-bounds');
    expect(codeOf(() => reader('0102').bytesN(3))).toBe('read-out-of-bounds');
    expect(codeOf(() => reader('030102').varBytes())).toBe('read-out-of-bounds');
  });

  it('does not advance on a failed read', () => {
    const r = reader('010203');
    expect(codeOf(() => r.u32())).toBe('read-out-of-bounds');
    expect(r.offset).toBe(0);
    expect(r.remaining).toBe(3);
    expect(r.u16()).toBe(0x0201);
  });

  it('bytesN copies, and varBytes reads a length-prefixed slice', () => {
    const data = fromHex('0301020304');
    const r = new BufferReader(data);
    const out = r.varBytes();
    expect(toHex(out)).toBe('010203');
    out[0] = 0xff;
    expect(data[1]).toBe(1);
    expect(r.remaining).toBe(1);
    expect(toHex(r.bytesN(1))).toBe('04');
    expect(toHex(reader('00').varBytes())).toBe('');
    expect(codeOf(() => reader('0401020304').varBytes(3))).toBe('compactsize-too-large');
  });

  it('with views, bytesN and varBytes return views into the input; copyN always copies', () => {
    const data = fromHex('0301020304aabb');
    const r = new BufferReader(data, 0, { views: true });
    const view = r.varBytes();
    expect(toHex(view)).toBe('010203');
    expect(view.buffer).toBe(data.buffer);
    data[1] = 0x09;
    expect(view[0]).toBe(0x09);
    const copy = r.copyN(1);
    expect(copy.buffer).not.toBe(data.buffer);
    expect(toHex(copy)).toBe('04');
    expect(codeOf(() => r.bytesN(3))).toBe('read-out-of-bounds');
    expect(codeOf(() => r.copyN(3))).toBe('read-out-of-bounds');
    expect(toHex(r.bytesN(2))).toBe('aabb');
    expect(new BufferReader(data).views).toBe(false);
    const buffer = Buffer.from('0102', 'hex');
    const copied = new BufferReader(buffer).copyN(2);
    expect(copied.buffer).not.toBe(buffer.buffer);
    buffer[0] = 9;
    expect(toHex(copied)).toBe('0102');
  });

  it('respects a start offset and the byteOffset of a subarray', () => {
    const backing = fromHex('ffff' + '04030201' + 'ffff');
    const r = new BufferReader(backing.subarray(2, 6));
    expect(r.u32()).toBe(0x01020304);
    expect(r.remaining).toBe(0);
    expect(codeOf(() => r.u8())).toBe('read-out-of-bounds');
    const r2 = new BufferReader(fromHex('aabbcc'), 1);
    expect(r2.remaining).toBe(2);
    expect(r2.u8()).toBe(0xbb);
  });
});

describe('BufferWriter', () => {
  it('writes little-endian fixed widths', () => {
    const hex = toHex(
      new BufferWriter()
        .u8(1)
        .u16(0x0102)
        .u32(0x01020304)
        .i32(-2)
        .u64(0x0102030405060708n)
        .i64(-2n)
        .finish(),
    );
    expect(hex).toBe('01' + '0201' + '04030201' + 'feffffff' + '0807060504030201' + 'feffffffffffffff');
  });

  it('u32 writes the unsigned form of negative numbers', () => {
    expect(toHex(new BufferWriter().u32(-1).finish())).toBe('ffffffff');
    expect(toHex(new BufferWriter().u32(0xffffffff).finish())).toBe('ffffffff');
  });

  it('writes bytes and varBytes, growing from a tiny capacity', () => {
    const big = new Uint8Array(1000).fill(7);
    const out = new BufferWriter(1).bytes(Uint8Array.of(1, 2)).varBytes(big).varBytes(new Uint8Array(0)).finish();
    expect(out).toHaveLength(2 + 3 + 1000 + 1);
    expect(toHex(out.subarray(0, 5))).toBe('0102fde803');
    expect(out[1004]).toBe(7);
    expect(out[1005]).toBe(0);
  });

  it('works with capacity 0 and finish() returns a copy', () => {
    const w = new BufferWriter(0);
    expect(w.finish()).toHaveLength(0);
    w.u8(1);
    const first = w.finish();
    w.u8(2);
    expect(toHex(first)).toBe('01');
    expect(toHex(w.finish())).toBe('0102');
  });
});

describe('varintSize', () => {
  it('matches the written length at every boundary', () => {
    for (const n of [0, 0xfc, 0xfd, 0xffff, 0x10000, 0xffffffff, 0x100000000]) {
      expect(varintSize(n)).toBe(new BufferWriter().varint(n).finish().length);
    }
  });
});

describe('integers without the ArrayBuffer', () => {
  it('reads and writes every width at its limits without asking an array for its buffer', () => {
    // A DataView over a small array moves it off the V8 heap; the codec must not make one.
    const guard = (bytes: Uint8Array): Uint8Array => Object.defineProperty(bytes, 'buffer', { get: () => { throw new Error('buffer read'); } });
    const w = new BufferWriter(4);
    w.u16(0xffff).u16(0x1234).u32(0xffffffff).u32(0x80000000).i32(-1).i32(-0x80000000).i32(0x7fffffff);
    w.u64((1n << 64n) - 1n).u64(0x0102030405060708n).i64(-(1n << 63n)).i64((1n << 63n) - 1n).i64(-2n);
    const bytes = guard(w.finish());
    expect(toHex(bytes.slice(0, 8))).toBe('ffff3412ffffffff');
    const r = new BufferReader(bytes);
    expect([r.u16(), r.u16(), r.u32(), r.u32(), r.i32(), r.i32(), r.i32()]).toEqual([0xffff, 0x1234, 0xffffffff, 0x80000000, -1, -0x80000000, 0x7fffffff]);
    expect([r.u64(), r.u64(), r.i64(), r.i64(), r.i64()]).toEqual([(1n << 64n) - 1n, 0x0102030405060708n, -(1n << 63n), (1n << 63n) - 1n, -2n]);
    expect(r.remaining).toBe(0);
  });
});

describe('BufferWriter.finishExact', () => {
  it('gives the bytes finish gives, for every integer edge and length form', () => {
    const values = [0n, 1n, -1n, 2n ** 32n - 1n, 2n ** 32n, -(2n ** 32n), 2n ** 63n - 1n, -(2n ** 63n), 2_100_000_000_000_000n, -5_000_000_000n];
    const scripts = [0, 34, 0xfc, 0xfd, 0xffff, 0x10000].map((length) => Uint8Array.from({ length }, (_, i) => i & 0xff));
    const cases = [...values.map((v) => [v, scripts[1]!] as const), ...scripts.map((s) => [values[2]!, s] as const)];
    for (const [v, script] of cases) {
      const want = new BufferWriter().i64(v).u32(0xfedcba98).u8(1).varBytes(script).finish();
      const got = new BufferWriter(13 + varintSize(script.length) + script.length).i64(v).u32(0xfedcba98).u8(1).varBytes(script).finishExact();
      expect(Buffer.from(got).equals(Buffer.from(want))).toBe(true);
    }
  });

  it('refuses a writer whose size was not what was written', () => {
    expect(() => new BufferWriter(9).i64(5n).finishExact()).toThrow(RangeError);
  });
});

describe('BufferWriter.view and reset', () => {
  it('views the bytes written so far without copying, and reset starts over on the same buffer', () => {
    const w = new BufferWriter(4);
    w.u32(0x04030201).u8(5);
    const first = w.view();
    expect([...first]).toEqual([1, 2, 3, 4, 5]);
    expect([...w.reset().u8(9).view()]).toEqual([9]);
    // A view, not a copy: the bytes under the first view were overwritten.
    expect(first[0]).toBe(9);
    expect([...w.finish()]).toEqual([9]);
  });
});
