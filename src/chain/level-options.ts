/**
 * LevelDB's own memory, sized with the chain-state cache (`--dbcache`), as
 * Core gives part of its dbcache to LevelDB. classic-level's defaults (an 8 MB
 * block cache, a 4 MB write buffer, which LevelDB may hold twice while it
 * compacts one) suit the node's default 100 MB cache; a node started with the
 * smallest cache (4 MB, as each of a hundred nodes of `npm run scale`) is
 * asking to be small, and gets LevelDB buffers in proportion.
 */

const MB = 1024 * 1024;

/** The LevelDB options that bound its memory. */
export interface LevelMemoryOptions {
  /** Uncompressed blocks of the table files kept in memory (LevelDB's block cache). */
  cacheSize: number;
  /** Writes gathered in the memtable before it is written out as a table file. */
  writeBufferSize: number;
}

/** classic-level's defaults, kept for a cache of 32 MB or more and for write-through (no cache). */
export const LEVEL_DEFAULTS: LevelMemoryOptions = { cacheSize: 8 * MB, writeBufferSize: 4 * MB };

/** Smallest buffers given, whatever the cache: LevelDB slows down much below this. */
const LEVEL_MINIMUM: LevelMemoryOptions = { cacheSize: 1 * MB, writeBufferSize: 1 * MB };

/** LevelDB's block cache and write buffer for a chain-state cache of `dbcacheBytes` (0: no cache, the defaults). */
export function levelMemoryFor(dbcacheBytes: number): LevelMemoryOptions {
  if (dbcacheBytes <= 0) return LEVEL_DEFAULTS;
  const clamp = (share: number, key: keyof LevelMemoryOptions) => Math.min(LEVEL_DEFAULTS[key], Math.max(LEVEL_MINIMUM[key], Math.floor(dbcacheBytes * share)));
  return { cacheSize: clamp(1 / 4, 'cacheSize'), writeBufferSize: clamp(1 / 8, 'writeBufferSize') };
}
