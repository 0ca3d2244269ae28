/**
 * Fee estimation for `estimatesmartfee`, a simplified Bitcoin Core
 * CBlockPolicyEstimator: transactions are sorted into exponentially spaced
 * fee-rate buckets; each block decays old data and records, per bucket, how
 * many transactions confirmed within each target. An estimate is the lowest
 * group of buckets (scanning down from the highest rate) in which at least
 * 85% of transactions confirmed within the target.
 *
 * Simplifications against Core: one time horizon instead of three, targets
 * up to `maxTarget` blocks, and no estimates file across restarts.
 */
import type { FeeEstimate } from './interface.js';

/** Tuning of the {@link FeeEstimator}; defaults in {@link defaultFeeEstimatorOptions}. */
export interface FeeEstimatorOptions {
  /** Lowest bucket boundary, sat/vB. */
  minFeeRate: number;
  /** Highest bucket boundary, sat/vB. */
  maxFeeRate: number;
  /** Ratio between neighbouring bucket boundaries (Core's FEE_SPACING). */
  spacing: number;
  /** Longest target tracked, in blocks. */
  maxTarget: number;
  /** Weight each block leaves on older data (Core's medium horizon uses 0.9952). */
  decay: number;
  /** Share of transactions that must have confirmed within the target. */
  successThreshold: number;
  /** Transactions per block a bucket group needs on average before it is trusted (Core's SUFFICIENT_FEETXS). */
  sufficientTxsPerBlock: number;
}

/** Defaults: 0.1 to 10,000 sat/vB in 5% steps, targets up to 144 blocks, 85% success. */
export const defaultFeeEstimatorOptions: Readonly<FeeEstimatorOptions> = Object.freeze({
  minFeeRate: 0.1,
  maxFeeRate: 10_000,
  spacing: 1.05,
  maxTarget: 144,
  decay: 0.998,
  successThreshold: 0.85,
  sufficientTxsPerBlock: 0.1,
});

interface Tracked {
  bucket: number;
  feeRate: number;
  height: number;
}

/** Bucketed confirmation statistics, fed by the mempool (entries and blocks), answering estimatesmartfee. */
export class FeeEstimator {
  readonly opts: FeeEstimatorOptions;
  /** Lower boundary of each bucket, ascending. */
  private readonly bounds: number[] = [];
  /** Decayed count and fee-rate sum of confirmed transactions per bucket. */
  private readonly txCount: number[];
  private readonly feeSum: number[];
  /** [target - 1][bucket]: decayed count confirmed within `target` blocks. */
  private readonly confirmed: number[][];
  /** [target - 1][bucket]: decayed count that left unconfirmed after waiting at least `target` blocks. */
  private readonly failed: number[][];
  private readonly tracked = new Map<string, Tracked>();
  /** Height of the newest block or entry seen: "now" for measuring waits. */
  private bestHeight = 0;
  /** Height of the last block processed; blocks at or below it (reconnected after a reorg) are not counted twice. */
  private lastBlockHeight = 0;
  /**
   * False until anything is recorded: decaying zeros changes nothing, so a node in initial
   * block download with an empty pool (Core skips fee estimation in IBD) pays nothing per block.
   */
  private recorded = false;

  constructor(opts: Partial<FeeEstimatorOptions> = {}) {
    this.opts = { ...defaultFeeEstimatorOptions, ...opts };
    for (let b = this.opts.minFeeRate; b <= this.opts.maxFeeRate; b *= this.opts.spacing) this.bounds.push(b);
    const n = this.bounds.length;
    this.txCount = new Array<number>(n).fill(0);
    this.feeSum = new Array<number>(n).fill(0);
    this.confirmed = Array.from({ length: this.opts.maxTarget }, () => new Array<number>(n).fill(0));
    this.failed = Array.from({ length: this.opts.maxTarget }, () => new Array<number>(n).fill(0));
  }

  /** Starts tracking a transaction that entered the pool at `height` paying `feeRate` sat/vB. */
  trackTransaction(txid: string, feeRate: number, height: number): void {
    if (this.tracked.has(txid)) return;
    this.tracked.set(txid, { bucket: this.bucketOf(feeRate), feeRate, height });
    this.bestHeight = Math.max(this.bestHeight, height);
  }

