import { describe, expect, it } from 'vitest';
import { LEVEL_DEFAULTS, levelMemoryFor } from '../../../src/chain/level-options.js';

const MB = 1024 * 1024;

describe('levelMemoryFor', () => {
  it("keeps classic-level's defaults without a cache and for the node's default cache", () => {
    expect(levelMemoryFor(0)).toEqual(LEVEL_DEFAULTS);
    expect(levelMemoryFor(100 * 1_000_000)).toEqual(LEVEL_DEFAULTS);
  });

  it('gives a small cache small LevelDB buffers, never below 1 MB', () => {
    expect(levelMemoryFor(4 * 1_000_000)).toEqual({ cacheSize: 1 * MB, writeBufferSize: 1 * MB });
    expect(levelMemoryFor(16 * MB)).toEqual({ cacheSize: 4 * MB, writeBufferSize: 2 * MB });
    expect(levelMemoryFor(10_000)).toEqual({ cacheSize: 1 * MB, writeBufferSize: 1 * MB });
  });
});
