/** mempool methods. */
import type { RpcMethod } from '../types.js';

export const mempoolMethods: RpcMethod[] = [];
