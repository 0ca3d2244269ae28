/**
 * Per-peer sync state: what a peer is believed to have, how fast it answers
 * (its adaptive timeout), its requests in flight, and how long it is throttled
 * after stalls and failures. No I/O here: the clock is an argument.
 */
import { findFork, type ChainEntry } from '../chain/index.js';
import type { SyncPeer } from '../network/interface.js';
import type { SyncOptions } from './options.js';

/** What sync knows about one peer: how fast it answers, what it has, what it owes. */
export class PeerState {
  peer: SyncPeer;
  /** Moving average of the time to a reply's first frame (ms); undefined until the first reply. */
  latencyMs: number | undefined;
  /** Moving average of the bytes per second its link delivers while it owes us blocks; undefined until measured. */
  bytesPerSecond: number | undefined;
  /** Recent timeouts; each success forgives one. */
  stalls = 0;
  failures = 0;
  /** No new requests before this time (ms on the sync clock). */
  backoffUntil = 0;
  banned = false;
  headersBusy = false;
  /** Its last headers reply was a full batch: more are coming. */
  headersFull = false;
  headersRetryAt = 0;
  /** The last header this peer sent us: it has that block and its ancestors. */
  headerTip: ChainEntry | undefined;
  rangesServed = 0;
  readonly requests = new Set<BlockRequest>();
  /** Blocks it left out of a reply: not asked for again until its tip changes or `retryMs` passes. */
  readonly missing = new Set<string>();
  private missingUntil = 0;
  private readonly forkHeights = new Map<string, number>();
  /** The current window of the throughput meter: open only while the peer owes us blocks. */
  private meter: { since: number; bytes: number } | undefined;

  /** Kept apart from `peer`: a transport may update the status object in place. */
  private tipHash: string;

  constructor(peer: SyncPeer) {
    this.peer = peer;
    this.tipHash = peer.status.tipHash;
  }

  get id(): string {
    return this.peer.id;
  }

  update(peer: SyncPeer): void {
    // A new tip may bring the blocks it lacked.
    if (peer.status.tipHash !== this.tipHash) this.missing.clear();
    this.tipHash = peer.status.tipHash;
    this.peer = peer;
  }

  usable(now: number): boolean {
    return !this.banned && now >= this.backoffUntil;
  }

  /** A peer on probation after a timeout gets one request at a time. */
  maxInFlight(opts: SyncOptions): number {
    return this.stalls > 0 ? 1 : opts.maxInFlightPerPeer;
  }

  /** Adaptive: a multiple of the peer's usual latency, within the configured bounds (headers requests). */
  timeoutMs(opts: SyncOptions): number {
    if (this.latencyMs === undefined) return opts.requestTimeoutMs;
    return Math.min(opts.requestTimeoutMs, Math.max(opts.minRequestTimeoutMs, opts.timeoutLatencyFactor * this.latencyMs));
  }

  /**
   * Meters the link, not each request: its requests run side by side on one connection, so
   * each carries a share of the link. A window opens when the peer starts owing us blocks
   * (`now` is then the dispatch, so a reply's latency counts), every METER_WINDOW_MS its bytes
   * become a sample, and it closes when the peer owes nothing (what it held is then kept if
   * it lasted long enough to mean something).
   */
  meterStart(now: number): void {
    this.meter ??= { since: now, bytes: 0 };
  }

  meterBytes(bytes: number, now: number): void {
    const m = this.meter;
    if (!m) return;
    m.bytes += bytes;
    // A peer not measured yet is measured on its first block, to be scheduled by it at once.
    if (this.bytesPerSecond !== undefined && now - m.since < METER_WINDOW_MS) return;
    this.recordThroughput(m.bytes, now - m.since);
    this.meter = { since: now, bytes: 0 };
  }

  meterStop(now: number): void {
    const m = this.meter;
    this.meter = undefined;
    if (m && m.bytes > 0 && now - m.since >= METER_WINDOW_MS / 4) this.recordThroughput(m.bytes, now - m.since);
  }

  /** `bytes` arrived over `ms`: one sample of its throughput. */
  recordThroughput(bytes: number, ms: number): void {
    if (bytes <= 0 || ms <= 0) return;
    const rate = (1000 * bytes) / ms;
    this.bytesPerSecond = this.bytesPerSecond === undefined ? rate : 0.7 * this.bytesPerSecond + 0.3 * rate;
  }

