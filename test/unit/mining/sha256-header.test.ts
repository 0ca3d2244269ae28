/**
 * The fast header hasher against the reference `sha256d`: random headers and
 * nonces (fast-check), real Bitcoin headers, target comparison at its
 * boundaries, and `mine` built on it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bitsToTarget } from '../../../src/consensus/pow.js';
import { MiningError } from '../../../src/mining/errors.js';
import { mine } from '../../../src/mining/mine.js';
import { HeaderHasher, targetToWords } from '../../../src/mining/sha256-header.js';
import { BlockHeader } from '../../../src/primitives/block.js';
import { fromHex, hashToBigInt, hashToHex, toHex } from '../../../src/primitives/bytes.js';
import { EncodingError } from '../../../src/primitives/errors.js';
import { sha256d } from '../../../src/primitives/hashes.js';
import { GENESIS_HASH, loadMainnetBlocks, loadMainnetHeaders } from '../../helpers/bitcoin-blocks.js';

const BITCOIN_GENESIS_HEADER =
  '0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c';

const header80 = fc.uint8Array({ minLength: 80, maxLength: 80 });
const nonce = fc.integer({ min: 0, max: 0xffffffff });

function withNonce(header: Uint8Array, n: number): Uint8Array {
  const copy = Uint8Array.from(header);
  new DataView(copy.buffer).setUint32(76, n, true);
  return copy;
}

/** Reference: sha256d of the header with `n`, as a proof-of-work integer. */
function hashValue(header: Uint8Array, n: number): bigint {
  return hashToBigInt(sha256d(withNonce(header, n)));
}

function fastHash(header: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(32);
  new HeaderHasher(header).hashWithNonce(n, out);
  return out;
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as { code: string }).code;
  }
  throw new Error('expected an error');
}

