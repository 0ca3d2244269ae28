/**
 * The HTTP JSON-RPC server (node:http: one POST endpoint needs no framework).
 * Bitcoin Core's behaviour: Basic auth with the datadir cookie or configured
 * credentials, HTTP 401 without them (after a pause, as Core does, to slow
 * password guessing), JSON-RPC 1.0 and 2.0, batches, and bounds on body size,
 * batch length, concurrency and slow clients; beyond Core, a per-client rate
 * limit (HTTP 429). WebSocket upgrades pass the same gate as requests.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP, BlockList } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TallyNode } from '../node/node.js';
import type { NodeLogger } from '../node/logging.js';
import { checkBasicAuth, removeCookie, writeCookie, type Credentials } from './auth.js';
import { handleBody } from './dispatch.js';
import { RPC } from './errors.js';
import { buildMethodTable } from './methods/index.js';
import type { RpcOptions } from './options.js';
import { RateLimiter } from './rate-limit.js';
import { addAllowed, clientIp, hasBody, isLoopback, refuseUpgrade, retryAfterSeconds, sameOrigin } from './http.js';
import type { RpcContext, RpcMethod, RpcNetwork } from './types.js';

export interface RpcModules {
  node: TallyNode;
  p2p?: RpcNetwork;
  logger: NodeLogger;
  /** Called by the `stop` method. */
  requestStop?: () => void;
}

/** Delayed refusals of bad credentials waiting at once; beyond this a guesser's connection is closed unanswered. */
const MAX_PENDING_REFUSALS = 256;

