/**
 * Runs an experiment's chunks on a pool of worker threads and merges them in
 * index order, so that a threaded run equals {@link runInline} byte for byte:
 * the chunks are fixed by the parameters, and each draws its own random stream
 * from (seed, index), whatever thread runs it.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { createSiblingWorker, isTypeScriptModule } from '../util/worker-url.js';
import { LAB_ERROR_CODES, LabError, type LabErrorCode } from './errors.js';
import { runInline, type BaseParams, type BaseResult, type Experiment } from './experiment.js';
import { getExperiment } from './experiments/index.js';
import type { ChunkTask, WorkerReply } from './worker.js';

/** How a run uses threads. */
export interface RunOptions {
  /** Worker threads; default `os.availableParallelism()`. 1 runs every chunk inline, without workers. */
  threads?: number;
  /**
   * URL of the module the workers look experiments up in: it must export
   * `getExperiment(name)`. Default: the lab's own experiments. A worker cannot
   * receive an experiment object (functions do not cross threads), only its name.
   */
  registry?: string;
}

/** An experiment as a runner takes it: the object, or its name in the lab's registry. */
export type ExperimentRef = Experiment | string;

/** The experiment an argument names. */
export function resolveExperiment(ref: ExperimentRef): Experiment {
  return typeof ref === 'string' ? getExperiment(ref) : ref;
}

/** Default parameters overlaid with `params`, checked by the experiment. */
export function checkedParams(experiment: Experiment, params: object): BaseParams {
  return experiment.validate({ ...experiment.defaults(), ...params });
}

/** The thread count asked for, checked: a whole number from 1 up. */
export function threadCount(threads: number | undefined): number {
  const n = threads ?? availableParallelism();
  if (!Number.isInteger(n) || n < 1) throw new LabError('lab-bad-param', `threads must be a whole number ≥ 1, got ${n}`);
  return n;
}

/**
 * Runs `experiment` with `params` (over its defaults) and returns its summary,
 * equal to `runInline` of the same parameters.
 */
export async function runExperiment<R extends BaseResult = BaseResult>(
  ref: ExperimentRef, params: object = {}, opts: RunOptions = {},
): Promise<R> {
  const experiment = resolveExperiment(ref);
  const checked = checkedParams(experiment, params);
  const threads = threadCount(opts.threads);
  if (threads === 1) return runInline(experiment, checked) as R;
  const count = experiment.chunks(checked);
  const tasks = Array.from({ length: count }, (_, index) => ({ name: experiment.name, params: checked, index }));
  const parts = await runChunks(tasks, threads, opts.registry);
  return experiment.summarize(checked, parts) as R;
}

/** One chunk to run: which experiment, with which (checked) parameters, which index. */
export interface ChunkJob {
  name: string;
  params: BaseParams;
  index: number;
}

/**
 * Runs `jobs` on at most `threads` workers, each taking the next job when it
 * finishes one, and returns their results in job order. The workers are
 * terminated when the last job is done or the first one fails.
 */
export async function runChunks(jobs: readonly ChunkJob[], threads: number, registry = defaultRegistry()): Promise<unknown[]> {
  if (jobs.length === 0) return [];
  const workers = Array.from({ length: Math.min(threads, jobs.length) }, () => {
    live++;
    return createSiblingWorker(import.meta.url, 'worker', { workerData: { registry } });
  });
  try {
    return await dispatch(workers, jobs);
  } finally {
    await Promise.all(workers.map(async (w) => { await w.terminate(); live--; }));
  }
}

/** Workers started by this module and not yet terminated. */
let live = 0;

/** How many lab workers are running now: 0 between runs (tests hold the runner to it). */
export function liveWorkers(): number {
  return live;
}

/** URL of the lab's experiment registry, `.ts` from sources and `.js` from dist, like this module. */
function defaultRegistry(): string {
  const ext = isTypeScriptModule(import.meta.url) ? 'ts' : 'js';
  return new URL(`./experiments/index.${ext}`, import.meta.url).href;
}

/** Hands out jobs to idle workers; settles with every result or the first failure. */
function dispatch(workers: readonly Worker[], jobs: readonly ChunkJob[]): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const results = new Array<unknown>(jobs.length);
    let next = 0;
    let done = 0;
    let settled = false;
    const fail = (err: Error) => {
      if (!settled) { settled = true; reject(err); }
    };
    const feed = (worker: Worker) => {
      if (next < jobs.length) {
        const task: ChunkTask = { id: next, ...jobs[next]! };
        next++;
        worker.postMessage(task);
      }
    };
    for (const worker of workers) {
      worker.on('message', (reply: WorkerReply) => {
        if (settled) return;
        if (!reply.ok) return fail(chunkError(jobs[reply.id]!, reply.message, reply.code));
        results[reply.id] = reply.value;
        if (++done === jobs.length) { settled = true; resolve(results); } else feed(worker);
      });
      worker.on('error', (err) => fail(new LabError('lab-worker-failed', `lab worker failed: ${err.message}`)));
      worker.on('exit', (code) => fail(new LabError('lab-worker-failed', `lab worker exited early (code ${code})`)));
      feed(worker);
    }
  });
}

/**
 * A chunk's own error, as the user sees it: which experiment and chunk, and
 * why. A lab code survives the thread boundary; any other error becomes
 * `lab-worker-failed`, its own code kept in the message.
 */
function chunkError(job: ChunkJob, message: string, code: string | undefined): LabError {
  const where = `${job.name}: chunk ${job.index} failed`;
  if (isLabCode(code)) return new LabError(code, `${where}: ${message}`);
  return new LabError('lab-worker-failed', `${where}: ${code ? `${message} (${code})` : message}`);
}

function isLabCode(code: string | undefined): code is LabErrorCode {
  return (LAB_ERROR_CODES as readonly string[]).includes(code ?? '');
}
