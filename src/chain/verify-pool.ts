/**
 * Parallel BIP340 verification, after Bitcoin Core's check queue: a block's
 * signature checks are collected on the main thread (consensus/signatures.ts),
 * then split into batches that a pool of worker threads verifies. Everything
 * else about a block runs once, on the main thread.
 *
 * The main thread does not verify batches itself (Core's master thread does):
 * it stays free for the event loop, and with one worker per core there is no
 * core left for it anyway.
 */
import type { Worker } from 'node:worker_threads';
import { findInvalidSignature, type SignatureCheck } from '../consensus/signatures.js';
import { TallyError } from '../primitives/errors.js';
import type { SignatureVerifier } from '../primitives/signature.js';
import { packBatch, scanLayout } from './verify-batch.js';
import {
  resolveVerifyPoolOptions,
  verifierFor,
  type ResolvedVerifyPoolOptions,
  type VerifyBatchRequest,
  type VerifyPoolOptions,
  type VerifyWorkerData,
  type VerifyWorkerReply,
} from './verify-options.js';
import { createSiblingWorker } from '../util/worker-url.js';

/** Stable codes of {@link VerifyError}; the class's doc comment says what each means. */
export const VERIFY_ERROR_CODES = ['verify-worker-failed', 'verify-pool-stopped'] as const;
export type VerifyErrorCode = typeof VERIFY_ERROR_CODES[number];

/**
 * A verification that could not be carried out (as opposed to a signature that
 * is invalid). Codes: `verify-worker-failed` (a worker thread crashed or did not
 * start; the pool replaces a crashed worker), `verify-pool-stopped` (the pool is
 * not started, or was stopped while the call waited).
 */
export class VerifyError extends TallyError<VerifyErrorCode> {
  constructor(code: VerifyErrorCode, message: string, cause?: unknown) {
    super(code, message);
    if (cause !== undefined) this.cause = cause;
  }
}

/** One {@link VerifyPool.verify} call in progress. */
interface Job {
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
interface Task {
  readonly job: Job;
  readonly start: number;
}

interface Slot {
  readonly worker: Worker;
  ready: boolean;
  /** Set by stop(): its exit is expected. */
  retired: boolean;
  /** At most one batch per worker, so that a failure cancels every batch not yet sent. */
  task: Task | undefined;
  /** Uncaught error reported before the thread exited. */
  failure: unknown;
  onReady(): void;
  onStartFailed(err: Error): void;
}

/** Smallest batch handed out while the queue drains: below it, messaging costs more than verifying. */
const MIN_BATCH = 8;

/**
 * A pool of worker threads verifying BIP340 signature checks in batches.
 * `start()` before use, `stop()` to end the threads; idle workers do not keep
 * the process alive. Typical use when connecting a block:
 * `if ((await pool.verify(spends.signatureChecks)) >= 0) reject the block`.
 */
export class VerifyPool {
  /** The options in force, defaults filled in. */
  readonly options: Readonly<ResolvedVerifyPoolOptions>;
  private verifier: SignatureVerifier | undefined;
  private slots: Slot[] = [];
  /** Calls in arrival order; their batches are handed out first come, first served. */
  private jobs: Job[] = [];
  private running = false;

  /** @throws VerifyOptionsError `bad-verify-options` */
  constructor(opts: VerifyPoolOptions = {}) {
    this.options = Object.freeze(resolveVerifyPoolOptions(opts));
  }

  /** Name of the backend in use (`noble` or `wasm`) once started. */
  get backend(): string | undefined {
    return this.verifier?.name;
  }

  /** Worker threads alive or starting: 0 when verifying inline or stopped. */
  get workerCount(): number {
    return this.slots.length;
  }

  /** True between start() and stop(). */
  get started(): boolean {
    return this.running;
  }

