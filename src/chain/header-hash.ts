/**
 * The double SHA-256 of an 80-byte block header, in place: read from one byte
 * array, written into another, with nothing allocated. A start checks every
 * stored header against its key (header-slab.ts), a million at a million
 * blocks; OpenSSL through `node:crypto` costs two calls and two Buffers a
 * header, which took longer than these three compressions (FIPS 180-4, 6.2).
 */
import { SHA256_IV, SHA256_K } from '../primitives/sha256-compress.js';

const K = SHA256_K;
const IV = SHA256_IV;

/** The message schedule and the state: shared, since a hash runs to its end without yielding. */
const W = new Int32Array(64);
const S = new Int32Array(8);

/**
 * One compression of the block in W[0..15] into S. Written out over module-level arrays rather
 * than calling sha256-compress.ts's `runRounds`: that costs 30% more per header (1.0 s against
 * 1.3 s a million headers on the 2-core machine), which a start at a million blocks pays.
 */
function compress(): void {
  for (let i = 16; i < 64; i++) {
    const a = W[i - 15]!;
    const b = W[i - 2]!;
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
    W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0;
  }
  let a = S[0]!, b = S[1]!, c = S[2]!, d = S[3]!, e = S[4]!, f = S[5]!, g = S[6]!, h = S[7]!;
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + K[i]! + W[i]!) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  S[0] = (S[0]! + a) | 0;
  S[1] = (S[1]! + b) | 0;
  S[2] = (S[2]! + c) | 0;
  S[3] = (S[3]! + d) | 0;
  S[4] = (S[4]! + e) | 0;
  S[5] = (S[5]! + f) | 0;
  S[6] = (S[6]! + g) | 0;
  S[7] = (S[7]! + h) | 0;
}

/** Loads `words` big-endian words from `src` at `off` into W. */
function load(src: Uint8Array, off: number, words: number): void {
  for (let i = 0; i < words; i++) {
    const o = off + 4 * i;
    W[i] = (src[o]! << 24) | (src[o + 1]! << 16) | (src[o + 2]! << 8) | src[o + 3]!;
  }
}

/** Pads W after `words` message words for a message of `bits` bits that ends in this block. */
function pad(words: number, bits: number): void {
  W[words] = 0x80000000 | 0;
  for (let i = words + 1; i < 15; i++) W[i] = 0;
  W[15] = bits;
}

/**
 * Writes sha256(sha256(src[off..off+80])) (the block hash, internal byte order) into
 * `out` at `outOff`. `src` and `out` may be the same array when the ranges do not overlap.
 */
export function sha256dHeader(src: Uint8Array, off: number, out: Uint8Array, outOff: number): void {
  S.set(IV);
  load(src, off, 16);
  compress();
  load(src, off + 64, 4);
  pad(4, 80 * 8);
  compress();
  W.set(S);
  pad(8, 32 * 8);
  S.set(IV);
  compress();
  for (let i = 0; i < 8; i++) {
    const v = S[i]!;
    const o = outOff + 4 * i;
    out[o] = v >>> 24;
    out[o + 1] = v >>> 16;
    out[o + 2] = v >>> 8;
    out[o + 3] = v;
  }
}
