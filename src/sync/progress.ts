/**
 * Sync progress: notices when the node starts and stops catching up, measures
 * blocks and bytes per second over a sliding window, and logs a line every
 * interval while it lasts (none when the interval is 0: a terminal shows a
 * live line instead, drawn by the CLI from {@link SyncProgress.snapshot}).
 */
import type { ChainEntry } from '../chain/index.js';
import type { LogWriter } from '../util/logger.js';

/** Rates are measured over this much recent time (ms): long enough to smooth bursts, short enough to follow a change. */
export const RATE_WINDOW_MS = 10_000;
/** Samples are taken at most this often (ms); sync passes run far more often. */
const SAMPLE_EVERY_MS = 500;

interface Sample {
  at: number;
  height: number;
  bytes: number;
}

/** What a person wants to see of a sync under way. */
export interface ProgressSnapshot {
  height: number;
  bestHeight: number;
  /** Blocks connected, as a share of the best known header's height (0..100). */
  percent: number;
  blocksPerSecond: number;
  /** Block bytes received per second. */
  bytesPerSecond: number;
  /** Seconds left at the current rate; null until a rate is known. */
  etaSeconds: number | null;
  /** Peers that delivered blocks within the rate window. */
  peersServing: number;
}

export class SyncProgress {
  private active = false;
  private startedAt = 0;
  private startHeight = 0;
  private lastLogAt = 0;
  private logged = false;
  private bytes = 0;
  private samples: Sample[] = [];
  private readonly servedAt = new Map<string, number>();
  private last: ProgressSnapshot | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly log: LogWriter,
  ) {}

  /** Blocks connected per second over the rate window (0 when not syncing). */
  get blocksPerSecond(): number {
    return this.active ? (this.last?.blocksPerSecond ?? 0) : 0;
  }

  /** `peerId` delivered `bytes` of blocks at `now` (ms on the sync clock). */
  delivered(peerId: string, bytes: number, now: number): void {
    this.bytes += bytes;
    this.servedAt.set(peerId, now);
  }

  /** The peer left: it serves nothing any more. */
  forget(peerId: string): void {
    this.servedAt.delete(peerId);
  }

  /** Where the sync under way stands; undefined when the node is not catching up. */
  snapshot(): ProgressSnapshot | undefined {
    return this.active ? this.last : undefined;
  }

  /** Called at every sync pass; `now` is on the sync clock (ms). */
  check(now: number, tip: ChainEntry, best: ChainEntry): void {
    if (best.chainWork > tip.chainWork) {
      if (!this.active) this.begin(now, tip.height);
      this.sample(now, tip, best);
      if (this.intervalMs > 0 && now - this.lastLogAt >= this.intervalMs) this.report(now);
      return;
    }
    if (!this.active) return;
    this.active = false;
    // A one-block catch-up after a gossip gap is routine; a real sync is worth a line.
    const level = this.logged || tip.height - this.startHeight > 1 ? 'info' : 'debug';
    this.log[level]({ height: tip.height, tip: tip.hashHex, seconds: Math.round((now - this.startedAt) / 1000) }, 'sync complete');
  }

  private begin(now: number, height: number): void {
    this.active = true;
    this.startedAt = this.lastLogAt = now;
    this.startHeight = height;
    this.logged = false;
    this.samples = [{ at: now, height, bytes: this.bytes }];
    this.last = undefined;
  }

  /** Keeps a sample every half second or so; measures against the oldest of the window at every pass. */
  private sample(now: number, tip: ChainEntry, best: ChainEntry): void {
    const current = { at: now, height: tip.height, bytes: this.bytes };
    if (now - this.samples.at(-1)!.at >= SAMPLE_EVERY_MS) this.samples.push(current);
    while (this.samples.length > 2 && now - this.samples[1]!.at >= RATE_WINDOW_MS) this.samples.shift();
    for (const [peer, at] of this.servedAt) if (now - at > RATE_WINDOW_MS) this.servedAt.delete(peer);
    this.last = measure(this.samples[0]!, current, tip, best, this.servedAt.size);
  }

  private report(now: number): void {
    this.lastLogAt = now;
    this.logged = true;
    const s = this.last!;
    this.log.info({
      height: s.height, bestHeight: s.bestHeight, percent: round1(s.percent), blocksPerSecond: round1(s.blocksPerSecond),
      mbPerSecond: round1(s.bytesPerSecond / 1e6), secondsLeft: s.etaSeconds, peers: s.peersServing,
    }, 'sync progress');
  }
}

/** Rates between the oldest sample of the window and now. */
function measure(first: Sample, newest: Sample, tip: ChainEntry, best: ChainEntry, peersServing: number): ProgressSnapshot {
  const seconds = (newest.at - first.at) / 1000;
  const blocksPerSecond = seconds > 0 ? Math.max(0, (newest.height - first.height) / seconds) : 0;
  const bytesPerSecond = seconds > 0 ? (newest.bytes - first.bytes) / seconds : 0;
  const left = Math.max(0, best.height - tip.height);
  return {
    height: tip.height,
    bestHeight: best.height,
    percent: best.height > 0 ? (100 * tip.height) / best.height : 100,
    blocksPerSecond,
    bytesPerSecond,
    etaSeconds: blocksPerSecond > 0 ? Math.round(left / blocksPerSecond) : null,
    peersServing,
  };
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
