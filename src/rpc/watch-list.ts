/**
 * The addresses whose activity the notifier records, and since when. Address
 * notifications cost a look at every transaction's spent coins, so they are
 * made only for watched addresses: those some connection subscribes to, and,
 * for as long as the event log could still serve a resume, those a connection
 * subscribed to before it went away. A resume "since N" is complete for an
 * address only if it was watched without a break since N.
 */

interface Watch {
  /** Sequence number current when watching began: every later event of the address is recorded. */
  since: number;
  /** Connections subscribed now. */
  refs: number;
  /** Sequence number current when the last subscriber left (while refs is 0). */
  releasedAt?: number;
}

export class WatchList {
  private readonly watches = new Map<string, Watch>();
  /** Entries with no subscriber now. */
  private lingering = 0;

  /**
   * `maxLingering`: addresses kept after their last subscriber left, at most. Clients that
   * come and go with new addresses while no event arrives would otherwise grow the list
   * without bound; one forgotten early only turns a later resume into a gap.
   */
  constructor(private readonly maxLingering = 100_000) {}

  /** Scripts (hex) watched now, subscribed or lingering. */
  get size(): number {
    return this.watches.size;
  }

  /** A connection subscribes to `script`; `seq` is the latest sequence number. */
  add(script: string, seq: number): void {
    const w = this.watches.get(script);
    if (!w) {
      this.watches.set(script, { since: seq, refs: 1 });
      return;
    }
    if (w.refs === 0) this.lingering--;
    w.refs++;
    delete w.releasedAt;
  }

  /** A connection unsubscribes from `script`, or goes away; the address lingers until {@link prune}. */
  release(script: string, seq: number): void {
    const w = this.watches.get(script);
    if (!w || w.refs === 0) return;
    if (--w.refs > 0) return;
    w.releasedAt = seq;
    this.lingering++;
    if (this.lingering > this.maxLingering) this.forgetLingering(this.lingering - this.maxLingering);
  }

  has(script: string): boolean {
    return this.watches.has(script);
  }

  /** Whether every event of `script` after `since` was recorded. */
  covers(script: string, since: number): boolean {
    const w = this.watches.get(script);
    return w !== undefined && w.since <= since;
  }

  /** Forgets addresses nobody subscribes to whose release is older than what the log keeps (`oldest`). */
  prune(oldest: number): void {
    // A client that left at releasedAt resumes from there at the latest: once that is older than what
    // the log keeps, its resume is a gap anyway, and the address need not be followed for it.
    for (const [script, w] of this.watches) {
      if (w.refs === 0 && w.releasedAt! + 1 < oldest) {
        this.watches.delete(script);
        this.lingering--;
      }
    }
  }

  /** Forgets `count` lingering addresses, those watched longest first (the map's insertion order). */
  private forgetLingering(count: number): void {
    for (const [script, w] of this.watches) {
      if (count === 0) return;
      if (w.refs > 0) continue;
      this.watches.delete(script);
      this.lingering--;
      count--;
    }
  }
}
