/** The shared SHA-256 compression pieces against a known answer (FIPS 180-2 "abc") and node:crypto. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { expandSchedule, runRounds, SHA256_IV, sigma0, sigma1 } from '../../../src/primitives/sha256-compress.js';

/** SHA-256 of a message of at most 55 bytes: one padded block, one compression. */
function oneBlockDigest(message: Uint8Array, split = 64): string {
  const block = new Uint8Array(64);
  block.set(message);
  block[message.length] = 0x80;
  new DataView(block.buffer).setUint32(60, message.length * 8);
  const w = new Int32Array(64);
  for (let i = 0; i < 16; i++) w[i] = new DataView(block.buffer).getInt32(4 * i);
  expandSchedule(w);
  const state = SHA256_IV.slice();
  runRounds(state, w, 0, split);
  runRounds(state, w, split, 64);
  const out = new DataView(new ArrayBuffer(32));
  for (let i = 0; i < 8; i++) out.setInt32(4 * i, (state[i]! + SHA256_IV[i]!) | 0);
  return Buffer.from(out.buffer).toString('hex');
}

describe('sha256-compress', () => {
  it('gives the FIPS 180-2 digest of "abc"', () => {
    expect(oneBlockDigest(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('matches node:crypto on other one-block messages, rounds run whole or split as the miner splits them', () => {
    for (const len of [0, 1, 31, 55]) {
      const message = Uint8Array.from({ length: len }, (_, i) => (i * 37 + 11) & 0xff);
      const expected = createHash('sha256').update(message).digest('hex');
      expect(oneBlockDigest(message)).toBe(expected);
      expect(oneBlockDigest(message, 3)).toBe(expected);
    }
  });

  it('sigma0 and sigma1 are the schedule functions of FIPS 180-4 §4.1.2', () => {
    const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));
    for (const x of [0, 1, 0x80000000 | 0, 0x12345678, -1]) {
      expect(sigma0(x)).toBe(rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3));
      expect(sigma1(x)).toBe(rotr(x, 17) ^ rotr(x, 19) ^ (x >>> 10));
    }
  });
});
