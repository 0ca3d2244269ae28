/**
 * The block explorer: a static page served on the RPC port that reads the node
 * only through its public interfaces, the JSON-RPC (same-origin `fetch`, which
 * reuses the Basic credentials the browser prompted for) and the `/ws`
 * notifications. Every route is behind the RPC's own authorization: the
 * server answers 401 before an attachment sees the request.
 *
 * Routes (GET and HEAD):
 * - `/`, `/explorer/`: the page (hash routes: `#/block/<hash>`, `#/tx/<txid>`, `#/address/<addr>`, `#/mempool`, `#/peers`, `#/chain`)
 * - `/explorer/<file>`: its scripts, style and icon
 * - `/explorer/session` (GET): `{ token, expires }`, a single-use token for `ws://<host>/ws?token=<token>`,
 *   because browsers do not reliably send Basic credentials with a WebSocket upgrade
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Logger } from '../util/logger.js';
import { defaultExplorerOptions, type ExplorerOptions } from './options.js';
import { SessionTokens } from './sessions.js';
import { loadStaticFiles, type StaticFile } from './static-files.js';

export const EXPLORER_PATH = '/explorer/';
export const SESSION_PATH = `${EXPLORER_PATH}session`;

export interface ExplorerModules {
  logger: Logger;
  /** The page's files by name (default: read from the static folder). */
  files?: Map<string, StaticFile>;
  /** The clock session tokens expire by (default `Date.now`). */
  now?: () => number;
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
  private readonly log: Logger;

  constructor(opts: ExplorerOptions = defaultExplorerOptions(), modules: ExplorerModules) {
    this.files = modules.files ?? loadStaticFiles();
    this.sessions = new SessionTokens(opts.sessionTtlMs, opts.maxSessions, modules.now);
    this.log = modules.logger.child({ module: 'explorer' });
  }

  /** Requests reach the explorer through {@link route}; nothing to hook on the server itself. */
  attach(_server: Server, _authorize: (req: IncomingMessage) => boolean): void {
    this.log.info({ files: this.files.size }, 'explorer serving at / and /explorer/');
  }

  async close(): Promise<void> {}

  /** Serves an authorized GET or HEAD of one of the explorer's paths; false for anything else. */
  route(req: IncomingMessage, res: ServerResponse, { path }: ParsedTarget): boolean {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (path === '/explorer') {
      res.writeHead(308, { Location: EXPLORER_PATH, 'Content-Length': 0 });
      res.end();
      return true;
    }
    if (path === '/' || path === EXPLORER_PATH) return this.serve(req, res, this.files.get('index.html')!);
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
