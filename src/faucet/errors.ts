/**
 * Faucet failures. Each code carries the JSON-RPC code it maps to, so the RPC
 * layer translates them in its one place (rpc/errors.ts reads `rpcCode`), and
 * the explorer's faucet endpoint answers with the same code and words.
 *
 * Codes: `invalid-parameter` (-8), `invalid-address` (-5), `wrong-network` (-5),
 * `own-address` (-8), `address-limited` (-32005), `ip-limited` (-32005),
 * `insufficient-funds` (-6), `wallet-missing` (-18), `bad-settings` (-8),
 * `bad-state` (-1).
 */
import { TallyError } from '../primitives/errors.js';

/** Every code and its JSON-RPC code; -32005 is rpc/errors.ts's LIMIT_EXCEEDED, the node's one rate-limit code. */
export const FAUCET_ERROR_RPC = {
  'invalid-parameter': -8,
  'invalid-address': -5,
  'wrong-network': -5,
  'own-address': -8,
  'address-limited': -32005,
  'ip-limited': -32005,
  'insufficient-funds': -6,
  'wallet-missing': -18,
  'bad-settings': -8,
  'bad-state': -1,
} as const satisfies Record<string, number>;

export type FaucetErrorCode = keyof typeof FAUCET_ERROR_RPC;

/** Stable codes of {@link FaucetError}. */
export const FAUCET_ERROR_CODES = Object.keys(FAUCET_ERROR_RPC) as readonly FaucetErrorCode[];

/** A faucet refusal. `retryAfter` (seconds) is set on the two rate-limit codes. */
export class FaucetError extends TallyError<FaucetErrorCode> {
  /** The JSON-RPC error code for this failure. */
  readonly rpcCode: number;
  constructor(code: FaucetErrorCode, message: string, readonly retryAfter?: number) {
    super(code, message);
    this.rpcCode = FAUCET_ERROR_RPC[code];
  }
}

/** Shorthand for throwing. */
export function faucetError(code: FaucetErrorCode, message: string, retryAfter?: number): FaucetError {
  return new FaucetError(code, message, retryAfter);
}

/** True for a FaucetError. */
export function isFaucetError(err: unknown): err is FaucetError {
  return err instanceof FaucetError;
}
