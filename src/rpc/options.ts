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
  /**
   * Requests per second each client address may make (a token bucket refilled at
   * this rate); 0 turns the limit off. Every request counts, answered or refused,
   * authenticated or not, WebSocket upgrades included; a batch counts once.
   */
  rateLimit: number;
  /** Requests a client may make at once before `rateLimit` applies (the bucket size). */
  rateBurst: number;
  /**
   * Whether loopback clients are limited too. Off by default: a local client can
   * read the cookie and stop the node anyway, and local indexers need speed. Turn it
   * on behind a reverse proxy on the same machine, where every client is loopback.
   */
  rateLimitLoopback: boolean;
  /** Milliseconds before answering a request with bad credentials (Core waits 250 ms), to slow password guessing. */
  authFailureDelayMs: number;
  /**
   * Origins (`scheme://host[:port]`, normalized; `*` for any) whose browser pages may call
   * the RPC (`--rpc-cors`, see cors.ts). Empty by default: cross-origin requests get 403.
   */
  cors: string[];
}

/** Requests per second and burst per client address by default: see {@link RpcOptions.rateLimit}. */
export const DEFAULT_RATE_LIMIT = 100;
export const DEFAULT_RATE_BURST = 200;

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
    rateLimit: DEFAULT_RATE_LIMIT,
    rateBurst: DEFAULT_RATE_BURST,
    rateLimitLoopback: false,
    authFailureDelayMs: 250,
    cors: [],
  };
}
