/** The method table: every group's methods, by name. */
import type { CoreComparison, RpcMethod } from '../types.js';
import { addressesMethods } from './addresses.js';
import { blockchainMethods } from './blockchain.js';
import { chainInfoMethods } from './chain-info.js';
import { CORE_CHAIN } from './core-chain.js';
import { CORE_NODE, INSIGHT } from './core-node.js';
import { mempoolMethods } from './mempool.js';
import { miningMethods } from './mining.js';
import { networkMethods } from './network.js';
import { psbtMethods } from './psbt.js';
import { rawtransactionsMethods } from './rawtransactions.js';
import { utilMethods } from './util.js';
import { CORE_WALLET } from './core-wallet.js';
import { CORE_FAUCET, faucetMethods } from './faucet.js';
import { walletAdminMethods } from './wallet-admin.js';
import { walletBalanceMethods } from './wallet-balance.js';
import { walletKeysMethods } from './wallet-keys.js';
import { walletLabelMethods } from './wallet-labels.js';
import { walletPsbtMethods } from './wallet-psbt.js';
import { walletSendMethods } from './wallet-send.js';

const GROUPS = [blockchainMethods, rawtransactionsMethods, mempoolMethods, miningMethods, networkMethods, addressesMethods, utilMethods, chainInfoMethods,
  walletAdminMethods, walletKeysMethods, walletBalanceMethods, walletSendMethods, walletPsbtMethods, psbtMethods, faucetMethods,
  walletLabelMethods];

/** A method's comparison with Core (core-chain.ts, core-node.ts); the address methods are the insight dialect's. */
function coreComparison(method: RpcMethod): CoreComparison | undefined {
  return CORE_CHAIN[method.name] ?? CORE_NODE[method.name] ?? CORE_WALLET[method.name] ?? CORE_FAUCET[method.name] ?? (method.category === 'addresses' ? { same: {}, notInCore: INSIGHT } : undefined);
}

/**
 * A wallet method answers only once the wallets have applied every block and transaction the node
 * already announced (Core's BlockUntilSyncedToCurrentChain): a client that mined or sent and then asks
 * for its balance sees the result.
 */
function syncedToChain(method: RpcMethod): RpcMethod['handler'] {
  if (method.category !== 'wallet') return method.handler;
  return async (args, ctx) => {
    await ctx.wallet?.manager.settled();
    return method.handler(args, ctx);
  };
}

export function buildMethodTable(): Map<string, RpcMethod> {
  const table = new Map<string, RpcMethod>();
  for (const group of GROUPS) {
    for (const method of group) {
      if (table.has(method.name)) throw new Error(`duplicate RPC method ${method.name}`);
      table.set(method.name, { ...method, handler: syncedToChain(method), core: coreComparison(method) });
    }
  }
  return table;
}