  recordSuccess(ms: number): void {
    this.latencyMs = this.latencyMs === undefined ? ms : 0.7 * this.latencyMs + 0.3 * ms;
    this.stalls = Math.max(0, this.stalls - 1);
    this.failures = 0;
  }

  recordStall(timeoutMs: number, now: number, opts: SyncOptions): void {
    this.stalls++;
    this.latencyMs = Math.max(this.latencyMs ?? 0, timeoutMs);
    this.backoffUntil = now + backoff(this.stalls, opts);
  }

  recordFailure(now: number, opts: SyncOptions): void {
    this.failures++;
    this.backoffUntil = now + backoff(this.failures, opts);
  }

  noteMissing(hash: string, now: number, opts: SyncOptions): void {
    if (this.missing.size === 0) this.missingUntil = now + opts.retryMs;
    if (this.missing.size >= 2 * opts.downloadWindow) this.missing.clear();
    this.missing.add(hash);
  }

  /** Whether it said it lacks `hash`; forgets such answers after a while, in case it has caught up. */
  lacks(hash: string, now: number): boolean {
    if (this.missing.size > 0 && now >= this.missingUntil) this.missing.clear();
    return this.missing.has(hash);
  }

  /**
   * The header this peer's blocks lead to when it is not on the way to `best`: the
   * best one we know it has (its tip, or the last header it sent), when that has more
   * work than `tip`. A peer on another branch than the best header (which may belong
   * to a peer that never serves its blocks) is still worth downloading from.
   */
  sideTarget(best: ChainEntry, tip: ChainEntry, getEntry: (hash: string) => ChainEntry | undefined): ChainEntry | undefined {
    const statusTip = getEntry(this.peer.status.tipHash);
    const own = statusTip && this.headerTip && this.headerTip.chainWork > statusTip.chainWork ? this.headerTip : (statusTip ?? this.headerTip);
    if (!own || own.failed || own.chainWork <= tip.chainWork) return undefined;
    return this.forkHeight(own, best) === own.height ? undefined : own;
  }

  /**
   * Highest height on the path to `best` that the peer is believed to have: where
   * its tip (or the last header it sent) meets that path, or, while its tip is
   * unknown to us, its advertised height. A wrong guess costs one short reply.
   */
  availableHeight(best: ChainEntry, getEntry: (hash: string) => ChainEntry | undefined): number {
    const statusTip = getEntry(this.peer.status.tipHash);
    let height = statusTip ? this.forkHeight(statusTip, best) : this.peer.status.height;
    if (this.headerTip) height = Math.max(height, this.forkHeight(this.headerTip, best));
    return height;
  }

  /** Memoized: the walk is long while far behind, and the inputs change rarely. */
  private forkHeight(tip: ChainEntry, best: ChainEntry): number {
    const key = tip.hashHex + best.hashHex;
    let height = this.forkHeights.get(key);
    if (height === undefined) {
      height = safeForkHeight(tip, best);
      if (this.forkHeights.size >= 4) this.forkHeights.clear();
      this.forkHeights.set(key, height);
    }
    return height;
  }
}

/** Length of one throughput sample (ms): long enough to span several blocks of a busy link. */
const METER_WINDOW_MS = 400;

function safeForkHeight(a: ChainEntry, b: ChainEntry): number {
  try {
    return findFork(a, b).height;
  } catch {
    return -1;
  }
}

/** Exponential, from the shortest timeout up to eight times the longest. */
function backoff(count: number, opts: SyncOptions): number {
  return Math.min(8 * opts.requestTimeoutMs, opts.minRequestTimeoutMs * 2 ** Math.min(count - 1, 10));
}

/** One outstanding `getBlocks` call, whose blocks are taken as they arrive. */
export interface BlockRequest {
  readonly peer: PeerState;
  readonly hashes: readonly string[];
  readonly startedAt: number;
  /** Longest wait for each next block (ms). */
  readonly timeoutMs: number;
  /** Index in `hashes` after the last block received: replies come in request order. */
  next: number;
  /** Blocks and bytes received so far. */
  received: number;
  bytes: number;
  /** The reply's count arrived: its peer started serving it, and its bytes are arriving. */
  answered: boolean;
  /** The other copy, in endgame mode (endgame.ts): the original of a copy, or the copy of an original. */
  twin?: BlockRequest;
  /** Restarts its timeout: any block from its peer shows the link alive (set once the request is out). */
  touch?: () => void;
  /** Aborted to abandon the request (peer gone or banned, sync stopped). */
  readonly controller: AbortController;
  done: boolean;
}

