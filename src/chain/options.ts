/** Chain service options and their defaults. */
import type { NetworkParams } from '../consensus/params.js';

export interface ChainOptions {
  /** Folder of the chain's LevelDB database. */
  path: string;
  params: NetworkParams;
  /** Blocks with unknown parents kept at most. */
  maxOrphans?: number;
  /** Recently used blocks kept in memory. */
  blockCacheSize?: number;
}

export const CHAIN_DEFAULTS = {
  maxOrphans: 100,
  blockCacheSize: 64,
} as const;
