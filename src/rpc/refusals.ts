/**
 * Delayed answers to bad credentials. Core sleeps a worker thread before its
 * 401 to slow password guessing; here a timer waits instead, so nothing else
 * is held up, and the number waiting at once is bounded.
 */
import type { Duplex } from 'node:stream';

/** Delayed refusals of bad credentials waiting at once; beyond this a guesser's connection is closed unanswered. */
const MAX_PENDING_REFUSALS = 256;

export interface RefusalOptions {
  /** How long a refusal waits (authFailureDelayMs); 0 answers at once. */
  delayMs: number;
  /** An answer threw: it ran in a timer, outside any request's guard. */
  onError: (err: unknown) => void;
}

export class CredentialRefusals {
  /** Refusals waiting out the delay, with the socket to close at stop. */
  private readonly pending = new Map<NodeJS.Timeout, Duplex>();

  constructor(private readonly opts: RefusalOptions) {}

  /**
   * Runs `answer` after the delay. Past MAX_PENDING_REFUSALS waiting at once the
   * connection is closed unanswered: a guesser gains nothing by opening more
   * connections, and the waiting ones stay bounded.
   */
  refuse(socket: Duplex, answer: () => void): void {
    if (this.opts.delayMs <= 0) return answer();
    if (this.pending.size >= MAX_PENDING_REFUSALS) {
      socket.destroy();
      return;
    }
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      try {
        answer();
      } catch (err) {
        // Out of any request's guard here: an exception in a timer would end the process.
        this.opts.onError(err);
        socket.destroy();
      }
    }, this.opts.delayMs);
    this.pending.set(timer, socket);
  }

  /** Drops every waiting refusal and closes its connection (server stop). */
  clear(): void {
    for (const [timer, socket] of this.pending) {
      clearTimeout(timer);
      socket.destroy();
    }
    this.pending.clear();
  }
}
