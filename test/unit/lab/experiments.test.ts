/**
 * The experiments' contract: parameter checks with codes, the registry, and
 * determinism (the same seed gives the same JSON byte for byte; another seed
 * another result), also through `import { lab } from 'tally'`.
 */
import { describe, expect, it } from 'vitest';
import { runInline, type Experiment } from '../../../src/lab/experiment.js';
import { doublespend, EXPERIMENTS, getExperiment, selfish, stale } from '../../../src/lab/experiments/index.js';
import { LAB_ERROR_CODES, LabError } from '../../../src/lab/errors.js';
import { lab } from '../../../src/index.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

describe('registry', () => {
  it('lists the three experiments by name, each with a summary and its metric among its params or result', () => {
    expect(Object.keys(EXPERIMENTS).sort()).toEqual(['doublespend', 'selfish', 'stale']);
    for (const [name, e] of Object.entries(EXPERIMENTS)) {
      expect(e.name).toBe(name);
      expect(e.summary.length).toBeGreaterThan(10);
      expect(getExperiment(name)).toBe(e);
      for (const spec of e.params) expect(Object.keys(e.defaults())).toContain(spec.name);
    }
  });

  it('refuses an unknown name with lab-unknown-experiment', () => {
    expect(codeOf(() => getExperiment('nakamoto'))).toBe('lab-unknown-experiment');
    expect(codeOf(() => getExperiment('constructor'))).toBe('lab-unknown-experiment');
    expect(LAB_ERROR_CODES).toContain('lab-unknown-experiment');
    expect(new LabError('lab-bad-param', 'x').name).toBe('LabError');
  });

  it('is the library face too', () => {
    expect(lab.getExperiment('stale')).toBe(stale);
    expect(lab.rosenfeldSuccess(0.1, 1)).toBeCloseTo(0.2, 12);
  });
});

describe('validate', () => {
  const bad: Array<[Experiment, Record<string, unknown>, string]> = [
    [doublespend as unknown as Experiment, { q: 0.5 }, 'q'],
    [doublespend as unknown as Experiment, { q: -0.1 }, 'q'],
    [doublespend as unknown as Experiment, { z: 1.5 }, 'z'],
    [doublespend as unknown as Experiment, { trials: 0 }, 'trials'],
    [doublespend as unknown as Experiment, { latencyMs: -1 }, 'latencyMs'],
    [selfish as unknown as Experiment, { alpha: 0.5 }, 'alpha'],
    [selfish as unknown as Experiment, { gamma: 1.1 }, 'gamma'],
    [selfish as unknown as Experiment, { blocks: Number.NaN }, 'blocks'],
    [stale as unknown as Experiment, { nodes: 1 }, 'nodes'],
    [stale as unknown as Experiment, { interval: 0 }, 'interval'],
    [selfish as unknown as Experiment, { interval: 0.5 }, 'interval'],
    [stale as unknown as Experiment, { topology: 'random:50' }, 'random'],
    [stale as unknown as Experiment, { latency: 'gaussian' }, 'latency'],
    [stale as unknown as Experiment, { seed: 0.5 }, 'seed'],
  ];
  for (const [e, change, named] of bad) {
    it(`${e.name}: refuses ${JSON.stringify(change)} with lab-bad-param naming ${named}`, () => {
      let err: unknown;
      try {
        e.validate({ ...e.defaults(), ...change });
      } catch (caught) {
        err = caught;
      }
      expect(err).toBeInstanceOf(LabError);
      expect((err as LabError).code).toBe('lab-bad-param');
      expect((err as LabError).message).toContain(named);
    });
  }

  it('accepts the defaults unchanged and fixes chunk counts by parameters alone', () => {
    for (const e of Object.values(EXPERIMENTS)) expect(e.validate(e.defaults())).toEqual(e.defaults());
    expect(doublespend.chunks({ ...doublespend.defaults(), trials: 20_000 })).toBe(40);
    expect(doublespend.chunks({ ...doublespend.defaults(), trials: 1_000_000 })).toBe(64);
    expect(selfish.chunks({ ...selfish.defaults(), blocks: 20_000 })).toBe(16);
    expect(stale.chunks({ ...stale.defaults(), blocks: 300 })).toBe(2);
  });
});

describe('determinism', () => {
  const small = {
    doublespend: { ...doublespend.defaults(), q: 0.2, z: 1, trials: 200 },
    selfish: { ...selfish.defaults(), alpha: 0.35, gamma: 0.5, blocks: 600 },
    stale: { ...stale.defaults(), nodes: 6, interval: 5, latencyMs: 800, blocks: 300, topology: 'random:2', latency: 'uniform:200:1400', bandwidth: 20_000, blockBytes: 4000 },
  } as const;

  for (const name of ['doublespend', 'selfish', 'stale'] as const) {
    it(`${name}: the same seed gives identical JSON, another seed a different result`, () => {
      const e = getExperiment(name);
      const params = small[name];
      const a = JSON.stringify(runInline(e, params));
      const b = JSON.stringify(runInline(e, params));
      const c = JSON.stringify(runInline(e, { ...params, seed: 2 }));
      expect(a).toBe(b);
      expect(c).not.toBe(a);
      const result = JSON.parse(a) as Record<string, unknown>;
      expect(result[e.metric]).toBeTypeOf('number');
      expect(result.ci95).toHaveLength(2);
    });
  }
});

describe('networks with delay', () => {
  it('stale: slower links (a 2 s transfer of each block) make more stale blocks than unlimited ones', () => {
    const base = { ...stale.defaults(), nodes: 6, interval: 10, latencyMs: 100, blocks: 600, seed: 3 };
    const fast = runInline(stale, base);
    const slow = runInline(stale, { ...base, bandwidth: 1000, blockBytes: 2000 });
    expect(slow.delay).toBeCloseTo(2.1, 12);
    expect(slow.analytic).toBeGreaterThan(fast.analytic);
    expect(slow.staleRate).toBeGreaterThan(2 * fast.staleRate);
    expect(slow.staleBlocks).toBeGreaterThan(fast.staleBlocks);
  });

  it('doublespend and selfish run with latency between attacker and honest network', () => {
    const ds = runInline(doublespend, { ...doublespend.defaults(), q: 0.2, z: 1, trials: 100, latencyMs: 120_000, interval: 600 });
    expect(ds.successRate).toBeGreaterThan(0);
    expect(ds.successRate).toBeLessThan(1);
    expect(ds.ci95[0]).toBeLessThanOrEqual(ds.successRate);
    const sm = runInline(selfish, { ...selfish.defaults(), alpha: 0.3, gamma: 0, blocks: 500, latencyMs: 60_000, interval: 600 });
    expect(sm.revenueShare).toBeGreaterThan(0);
    expect(sm.mainBlocks).toBeLessThan(500);
  });
});
