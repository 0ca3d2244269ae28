/**
 * Fuzzing of the address decoders (fast-check, fixed seeds): decodeAddress,
 * decodeSegwitAddress, decodeBech32, addressToScriptPubKey and
 * scriptPubKeyToAddress on mutated valid addresses (characters changed,
 * inserted, deleted, swapped, re-cased), other networks' addresses, random and
 * overlong strings and values that are not strings. Each call gives an
 * AddressError with one of the documented codes, or a value that encodes back
 * to the canonical (lower-case) input; nothing else, and never slowly.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addressToScriptPubKey, decodeAddress, decodeBech32, decodeSegwitAddress, encodeAddress, encodeSegwitAddress, MAX_BECH32_LENGTH,
  scriptPubKeyToAddress, type AddressErrorCode,
} from '../../../src/primitives/address.js';
import { regtest, testnet } from '../../../src/consensus/params.js';
import { concatBytes, equalBytes } from '../../../src/primitives/bytes.js';
import { AddressError } from '../../../src/primitives/errors.js';
import { checkProperty } from '../../helpers/fuzz.js';
import { recordTrial } from '../../helpers/reliability.js';

/** Every code of AddressErrorCode: a thrown code outside this list is an undocumented one. */
const CODES: readonly AddressErrorCode[] = [
  'bad-input', 'bad-length', 'bad-character', 'mixed-case', 'no-separator', 'empty-hrp', 'bad-hrp', 'bad-checksum', 'wrong-hrp',
  'empty-data', 'bad-witness-version', 'bad-encoding', 'bad-padding', 'bad-program-length', 'unsupported-witness-version',
];
const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const HRP = regtest.addressPrefix;

const KNOWN_CODES = new Set<string>(CODES);

/** The AddressError code of `f`, or undefined when it returns; any other exception, or an undocumented code, fails. */
function codeOf(f: () => unknown): AddressErrorCode | undefined {
  try {
    f();
    return undefined;
  } catch (err) {
    if (!(err instanceof AddressError)) throw new Error(`threw ${(err as Error)?.name ?? typeof err} instead of AddressError: ${String(err)}`);
    if (!KNOWN_CODES.has(err.code)) throw new Error(`undocumented AddressError code ${err.code}`);
    return err.code as AddressErrorCode;
  }
}

/** Throws unless a decoded value encodes back to the canonical input. (Plain checks: this runs thousands of times.) */
function same(what: string, got: unknown, want: unknown): void {
  if (got !== want) throw new Error(`${what}: decoded value encodes to ${String(got)}, not ${String(want)}`);
}

/**
 * Runs every string decoder on `s`: each either refuses it with a documented code or
 * returns what encodes back to `s` in lower case. Returns decodeAddress's code.
 */
function checkAllDecoders(s: string, hrp = HRP): AddressErrorCode | undefined {
  const lower = s.toLowerCase();
  codeOf(() => {
    const parts = decodeBech32(s);
    same('decodeBech32 hrp', parts.hrp, parts.hrp.toLowerCase());
  });
  codeOf(() => {
    const a = decodeSegwitAddress(s);
    same('decodeSegwitAddress', encodeSegwitAddress(a.hrp, a.version, a.program), lower);
  });
  const code = codeOf(() => same('decodeAddress', encodeAddress(hrp, decodeAddress(hrp, s)), lower));
  const scriptCode = codeOf(() => same('addressToScriptPubKey', scriptPubKeyToAddress(hrp, addressToScriptPubKey(hrp, s)), lower));
  if (scriptCode !== code) throw new Error(`addressToScriptPubKey refused with ${scriptCode}, decodeAddress with ${code}`);
  return code;
}

