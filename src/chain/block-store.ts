/**
 * Reads stored blocks for the chain, keeping the most recently used decoded
 * blocks in memory: connecting a block right after accepting it, or serving
 * a reorganization, should not decode it again.
 *
 * The cache is bounded by count and by the blocks' serialized bytes: a
 * decoded block takes several times its size in objects (a 1 MB block of
 * small outputs, about 5 MB), so 64 large blocks would hold hundreds of MB in
 * a node that needs only the last few.
 */
import type { Block } from '../primitives/block.js';
import type { NetworkParams } from '../consensus/params.js';
import type { ChainDB } from './chaindb.js';
import type { ChainEntry } from './entry.js';
import { readStoredBlock, readStoredBlockBytes } from './load.js';

/** Serialized bytes of the decoded blocks the cache keeps at most (the newest block is always kept). */
export const BLOCK_CACHE_BYTES = 2_000_000;

export class BlockStore {
  private readonly cache = new Map<string, Block>();
  private cachedBytes = 0;

  constructor(
    private readonly db: ChainDB,
    private readonly params: NetworkParams,
    private readonly cacheSize: number,
    private readonly cacheBytes = BLOCK_CACHE_BYTES,
  ) {}

  /**
   * The stored block of `entry`.
   * @throws ChainError db-blocks-lost when it is missing, does not decode or does not match
   */
  async get(entry: ChainEntry): Promise<Block> {
    const cached = this.cache.get(entry.hashHex);
    if (cached) return cached;
    const block = await readStoredBlock(this.db, entry, this.params);
    this.remember(block);
    return block;
  }

  /**
   * The stored bytes of `entry`'s block, not decoded (see readStoredBlockBytes).
   * @throws ChainError db-corrupt when the record is not the block, db-blocks-lost when it is gone
   */
  bytes(entry: ChainEntry): Promise<Uint8Array> {
    return readStoredBlockBytes(this.db, entry);
  }

  remember(block: Block): void {
    this.forget(block.hash);
    this.cache.set(block.hash, block);
    this.cachedBytes += block.size;
    while (this.cache.size > 1 && (this.cache.size > this.cacheSize || this.cachedBytes > this.cacheBytes)) {
      this.forget(this.cache.keys().next().value!);
    }
  }

  /** Drops every decoded block (they are read again from the database when asked for). */
  release(): void {
    this.cache.clear();
    this.cachedBytes = 0;
  }

  private forget(hash: string): void {
    const block = this.cache.get(hash);
    if (!block) return;
    this.cache.delete(hash);
    this.cachedBytes -= block.size;
  }
}
