/**
 * Segwit addresses: bech32 (BIP173) and bech32m (BIP350).
 *
 * Tally only pays to taproot key-path outputs (segwit v1, 32-byte program), so
 * {@link encodeAddress} / {@link decodeAddress} handle exactly that. The general
 * {@link decodeSegwitAddress} / {@link encodeSegwitAddress} implement the full
 * BIP173/BIP350 rules so the published vectors can be run in full and so a user
 * pasting a v0 address gets a precise error instead of "bad checksum".
 *
 * `@scure/base` computes the checksums. Its errors carry no stable code, so every
 * structural rule it would enforce is checked here first, and each failure is an
 * {@link AddressError} with one of the codes of {@link AddressErrorCode}.
 */
import { bech32, bech32m } from '@scure/base';
import { AddressError, type AddressErrorCode } from './errors.js';

/**
 * Stable codes of the {@link AddressError}s thrown by this module.
 *
 * - `bad-length`: the string is shorter than 8 or longer than 90 characters (BIP173).
 * - `bad-character`: a character outside US-ASCII 33..126, or a data character outside the bech32 alphabet.
 * - `mixed-case`: upper and lower case letters mixed (BIP173).
 * - `no-separator` / `empty-hrp`: no `1` separator, or nothing before it.
 * - `bad-hrp`: a human-readable part that cannot be encoded (encoding only).
 * - `bad-checksum`: a checksum valid under neither bech32 nor bech32m, or shorter than 6 characters.
 * - `wrong-hrp`: a valid address of another network.
 * - `empty-data`: no witness version in the data part.
 * - `bad-witness-version`: a witness version above 16.
 * - `bad-encoding`: bech32 used for v1+ or bech32m for v0 (BIP350).
 * - `bad-padding`: more than 4 padding bits or non-zero padding in the 5-to-8 bit conversion.
 * - `bad-program-length`: a program outside 2..40 bytes, or a v0 program of neither 20 nor 32 bytes (BIP141).
 * - `unsupported-witness-version`: a valid segwit address that is not v1 with a 32-byte program, which Tally does not pay to.
 * - `bad-input`: not a string / not bytes.
 */
export type { AddressErrorCode } from './errors.js';

/** Which checksum constant a bech32 string uses: BIP173's `1` or BIP350's `0x2bc830a3`. */
export type Bech32Encoding = 'bech32' | 'bech32m';

/** A checksum-valid bech32 or bech32m string split into its parts. */
export interface Bech32Parts {
  /** Human-readable part, lower case. */
  hrp: string;
  /** Data part as 5-bit words, checksum excluded. */
  words: number[];
  encoding: Bech32Encoding;
}

/** A decoded segwit address (BIP173/BIP350). */
export interface SegwitAddress {
  /** Human-readable part, lower case (`bc`, `tb`, ...). */
  hrp: string;
  /** Witness version, 0..16. */
  version: number;
  /** Witness program, 2..40 bytes. */
  program: Uint8Array;
}

/** BIP173: a bech32 string is at most 90 characters. */
export const MAX_BECH32_LENGTH = 90;
/** Shortest bech32 string: one hrp character, the separator and a 6-character checksum. */
const MIN_BECH32_LENGTH = 8;
const CHECKSUM_LENGTH = 6;
const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
/** Segwit v1 with a 32-byte program: the only output type Tally pays to (BIP341). */
const TAPROOT_VERSION = 1;
const TAPROOT_PROGRAM_LENGTH = 32;

function fail(code: AddressErrorCode, message: string): never {
  throw new AddressError(code, message);
}

/**
 * Decodes a bech32 or bech32m string (BIP173, BIP350) without any segwit meaning.
 * Accepts all-lower or all-upper case, returns the hrp in lower case.
 * @throws AddressError with `bad-input`, `bad-length`, `bad-character`, `mixed-case`,
 *   `no-separator`, `empty-hrp` or `bad-checksum`.
 */
