/**
 * Signing in to the explorer without copying the password out of `.cookie`
 * (Jupyter's flow): the node prints a link with a one-time token at start-up;
 * opening it spends the token and sets a session cookie (HttpOnly,
 * SameSite=Strict), then redirects to the clean URL, so the token leaves the
 * address bar and the history. The cookie then authenticates the page, its
 * JSON-RPC calls and its WebSocket. A page loaded with Basic credentials (the
 * browser's prompt, or `http://__cookie__:<pw>@host/`) gets a session cookie
 * too, so its scripts never depend on the browser's handling of those.
 *
 * A session counts only for a same-origin request: the cookie is SameSite,
 * but "site" ignores the port, so a page on another port of the same host
 * would otherwise ride on it (an `--rpc-cors` origin must send credentials).
 */
import type { IncomingMessage } from 'node:http';
import type { ExplorerOptions } from './options.js';
import { SessionTokens } from './sessions.js';

/** Cookie names start with this; the port follows, so nodes on one host keep separate sessions. */
export const SESSION_COOKIE_PREFIX = 'tally_session';

export class SignIn {
  private readonly links: SessionTokens;
  private readonly sessions: SessionTokens;

  constructor(private readonly opts: Pick<ExplorerOptions, 'signInTtlMs' | 'cookieTtlMs' | 'maxCookieSessions'>, now?: () => number) {
    // Few links are outstanding at once: one per start-up, plus any issued since.
    this.links = new SessionTokens(opts.signInTtlMs, 16, now);
    this.sessions = new SessionTokens(opts.cookieTtlMs, opts.maxCookieSessions, now);
  }

  /** A fresh one-time sign-in token, for `<origin>/?token=<token>`. */
  issueLink(): string {
    return this.links.issue().token;
  }

  /** Spends a sign-in token: a new session id, or undefined for a token unknown, spent or expired. */
  redeem(token: string): string | undefined {
    return this.links.consume(token) ? this.sessions.issue().token : undefined;
  }

  /** A new session for a request that proved itself otherwise (Basic credentials). */
  startSession(): string {
    return this.sessions.issue().token;
  }

  /** Whether the request carries a live session cookie and comes from this origin. */
  hasSession(req: IncomingMessage): boolean {
    if (!sameOrigin(req)) return false;
    return sessionCookies(req.headers.cookie).some((id) => this.sessions.isLive(id));
  }

  /** The `Set-Cookie` value that stores `session` for the request's host and port. */
  cookie(req: IncomingMessage, session: string): string {
    const port = /:(\d{1,5})$/.exec(req.headers.host ?? '')?.[1] ?? '';
    const name = `${SESSION_COOKIE_PREFIX}${port ? `_${port}` : ''}`;
    return `${name}=${session}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(this.opts.cookieTtlMs / 1000)}`;
  }
}

/** Values of every cookie named like a session cookie. */
function sessionCookies(header: string | undefined): string[] {
  if (!header) return [];
  const out: string[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim().startsWith(SESSION_COOKIE_PREFIX)) out.push(part.slice(eq + 1).trim());
  }
  return out;
}

/** No Origin (a navigation, a same-origin GET), or this host's: as rpc/http.ts judges it, which an adapter may not import. */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === (req.headers.host ?? '').toLowerCase();
  } catch {
    return false;
  }
}
