/**
 * Which peer downloads which blocks: a pure function, so that the scheduling
 * policy can be read and tested without timers or sockets (after Lodestar's
 * sync/range/utils/peerBalancer.ts, with earliest-finish-time assignment).
 *
 * The policy: each wanted block, lowest first, goes to the peer expected to
 * deliver it first, given the bytes that peer still owes and its measured
 * rate. So a fast peer gets more blocks, in proportion to its rate; a slow
 * peer only gets a block it would deliver before the faster ones could reach
 * it (never the last blocks, which the faster peers finish sooner); and the
 * lowest blocks, the ones the tip waits for, are spread over every peer at
 * once. A peer whose pipeline is full still counts in that choice: the block
 * waits for it, and the next blocks are weighed against its longer queue.
 * Blocks go out in requests of a bounded count and byte size, up to each
 * peer's free request slots and pipeline room.
 */

/** The little a balancer needs to know about a block. */
export interface RangeEntry {
  readonly hashHex: string;
  readonly height: number;
}

/** One peer that may be given work, as the downloader sees it now. */
export interface RangeCandidate<P, E extends RangeEntry> {
  readonly peer: P;
  /** Requests it may still be sent in this pass; 0 when it only counts for the choice. */
  readonly slots: number;
  /** Blocks per request, at most. */
  readonly maxBlocks: number;
  /** Bytes per request, at most (a request always takes its first block, whatever its size). */
  readonly maxBytes: number;
  /** Bytes it may still be given in this pass (its pipeline room); a block that starts within it is taken whole. */
  readonly room: number;
  /** Bytes per second it delivers (an estimate for a peer not measured yet); positive. */
  readonly rate: number;
  /** Bytes it still owes on its requests in flight. */
  readonly queuedBytes: number;
  /** Time to the first byte of a reply (ms). */
  readonly latencyMs: number;
  /** Blocks still wanted on the way to this peer's target, oldest first. */
  readonly wanted: readonly E[];
  /** Highest height of `wanted` it is believed to have. */
  readonly has: number;
  /** Whether it said it lacks this block. */
  lacks(hash: string): boolean;
}

export interface BalanceOptions<E extends RangeEntry> {
  /** The expected size of a block (bytes). */
  readonly blockBytes: (entry: E) => number;
  /**
   * Hand out full requests only. Set while headers are still arriving: otherwise
   * each new header would become a one-block request and trip peers' rate limits.
   */
  readonly fullRangesOnly: boolean;
}

export interface RangeAssignment<P, E extends RangeEntry> {
  readonly peer: P;
  readonly range: readonly E[];
}

/** A candidate's state during one pass. */
interface Lane<P, E extends RangeEntry> {
  readonly c: RangeCandidate<P, E>;
  readonly wanted: ReadonlySet<string>;
  queued: number;
  slots: number;
  room: number;
  open: { blocks: E[]; bytes: number } | undefined;
  readonly done: { blocks: E[]; bytes: number }[];
}

/** Assigns blocks to peers, as requests in dispatch order. Each block goes to one peer at most. */
export function balanceRanges<P, E extends RangeEntry>(
  candidates: readonly RangeCandidate<P, E>[],
  opts: BalanceOptions<E>,
): RangeAssignment<P, E>[] {
  const sets = new Map<readonly E[], ReadonlySet<string>>();
  const lanes: Lane<P, E>[] = candidates.map((c) => {
    let wanted = sets.get(c.wanted);
    if (!wanted) sets.set(c.wanted, (wanted = new Set(c.wanted.map((e) => e.hashHex))));
    return { c, wanted, queued: c.queuedBytes, slots: c.slots, room: c.room, open: undefined, done: [] };
  });
  for (const entry of unionOfWanted(candidates)) {
    if (!lanes.some(canTake)) break;
    const size = opts.blockBytes(entry);
    const best = earliest(lanes, entry, size);
    if (!best) continue;
    // Counted even when it cannot take the block now: the block waits for it, so the next ones
    // are weighed against its longer queue.
    best.queued += size;
    if (canTake(best)) take(best, entry, size);
  }
  const out: { first: number; assignment: RangeAssignment<P, E> }[] = [];
  for (const lane of lanes) {
    if (lane.open) lane.done.push(lane.open);
    for (const req of lane.done) {
      const full = req.blocks.length >= lane.c.maxBlocks || req.bytes >= lane.c.maxBytes;
      if (opts.fullRangesOnly && !full) continue;
      out.push({ first: req.blocks[0]!.height, assignment: { peer: lane.c.peer, range: req.blocks } });
    }
  }
  // Lowest blocks first: the tip waits for them. Array.prototype.sort is stable.
  return out.sort((a, b) => a.first - b.first).map((o) => o.assignment);
}

/** Every candidate's wanted blocks once, lowest first. */
function unionOfWanted<E extends RangeEntry>(candidates: readonly RangeCandidate<unknown, E>[]): E[] {
  const lists = [...new Set(candidates.map((c) => c.wanted))];
  if (lists.length === 1) return [...lists[0]!];
  const byHash = new Map<string, E>();
  for (const list of lists) for (const e of list) if (!byHash.has(e.hashHex)) byHash.set(e.hashHex, e);
  return [...byHash.values()].sort((a, b) => a.height - b.height);
}

/** The candidate expected to deliver `entry` first, among those that want it and have it. */
function earliest<P, E extends RangeEntry>(lanes: readonly Lane<P, E>[], entry: E, size: number): Lane<P, E> | undefined {
  let best: Lane<P, E> | undefined;
  let bestMs = Infinity;
  for (const lane of lanes) {
    const { c } = lane;
    if (entry.height > c.has || !lane.wanted.has(entry.hashHex) || c.lacks(entry.hashHex)) continue;
    const ms = c.latencyMs + (1000 * (lane.queued + size)) / c.rate;
    if (ms < bestMs) [best, bestMs] = [lane, ms];
  }
  return best;
}

function canTake(lane: Lane<unknown, RangeEntry>): boolean {
  const open = lane.open;
  return lane.room > 0 && (lane.slots > 0 || (open !== undefined && open.blocks.length < lane.c.maxBlocks && open.bytes < lane.c.maxBytes));
}

/** Adds `entry` to the lane's open request, or opens a new one when that is full. */
function take<P, E extends RangeEntry>(lane: Lane<P, E>, entry: E, size: number): void {
  const open = lane.open;
  if (open && (open.blocks.length >= lane.c.maxBlocks || open.bytes + size > lane.c.maxBytes)) {
    lane.done.push(open);
    lane.open = undefined;
  }
  if (!lane.open) {
    if (lane.slots <= 0) return;
    lane.slots--;
    lane.open = { blocks: [], bytes: 0 };
  }
  lane.open.blocks.push(entry);
  lane.open.bytes += size;
  lane.room -= size;
}
