import { afterEach, describe, expect, it, vi } from 'vitest';
import { BLOCK_GC_DEFAULTS, BlockGc, collectsAfter, compactingCollector, fullCollector } from '../../../src/node/block-gc.js';

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

describe('compactingCollector', () => {
  it('gives back the pages a fragmented old generation was left on', async () => {
    const collect = compactingCollector();
    expect(collect).toBeTypeOf('function');
    collect!();
    let all: { i: number; s: string }[] | undefined = Array.from({ length: 400_000 }, (_, i) => ({ i, s: `x${i}` }));
    // Old enough to be promoted, then one object in 20 kept: most pages keep a live object.
    fullCollector()!();
    const kept = all.filter((_, i) => i % 20 === 0);
    all = undefined;
    const before = process.memoryUsage().heapTotal;
    collect!();
    const after = process.memoryUsage().heapTotal;
    expect(kept).toHaveLength(20_000);
    expect(before - after).toBeGreaterThan(15_000_000);
  });
});

describe('BlockGc', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('collects once after a run of large blocks, after the quiet time', async () => {
    vi.useFakeTimers();
    const collect = vi.fn();
    const gc = new BlockGc(BLOCK_GC_DEFAULTS, { collect, heapLimit: () => SMALL_HEAP });
    gc.blockConnected(990_000);
    await vi.advanceTimersByTimeAsync(BLOCK_GC_DEFAULTS.delayMs - 1);
    gc.blockConnected(990_000);
    await vi.advanceTimersByTimeAsync(BLOCK_GC_DEFAULTS.delayMs - 1);
    expect(collect).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(collect).toHaveBeenCalledTimes(1);
    expect(gc.scheduled).toBe(false);
  });

  it('releases the kept blocks first, then collects; a failed release still collects', async () => {
    vi.useFakeTimers();
    const order: string[] = [];
    const collect = vi.fn(() => order.push('collect'));
    const release = vi.fn(async () => {
      order.push('release');
    });
    new BlockGc(BLOCK_GC_DEFAULTS, { collect, release, heapLimit: () => SMALL_HEAP }).blockConnected(990_000);
    await vi.advanceTimersByTimeAsync(BLOCK_GC_DEFAULTS.delayMs);
    expect(order).toEqual(['release', 'collect']);
    const failing = vi.fn(() => Promise.reject(new Error('chain closed')));
    new BlockGc(BLOCK_GC_DEFAULTS, { collect, release: failing, heapLimit: () => SMALL_HEAP }).blockConnected(990_000);
    await vi.advanceTimersByTimeAsync(BLOCK_GC_DEFAULTS.delayMs);
    expect(failing).toHaveBeenCalledTimes(1);
    expect(collect).toHaveBeenCalledTimes(2);
  });

  it('does not collect when stopped while the release runs', async () => {
    vi.useFakeTimers();
    const collect = vi.fn();
    let finish!: () => void;
    const release = () => new Promise<void>((resolve) => (finish = resolve));
    const gc = new BlockGc(BLOCK_GC_DEFAULTS, { collect, release, heapLimit: () => SMALL_HEAP });
    gc.blockConnected(990_000);
    await vi.advanceTimersByTimeAsync(BLOCK_GC_DEFAULTS.delayMs);
    gc.stop();
    finish();
    await vi.advanceTimersByTimeAsync(1);
    expect(collect).not.toHaveBeenCalled();
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
