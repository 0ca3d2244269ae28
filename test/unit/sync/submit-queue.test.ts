/**
 * Received blocks go to the node in groups (src/sync/submit-queue.ts): the first
 * goes alone and at once, and everything that arrives while a group is processed
 * goes together in the next, in arrival order.
 */
import { describe, expect, it } from 'vitest';
import { SubmitQueue } from '../../../src/sync/submit-queue.js';

/** A queue whose groups are recorded and finish only when `release` is called. */
function recorder() {
  const groups: number[][] = [];
  const releases: (() => void)[] = [];
  const queue = new SubmitQueue<number>((group) => {
    groups.push(group);
    return new Promise<void>((resolve) => releases.push(resolve));
  });
  const release = async (): Promise<void> => {
    releases.shift()!();
    // The queue's loop takes its next group a few microtasks after the release.
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { queue, groups, release };
}

describe('SubmitQueue', () => {
  it('hands the first item over at once, and what arrives meanwhile as one group after it', async () => {
    const { queue, groups, release } = recorder();
    const run = queue.push(1);
    expect(run).toBeInstanceOf(Promise);
    expect(groups).toEqual([[1]]);
    expect([queue.push(2), queue.push(3), queue.push(4)]).toEqual([undefined, undefined, undefined]);
    expect(queue.size).toBe(3);
    await release();
    expect(groups).toEqual([[1], [2, 3, 4]]);
    expect(queue.size).toBe(0);
    queue.push(5);
    await release();
    expect(groups).toEqual([[1], [2, 3, 4], [5]]);
    await release();
    await run;
  });

  it('starts a new run once the last one emptied the queue', async () => {
    const { queue, groups, release } = recorder();
    const first = queue.push(1);
    await release();
    await first;
    const second = queue.push(2);
    expect(second).toBeInstanceOf(Promise);
    expect(groups).toEqual([[1], [2]]);
    await release();
    await second;
  });

  it('is not stuck after a group fails: the run rejects and the next item starts a new one', async () => {
    let fail = true;
    const groups: number[][] = [];
    const queue = new SubmitQueue<number>(async (group) => {
      groups.push(group);
      if (fail) throw new Error('boom');
    });
    await expect(queue.push(1)).rejects.toThrow('boom');
    fail = false;
    await queue.push(2);
    expect(groups).toEqual([[1], [2]]);
  });
});
