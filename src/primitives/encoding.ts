/**
 * Bounds-checked binary reader and growable writer with Bitcoin's integer
 * encodings (little-endian fixed widths and CompactSize). Reading past the
 * end throws `EncodingError('read-out-of-bounds')`, never yields `undefined`.
 */
import { EncodingError } from './errors.js';

/** Largest CompactSize a decoder accepts as a length or count (Bitcoin's MAX_SIZE). */
export const MAX_COMPACT_SIZE = 0x02000000;

// Integers are read and written byte by byte, and 64-bit ones through this one scratch:
// a DataView over a caller's small array would move its bytes off the V8 heap into a
// malloc'd store of its own (one per coin record, key and value while a block connects).
const scratch = new Uint8Array(8);
const scratchView = new DataView(scratch.buffer);

/** Sequential reader over a byte array. */
export class BufferReader {
  readonly bytes: Uint8Array;
  offset: number;
  /**
   * When true, {@link bytesN} returns views into `bytes` instead of copies. Only for a
   * caller that owns `bytes` or copies what it keeps (Transaction.decode copies each
   * transaction once and points its fields into that copy).
   */
  readonly views: boolean;

  constructor(bytes: Uint8Array, offset = 0, opts: { views?: boolean } = {}) {
    this.bytes = bytes;
    this.offset = offset;
    this.views = opts.views === true;
  }

  /** Bytes left to read. */
  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  private need(n: number): void {
    if (n > this.remaining) {
      throw new EncodingError('read-out-of-bounds', `need ${n} bytes at offset ${this.offset}, have ${this.remaining}`);
    }
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.offset++]!;
  }

  u16(): number {
    this.need(2);
    const b = this.bytes;
    const o = this.offset;
    this.offset += 2;
    return b[o]! | (b[o + 1]! << 8);
  }

  u32(): number {
    return this.i32() >>> 0;
  }

  i32(): number {
    this.need(4);
    const b = this.bytes;
    const o = this.offset;
    this.offset += 4;
    return b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24);
  }

  u64(): bigint {
    this.toScratch();
    return scratchView.getBigUint64(0, true);
  }

  i64(): bigint {
    this.toScratch();
    return scratchView.getBigInt64(0, true);
  }

  private toScratch(): void {
    this.need(8);
    for (let i = 0; i < 8; i++) scratch[i] = this.bytes[this.offset + i]!;
    this.offset += 8;
  }

  /** The next `n` bytes: a copy, or a view into `bytes` when the reader was made with `views`. */
  bytesN(n: number): Uint8Array {
    if (!this.views) return this.copyN(n);
    this.need(n);
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  /** A copy of the next `n` bytes, whatever the reader's mode (and even over a Buffer, whose own slice is a view). */
  copyN(n: number): Uint8Array {
    this.need(n);
    const out = Uint8Array.prototype.slice.call(this.bytes, this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  /** CompactSize as a number; rejects non-canonical forms and values over `max`. */
  varint(max = MAX_COMPACT_SIZE): number {
    const first = this.u8();
    let value: number;
    if (first < 0xfd) return checkMax(first, max);
    if (first === 0xfd) {
      value = this.u16();
      if (value < 0xfd) throw new EncodingError('non-canonical-compactsize', 'non-canonical CompactSize');
    } else if (first === 0xfe) {
      value = this.u32();
      if (value < 0x10000) throw new EncodingError('non-canonical-compactsize', 'non-canonical CompactSize');
    } else {
      const big = this.u64();
      if (big < 0x100000000n) throw new EncodingError('non-canonical-compactsize', 'non-canonical CompactSize');
      throw new EncodingError('compactsize-too-large', `CompactSize ${big} exceeds ${max}`);
    }
    return checkMax(value, max);
  }

  /** A CompactSize length followed by that many bytes. */
  varBytes(max = MAX_COMPACT_SIZE): Uint8Array {
    return this.bytesN(this.varint(max));
  }
}

function checkMax(value: number, max: number): number {
  if (value > max) throw new EncodingError('compactsize-too-large', `CompactSize ${value} exceeds ${max}`);
  return value;
}

/** Growable little-endian writer. */
export class BufferWriter {
  private buf: Uint8Array;
  private len = 0;

  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
  }

  private grow(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  u8(v: number): this {
    this.grow(1);
    this.buf[this.len++] = v;
    return this;
  }

  u16(v: number): this {
    this.grow(2);
    this.buf[this.len++] = v & 0xff;
    this.buf[this.len++] = (v >>> 8) & 0xff;
    return this;
  }

  u32(v: number): this {
    return this.i32(v);
  }

  i32(v: number): this {
    this.grow(4);
    for (let i = 0; i < 4; i++) this.buf[this.len++] = (v >>> (8 * i)) & 0xff;
    return this;
  }

  u64(v: bigint): this {
    scratchView.setBigUint64(0, v, true);
    return this.bytes(scratch);
  }

  i64(v: bigint): this {
    scratchView.setBigInt64(0, v, true);
    return this.bytes(scratch);
  }

  bytes(b: Uint8Array): this {
    this.grow(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  varint(n: number): this {
    if (n < 0xfd) return this.u8(n);
    if (n <= 0xffff) return this.u8(0xfd).u16(n);
    if (n <= 0xffffffff) return this.u8(0xfe).u32(n);
    return this.u8(0xff).u64(BigInt(n));
  }

  varBytes(b: Uint8Array): this {
    return this.varint(b.length).bytes(b);
  }

  /** The written bytes (a copy, so the writer can be reused). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }

  /** The written bytes themselves, no copy: a view for a reader done with it before the next write (a hash). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  /** Forgets what was written, keeping the buffer: a writer reused for one short-lived message after another. */
  reset(): this {
    this.len = 0;
    return this;
  }

  /**
   * The written bytes themselves, no copy, for a writer made with exactly their size: one
   * array per record where `finish` makes two (the chain writes tens of thousands of small
   * records per large block). Throws when they do not fill it. The writer is spent.
   */
  finishExact(): Uint8Array {
    if (this.len !== this.buf.length) throw new RangeError(`BufferWriter: ${this.len} bytes written into a writer of ${this.buf.length}`);
    return this.buf;
  }
}

/** Encoded size of a CompactSize. */
export function varintSize(n: number): number {
  if (n < 0xfd) return 1;
  if (n <= 0xffff) return 3;
  if (n <= 0xffffffff) return 5;
  return 9;
}