describe('HeaderHasher.hashWithNonce', () => {
  it('equals sha256d on random headers and nonces', () => {
    fc.assert(
      fc.property(header80, fc.array(nonce, { minLength: 1, maxLength: 8 }), (header, nonces) => {
        const hasher = new HeaderHasher(header);
        const out = new Uint8Array(32);
        for (const n of nonces) {
          hasher.hashWithNonce(n, out);
          expect(toHex(out)).toBe(toHex(sha256d(withNonce(header, n))));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('covers the nonce edge values and ignores the nonce already in the header', () => {
    const header = fromHex(BITCOIN_GENESIS_HEADER);
    for (const n of [0, 1, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 0x00ff00ff, 0xff00ff00]) {
      expect(toHex(fastHash(header, n))).toBe(toHex(sha256d(withNonce(header, n))));
    }
  });

  it('writes the eight SHA-256 state words to a Uint32Array', () => {
    fc.assert(
      fc.property(header80, nonce, (header, n) => {
        const words = new Uint32Array(8);
        new HeaderHasher(header).hashWithNonce(n, words);
        const view = new DataView(sha256d(withNonce(header, n)).buffer);
        expect([...words]).toEqual(Array.from({ length: 8 }, (_, i) => view.getUint32(4 * i)));
      }),
      { numRuns: 50 },
    );
  });

  it("gives Bitcoin's genesis hash and mainnet headers 1..11", () => {
    expect(hashToHex(fastHash(fromHex(BITCOIN_GENESIS_HEADER), 0x7c2bac1d))).toBe(GENESIS_HASH);
    for (const hex of loadMainnetHeaders()) {
      const header = BlockHeader.fromHex(hex);
      expect(hashToHex(fastHash(fromHex(hex), header.nonce))).toBe(header.hash);
    }
  });

  it('matches the hash of every header of mainnet blocks 1..255', () => {
    for (const raw of loadMainnetBlocks()) {
      const bytes = raw.subarray(0, 80);
      const header = BlockHeader.fromBytes(bytes);
      expect(toHex(fastHash(bytes, header.nonce))).toBe(toHex(header.hashBytes));
    }
  });

  it('gives the same results after setHeader as a fresh hasher', () => {
    fc.assert(
      fc.property(header80, header80, nonce, (a, b, n) => {
        const reused = new HeaderHasher(a);
        reused.setHeader(b);
        const out = new Uint8Array(32);
        reused.hashWithNonce(n, out);
        expect(toHex(out)).toBe(toHex(fastHash(b, n)));
      }),
      { numRuns: 50 },
    );
  });

  it('refuses headers that are not 80 bytes and outputs that are too small', () => {
    expect(codeOf(() => new HeaderHasher(new Uint8Array(79)))).toBe('bad-header-length');
    expect(() => new HeaderHasher(new Uint8Array(81))).toThrow(EncodingError);
    const hasher = new HeaderHasher(new Uint8Array(80));
    expect(codeOf(() => hasher.hashWithNonce(0, new Uint8Array(31)))).toBe('bad-length');
    expect(codeOf(() => hasher.hashWithNonce(0, new Uint32Array(7)))).toBe('bad-length');
  });
});

describe('targetToWords', () => {
  it('splits a target into eight words, most significant first', () => {
    const words = targetToWords(bitsToTarget(0x1d00ffff));
    expect([...words]).toEqual([0x00000000, 0xffff0000, 0, 0, 0, 0, 0, 0]);
    expect([...targetToWords(1n)]).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
  });

  it('clamps targets of 2^256 and above, and refuses negative ones', () => {
    expect([...targetToWords(1n << 300n)]).toEqual(new Array(8).fill(0xffffffff));
    expect(codeOf(() => targetToWords(-1n))).toBe('bad-target');
  });
});

describe('HeaderHasher.meetsTarget', () => {
  /** Targets around the hash itself, so that every word of the comparison decides once. */
  const delta = fc.oneof(fc.constantFrom(0n, 1n, -1n), fc.bigInt({ min: -(1n << 255n), max: 1n << 255n }));
  const shift = fc.integer({ min: 0, max: 255 });

  it('agrees with the integer comparison hash <= target', () => {
    fc.assert(
      fc.property(header80, nonce, delta, shift, (header, n, d, s) => {
        const value = hashValue(header, n);
        const target = value + (d >> BigInt(s));
        if (target < 0n) return;
        expect(new HeaderHasher(header).meetsTarget(n, targetToWords(target))).toBe(value <= target);
      }),
      { numRuns: 500 },
    );
  });

  it('accepts a hash equal to the target and rejects it one below', () => {
    const header = fromHex(BITCOIN_GENESIS_HEADER);
    const value = hashValue(header, 7);
    const hasher = new HeaderHasher(header);
    expect(hasher.meetsTarget(7, targetToWords(value))).toBe(true);
    expect(hasher.meetsTarget(7, targetToWords(value - 1n))).toBe(false);
  });

  it('accepts real mainnet headers at their own difficulty', () => {
    for (const hex of loadMainnetHeaders()) {
      const header = BlockHeader.fromHex(hex);
      const hasher = new HeaderHasher(header.toBytes());
      expect(hasher.meetsTarget(header.nonce, targetToWords(bitsToTarget(header.bits)))).toBe(true);
      expect(hasher.meetsTarget(header.nonce + 1, targetToWords(bitsToTarget(header.bits)))).toBe(false);
    }
  });
});

describe('mine', () => {
  const header = BlockHeader.fromHex(BITCOIN_GENESIS_HEADER);
  const bytes = header.toBytes();

  it('returns the first nonce of the range meeting the target, like a sha256d scan', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff - 300 }), fc.integer({ min: 1, max: 8 }), (start, hardness) => {
        const target = (1n << BigInt(256 - hardness)) - 1n;
        let expected: number | null = null;
        for (let n = start; n <= start + 300 && expected === null; n++) if (hashValue(bytes, n) <= target) expected = n;
        expect(mine(header, target, start, start + 300)).toBe(expected);
      }),
      { numRuns: 40 },
    );
  });

  it('finds the genesis nonce at mainnet difficulty in a small range around it', () => {
    expect(mine(header, bitsToTarget(0x1d00ffff), 0x7c2bac1d - 5000, 0x7c2bac1d + 5000)).toBe(0x7c2bac1d);
  });

  it('returns null for empty ranges and negative targets, and refuses bounds outside uint32', () => {
    expect(mine(header, 1n << 255n, 10, 9)).toBeNull();
    expect(mine(header, -1n, 0, 10)).toBeNull();
    expect(mine(header, 0n, 0xfffffff0, 0xffffffff)).toBeNull();
    for (const [a, b] of [[-1, 5], [0, 2 ** 32], [0.5, 3]] as const) {
      let err: unknown;
      try {
        mine(header, 1n, a, b);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(MiningError);
      expect((err as MiningError).code).toBe('bad-nonce-range');
    }
  });
});
