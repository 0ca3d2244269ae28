/**
 * Bytes in flight while serving blocks: read from the database but not yet
 * handed to the peer's connection. A peer that stops reading leaves what it
 * asked for in our memory, so the bytes held for one peer and for all peers
 * together are bounded; a request over the bound waits (holding nothing but
 * the request) until earlier blocks have gone out, or until it is aborted.
 *
 * Waiters are served in order, skipping those that do not fit yet, so one
 * peer at its own bound does not hold up the others. A lease larger than a
 * bound is granted when nothing is in flight under that bound: every block
 * can be served, one at a time.
 */

export interface ServeBudgetLimits {
  /** Bytes in flight for one peer, at most. */
  perPeer: number;
  /** Bytes in flight for all peers together, at most. */
  total: number;
}

/** Bytes held until released; idempotent release. */
export interface Lease {
  readonly bytes: number;
  /** Holds `bytes` instead (a reservation made before the size was known, set to the size). */
  resize(bytes: number): void;
  release(): void;
}

interface Waiter {
  peer: string;
  bytes: number;
  grant: (lease: Lease) => void;
}

export class ServeBudget {
  private held = 0;
  private readonly byPeer = new Map<string, number>();
  private readonly waiters: Waiter[] = [];

  constructor(readonly limits: ServeBudgetLimits) {
    if (!(limits.perPeer > 0) || !(limits.total > 0)) throw new RangeError('serve budget: the limits must be positive');
  }

  /** Bytes in flight for all peers. */
  get inFlight(): number {
    return this.held;
  }

  /** Bytes in flight for `peer`. */
  inFlightOf(peer: string): number {
    return this.byPeer.get(peer) ?? 0;
  }

  /** Requests waiting for room. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Whether `bytes` more for `peer` fit now. */
  fits(peer: string, bytes: number): boolean {
    const mine = this.inFlightOf(peer);
    return (mine === 0 || mine + bytes <= this.limits.perPeer) && (this.held === 0 || this.held + bytes <= this.limits.total);
  }

  /** A lease of `bytes` for `peer` at once, or undefined when it does not fit (or others wait first). */
  tryAcquire(peer: string, bytes: number): Lease | undefined {
    if (this.waiters.some((w) => w.peer === peer) || !this.fits(peer, bytes)) return undefined;
    return this.grant(peer, bytes);
  }

  /** A lease of `bytes` for `peer`, once it fits; rejects with `signal.reason` when `signal` fires first. */
  acquire(peer: string, bytes: number, signal: AbortSignal): Promise<Lease> {
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    const now = this.tryAcquire(peer, bytes);
    if (now) return Promise.resolve(now);
    return new Promise<Lease>((resolve, reject) => {
      const onAbort = () => {
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
        reject(signal.reason as Error);
      };
      const waiter: Waiter = {
        peer,
        bytes,
        grant: (lease) => {
          signal.removeEventListener('abort', onAbort);
          resolve(lease);
        },
      };
      this.waiters.push(waiter);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private grant(peer: string, bytes: number): Lease {
    let current = 0;
    let released = false;
    const set = (n: number) => {
      this.add(peer, n - current);
      current = n;
    };
    set(bytes);
    return {
      get bytes() {
        return current;
      },
      resize: (n: number) => {
        if (released) return;
        set(n);
        this.wake();
      },
      release: () => {
        if (released) return;
        set(0);
        released = true;
        this.wake();
      },
    };
  }

  private add(peer: string, delta: number): void {
    this.held += delta;
    const mine = this.inFlightOf(peer) + delta;
    if (mine > 0) this.byPeer.set(peer, mine);
    else this.byPeer.delete(peer);
  }

  /** Grants every waiter that fits now, in order; a peer's later waiters stay behind its first. */
  private wake(): void {
    const blocked = new Set<string>();
    for (let i = 0; i < this.waiters.length; ) {
      const w = this.waiters[i]!;
      if (blocked.has(w.peer) || !this.fits(w.peer, w.bytes)) {
        blocked.add(w.peer);
        i++;
        continue;
      }
      this.waiters.splice(i, 1);
      w.grant(this.grant(w.peer, w.bytes));
    }
  }
}
