/**
 * The HTTP JSON-RPC server (node:http: one POST endpoint needs no framework).
 * Bitcoin Core's behaviour: Basic auth with the datadir cookie or configured
 * credentials, HTTP 401 without them (after a pause, as Core does, to slow
 * password guessing), JSON-RPC 1.0 and 2.0, batches, and bounds on body size,
 * batch length, concurrency and slow clients; beyond Core, a per-client rate
 * limit (HTTP 429). Browser requests from another origin get 403 unless
 * `--rpc-cors` lists it (cors.ts); an attachment may vouch for a request without
 * Basic credentials (the explorer's session cookie). WebSocket upgrades pass
 * the same gate as requests (upgrade.ts).
 *
 * No request ends the process: the request target is parsed here, once, by a
 * parser that cannot throw (a bad one gets 400), attachments get it parsed, and
 * an exception that escapes a request or an upgrade anyway is logged and
 * answered with 500.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP, BlockList } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { NetworkParams } from '../consensus/params.js';
import type { ChainReader, MempoolReader, NodeControl } from '../node/interface.js';
import type { Logger } from '../util/logger.js';
import { hostPort, netListenError } from '../node/listen-error.js';
import { checkBasicAuth, removeCookie, writeCookie, type Credentials } from './auth.js';
import { handleBody } from './dispatch.js';
import { buildMethodTable } from './methods/index.js';
import type { RpcOptions } from './options.js';
import { RateLimiter } from './rate-limit.js';
import { CredentialRefusals } from './refusals.js';
import type { ServerAttachment } from './attachment.js';
import { errorText, sendPlain, sendRateLimited, sendReply } from './replies.js';
import { CorsPolicy } from './cors.js';
import { addAllowed, clientIp, hasBody, isLoopback, readBody, requestTarget, type RequestTarget } from './http.js';
import { guardUpgrade, type UpgradeGate } from './upgrade.js';
import type { RpcContext, RpcFaucet, RpcMethod, RpcNetwork } from './types.js';
import { walletAccess, type WalletManagerLike } from './wallet-access.js';

export type { ServerAttachment } from './attachment.js';

/**
 * What the server reads of the node (TallyNode satisfies it): its narrow views
 * and controls, handed on to the methods, and where the cookie goes.
 */
export interface RpcNode extends NodeControl {
  readonly config: { readonly network: NetworkParams; readonly datadir: string };
  readonly chain: ChainReader;
  readonly mempool: MempoolReader;
  /** Seconds since the epoch. */
  readonly clock: () => number;
}

export interface RpcModules {
  node: RpcNode;
  p2p?: RpcNetwork;
  logger: Logger;
  /** Called by the `stop` method. */
  requestStop?: () => void;
  /** The node's wallets (absent with --disablewallet). */
  wallets?: WalletManagerLike;
  faucet?: RpcFaucet;
}

export class RpcServer {
  readonly opts: RpcOptions;
  readonly methods: Map<string, RpcMethod>;
  private readonly modules: RpcModules;
  private readonly log: Logger;
  private readonly credentials: Credentials[] = [];
  private readonly allow = new BlockList();
  private readonly active = new Map<number, { method: string; started: number }>();
  private readonly attachments: ServerAttachment[] = [];
  private server?: Server;
  private cookiePath?: string;
  private nextId = 0;
  private inFlight = 0;
  /** performance.now() at start, for uptime. */
  private startedAt = 0;
  private readonly counters = new Map<string, number>();
  private readonly limiter?: RateLimiter;
  private readonly refusals: CredentialRefusals;
  private readonly cors: CorsPolicy;
  private readonly payTxFee = new Map<string, number>();

  constructor(opts: RpcOptions, modules: RpcModules) {
    this.opts = opts;
    this.modules = modules;
    this.log = modules.logger.child({ module: 'rpc' });
    this.methods = buildMethodTable();
    this.refusals = new CredentialRefusals({ delayMs: opts.authFailureDelayMs, onError: (err) => this.log.warn({ err: errorText(err) }, 'refusing credentials failed') });
    if (opts.rateLimit > 0) this.limiter = new RateLimiter({ rate: opts.rateLimit, burst: opts.rateBurst });
    this.allow.addSubnet('127.0.0.0', 8, 'ipv4');
    this.allow.addAddress('::1', 'ipv6');
    for (const entry of opts.allowIp) addAllowed(this.allow, entry);
    this.cors = new CorsPolicy(opts.cors);
  }

