/** Sweeps: parsing and checking `--param`/`--series`, the points they give, determinism and threads. */
import { describe, expect, it } from 'vitest';
import { runInline } from '../../../src/lab/experiment.js';
import { liveWorkers } from '../../../src/lab/runner.js';
import { MAX_SWEEP_POINTS, parseRange, parseSeries, pointSeed, runSweep, sweepValues } from '../../../src/lab/sweep.js';
import { COIN_REGISTRY, coinExperiment } from './runner-coin.js';

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
};

describe('parseRange and parseSeries', () => {
  it('parses name=from:to:step and lists its values without float drift', () => {
    const range = parseRange('q=0.1:0.3:0.1');
    expect(range).toEqual({ param: 'q', from: 0.1, to: 0.3, step: 0.1 });
    expect(sweepValues(range)).toEqual([0.1, 0.2, 0.3]);
    expect(sweepValues(parseRange('z=0:10:1'))).toHaveLength(11);
    expect(sweepValues(parseRange('z=2:2:1'))).toEqual([2]);
  });

  it('rejects malformed ranges with lab-bad-param', () => {
    for (const bad of ['q', '=0:1:0.1', 'q=0:1', 'q=0:1:0.1:2', 'q=a:1:0.1', 'q=0:1:0', 'q=0:1:-0.1', 'q=1:0:0.1', 'q=0::0.1']) {
      expect(code(() => parseRange(bad)), bad).toBe('lab-bad-param');
    }
  });

  it(`allows at most ${MAX_SWEEP_POINTS} points`, () => {
    expect(sweepValues(parseRange(`n=1:${MAX_SWEEP_POINTS}:1`))).toHaveLength(MAX_SWEEP_POINTS);
    expect(code(() => parseRange(`n=1:${MAX_SWEEP_POINTS + 1}:1`))).toBe('lab-bad-param');
  });

  it('parses name=v1,v2 and rejects bad series', () => {
    expect(parseSeries('q=0.1,0.2,0.3')).toEqual({ param: 'q', values: [0.1, 0.2, 0.3] });
    for (const bad of ['q', 'q=', 'q=0.1,x', 'q=0.1,0.1', `q=${Array.from({ length: 11 }, (_, i) => i).join(',')}`]) {
      expect(code(() => parseSeries(bad)), bad).toBe('lab-bad-param');
    }
  });
});

describe('runSweep', () => {
  const base = { seed: 3, flips: 300, failAt: -1 };
  const opts = (threads: number) => ({ threads, registry: COIN_REGISTRY });

  it('runs one point per value, each equal to its own inline run', async () => {
    const sweep = await runSweep(coinExperiment, base, parseRange('p=0.1:0.5:0.1'), opts(1));
    expect(sweep.points.map((p) => p.value)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(sweep).toMatchObject({ experiment: 'coin', metric: 'headsRate', param: 'p' });
    // point k runs with seed base + k
    sweep.points.forEach((point, k) => expect(point.result).toEqual(runInline(coinExperiment, { ...base, p: point.value, seed: 3 + k })));
  });

  it('gives the same points on worker threads, and the same again for the same seed', async () => {
    const range = parseRange('p=0.2:0.8:0.2');
    const inline = JSON.stringify(await runSweep(coinExperiment, base, range, opts(1)));
    expect(JSON.stringify(await runSweep(coinExperiment, base, range, opts(2)))).toBe(inline);
    expect(JSON.stringify(await runSweep(coinExperiment, base, range, opts(3)))).toBe(inline);
    expect(liveWorkers()).toBe(0);
  });

  it('repeats the range for each series value, series-major', async () => {
    const sweep = await runSweep(coinExperiment, base, parseRange('flips=100:300:100'), { ...opts(2), series: parseSeries('p=0.2,0.7') });
    expect(sweep.seriesParam).toBe('p');
    expect(sweep.points.map((p) => [p.series, p.value])).toEqual([[0.2, 100], [0.2, 200], [0.2, 300], [0.7, 100], [0.7, 200], [0.7, 300]]);
    expect(sweep.points[4]!.result).toEqual(runInline(coinExperiment, { ...base, p: 0.7, flips: 200, seed: 3 + 4 }));
  });

  it('gives each point its own seed, wrapping at 32 bits', () => {
    expect([pointSeed(5, 0), pointSeed(5, 3), pointSeed(0xffffffff, 1), pointSeed(-2, 1)]).toEqual([5, 8, 0, -1]);
  });

  it('only sweeps numeric parameters of the experiment, whole numbers for integer ones', async () => {
    const reject = (range: string, series?: string) =>
      runSweep(coinExperiment, base, parseRange(range), { ...opts(1), ...(series ? { series: parseSeries(series) } : {}) });
    await expect(reject('bogus=0:1:0.5')).rejects.toMatchObject({ code: 'lab-bad-param' });
    await expect(reject('flips=100:150:12.5')).rejects.toMatchObject({ code: 'lab-bad-param' });
    await expect(reject('p=0.1:0.2:0.1', 'p=0.3,0.4')).rejects.toMatchObject({ code: 'lab-bad-param' });
    await expect(reject('p=0.5:1.5:0.5')).rejects.toMatchObject({ code: 'lab-bad-param' });
  });
});
