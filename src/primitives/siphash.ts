/**
 * SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012),
 * the keyed hash BIP152 uses for compact-block short transaction ids. Pure
 * 64-bit arithmetic on pairs of 32-bit halves: BigInt per round would cost
 * tens of times more, and reconstruction hashes every mempool transaction.
 */
import { checkBytes } from './bytes.js';

/** A SipHash key as BIP152 gives it: two 64-bit little-endian words, each as [low, high] 32-bit halves. */
export interface SipKey {
  k0: readonly [lo: number, hi: number];
  k1: readonly [lo: number, hi: number];
}

/** The key in the 16 bytes `key` (k0 then k1, little-endian). */
export function sipKeyFromBytes(key: Uint8Array): SipKey {
  checkBytes('key', key, 16);
  const view = new DataView(key.buffer, key.byteOffset, 16);
  return { k0: [view.getUint32(0, true), view.getUint32(4, true)], k1: [view.getUint32(8, true), view.getUint32(12, true)] };
}

/** State words v0..v3 as low/high halves: [v0l, v0h, v1l, v1h, v2l, v2h, v3l, v3h]. */
type State = Uint32Array;

/** v += w (64-bit, mod 2^64) on halves at `a` (destination) and `b`. */
function add(s: State, a: number, b: number): void {
  const lo = s[a]! + s[b]!;
  s[a + 1] = (s[a + 1]! + s[b + 1]! + (lo > 0xffffffff ? 1 : 0)) >>> 0;
  s[a] = lo >>> 0;
}

/** Rotates the word at `a` left by `n` bits (0 < n < 64). */
function rotl(s: State, a: number, n: number): void {
  let lo = s[a]!;
  let hi = s[a + 1]!;
  if (n >= 32) {
    [lo, hi] = [hi, lo];
    n -= 32;
  }
  if (n === 0) {
    s[a] = lo;
    s[a + 1] = hi;
    return;
  }
  s[a] = ((lo << n) | (hi >>> (32 - n))) >>> 0;
  s[a + 1] = ((hi << n) | (lo >>> (32 - n))) >>> 0;
}

function xor(s: State, a: number, b: number): void {
  s[a] = (s[a]! ^ s[b]!) >>> 0;
  s[a + 1] = (s[a + 1]! ^ s[b + 1]!) >>> 0;
}

/** One SipRound over v0 (0), v1 (2), v2 (4), v3 (6). */
function sipRound(s: State): void {
  add(s, 0, 2); rotl(s, 2, 13); xor(s, 2, 0); rotl(s, 0, 32);
  add(s, 4, 6); rotl(s, 6, 16); xor(s, 6, 4);
  add(s, 0, 6); rotl(s, 6, 21); xor(s, 6, 0);
  add(s, 4, 2); rotl(s, 2, 17); xor(s, 2, 4); rotl(s, 4, 32);
}

/** Absorbs the 64-bit message word (lo, hi): v3 ^= m, two rounds, v0 ^= m. */
function compress(s: State, lo: number, hi: number): void {
  s[6] = (s[6]! ^ lo) >>> 0;
  s[7] = (s[7]! ^ hi) >>> 0;
  sipRound(s);
  sipRound(s);
  s[0] = (s[0]! ^ lo) >>> 0;
  s[1] = (s[1]! ^ hi) >>> 0;
}

/** The initial state: the key XORed with "somepseudorandomlygeneratedbytes". */
function init(key: SipKey): State {
  const [k0l, k0h] = key.k0;
  const [k1l, k1h] = key.k1;
  return Uint32Array.of(
    (k0l ^ 0x70736575) >>> 0, (k0h ^ 0x736f6d65) >>> 0,
    (k1l ^ 0x6e646f6d) >>> 0, (k1h ^ 0x646f7261) >>> 0,
    (k0l ^ 0x6e657261) >>> 0, (k0h ^ 0x6c796765) >>> 0,
    (k1l ^ 0x79746573) >>> 0, (k1h ^ 0x74656462) >>> 0,
  );
}

/**
 * SipHash-2-4 of `msg` under `key`, as the two 32-bit halves of the 64-bit result
 * ([low, high]); {@link siphash24} gives it as a bigint.
 */
export function siphash24Halves(key: SipKey, msg: Uint8Array): [lo: number, hi: number] {
  const s = init(key);
  const view = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
  const whole = msg.length - (msg.length % 8);
  for (let i = 0; i < whole; i += 8) compress(s, view.getUint32(i, true), view.getUint32(i + 4, true));
  // The last word: the remaining bytes, and the message length mod 256 in its top byte.
  let lo = 0;
  let hi = (msg.length & 0xff) << 24;
  for (let i = whole; i < msg.length; i++) {
    const shift = 8 * (i - whole);
    if (shift < 32) lo |= msg[i]! << shift;
    else hi |= msg[i]! << (shift - 32);
  }
  compress(s, lo >>> 0, hi >>> 0);
  s[4] = (s[4]! ^ 0xff) >>> 0;
  for (let r = 0; r < 4; r++) sipRound(s);
  return [(s[0]! ^ s[2]! ^ s[4]! ^ s[6]!) >>> 0, (s[1]! ^ s[3]! ^ s[5]! ^ s[7]!) >>> 0];
}

/** SipHash-2-4 of `msg` under `key` (the reference algorithm's 64-bit output, as an unsigned bigint). */
export function siphash24(key: SipKey, msg: Uint8Array): bigint {
  const [lo, hi] = siphash24Halves(key, msg);
  return (BigInt(hi) << 32n) | BigInt(lo);
}
