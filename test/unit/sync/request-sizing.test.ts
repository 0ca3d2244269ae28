import { describe, expect, it } from 'vitest';
import { SYNC_DEFAULTS } from '../../../src/sync/options.js';
import { blockTimeoutMs, movingAverage, priorRate, requestLimits } from '../../../src/sync/request-sizing.js';

const opts = SYNC_DEFAULTS;
const unmeasured = { latencyMs: undefined, bytesPerSecond: undefined };
const MB = 1_000_000;

describe('requestLimits', () => {
  it('asks a peer not measured yet for the default count, in bytes what the slowest assumed rate carries', () => {
    // 1 s and 2.5 s at the assumed 1 Mbit/s.
    expect(requestLimits(unmeasured, opts)).toEqual({ maxBlocks: 16, maxBytes: 125_000, pipelineBytes: 312_500 });
  });

  it('scales bytes per request and in flight with the measured throughput; counts stay bounded', () => {
    const fast = { latencyMs: 20, bytesPerSecond: 4 * MB };
    expect(requestLimits(fast, opts)).toEqual({ maxBlocks: 16, maxBytes: 4 * MB, pipelineBytes: 10 * MB });
    expect(requestLimits(fast, { ...opts, maxRangeSize: 4 }).maxBlocks).toBe(4);
    // Never more than the protocol's 128, whatever the option says.
    expect(requestLimits(fast, { ...opts, maxRangeSize: 1000 }).maxBlocks).toBe(128);
  });
});

describe('priorRate', () => {
  it('assumes a new peer is like the measured ones (their median), or the floor before any is measured', () => {
    expect(priorRate([], 125_000)).toBe(125_000);
    expect(priorRate([{ bytesPerSecond: undefined }], 125_000)).toBe(125_000);
    expect(priorRate([{ bytesPerSecond: 3 }, { bytesPerSecond: undefined }, { bytesPerSecond: 1 }, { bytesPerSecond: 2 }], 0)).toBe(2);
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
    expect(blockTimeoutMs(peer, 1_000, opts)).toBe(4_000);
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