  /** Stops tracking; `failedAtHeight` records it as never confirmed (evicted or expired) after waiting since entry. */
  removeTransaction(txid: string, failedAtHeight?: number): void {
    const t = this.tracked.get(txid);
    if (!t) return;
    this.tracked.delete(txid);
    if (failedAtHeight === undefined) return;
    this.recorded = true;
    const waited = Math.min(failedAtHeight - t.height, this.opts.maxTarget);
    for (let target = 1; target <= waited; target++) this.failed[target - 1]![t.bucket]! += 1;
  }

  /** A block at `height` confirmed `txids`: decay old data, then record how long each tracked one waited. */
  processBlock(height: number, txids: Iterable<string>): void {
    const fresh = height > this.lastBlockHeight;
    if (fresh) {
      this.lastBlockHeight = height;
      this.bestHeight = Math.max(this.bestHeight, height);
      this.decay();
    }
    for (const txid of txids) {
      const t = this.tracked.get(txid);
      if (!t) continue;
      this.tracked.delete(txid);
      const waited = height - t.height;
      // A stale block, or one at the height it entered at, says nothing about how long it waited.
      if (fresh && waited > 0) this.recordConfirmation(t.bucket, waited, t.feeRate);
    }
  }

  /** Records one confirmation directly (for tests and for replaying history). */
  recordConfirmation(bucket: number, waited: number, feeRate = this.bounds[bucket]!): void {
    this.recorded = true;
    this.txCount[bucket]! += 1;
    this.feeSum[bucket]! += feeRate;
    for (let target = Math.max(waited, 1); target <= this.opts.maxTarget; target++) this.confirmed[target - 1]![bucket]! += 1;
  }

  /** Index of the bucket holding `feeRate`. */
  bucketOf(feeRate: number): number {
    let lo = 0;
    let hi = this.bounds.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.bounds[mid]! <= feeRate) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Fee rate (sat/vB) at which 85% of transactions confirmed within `target` blocks, or undefined without enough data. */
  estimateFee(target: number): number | undefined {
    if (!Number.isInteger(target) || target < 1 || target > this.opts.maxTarget) return undefined;
    const needed = this.opts.sufficientTxsPerBlock / (1 - this.opts.decay);
    const waiting = this.waitingAtLeast(target);
    let best: number | undefined;
    let group = { count: 0, fees: 0, confirmed: 0, total: 0 };
    // From the highest rate down: as long as groups confirm reliably, a cheaper group is a better answer.
    for (let b = this.bounds.length - 1; b >= 0; b--) {
      group.count += this.txCount[b]!;
      group.fees += this.feeSum[b]!;
      group.confirmed += this.confirmed[target - 1]![b]!;
      group.total += this.txCount[b]! + this.failed[target - 1]![b]! + (waiting[b] ?? 0);
      if (group.count < needed) continue;
      if (group.confirmed / group.total < this.opts.successThreshold) break;
      best = group.fees / group.count;
      group = { count: 0, fees: 0, confirmed: 0, total: 0 };
    }
    return best;
  }

  /**
   * `estimatesmartfee`: the estimate for `target`, or for the nearest longer
   * target with enough data, saying which target it answers for. A one-block
   * target is answered as two, as Core does: the next block alone is too noisy.
   */
  estimateSmartFee(target: number): FeeEstimate {
    const start = Math.min(Math.max(Math.floor(target), 2), this.opts.maxTarget);
    for (let t = start; t <= this.opts.maxTarget; t++) {
      const feerate = this.estimateFee(t);
      if (feerate !== undefined) return { feerate, blocks: t };
    }
    return { blocks: 0, errors: ['Insufficient data or no feerate found'] };
  }

  /** Counts of tracked transactions, per bucket, that have waited at least `target` blocks: evidence against that bucket. */
  private waitingAtLeast(target: number): number[] {
    const counts: number[] = [];
    for (const t of this.tracked.values()) {
      if (this.bestHeight - t.height >= target) counts[t.bucket] = (counts[t.bucket] ?? 0) + 1;
    }
    return counts;
  }

  private decay(): void {
    if (!this.recorded) return;
    const d = this.opts.decay;
    for (let b = 0; b < this.bounds.length; b++) {
      this.txCount[b]! *= d;
      this.feeSum[b]! *= d;
    }
    for (const row of [...this.confirmed, ...this.failed]) for (let b = 0; b < row.length; b++) row[b]! *= d;
  }
}
