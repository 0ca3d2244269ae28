/**
 * The calls waiting on a {@link VerifyPool}, and how their checks are cut into
 * batches: first come, first served, a share of what is left per worker.
 * Kept apart from the pool, which owns the worker threads' lifecycle.
 */
import { findInvalidSignature, type SignatureCheck } from '../consensus/signatures.js';
import type { SignatureVerifier } from '../primitives/signature.js';

/** One `VerifyPool.verify` call in progress. */
export interface Job {
  readonly checks: readonly SignatureCheck[];
  /** First check not yet handed to a worker. */
  next: number;
  /** Batches handed out whose answer has not come back. */
  inFlight: number;
  done: boolean;
  resolve(index: number): void;
  reject(err: Error): void;
}

/** A batch on its way to, or being verified by, a worker. */
export interface Task {
  readonly job: Job;
  readonly start: number;
}

/** Smallest batch handed out while the queue drains: below it, messaging costs more than verifying. */
const MIN_BATCH = 8;

/** Calls in arrival order; their batches are handed out first come, first served. */
export class JobQueue {
  private jobs: Job[] = [];

  /** Calls not answered yet. */
  get size(): number {
    return this.jobs.length;
  }

  /** Queues a call; the promise settles when its last batch answers, or its first failure does. */
  add(checks: readonly SignatureCheck[]): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.jobs.push({ checks, next: 0, inFlight: 0, done: false, resolve, reject });
    });
  }

  /** The next batch to hand out, sized for `workers` workers and at most `maxBatch` checks; marks it handed out. */
  take(workers: number, maxBatch: number): { task: Task; count: number } | undefined {
    const job = this.jobs.find((j) => j.next < j.checks.length);
    if (!job) return undefined;
    const task = { job, start: job.next };
    const count = Math.min(batchSize(this.checksLeft(), workers, maxBatch), job.checks.length - task.start);
    job.next += count;
    job.inFlight++;
    return { task, count };
  }

  /** Checks of every waiting call not yet handed out. */
  private checksLeft(): number {
    let left = 0;
    for (const job of this.jobs) left += job.checks.length - job.next;
    return left;
  }

  /** A worker's answer for `task`: the index within the batch of its first failure, or -1. */
  onResult({ job, start }: Task, bad: number): void {
    job.inFlight--;
    if (job.done) return;
    if (bad >= 0) this.settle(job, start + bad);
    else if (job.next === job.checks.length && job.inFlight === 0) this.settle(job, -1);
  }

  /** The worker running `task` died: its call fails with `err` (the call's other batches' answers are dropped). */
  onLost({ job }: Task, err: Error): void {
    job.inFlight--;
    if (job.done) return;
    job.done = true;
    this.jobs = this.jobs.filter((j) => j !== job);
    job.reject(err);
  }

  /** Fails every waiting call with `err`. */
  failAll(err: Error): void {
    for (const job of this.drain()) job.reject(err);
  }

  /** Answers every waiting call on this thread (no worker to send them to). */
  verifyAllInline(verifier: SignatureVerifier): void {
    for (const job of this.drain()) job.resolve(findInvalidSignature(job.checks, verifier));
  }

  private drain(): Job[] {
    const jobs = this.jobs;
    this.jobs = [];
    for (const job of jobs) job.done = true;
    return jobs;
  }

  private settle(job: Job, index: number): void {
    job.done = true;
    this.jobs = this.jobs.filter((j) => j !== job);
    job.resolve(index);
  }
}

/**
 * Like Core's check queue, a share of what is left per worker, capped by the
 * batch size: large batches while the queue is long, smaller ones at its end
 * so that no worker is left with a long batch while the others idle. What is
 * left counts every waiting call: a block whose checks arrive in several calls
 * (check-stream.ts) is cut as one, not into small batches at the end of each.
 */
function batchSize(left: number, workers: number, maxBatch: number): number {
  const share = Math.ceil(left / (2 * workers));
  return Math.min(maxBatch, Math.max(MIN_BATCH, share));
}
