/**
 * The addresses the node has learnt of other peers (a small cousin of Core's
 * addrman): where each came from, when it was last seen and last reached, and
 * how often dialing it failed in a row, which spaces out its next attempts.
 * Bounded: past `max` entries the least useful go first. No I/O: peers-file.ts
 * stores it. Times are seconds on the node's clock.
 */
import { isLoopbackAddress } from './netgroup.js';

export interface BookEntry {
  /** libp2p peer id. */
  id: string;
  /** Multiaddrs without `/p2p/<id>` (at most {@link MAX_ADDRS_PER_PEER}). */
  addrs: string[];
  /** Who told us first: a peer id, `dht`, `identify`, `config`, `mdns`. */
  source: string;
  lastSeen: number;
  /** Last successful dial (0: never). */
  lastSuccess: number;
  /** Last dial attempt (0: never). */
  lastAttempt: number;
  /** Failed dials since the last success. */
  failures: number;
}

export const MAX_ADDRS_PER_PEER = 8;
/** Longest accepted multiaddr string; longer ones are not ours to store. */
export const MAX_ADDR_LENGTH = 200;
/** Consecutive failures after which an entry is dropped (Core's "terrible" addresses). */
export const MAX_FAILURES = 10;
/** Seconds to wait after the first failure; doubled per further failure, up to an hour. */
const RETRY_BASE_SECONDS = 10;
const RETRY_MAX_SECONDS = 3600;

/**
 * Addresses worth keeping and dialing: TCP over IP or DNS, not unspecified, no relays.
 * Loopback ones only when the peer has nothing else: a node in its own network namespace
 * announces 127.0.0.1 besides its real address, and that would reach whoever listens here.
 */
export function usableAddrs(addrs: readonly string[]): string[] {
  const tcp = addrs
    .map((a) => a.replace(/\/p2p\/[^/]+$/, ''))
    .filter((a) => a.length <= MAX_ADDR_LENGTH && /^\/(ip4|ip6|dns4|dns6|dns)\/[^/]+\/tcp\/\d+$/.test(a))
    .filter((a) => !a.startsWith('/ip4/0.0.0.0/') && !a.startsWith('/ip6/::/'));
  const remote = tcp.filter((a) => !isLoopbackAddress(a));
  return [...new Set(remote.length > 0 ? remote : tcp)].slice(0, MAX_ADDRS_PER_PEER);
}

export class AddressBook {
  private readonly entries = new Map<string, BookEntry>();
  private changed = false;

  constructor(
    private readonly opts: { max: number; self?: string },
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Whether anything changed since the last {@link takeChanged}. */
  takeChanged(): boolean {
    const was = this.changed;
    this.changed = false;
    return was;
  }

  get(id: string): BookEntry | undefined {
    return this.entries.get(id);
  }

  /** Learns or refreshes a peer's addresses; returns true when the peer was new. The first source sticks. */
  add(id: string, addrs: readonly string[], source: string, now: number): boolean {
    if (id === this.opts.self) return false;
    const usable = usableAddrs(addrs);
    if (usable.length === 0) return false;
    const known = this.entries.get(id);
    this.changed = true;
    if (known) {
      known.addrs = usableAddrs([...usable, ...known.addrs]);
      known.lastSeen = Math.max(known.lastSeen, now);
      return false;
    }
    this.entries.set(id, { id, addrs: usable, source, lastSeen: now, lastSuccess: 0, lastAttempt: 0, failures: 0 });
    this.trim();
    return true;
  }

  /** Restores stored entries (peers.json), keeping what is already known. */
  restore(entries: readonly BookEntry[]): void {
    for (const e of entries) {
      if (e.id === this.opts.self || this.entries.has(e.id)) continue;
      const addrs = usableAddrs(e.addrs);
      if (addrs.length > 0) this.entries.set(e.id, { ...e, addrs });
    }
    this.trim();
  }

  attempted(id: string, now: number): void {
    const e = this.entries.get(id);
    if (e) e.lastAttempt = now;
  }

  succeeded(id: string, now: number): void {
    const e = this.entries.get(id);
    if (!e) return;
    Object.assign(e, { lastSuccess: now, lastSeen: now, failures: 0 });
    this.changed = true;
  }

  /** Counts a failed dial; an entry that failed {@link MAX_FAILURES} times in a row is dropped. */
  failed(id: string, now: number): void {
    const e = this.entries.get(id);
    if (!e) return;
    e.failures++;
    e.lastAttempt = now;
    if (e.failures >= MAX_FAILURES) this.entries.delete(id);
    this.changed = true;
  }

  /** Whether the entry's back-off after failures has passed. */
  static ready(e: BookEntry, now: number): boolean {
    if (e.failures === 0) return true;
    const wait = Math.min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2 ** (e.failures - 1));
    return now >= e.lastAttempt + wait;
  }

  /** Entries that may be dialed now, the best first: reached before, then fewest failures, then most recently seen. */
  dialable(now: number, skip: (id: string) => boolean): BookEntry[] {
    return [...this.entries.values()]
      .filter((e) => AddressBook.ready(e, now) && !skip(e.id))
      .sort((a, b) => Number(b.lastSuccess > 0) - Number(a.lastSuccess > 0) || a.failures - b.failures || b.lastSeen - a.lastSeen);
  }

  /** Every entry, the most useful first (what peers.json stores). */
  list(): BookEntry[] {
    return [...this.entries.values()].sort(AddressBook.usefulness);
  }

  private static usefulness(a: BookEntry, b: BookEntry): number {
    return b.lastSuccess - a.lastSuccess || a.failures - b.failures || b.lastSeen - a.lastSeen;
  }

  private trim(): void {
    if (this.entries.size <= this.opts.max) return;
    for (const e of this.list().slice(this.opts.max)) this.entries.delete(e.id);
  }
}
