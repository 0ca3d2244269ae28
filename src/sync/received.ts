/**
 * Blocks received and handed to the node but not yet processed: never asked
 * for again meanwhile, and bounded in count and in bytes, so that a node that
 * validates slower than it downloads stops downloading instead of piling
 * blocks up in memory. A count alone would either starve peers of work with
 * small blocks or hold gigabytes with large ones.
 */
export class ReceivedBlocks {
  private readonly sizes = new Map<string, number>();
  private total = 0;

  constructor(private readonly limits: { maxQueuedBlocks: number; maxQueuedBytes: number }) {}

  get size(): number {
    return this.sizes.size;
  }

  get bytes(): number {
    return this.total;
  }

  /** At or over a bound: download pauses until the node catches up. */
  get full(): boolean {
    return this.sizes.size >= this.limits.maxQueuedBlocks || this.total >= this.limits.maxQueuedBytes;
  }

  has(hash: string): boolean {
    return this.sizes.has(hash);
  }

  add(hash: string, bytes: number): void {
    if (this.sizes.has(hash)) return;
    this.sizes.set(hash, bytes);
    this.total += bytes;
  }

  delete(hash: string): void {
    const bytes = this.sizes.get(hash);
    if (bytes === undefined) return;
    this.sizes.delete(hash);
    this.total -= bytes;
  }
}
