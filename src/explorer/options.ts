/** Explorer options and their defaults. */

export interface ExplorerOptions {
  /** Milliseconds a WebSocket session token stays valid (it is also spent by its first use). */
  sessionTtlMs: number;
  /** Unspent tokens kept at once; issuing more forgets the oldest. */
  maxSessions: number;
}

export function defaultExplorerOptions(): ExplorerOptions {
  return { sessionTtlMs: 60_000, maxSessions: 64 };
}
