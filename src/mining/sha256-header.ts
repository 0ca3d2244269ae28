/**
 * Fast double SHA-256 of an 80-byte block header for nonce search.
 *
 * The nonce is the header's last 4 bytes, so the first 64-byte block is the
 * same for every nonce: its compression (the "midstate") is computed once per
 * header, as are the first three rounds of the second block and the parts of
 * its message schedule that do not read the nonce. Each nonce then costs one
 * specialised compression of the second block (sha256-tail.ts) and one of the
 * 32-byte first digest (sha256-outer.ts), both unrolled over int32 arithmetic,
 * with no allocation. That is several times faster than two `node:crypto`
 * calls per header, whose cost at these sizes is mostly per-call overhead
 * (figures: scripts/bench/mining.ts).
 *
 * Bitcoin compares the hash to the target as a little-endian 256-bit number,
 * so its most significant 32 bits are the last digest word byte-swapped.
 */
import { EncodingError } from '../primitives/errors.js';
import { expandSchedule, runRounds, SHA256_IV as IV, sigma0, sigma1 } from '../primitives/sha256-compress.js';
import { miningError } from './errors.js';
import { compressOuterHash } from './sha256-outer.js';
import { compressHeaderTail } from './sha256-tail.js';

/** Length of a serialized block header. */
const HEADER_BYTES = 80;
const MAX_UINT256 = (1n << 256n) - 1n;

/** Byte swap of a 32-bit word: the header stores the nonce little-endian, SHA-256 reads big-endian words. */
function bswap32(x: number): number {
  return (x >>> 24) | ((x >>> 8) & 0xff00) | ((x & 0xff00) << 8) | (x << 24);
}

function readWordsBE(bytes: Uint8Array, offset: number, count: number, into: Int32Array): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < count; i++) into[i] = view.getInt32(offset + 4 * i);
}

/**
 * The 256-bit `target` as eight uint32 words, most significant first: the form
 * {@link HeaderHasher.meetsTarget} compares against without allocating.
 * Targets of 2^256 or more are clamped (every hash meets them).
 * @throws MiningError('bad-target') for a negative or non-bigint target.
 */
export function targetToWords(target: bigint): Uint32Array {
  if (typeof target !== 'bigint' || target < 0n) throw miningError('bad-target', 'target must be a non-negative bigint');
  let t = target > MAX_UINT256 ? MAX_UINT256 : target;
  const words = new Uint32Array(8);
  for (let i = 7; i >= 0; i--) {
    words[i] = Number(t & 0xffffffffn);
    t >>= 32n;
  }
  return words;
}

/**
 * Double SHA-256 of one header under changing nonces.
 *
 *   const hasher = new HeaderHasher(header.toBytes());
 *   const words = targetToWords(bitsToTarget(header.bits));
 *   if (hasher.meetsTarget(nonce, words)) ...
 *
 * Not thread-safe in the sense that matters here: it reuses internal buffers,
 * so give each worker its own instance.
 */
export class HeaderHasher {
  /** State after the first 64 header bytes. */
  private readonly mid = new Int32Array(8);
  /** Second block: working variables after rounds 0-2, then nonce-free schedule parts (see compressHeaderTail). */
  private readonly pre = new Int32Array(12);
  private readonly first = new Int32Array(8);
  private readonly digest = new Int32Array(8);

  /** @param header the 80-byte serialized header; its nonce bytes are ignored. */
  constructor(header: Uint8Array) {
    this.setHeader(header);
  }

  /**
   * Loads another header into this hasher (after an extra-nonce or time roll).
   * @throws EncodingError('bad-header-length') unless `header` is 80 bytes.
   */
  setHeader(header: Uint8Array): void {
    if (!(header instanceof Uint8Array) || header.length !== HEADER_BYTES) {
      throw new EncodingError('bad-header-length', `header expected ${HEADER_BYTES} bytes`);
    }
    const w = new Int32Array(64);
    readWordsBE(header, 0, 16, w);
    expandSchedule(w);
    const state = IV.slice();
    runRounds(state, w, 0, 64);
    for (let i = 0; i < 8; i++) this.mid[i] = (state[i]! + IV[i]!) | 0;

    // Second block: merkle root tail, time, bits, nonce (left 0: nothing below reads it), padding, length 640.
    w.fill(0);
    readWordsBE(header, 64, 3, w);
    w[4] = 0x80000000 | 0;
    w[15] = 640;
    expandSchedule(w);
    state.set(this.mid);
    runRounds(state, w, 0, 3);
    this.pre.set(state);
    // W18 = σ1(W16) + W11 + σ0(W3) + W2 and W19 = σ1(W17) + W12 + σ0(W4) + W3, less their nonce terms.
    this.pre[8] = (sigma1(w[16]!) + w[2]!) | 0;
    this.pre[9] = (sigma1(w[17]!) + sigma0(w[4]!)) | 0;
    this.pre[10] = w[16]!;
    this.pre[11] = w[17]!;
  }

  /**
   * Writes sha256d(header with `nonce`) to `out`: as the 32 hash bytes in
   * internal order (exactly `sha256d(header)`) for a Uint8Array, or as the
   * eight SHA-256 state words (big-endian word values) for a Uint32Array.
   */
  hashWithNonce(nonce: number, out: Uint8Array | Uint32Array): void {
    compressHeaderTail(this.mid, this.pre, bswap32(nonce), this.first);
    compressOuterHash(this.first, this.digest, 0xffffffff);
    const d = this.digest;
    if (out instanceof Uint32Array) {
      if (out.length < 8) throw new EncodingError('bad-length', 'output expected 8 words');
      out.set(d);
      return;
    }
    if (!(out instanceof Uint8Array) || out.length < 32) throw new EncodingError('bad-length', 'output expected 32 bytes');
    for (let i = 0; i < 8; i++) {
      const x = d[i]!;
      out[4 * i] = x >>> 24;
      out[4 * i + 1] = x >>> 16;
      out[4 * i + 2] = x >>> 8;
      out[4 * i + 3] = x;
    }
  }

  /**
   * True when the header hash with `nonce`, read as a little-endian 256-bit
   * number, is at or below the target given by {@link targetToWords}
   * (Core's `CheckProofOfWork` comparison). Allocates nothing.
   */
  meetsTarget(nonce: number, targetWords: Uint32Array): boolean {
    compressHeaderTail(this.mid, this.pre, bswap32(nonce), this.first);
    if (!compressOuterHash(this.first, this.digest, targetWords[0]!)) return false;
    const d = this.digest;
    // Word j from the top of the little-endian number is digest word 7 - j, byte-swapped.
    for (let j = 0; j < 8; j++) {
      const x = bswap32(d[7 - j]!) >>> 0;
      const t = targetWords[j]!;
      if (x !== t) return x < t;
    }
    return true;
  }

  /**
   * The first nonce in [nonceStart, nonceEnd] that meets the target, or -1.
   * @throws MiningError('bad-nonce-range') when a bound is not a uint32.
   */
  findNonce(targetWords: Uint32Array, nonceStart: number, nonceEnd: number): number {
    checkNonceRange(nonceStart, nonceEnd);
    for (let nonce = nonceStart; nonce <= nonceEnd; nonce++) {
      if (this.meetsTarget(nonce, targetWords)) return nonce;
    }
    return -1;
  }
}

/** Throws MiningError('bad-nonce-range') unless both bounds are uint32. */
export function checkNonceRange(nonceStart: number, nonceEnd: number): void {
  for (const n of [nonceStart, nonceEnd]) {
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw miningError('bad-nonce-range', `nonce bound ${n} is not a uint32`);
  }
}
