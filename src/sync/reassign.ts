/**
 * Work that moves between peers once everything wanted is in flight: a peer
 * with a free slot and nothing new to fetch first takes over a request that
 * another peer has not started serving yet (peers serve one reply at a time,
 * so a queued request has cost nothing: cancelling it wastes no bytes), when
 * it would deliver it sooner, and one its peer may just have begun to write
 * out (at most yamux's first window is lost) only for as large a gain as an
 * endgame copy waits for; only then does it copy a range a much slower peer
 * is serving (endgame.ts), which costs the bytes of the copy. Plans only: the
 * downloader applies them.
 */
import type { ChainEntry } from '../chain/index.js';
import { STREAM_WINDOW_BYTES } from '../network/interface.js';
import { ENDGAME_MIN_MS, matchIdlePeers, pickEndgame, type EndgamePick } from './endgame.js';
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
  /** Those of `queued` whose peer may have begun to write them out (see {@link RISKY_STEAL_GAIN_MS}). */
  risky?: ReadonlySet<BlockRequest>;
  /** When `req`'s own peer is expected to have delivered it (ms from now). */
  holderMs(req: BlockRequest): number;
  /** When `peer` would deliver `req` if asked now (ms from now). */
  takerMs(peer: PeerState, req: BlockRequest): number;
  /** Whether `peer` is believed to have all of `hashes`. */
  canServe(peer: PeerState, hashes: readonly string[]): boolean;
}

/** How much sooner (ms) a peer must be expected to deliver a queued request to take it over. */
export const STEAL_GAIN_MS = 500;

/**
 * The same for a request its peer may have begun to write out: taking it over may cost what is on
 * its way, at most yamux's initial window, so it must gain as much as an endgame copy waits.
 */
export const RISKY_STEAL_GAIN_MS = ENDGAME_MIN_MS;

/** At most one request per idle peer, each to a peer that would deliver it clearly sooner than its holder. */
export function pickSteals(inputs: StealInputs): StealPick[] {
  return matchIdlePeers(inputs.idle, inputs.queued, (peer, req) => {
    if (req.peer === peer || req.twin || req.done) return undefined;
    // A clear gain only: estimates move as blocks arrive, and two peers must not trade requests back and forth.
    const gain = inputs.risky?.has(req) ? RISKY_STEAL_GAIN_MS : STEAL_GAIN_MS;
    if (inputs.takerMs(peer, req) + gain > inputs.holderMs(req) || !inputs.canServe(peer, req.hashes)) return undefined;
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
  const states = new Map(open.map((r) => [r, queueState(r, view.blockBytes)]));
  const queued = open.filter((r) => states.get(r) !== undefined);
  const risky = new Set(queued.filter((r) => states.get(r) === 'risky'));
  const steals = pickSteals({ idle, queued, risky, canServe, ...finishTimes(view) });
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

/** A request that may have started but holds at most this much is taken over as if it had not. */
export const SMALL_STEAL_BYTES = 64 * 1024;

/**
 * Whether `req` can be taken over: 'free' when its peer cannot have begun to write it out, 'risky'
 * when it may have (what is on its way, at most yamux's initial window, would be lost), undefined
 * when it may be arriving already. Nothing of it may have arrived, not even its count. Behind two
 * older requests of the same peer still out it is free: the one before it has not begun to arrive,
 * so only yamux's initial window of it can be on its way, and it is not written out whole unless
 * small. Right after the one being served, it is taken once that one owes three blocks: free if they
 * are more bytes than that one's window at the size expected, risky otherwise. A peer serves one
 * reply at a time and starts the next once no more than the current one's window is left to deliver
 * ({@link STREAM_WINDOW_BYTES}), so with large blocks a count alone took over replies whose first
 * block was already on the link. A small request is always free: at most its own few bytes are lost.
 */
function queueState(req: BlockRequest, blockBytes: number | undefined): 'free' | 'risky' | undefined {
  // A reply's count comes before its blocks, so a request with blocks received is answered.
  if (req.answered || req.twin) return undefined;
  const older = [...req.peer.requests];
  const ahead = older.indexOf(req);
  if (ahead >= 2) return 'free';
  if (ahead !== 1) return undefined;
  const served = older[0]!;
  const blocks = served.hashes.length - served.next;
  if (blocks < 3) return undefined;
  const size = blockBytes ?? 0;
  // Once its reply arrives, the block arriving may be all but delivered, and the window may have grown.
  const [owed, window] = served.answered ? [(blocks - 1) * size, STREAM_WINDOW_BYTES.most] : [blocks * size, STREAM_WINDOW_BYTES.initial];
  return owed > window || req.hashes.length * size <= SMALL_STEAL_BYTES ? 'free' : 'risky';
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
