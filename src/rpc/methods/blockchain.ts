/** blockchain methods. */
import type { RpcMethod } from '../types.js';

export const blockchainMethods: RpcMethod[] = [];
