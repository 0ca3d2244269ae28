/**
 * Hands received blocks to the node in groups (submit-queue.ts), so that the
 * chain connects each group in one turn (chain/block-batch.ts). A block that
 * breaks a rule costs its sender the error's penalty; one stored on a side
 * branch is remembered with its sender until its branch connects (senders.ts).
 */
import type { Block } from '../primitives/block.js';
import { RuleError } from '../consensus/errors.js';
import { verdictFor } from '../network/penalty.js';
import type { SyncContext } from './context.js';
import type { PeerState } from './peer-state.js';
import type { ReceivedBlocks } from './received.js';
import { Senders } from './senders.js';
import { SubmitQueue } from './submit-queue.js';

export class BlockSubmitter {
  private readonly queue = new SubmitQueue<{ peer: PeerState; block: Block }>((group) => this.submitGroup(group));
  private readonly senders: Senders;

  /** `pending`: the downloader's received blocks, each taken out once the node has processed it. `window`: the download window. */
  constructor(
    private readonly ctx: SyncContext,
    private readonly pending: ReceivedBlocks,
    window: number,
  ) {
    this.senders = new Senders(window, ctx);
  }

  /** Queues a received block for the node, after those received before it. */
  push(peer: PeerState, block: Block): void {
    const run = this.queue.push({ peer, block });
    if (run) this.ctx.track(run);
  }

  /** Blames the senders of stored blocks that failed when their branch connected. */
  sweep(): void {
    this.senders.sweep();
  }

  /** Hands a group to the node together: the chain connects it in one turn. */
  private async submitGroup(group: readonly { peer: PeerState; block: Block }[]): Promise<void> {
    await Promise.all(group.map(({ peer, block }) => this.submitOne(peer, block)));
  }

  private async submitOne(peer: PeerState, block: Block): Promise<void> {
    try {
      // After a ban the blocks of its peer not handed over yet are left for honest peers to send again.
      if (this.ctx.isRunning() && !peer.banned) await this.submit(peer, block);
    } finally {
      this.pending.delete(block.hash);
      this.ctx.schedule();
    }
  }

  private async submit(peer: PeerState, block: Block): Promise<void> {
    try {
      const result = await this.ctx.node.submitBlock(block);
      if (result.status === 'side') this.senders.remember(block.hash, peer.id);
    } catch (err) {
      if (!(err instanceof RuleError)) {
        this.ctx.log.warn({ hash: block.hash, err: (err as Error).message }, 'block submission failed');
        return;
      }
      this.ctx.log.debug({ peer: peer.id, hash: block.hash, code: err.code, corruptionPossible: err.corruptionPossible }, 'peer sent an invalid block');
      // The error's own score even when `corruptionPossible`: as in Core, a mutated copy
      // of a valid block is the sender's doing. The header stays valid, so the real block
      // is simply fetched again from someone else.
      const { penalty } = verdictFor(err, 'sync');
      if (penalty > 0) this.ctx.punish(peer.id, penalty, err.code);
    }
  }
}
