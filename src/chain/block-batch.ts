/**
 * Calls of `Chain.processBlock` that queue up behind one another share one turn
 * of the chain's queue (issue 15): their blocks are stored one by one, then the
 * best chain is activated once, so that a run of consecutive blocks is connected
 * by one pipeline (connect-pipeline.ts) and their signature checks reach the
 * verify pool as one stream, rather than a handful at a time on this thread.
 * Each call still settles with its own block's result.
 *
 * A batch holds only calls queued one after another: any other call queued on
 * the chain closes it, so no block jumps ahead of a call made before it.
 */
import type { Block } from '../primitives/block.js';
import type { ProcessResult } from './types.js';

/** One queued `processBlock` call. */
export interface QueuedBlock {
  readonly block: Block;
  resolve(result: ProcessResult): void;
  reject(err: unknown): void;
}

/** Blocks in one batch, at most: what the connect pipeline prepares ahead (PIPELINE_LIMITS.maxBlocks). */
export const MAX_BATCH_BLOCKS = 64;

/** The batch that new calls join, while there is one. */
export class BlockBatches {
  private open: QueuedBlock[] | undefined;

  /**
   * `maxBlocks`: a full batch takes no more calls. Every block of a batch is stored before the
   * first connects, so an unbounded one (a sync that downloads faster than it connects) would
   * leave the verify pool idle for ever longer stretches, and answer its calls ever later.
   */
  constructor(private readonly maxBlocks = MAX_BATCH_BLOCKS) {}

  /**
   * Queues `block` in the open batch. Without one, or when it is full, opens a batch and calls
   * `start` with it first: `start` queues the batch's turn, and may close whatever batch was open.
   */
  add(block: Block, start: (batch: QueuedBlock[]) => void): Promise<ProcessResult> {
    return new Promise<ProcessResult>((resolve, reject) => {
      let batch = this.open;
      if (!batch || batch.length >= this.maxBlocks) {
        batch = [];
        start(batch);
        this.open = batch;
      }
      batch.push({ block, resolve, reject });
    });
  }

  /** Closes `batch` (any open one when not given): later calls start a new batch. */
  close(batch?: QueuedBlock[]): void {
    if (batch === undefined || this.open === batch) this.open = undefined;
  }
}
