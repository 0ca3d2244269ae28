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
 *
 * A peer that never reads would otherwise hold its share until its request
 * times out, and a few such peers together hold the whole budget while honest
 * requests wait. So while a request waits for room under the total, a lease
 * held past its drain deadline (a grace period plus its bytes at a minimum
 * rate) is preempted: the reply it belongs to is ended, the peer holding the
 * most first. An honest peer loses only that reply, and only under contention.
 */

export interface ServeBudgetLimits {
  /** Bytes in flight for one peer, at most. */
  perPeer: number;
  /** Bytes in flight for all peers together, at most. */
  total: number;
  /** Time a lease may take to drain before it can be preempted, besides its bytes at `drainBytesPerSecond` (ms). */
  drainGraceMs?: number;
  /** The slowest drain rate that is never preempted within a lease's deadline. */
  drainBytesPerSecond?: number;
}

/** Defaults: 2 s plus 2 Mbit/s, so 1 MB may take 6 s and a 4 MB block 18 s. */
export const DRAIN_DEFAULTS = { drainGraceMs: 2_000, drainBytesPerSecond: 250_000 };

interface Held {
  peer: string;
  bytes: number;
  deadline: number;
  preempt: () => void;
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
  private readonly preemptible = new Set<Held>();
  private timer: NodeJS.Timeout | undefined;
  private readonly drain: typeof DRAIN_DEFAULTS;

  constructor(
    readonly limits: ServeBudgetLimits,
    private readonly nowMs: () => number = () => performance.now(),
  ) {
    if (!(limits.perPeer > 0) || !(limits.total > 0)) throw new RangeError('serve budget: the limits must be positive');
    this.drain = { drainGraceMs: limits.drainGraceMs ?? DRAIN_DEFAULTS.drainGraceMs, drainBytesPerSecond: limits.drainBytesPerSecond ?? DRAIN_DEFAULTS.drainBytesPerSecond };
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

  /**
   * A lease of `bytes` for `peer`, once it fits; rejects with `signal.reason` when `signal` fires first.
   * `preempt`, when given, ends the work the lease is for: it is called (once) when the lease is past
   * its drain deadline while others wait for room, and the caller then releases the lease.
   */
  acquire(peer: string, bytes: number, signal: AbortSignal, preempt?: () => void): Promise<Lease> {
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    const now = this.tryAcquire(peer, bytes);
    if (now) return Promise.resolve(this.watch(now, peer, preempt));
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
          resolve(this.watch(lease, peer, preempt));
        },
      };
      this.waiters.push(waiter);
      signal.addEventListener('abort', onAbort, { once: true });
      this.armPreemption();
    });
  }

  /** Registers a lease that can be preempted; its deadline follows its size (a reservation shrinks to the block's). */
  private watch(lease: Lease, peer: string, preempt: (() => void) | undefined): Lease {
    if (!preempt) return lease;
    const held: Held = { peer, bytes: lease.bytes, deadline: 0, preempt };
    const start = this.nowMs();
    const setDeadline = () => (held.deadline = start + this.drain.drainGraceMs + (1000 * held.bytes) / this.drain.drainBytesPerSecond);
    setDeadline();
    this.preemptible.add(held);
    this.armPreemption();
    return {
      get bytes() {
        return lease.bytes;
      },
      resize: (n) => {
        lease.resize(n);
        held.bytes = lease.bytes;
        setDeadline();
      },
      release: () => {
        this.preemptible.delete(held);
        lease.release();
      },
    };
  }

  /** While requests wait, wakes at the earliest drain deadline to preempt what is past it. */
  private armPreemption(): void {
    if (this.timer || this.waiters.length === 0 || this.preemptible.size === 0) return;
    let earliest = Infinity;
    for (const h of this.preemptible) earliest = Math.min(earliest, h.deadline);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.preemptOverdue();
      this.armPreemption();
    }, Math.max(0, earliest - this.nowMs()) + 1);
    this.timer.unref();
  }

  /** Ends one overdue lease, of the peer holding the most, when a waiter is held back by the total. */
  private preemptOverdue(): void {
    if (!this.waiters.some((w) => this.inFlightOf(w.peer) === 0 || this.inFlightOf(w.peer) + w.bytes <= this.limits.perPeer)) return;
    const now = this.nowMs();
    let victim: Held | undefined;
    for (const h of this.preemptible) {
      if (h.deadline > now) continue;
      if (!victim || this.inFlightOf(h.peer) > this.inFlightOf(victim.peer)) victim = h;
    }
    if (!victim) return;
    // Once only: the owner releases it when its work has ended.
    this.preemptible.delete(victim);
    victim.preempt();
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
    this.armPreemption();
  }
}
