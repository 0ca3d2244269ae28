/**
 * Work that moves between peers once everything wanted is in flight: a peer
 * with a free slot and nothing new to fetch first takes over a request that
 * another peer has not started serving yet (peers serve one reply at a time,
 * so a queued request has cost nothing: cancelling it wastes no bytes), when
 * it would deliver it sooner; only then does it copy a range a much slower
 * peer is serving (endgame.ts), which costs the bytes of the copy. Plans
 * only: the downloader applies them.
 */
import type { ChainEntry } from '../chain/index.js';
import { STREAM_WINDOW_BYTES } from '../network/interface.js';
import { matchIdlePeers, pickEndgame, type EndgamePick } from './endgame.js';
import type { BlockRequest, PeerState } from './peer-state.js';

/**
 * A queued request to take back: `original` is cancelled, since `peer` (idle) would deliver it
 * sooner; its blocks are handed out again at the next pass, spread by the balancer over every
 * peer with room, `peer` first among them.
 */
export interface StealPick {
  readonly peer: PeerState;
  readonly original: BlockRequest;
}

export interface StealInputs {
  /** Peers with a free slot and nothing new to fetch, fastest first. */
  idle: readonly PeerState[];
  /** Requests their peers have not started serving, lowest blocks first. */
  queued: readonly BlockRequest[];
  /** When `req`'s own peer is expected to have delivered it (ms from now). */
  holderMs(req: BlockRequest): number;
  /** When `peer` would deliver `req` if asked now (ms from now). */
  takerMs(peer: PeerState, req: BlockRequest): number;
  /** Whether `peer` is believed to have all of `hashes`. */
  canServe(peer: PeerState, hashes: readonly string[]): boolean;
}

/** How much sooner (ms) a peer must be expected to deliver a queued request to take it over. */
export const STEAL_GAIN_MS = 500;

/** At most one request per idle peer, each to a peer that would deliver it clearly sooner than its holder. */
export function pickSteals(inputs: StealInputs): StealPick[] {
  return matchIdlePeers(inputs.idle, inputs.queued, (peer, req) => {
    if (req.peer === peer || req.twin || req.done) return undefined;
    // A clear gain only: estimates move as blocks arrive, and two peers must not trade requests back and forth.
    if (inputs.takerMs(peer, req) + STEAL_GAIN_MS > inputs.holderMs(req) || !inputs.canServe(peer, req.hashes)) return undefined;
    return { peer, original: req };
  });
}

/** What the downloader knows that reassignment needs. */
export interface ReassignView {
  requests: ReadonlySet<BlockRequest>;
  peers: Iterable<PeerState>;
  /** Peers with a free slot that got nothing in this pass. */
  idle: PeerState[];
  now: number;
  best: ChainEntry;
  getEntry(hash: string): ChainEntry | undefined;
  /** The size expected of a block not received yet (bytes). */
  blockBytes: number | undefined;
  /** The rate a peer is scheduled at (bytes/s). */
  rateOf(peer: PeerState): number;
  /** What `req` has not delivered yet and no other request holds. */
  remainingOf(req: BlockRequest): readonly string[];
  /** Whether `peer` may be sent one request over its slots (the tip's range). */
  mayExceed(peer: PeerState): boolean;
}

