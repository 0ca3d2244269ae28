/**
 * How wallet methods reach the node's wallets: the manager (createwallet,
 * loadwallet, ...) and the wallet a request addresses, by Core's
 * `/wallet/<name>` endpoint or, on `/`, the only one loaded. The RPC layer sees
 * the wallet library's types only; the composition root hands the manager in.
 */
import type { Wallet, WalletManager } from '../wallet/index.js';
import { RPC, RpcError } from './errors.js';
import type { RpcContext } from './types.js';

/** What the wallet methods use of the manager. */
export type WalletManagerLike = Pick<WalletManager, 'create' | 'load' | 'unload' | 'list' | 'listDir' | 'get' | 'walletDir' | 'settled'>;

/** One request's view of the wallets. */
export interface WalletAccess {
  readonly manager: WalletManagerLike;
  /** The name from the `/wallet/<name>` path; undefined on `/`. */
  readonly name?: string;
  /** The wallet the request addresses. @throws WalletError not-loaded (-18), not-specified (-19) */
  get(): Wallet;
  /** settxfee's rates (sat/vB) by wallet name; they last until the node stops, as in Core. */
  readonly payTxFee: Map<string, number>;
}

/** The wallet name in a request path (`/wallet/<name>`, percent-decoded), or undefined for any other path. */
export function walletNameFromPath(path: string): string | undefined {
  if (!path.startsWith('/wallet/')) return undefined;
  try {
    return decodeURIComponent(path.slice('/wallet/'.length));
  } catch {
    throw new RpcError(RPC.INVALID_PARAMETER, 'Invalid wallet name in the request path');
  }
}

/** Builds a request's access from the manager and its path. */
export function walletAccess(manager: WalletManagerLike, path: string, payTxFee: Map<string, number>): WalletAccess {
  let name: string | undefined;
  try {
    name = walletNameFromPath(path);
  } catch (err) {
    // Built before dispatch: a bad name must fail the wallet method as a JSON-RPC error, not the request.
    return { manager, get: () => { throw err; }, payTxFee };
  }
  return { manager, ...(name !== undefined ? { name } : {}), get: () => manager.get(name), payTxFee };
}

/** The wallets, or Core's answer with -disablewallet: the method does not exist. */
export function walletsOf(ctx: RpcContext): WalletAccess {
  if (!ctx.wallet) throw new RpcError(RPC.METHOD_NOT_FOUND, 'Method not found (wallet disabled)');
  return ctx.wallet;
}

/** The wallet the request addresses. */
export function walletOf(ctx: RpcContext): Wallet {
  return walletsOf(ctx).get();
}
