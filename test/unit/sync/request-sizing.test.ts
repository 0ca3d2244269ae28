import { describe, expect, it } from 'vitest';
import { SYNC_DEFAULTS } from '../../../src/sync/options.js';
import { blocksPerRequest, blockTimeoutMs, movingAverage } from '../../../src/sync/request-sizing.js';

const opts = SYNC_DEFAULTS;
const unmeasured = { latencyMs: undefined, bytesPerSecond: undefined };
const MB = 1_000_000;

describe('blocksPerRequest', () => {
  it('asks a peer not measured yet for the default range, fewer when blocks are large', () => {
    expect(blocksPerRequest(unmeasured, undefined, opts)).toBe(16);
    expect(blocksPerRequest(unmeasured, 300, opts)).toBe(16);
    // 4 s at the assumed 1 Mbit/s carries 500 kB: one 1 MB block, not sixteen.
    expect(blocksPerRequest(unmeasured, MB, opts)).toBe(1);
  });

  it('scales with the measured throughput, in bytes, between 1 and 128 blocks', () => {
    const fast = { latencyMs: 20, bytesPerSecond: 4 * MB };
    const slow = { latencyMs: 20, bytesPerSecond: 0.5 * MB };
    expect(blocksPerRequest(fast, 100_000, opts)).toBe(128);
    expect(blocksPerRequest(fast, MB, opts)).toBe(16);
    expect(blocksPerRequest(slow, MB, opts)).toBe(2);
    expect(blocksPerRequest(slow, 4 * MB, opts)).toBe(1);
    expect(blocksPerRequest(fast, MB, { ...opts, maxRangeSize: 4 })).toBe(4);
    // Never more than the protocol's 128, whatever the option says.
    expect(blocksPerRequest(fast, 300, { ...opts, maxRangeSize: 1000 })).toBe(128);
  });
});

describe('blockTimeoutMs', () => {
  it('gives a peer not measured yet the longest timeout plus the block at the slowest assumed rate', () => {
    expect(blockTimeoutMs(unmeasured, undefined, opts)).toBe(10_000);
    expect(blockTimeoutMs(unmeasured, MB, opts)).toBe(18_000);
  });

  it('follows the bytes expected at the measured rate, never learnt from small blocks and kept for large ones', () => {
    const peer = { latencyMs: 10, bytesPerSecond: MB };
    // Small blocks: the floor.
    expect(blockTimeoutMs(peer, 1_000, opts)).toBe(2_000);
    // 4 MB at 1 MB/s: 3 × (10 ms + 4 s).
    expect(blockTimeoutMs(peer, 4 * MB, opts)).toBe(12_030);
    // A very slow link still gets 3 × its bytes at the slowest assumed rate at most.
    expect(blockTimeoutMs({ latencyMs: 10, bytesPerSecond: 1_000 }, 4 * MB, opts)).toBe(96_000);
  });
});

describe('movingAverage', () => {
  it('starts at the first sample and follows later ones', () => {
    expect(movingAverage(undefined, 100)).toBe(100);
    expect(movingAverage(100, 200)).toBeCloseTo(120, 10);
  });
});
