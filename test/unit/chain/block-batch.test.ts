/**
 * Queued processBlock calls share a turn (src/chain/block-batch.ts): calls made
 * one after another join the open batch, a batch's turn is queued once, and a
 * closed batch takes no more calls.
 */
import { describe, expect, it } from 'vitest';
import { BlockBatches, type QueuedBlock } from '../../../src/chain/block-batch.js';
import type { Block } from '../../../src/primitives/block.js';

const block = (n: number): Block => ({ hash: `b${n}` }) as unknown as Block;

describe('BlockBatches', () => {
  it('puts calls made one after another in one batch, whose turn is queued once', async () => {
    const batches = new BlockBatches();
    const started: QueuedBlock[][] = [];
    const results = [1, 2, 3].map((n) => batches.add(block(n), (batch) => started.push(batch)));
    expect(started).toHaveLength(1);
    expect(started[0]!.map((q) => q.block.hash)).toEqual(['b1', 'b2', 'b3']);
    started[0]!.forEach((q, i) => (i === 1 ? q.reject(new Error('bad')) : q.resolve({ status: 'side' })));
    await expect(results[0]).resolves.toEqual({ status: 'side' });
    await expect(results[1]).rejects.toThrow('bad');
    await expect(results[2]).resolves.toEqual({ status: 'side' });
  });

  it('starts a new batch after the open one is closed, by its own turn or by any other call', () => {
    const batches = new BlockBatches();
    const started: QueuedBlock[][] = [];
    const start = (batch: QueuedBlock[]): void => void started.push(batch);
    void batches.add(block(1), start);
    batches.close(started[0]);
    void batches.add(block(2), start);
    void batches.add(block(3), start);
    // Closing a batch that is no longer the open one leaves the open one alone.
    batches.close(started[0]);
    void batches.add(block(4), start);
    batches.close();
    void batches.add(block(5), start);
    expect(started.map((b) => b.map((q) => q.block.hash))).toEqual([['b1'], ['b2', 'b3', 'b4'], ['b5']]);
  });

  it('starts a new batch once the open one is full', () => {
    const batches = new BlockBatches(2);
    const started: QueuedBlock[][] = [];
    for (const n of [1, 2, 3, 4, 5]) void batches.add(block(n), (batch) => started.push(batch));
    expect(started.map((b) => b.map((q) => q.block.hash))).toEqual([['b1', 'b2'], ['b3', 'b4'], ['b5']]);
  });

  it('lets the start of a new batch close the one that was open before it', () => {
    const batches = new BlockBatches();
    const started: QueuedBlock[][] = [];
    void batches.add(block(1), (batch) => started.push(batch));
    void batches.add(block(2), (batch) => {
      started.push(batch);
    });
    expect(started).toHaveLength(1);
    batches.close();
    void batches.add(block(3), (batch) => {
      batches.close();
      started.push(batch);
    });
    void batches.add(block(4), (batch) => started.push(batch));
    expect(started.map((b) => b.map((q) => q.block.hash))).toEqual([['b1', 'b2'], ['b3', 'b4']]);
  });
});