  /** Registers a component that shares the HTTP server (WebSocket notifications, the explorer); after start it attaches at once. */
  use(attachment: ServerAttachment): void {
    this.attachments.push(attachment);
    if (this.server) attachment.attach(this.server, (req) => this.authorized(req));
  }

  /** Requests by method and HTTP status since start (metrics). */
  requestCounts(): Map<string, number> {
    return new Map(this.counters);
  }

  get address(): { host: string; port: number } {
    const a = this.server?.address() as AddressInfo | null;
    return { host: a?.address ?? this.opts.bind, port: a?.port ?? this.opts.port };
  }

  /** The context methods run with; `path` picks the wallet (`/wallet/<name>`). */
  context(path = '/'): RpcContext {
    const node = this.modules.node;
    return {
      chain: node.chain,
      mempool: node.mempool,
      control: node,
      clock: node.clock,
      ...(this.modules.p2p ? { p2p: this.modules.p2p } : {}),
      params: node.config.network,
      uptime: () => Math.floor((performance.now() - this.startedAt) / 1000),
      activeCommands: () => [...this.active.values()].map((a) => ({ method: a.method, duration: Math.round((performance.now() - a.started) * 1000) })),
      requestStop: () => this.modules.requestStop?.(),
      methods: this.methods,
      ...(this.modules.wallets ? { wallet: walletAccess(this.modules.wallets, path, this.payTxFee) } : {}),
      ...(this.modules.faucet ? { faucet: this.modules.faucet } : {}),
    };
  }

