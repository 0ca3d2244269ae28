/**
 * Endgame mode (BitTorrent's name for it): a peer with a free slot and nothing
 * new to fetch asks again for the lowest range a much slower peer still holds,
 * so that a slow peer never holds up the tip of the window. Whichever copy of
 * a block arrives first is kept and the other dropped; once one copy of a
 * range has everything, the other request is cancelled. Pure: which request to
 * copy, to whom, decided from what sync has measured.
 */
import type { BlockRequest, PeerState } from './peer-state.js';

/** A copy to make: `hashes` (what `original` has not delivered yet), asked of `peer`. */
export interface EndgamePick {
  readonly peer: PeerState;
  readonly original: BlockRequest;
  readonly hashes: readonly string[];
}

export interface EndgameInputs {
  /** Peers with a free slot that got nothing to fetch in this pass, cheapest first. */
  idle: readonly PeerState[];
  /** Requests in flight, lowest blocks first. */
  open: readonly BlockRequest[];
  now: number;
  /** The expected size of a block (bytes); undefined before any arrived. */
  blockBytes: number | undefined;
  /** What `req` has not delivered yet. */
  remainingOf(req: BlockRequest): readonly string[];
  /** Whether `peer` is believed to have all of `hashes`. */
  canServe(peer: PeerState, hashes: readonly string[]): boolean;
}

/**
 * How much faster a peer must be than the one holding a range to copy it: copies cost
 * bandwidth, and peers of similar speed would only trade ranges back and forth.
 */
export const ENDGAME_SPEEDUP = 2;

/**
 * How long a request runs before it may be copied, whatever the rates say (ms): rates measured on
 * the first, often tiny, blocks say little, and block sizes may turn out far larger than expected.
 */
export const ENDGAME_MIN_MS = 2_000;

/**
 * Greedy matching of idle peers to requests: each peer, in order, takes the first request that
 * `pick` accepts for it and no earlier peer took. Endgame copies and steals share it.
 */
export function matchIdlePeers<T>(
  idle: readonly PeerState[], requests: Iterable<BlockRequest>, pick: (peer: PeerState, req: BlockRequest) => T | undefined,
): T[] {
  const picks: T[] = [];
  const taken = new Set<BlockRequest>();
  for (const peer of idle) {
    for (const req of requests) {
      if (taken.has(req)) continue;
      const picked = pick(peer, req);
      if (picked === undefined) continue;
      picks.push(picked);
      taken.add(req);
      break;
    }
  }
  return picks;
}

/** At most one copy per idle peer and per request; a copy is never copied again. */
export function pickEndgame(inputs: EndgameInputs): EndgamePick[] {
  return matchIdlePeers(inputs.idle, inputs.open, (peer, original) => {
    if (!worthCopying(original, peer, inputs)) return undefined;
    const hashes = inputs.remainingOf(original);
    return hashes.length > 0 && inputs.canServe(peer, hashes) ? { peer, original, hashes } : undefined;
  });
}

/** `fast` would finish what `original` still owes well before its slow holder is expected to. */
function worthCopying(original: BlockRequest, fast: PeerState, inputs: EndgameInputs): boolean {
  const slow = original.peer;
  if (original.done || original.twin || slow === fast || fast.latencyMs === undefined || fast.bytesPerSecond === undefined) return false;
  // How fast the holder is: its link's measured rate, or the request's own progress if that is faster
  // (a request shares the link with the holder's others, so alone it understates a measured peer).
  const elapsed = inputs.now - original.startedAt;
  const own = original.received > 0 && elapsed > 0 ? (1000 * original.bytes) / elapsed : 0;
  const slowRate = Math.max(own, slow.bytesPerSecond ?? 0);
  const much = slow.stalls > 0 || slowRate * ENDGAME_SPEEDUP < fast.bytesPerSecond;
  if (!much) return false;
  // Not before the request has run as long as the fast peer would need for what it still owes (twice
  // that for a holder not measured yet, which may only be slow to start): a slow holder of the tip's
  // blocks is then overtaken within one fast delivery time.
  const bytes = (inputs.blockBytes ?? 0) * inputs.remainingOf(original).length;
  const fastMs = fast.latencyMs + (1000 * bytes) / fast.bytesPerSecond;
  return elapsed >= ENDGAME_MIN_MS && elapsed > (slowRate > 0 ? 1 : ENDGAME_SPEEDUP) * fastMs;
}
