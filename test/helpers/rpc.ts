/**
 * A real node with its JSON-RPC server on 127.0.0.1 (OS-chosen port) in this
 * process, and a minimal client that speaks raw HTTP to it, for RPC tests.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { TallyNode } from '../../src/node/node.js';
import { resolveConfig } from '../../src/node/config.js';
import { RpcServer } from '../../src/rpc/server.js';
import { Notifier } from '../../src/rpc/notifications.js';
import type { EventLogLimits } from '../../src/rpc/event-log.js';
import { defaultRpcOptions, type RpcOptions } from '../../src/rpc/options.js';
import { P2PService } from '../../src/network/network.js';
import { defaultP2POptions, type P2POptions } from '../../src/network/options.js';

export interface RpcTestNode {
  node: TallyNode;
  rpc: RpcServer;
  notifier: Notifier;
  /** The p2p service started by the `withP2P` option (or the one passed as `p2p`). */
  p2p?: P2PService;
  url: string;
  /** `__cookie__:<password>` */
  cookie: string;
  /** Calls a method; resolves to the parsed JSON-RPC response body and HTTP status. */
  call(method: string, params?: unknown, opts?: { auth?: string | null; version2?: boolean }): Promise<{ status: number; body: { result?: unknown; error?: { code: number; message: string } | null; id?: unknown } }>;
  /** Calls a method and returns its result, throwing on an RPC error. */
  result<T = unknown>(method: string, ...params: unknown[]): Promise<T>;
  /** Sends raw bytes as the body. */
  raw(body: string, headers?: Record<string, string>): Promise<{ status: number; text: string }>;
  stop(): Promise<void>;
}

export interface StartRpcNodeOptions {
  rpc?: Partial<RpcOptions>;
  /** A p2p service to serve network methods with (it needs the node, so it cannot be built before this call; see `withP2P`). */
  p2p?: P2PService;
  /** Builds, starts (on 127.0.0.1, an OS-chosen port) and stops a p2p service for the node with these options. */
  withP2P?: Partial<P2POptions>;
  /** How many notifications the notifier keeps for resumes (its default otherwise). */
  eventLog?: EventLogLimits;
}

export async function startRpcNode(datadir: string, opts: StartRpcNodeOptions = {}): Promise<RpcTestNode> {
  mkdirSync(datadir, { recursive: true });
  const config = resolveConfig({ network: 'regtest', datadir, options: { 'miner-threads': ['0'] } });
  const logger = pino({ level: 'silent' });
  const node = new TallyNode(config, { logger });
  await node.start();
  const ownP2P = opts.withP2P
    ? new P2PService({ ...defaultP2POptions(config.network), listen: ['/ip4/127.0.0.1/tcp/0'], statusIntervalSeconds: 2, requestTimeoutMs: 5_000, ...opts.withP2P }, { node, logger })
    : undefined;
  await ownP2P?.start();
  const p2p = ownP2P ?? opts.p2p;
  const rpcOpts = { ...defaultRpcOptions(config.network), port: 0, ...opts.rpc };
  const rpc = new RpcServer(rpcOpts, { node, ...(p2p ? { p2p } : {}), logger });
  const notifier = new Notifier({ node, logger, maxBuffer: rpcOpts.maxSubscriberBuffer, ...(opts.eventLog ? { eventLog: opts.eventLog } : {}) });
  rpc.use(notifier);
  await rpc.start();
  const url = `http://127.0.0.1:${rpc.address.port}/`;
  const cookie = readFileSync(join(datadir, '.cookie'), 'utf8');
  const raw = async (body: string, headers: Record<string, string> = {}) => {
    const res = await fetch(url, { method: 'POST', body, headers: { authorization: `Basic ${Buffer.from(cookie).toString('base64')}`, ...headers } });
    return { status: res.status, text: await res.text() };
  };
  const call: RpcTestNode['call'] = async (method, params = [], o = {}) => {
    const headers: Record<string, string> = {};
    const auth = o.auth === undefined ? cookie : o.auth;
    if (auth !== null) headers.authorization = `Basic ${Buffer.from(auth).toString('base64')}`;
    const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ ...(o.version2 ? { jsonrpc: '2.0' } : {}), method, params, id: 1 }) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : {} };
  };
  const result = async <T>(method: string, ...params: unknown[]): Promise<T> => {
    const r = await call(method, params);
    if (r.body.error) throw Object.assign(new Error(r.body.error.message), { code: r.body.error.code });
    return r.body.result as T;
  };
  return {
    node, rpc, notifier, ...(p2p ? { p2p } : {}), url, cookie, call, result, raw,
    stop: async () => {
      await rpc.stop();
      await ownP2P?.stop();
      await node.stop();
    },
  };
}
