/**
 * Typed errors. Every failure in Tally carries a stable `code`: tests and
 * adapters (p2p scoring, JSON-RPC) branch on the code, never on message text.
 */

/** Base class of every error Tally throws on purpose. */
export class TallyError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Malformed bytes or text: truncated data, bad hex, non-canonical encodings. */
export class EncodingError extends TallyError {}

/** An address that does not decode, or that belongs to another network. */
export class AddressError extends TallyError {}

/** True when `err` is a TallyError, optionally with the given code. */
export function isTallyError(err: unknown, code?: string): err is TallyError {
  return err instanceof TallyError && (code === undefined || err.code === code);
}
