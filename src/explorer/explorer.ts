/**
 * The block explorer: a static page served on the RPC port that reads the node
 * only through its public interfaces, the JSON-RPC (same-origin `fetch`, with
 * the session cookie or the Basic credentials the browser prompted for) and the
 * `/ws` notifications. Every route is behind the RPC's own authorization: the
 * server answers 401 before an attachment sees the request, unless the
 * explorer vouches for it (a session cookie or a sign-in link, sign-in.ts).
 *
 * Routes (GET and HEAD):
 * - `/`, `/explorer/`: the page (hash routes: `#/block/<hash>`, `#/tx/<txid>`, `#/address/<addr>`, `#/blocks`, `#/mempool`, `#/peers`, `#/chain`);
 *   with `?token=<sign-in token>`, a 303 to the same path that sets the session cookie
 * - `/explorer/<file>`: its scripts, style and icon
 * - `/faucet`, `/faucet/info`, `/faucet/request` (POST): the public faucet, with `--faucet` (faucet-route.ts)
 * - `/explorer/session` (GET): `{ token, expires }`, a single-use token for `ws://<host>/ws?token=<token>`,
 *   because browsers do not reliably send Basic credentials with a WebSocket upgrade
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Logger } from '../util/logger.js';
import { FaucetRoutes, type FaucetRouteOptions } from './faucet-route.js';
import { defaultExplorerOptions, type ExplorerOptions } from './options.js';
import { SessionTokens } from './sessions.js';
import { SignIn } from './sign-in.js';
import { loadStaticFiles, type StaticFile } from './static-files.js';

export const EXPLORER_PATH = '/explorer/';
export const SESSION_PATH = `${EXPLORER_PATH}session`;

export interface ExplorerModules {
  logger: Logger;
  /** The page's files by name (default: read from the static folder). */
  files?: Map<string, StaticFile>;
  /** The clock session tokens expire by (default `Date.now`). */
  now?: () => number;
  /** The faucet (`--faucet`): its public page and endpoints at /faucet (faucet-route.ts). */
  faucet?: FaucetRouteOptions;
}

/**
 * A request target as the RPC server hands it over, already parsed (see
 * `requestTarget` in rpc/http.ts): the explorer never parses a raw target,
 * which for `//` or `//[` would throw.
 */
export interface ParsedTarget {
  path: string;
  query: URLSearchParams;
}

/** A host header as it may appear in a Content-Security-Policy source (anything else falls back to 'self'). */
const HOST_SOURCE = /^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/i;

export class Explorer {
  private readonly files: Map<string, StaticFile>;
  private readonly sessions: SessionTokens;
  private readonly signIn: SignIn;
  /** Sign-in links spent by {@link authorizeRequest}, for {@link route} to answer with their session. */
  private readonly signingIn = new WeakMap<IncomingMessage, string>();
  private readonly log: Logger;
  private readonly faucet?: FaucetRoutes;

  constructor(opts: ExplorerOptions = defaultExplorerOptions(), modules: ExplorerModules) {
    this.files = modules.files ?? loadStaticFiles();
    this.sessions = new SessionTokens(opts.sessionTtlMs, opts.maxSessions, modules.now);
    this.signIn = new SignIn(opts, modules.now);
    this.log = modules.logger.child({ module: 'explorer' });
    if (modules.faucet) this.faucet = new FaucetRoutes(modules.faucet, this.log);
  }

  /** Requests reach the explorer through {@link route}; nothing to hook on the server itself. */
  attach(_server: Server, _authorize: (req: IncomingMessage) => boolean): void {
    this.log.info({ files: this.files.size }, 'explorer serving at / and /explorer/');
  }

  async close(): Promise<void> {}

  /** A one-time sign-in link to the page at `origin` (`http://host:port`), as printed at start-up. */
  signInLink(origin: string): string {
    return `${origin}/?token=${this.signIn.issueLink()}`;
  }