  /**
   * Loads the backend and starts the workers; resolves once every worker has
   * loaded it. Does nothing when already started.
   * @throws CryptoError `backend-unavailable` when `wasm` is asked for and did not load.
   * @throws VerifyError `verify-worker-failed` when a worker does not start (the pool is then stopped).
   */
  async start(): Promise<void> {
    if (this.running) return;
    this.verifier = verifierFor(this.options.backend);
    this.running = true;
    const count = this.options.threads > 1 ? this.options.threads : 0;
    const ready = Array.from({ length: count }, () => this.spawn());
    try {
      await Promise.all(ready);
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /**
   * Terminates the workers and waits for them to exit. Pending verify() calls
   * reject with `verify-pool-stopped`. The pool can be started again.
   */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.failJobs(new VerifyError('verify-pool-stopped', 'the verify pool was stopped'));
    const slots = this.slots;
    this.slots = [];
    for (const slot of slots) slot.retired = true;
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  /**
   * Verifies every check. Resolves to the index in `checks` of an invalid one,
   * or -1 when all are valid; it never resolves -1 while any check is invalid.
   * Which invalid index: inline (threads ≤ 1, or fewer than `inlineBelow`
   * checks), the lowest; with workers, a check whose signature or key has the
   * wrong size if any, else the first failure of whichever batch failed first,
   * not necessarily the lowest, since batches finish out of order.
   *
   * Calls may overlap: batches are served in call order. A failed batch cancels
   * the batches of its call not yet sent; those already sent run to their end
   * (at most one per other worker) and their answers are dropped.
   * @throws VerifyError `verify-pool-stopped` when not started or stopped meanwhile;
   *   `verify-worker-failed` when a worker running one of its batches crashed.
   */
  async verify(checks: readonly SignatureCheck[]): Promise<number> {
    if (!this.running) throw new VerifyError('verify-pool-stopped', 'the verify pool is not started');
    // With no worker alive (threads ≤ 1, or every replacement failed) verifying inline still answers.
    if (checks.length < this.options.inlineBelow || this.slots.length === 0) {
      return findInvalidSignature(checks, this.verifier!);
    }
    const layout = scanLayout(checks);
    if (layout === 'inline') return findInvalidSignature(checks, this.verifier!);
    if (layout >= 0) return layout;
    return new Promise<number>((resolve, reject) => {
      this.jobs.push({ checks, next: 0, inFlight: 0, done: false, resolve, reject });
      this.dispatch();
    });
  }

  /** Starts a worker; resolves once it has loaded its backend. */
  private spawn(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const workerData: VerifyWorkerData = { backend: this.options.backend };
      const worker = createSiblingWorker(import.meta.url, 'verify-worker', { workerData });
      const slot: Slot = {
        worker, ready: false, retired: false, task: undefined, failure: undefined,
        onReady: resolve, onStartFailed: reject,
      };
      this.slots.push(slot);
      worker.on('message', (reply: VerifyWorkerReply) => this.onMessage(slot, reply));
      worker.on('error', (err) => { slot.failure = err; });
      worker.on('exit', (code) => this.onExit(slot, code));
    });
  }

  private onMessage(slot: Slot, reply: VerifyWorkerReply): void {
    if (reply.type === 'ready') {
      slot.ready = true;
      slot.onReady();
    } else if (slot.task) {
      const task = slot.task;
      slot.task = undefined;
      this.onResult(task, reply.bad);
    }
    if (!slot.task) slot.worker.unref();
    this.dispatch();
  }

  private onResult({ job, start }: Task, bad: number): void {
    job.inFlight--;
    if (job.done) return;
    if (bad >= 0) this.settle(job, start + bad);
    else if (job.next === job.checks.length && job.inFlight === 0) this.settle(job, -1);
  }

  /** A worker ended. Unless stop() ended it, it crashed: fail its call, and replace it if it had started. */
  private onExit(slot: Slot, code: number): void {
    if (slot.retired) {
      slot.onStartFailed(new VerifyError('verify-pool-stopped', 'the verify pool was stopped'));
      return;
    }
    this.slots = this.slots.filter((s) => s !== slot);
    const reason = slot.failure instanceof Error ? `: ${slot.failure.message}` : '';
    const error = new VerifyError('verify-worker-failed', `verify worker exited with code ${code}${reason}`, slot.failure);
    if (slot.task) {
      const { job } = slot.task;
      job.inFlight--;
      if (!job.done) this.fail(job, error);
    }
    if (!slot.ready) {
      // It never started: replacing it would likely fail the same way, forever.
      slot.onStartFailed(error);
    } else if (this.running) {
      this.spawn().catch(() => {
        // Already handled in onExit of the replacement.
      });
    }
    if (this.slots.length === 0) this.failJobs(error);
    this.dispatch();
  }

  /** Hands the next batch to every idle worker. */
  private dispatch(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.task) continue;
      const task = this.nextTask();
      if (!task) return;
      const count = Math.min(this.batchSize(task.job), task.job.checks.length - task.start);
      task.job.next += count;
      task.job.inFlight++;
      slot.task = task;
      const request: VerifyBatchRequest = { buffer: packBatch(task.job.checks, task.start, count), count };
      slot.worker.ref();
      slot.worker.postMessage(request, [request.buffer]);
    }
  }

  private nextTask(): Task | undefined {
    const job = this.jobs.find((j) => j.next < j.checks.length);
    return job && { job, start: job.next };
  }

  /**
   * Like Core's check queue, a share of what is left per worker, capped by the
   * batch size: large batches while the queue is long, smaller ones at its end
   * so that no worker is left with a long batch while the others idle.
   */
  private batchSize(job: Job): number {
    const share = Math.ceil((job.checks.length - job.next) / (2 * this.slots.length));
    return Math.min(this.options.batchSize, Math.max(MIN_BATCH, share));
  }

  private settle(job: Job, index: number): void {
    job.done = true;
    this.jobs = this.jobs.filter((j) => j !== job);
    job.resolve(index);
  }

  private fail(job: Job, err: Error): void {
    job.done = true;
    this.jobs = this.jobs.filter((j) => j !== job);
    job.reject(err);
  }

  private failJobs(err: Error): void {
    const jobs = this.jobs;
    this.jobs = [];
    for (const job of jobs) {
      job.done = true;
      job.reject(err);
    }
  }
}