  async start(): Promise<void> {
    const cookie = writeCookie(this.modules.node.config.datadir);
    this.cookiePath = cookie.path;
    this.credentials.push(cookie);
    if (this.opts.user && this.opts.password) this.credentials.push({ user: this.opts.user, password: this.opts.password });
    this.startedAt = performance.now();
    const server = createServer({
      requestTimeout: this.opts.requestTimeoutMs,
      headersTimeout: Math.min(this.opts.requestTimeoutMs, 20_000),
      // Node checks those timeouts only this often (30 s by default), which would let a slow client stay up to twice as long.
      connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(this.opts.requestTimeoutMs / 2))),
    }, (req, res) => {
      this.onRequest(req, res).catch((err: unknown) => this.requestFailed(res, err));
    });
    server.keepAliveTimeout = 30_000;
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => guardUpgrade(this.upgradeGate(), req, socket, head));
    for (const a of this.attachments) a.attach(server, (req) => this.authorized(req));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.bind, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((err: unknown) => {
      throw netListenError({ service: 'JSON-RPC', address: hostPort(this.opts.bind, this.opts.port), option: '--rpc-port or --rpc-bind' }, err);
    });
    this.server = server;
    this.log.info({ bind: this.address.host, port: this.address.port, cookie: cookie.path }, 'rpc listening');
  }

  async stop(): Promise<void> {
    this.refusals.clear();
    for (const a of this.attachments) await a.close();
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    }
    if (this.cookiePath) removeCookie(this.cookiePath);
  }

  private clientAllowed(req: IncomingMessage): boolean {
    const ip = clientIp(req);
    const family = isIP(ip);
    return family !== 0 && this.allow.check(ip, family === 6 ? 'ipv6' : 'ipv4');
  }

  /** Takes a token from the client's bucket: 0 to go ahead, else the seconds to wait. Loopback passes unless limited too. */
  private rateCheck(req: IncomingMessage): number {
    if (!this.limiter) return 0;
    const ip = clientIp(req);
    if (!this.opts.rateLimitLoopback && isLoopback(ip)) return 0;
    return this.limiter.take(ip, performance.now());
  }

  /** Answers bad credentials after `authFailureDelayMs` (see CredentialRefusals). */
  private refuseCredentials(socket: Duplex, answer: () => void): void {
    this.count('-', 401);
    this.refusals.refuse(socket, answer);
  }

  /** The whole gate for an upgrade: client address, origin (listed --rpc-cors origins pass), credentials. */
  private authorized(req: IncomingMessage, target = requestTarget(req.url)): boolean {
    if (!target || !this.clientAllowed(req) || this.cors.verdict(req) === 'refused') return false;
    return this.hasCredentials(req, target) || this.attachments.some((a) => a.authorizeUpgrade?.(req, target) ?? false);
  }

  /** Basic credentials, or an attachment that vouches for the request (the explorer's session cookie or sign-in link). */
  private hasCredentials(req: IncomingMessage, target: RequestTarget): boolean {
    return checkBasicAuth(req.headers.authorization, this.credentials) || this.attachments.some((a) => a.authorizeRequest?.(req, target) ?? false);
  }

  /** The origin check: 403 for a refused origin, a preflight answered, or CORS headers set for an allowed one. True when answered. */
  private answeredOrigin(req: IncomingMessage, res: ServerResponse): boolean {
    if (this.opts.cors.length > 0) res.setHeader('Vary', 'Origin');
    const verdict = this.cors.verdict(req);
    if (verdict === 'refused') {
      sendPlain(res, 403, 'Cross-origin requests are refused');
      return true;
    }
    if (verdict === 'same') return false;
    if (this.cors.preflight(req, res)) return true;
    this.cors.decorate(req, res);
    return false;
  }

  private count(method: string, status: number): void {
    const key = `${method} ${status}`;
    this.counters.set(key, (this.counters.get(key) ?? 0) + 1);
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.clientAllowed(req)) return sendPlain(res, 403, 'Forbidden');
    const wait = this.rateCheck(req);
    if (wait > 0) {
      this.count('-', 429);
      return sendRateLimited(res, wait);
    }
    const target = requestTarget(req.url);
    if (!target) return this.badTarget(res);
    if (this.answeredOrigin(req, res)) return;
    if (!this.hasCredentials(req, target)) {
      return this.refuseCredentials(req.socket, () => {
        res.setHeader('WWW-Authenticate', 'Basic realm="jsonrpc"');
        // Node would read and discard an unread body to keep the connection: not for an unauthenticated client.
        if (hasBody(req)) res.setHeader('Connection', 'close');
        sendPlain(res, 401, '');
      });
    }
    if (this.attachments.some((a) => a.route?.(req, res, target) ?? false)) return;
    if (req.method !== 'POST') return sendPlain(res, 405, 'JSONRPC server handles only POST requests');
    if (this.inFlight >= this.opts.maxConcurrent) {
      this.count('-', 503);
      return sendPlain(res, 503, 'Work queue depth exceeded');
    }
    this.inFlight++;
    try {
      const body = await readBody(req, this.opts.maxBodyBytes);
      if (body === undefined) return sendPlain(res, 413, 'Request body too large');
      const reply = await handleBody(body, this.context(target.path), this.opts.maxBatch, (method) => this.track(method));
      const { method, status } = sendReply(res, body, reply);
      this.count(method, status);
    } finally {
      this.inFlight--;
    }
  }

  /**
   * Where an exception that escaped a request ends (a reply too deep to
   * serialize, a bug in an attachment): a 500, or a closed connection once the
   * answer has begun. It must not reach the event loop, which would end the process.
   */
  private requestFailed(res: ServerResponse, err: unknown): void {
    this.count('-', 500);
    this.log.warn({ err: errorText(err) }, 'rpc request failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    try {
      sendPlain(res, 500, 'Internal error');
    } catch {
      res.destroy();
    }
  }

  private badTarget(res: ServerResponse): void {
    this.count('-', 400);
    sendPlain(res, 400, 'Bad request target');
  }

  private upgradeGate(): UpgradeGate {
    return {
      attachments: this.attachments, log: this.log,
      clientAllowed: (req) => this.clientAllowed(req), rateCheck: (req) => this.rateCheck(req), authorized: (req, target) => this.authorized(req, target),
      count: (method, status) => this.count(method, status), refuseCredentials: (socket, answer) => this.refuseCredentials(socket, answer),
    };
  }

  private track(method: string): () => void {
    const id = this.nextId++;
    this.active.set(id, { method, started: performance.now() });
    return () => this.active.delete(id);
  }
}
