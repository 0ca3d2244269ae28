/**
 * Which peer downloads which range of blocks: a pure function, so that the
 * scheduling policy can be read and tested without timers or sockets (after
 * Lodestar's sync/range/utils/peerBalancer.ts).
 *
 * The policy: cheapest peer first (fast peers free their slots sooner and so
 * get more work), one range per peer per round so that a burst of free slots is
 * spread over all peers (that is the parallelism), and the cheapest peer gets
 * the lowest blocks, the ones the tip waits for. A range holds the next blocks
 * the peer is believed to have, oldest first, skipping those already taken and
 * those it said it lacks.
 */

/** The little a balancer needs to know about a block. */
export interface RangeEntry {
  readonly hashHex: string;
  readonly height: number;
}

/** One peer that may be given work, as the downloader sees it now. */
export interface RangeCandidate<P, E extends RangeEntry> {
  readonly peer: P;
  /** Requests it may still be sent in this pass (at least 1 to be worth listing). */
  readonly slots: number;
  /** Blocks per range for this peer (request-sizing.ts); `BalanceOptions.rangeSize` when absent. */
  readonly rangeSize?: number;
  /** Scheduling cost: lower picks first. */
  readonly cost: number;
  /** Blocks still wanted on the way to this peer's target, oldest first. */
  readonly wanted: readonly E[];
  /** Highest height of `wanted` it is believed to have. */
  readonly has: number;
  /** Whether it said it lacks this block. */
  lacks(hash: string): boolean;
}

export interface BalanceOptions {
  /** Blocks per range, at most, for a candidate that does not say. */
  readonly rangeSize: number;
  /**
   * Hand out full ranges only. Set while headers are still arriving: otherwise
   * each new header would become a one-block request and trip peers' rate limits.
   */
  readonly fullRangesOnly: boolean;
}

export interface RangeAssignment<P, E extends RangeEntry> {
  readonly peer: P;
  readonly range: readonly E[];
}

/** Assigns ranges to peers, in dispatch order. Each block goes to one peer at most. */
export function balanceRanges<P, E extends RangeEntry>(
  candidates: readonly RangeCandidate<P, E>[],
  opts: BalanceOptions,
): RangeAssignment<P, E>[] {
  // Array.prototype.sort is stable: equal costs keep the caller's order.
  const ordered = [...candidates].sort((a, b) => a.cost - b.cost);
  const slots = ordered.map((c) => c.slots);
  const taken = new Set<string>();
  const out: RangeAssignment<P, E>[] = [];
  // Each round assigns at least one range or ends.
  for (let assigned = true; assigned; ) {
    assigned = false;
    ordered.forEach((candidate, i) => {
      if (slots[i]! <= 0) return;
      const size = candidate.rangeSize ?? opts.rangeSize;
      const range = pickRange(candidate, taken, size);
      if (range.length === 0) return;
      if (opts.fullRangesOnly && range.length < size) {
        for (const e of range) taken.delete(e.hashHex);
        return;
      }
      slots[i]!--;
      out.push({ peer: candidate.peer, range });
      assigned = true;
    });
  }
  return out;
}

/** The next blocks this peer is believed to have and nobody took yet, oldest first; marks them taken. */
function pickRange<E extends RangeEntry>(candidate: RangeCandidate<unknown, E>, taken: Set<string>, rangeSize: number): E[] {
  const range: E[] = [];
  for (const entry of candidate.wanted) {
    if (entry.height > candidate.has || range.length >= rangeSize) break;
    if (taken.has(entry.hashHex) || candidate.lacks(entry.hashHex)) continue;
    range.push(entry);
    taken.add(entry.hashHex);
  }
  return range;
}
