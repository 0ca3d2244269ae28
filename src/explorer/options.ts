/** Explorer options and their defaults. */

export interface ExplorerOptions {
  /** Milliseconds a WebSocket session token stays valid (it is also spent by its first use). */
  sessionTtlMs: number;
  /** Unspent tokens kept at once; issuing more forgets the oldest. */
  maxSessions: number;
  /** Milliseconds a one-time sign-in link stays valid (it is also spent by its first use). */
  signInTtlMs: number;
  /** Milliseconds a signed-in browser's session cookie stays valid. */
  cookieTtlMs: number;
  /** Signed-in browser sessions kept at once; more forget the oldest. */
  maxCookieSessions: number;
}

const HOUR_MS = 3_600_000;

export function defaultExplorerOptions(): ExplorerOptions {
  return { sessionTtlMs: 60_000, maxSessions: 64, signInTtlMs: 24 * HOUR_MS, cookieTtlMs: 24 * HOUR_MS, maxCookieSessions: 64 };
}
