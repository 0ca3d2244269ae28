/**
 * The consensus lab's speed goals (issue 17): each of these runs in under 60 s
 * on a 2-core machine, and here is how long each takes with one worker per CPU
 * and inline on one thread, with its result beside its closed form:
 * - doublespend, q = 0.1, z = 5, 20,000 trials;
 * - selfish, α = 0.35, γ = 0.5, 20,000 blocks;
 * - stale, 20 nodes, 10,000 blocks (interval 600 s, latency 2,000 ms).
 *
 *   npx tsx scripts/bench/lab.ts            # prints JSON
 *
 * `runLabBench()` is exported for the top-level bench runner. Each figure is
 * wall-clock time on this machine as it is: on a shared 2-core machine other
 * processes' load decides how much the second thread can add (see `machine`).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BaseResult } from '../../src/lab/experiment.js';

type Runner = typeof import('../../src/lab/runner.js');

/**
 * The runner from dist/ when it is built (`npm run bench` builds first), as the
 * CLI runs it: its workers start from plain JavaScript. From sources, each
 * worker would first compile the chain code through tsx, which would be
 * timed too.
 */
async function loadRunner(): Promise<{ runner: Runner; from: 'dist' | 'src' }> {
  const dist = new URL('../../dist/lab/runner.js', import.meta.url);
  if (existsSync(fileURLToPath(dist))) return { runner: (await import(dist.href)) as Runner, from: 'dist' };
  return { runner: await import('../../src/lab/runner.js'), from: 'src' };
}

/** The three runs of the speed goals. */
const RUNS = {
  doublespend: { params: { seed: 1, q: 0.1, z: 5, trials: 20_000 }, metric: 'successRate' },
  selfish: { params: { seed: 1, alpha: 0.35, gamma: 0.5, blocks: 20_000 }, metric: 'revenueShare' },
  stale: { params: { seed: 1, nodes: 20, interval: 600, latencyMs: 2_000, blocks: 10_000 }, metric: 'staleRate' },
} as const;

export interface LabBenchOptions {
  /** Worker count of the threaded runs; default os.availableParallelism(). */
  threads?: number;
}

async function timed(runner: Runner, name: string, params: object, threads: number): Promise<{ ms: number; result: BaseResult }> {
  const start = performance.now();
  const result = await runner.runExperiment(name, params, { threads });
  return { ms: Math.round(performance.now() - start), result };
}

/** Times each run with all threads and with one, and reports its simulated and closed-form values. */
export async function runLabBench(opts: LabBenchOptions = {}): Promise<object> {
  const threads = opts.threads ?? availableParallelism();
  const { runner, from } = await loadRunner();
  const report: Record<string, unknown> = { threads, from };
  for (const [name, run] of Object.entries(RUNS)) {
    const all = await timed(runner, name, run.params, threads);
    const one = await timed(runner, name, run.params, 1);
    if (JSON.stringify(all.result) !== JSON.stringify(one.result)) throw new Error(`${name}: threaded result differs from inline`);
    const record = all.result as unknown as Record<string, unknown>;
    report[name] = {
      params: run.params,
      ms: all.ms,
      msOneThread: one.ms,
      [run.metric]: record[run.metric],
      ci95: all.result.ci95,
      analytic: all.result.analytic,
      ...(typeof record.whitepaper === 'number' ? { whitepaper: record.whitepaper } : {}),
    };
    process.stderr.write(`bench: lab ${name}: ${all.ms} ms on ${threads} threads, ${one.ms} ms on one\n`);
  }
  return report;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await runLabBench(), null, 2));
  process.exit(0);
}