/** The steals, then the endgame copies, to make in this pass. */
export function planReassignments(view: ReassignView): { steals: StealPick[]; copies: EndgamePick[] } {
  if (view.requests.size === 0) return { steals: [], copies: [] };
  const { now, best, getEntry } = view;
  // Each request's lowest height looked up once, not at every comparison of the sort.
  const lowest = new Map([...view.requests].map((req) => [req, getEntry(req.hashes[req.next] ?? '')?.height ?? Infinity]));
  const open = [...lowest.keys()].sort((a, b) => lowest.get(a)! - lowest.get(b)!);
  const canServe = (peer: PeerState, hashes: readonly string[]): boolean => {
    const last = getEntry(hashes.at(-1)!);
    return last !== undefined && peer.availableHeight(best, getEntry) >= last.height && !hashes.some((h) => peer.lacks(h, now));
  };
  const fastest = (a: PeerState, b: PeerState): number => view.rateOf(b) - view.rateOf(a);
  const idle = [...view.idle].sort(fastest);
  const steals = pickSteals({ idle, queued: open.filter((r) => isQueued(r, view.blockBytes)), canServe, ...finishTimes(view) });
  const thieves = new Set(steals.map((s) => s.peer));
  const moved = new Set(steals.map((s) => s.original));
  const rest = open.filter((r) => !moved.has(r));
  const inputs = { now, blockBytes: view.blockBytes, remainingOf: view.remainingOf, canServe };
  const copies = pickEndgame({ ...inputs, idle: idle.filter((p) => !thieves.has(p)), open: rest });
  // The lowest request not copied yet: the tip waits for it, so a much faster peer copies it even when busy.
  const tipRange = rest.find((r) => !r.twin && !copies.some((p) => p.original === r));
  if (tipRange) {
    const busy = [...view.peers].filter((p) => p !== tipRange.peer && !idle.includes(p) && view.mayExceed(p));
    copies.push(...pickEndgame({ ...inputs, idle: busy.sort(fastest).slice(0, 1), open: [tipRange] }));
  }
  return { steals, copies };
}

/**
 * A request that may have started costs at most this much to take over: the ranges of small
 * blocks are still moved, those of large ones only once they cannot have started.
 */
export const SMALL_STEAL_BYTES = 64 * 1024;

/**
 * Not started by its peer: nothing of it arrived, not even its count, and either at least two older
 * requests of the same peer still out (the one before it has not begun to arrive, so only yamux's
 * initial window of it can be on its way: it is not written out whole unless small), or three blocks
 * still owed on the one being served and more bytes than that one's window, at the size expected.
 * A peer serves one reply at a time and starts the next once no more than the current one's window
 * is left to deliver ({@link STREAM_WINDOW_BYTES}): with large blocks a count alone would take over
 * a reply whose first block is already on the link, and that block would be sent twice. A small
 * request is moved on the count alone, since at most its own few bytes can be lost.
 */
function isQueued(req: BlockRequest, blockBytes: number | undefined): boolean {
  // A reply's count comes before its blocks, so a request with blocks received is answered.
  if (req.answered || req.twin) return false;
  const older = [...req.peer.requests];
  const ahead = older.indexOf(req);
  if (ahead >= 2) return true;
  if (ahead !== 1) return false;
  const served = older[0]!;
  const blocks = served.hashes.length - served.next;
  if (blocks < 3) return false;
  const size = blockBytes ?? 0;
  // Once its reply arrives, the block arriving may be all but delivered, and the window may have grown.
  const [owed, window] = served.answered ? [(blocks - 1) * size, STREAM_WINDOW_BYTES.most] : [blocks * size, STREAM_WINDOW_BYTES.initial];
  return owed > window || req.hashes.length * size <= SMALL_STEAL_BYTES;
}

/** Expected delivery times, from the bytes each peer owes at the expected block size. */
function finishTimes(view: ReassignView): Pick<StealInputs, 'holderMs' | 'takerMs'> {
  const size = view.blockBytes ?? 0;
  const owedBlocks = (r: BlockRequest): number => r.hashes.length - r.next;
  return {
    holderMs: (req) => {
      let blocks = 0;
      for (const r of req.peer.requests) {
        blocks += owedBlocks(r);
        if (r === req) break;
      }
      return (1000 * blocks * size) / view.rateOf(req.peer);
    },
    takerMs: (peer, req) => {
      let blocks = owedBlocks(req);
      for (const r of peer.requests) blocks += owedBlocks(r);
      return (1000 * blocks * size) / view.rateOf(peer);
    },
  };
}
