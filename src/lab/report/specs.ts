/**
 * The plots of a lab report as Vega-Lite specs (plain data, no rendering):
 * a single run's simulated value with its 95% interval beside the closed
 * forms, and a sweep's simulated points with error bars against the analytic
 * curve, plus each experiment's landmarks (see markers.ts).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { BaseResult } from '../experiment.js';
import type { SweepResult } from '../sweep.js';
import { closedForms, sweepMarkers, sweepYScale } from './markers.js';

const WIDTH = 480;
const HEIGHT = 300;
/** Long labels (the closed forms' names) in full rather than cut with an ellipsis. */
const CONFIG = { legend: { labelLimit: 0 }, axis: { labelLimit: 0 } };

type Row = Record<string, string | number>;

/** The simulated value of a result, by the experiment's metric name. */
export function metricOf(result: BaseResult, metric: string): number {
  const value = (result as unknown as Record<string, unknown>)[metric];
  if (typeof value !== 'number') throw new TypeError(`result has no numeric "${metric}"`);
  return value;
}

/** One run: the simulated value with its interval, and each closed form as a point. */
export function runSpec(experiment: string, metric: string, result: BaseResult): TopLevelSpec {
  const rows: Row[] = [
    { label: 'simulated', value: metricOf(result, metric), lo: result.ci95[0], hi: result.ci95[1] },
    ...closedForms(experiment, result).map((c) => ({ label: c.label, value: c.value })),
  ];
  const x = { field: 'label', type: 'nominal', sort: null, title: null, axis: { labelAngle: 0 } } as const;
  const y = { field: 'value', type: 'quantitative', title: metric, scale: { zero: false } } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `${experiment}: ${metric}`,
    width: WIDTH,
    height: HEIGHT,
    config: CONFIG,
    data: { values: rows },
    layer: [
      { mark: { type: 'rule', strokeWidth: 2 }, transform: [{ filter: 'isValid(datum.lo)' }], encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } } },
      { mark: { type: 'point', filled: true, size: 90 }, encoding: { x, y, color: { field: 'label', type: 'nominal', sort: null, legend: null } } },
      { mark: { type: 'text', dx: 36, align: 'left' }, encoding: { x, y, text: { field: 'value', type: 'quantitative', format: '.4~g' } } },
    ],
  } as unknown as TopLevelSpec;
}

/** The name of a point's line: the series value, or the experiment when there is no series. */
export function seriesLabel(sweep: SweepResult, series: number | undefined): string {
  return sweep.seriesParam !== undefined && series !== undefined ? `${sweep.seriesParam} = ${series}` : 'simulated';
}

/** Simulated points with intervals, and the closed forms as curves, one row per point and curve. */
function sweepRows(sweep: SweepResult): { points: Row[]; curves: Row[] } {
  const points: Row[] = [];
  const curves: Row[] = [];
  for (const p of sweep.points) {
    const series = seriesLabel(sweep, p.series);
    points.push({ x: p.value, y: metricOf(p.result, sweep.metric), lo: p.result.ci95[0], hi: p.result.ci95[1], series });
    for (const c of closedForms(sweep.experiment, p.result)) curves.push({ x: p.value, y: c.value, series, curve: c.label });
  }
  return { points, curves };
}

/** A sweep: error bars and points per series over the closed-form curves (solid: exact, dashed: approximations). */
export function sweepSpec(sweep: SweepResult): TopLevelSpec {
  const { points, curves } = sweepRows(sweep);
  const x = { field: 'x', type: 'quantitative', title: sweep.param, scale: { zero: false } } as const;
  const color = { field: 'series', type: 'nominal', sort: null, title: sweep.seriesParam ?? null } as const;
  const yAxis = { title: sweep.metric, scale: sweepYScale(sweep) } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `${sweep.experiment}: ${sweep.metric} against ${sweep.param}`,
    width: WIDTH,
    height: HEIGHT,
    config: CONFIG,
    layer: [
      {
        data: { values: curves },
        mark: { type: 'line', strokeWidth: 1.5 },
        encoding: { x, y: { field: 'y', type: 'quantitative', ...yAxis }, color, strokeDash: { field: 'curve', type: 'nominal', sort: null, title: 'closed form' }, detail: { field: 'series' } },
      },
      {
        data: { values: points },
        mark: { type: 'rule' },
        encoding: { x, y: { field: 'lo', type: 'quantitative', ...yAxis }, y2: { field: 'hi' }, color },
      },
      {
        data: { values: points },
        mark: { type: 'point', filled: true, size: 40 },
        encoding: { x, y: { field: 'y', type: 'quantitative', ...yAxis }, color },
      },
      ...sweepMarkers(sweep, HEIGHT),
    ],
  } as unknown as TopLevelSpec;
}
