/** Every export of src/primitives/bytes.ts. */
import { describe, expect, it } from 'vitest';
import {
  bigIntToBytesBE,
  checkBytes,
  compareBytes,
  concatBytes,
  equalBytes,
  fromHex,
  hashFromHex,
  hashToBigInt,
  hashToHex,
  reverse,
  toHex,
} from '../../../src/primitives/bytes.js';
import { EncodingError } from '../../../src/primitives/errors.js';
import { thrownCode } from '../../helpers/errors.js';

const GENESIS = '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f';

const codeOf = (fn: () => unknown): string => thrownCode(fn, EncodingError);

describe('toHex / fromHex', () => {
  it('encodes lower-case hex', () => {
    expect(toHex(new Uint8Array(0))).toBe('');
    expect(toHex(Uint8Array.of(0, 1, 0x0f, 0x10, 0xab, 0xff))).toBe('00010f10abff');
  });

  it('decodes either case', () => {
    expect(Array.from(fromHex('00010f10abff'))).toEqual([0, 1, 0x0f, 0x10, 0xab, 0xff]);
    expect(Array.from(fromHex('ABcdEF'))).toEqual([0xab, 0xcd, 0xef]);
    expect(fromHex('')).toHaveLength(0);
  });

  it('rejects odd length and non-hex digits with bad-hex', () => {
    expect(codeOf(() => fromHex('abc'))).toBe('bad-hex');
    expect(codeOf(() => fromHex('0'))).toBe('bad-hex');
    for (const bad of ['0g', 'g0', 'zz', '0x', ' 0', '0 ', '-1', '+1', '\u00e9\u00e9', '00\n0', '１２']) {
      expect(codeOf(() => fromHex(bad)), bad).toBe('bad-hex');
    }
    expect(codeOf(() => fromHex(12 as unknown as string))).toBe('bad-hex');
    expect(codeOf(() => fromHex(undefined as unknown as string))).toBe('bad-hex');
  });
});

describe('reverse', () => {
  it('returns a reversed copy and leaves the input alone', () => {
    const input = Uint8Array.of(1, 2, 3);
    const out = reverse(input);
    expect(Array.from(out)).toEqual([3, 2, 1]);
    expect(Array.from(input)).toEqual([1, 2, 3]);
    expect(reverse(new Uint8Array(0))).toHaveLength(0);
  });

  it('reverses only the viewed part of a subarray', () => {
    const backing = Uint8Array.of(9, 1, 2, 3, 9);
    expect(Array.from(reverse(backing.subarray(1, 4)))).toEqual([3, 2, 1]);
  });
});

describe('hashToHex / hashFromHex', () => {
  it('shows internal-order hashes byte-reversed', () => {
    const internal = fromHex(GENESIS).reverse();
    expect(hashToHex(internal)).toBe(GENESIS);
    expect(toHex(hashFromHex(GENESIS))).toBe(toHex(internal));
    expect(toHex(hashFromHex(GENESIS.toUpperCase()))).toBe(toHex(internal));
  });

  it('reverses a hash of any length, and leaves the hash itself alone', () => {
    const bytes = Uint8Array.from({ length: 20 }, (_, i) => i);
    expect(hashToHex(bytes)).toBe(toHex(Uint8Array.from(bytes).reverse()));
    expect(hashToHex(new Uint8Array(0))).toBe('');
    expect(bytes[0]).toBe(0);
    const long = Uint8Array.from({ length: 3000 }, (_, i) => i & 0xff);
    expect(hashToHex(long)).toBe(toHex(Uint8Array.from(long).reverse()));
  });

  it('rejects anything but 64 hex digits with bad-hash', () => {
    expect(codeOf(() => hashFromHex(GENESIS.slice(1)))).toBe('bad-hash');
    expect(codeOf(() => hashFromHex(GENESIS + '0'))).toBe('bad-hash');
    expect(codeOf(() => hashFromHex(GENESIS + '00'))).toBe('bad-hash');
    expect(codeOf(() => hashFromHex('g' + GENESIS.slice(1)))).toBe('bad-hash');
    expect(codeOf(() => hashFromHex(''))).toBe('bad-hash');
    expect(codeOf(() => hashFromHex(`${GENESIS}\n`))).toBe('bad-hash');
    expect(codeOf(() => hashFromHex(null as unknown as string))).toBe('bad-hash');
  });
});

describe('concatBytes', () => {
  it('joins in order', () => {
    expect(toHex(concatBytes(Uint8Array.of(1), new Uint8Array(0), Uint8Array.of(2, 3)))).toBe('010203');
    expect(concatBytes()).toHaveLength(0);
  });

  it('returns a fresh array', () => {
    const a = Uint8Array.of(1, 2);
    const out = concatBytes(a);
    out[0] = 9;
    expect(a[0]).toBe(1);
  });
});

