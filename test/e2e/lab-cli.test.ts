/**
 * `tally lab` as a student runs it, from dist/ (`npm test` builds first): the
 * listing, each experiment with --json, determinism by seed, --out reports,
 * sweeps, and bad input as one line on stderr. Counts are small: the closed
 * forms are checked in test/unit/lab, and the large runs are the benchmark's.
 */
import { execFile, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lab as labApi } from 'tally';
import { CLI } from '../helpers/node-process.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('tally-lab-cli');

function lab(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'lab', ...args], { encoding: 'utf8', timeout: 40_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Like {@link lab}, without blocking, so that independent runs overlap. */
function labAsync(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'lab', ...args], { encoding: 'utf8', timeout: 40_000 }, (err, stdout, stderr) => {
      const status = err ? ((err as { code?: unknown }).code as number | null) ?? null : 0;
      resolve({ status: typeof status === 'number' ? status : null, stdout, stderr });
    });
  });
}

/** Runs a command that must succeed and print exactly one JSON object on stdout. */
function labJson(...args: string[]): Record<string, unknown> {
  const r = lab(...args, '--json');
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

function expectInterval(result: Record<string, unknown>, metric: string): void {
  const [lo, hi] = result.ci95 as [number, number];
  expect(typeof result[metric]).toBe('number');
  expect(lo).toBeLessThanOrEqual(result[metric] as number);
  expect(hi).toBeGreaterThanOrEqual(result[metric] as number);
  expect(typeof result.analytic).toBe('number');
}

describe('tally lab', () => {
  it('lists the experiments, one line each', () => {
    const r = lab();
    expect(r.status).toBe(0);
    for (const name of ['doublespend', 'selfish', 'stale', 'sweep']) expect(r.stdout).toMatch(new RegExp(`^\\s+${name}\\s+\\S`, 'm'));
  });

  it('runs doublespend: success rate, interval, exact value and the whitepaper approximation', () => {
    const result = labJson('doublespend', '--q', '0.1', '--z', '5', '--trials', '1000', '--seed', '4');
    expectInterval(result, 'successRate');
    expect(result).toMatchObject({ q: 0.1, z: 5, trials: 1000, seed: 4 });
    expect(result.analytic as number).toBeCloseTo(0.00178, 5);
    expect(result.whitepaper as number).toBeCloseTo(0.000914, 6);
  });

  it('runs selfish and stale', () => {
    const selfish = labJson('selfish', '--alpha', '0.3', '--gamma', '0.5', '--blocks', '800', '--threads', '1');
    expectInterval(selfish, 'revenueShare');
    expect(selfish).toMatchObject({ alpha: 0.3, gamma: 0.5, blocks: 800 });
    const stale = labJson('stale', '--nodes', '6', '--interval', '60', '--latency-ms', '1500', '--blocks', '300', '--topology', 'random:3');
    expectInterval(stale, 'staleRate');
    expect(stale).toMatchObject({ nodes: 6, interval: 60, latencyMs: 1500, blocks: 300, topology: 'random:3' });
  });

  it('prints the same bytes for the same seed, and a readable summary without --json', async () => {
    const args = ['selfish', '--alpha', '0.35', '--blocks', '600', '--seed', '11'];
    const [first, again, other, human] = await Promise.all([
      labAsync(...args, '--json'), labAsync(...args, '--json', '--threads', '1'), labAsync(...args.slice(0, -1), '12', '--json'), labAsync(...args),
    ]);
    expect(first.status).toBe(0);
    expect(again.stdout).toBe(first.stdout);
    expect(other.stdout).not.toBe(first.stdout);
    expect(human.stdout).toMatch(/^selfish: .*alpha=0\.35/m);
    expect(human.stdout).toMatch(/revenueShare\s+[\d.]+\s+\(95% CI/);
  });

  it('writes report.html and an SVG plot with --out, keeping stdout one JSON object', () => {
    const dir = join(root, 'run');
    const result = labJson('doublespend', '--q', '0.2', '--z', '2', '--trials', '400', '--out', dir);
    expect(result.successRate).toBeTypeOf('number');
    const svg = readFileSync(join(dir, 'doublespend.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('href="doublespend.svg"');
  });

  it('sweeps a parameter for several series, with a report', () => {
    const dir = join(root, 'sweep');
    const sweep = labJson('sweep', 'selfish', '--param', 'alpha=0.1:0.4:0.15', '--series', 'gamma=0,1', '--blocks', '400', '--out', dir);
    expect(sweep).toMatchObject({ experiment: 'selfish', metric: 'revenueShare', param: 'alpha', seriesParam: 'gamma' });
    const points = sweep.points as { value: number; series: number; result: Record<string, unknown> }[];
    expect(points.map((p) => [p.series, p.value])).toEqual([[0, 0.1], [0, 0.25], [0, 0.4], [1, 0.1], [1, 0.25], [1, 0.4]]);
    for (const p of points) expectInterval(p.result, 'revenueShare');
    expect(readdirSync(dir).sort()).toEqual(['report.html', 'selfish-alpha.svg']);
    expect(readFileSync(join(dir, 'selfish-alpha.svg'), 'utf8')).toContain('threshold γ = 1');
  });

  it('reports bad input as one line on stderr with a non-zero exit', async () => {
    const cases: [string[], string][] = [
      [['doublespend', '--bogus', '1'], '--bogus'],
      [['doublespend', '--q', 'abc'], '--q'],
      [['doublespend', '--q', '0.7'], 'q must be'],
      [['frob'], 'frob'],
      [['sweep', 'doublespend', '--param', 'q=0:0.4:0'], 'step'],
      [['sweep', 'doublespend', '--param', 'nonce=0:4:1'], 'nonce'],
      [['sweep', 'stale', '--param', 'nodes=2:1000:2'], 'at most 200'],
      [['sweep', 'doublespend'], '--param'],
    ];
    const runs = await Promise.all(cases.map(([args]) => labAsync(...args)));
    for (const [i, [args, text]] of cases.entries()) {
      const r = runs[i]!;
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stdout, args.join(' ')).toBe('');
      expect(r.stderr.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr, args.join(' ')).toContain(text);
    }
  });
});

describe('the lab from the library', () => {
  it('runs an experiment on dist\'s workers and a sweep, as `import { lab } from \'tally\'`', async () => {
    const params = { seed: 2, alpha: 0.3, blocks: 400 };
    const threaded = await labApi.runExperiment('selfish', params, { threads: 2 });
    expect(JSON.stringify(threaded)).toBe(JSON.stringify(await labApi.runExperiment('selfish', params, { threads: 1 })));
    const sweep = await labApi.runSweep('doublespend', { trials: 200 }, labApi.parseRange('z=1:3:1'), { threads: 2 });
    expect(sweep.points.map((p) => p.value)).toEqual([1, 2, 3]);
  });
});
