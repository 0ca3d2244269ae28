import { describe, expect, it } from 'vitest';
import { JobQueue } from '../../../src/chain/verify-jobs.js';
import type { SignatureCheck } from '../../../src/consensus/signatures.js';

/** Checks whose content the queue never reads: it only cuts lists into batches. */
function checks(n: number): SignatureCheck[] {
  const empty = new Uint8Array(0);
  return Array.from({ length: n }, (_, inputIndex) => ({ inputIndex, signature: empty, message: empty, publicKey: empty }));
}

/** Batch sizes handed out until the queue is empty, for `workers` workers and batches of at most `maxBatch`. */
function cut(queue: JobQueue, workers: number, maxBatch: number): number[] {
  const sizes: number[] = [];
  for (let next = queue.take(workers, maxBatch); next; next = queue.take(workers, maxBatch)) sizes.push(next.count);
  return sizes;
}

describe('JobQueue batches', () => {
  it('cuts one call into a share of what is left per worker, capped, down to 8 at its end', () => {
    const queue = new JobQueue();
    void queue.add(checks(1000));
    const sizes = cut(queue, 2, 128);
    expect(sizes.slice(0, 5)).toEqual([128, 128, 128, 128, 122]);
    expect(sizes.slice(-3)).toEqual([8, 8, 2]);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(1000);
  });

  it('counts every waiting call in the share: consecutive calls are cut as one list, not each down to 8', () => {
    const queue = new JobQueue();
    void queue.add(checks(256));
    void queue.add(checks(256));
    const sizes = cut(queue, 2, 128);
    // Alone, the first call would go out as 64, 48, 36, ... 8.
    expect(sizes.slice(0, 3)).toEqual([128, 96, 32]);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(512);
  });

  it('serves calls first come, first served', () => {
    const queue = new JobQueue();
    const a = checks(20);
    const b = checks(20);
    void queue.add(a);
    void queue.add(b);
    const first = queue.take(2, 128)!;
    expect(first.task.job.checks).toBe(a);
    const rest = [];
    for (let next = queue.take(2, 128); next; next = queue.take(2, 128)) rest.push(next.task.job.checks);
    expect(rest.lastIndexOf(a)).toBeLessThan(rest.indexOf(b));
  });

  it('answers a call once its last batch passed, with the index of a failure in the whole call', async () => {
    const queue = new JobQueue();
    const second = checks(40);
    const passing = queue.add(checks(40));
    const failing = queue.add(second);
    const tasks = [];
    for (let next = queue.take(2, 16); next; next = queue.take(2, 16)) tasks.push(next.task);
    const bad = tasks.filter((t) => t.job.checks === second)[1]!;
    for (const task of tasks) queue.onResult(task, task === bad ? 3 : -1);
    await expect(passing).resolves.toBe(-1);
    await expect(failing).resolves.toBe(bad.start + 3);
    expect(bad.start).toBeGreaterThan(0);
  });
});
