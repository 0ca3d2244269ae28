/**
 * Lab reports: report.html and the SVG plots are written, the SVG is a real
 * vega rendering (starts with `<svg`) holding the expected series and
 * landmarks, and the page inlines the plot and links its file. Results are
 * written out by hand here: the report only reads them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { selfishThreshold } from '../../../src/lab/analytic.js';
import { escapeHtml, formatCell } from '../../../src/lab/report/html.js';
import { writeRunReport, writeSweepReport } from '../../../src/lab/report/index.js';
import { sweepYScale } from '../../../src/lab/report/markers.js';
import type { SweepResult } from '../../../src/lab/sweep.js';
import { tempDir } from '../../helpers/tmp.js';

const root = tempDir('tally-lab-report');

const doublespend = { successRate: 0.0019, ci95: [0.0013, 0.0027] as [number, number], analytic: 0.001777, whitepaper: 0.000914, q: 0.1, z: 5, trials: 20_000, seed: 1 };

function doublespendSweep(): SweepResult {
  const points = [0.1, 0.2].flatMap((q) => [1, 2, 3].map((z) => ({
    value: z, series: q,
    result: { successRate: q ** z, ci95: [q ** z * 0.8, q ** z * 1.2] as [number, number], analytic: q ** z, whitepaper: q ** z / 2, q, z, trials: 100, seed: 1 },
  })));
  return { experiment: 'doublespend', metric: 'successRate', param: 'z', seriesParam: 'q', params: { seed: 1, q: 0.1, z: 1, trials: 100 } as never, points };
}

function selfishSweep(): SweepResult {
  const points = [0, 0.5].flatMap((gamma) => [0.1, 0.3, 0.45].map((alpha) => ({
    value: alpha, series: gamma,
    result: { revenueShare: alpha, ci95: [alpha - 0.01, alpha + 0.01] as [number, number], analytic: alpha, alpha, gamma, blocks: 100, seed: 1 },
  })));
  return { experiment: 'selfish', metric: 'revenueShare', param: 'alpha', seriesParam: 'gamma', params: { seed: 1, alpha: 0.1, gamma: 0, blocks: 100 } as never, points };
}

const read = (path: string) => readFileSync(path, 'utf8');

describe('writeRunReport', () => {
  it('writes report.html and an SVG of the simulated value beside both closed forms', async () => {
    const dir = join(root, 'run');
    const files = await writeRunReport(dir, 'doublespend', 'successRate', { seed: 1, q: 0.1, z: 5, trials: 20_000 } as never, doublespend);
    expect(files.svg).toEqual([join(dir, 'doublespend.svg')]);
    const svg = read(files.svg[0]!);
    expect(svg.startsWith('<svg')).toBe(true);
    for (const label of ['simulated', 'exact (Rosenfeld 2014)', 'whitepaper (Nakamoto §11)']) expect(svg).toContain(label);
    const html = read(join(dir, 'report.html'));
    expect(html).toContain('href="doublespend.svg"');
    expect(html).toContain('<svg');
    expect(html).toContain('<td>successRate</td><td>0.0019</td>');
    expect(html).toContain('<td>z</td><td>5</td>');
    expect(html).not.toContain('<script');
  });
});

describe('writeSweepReport', () => {
  it('draws one line per series with the exact and whitepaper curves', async () => {
    const dir = join(root, 'ds');
    const files = await writeSweepReport(dir, doublespendSweep());
    expect(files.svg).toEqual([join(dir, 'doublespend-z.svg')]);
    const svg = read(files.svg[0]!);
    expect(svg.startsWith('<svg')).toBe(true);
    for (const label of ['q = 0.1', 'q = 0.2', 'exact (Rosenfeld 2014)', 'whitepaper (Nakamoto §11)']) expect(svg).toContain(label);
    const html = read(files.html);
    expect(html).toContain('href="doublespend-z.svg"');
    // one table row per point: header + 6 points
    expect(html.match(/<tr>/g)?.length).toBeGreaterThanOrEqual(1 + 6);
  });

  it('marks the selfish-mining threshold of each γ and the fair share', async () => {
    const files = await writeSweepReport(join(root, 'selfish'), selfishSweep());
    const svg = read(files.svg[0]!);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('threshold γ = 0');
    expect(svg).toContain('threshold γ = 0.5');
    expect(svg).toContain('gamma = 0.5');
    expect(selfishThreshold(0.5)).toBe(0.25);
    expect(read(files.html)).toContain('fair share');
  });
});

describe('sweepYScale', () => {
  it('is logarithmic for values over more than two decades, linear otherwise', () => {
    expect(sweepYScale(doublespendSweep())).toMatchObject({ type: 'log', clamp: true });
    expect((sweepYScale(doublespendSweep()).domainMin as number)).toBeCloseTo(0.1 ** 3 / 2 / 2, 10); // half the smallest value, the whitepaper at q = 0.1, z = 3
    expect(sweepYScale(selfishSweep())).toEqual({ zero: false });
  });
});

describe('html helpers', () => {
  it('escapes markup and formats cells', () => {
    expect(escapeHtml('<a href="x">&\'</a>')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;');
    expect(formatCell(0.123456789)).toBe('0.123457');
    expect(formatCell([0.1, 2])).toBe('[0.1, 2]');
    expect(formatCell(undefined)).toBe('');
  });
});