  /**
   * Vouches for a request without Basic credentials: one with a live session cookie
   * (same origin only), or a GET of the page with an unspent sign-in token, which it spends.
   */
  authorizeRequest(req: IncomingMessage, { path, query }: ParsedTarget): boolean {
    if (this.signIn.hasSession(req) || this.faucet?.isPublic(req, path)) return true;
    const token = query.get('token');
    if (!token || req.method !== 'GET' || !isPagePath(path)) return false;
    const session = this.signIn.redeem(token);
    if (session) this.signingIn.set(req, session);
    return session !== undefined;
  }

  /** Serves an authorized GET or HEAD of one of the explorer's paths, or the faucet's POST; false for anything else. */
  route(req: IncomingMessage, res: ServerResponse, { path, query }: ParsedTarget): boolean {
    if (this.faucet?.route(req, res, path, () => this.serve(req, res, this.files.get('faucet.html')!))) return true;
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (path === '/explorer') {
      res.writeHead(308, { Location: EXPLORER_PATH, 'Content-Length': 0 });
      res.end();
      return true;
    }
    if (isPagePath(path)) return this.servePage(req, res, path, query);
    if (!path.startsWith(EXPLORER_PATH)) return false;
    if (path === SESSION_PATH && req.method === 'GET') return this.issueSession(res);
    // A plain map lookup: names with '/' or '..' are simply not there.
    const file = this.files.get(path.slice(EXPLORER_PATH.length));
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain', 'Content-Length': 9 });
      res.end('Not Found');
      return true;
    }
    return this.serve(req, res, file);
  }

  /** Admits a WebSocket upgrade carrying a valid `?token=` (and spends it). */
  authorizeUpgrade(_req: IncomingMessage, { query }: ParsedTarget): boolean {
    const token = query.get('token');
    return token !== null && token !== '' && this.sessions.consume(token);
  }

  /**
   * The page. A sign-in link (already spent by authorizeRequest, or spent here when the
   * request also had Basic credentials) redirects to the clean URL with the session
   * cookie; a page loaded without a session gets one, so its scripts need no Basic credentials.
   */
  private servePage(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): boolean {
    const token = query.get('token');
    if (token !== null) {
      // Only a GET spends a link: a HEAD (a link checker's) leaves it for the browser.
      const session = this.signingIn.get(req) ?? (req.method === 'GET' ? this.signIn.redeem(token) : undefined);
      res.writeHead(303, { ...securityHeaders(), Location: path, 'Cache-Control': 'no-store', 'Content-Length': 0, ...(session ? { 'Set-Cookie': this.signIn.cookie(req, session) } : {}) });
      res.end();
      return true;
    }
    if (!this.signIn.hasSession(req)) res.setHeader('Set-Cookie', this.signIn.cookie(req, this.signIn.startSession()));
    return this.serve(req, res, this.files.get('index.html')!);
  }

  private issueSession(res: ServerResponse): boolean {
    const { token, expiresAt } = this.sessions.issue();
    const text = JSON.stringify({ token, expires: Math.floor(expiresAt / 1000) });
    res.writeHead(200, { ...securityHeaders(), 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
    res.end(text);
    return true;
  }

  private serve(req: IncomingMessage, res: ServerResponse, file: StaticFile): boolean {
    const headers: Record<string, string | number> = { ...securityHeaders(req.headers.host), 'Cache-Control': 'no-cache', ETag: file.etag };
    if (req.headers['if-none-match'] === file.etag) {
      res.writeHead(304, headers);
      res.end();
      return true;
    }
    res.writeHead(200, { ...headers, 'Content-Type': file.type, 'Content-Length': file.body.length });
    res.end(req.method === 'HEAD' ? undefined : file.body);
    return true;
  }
}

function isPagePath(path: string): boolean {
  return path === '/' || path === EXPLORER_PATH;
}

/** The page runs only its own scripts and talks only to this server (RPC by fetch, notifications by WebSocket). */
function securityHeaders(host?: string): Record<string, string> {
  const ws = host && HOST_SOURCE.test(host) ? ` ws://${host} wss://${host}` : '';
  return {
    'Content-Security-Policy': `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'${ws}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}
