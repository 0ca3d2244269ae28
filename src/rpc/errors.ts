/**
 * JSON-RPC errors with Bitcoin Core's codes, and the one function that turns
 * any error thrown by a method into one.
 */
import { AddressError, EncodingError, isTallyError } from '../primitives/errors.js';
import { RuleError } from '../consensus/errors.js';
import { MempoolError } from '../mempool/errors.js';

/**
 * Bitcoin Core's RPC error codes (src/rpc/protocol.h), and one of our own:
 * `LIMIT_EXCEEDED` for a client over the rate limit (Core has none). It lies in
 * JSON-RPC 2.0's range for server errors (-32000..-32099) and is the code that
 * EIP-1474 and Ethereum RPC providers answer rate-limited clients with.
 */
export const RPC = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  LIMIT_EXCEEDED: -32005,
  MISC_ERROR: -1,
  TYPE_ERROR: -3,
  INVALID_ADDRESS_OR_KEY: -5,
  INVALID_PARAMETER: -8,
  DESERIALIZATION_ERROR: -22,
  VERIFY_ERROR: -25,
  VERIFY_REJECTED: -26,
  VERIFY_ALREADY_IN_CHAIN: -27,
  IN_WARMUP: -28,
  METHOD_DEPRECATED: -32,
  CLIENT_NOT_CONNECTED: -9,
  CLIENT_NODE_ALREADY_ADDED: -23,
  CLIENT_NODE_NOT_CONNECTED: -29,
  CLIENT_INVALID_IP_OR_SUBNET: -30,
  CLIENT_P2P_DISABLED: -31,
  WALLET_ERROR: -4,
  WALLET_INSUFFICIENT_FUNDS: -6,
  WALLET_KEYPOOL_RAN_OUT: -12,
  WALLET_INVALID_LABEL_NAME: -11,
  WALLET_UNLOCK_NEEDED: -13,
  WALLET_PASSPHRASE_INCORRECT: -14,
  WALLET_WRONG_ENC_STATE: -15,
  WALLET_NOT_FOUND: -18,
  WALLET_NOT_SPECIFIED: -19,
  WALLET_ALREADY_LOADED: -35,
} as const;

export class RpcError extends Error {
  constructor(readonly code: number, message: string, readonly data?: unknown) {
    super(message);
    this.name = 'RpcError';
  }
}

export const invalidParameter = (message: string): RpcError => new RpcError(RPC.INVALID_PARAMETER, message);

/** Reject codes that mean "already have it" rather than "invalid". */
const ALREADY = new Set(['txn-already-known', 'txn-already-in-mempool', 'duplicate', 'already-in-chain']);

/**
 * The translation point: every error a method throws becomes a JSON-RPC error.
 * Rule and policy failures carry the reject code as the message, as Core does.
 */
export function toRpcError(err: unknown): RpcError {
  if (err instanceof RpcError) return err;
  if (err instanceof RuleError) return new RpcError(RPC.VERIFY_REJECTED, err.code, { reason: err.message });
  if (err instanceof AddressError) return new RpcError(RPC.INVALID_ADDRESS_OR_KEY, `Invalid address: ${err.message}`);
  if (err instanceof EncodingError) return new RpcError(RPC.DESERIALIZATION_ERROR, `Decode failed: ${err.message}`);
  if (isTallyError(err)) {
    // Wallet errors carry Core's code (src/wallet/errors.ts); the message is Core's text.
    const rpcCode = (err as { rpcCode?: unknown }).rpcCode;
    if (typeof rpcCode === 'number') return new RpcError(rpcCode, err.message);
    const code = err.code;
    if (ALREADY.has(code)) return new RpcError(RPC.VERIFY_ALREADY_IN_CHAIN, code);
    // Mempool policy refusals: Core reports them as rejected with the reason.
    if (err instanceof MempoolError) return new RpcError(RPC.VERIFY_REJECTED, code, { reason: err.message });
    return new RpcError(RPC.MISC_ERROR, `${err.message} (${code})`);
  }
  return new RpcError(RPC.INTERNAL_ERROR, 'Internal error');
}
