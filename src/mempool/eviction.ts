/**
 * The size cap (Core's TrimToSize) and the rolling minimum fee it leaves
 * behind (Core's GetMinFee): when the pool is full the cheapest packages go,
 * and for a while nothing cheaper than what was evicted may come back in.
 */
import { compareFeeRates, descendantScore, feeRate, type PoolEntry } from './entry.js';
import type { TxGraph } from './graph.js';

/** Core's ROLLING_FEE_HALFLIFE: the minimum halves every 12 hours once blocks resume. */
const ROLLING_FEE_HALFLIFE = 12 * 60 * 60;

/** The minimum fee rate raised by evictions and decaying after blocks, in sat/vB. */
export class RollingMinFee {
  private rate = 0;
  private lastUpdate = 0;
  private blockSinceBump = false;

  constructor(private readonly incrementalRate: number) {}

  /** Raises the minimum to an evicted package's rate (plus the increment, added by the caller). */
  bump(rate: number): void {
    if (rate <= this.rate) return;
    this.rate = rate;
    this.blockSinceBump = false;
  }

  /** A block arrived: decay may start (Core only decays once blocks show the backlog clearing). */
  onBlock(now: number): void {
    this.lastUpdate = now;
    this.blockSinceBump = true;
  }

  /** The current minimum at `now`, decaying faster while the pool is far below its cap; 0 when none. */
  get(now: number, usage: number, maxUsage: number): number {
    if (!this.blockSinceBump || this.rate === 0) return this.rate;
    if (now > this.lastUpdate + 10) {
      let halfLife = ROLLING_FEE_HALFLIFE;
      if (usage < maxUsage / 4) halfLife /= 4;
      else if (usage < maxUsage / 2) halfLife /= 2;
      this.rate /= 2 ** ((now - this.lastUpdate) / halfLife);
      this.lastUpdate = now;
      // Below half the increment the floor means nothing; drop it entirely.
      if (this.rate < this.incrementalRate / 2) {
        this.rate = 0;
        return 0;
      }
    }
    return Math.max(this.rate, this.incrementalRate);
  }
}

/** The entry whose package goes first: the lowest descendant score, ties to the newest (it has had the least time to relay). */
function worstEntry(graph: TxGraph): PoolEntry | undefined {
  let worst: PoolEntry | undefined;
  let worstScore: { fee: bigint; size: number } | undefined;
  // A linear scan per eviction: evictions are rare and the pool is a Map; a sorted index can come when profiling asks for it.
  for (const entry of graph.entries.values()) {
    const score = descendantScore(entry);
    if (!worst || !worstScore) {
      worst = entry;
      worstScore = score;
      continue;
    }
    const cmp = compareFeeRates(score.fee, score.size, worstScore.fee, worstScore.size);
    if (cmp < 0 || (cmp === 0 && entry.time > worst.time)) {
      worst = entry;
      worstScore = score;
    }
  }
  return worst;
}

/**
 * Evicts packages (an entry with all its descendants) until usage is at most
 * `maxUsage`, reporting each evicted package's rate plus `incrementalRate`
 * to `onPackage` so the rolling minimum can rise to it.
 * @returns the removed entries, in removal order.
 */
export function trimToSize(graph: TxGraph, maxUsage: number, incrementalRate: number, onPackage: (rate: number) => void): PoolEntry[] {
  const removed: PoolEntry[] = [];
  while (graph.usage > maxUsage && graph.size > 0) {
    const worst = worstEntry(graph)!;
    onPackage(feeRate(worst.descendantFees, worst.descendantSize) + incrementalRate);
    removed.push(...graph.remove(graph.withDescendants([worst.txid])));
  }
  return removed;
}
