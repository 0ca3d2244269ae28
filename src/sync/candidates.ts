/**
 * A peer as the balancer (peer-balancer.ts) sees it: the rate it is scheduled
 * at, what it still owes, its free request slots and pipeline room. Pure.
 */
import type { SyncOptions } from './options.js';
import type { RangeCandidate, RangeEntry } from './peer-balancer.js';
import type { PeerState } from './peer-state.js';
import { requestLimits } from './request-sizing.js';

/** Requests out at once to a peer whose throughput is not measured yet: enough to measure it, little to lose. */
export const UNMEASURED_IN_FLIGHT = 2;

/** What a pass knows besides the peer: the rate assumed of unmeasured peers, the expected block size, its target's blocks. */
export interface CandidateContext {
  prior: number;
  /** The size expected of a block not received yet (bytes). */
  expected: number;
  now: number;
  wanted: RangeEntry[];
  has: number;
}

/** The rate `peer` is scheduled at: its measured one, or `prior`; a stalled peer at a fraction of it. */
export function scheduledRate(peer: PeerState, prior: number): number {
  return (peer.bytesPerSecond ?? prior) / (1 + peer.stalls);
}

/** Whether `peer` may be sent another request now: a free slot, and room in its pipeline. */
export function canSend(peer: PeerState, prior: number, expected: number, opts: SyncOptions): boolean {
  if (peer.requests.size >= inFlightLimit(peer, opts)) return false;
  const limits = requestLimits({ latencyMs: peer.latencyMs, bytesPerSecond: scheduledRate(peer, prior) }, opts);
  return limits.pipelineBytes > owedBlocks(peer) * expected;
}

/** `peer` as a balancer candidate. */
export function toCandidate(peer: PeerState, at: CandidateContext, opts: SyncOptions): RangeCandidate<PeerState, RangeEntry> {
  const rate = scheduledRate(peer, at.prior);
  const limits = requestLimits({ latencyMs: peer.latencyMs, bytesPerSecond: rate }, opts);
  const queuedBytes = owedBlocks(peer) * at.expected;
  return {
    peer,
    slots: Math.max(0, inFlightLimit(peer, opts) - peer.requests.size),
    maxBlocks: peer.bytesPerSecond === undefined ? opts.rangeSize : limits.maxBlocks,
    maxBytes: limits.maxBytes,
    room: limits.pipelineBytes - queuedBytes,
    rate,
    queuedBytes,
    // What it owes is in `queuedBytes` already; its measured latency includes that wait.
    latencyMs: 0,
    wanted: at.wanted,
    has: at.has,
    lacks: (hash) => peer.lacks(hash, at.now),
  };
}

/** Requests a peer may have out: fewer while it is not measured yet, one while on probation. */
export function inFlightLimit(peer: PeerState, opts: SyncOptions): number {
  const most = peer.maxInFlight(opts);
  return peer.bytesPerSecond === undefined ? Math.min(most, UNMEASURED_IN_FLIGHT) : most;
}

/** Blocks `peer` still owes on its requests. */
export function owedBlocks(peer: PeerState): number {
  let blocks = 0;
  for (const r of peer.requests) blocks += r.hashes.length - r.next;
  return blocks;
}
