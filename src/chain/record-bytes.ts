/**
 * Exact-size writing of the small records a block writes per output (coins,
 * address index values): one array per record. BufferWriter allocates its
 * buffer and then copies the bytes out, two arrays per record, some 130,000
 * per 1 MB block of 22,000 outputs. Same byte order as BufferWriter
 * (little-endian integers, CompactSize lengths).
 */
import { varintSize } from '../primitives/encoding.js';

export class RecordBytes {
  readonly bytes: Uint8Array;
  private at = 0;

  constructor(size: number) {
    this.bytes = new Uint8Array(size);
  }

  u8(v: number): this {
    this.bytes[this.at++] = v;
    return this;
  }

  u32(v: number): this {
    for (let i = 0; i < 4; i++) this.bytes[this.at++] = (v >>> (8 * i)) & 0xff;
    return this;
  }

  /** Two's complement, as BufferWriter.i64 (DataView.setBigInt64, little-endian). */
  i64(v: bigint): this {
    return this.u32(Number(BigInt.asUintN(32, v))).u32(Number(BigInt.asUintN(32, v >> 32n)));
  }

  varBytes(b: Uint8Array): this {
    const n = b.length;
    if (n < 0xfd) this.u8(n);
    else if (n <= 0xffff) this.u8(0xfd).u8(n & 0xff).u8(n >>> 8);
    else this.u8(0xfe).u32(n);
    this.bytes.set(b, this.at);
    this.at += n;
    return this;
  }

  /** The record; throws when its size was not what was written. */
  finish(): Uint8Array {
    if (this.at !== this.bytes.length) throw new RangeError(`RecordBytes: ${this.at} bytes written into a record of ${this.bytes.length}`);
    return this.bytes;
  }
}

/** Bytes of `b` written by {@link RecordBytes.varBytes}. */
export function varBytesSize(b: Uint8Array): number {
  return varintSize(b.length) + b.length;
}
