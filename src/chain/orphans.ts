/** Blocks whose parent is unknown, kept (bounded) until the parent arrives. */
import type { Block } from '../primitives/block.js';

export class OrphanBlocks {
  private readonly byHash = new Map<string, Block>();
  private readonly byParent = new Map<string, Set<string>>();

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.byHash.size;
  }

  has(hash: string): boolean {
    return this.byHash.has(hash);
  }

  /** Stores `block`; the oldest orphan is dropped when the pool is full. */
  add(block: Block): void {
    if (this.byHash.has(block.hash)) return;
    if (this.byHash.size >= this.limit) this.remove(this.byHash.keys().next().value!);
    this.byHash.set(block.hash, block);
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
    const siblings = this.byParent.get(block.header.prevHash);
    siblings?.delete(hash);
    if (siblings?.size === 0) this.byParent.delete(block.header.prevHash);
  }
}
