import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  bitsToTarget,
  checkHeaderProofOfWork,
  checkProofOfWork,
  decodeBits,
  getBlockWork,
  targetToBits,
  verifyHeaderHash,
} from '../../../src/consensus/pow.js';
import { RuleError } from '../../../src/consensus/errors.js';
import { hashFromHex } from '../../../src/primitives/bytes.js';

const MAINNET_POW_LIMIT = (1n << 224n) - 1n; // Core's mainnet powLimit: ~uint256(0) >> 32
const GENESIS_HASH = '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f';
const TARGET_1D00FFFF = 0x00000000ffff0000000000000000000000000000000000000000000000000000n;

function expectRuleCode(fn: () => unknown, code: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(RuleError);
  expect((caught as RuleError).code).toBe(code);
  expect((caught as RuleError).scope).toBe('header');
}

describe('decodeBits (Core arith_uint256_tests, SetCompact)', () => {
  // [bits, target, negative, overflow]
  const cases: Array<[number, bigint, boolean, boolean]> = [
    [0x00000000, 0n, false, false],
    [0x00123456, 0n, false, false],
    [0x01003456, 0n, false, false],
    [0x02000056, 0n, false, false],
    [0x03000000, 0n, false, false],
    [0x04000000, 0n, false, false],
    [0x00923456, 0n, false, false],
    [0x01803456, 0n, false, false],
    [0x02800056, 0n, false, false],
    [0x03800000, 0n, false, false],
    [0x04800000, 0n, false, false],
    [0x01123456, 0x12n, false, false],
    [0x01fedcba, 0x7en, true, false],
    [0x02123456, 0x1234n, false, false],
    [0x03123456, 0x123456n, false, false],
    [0x04123456, 0x12345600n, false, false],
    [0x04923456, 0x12345600n, true, false],
    [0x05009234, 0x92340000n, false, false],
    [0x20123456, 0x1234560000000000000000000000000000000000000000000000000000000000n, false, false],
    [0x1d00ffff, TARGET_1D00FFFF, false, false],
  ];
  it.each(cases)('bits %i', (bits, target, negative, overflow) => {
    expect(decodeBits(bits)).toEqual({ target, negative, overflow });
  });

  it('flags overflow like Core', () => {
    expect(decodeBits(0xff123456).overflow).toBe(true);
    expect(decodeBits(0xff123456).negative).toBe(false);
    // Core's limits: a 1-byte mantissa up to exponent 34, 2 bytes up to 33, 3 bytes up to 32.
    expect(decodeBits(0x22000001)).toEqual({ target: 1n << 248n, negative: false, overflow: false });
    expect(decodeBits(0x23000001).overflow).toBe(true);
    expect(decodeBits(0x21000100).overflow).toBe(false);
    expect(decodeBits(0x22000100).overflow).toBe(true);
    expect(decodeBits(0x20010000).overflow).toBe(false);
    expect(decodeBits(0x21010000).overflow).toBe(true);
    // A zero mantissa never overflows, whatever the exponent.
    expect(decodeBits(0xff000000)).toEqual({ target: 0n, negative: false, overflow: false });
  });
});

describe('bitsToTarget', () => {
  it('decodes valid bits', () => {
    expect(bitsToTarget(0x01123456)).toBe(0x12n);
    expect(bitsToTarget(0x05009234)).toBe(0x92340000n);
    expect(bitsToTarget(0x04123456)).toBe(0x12345600n);
    expect(bitsToTarget(0x1d00ffff)).toBe(TARGET_1D00FFFF);
  });

  it.each([0x04923456, 0x01fedcba, 0xff123456, 0x23000100, 0x00000000, 0x01003456, 0x04800000])(
    'rejects bits %i with bad-diffbits',
    (bits) => expectRuleCode(() => bitsToTarget(bits), 'bad-diffbits'),
  );
});

