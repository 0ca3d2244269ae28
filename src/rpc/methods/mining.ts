/** mining methods. */
import type { RpcMethod } from '../types.js';

export const miningMethods: RpcMethod[] = [];
