/** rawtransactions methods. */
import type { RpcMethod } from '../types.js';

export const rawtransactionsMethods: RpcMethod[] = [];
