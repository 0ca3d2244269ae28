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
import { rawtransactionsMethods } from './rawtransactions.js';
import { utilMethods } from './util.js';

const GROUPS = [blockchainMethods, rawtransactionsMethods, mempoolMethods, miningMethods, networkMethods, addressesMethods, utilMethods, chainInfoMethods];

/** A method's comparison with Core (core-chain.ts, core-node.ts); the address methods are the insight dialect's. */
function coreComparison(method: RpcMethod): CoreComparison | undefined {
  return CORE_CHAIN[method.name] ?? CORE_NODE[method.name] ?? (method.category === 'addresses' ? { same: {}, notInCore: INSIGHT } : undefined);
}

export function buildMethodTable(): Map<string, RpcMethod> {
  const table = new Map<string, RpcMethod>();
  for (const group of GROUPS) {
    for (const method of group) {
      if (table.has(method.name)) throw new Error(`duplicate RPC method ${method.name}`);
      table.set(method.name, { ...method, core: coreComparison(method) });
    }
  }
  return table;
}
