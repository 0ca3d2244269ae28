/**
 * Sync progress: notices when the node starts and stops catching up, measures
 * blocks per second, and logs a line every interval while it lasts.
 */
import type { ChainEntry } from '../chain/index.js';
import type { LogWriter } from '../util/logger.js';

export class SyncProgress {
  private active = false;
  private startedAt = 0;
  private startHeight = 0;
  private lastAt = 0;
  private lastHeight = 0;
  private logged = false;
  /** Blocks connected per second over the last progress interval. */
  blocksPerSecond = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly log: LogWriter,
  ) {}

  /** Called at every sync pass; `now` is on the sync clock (ms). */
  check(now: number, tip: ChainEntry, best: ChainEntry): void {
    if (best.chainWork > tip.chainWork) {
      if (!this.active) this.begin(now, tip.height);
      else if (now - this.lastAt >= this.intervalMs) this.report(now, tip, best);
      return;
    }
    if (!this.active) return;
    this.active = false;
    this.blocksPerSecond = 0;
    // A one-block catch-up after a gossip gap is routine; a real sync is worth a line.
    const level = this.logged || tip.height - this.startHeight > 1 ? 'info' : 'debug';
    this.log[level]({ height: tip.height, tip: tip.hashHex, seconds: Math.round((now - this.startedAt) / 1000) }, 'sync complete');
  }

  private begin(now: number, height: number): void {
    this.active = true;
    this.startedAt = this.lastAt = now;
    this.startHeight = this.lastHeight = height;
    this.blocksPerSecond = 0;
    this.logged = false;
  }

  private report(now: number, tip: ChainEntry, best: ChainEntry): void {
    this.blocksPerSecond = Math.max(0, ((tip.height - this.lastHeight) * 1000) / (now - this.lastAt));
    this.lastAt = now;
    this.lastHeight = tip.height;
    this.logged = true;
    const left = best.height - tip.height;
    const secondsLeft = this.blocksPerSecond > 0 ? Math.round(left / this.blocksPerSecond) : null;
    const blocksPerSecond = Math.round(this.blocksPerSecond * 10) / 10;
    this.log.info({ height: tip.height, bestHeight: best.height, blocksPerSecond, secondsLeft }, 'sync progress');
  }
}