describe('targetToBits (Core GetCompact)', () => {
  it.each<[bigint, number]>([
    [0n, 0],
    [0x12n, 0x01120000],
    [0x80n, 0x02008000], // never sets the sign bit
    [0x1234n, 0x02123400],
    [0x123456n, 0x03123456],
    [0x12345600n, 0x04123456],
    [0x92340000n, 0x05009234],
    [0x1234560000000000000000000000000000000000000000000000000000000000n, 0x20123456],
    [TARGET_1D00FFFF, 0x1d00ffff],
    [MAINNET_POW_LIMIT, 0x1d00ffff],
    [(1n << 256n) - 1n, 0x2100ffff],
  ])('target %s -> bits %i', (target, bits) => {
    expect(targetToBits(target)).toBe(bits);
  });

  it('rejects targets outside [0, 2^256)', () => {
    expect(() => targetToBits(-1n)).toThrow();
    expect(() => targetToBits(1n << 256n)).toThrow();
  });

  const targets = fc
    .tuple(fc.bigInt({ min: 1n, max: (1n << 256n) - 1n }), fc.integer({ min: 0, max: 255 }))
    .map(([x, s]) => x >> BigInt(s))
    .filter((t) => t > 0n);

  it('round-trips stably and loses at most the bits below the top 16', () => {
    fc.assert(
      fc.property(targets, (t) => {
        const bits = targetToBits(t);
        const decoded = bitsToTarget(bits);
        expect(targetToBits(decoded)).toBe(bits);
        expect(decoded).toBeLessThanOrEqual(t);
        // The mantissa keeps at least 16 significant bits (0x008000..0x7fffff).
        expect((t - decoded) * 0x8000n).toBeLessThan(decoded);
      }),
      { numRuns: 2000 },
    );
  });

  it('re-encodes every valid bits value to a canonical form with the same target', () => {
    fc.assert(
      // Exponents past 34 always overflow, so draw from the range that can decode.
      fc.property(fc.integer({ min: 0, max: 34 }), fc.integer({ min: 0, max: 0x7fffff }), (size, mantissa) => {
        const bits = ((size << 24) | mantissa) >>> 0;
        const { target, negative, overflow } = decodeBits(bits);
        fc.pre(!negative && !overflow && target > 0n);
        expect(bitsToTarget(targetToBits(target))).toBe(target);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('getBlockWork (Core GetBlockProof)', () => {
  it('is 2^256 / (target + 1)', () => {
    expect(getBlockWork(0x1d00ffff)).toBe(0x100010001n);
    expect(getBlockWork(0x207fffff)).toBe(2n); // regtest: every other hash wins
    expect(getBlockWork(0x01010000)).toBe((1n << 256n) / 2n);
  });

  it('is 0 for negative, overflowing and zero bits', () => {
    expect(getBlockWork(0x04923456)).toBe(0n);
    expect(getBlockWork(0xff123456)).toBe(0n);
    expect(getBlockWork(0)).toBe(0n);
    expect(getBlockWork(0x01003456)).toBe(0n);
  });
});

describe('checkProofOfWork', () => {
  it('accepts the Bitcoin genesis block', () => {
    expect(checkProofOfWork(GENESIS_HASH, 0x1d00ffff)).toBe(true);
    expect(checkProofOfWork(GENESIS_HASH, 0x1d00ffff, MAINNET_POW_LIMIT)).toBe(true);
  });

  it('accepts a hash exactly equal to the target and rejects one above it', () => {
    const atTarget = TARGET_1D00FFFF.toString(16).padStart(64, '0');
    const above = (TARGET_1D00FFFF + 1n).toString(16).padStart(64, '0');
    expect(checkProofOfWork(atTarget, 0x1d00ffff)).toBe(true);
    expect(checkProofOfWork(above, 0x1d00ffff)).toBe(false);
  });

  it('rejects a hash above a harder target', () => {
    expect(checkProofOfWork(GENESIS_HASH, 0x1b0404cb)).toBe(false);
  });

  it('rejects invalid bits and targets above powLimit', () => {
    expect(checkProofOfWork(GENESIS_HASH, 0x04923456)).toBe(false); // negative
    expect(checkProofOfWork(GENESIS_HASH, 0xff123456)).toBe(false); // overflow
    expect(checkProofOfWork('00'.repeat(32), 0)).toBe(false); // zero target
    expect(checkProofOfWork(GENESIS_HASH, 0x1d01ffff, MAINNET_POW_LIMIT)).toBe(false); // too easy
    expect(checkProofOfWork(GENESIS_HASH, 0x1d01ffff)).toBe(true); // no limit given
  });

  it('agrees with verifyHeaderHash on internal-order bytes', () => {
    const internal = hashFromHex(GENESIS_HASH);
    expect(verifyHeaderHash(internal, 0x1d00ffff, MAINNET_POW_LIMIT)).toBe(true);
    // Internal bytes read as big-endian would be a huge number: order matters.
    expect(verifyHeaderHash(Uint8Array.from(internal).reverse(), 0x1d00ffff, MAINNET_POW_LIMIT)).toBe(false);
  });
});

describe('checkHeaderProofOfWork', () => {
  const genesis = hashFromHex(GENESIS_HASH);

  it('passes a valid header hash', () => {
    expect(() => checkHeaderProofOfWork(genesis, 0x1d00ffff, MAINNET_POW_LIMIT)).not.toThrow();
  });

  it('throws high-hash when the hash is above the target', () => {
    expectRuleCode(() => checkHeaderProofOfWork(genesis, 0x1b0404cb, MAINNET_POW_LIMIT), 'high-hash');
  });

  it('throws bad-diffbits for unusable bits or a target above powLimit', () => {
    expectRuleCode(() => checkHeaderProofOfWork(genesis, 0x04923456, MAINNET_POW_LIMIT), 'bad-diffbits');
    expectRuleCode(() => checkHeaderProofOfWork(genesis, 0xff123456, MAINNET_POW_LIMIT), 'bad-diffbits');
    expectRuleCode(() => checkHeaderProofOfWork(genesis, 0, MAINNET_POW_LIMIT), 'bad-diffbits');
    expectRuleCode(() => checkHeaderProofOfWork(genesis, 0x1d01ffff, MAINNET_POW_LIMIT), 'bad-diffbits');
  });
});
