/**
 * The contract between an experiment and whatever runs it (inline, on worker
 * threads, over a sweep, from the CLI). A run is split into a number of
 * independent chunks fixed by its parameters, never by the number of threads,
 * so the same seed gives the same result byte for byte on any machine.
 */

/** Parameters every experiment takes. */
export interface BaseParams {
  /** Seeds every random stream of the run; chunk `i` derives its own from (seed, i). */
  seed: number;
}

/** One parameter, as the CLI exposes it (`--q 0.1`) and a sweep varies it (`--param q=0.05:0.4:0.05`). */
export interface ParamSpec {
  /** Property name in the params object, also the sweep name. */
  name: string;
  /** CLI flag without dashes, e.g. `latency-ms`. */
  flag: string;
  type: 'number' | 'integer' | 'string';
  description: string;
}

/** What every experiment's summary carries, so that a sweep can plot it against the closed form. */
export interface BaseResult {
  /** 95% confidence interval of the simulated value. */
  ci95: [number, number];
  /** The closed-form value for these parameters. */
  analytic: number;
}

/**
 * One experiment. `C` (a chunk's result) must survive structuredClone, since
 * chunks may run on worker threads.
 */
export interface Experiment<P extends BaseParams = BaseParams, C = unknown, R extends BaseResult = BaseResult> {
  readonly name: string;
  /** One line for `tally lab`. */
  readonly summary: string;
  /** The result field holding the simulated value (e.g. `successRate`). */
  readonly metric: string;
  readonly params: readonly ParamSpec[];
  defaults(): P;
  /** Checks and normalizes parameters; throws LabError('lab-bad-param') naming the parameter. */
  validate(params: P): P;
  /** How many independent chunks the run splits into. */
  chunks(params: P): number;
  /** Runs chunk `index` with its own random stream derived from (params.seed, index). Deterministic. */
  runChunk(params: P, index: number): C;
  /** Combines the chunks' results, given in index order, into the published result. */
  summarize(params: P, parts: readonly C[]): R;
}

/** Runs every chunk in this thread, in order: the reference that threaded runs must equal. */
export function runInline<P extends BaseParams, C, R extends BaseResult>(experiment: Experiment<P, C, R>, params: P): R {
  const checked = experiment.validate(params);
  const parts: C[] = [];
  for (let i = 0; i < experiment.chunks(checked); i++) parts.push(experiment.runChunk(checked, i));
  return experiment.summarize(checked, parts);
}