export function decodeBech32(str: string): Bech32Parts {
  if (typeof str !== 'string') fail('bad-input', `address expected string, got ${typeof str}`);
  if (str.length < MIN_BECH32_LENGTH || str.length > MAX_BECH32_LENGTH) {
    fail('bad-length', `bech32 string has length ${str.length}, expected ${MIN_BECH32_LENGTH}..${MAX_BECH32_LENGTH}`);
  }
  let hasLower = false;
  let hasUpper = false;
  for (let i = 0; i < str.length; i++) {
    const c = str.charCodeAt(i);
    if (c < 33 || c > 126) fail('bad-character', `character code ${c} at position ${i} is out of range`);
    if (c >= 97 && c <= 122) hasLower = true;
    else if (c >= 65 && c <= 90) hasUpper = true;
  }
  if (hasLower && hasUpper) fail('mixed-case', 'bech32 string mixes upper and lower case');
  const lower = str.toLowerCase();
  // The hrp may itself contain '1', so the separator is the last one (BIP173).
  const sep = lower.lastIndexOf('1');
  if (sep === -1) fail('no-separator', 'bech32 string has no separator "1"');
  if (sep === 0) fail('empty-hrp', 'bech32 string has an empty human-readable part');
  const data = lower.slice(sep + 1);
  for (let i = 0; i < data.length; i++) {
    if (!CHARSET.includes(data[i]!)) fail('bad-character', `invalid data character at position ${sep + 1 + i}`);
  }
  if (data.length < CHECKSUM_LENGTH) fail('bad-checksum', 'checksum shorter than 6 characters');
  // A checksum is valid under at most one of the two constants, so trying both is unambiguous.
  const m = bech32m.decodeUnsafe(lower, MAX_BECH32_LENGTH);
  if (m) return { hrp: m.prefix, words: m.words, encoding: 'bech32m' };
  const b = bech32.decodeUnsafe(lower, MAX_BECH32_LENGTH);
  if (b) return { hrp: b.prefix, words: b.words, encoding: 'bech32' };
  return fail('bad-checksum', 'invalid bech32/bech32m checksum');
}

/** 5-to-8 bit regrouping with BIP173's padding rules: at most 4 padding bits, all zero. */
function wordsToBytes(words: number[]): Uint8Array {
  const padBits = (words.length * 5) % 8;
  if (padBits > 4) fail('bad-padding', `${padBits} padding bits, at most 4 allowed`);
  if (padBits > 0 && (words[words.length - 1]! & ((1 << padBits) - 1)) !== 0) {
    fail('bad-padding', 'non-zero padding bits');
  }
  // Both padding rules hold, so scure's own conversion cannot fail here.
  return bech32.fromWords(words);
}

function checkProgram(version: number, program: Uint8Array): void {
  if (!Number.isInteger(version) || version < 0 || version > 16) {
    fail('bad-witness-version', `witness version ${version} is not in 0..16`);
  }
  if (program.length < 2 || program.length > 40) {
    fail('bad-program-length', `witness program of ${program.length} bytes, expected 2..40`);
  }
  // BIP141: v0 programs are P2WPKH (20 bytes) or P2WSH (32 bytes), nothing else.
  if (version === 0 && program.length !== 20 && program.length !== 32) {
    fail('bad-program-length', `v0 witness program of ${program.length} bytes, expected 20 or 32`);
  }
}

/**
 * Decodes any segwit address under the full BIP173/BIP350 rules: v0 must use
 * bech32, v1..16 bech32m; the program is 2..40 bytes, and 20 or 32 for v0.
 * @param expectedHrp - when given, an address with another hrp throws `wrong-hrp`
 *   (compared case-insensitively, as BIP173 hrps are).
 * @throws AddressError (see {@link AddressErrorCode}).
 */
export function decodeSegwitAddress(address: string, expectedHrp?: string): SegwitAddress {
  const { hrp, words, encoding } = decodeBech32(address);
  if (expectedHrp !== undefined && hrp !== expectedHrp.toLowerCase()) {
    fail('wrong-hrp', `address is for "${hrp}", expected "${expectedHrp.toLowerCase()}"`);
  }
  if (words.length === 0) fail('empty-data', 'address has no witness version');
  const version = words[0]!;
  if (version > 16) fail('bad-witness-version', `witness version ${version} is not in 0..16`);
  // BIP350: bech32m's constant exists precisely so v1+ addresses cannot be mistyped as v0 ones.
  const want: Bech32Encoding = version === 0 ? 'bech32' : 'bech32m';
  if (encoding !== want) fail('bad-encoding', `witness v${version} requires ${want}, got ${encoding}`);
  const program = wordsToBytes(words.slice(1));
  checkProgram(version, program);
  return { hrp, version, program };
}

function checkHrp(hrp: string): void {
  if (typeof hrp !== 'string') fail('bad-input', `hrp expected string, got ${typeof hrp}`);
  if (hrp.length === 0) fail('empty-hrp', 'empty human-readable part');
  for (let i = 0; i < hrp.length; i++) {
    const c = hrp.charCodeAt(i);
    if (c < 33 || c > 126) fail('bad-hrp', `hrp character code ${c} is out of range`);
  }
  // Encoding lower-cases the hrp; an upper-case hrp would silently produce an address for another one.
  if (hrp !== hrp.toLowerCase()) fail('bad-hrp', 'hrp must be lower case');
}

