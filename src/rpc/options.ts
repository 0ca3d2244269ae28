/** RPC server options and their defaults. */
import type { NetworkParams } from '../consensus/params.js';

export interface RpcOptions {
  /** Address to bind; loopback unless opened deliberately. */
  bind: string;
  port: number;
  /** Client addresses or CIDR ranges allowed besides loopback. */
  allowIp: string[];
  /** Extra credentials besides the cookie. */
  user?: string;
  password?: string;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /** Most requests in one batch. */
  maxBatch: number;
  /** Requests served at once; more get HTTP 503 like Core's full work queue. */
  maxConcurrent: number;
  /** Milliseconds a client may take to send its request. */
  requestTimeoutMs: number;
  /** Bytes a WebSocket subscriber may have queued before it is dropped. */
  maxSubscriberBuffer: number;
}

export function defaultRpcOptions(params: NetworkParams): RpcOptions {
  return {
    bind: '127.0.0.1',
    port: params.defaultRpcPort,
    allowIp: [],
    maxBodyBytes: 16 * 1024 * 1024,
    maxBatch: 1000,
    maxConcurrent: 16,
    requestTimeoutMs: 30_000,
    maxSubscriberBuffer: 4 * 1024 * 1024,
  };
}