/** Something that wants the raw HTTP server (the WebSocket notifier, the explorer). */
export interface ServerAttachment {
  attach(server: Server, authorize: (req: IncomingMessage) => boolean): void;
  /** Answers an authorized non-POST request it serves (true); false leaves it to the server (405). */
  route?(req: IncomingMessage, res: ServerResponse): boolean;
  /**
   * Takes an authorized, rate-checked WebSocket upgrade for one of its paths (true);
   * false leaves it to the others (404). The server owns the `upgrade` event, so
   * every upgrade passes the same checks as a request.
   */
  upgrade?(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Vouches for a WebSocket upgrade that has no Basic credentials (a browser's session token); the client address and origin are still checked. */
  authorizeUpgrade?(req: IncomingMessage): boolean;
  close(): Promise<void>;
}

export class RpcServer {
  readonly opts: RpcOptions;
  readonly methods: Map<string, RpcMethod>;
  private readonly modules: RpcModules;
  private readonly log: NodeLogger;
  private readonly credentials: Credentials[] = [];
  private readonly allow = new BlockList();
  private readonly active = new Map<number, { method: string; started: number }>();
  private readonly attachments: ServerAttachment[] = [];
  private server?: Server;
  private cookiePath?: string;
  private nextId = 0;
  private inFlight = 0;
  private startedAt = 0;
  private readonly counters = new Map<string, number>();
  private readonly limiter?: RateLimiter;
  /** Refusals of bad credentials waiting out `authFailureDelayMs`, with the socket to close at stop. */
  private readonly pendingRefusals = new Map<NodeJS.Timeout, Duplex>();

  constructor(opts: RpcOptions, modules: RpcModules) {
    this.opts = opts;
    this.modules = modules;
    this.log = modules.logger.child({ module: 'rpc' });
    this.methods = buildMethodTable();
    if (opts.rateLimit > 0) this.limiter = new RateLimiter({ rate: opts.rateLimit, burst: opts.rateBurst });
    this.allow.addSubnet('127.0.0.0', 8, 'ipv4');
    this.allow.addAddress('::1', 'ipv6');
    for (const entry of opts.allowIp) addAllowed(this.allow, entry);
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

  /** The context methods run with. */
  context(): RpcContext {
    return {
      node: this.modules.node,
      ...(this.modules.p2p ? { p2p: this.modules.p2p } : {}),
      params: this.modules.node.config.network,
      startedAt: this.startedAt,
      activeCommands: () => [...this.active.values()].map((a) => ({ method: a.method, duration: Math.round((performance.now() - a.started) * 1000) })),
      requestStop: () => this.modules.requestStop?.(),
      methods: this.methods,
    };
  }

  async start(): Promise<void> {
    const cookie = writeCookie(this.modules.node.config.datadir);
    this.cookiePath = cookie.path;
    this.credentials.push(cookie);
    if (this.opts.user && this.opts.password) this.credentials.push({ user: this.opts.user, password: this.opts.password });
    this.startedAt = Math.floor(Date.now() / 1000);
    const server = createServer({
      requestTimeout: this.opts.requestTimeoutMs,
      headersTimeout: Math.min(this.opts.requestTimeoutMs, 20_000),
      // Node checks those timeouts only this often (30 s by default), which would let a slow client stay up to twice as long.
      connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(this.opts.requestTimeoutMs / 2))),
    }, (req, res) => void this.onRequest(req, res));
    server.keepAliveTimeout = 30_000;
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head));
    for (const a of this.attachments) a.attach(server, (req) => this.authorized(req));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.bind, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.log.info({ bind: this.address.host, port: this.address.port, cookie: cookie.path }, 'rpc listening');
  }

  async stop(): Promise<void> {
    for (const [timer, socket] of this.pendingRefusals) {
      clearTimeout(timer);
      socket.destroy();
    }
    this.pendingRefusals.clear();
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

  /**
   * Answers bad credentials after `authFailureDelayMs` without holding anything
   * else up (a timer, not a sleeping worker as in Core). Past MAX_PENDING_REFUSALS
   * waiting at once the connection is closed unanswered: a guesser gains nothing
   * by opening more connections, and the waiting ones stay bounded.
   */
  private refuseCredentials(socket: Duplex, answer: () => void): void {
    this.count('-', 401);
    if (this.opts.authFailureDelayMs <= 0) return answer();
    if (this.pendingRefusals.size >= MAX_PENDING_REFUSALS) {
      socket.destroy();
      return;
    }
    const timer = setTimeout(() => {
      this.pendingRefusals.delete(timer);
      answer();
    }, this.opts.authFailureDelayMs);
    this.pendingRefusals.set(timer, socket);
  }

  private authorized(req: IncomingMessage): boolean {
    if (!this.clientAllowed(req) || !sameOrigin(req)) return false;
    return checkBasicAuth(req.headers.authorization, this.credentials) || this.attachments.some((a) => a.authorizeUpgrade?.(req) ?? false);
  }

  private count(method: string, status: number): void {
    const key = `${method} ${status}`;
    this.counters.set(key, (this.counters.get(key) ?? 0) + 1);
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.clientAllowed(req)) return this.plain(res, 403, 'Forbidden');
    const wait = this.rateCheck(req);
    if (wait > 0) return this.tooManyRequests(res, wait);
    if (!sameOrigin(req)) return this.plain(res, 403, 'Cross-origin requests are refused');
    if (!checkBasicAuth(req.headers.authorization, this.credentials)) {
      return this.refuseCredentials(req.socket, () => {
        res.setHeader('WWW-Authenticate', 'Basic realm="jsonrpc"');
        // Node would read and discard an unread body to keep the connection: not for an unauthenticated client.
        if (hasBody(req)) res.setHeader('Connection', 'close');
        this.plain(res, 401, '');
      });
    }
    if (req.method !== 'POST') {
      if (this.attachments.some((a) => a.route?.(req, res) ?? false)) return;
      return this.plain(res, 405, 'JSONRPC server handles only POST requests');
    }
    if (this.inFlight >= this.opts.maxConcurrent) {
      this.count('-', 503);
      return this.plain(res, 503, 'Work queue depth exceeded');
    }
    this.inFlight++;
    try {
      const body = await this.readBody(req);
      if (body === undefined) return this.plain(res, 413, 'Request body too large');
      const reply = await handleBody(body, this.context(), this.opts.maxBatch, (method) => this.track(method));
      const status = reply.errorCode === undefined || reply.version2 ? (reply.errorCode === RPC.PARSE_ERROR ? 500 : 200) : httpStatusFor(reply.errorCode);
      const method = Array.isArray(reply.body) ? 'batch' : String((safeMethod(body)) ?? '-');
      this.count(method, status);
      const text = JSON.stringify(reply.body, bigintReplacer);
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'rpc request failed');
      if (!res.headersSent) this.plain(res, 500, 'Internal error');
    } finally {
      this.inFlight--;
    }
  }

  /**
   * The server's half of a WebSocket upgrade: client address, rate, origin and
   * credentials (Basic, or an attachment's token), then the attachment that
   * serves the path. A cross-site upgrade gets 401 like a missing credential.
   */
  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined);
    if (!this.clientAllowed(req)) return refuseUpgrade(socket, 403, 'Forbidden');
    const wait = this.rateCheck(req);
    if (wait > 0) {
      this.count('-', 429);
      return refuseUpgrade(socket, 429, 'Too Many Requests', { 'Retry-After': String(retryAfterSeconds(wait)) });
    }
    if (!this.authorized(req)) {
      return this.refuseCredentials(socket, () => refuseUpgrade(socket, 401, 'Unauthorized', { 'WWW-Authenticate': 'Basic realm="jsonrpc"' }));
    }
    if (this.attachments.some((a) => a.upgrade?.(req, socket, head) ?? false)) return;
    refuseUpgrade(socket, 404, 'Not Found');
  }

  /** HTTP 429 with a JSON-RPC error body (so JSON-RPC clients show a coded error) and Retry-After. */
  private tooManyRequests(res: ServerResponse, waitSeconds: number): void {
    this.count('-', 429);
    const seconds = retryAfterSeconds(waitSeconds);
    const text = JSON.stringify({ result: null, error: { code: RPC.LIMIT_EXCEEDED, message: `Rate limit exceeded: retry after ${seconds} s` }, id: null });
    // Close: the unread body is not worth reading, and a flooder must reconnect.
    res.writeHead(429, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Retry-After': String(seconds), Connection: 'close' });
    res.end(text);
  }

  private track(method: string): () => void {
    const id = this.nextId++;
    this.active.set(id, { method, started: performance.now() });
    return () => this.active.delete(id);
  }

  /** The body as text, or undefined when it exceeds the size limit (the rest is not read). */
  private readBody(req: IncomingMessage): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > this.opts.maxBodyBytes) {
        resolve(undefined);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > this.opts.maxBodyBytes) {
          // Stop reading but keep the socket: destroying it here would lose the 413 (sent with Connection: close).
          req.removeAllListeners('data');
          req.pause();
          resolve(undefined);
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });
  }

  private plain(res: ServerResponse, status: number, text: string): void {
    res.writeHead(status, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text), ...(status === 413 ? { Connection: 'close' } : {}) });
    res.end(text);
  }
}

/** Core's legacy (JSON-RPC 1.0) HTTP statuses for a failed single request. */
function httpStatusFor(code: number): number {
  if (code === RPC.INVALID_REQUEST) return 400;
  if (code === RPC.METHOD_NOT_FOUND) return 404;
  return 500;
}

function safeMethod(body: string): unknown {
  try {
    return (JSON.parse(body) as { method?: unknown }).method;
  } catch {
    return undefined;
  }
}

/** Amounts and work are bigints internally; JSON gets numbers (or strings when too large to be exact). */
export function bigintReplacer(_key: string, value: unknown): unknown {
  if (typeof value !== 'bigint') return value;
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
}
