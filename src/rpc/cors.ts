/**
 * Cross-origin requests (`--rpc-cors ORIGIN`, repeatable, off by default), for
 * browser wallets on another origin. Without it every request a browser sends
 * from another origin is refused (403), because the browser would attach any
 * Basic credentials it cached for this server. With it, the listed origins get
 * the Fetch standard's CORS answers:
 * - a preflight (OPTIONS with `Access-Control-Request-Method`) is answered 204
 *   with the allowed methods and headers and how long to cache them, before
 *   any credentials are asked for, since browsers send preflights without them;
 * - an actual request gets `Access-Control-Allow-Origin: <its origin>` and
 *   `Access-Control-Allow-Credentials: true` (so a page may send the user's
 *   credentials), on every answer, a 401 included, so the page can read it.
 * `*` allows any origin without credentials (`Access-Control-Allow-Origin: *`):
 * a page must then send its own `Authorization` header. Every answer that
 * depends on the origin says `Vary: Origin`, so no cache serves it to another.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sameOrigin } from './http.js';

/** What the RPC serves to another origin: POST for JSON-RPC, GET for the explorer's files. */
const ALLOWED_METHODS = 'POST, GET, OPTIONS';
const ALLOWED_HEADERS = 'Authorization, Content-Type';
/** Seconds a browser may cache a preflight's answer (Chromium caps it at 7200). */
export const PREFLIGHT_MAX_AGE = 600;

/** How a request stands towards the origin rules. */
export type OriginVerdict = 'same' | 'allowed' | 'refused';

/**
 * The canonical form of an `--rpc-cors` origin (`scheme://host[:port]`,
 * lowercase, no default port, no path), or `*`.
 * @throws RangeError for anything else
 */
export function normalizeOrigin(value: string): string {
  if (value === '*') return value;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RangeError(`"${value}" is not an origin (expected scheme://host[:port], or *)`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw new RangeError(`"${value}" is not an origin (expected http(s)://host[:port] without a path, or *)`);
  }
  return url.origin;
}

export class CorsPolicy {
  private readonly origins: ReadonlySet<string>;
  private readonly any: boolean;

  /** `origins`: already normalized (see {@link normalizeOrigin}). */
  constructor(origins: readonly string[]) {
    this.origins = new Set(origins.filter((o) => o !== '*'));
    this.any = origins.includes('*');
  }

  /** Same origin (or no Origin: not a browser's cross-origin request), an allowed origin, or refused. */
  verdict(req: IncomingMessage): OriginVerdict {
    if (sameOrigin(req)) return 'same';
    const origin = req.headers.origin ?? '';
    return this.any || this.origins.has(origin) ? 'allowed' : 'refused';
  }

  /** Answers a preflight of an allowed origin (true), or leaves a request that is none (false). */
  preflight(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'OPTIONS' || req.headers['access-control-request-method'] === undefined) return false;
    res.writeHead(204, {
      ...this.originHeaders(req),
      'Access-Control-Allow-Methods': ALLOWED_METHODS,
      'Access-Control-Allow-Headers': ALLOWED_HEADERS,
      'Access-Control-Max-Age': String(PREFLIGHT_MAX_AGE),
      Vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
      'Content-Length': 0,
    });
    res.end();
    return true;
  }

  /** Sets the headers an allowed origin's actual request is answered with (before the answer is written). */
  decorate(req: IncomingMessage, res: ServerResponse): void {
    for (const [name, value] of Object.entries(this.originHeaders(req))) res.setHeader(name, value);
    res.setHeader('Vary', 'Origin');
  }

  private originHeaders(req: IncomingMessage): Record<string, string> {
    const origin = req.headers.origin ?? '';
    // A listed origin is echoed (with credentials) even when `*` is also given: the more useful answer.
    if (this.origins.has(origin)) return { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true' };
    return { 'Access-Control-Allow-Origin': '*' };
  }
}
