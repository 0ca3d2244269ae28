/**
 * What each experiment's plots show besides the simulation: the names of its
 * closed forms, and landmarks on a sweep (for selfish mining, the fair-share
 * line, revenue = α, and the profitability threshold (1−γ)/(3−2γ) of Eyal and
 * Sirer).
 */
import { selfishThreshold } from '../analytic.js';
import type { BaseResult } from '../experiment.js';
import type { SweepResult } from '../sweep.js';

/** How each experiment's `analytic` value is named on a plot. */
const ANALYTIC_LABEL: Record<string, string> = {
  doublespend: 'exact (Rosenfeld 2014)',
  selfish: 'closed form (Eyal–Sirer 2014)',
  stale: 'first order',
};

/** A closed-form value of a result, with its name on the plot. */
export interface ClosedForm {
  label: string;
  value: number;
}

/** The closed forms a result carries: `analytic` always, `whitepaper` where present. */
export function closedForms(experiment: string, result: BaseResult): ClosedForm[] {
  const forms = [{ label: ANALYTIC_LABEL[experiment] ?? 'analytic', value: result.analytic }];
  const whitepaper = (result as unknown as Record<string, unknown>).whitepaper;
  if (typeof whitepaper === 'number') forms.push({ label: 'whitepaper (Nakamoto §11)', value: whitepaper });
  return forms;
}

type Layer = Record<string, unknown>;

/**
 * The y scale of a sweep: logarithmic when its values span more than two
 * decades (double-spend success falls geometrically with z), so that small
 * probabilities stay readable; a zero (no success in any trial) is drawn at
 * the bottom edge, half the smallest positive value.
 */
export function sweepYScale(sweep: SweepResult): Record<string, unknown> {
  const values = sweep.points.flatMap((p) => [p.result.ci95[0], p.result.ci95[1], ...closedForms(sweep.experiment, p.result).map((c) => c.value)]);
  const positive = values.filter((v) => v > 0);
  const min = Math.min(...positive);
  const max = Math.max(...positive);
  if (positive.length === 0 || max / min < 100) return { zero: false };
  return { type: 'log', domainMin: min / 2, clamp: true };
}

const GREY = '#888888';

/** Extra layers of a sweep's plot (`height` in pixels, for labels at the bottom): none except for selfish mining. */
export function sweepMarkers(sweep: SweepResult, height: number): Layer[] {
  if (sweep.experiment !== 'selfish') return [];
  if (sweep.param === 'alpha') return [fairShareDiagonal(sweep), ...thresholdRules(sweep, height)];
  if (sweep.param === 'gamma') return [fairShareLevels(sweep)];
  return [];
}

/** The numeric parameter `name` at every point (one value unless it is the series). */
function paramValues(sweep: SweepResult, name: string): number[] {
  if (sweep.seriesParam === name) return [...new Set(sweep.points.map((p) => p.series!))];
  return [(sweep.params as unknown as Record<string, number>)[name]!];
}

/** revenue = α: what an honest miner with α of the power earns. */
function fairShareDiagonal(sweep: SweepResult): Layer {
  const xs = sweep.points.map((p) => p.value);
  const ends = [Math.min(...xs), Math.max(...xs)];
  return {
    data: { values: ends.map((a) => ({ x: a, y: a, label: 'fair share (revenue = α)' })) },
    mark: { type: 'line', color: GREY, strokeDash: [2, 3] },
    encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
  };
}

/** A horizontal fair-share line at each α, when γ is swept. */
function fairShareLevels(sweep: SweepResult): Layer {
  return {
    data: { values: paramValues(sweep, 'alpha').map((a) => ({ y: a, label: `fair share α = ${a}` })) },
    mark: { type: 'rule', color: GREY, strokeDash: [2, 3] },
    encoding: { y: { field: 'y', type: 'quantitative' } },
  };
}

/** A vertical rule at the threshold α of each γ, labelled. */
function thresholdRules(sweep: SweepResult, height: number): Layer[] {
  const rows = paramValues(sweep, 'gamma').map((g) => ({ x: selfishThreshold(g), label: `threshold γ = ${g}` }));
  const x = { field: 'x', type: 'quantitative' } as const;
  return [
    { data: { values: rows }, mark: { type: 'rule', color: GREY, strokeDash: [6, 3] }, encoding: { x } },
    {
      data: { values: rows },
      mark: { type: 'text', color: GREY, angle: 270, align: 'left', baseline: 'bottom', dx: -4, y: height - 4 },
      encoding: { x, text: { field: 'label' } },
    },
  ];
}
