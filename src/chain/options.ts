/** Chain service options and their defaults. */
import type { NetworkParams } from '../consensus/params.js';

export interface ChainOptions {
  /** Folder of the chain's LevelDB database. */
  path: string;
  params: NetworkParams;
  /** Blocks with unknown parents kept at most. */
  maxOrphans?: number;
  /**
   * Recently used blocks kept in memory, at most (their bytes are bounded too: block-store.ts).
   * Enough for the blocks sync receives ahead of the tip, so that they connect without being read back.
   */
  blockCacheSize?: number;
  /**
   * Memory for chain-state writes not yet on disk (state-cache.ts; `--dbcache`), bytes.
   * 0 writes each block's changes through at once (the library's default; the node's is 100 MB).
   */
  dbcacheBytes?: number;
  /** Seconds between flushes of the state cache when it does not fill (bounds the replay after a crash). */
  flushIntervalSeconds?: number;
}

export const CHAIN_DEFAULTS = {
  maxOrphans: 100,
  blockCacheSize: 1024,
  dbcacheBytes: 0,
  flushIntervalSeconds: 300,
} as const;
