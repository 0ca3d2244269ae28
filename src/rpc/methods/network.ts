/** network methods. */
import type { RpcMethod } from '../types.js';

export const networkMethods: RpcMethod[] = [];