/** Any Unicode scalar value, ASCII half the time (fc.string's 'binary' unit would cost seconds to set up). */
const codePoint = fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0x80, max: 0xd7ff }), fc.integer({ min: 0xe000, max: 0x10ffff })).map((c) => String.fromCodePoint(c));
const key = fc.uint8Array({ minLength: 32, maxLength: 32 });
/** hrps of 1..10 printable lower-case characters ('1' included: the separator is the last '1'). */
const hrp = fc.oneof(
  fc.constantFrom(HRP, testnet.addressPrefix, 'bc', 'tb', 'a', 'an1hrp'),
  fc.string({ unit: fc.integer({ min: 33, max: 126 }).map((c) => String.fromCharCode(c).toLowerCase()), minLength: 1, maxLength: 10 }),
);
const address = fc.tuple(hrp, key).map(([h, k]) => encodeAddress(h, k));
const anyChar = fc.oneof(fc.constantFrom(...CHARSET, ...CHARSET.toUpperCase(), '1', 'b', 'i', 'o'), fc.integer({ min: 0, max: 0x2fff }).map((c) => String.fromCharCode(c)));

type Edit = { kind: 'set' | 'insert' | 'delete' | 'swap' | 'upper' | 'append'; at: number; ch: string; extra: string };
const edit: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom('set' as const, 'insert' as const, 'delete' as const, 'swap' as const, 'upper' as const, 'append' as const),
  at: fc.nat(),
  ch: anyChar,
  extra: fc.string({ minLength: 1, maxLength: 60, size: 'max' }),
});

function applyEdit(s: string, e: Edit): string {
  const i = e.at % s.length;
  switch (e.kind) {
    case 'set': return s.slice(0, i) + e.ch + s.slice(i + 1);
    case 'insert': return s.slice(0, i) + e.ch + s.slice(i);
    case 'delete': return s.slice(0, i) + s.slice(i + 1);
    case 'swap': return i + 1 < s.length ? s.slice(0, i) + s[i + 1]! + s[i]! + s.slice(i + 2) : s;
    case 'upper': return s.slice(0, i) + s[i]!.toUpperCase() + s.slice(i + 1);
    default: return s + e.extra;
  }
}