describe('equalBytes / compareBytes', () => {
  it('equalBytes compares content and length', () => {
    expect(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(true);
    expect(equalBytes(new Uint8Array(0), new Uint8Array(0))).toBe(true);
    expect(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(false);
    expect(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2, 0))).toBe(false);
  });

  it('compareBytes orders lexicographically, shorter prefix first', () => {
    expect(compareBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(0);
    expect(compareBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBeLessThan(0);
    expect(compareBytes(Uint8Array.of(2), Uint8Array.of(1, 0xff))).toBeGreaterThan(0);
    expect(compareBytes(Uint8Array.of(1), Uint8Array.of(1, 0))).toBeLessThan(0);
    expect(compareBytes(Uint8Array.of(1, 0), Uint8Array.of(1))).toBeGreaterThan(0);
    expect(compareBytes(new Uint8Array(0), new Uint8Array(0))).toBe(0);
    const sorted = [Uint8Array.of(0xff), Uint8Array.of(0), Uint8Array.of(0, 0), Uint8Array.of(0x80)].sort(compareBytes);
    expect(sorted.map(toHex)).toEqual(['00', '0000', '80', 'ff']);
  });
});

describe('hashToBigInt', () => {
  it('reads an internal-order hash as the number its display hex shows', () => {
    expect(hashToBigInt(hashFromHex(GENESIS))).toBe(BigInt('0x' + GENESIS));
    const one = new Uint8Array(32);
    one[0] = 1; // least significant byte first
    expect(hashToBigInt(one)).toBe(1n);
    expect(hashToBigInt(new Uint8Array(32).fill(0xff))).toBe((1n << 256n) - 1n);
    expect(hashToBigInt(new Uint8Array(0))).toBe(0n);
  });
});

describe('bigIntToBytesBE', () => {
  it('writes big-endian, zero-padded', () => {
    expect(toHex(bigIntToBytesBE(0x0102n, 2))).toBe('0102');
    expect(toHex(bigIntToBytesBE(0x0102n, 4))).toBe('00000102');
    expect(toHex(bigIntToBytesBE(0n, 1))).toBe('00');
    expect(toHex(bigIntToBytesBE(255n, 1))).toBe('ff');
    expect(toHex(bigIntToBytesBE((1n << 256n) - 1n, 32))).toBe('ff'.repeat(32));
    expect(bigIntToBytesBE(0n, 0)).toHaveLength(0);
  });

  it('refuses negative values and values that do not fit (out-of-range)', () => {
    expect(codeOf(() => bigIntToBytesBE(-1n, 4))).toBe('out-of-range');
    expect(codeOf(() => bigIntToBytesBE(256n, 1))).toBe('out-of-range');
    expect(codeOf(() => bigIntToBytesBE(1n << 256n, 32))).toBe('out-of-range');
    expect(codeOf(() => bigIntToBytesBE(1n, 0))).toBe('out-of-range');
  });
});

describe('checkBytes', () => {
  it('returns the same array when it is a Uint8Array of the expected length', () => {
    const b = new Uint8Array(32);
    expect(checkBytes('hash', b, 32)).toBe(b);
    expect(checkBytes('data', Uint8Array.of(1, 2, 3))).toBeInstanceOf(Uint8Array);
  });

  it('refuses non-bytes with bad-bytes and the wrong length with bad-length', () => {
    expect(codeOf(() => checkBytes('hash', 'ab'))).toBe('bad-bytes');
    expect(codeOf(() => checkBytes('hash', [1, 2, 3]))).toBe('bad-bytes');
    expect(codeOf(() => checkBytes('hash', undefined, 32))).toBe('bad-bytes');
    expect(codeOf(() => checkBytes('hash', new Uint8Array(31), 32))).toBe('bad-length');
    expect(codeOf(() => checkBytes('hash', new Uint8Array(33), 32))).toBe('bad-length');
  });
});

describe('toHex, long and repeated', () => {
  it('matches Node\'s hex for every byte value, past its reusable buffer, and each result stands alone', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const long = Uint8Array.from({ length: 5000 }, (_, i) => (i * 131) & 0xff);
    const first = toHex(all);
    expect(first).toBe(Buffer.from(all).toString('hex'));
    expect(toHex(long)).toBe(Buffer.from(long).toString('hex'));
    expect(toHex(Uint8Array.of(1, 2))).toBe('0102');
    expect(first).toBe(Buffer.from(all).toString('hex'));
    expect(toHex(new Uint8Array(0))).toBe('');
  });
});
