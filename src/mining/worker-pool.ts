/**
 * The miner's worker threads: spawning them (from compiled JavaScript, or from
 * the TypeScript sources under vitest and tsx), posting ranges, collecting
 * results, and terminating them. Scheduling decisions stay in miner.ts.
 */
import type { Worker } from 'node:worker_threads';
import { createSiblingWorker } from '../util/worker-url.js';
import { miningError, type MiningError } from './errors.js';
import type { MinerWorkerData, WorkRequest, WorkResult } from './worker-protocol.js';

/** What the pool reports to its owner. */
export interface PoolEvents {
  /** A worker finished a request; it is idle until given the next. */
  onResult(worker: number, result: WorkResult): void;
  /** A worker crashed or exited on its own; the pool is unusable afterwards. */
  onFailure(error: MiningError): void;
}

/** A fixed set of miner workers sharing one cancellation word. */
export class WorkerPool {
  /** Generation of the current search; see {@link MinerWorkerData.control}. */
  private readonly control = new Int32Array(new SharedArrayBuffer(4));
  private readonly workers: Worker[] = [];
  private readonly busy: boolean[] = [];
  private terminating = false;

  constructor(size: number, events: PoolEvents) {
    const workerData: MinerWorkerData = { control: this.control.buffer as SharedArrayBuffer };
    for (let i = 0; i < size; i++) {
      const worker = spawnMinerWorker(workerData);
      worker.on('message', (result: WorkResult) => {
        this.busy[i] = false;
        events.onResult(i, result);
      });
      worker.on('error', (err) => this.fail(events, `miner worker ${i} failed: ${err.message}`));
      worker.on('exit', (code) => this.fail(events, `miner worker ${i} exited with code ${code}`));
      // Idle workers must not keep the process alive; `setActive` refs them while a search runs.
      worker.unref();
      this.workers.push(worker);
      this.busy.push(false);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** Publishes a new search generation: workers drop ranges of older generations within one chunk. */
  setGeneration(gen: number): void {
    Atomics.store(this.control, 0, gen);
  }

  /** Indices of workers waiting for a request. */
  idle(): number[] {
    return this.busy.flatMap((b, i) => (b ? [] : [i]));
  }

  post(worker: number, request: WorkRequest): void {
    this.busy[worker] = true;
    this.workers[worker]!.postMessage(request);
  }

  /** Keeps the process alive while mining (`true`), lets it exit while idle (`false`). */
  setActive(active: boolean): void {
    for (const w of this.workers) {
      if (active) w.ref();
      else w.unref();
    }
  }

  /** Stops every worker, even in the middle of a chunk, and waits for them to exit. */
  async terminate(): Promise<void> {
    this.terminating = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private fail(events: PoolEvents, message: string): void {
    if (this.terminating) return;
    this.terminating = true;
    events.onFailure(miningError('worker-failed', message));
    // The other workers are no use to a pool that lost one: stop them too.
    void Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Starts `miner-worker` next to this module (from `dist` or, through tsx, from sources). */
function spawnMinerWorker(workerData: MinerWorkerData): Worker {
  return createSiblingWorker(import.meta.url, 'miner-worker', { workerData });
}
