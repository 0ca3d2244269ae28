/**
 * Wallet failures. Each code carries the Bitcoin Core JSON-RPC code it maps to
 * (src/rpc/protocol.h), so the RPC layer translates every wallet error in one
 * place by reading `rpcCode` rather than matching codes.
 *
 * Codes: `unlock-needed` (-13), `wrong-passphrase` (-14), `not-encrypted` (-15),
 * `already-encrypted` (-15), `wallet-error` (-4), `insufficient-funds` (-6),
 * `not-loaded` (-18), `not-specified` (-19), `already-loaded` (-35),
 * `already-exists` (-4), `not-found` (-18), `invalid-address` (-5),
 * `invalid-parameter` (-8), `invalid-descriptor` (-5), `watch-only` (-4),
 * `tx-not-found` (-5), `not-eligible` (-5), `not-replaceable` (-4), `keypool-ran-out` (-12),
 * `bad-psbt` (-22), `invalid-label` (-11).
 */
import { TallyError } from '../primitives/errors.js';

/** Every code and its Core RPC code. */
export const WALLET_ERROR_RPC = {
  'unlock-needed': -13,
  'wrong-passphrase': -14,
  'not-encrypted': -15,
  'already-encrypted': -15,
  'wallet-error': -4,
  'insufficient-funds': -6,
  'not-loaded': -18,
  'not-specified': -19,
  'already-loaded': -35,
  'already-exists': -4,
  'not-found': -18,
  'invalid-address': -5,
  'invalid-parameter': -8,
  'invalid-descriptor': -5,
  'watch-only': -4,
  'tx-not-found': -5,
  'not-eligible': -5,
  'not-replaceable': -4,
  'keypool-ran-out': -12,
  'bad-psbt': -22,
  'invalid-label': -11,
} as const satisfies Record<string, number>;

export type WalletErrorCode = keyof typeof WALLET_ERROR_RPC;

/** Stable codes of {@link WalletError}. */
export const WALLET_ERROR_CODES = Object.keys(WALLET_ERROR_RPC) as readonly WalletErrorCode[];

/** A wallet failure; the message never carries key material. */
export class WalletError extends TallyError<WalletErrorCode> {
  /** Bitcoin Core's JSON-RPC error code for this failure. */
  readonly rpcCode: number;
  constructor(code: WalletErrorCode, message: string) {
    super(code, message);
    this.rpcCode = WALLET_ERROR_RPC[code];
  }
}

/** Shorthand for throwing. */
export function walletError(code: WalletErrorCode, message: string): WalletError {
  return new WalletError(code, message);
}
