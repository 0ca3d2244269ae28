import { afterEach, describe, expect, it, vi } from 'vitest';
import { BLOCK_GC_DEFAULTS, BlockGc, collectsAfter, fullCollector } from '../../../src/node/block-gc.js';

const SMALL_HEAP = 170 * 1024 * 1024;
const LARGE_HEAP = 4 * 1024 * 1024 * 1024;

describe('collectsAfter', () => {
  it('collects after a large block on a small heap only', () => {
    expect(collectsAfter(990_000, SMALL_HEAP)).toBe(true);
    expect(collectsAfter(BLOCK_GC_DEFAULTS.minBlockBytes - 1, SMALL_HEAP)).toBe(false);
    expect(collectsAfter(990_000, LARGE_HEAP)).toBe(false);
  });
});

describe('fullCollector', () => {
  it('finds a collector that runs', () => {
    const gc = fullCollector();
    expect(gc).toBeTypeOf('function');
    gc!();
  });
});

describe('BlockGc', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('collects once after a run of large blocks, after the quiet time', () => {
    vi.useFakeTimers();
    const collect = vi.fn();
    const gc = new BlockGc(BLOCK_GC_DEFAULTS, { collect, heapLimit: () => SMALL_HEAP });
    gc.blockConnected(990_000);
    vi.advanceTimersByTime(BLOCK_GC_DEFAULTS.delayMs - 1);
    gc.blockConnected(990_000);
    vi.advanceTimersByTime(BLOCK_GC_DEFAULTS.delayMs - 1);
    expect(collect).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(collect).toHaveBeenCalledTimes(1);
    expect(gc.scheduled).toBe(false);
  });

  it('leaves small blocks, large heaps and a stopped node alone', () => {
    vi.useFakeTimers();
    const collect = vi.fn();
    new BlockGc(BLOCK_GC_DEFAULTS, { collect, heapLimit: () => SMALL_HEAP }).blockConnected(1_000);
    new BlockGc(BLOCK_GC_DEFAULTS, { collect, heapLimit: () => LARGE_HEAP }).blockConnected(990_000);
    const stopped = new BlockGc(BLOCK_GC_DEFAULTS, { collect, heapLimit: () => SMALL_HEAP });
    stopped.blockConnected(990_000);
    expect(stopped.scheduled).toBe(true);
    stopped.stop();
    vi.advanceTimersByTime(10 * BLOCK_GC_DEFAULTS.delayMs);
    expect(collect).not.toHaveBeenCalled();
  });
});
