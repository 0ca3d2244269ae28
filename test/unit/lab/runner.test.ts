/**
 * The lab runner: a threaded run equals the inline reference byte for byte,
 * whatever the thread count; a chunk's error reaches the caller as a LabError;
 * no worker outlives a run. Uses the coin-flip stand-in (runner-coin.ts),
 * which the workers load as their registry.
 */
import { describe, expect, it } from 'vitest';
import { LabError } from '../../../src/lab/errors.js';
import { runInline } from '../../../src/lab/experiment.js';
import { doublespend } from '../../../src/lab/experiments/index.js';
import { liveWorkers, runExperiment, threadCount } from '../../../src/lab/runner.js';
import { COIN_REGISTRY, coinExperiment } from './runner-coin.js';

const params = { seed: 7, flips: 1_050, p: 0.3, failAt: -1 };
const opts = (threads: number) => ({ threads, registry: COIN_REGISTRY });

describe('runExperiment', () => {
  it('gives the inline result byte for byte with 1, 2 and 3 threads', async () => {
    const inline = JSON.stringify(runInline(coinExperiment, params));
    for (const threads of [1, 2, 3]) {
      const threaded = await runExperiment(coinExperiment, params, opts(threads));
      expect(JSON.stringify(threaded)).toBe(inline);
    }
    expect(liveWorkers()).toBe(0);
  });

  it('fills missing parameters from the defaults and depends on the seed', async () => {
    const a = await runExperiment(coinExperiment, { seed: 7 }, opts(2));
    expect(JSON.stringify(a)).toBe(JSON.stringify(runInline(coinExperiment, { ...coinExperiment.defaults(), seed: 7 })));
    const b = await runExperiment(coinExperiment, { seed: 8 }, opts(2));
    expect(JSON.stringify(b)).not.toBe(JSON.stringify(a));
  });

  it('uses more workers than chunks without harm', async () => {
    const small = { ...params, flips: 150 }; // two chunks
    const threaded = await runExperiment(coinExperiment, small, opts(4));
    expect(threaded).toEqual(runInline(coinExperiment, small));
  });

  it('rejects with a LabError naming the chunk when a chunk throws, and stops every worker', async () => {
    const failing = runExperiment(coinExperiment, { ...params, failAt: 5 }, opts(3));
    const err = await failing.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LabError);
    expect((err as LabError).code).toBe('lab-worker-failed');
    expect((err as LabError).message).toContain('chunk 5');
    expect((err as LabError).message).toContain('coin-lost');
    expect(liveWorkers()).toBe(0);
  });

  it('rejects bad parameters before starting any worker', async () => {
    await expect(runExperiment(coinExperiment, { ...params, p: 2 }, opts(2))).rejects.toMatchObject({ code: 'lab-bad-param' });
    expect(liveWorkers()).toBe(0);
  });

  it('rejects when the registry does not know the experiment', async () => {
    const renamed = { ...coinExperiment, name: 'dice' };
    const err = await runExperiment(renamed, params, opts(2)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'lab-worker-failed' });
    expect(liveWorkers()).toBe(0);
  });

  it('runs the lab\'s own experiments by name on workers, equal to inline', async () => {
    const small = { seed: 5, q: 0.1, z: 2, trials: 400 };
    const inline = runInline(doublespend, { ...doublespend.defaults(), ...small });
    expect(JSON.stringify(await runExperiment('doublespend', small, { threads: 2 }))).toBe(JSON.stringify(inline));
    await expect(runExperiment('frob', {})).rejects.toMatchObject({ code: 'lab-unknown-experiment' });
    expect(liveWorkers()).toBe(0);
  });

  it('checks the thread count', () => {
    expect(threadCount(3)).toBe(3);
    expect(threadCount(undefined)).toBeGreaterThanOrEqual(1);
    for (const bad of [0, -1, 1.5]) expect(() => threadCount(bad)).toThrow(LabError);
  });
});