function checkBytesInput(name: string, bytes: unknown): asserts bytes is Uint8Array {
  if (!(bytes instanceof Uint8Array)) fail('bad-input', `"${name}" expected Uint8Array`);
}

/**
 * Encodes a segwit address: bech32 for v0, bech32m for v1..16 (BIP173, BIP350).
 * @param hrp - lower-case human-readable part, e.g. `bc`.
 * @throws AddressError: `bad-hrp`, `empty-hrp`, `bad-witness-version`, `bad-program-length`,
 *   or `bad-length` when the result would exceed 90 characters.
 */
export function encodeSegwitAddress(hrp: string, version: number, program: Uint8Array): string {
  checkHrp(hrp);
  checkBytesInput('program', program);
  checkProgram(version, program);
  const words = [version, ...bech32.toWords(program)];
  const length = hrp.length + 1 + words.length + CHECKSUM_LENGTH;
  if (length > MAX_BECH32_LENGTH) fail('bad-length', `address would be ${length} characters, at most 90 allowed`);
  return (version === 0 ? bech32 : bech32m).encode(hrp, words, MAX_BECH32_LENGTH);
}

/**
 * The Tally address of an x-only public key: segwit v1 with the key as its
 * 32-byte program, bech32m-encoded (BIP341, BIP350).
 * @throws AddressError: `bad-input` unless the key is 32 bytes, or an hrp code.
 */
export function encodeAddress(hrp: string, xOnlyPubkey: Uint8Array): string {
  checkBytesInput('xOnlyPubkey', xOnlyPubkey);
  if (xOnlyPubkey.length !== TAPROOT_PROGRAM_LENGTH) {
    fail('bad-input', `x-only public key expected ${TAPROOT_PROGRAM_LENGTH} bytes, got ${xOnlyPubkey.length}`);
  }
  return encodeSegwitAddress(hrp, TAPROOT_VERSION, xOnlyPubkey);
}

/**
 * Decodes a Tally address of network `hrp` to its 32-byte x-only output key.
 * The key is not checked to lie on the curve: like Bitcoin, an address to an
 * invalid key is well-formed, its output merely unspendable.
 * @throws AddressError: `wrong-hrp` for another network's address,
 *   `unsupported-witness-version` for a valid segwit address that is not v1 with a
 *   32-byte program, or any other {@link AddressErrorCode} for a malformed one.
 */
export function decodeAddress(hrp: string, address: string): Uint8Array {
  const decoded = decodeSegwitAddress(address, hrp);
  if (decoded.version !== TAPROOT_VERSION || decoded.program.length !== TAPROOT_PROGRAM_LENGTH) {
    fail(
      'unsupported-witness-version',
      `segwit v${decoded.version} with a ${decoded.program.length}-byte program is not a taproot address`,
    );
  }
  return decoded.program;
}

/**
 * The scriptPubKey of a segwit output: `OP_n <push program>` (BIP141), with
 * OP_0 for v0 and OP_1..OP_16 (0x51..0x60) for v1..16.
 * @throws AddressError: `bad-witness-version` or `bad-program-length`.
 */
export function segwitScriptPubKey(version: number, program: Uint8Array): Uint8Array {
  checkBytesInput('program', program);
  checkProgram(version, program);
  const script = new Uint8Array(2 + program.length);
  script[0] = version === 0 ? 0x00 : 0x50 + version;
  script[1] = program.length;
  script.set(program, 2);
  return script;
}

/**
 * The taproot scriptPubKey (`OP_1 0x20 <32-byte key>`) paid to by a Tally address.
 * @throws AddressError as {@link decodeAddress}.
 */
export function addressToScriptPubKey(hrp: string, address: string): Uint8Array {
  return segwitScriptPubKey(TAPROOT_VERSION, decodeAddress(hrp, address));
}

/**
 * The Tally address of a taproot scriptPubKey (`0x51 0x20 <32 bytes>`), or null
 * for any other script, which has no Tally address.
 * @throws AddressError only for an invalid `hrp`.
 */
export function scriptPubKeyToAddress(hrp: string, script: Uint8Array): string | null {
  if (
    !(script instanceof Uint8Array) ||
    script.length !== 2 + TAPROOT_PROGRAM_LENGTH ||
    script[0] !== 0x50 + TAPROOT_VERSION ||
    script[1] !== TAPROOT_PROGRAM_LENGTH
  ) {
    checkHrp(hrp);
    return null;
  }
  return encodeAddress(hrp, script.subarray(2));
}
