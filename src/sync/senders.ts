/**
 * Who sent each block that was stored but not connected yet. A block that
 * arrives before its parent is only checked in full when its branch connects,
 * during some other block's submission, so its verdict reaches nobody: the
 * sweep finds it here and blames the sender.
 */
import { BlockStatus } from '../chain/index.js';
import { verdictForCode } from '../network/penalty.js';
import type { SyncContext } from './context.js';

export class Senders {
  private readonly byHash = new Map<string, string>();

  /** `window`: how far behind the tip a side block may lie before it is forgotten (and the bound, twice that). */
  constructor(
    private readonly window: number,
    private readonly ctx: Pick<SyncContext, 'node' | 'punish'>,
  ) {}

  remember(hash: string, peerId: string): void {
    // Bounded: the oldest entries are the least likely to still matter.
    if (this.byHash.size >= 2 * this.window) this.byHash.delete(this.byHash.keys().next().value!);
    this.byHash.set(hash, peerId);
  }

  /** Blames the senders of stored blocks that failed when their branch connected. */
  sweep(): void {
    const tip = this.ctx.node.tip;
    for (const [hash, peerId] of this.byHash) {
      const entry = this.ctx.node.getEntry(hash);
      if (!entry || entry.valid) {
        this.byHash.delete(hash);
      } else if ((entry.status & BlockStatus.FAILED) !== 0) {
        this.byHash.delete(hash);
        this.ctx.punish(peerId, verdictForCode('invalid-block', 'sync').penalty, 'invalid-block');
      } else if (entry.failed || entry.height + this.window < tip.height) {
        // Failed because of an ancestor (its sender is blamed for that one), or a side
        // branch left far behind that may never connect.
        this.byHash.delete(hash);
      }
    }
  }
}
