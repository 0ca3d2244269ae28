/**
 * Blocks whose parent is unknown, kept (bounded) until the parent arrives.
 * Anyone can make orphans (with an unknown parent the difficulty cannot be
 * checked), so the pool is bounded in count and in bytes, oldest out first.
 * Losing an honest orphan costs little: the node asks its sender for headers
 * and downloads the missing blocks, this one included (headers-first sync).
 */
import type { Block } from '../primitives/block.js';

/**
 * Serialized bytes of orphans kept at most: five blocks of the largest size. Without it,
 * 100 orphans of nearly 4 MB each could hold 400 MB of memory for whoever sent them.
 */
export const MAX_ORPHAN_BLOCK_BYTES = 20_000_000;

export class OrphanBlocks {
  private readonly byHash = new Map<string, Block>();
  private readonly byParent = new Map<string, Set<string>>();
  private totalBytes = 0;

  constructor(
    private readonly limit: number,
    private readonly maxBytes = MAX_ORPHAN_BLOCK_BYTES,
  ) {}

  get size(): number {
    return this.byHash.size;
  }

  has(hash: string): boolean {
    return this.byHash.has(hash);
  }

  /** Serialized bytes of the orphans held. */
  get bytes(): number {
    return this.totalBytes;
  }

  /** Stores `block`, first dropping the oldest orphans until it fits both bounds. */
  add(block: Block): void {
    if (this.byHash.has(block.hash) || block.size > this.maxBytes) return;
    while (this.byHash.size > 0 && (this.byHash.size >= this.limit || this.totalBytes + block.size > this.maxBytes)) {
      this.remove(this.byHash.keys().next().value!);
    }
    this.byHash.set(block.hash, block);
    this.totalBytes += block.size;
    const siblings = this.byParent.get(block.header.prevHash) ?? new Set<string>();
    siblings.add(block.hash);
    this.byParent.set(block.header.prevHash, siblings);
  }

  /** Removes and returns the orphans whose parent is `parentHash`. */
  takeChildren(parentHash: string): Block[] {
    const children = [...(this.byParent.get(parentHash) ?? [])].map((h) => this.byHash.get(h)!);
    for (const child of children) this.remove(child.hash);
    return children;
  }

  /** The hash of the earliest ancestor we hold for an orphan chain ending at `hash` (what to ask peers for). */
  root(hash: string): string {
    let cur = this.byHash.get(hash);
    while (cur && this.byHash.has(cur.header.prevHash)) cur = this.byHash.get(cur.header.prevHash);
    return cur ? cur.hash : hash;
  }

  private remove(hash: string): void {
    const block = this.byHash.get(hash);
    if (!block) return;
    this.byHash.delete(hash);
    this.totalBytes -= block.size;
    const siblings = this.byParent.get(block.header.prevHash);
    siblings?.delete(hash);
    if (siblings?.size === 0) this.byParent.delete(block.header.prevHash);
  }
}
