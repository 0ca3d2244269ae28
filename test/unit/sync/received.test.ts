/**
 * The buffer of blocks received ahead of the tip (src/sync/received.ts): blocks
 * that arrive out of order wait there, each counted once, and the buffer is
 * bounded in count and in bytes, so download pauses rather than piling blocks up.
 */
import { describe, expect, it } from 'vitest';
import { ReceivedBlocks } from '../../../src/sync/received.js';

describe('ReceivedBlocks', () => {
  it('holds blocks in whatever order they arrive, each once, until processed', () => {
    const received = new ReceivedBlocks({ maxQueuedBlocks: 10, maxQueuedBytes: 10_000 });
    for (const hash of ['h5', 'h3', 'h4', 'h3']) received.add(hash, 100);
    expect(received.size).toBe(3);
    expect(received.bytes).toBe(300);
    expect(['h3', 'h4', 'h5', 'h1'].map((h) => received.has(h))).toEqual([true, true, true, false]);
    received.delete('h4');
    received.delete('h4');
    expect(received.size).toBe(2);
    expect(received.bytes).toBe(200);
    expect(received.has('h4')).toBe(false);
  });

  it('is full at its block count, and has room again once a block is processed', () => {
    const received = new ReceivedBlocks({ maxQueuedBlocks: 3, maxQueuedBytes: 1_000_000 });
    received.add('a', 10);
    received.add('b', 10);
    expect(received.full).toBe(false);
    received.add('c', 10);
    expect(received.full).toBe(true);
    received.delete('a');
    expect(received.full).toBe(false);
  });

  it('is full at its byte bound however few blocks it holds', () => {
    const received = new ReceivedBlocks({ maxQueuedBlocks: 1_000, maxQueuedBytes: 4_000_000 });
    received.add('big', 3_000_000);
    expect(received.full).toBe(false);
    received.add('bigger', 1_000_000);
    expect(received.full).toBe(true);
    expect(received.size).toBe(2);
    received.delete('big');
    expect(received.full).toBe(false);
    expect(received.bytes).toBe(1_000_000);
  });
});