describe('address decoders under fuzzing', () => {
  it('mutated valid addresses: a documented AddressError or a value that re-encodes to the input', () => {
    const codes = new Map<string, number>();
    const runs = checkProperty(fc.property(fc.tuple(hrp, key), fc.array(edit, { minLength: 1, maxLength: 3 }), ([h, k], edits) => {
      const mutated = edits.reduce(applyEdit, encodeAddress(h, k));
      const code = checkAllDecoders(mutated, h) ?? 'valid';
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }), { seed: 401, numRuns: 1200 });
    // The mutations reach many rules, not only the checksum.
    for (const code of ['bad-checksum', 'bad-character', 'mixed-case', 'bad-length']) expect(codes.get(code) ?? 0, code).toBeGreaterThan(10);
    recordTrial({ area: 'Fuzzing', attack: 'address decoders on mutated valid addresses (changed, inserted, deleted, swapped, re-cased, appended characters)', times: runs, outcome: 'documented AddressError code or canonical value' });
  });

  it('changing any one character of a valid address is always detected', () => {
    const runs = checkProperty(fc.property(address, fc.nat(), anyChar, (a, at, ch) => {
      const i = at % a.length;
      fc.pre(ch.toLowerCase() !== a[i]);
      const mutated = a.slice(0, i) + ch + a.slice(i + 1);
      // bech32m detects any error in up to 4 characters (BIP350); the case rules catch a re-cased one.
      expect(checkAllDecoders(mutated, a.slice(0, a.lastIndexOf('1')))).toBeDefined();
    }), { seed: 402, numRuns: 1000 });
    recordTrial({ area: 'Fuzzing', attack: 'address with one character changed', times: runs, outcome: 'always refused with a documented code' });
  });

  it('an upper-case address decodes like the lower-case one; mixed case is refused', () => {
    const runs = checkProperty(fc.property(address, fc.nat(), (a, at) => {
      expect(checkAllDecoders(a.toUpperCase(), a.slice(0, a.lastIndexOf('1')))).toBeUndefined();
      const letters = [...a].map((c, i) => (/[a-z]/.test(c) ? i : -1)).filter((i) => i >= 0);
      const i = letters[at % letters.length]!;
      expect(checkAllDecoders(a.slice(0, i) + a[i]!.toUpperCase() + a.slice(i + 1))).toBe('mixed-case');
    }), { seed: 403, numRuns: 300 });
    recordTrial({ area: 'Fuzzing', attack: 'address in upper and mixed case', times: runs, outcome: 'upper case accepted, mixed case refused (mixed-case)' });
  });

  it('another network\'s address is refused with wrong-hrp', () => {
    const runs = checkProperty(fc.property(fc.tuple(hrp, hrp).filter(([a, b]) => a !== b), key, ([mine, theirs], k) => {
      expect(checkAllDecoders(encodeAddress(theirs, k), mine)).toBe('wrong-hrp');
    }), { seed: 404, numRuns: 300 });
    recordTrial({ area: 'Fuzzing', attack: 'address of another network (wrong hrp)', times: runs, outcome: 'refused with wrong-hrp' });
  });

  it('random and overlong strings and non-strings: a documented code, quickly', () => {
    const input = fc.oneof(
      fc.string({ maxLength: 100 }),
      fc.string({ unit: codePoint, maxLength: 100 }),
      fc.string({ unit: fc.constantFrom(...CHARSET, '1'), maxLength: 95 }).map((s) => `${HRP}1${s}`),
      // Overlong: a valid-looking address padded to 91..5,000 characters.
      fc.tuple(fc.integer({ min: MAX_BECH32_LENGTH, max: 5000 }), fc.constantFrom(...CHARSET)).map(([n, c]) => `${HRP}1p${c.repeat(n)}`),
    );
    let runs = checkProperty(fc.property(input, (s) => {
      const started = performance.now();
      const code = checkAllDecoders(s);
      if (s.length > MAX_BECH32_LENGTH) expect(code).toBe('bad-length');
      expect(performance.now() - started).toBeLessThan(100);
    }), { seed: 405, numRuns: 800 });
    const notStrings = fc.oneof(fc.integer(), fc.constantFrom(null, undefined, true, {}, [], new Uint8Array(62)), fc.object());
    runs += checkProperty(fc.property(notStrings, (value) => {
      expect(codeOf(() => decodeAddress(HRP, value as unknown as string))).toBe('bad-input');
      expect(codeOf(() => addressToScriptPubKey(HRP, value as unknown as string))).toBe('bad-input');
    }), { seed: 406, numRuns: 200 });
    recordTrial({ area: 'Fuzzing', attack: 'address decoders on random, overlong (up to 5,000 characters) and non-string input', times: runs, outcome: 'documented AddressError code in under 100 ms' });
  });

  it('scripts: only a taproot output has an address, and that address gives the script back', () => {
    const script = fc.oneof(
      fc.uint8Array({ maxLength: 50 }),
      key.map((k) => concatBytes(Uint8Array.of(0x51, 0x20), k)),
      fc.tuple(fc.integer({ min: 0, max: 0xff }), fc.integer({ min: 0, max: 0xff }), key).map(([op, len, k]) => concatBytes(Uint8Array.of(op, len), k)),
    );
    let addresses = 0;
    const runs = checkProperty(fc.property(script, (s) => {
      const a = scriptPubKeyToAddress(HRP, s);
      const taproot = s.length === 34 && s[0] === 0x51 && s[1] === 0x20;
      expect(a !== null).toBe(taproot);
      if (a !== null) {
        addresses++;
        expect(equalBytes(addressToScriptPubKey(HRP, a), s)).toBe(true);
      }
    }), { seed: 407, numRuns: 500 });
    expect(addresses).toBeGreaterThan(50);
    recordTrial({ area: 'Fuzzing', attack: 'scriptPubKey to address on random scripts', times: runs, outcome: 'null, or an address that maps back to the same script' });
  });
});
