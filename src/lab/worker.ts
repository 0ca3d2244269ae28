/**
 * A lab worker thread: runs the chunks the runner posts and answers each with
 * its result or its error. The experiment is looked up by name in the registry
 * module named by `workerData.registry` (functions cannot cross threads).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { BaseParams, Experiment } from './experiment.js';

/** A chunk to run, as the runner posts it. */
export interface ChunkTask {
  /** The runner's job number, echoed in the reply. */
  id: number;
  name: string;
  params: BaseParams;
  index: number;
}

/** The answer to one {@link ChunkTask}. */
export type WorkerReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; message: string; code?: string };

interface Registry {
  getExperiment(name: string): Experiment;
}

/** Runs one task; never throws, so that every task gets a reply. */
export function runTask(registry: Registry, task: ChunkTask): WorkerReply {
  try {
    const value = registry.getExperiment(task.name).runChunk(task.params, task.index);
    return { id: task.id, ok: true, value };
  } catch (err) {
    const e = err as { message?: unknown; code?: unknown };
    const message = typeof e?.message === 'string' ? e.message : String(err);
    return { id: task.id, ok: false, message, ...(typeof e?.code === 'string' ? { code: e.code } : {}) };
  }
}

if (parentPort) {
  const port = parentPort;
  const registry = (await import((workerData as { registry: string }).registry)) as Registry;
  port.on('message', (task: ChunkTask) => port.postMessage(runTask(registry, task)));
}
