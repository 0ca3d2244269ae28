/**
 * Typed errors. Every failure in Tally carries a stable `code`: tests and
 * adapters (p2p scoring, JSON-RPC) branch on the code, never on message text.
 * Each class lists its codes in an `as const` array, so that the constructor
 * only takes a listed code and a unit test holds the doc comments to the list.
 */

/** Base class of every error Tally throws on purpose. */
export class TallyError<C extends string = string> extends Error {
  readonly code: C;
  constructor(code: C, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * Codes of {@link EncodingError}, each with who is at fault. The sender (peer):
 * the bytes or text themselves are malformed:
 * `bad-hex`, `read-out-of-bounds`, `trailing-bytes`, `non-canonical-compactsize`,
 * `compactsize-too-large`, `superfluous-witness`, `unknown-tx-flags`,
 * `bad-header-length`. Our side (local): our own caller passed a bad argument:
 * `bad-bytes`, `bad-length`, `bad-hash`, `out-of-range`.
 */
export const ENCODING_ERROR_BLAME = {
  'bad-hex': 'peer',
  'read-out-of-bounds': 'peer',
  'trailing-bytes': 'peer',
  'non-canonical-compactsize': 'peer',
  'compactsize-too-large': 'peer',
  'superfluous-witness': 'peer',
  'unknown-tx-flags': 'peer',
  'bad-header-length': 'peer',
  'bad-bytes': 'local',
  'bad-length': 'local',
  'bad-hash': 'local',
  'out-of-range': 'local',
} as const satisfies Record<string, 'peer' | 'local'>;

/** Stable codes of {@link EncodingError}. */
export const ENCODING_ERROR_CODES = Object.keys(ENCODING_ERROR_BLAME) as readonly EncodingErrorCode[];
export type EncodingErrorCode = keyof typeof ENCODING_ERROR_BLAME;

/**
 * Malformed bytes or text: truncated data, bad hex, non-canonical encodings.
 * `peerFault` says whether the input is to blame (see {@link ENCODING_ERROR_BLAME}):
 * adapters read it rather than guessing from the code's name.
 */
export class EncodingError extends TallyError<EncodingErrorCode> {
  readonly peerFault: boolean;
  constructor(code: EncodingErrorCode, message: string) {
    super(code, message);
    this.peerFault = ENCODING_ERROR_BLAME[code] === 'peer';
  }
}

/**
 * Codes of {@link AddressError}; address.ts says what each one means.
 */
export const ADDRESS_ERROR_CODES = [
  'bad-input', 'bad-length', 'bad-character', 'mixed-case', 'no-separator', 'empty-hrp', 'bad-hrp', 'bad-checksum',
  'wrong-hrp', 'empty-data', 'bad-witness-version', 'bad-encoding', 'bad-padding', 'bad-program-length',
  'unsupported-witness-version',
] as const;
export type AddressErrorCode = typeof ADDRESS_ERROR_CODES[number];

/** An address that does not decode, or that belongs to another network. */
export class AddressError extends TallyError<AddressErrorCode> {}

/** True when `err` is a TallyError, optionally with the given code. */
export function isTallyError(err: unknown, code?: string): err is TallyError {
  return err instanceof TallyError && (code === undefined || err.code === code);
}
