/**
 * Byte helpers over plain `Uint8Array`. Hashes are stored internally in
 * Bitcoin's byte order and shown byte-reversed, the way Bitcoin displays them.
 */
import { EncodingError } from './errors.js';

/** ASCII code of each hex digit. */
const DIGITS = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
/** Hex strings up to this many characters are built in one reused buffer. */
const SCRATCH_CHARS = 4096;
const scratch = new Uint8Array(SCRATCH_CHARS);
/** Hex digits of a 32-byte hash: the commonest length, whose view of `scratch` is made once. */
const HASH_CHARS = 64;
const hashScratch = scratch.subarray(0, HASH_CHARS);
const ascii = new TextDecoder();

/**
 * Lower-case hex of `bytes`. Built as one flat string: appending two characters a byte
 * leaves a rope of one node per byte (over 1 kB for a txid) until something flattens it,
 * and txid keys are made for every output of every block.
 */
export function toHex(bytes: Uint8Array): string {
  return hexOf(bytes, false);
}

/** The hex digits of `bytes`, last byte first when `backwards`, written into a reused buffer where they fit. */
function hexOf(bytes: Uint8Array, backwards: boolean): string {
  const n = bytes.length * 2;
  const out = n === HASH_CHARS ? hashScratch : n <= SCRATCH_CHARS ? scratch.subarray(0, n) : new Uint8Array(n);
  const last = bytes.length - 1;
  for (let i = 0; i <= last; i++) {
    const b = bytes[backwards ? last - i : i]!;
    out[2 * i] = DIGITS[b >> 4]!;
    out[2 * i + 1] = DIGITS[b & 15]!;
  }
  return ascii.decode(out);
}

/** Decodes hex (either case). Throws `EncodingError('bad-hex')` on odd length or a non-hex digit. */
export function fromHex(hex: string): Uint8Array {
  if (typeof hex !== 'string') throw new EncodingError('bad-hex', `hex expected string, got ${typeof hex}`);
  if (hex.length % 2 !== 0) throw new EncodingError('bad-hex', `hex has odd length ${hex.length}`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const byte = parseHexByte(hex.charCodeAt(2 * i), hex.charCodeAt(2 * i + 1));
    if (byte < 0) throw new EncodingError('bad-hex', `invalid hex digit at position ${2 * i}`);
    out[i] = byte;
  }
  return out;
}

function nibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

function parseHexByte(hi: number, lo: number): number {
  const a = nibble(hi);
  const b = nibble(lo);
  return a < 0 || b < 0 ? -1 : (a << 4) | b;
}

/** A reversed copy of `bytes`. */
export function reverse(bytes: Uint8Array): Uint8Array {
  return Uint8Array.from(bytes).reverse();
}

/**
 * Display hex of a 32-byte hash held in internal (little-endian) order. Read backwards rather
 * than from a reversed copy: a sync hexes each block's and transaction's hash dozens of times
 * (map keys, logs), and the copies were 4% of everything it allocated.
 */
export function hashToHex(hash: Uint8Array): string {
  return hexOf(hash, true);
}

/** Internal-order bytes of a 64-digit display hash. Throws `EncodingError('bad-hash')` when malformed. */
export function hashFromHex(hex: string): Uint8Array {
  if (typeof hex !== 'string' || !/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new EncodingError('bad-hash', 'hash expected 64 hex digits');
  }
  return reverse(fromHex(hex));
}

/** Concatenates byte arrays. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** Byte-wise equality. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lexicographic comparison: negative, zero or positive. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Reads a 32-byte little-endian hash as an unsigned integer (how PoW compares a hash to a target). */
export function hashToBigInt(hash: Uint8Array): bigint {
  return BigInt('0x' + (hashToHex(hash) || '0'));
}

/** Writes `value` as `length` big-endian bytes. Throws when it does not fit. */
export function bigIntToBytesBE(value: bigint, length: number): Uint8Array {
  if (value < 0n || value >= 1n << BigInt(8 * length)) {
    throw new EncodingError('out-of-range', `integer does not fit in ${length} bytes`);
  }
  // toString(16) of 0n is '0', which would not pad to an even length for length 0.
  if (length === 0) return new Uint8Array(0);
  return fromHex(value.toString(16).padStart(2 * length, '0'));
}

/** Asserts `bytes` is a Uint8Array of exactly `length` bytes, naming it in the error. */
export function checkBytes(name: string, bytes: unknown, length?: number): Uint8Array {
  if (!(bytes instanceof Uint8Array)) throw new EncodingError('bad-bytes', `"${name}" expected Uint8Array`);
  if (length !== undefined && bytes.length !== length) {
    throw new EncodingError('bad-length', `"${name}" expected ${length} bytes, got ${bytes.length}`);
  }
  return bytes;
}

/** True when `bytes` begins with `prefix`. */
export function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  return bytes.length >= prefix.length && equalBytes(bytes.subarray(0, prefix.length), prefix);
}
