/**
 * Parallel BIP340 verification, after Bitcoin Core's check queue: a block's
 * signature checks are collected on the main thread (consensus/signatures.ts),
 * then split into batches that a pool of worker threads verifies. Everything
 * else about a block runs once, on the main thread.
 *
 * The main thread does not verify batches itself (Core's master thread does):
 * it stays free for the event loop, and with one worker per core there is no
 * core left for it anyway.
 *
 * Workers start on the first call that needs them and end after `idleMs`
 * without work: an idle node holds no verify threads (about 10 MB each), and a
 * burst of blocks pays the start (tens of milliseconds) once.
 */
import type { Worker } from 'node:worker_threads';
import { findInvalidSignature, type SignatureCheck } from '../consensus/signatures.js';
import { JobQueue, type Task } from './verify-jobs.js';
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

/** Batches handed to one worker ahead of its answers (see Slot.tasks). */
const TASKS_PER_WORKER = 2;

interface Slot {
  readonly worker: Worker;
  ready: boolean;
  /** Set by stop(): its exit is expected. */
  retired: boolean;
  /**
   * Batches sent and not answered, oldest first: at most {@link TASKS_PER_WORKER}, so that
   * a failure cancels every batch not yet sent, and a worker that finishes one finds the
   * next waiting even while this thread is busy.
   */
  tasks: Task[];
  /** Uncaught error reported before the thread exited. */
  failure: unknown;
  onReady(): void;
  onStartFailed(err: Error): void;
}

/**
 * A pool of worker threads verifying BIP340 signature checks in batches.
 * `start()` before use, `stop()` to end the threads; workers start on demand,
 * end when idle for `idleMs`, and idle workers do not keep the process alive.
 * Typical use when connecting a block:
 * `if ((await pool.verify(spends.signatureChecks)) >= 0) reject the block`.
 */
export class VerifyPool {
  /** The options in force, defaults filled in. */
  readonly options: Readonly<ResolvedVerifyPoolOptions>;
  private verifier: SignatureVerifier | undefined;
  private slots: Slot[] = [];
  private readonly queue = new JobQueue();
  private running = false;
  /** Set when no worker of a batch of starts came up: calls then verify inline, as with threads ≤ 1. */
  private startFailed = false;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

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
   * Loads the backend on the calling thread; workers start on the first call
   * that needs them (or at {@link warm}). Does nothing when already started.
   * @throws CryptoError `backend-unavailable` when `wasm` is asked for and did not load.
   */
  async start(): Promise<void> {
    if (this.running) return;
    this.verifier = verifierFor(this.options.backend);
    this.running = true;
    this.startFailed = false;
  }

  /**
   * Starts the workers now, rather than on the first call that needs them,
   * and resolves once each has loaded its backend (for benchmarks that time
   * verifying alone). They still end after `idleMs` without work.
   * @throws VerifyError `verify-pool-stopped` when not started; `verify-worker-failed` when a worker did not start.
   */
  async warm(): Promise<void> {
    if (!this.running) throw new VerifyError('verify-pool-stopped', 'the verify pool is not started');
    await Promise.all(this.ensureWorkers());
    this.armIdle();
  }

  /**
   * Terminates the workers and waits for them to exit. Pending verify() calls
   * reject with `verify-pool-stopped`. The pool can be started again.
   */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.disarmIdle();
    this.queue.failAll(new VerifyError('verify-pool-stopped', 'the verify pool was stopped'));
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
    // With no worker to start (threads ≤ 1, or no worker came up) verifying inline still answers;
    // so does an empty call, which no worker would ever answer.
    if (checks.length === 0 || checks.length < this.options.inlineBelow || this.options.threads <= 1 || this.startFailed) {
      return findInvalidSignature(checks, this.verifier!);
    }
    const layout = scanLayout(checks);
    if (layout === 'inline') return findInvalidSignature(checks, this.verifier!);
    if (layout >= 0) return layout;
    this.disarmIdle();
    for (const starting of this.ensureWorkers()) starting.catch(() => undefined); // a failed start is handled in onExit
    const answer = this.queue.add(checks);
    this.dispatch();
    return answer;
  }

  /** Starts the workers when none runs; the promises of those it started (none when some run). */
  private ensureWorkers(): Promise<void>[] {
    if (this.slots.length > 0 || this.options.threads <= 1) return [];
    return Array.from({ length: this.options.threads }, () => this.spawn());
  }

  /** After `idleMs` with no call in progress, ends the workers; a later call starts them again. */
  private armIdle(): void {
    if (this.options.idleMs === 0 || this.idleTimer || this.queue.size > 0 || this.slots.length === 0) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.queue.size > 0) return;
      const slots = this.slots;
      this.slots = [];
      for (const slot of slots) {
        slot.retired = true;
        void slot.worker.terminate();
      }
    }, this.options.idleMs);
    this.idleTimer.unref();
  }

  private disarmIdle(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  /** Starts a worker; resolves once it has loaded its backend. */
  private spawn(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const workerData: VerifyWorkerData = { backend: this.options.backend };
      const worker = createSiblingWorker(import.meta.url, 'verify-worker', { workerData });
      const slot: Slot = {
        worker, ready: false, retired: false, tasks: [], failure: undefined,
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
    } else {
      const task = slot.tasks.shift();
      if (task) this.queue.onResult(task, reply.bad);
    }
    if (slot.tasks.length === 0) slot.worker.unref();
    this.dispatch();
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
    for (const task of slot.tasks.splice(0)) this.queue.onLost(task, error);
    if (!slot.ready) {
      // It never started: replacing it would likely fail the same way, forever.
      slot.onStartFailed(error);
    } else if (this.running) {
      this.spawn().catch(() => {
        // Already handled in onExit of the replacement.
      });
    }
    if (this.slots.length === 0 && !slot.ready) {
      // No worker came up: answer on this thread, now and from now on.
      this.startFailed = true;
      this.queue.verifyAllInline(this.verifier!);
    } else if (this.slots.length === 0) {
      this.queue.failAll(error);
    }
    this.dispatch();
  }

  /** Hands out batches until every worker holds TASKS_PER_WORKER; arms the idle timer when nothing is left. */
  private dispatch(): void {
    // Round by round, so that a short call is spread over every worker before any gets a second batch.
    for (let depth = 1; depth <= TASKS_PER_WORKER; depth++) {
      for (const slot of this.slots) {
        if (!slot.ready || slot.tasks.length >= depth) continue;
        const next = this.queue.take(this.slots.length, this.options.batchSize);
        if (!next) return this.armIdleWhenDone();
        slot.tasks.push(next.task);
        const request: VerifyBatchRequest = { buffer: packBatch(next.task.job.checks, next.task.start, next.count), count: next.count };
        slot.worker.ref();
        slot.worker.postMessage(request, [request.buffer]);
      }
    }
    this.armIdleWhenDone();
  }

  private armIdleWhenDone(): void {
    if (this.queue.size === 0) this.armIdle();
  }
}
