/**
 * Headers-sync anti-DoS, after Bitcoin Core (GetAntiDoSWorkThreshold and the
 * headers presync of HeadersSyncState, simplified). A header costs its sender
 * only its proof of work, and on a branch far below our tip that work buys
 * nothing, so a peer could otherwise fill the header index (memory and disk)
 * with cheap old branches. A branch is therefore stored only once its headers
 * show at least the tip's work minus a margin of blocks. Until then a peer's
 * full batches are held here, in memory and bounded; a branch that ends (a
 * short batch) or outgrows the bound below the threshold is dropped.
 */
import type { BlockHeader } from '../primitives/block.js';
import { checkProofOfWork, getBlockWork } from '../consensus/pow.js';
import type { ChainEntry } from '../chain/index.js';

/** What to do with a batch of headers. */
export type HeldVerdict =
  /** Process these headers (the held ones first) as usual: they may be stored. */
  | { kind: 'store'; headers: readonly BlockHeader[] }
  /** The batch is held: ask for the headers after `locator`. */
  | { kind: 'hold'; locator: string[] }
  /** Forget the branch: its work stays below the threshold. `non-continuous-headers` also blames the peer. */
  | { kind: 'drop'; reason: 'low-work' | 'non-continuous-headers'; height: number };

export interface HeldHeadersContext {
  /** Headers held at most (one peer's sync). */
  maxHeld: number;
  /** The least chain work worth storing headers for, now. */
  threshold(): bigint;
  getEntry(hash: string): ChainEntry | undefined;
  /** A block locator from `entry`. */
  locator(entry: ChainEntry): string[];
}

/** The least chain work worth storing headers for: the tip's minus `blocks` blocks at its difficulty. */
export function antiDoSThreshold(tip: ChainEntry, blocks: number): bigint {
  const threshold = tip.chainWork - BigInt(blocks) * getBlockWork(tip.header.bits);
  return threshold > 0n ? threshold : 0n;
}

/**
 * Whether a header on `parent` would leave its branch below `threshold`. The same rule
 * applied to an unrequested (gossiped) block, which Core keeps only with enough work
 * (AcceptBlock): its proof of work is all it costs the sender.
 */
export function belowThreshold(parent: ChainEntry, header: BlockHeader, threshold: bigint): boolean {
  return parent.chainWork + provenWork(header) < threshold;
}

/**
 * The work a header proves: what its bits claim when its hash meets them, else
 * nothing. Whether the bits are the required ones is checked when it is stored;
 * bits harder than required still took that much work to meet.
 */
function provenWork(header: BlockHeader): bigint {
  return checkProofOfWork(header.hash, header.bits) ? getBlockWork(header.bits) : 0n;
}

/** One peer's low-work headers, held until they show enough work (one headers sync, then discarded). */
export class HeldHeaders {
  private readonly held: BlockHeader[] = [];
  private base: ChainEntry | undefined;
  private work = 0n;

  constructor(private readonly ctx: HeldHeadersContext) {}

  /**
   * Screens a batch that follows the held headers (or starts a branch). `full`
   * means the peer may have more after it. A batch whose parent is unknown is
   * passed on, to be refused as usual.
   */
  add(batch: readonly BlockHeader[], full: boolean): HeldVerdict {
    const first = batch[0];
    // An empty batch: the peer has nothing after what is held.
    if (!first) return this.held.length > 0 ? this.drop('low-work') : { kind: 'store', headers: batch };
    if (!this.base) {
      const parent = this.ctx.getEntry(first.prevHash);
      if (!parent || parent.failed) return { kind: 'store', headers: batch };
      this.base = parent;
      this.work = parent.chainWork;
    }
    // Only a chain's work counts: stop at a header that does not follow the one before.
    let previous = this.held.length > 0 ? this.held[this.held.length - 1]!.hash : this.base.hashHex;
    let continuous = true;
    for (const header of batch) {
      if (header.prevHash !== previous) {
        continuous = false;
        break;
      }
      this.work += provenWork(header);
      previous = header.hash;
    }
    if (this.work >= this.ctx.threshold()) {
      // Stored in order, so a broken or invalid header is reported where it is, as for any batch.
      const headers = [...this.held, ...batch];
      this.reset();
      return { kind: 'store', headers };
    }
    if (!continuous) return this.drop('non-continuous-headers');
    if (!full || this.held.length + batch.length > this.ctx.maxHeld) return this.drop('low-work', batch.length);
    this.held.push(...batch);
    return { kind: 'hold', locator: [previous, ...this.ctx.locator(this.base)] };
  }

  private drop(reason: 'low-work' | 'non-continuous-headers', extra = 0): HeldVerdict {
    const height = (this.base?.height ?? 0) + this.held.length + extra;
    this.reset();
    return { kind: 'drop', reason, height };
  }

  private reset(): void {
    this.held.length = 0;
    this.base = undefined;
    this.work = 0n;
  }
}
