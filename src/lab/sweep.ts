/**
 * Sweeps: one experiment over a range of one numeric parameter, optionally
 * repeated for a few values of a second one (one line per series, e.g.
 * double-spend success against z for several q). Point k (counting series by
 * series) runs with seed base + k: independent points, whose errors scatter
 * around the closed form instead of sharing one offset, and each reproducible
 * alone from the seed in its result. All points' chunks run together on one
 * pool of workers.
 */
import { LabError } from './errors.js';
import { runInline, type BaseParams, type BaseResult, type Experiment, type ParamSpec } from './experiment.js';
import { checkedParams, resolveExperiment, runChunks, threadCount, type ChunkJob, type ExperimentRef, type RunOptions } from './runner.js';

/** Most points one range may have. */
export const MAX_SWEEP_POINTS = 200;
/** Most values a series may have (each is one line on the plot). */
export const MAX_SERIES_VALUES = 10;

/** `--param name=from:to:step`: from `from` to `to` inclusive, in steps of `step`. */
export interface SweepRange {
  param: string;
  from: number;
  to: number;
  step: number;
}

/** `--series name=v1,v2,...`: the sweep is repeated for each value. */
export interface SweepSeries {
  param: string;
  values: number[];
}

/** One point of a sweep. */
export interface SweepPoint<R extends BaseResult = BaseResult> {
  /** The swept parameter's value. */
  value: number;
  /** The series parameter's value, when there is a series. */
  series?: number;
  result: R;
}

/** What a sweep returns: enough to plot and to print. */
export interface SweepResult<R extends BaseResult = BaseResult> {
  experiment: string;
  /** The result field holding the simulated value. */
  metric: string;
  param: string;
  /** The series parameter, when there is one. */
  seriesParam?: string;
  /** The parameters of the first point (each point's own are in its result). */
  params: BaseParams;
  points: SweepPoint<R>[];
}

function badSweep(message: string): LabError {
  return new LabError('lab-bad-param', message);
}

function parseNumber(text: string, what: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw badSweep(`${what}: "${text}" is not a number`);
  return n;
}

/** Splits `name=rest`; the name must be non-empty. */
function splitAssignment(text: string, usage: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw badSweep(`expected ${usage}, got "${text}"`);
  return [text.slice(0, eq).trim(), text.slice(eq + 1)];
}

/** Parses `name=from:to:step` (no check against an experiment yet: see {@link sweepValues}). */
export function parseRange(text: string): SweepRange {
  const [param, rest] = splitAssignment(text, 'name=from:to:step');
  const parts = rest.split(':');
  if (parts.length !== 3) throw badSweep(`expected ${param}=from:to:step, got "${text}"`);
  const [from, to, step] = parts.map((p) => parseNumber(p, `--param ${param}`)) as [number, number, number];
  if (!(step > 0)) throw badSweep(`--param ${param}: step must be > 0, got ${step}`);
  if (to < from) throw badSweep(`--param ${param}: "to" (${to}) is below "from" (${from})`);
  sweepValues({ param, from, to, step });
  return { param, from, to, step };
}

/** Parses `name=v1,v2,...`. */
export function parseSeries(text: string): SweepSeries {
  const [param, rest] = splitAssignment(text, 'name=v1,v2,...');
  const values = rest.split(',').map((v) => parseNumber(v, `--series ${param}`));
  if (values.length > MAX_SERIES_VALUES) throw badSweep(`--series ${param}: at most ${MAX_SERIES_VALUES} values, got ${values.length}`);
  if (new Set(values).size !== values.length) throw badSweep(`--series ${param}: a value repeats`);
  return { param, values };
}

/**
 * The values of a range. Each is `from + i·step` rounded to 12 significant
 * digits, so that 0.1:0.3:0.1 gives 0.1, 0.2, 0.3 (not 0.30000000000000004)
 * and its last point is not lost to rounding.
 */
export function sweepValues(range: SweepRange): number[] {
  const count = Math.floor((range.to - range.from) / range.step + 1e-9) + 1;
  if (count > MAX_SWEEP_POINTS) {
    throw badSweep(`--param ${range.param}: ${count} points, at most ${MAX_SWEEP_POINTS}: use a larger step`);
  }
  return Array.from({ length: count }, (_, i) => Number((range.from + i * range.step).toPrecision(12)));
}

