/** The method table: every group's methods, by name. */
import type { RpcMethod } from '../types.js';
import { addressesMethods } from './addresses.js';
import { blockchainMethods } from './blockchain.js';
import { mempoolMethods } from './mempool.js';
import { miningMethods } from './mining.js';
import { networkMethods } from './network.js';
import { rawtransactionsMethods } from './rawtransactions.js';
import { utilMethods } from './util.js';

const GROUPS = [blockchainMethods, rawtransactionsMethods, mempoolMethods, miningMethods, networkMethods, addressesMethods, utilMethods];

export function buildMethodTable(): Map<string, RpcMethod> {
  const table = new Map<string, RpcMethod>();
  for (const group of GROUPS) {
    for (const method of group) {
      if (table.has(method.name)) throw new Error(`duplicate RPC method ${method.name}`);
      table.set(method.name, method);
    }
  }
  return table;
}
