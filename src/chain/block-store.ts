/**
 * Reads stored blocks for the chain, keeping the most recently used decoded
 * blocks in memory: connecting a block right after accepting it, or serving
 * a reorganization, should not decode it again.
 */
import type { Block } from '../primitives/block.js';
import type { NetworkParams } from '../consensus/params.js';
import type { ChainDB } from './chaindb.js';
import type { ChainEntry } from './entry.js';
import { readStoredBlock, readStoredBlockBytes } from './load.js';

export class BlockStore {
  private readonly cache = new Map<string, Block>();

  constructor(
    private readonly db: ChainDB,
    private readonly params: NetworkParams,
    private readonly cacheSize: number,
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
    this.cache.delete(block.hash);
    this.cache.set(block.hash, block);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
  }
}