/** The experiment's numeric parameter called `name`, or a LabError listing the ones it has. */
export function numericParam(experiment: Experiment, name: string): ParamSpec {
  const numeric = experiment.params.filter((p) => p.type !== 'string' && p.name !== 'seed');
  const spec = numeric.find((p) => p.name === name || p.flag === name);
  if (!spec) throw badSweep(`${experiment.name} has no numeric parameter "${name}": choose one of ${numeric.map((p) => p.name).join(', ')}`);
  return spec;
}

function checkIntegers(spec: ParamSpec, values: readonly number[], what: string): void {
  const bad = values.find((v) => !Number.isInteger(v));
  if (spec.type === 'integer' && bad !== undefined) throw badSweep(`${what} ${spec.name}: ${spec.name} is a whole number, got ${bad}`);
}

/** Every point's parameters, checked by the experiment, series-major. */
export function sweepPlan(experiment: Experiment, base: object, range: SweepRange, series?: SweepSeries): { value: number; series?: number; params: BaseParams }[] {
  const spec = numericParam(experiment, range.param);
  const values = sweepValues(range);
  checkIntegers(spec, values, '--param');
  const seriesSpec = series ? numericParam(experiment, series.param) : undefined;
  if (seriesSpec?.name === spec.name) throw badSweep(`--series must vary another parameter than --param (${spec.name})`);
  if (seriesSpec && series) checkIntegers(seriesSpec, series.values, '--series');
  const lines: (number | undefined)[] = series ? series.values : [undefined];
  const seed = ({ ...experiment.defaults(), ...base } as BaseParams).seed;
  const points = lines.flatMap((s) => values.map((value) => ({ value, s })));
  return points.map(({ value, s }, k) => {
    const over = { ...base, [spec.name]: value, ...(seriesSpec && s !== undefined ? { [seriesSpec.name]: s } : {}), seed: pointSeed(seed, k) };
    return { value, ...(s !== undefined ? { series: s } : {}), params: checkedParams(experiment, over) };
  });
}

/** The seed of point k: base + k, wrapped to stay a 32-bit seed. */
export function pointSeed(base: number, k: number): number {
  const seed = base + k;
  return seed > 0xffffffff ? seed - 2 ** 32 : seed;
}

/**
 * Runs `experiment` at every point of `range` (times every value of
 * `opts.series`), over `base` parameters and the experiment's defaults.
 */
export async function runSweep<R extends BaseResult = BaseResult>(
  ref: ExperimentRef, base: object, range: SweepRange, opts: RunOptions & { series?: SweepSeries } = {},
): Promise<SweepResult<R>> {
  const experiment = resolveExperiment(ref);
  const plan = sweepPlan(experiment, base, range, opts.series);
  const threads = threadCount(opts.threads);
  const results = threads === 1
    ? plan.map((p) => runInline(experiment, p.params))
    : await runPlanned(experiment, plan.map((p) => p.params), threads, opts.registry);
  return {
    experiment: experiment.name,
    metric: experiment.metric,
    param: numericParam(experiment, range.param).name,
    ...(opts.series ? { seriesParam: numericParam(experiment, opts.series.param).name } : {}),
    params: plan[0]!.params,
    points: plan.map((p, i) => ({ value: p.value, ...(p.series !== undefined ? { series: p.series } : {}), result: results[i] as R })),
  };
}

/** All points' chunks on one pool, then each point summarized from its own chunks in index order. */
async function runPlanned(experiment: Experiment, points: readonly BaseParams[], threads: number, registry?: string): Promise<BaseResult[]> {
  const jobs: ChunkJob[] = [];
  const starts: number[] = [];
  for (const params of points) {
    starts.push(jobs.length);
    const count = experiment.chunks(params);
    for (let index = 0; index < count; index++) jobs.push({ name: experiment.name, params, index });
  }
  const parts = await runChunks(jobs, threads, registry);
  return points.map((params, i) => experiment.summarize(params, parts.slice(starts[i], starts[i + 1] ?? jobs.length)));
}
