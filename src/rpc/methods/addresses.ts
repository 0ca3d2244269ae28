/** addresses methods. */
import type { RpcMethod } from '../types.js';

export const addressesMethods: RpcMethod[] = [];
