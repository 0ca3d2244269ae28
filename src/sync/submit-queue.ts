/**
 * Blocks received and on their way to the node, handed over in groups (issue 15):
 * every block that arrived while the node processed the previous group goes in
 * the next one, all at once, so that the chain takes them in one turn and
 * verifies their signatures as one stream (chain/block-batch.ts). Handing them
 * over one at a time, each after the last was connected, left the verify pool
 * a handful of checks at a time, too few to leave this thread.
 */
export class SubmitQueue<T> {
  private waiting: T[] = [];
  private running = false;

  /** `submitGroup` hands a group over and resolves once the node processed all of it. */
  constructor(private readonly submitGroup: (group: T[]) => Promise<void>) {}

  /** Items queued and not handed over yet. */
  get size(): number {
    return this.waiting.length;
  }

  /**
   * Queues `item`. When no group is being processed, it goes out at once and the promise
   * of that run (until the queue is empty) is returned, to be tracked; otherwise undefined.
   */
  push(item: T): Promise<void> | undefined {
    this.waiting.push(item);
    if (this.running) return undefined;
    this.running = true;
    return this.drain();
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting.length > 0) await this.submitGroup(this.waiting.splice(0));
    } finally {
      this.running = false;
    }
  }
}
