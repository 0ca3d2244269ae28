/**
 * `tally lab`: the consensus lab. Without arguments it lists the experiments;
 * `tally lab <experiment> [flags]` runs one, `tally lab sweep <experiment>
 * --param name=from:to:step` runs it over a range. Each experiment's flags come
 * from its parameter specs, so a new experiment brings its own flags. `--json`
 * prints one JSON object on stdout; `--out DIR` writes report.html and SVG plots.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { BaseParams, BaseResult, Experiment, ParamSpec } from '../../lab/experiment.js';
import { EXPERIMENTS } from '../../lab/experiments/index.js';
import { checkedParams, runExperiment } from '../../lab/runner.js';
import { parseRange, parseSeries, runSweep, type SweepRange, type SweepResult, type SweepSeries } from '../../lab/sweep.js';
import { CliError, type CliIo } from '../io.js';

/** Options every lab command takes. */
interface CommonOptions {
  seed?: number;
  json?: boolean;
  out?: string;
  threads?: number;
}

interface SweepOptions extends CommonOptions {
  param: SweepRange;
  series?: SweepSeries;
}

function parseNumberArg(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('not a number.');
  return n;
}

function parseIntegerArg(text: string): number {
  const n = parseNumberArg(text);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('not a whole number.');
  return n;
}

/** A commander parser that turns a sweep's LabError into a usage error. */
function wrapParser<T>(parse: (text: string) => T): (text: string) => T {
  return (text) => {
    try {
      return parse(text);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
  };
}

/** The flag of one experiment parameter, typed by its spec. */
function paramOption(spec: ParamSpec): Option {
  const option = new Option(`--${spec.flag} <${spec.type === 'string' ? 'value' : spec.type}>`, spec.description);
  if (spec.type === 'number') option.argParser(parseNumberArg);
  if (spec.type === 'integer') option.argParser(parseIntegerArg);
  return option;
}

/** Adds the experiment's own flags and the common ones. */
function addOptions(cmd: Command, experiment: Experiment): Command {
  for (const spec of experiment.params) if (spec.name !== 'seed') cmd.addOption(paramOption(spec));
  return cmd
    .option('--seed <integer>', 'seed of every random stream (same seed, same result)', parseIntegerArg)
    .option('--json', 'print one JSON object on stdout')
    .option('--out <dir>', 'write report.html and SVG plots into this folder')
    .option('--threads <integer>', 'worker threads (default: one per CPU; 1 runs inline)', parseIntegerArg);
}

/** The parameters given on the command line, by parameter name. */
function paramsFromFlags(cmd: Command, experiment: Experiment, opts: CommonOptions): object {
  const params: Record<string, unknown> = {};
  for (const spec of experiment.params) {
    const option = cmd.options.find((o) => o.long === `--${spec.flag}`);
    const value = option ? cmd.getOptionValue(option.attributeName()) : undefined;
    if (value !== undefined) params[spec.name] = value;
  }
  if (opts.seed !== undefined) params.seed = opts.seed;
  return params;
}

/** The one-line-per-experiment listing of `tally lab`. */
export function experimentListing(): string {
  const names = Object.keys(EXPERIMENTS);
  const width = Math.max(...names.map((n) => n.length), 'sweep'.length);
  const lines = Object.values(EXPERIMENTS).map((e) => `  ${e.name.padEnd(width)}  ${e.summary}`);
  lines.push(`  ${'sweep'.padEnd(width)}  runs an experiment over a range of one parameter (--param name=from:to:step)`);
  return ['Experiments (tally lab <experiment> --help for its flags):', ...lines].join('\n');
}

/** Registers `tally lab`, one subcommand per experiment, and `tally lab sweep <experiment>`. */
export function registerLabCommand(program: Command, io: CliIo): void {
  const lab = program.command('lab')
    .description('the consensus lab: run Tally\'s consensus code on a simulated network')
    // One line on stderr for bad input: commander's usage hint would be a second.
    .showHelpAfterError(false)
    .argument('[experiment]')
    .action((name?: string) => {
      if (name !== undefined) throw new CliError(`unknown experiment "${name}": choose one of ${Object.keys(EXPERIMENTS).join(', ')}, or sweep`);
      io.out(experimentListing());
    });
  const sweep = lab.command('sweep')
    .description('run an experiment over a range of one parameter and plot it against the closed form')
    .argument('[experiment]')
    .action((name?: string) => {
      const names = Object.keys(EXPERIMENTS).join(', ');
      throw new CliError(name === undefined ? `tally lab sweep needs an experiment: one of ${names}` : `unknown experiment "${name}": choose one of ${names}`);
    });
  for (const experiment of Object.values(EXPERIMENTS) as Experiment[]) {
    addOptions(lab.command(experiment.name).description(experiment.summary), experiment)
      .action(async (opts: CommonOptions, cmd: Command) => runCommand(experiment, paramsFromFlags(cmd, experiment, opts), opts, io));
    addOptions(sweep.command(experiment.name).description(`run ${experiment.name} over a range of one parameter (point k with seed + k)`), experiment)
      .requiredOption('--param <name=from:to:step>', 'the parameter to sweep and its range (at most 200 points)', wrapParser(parseRange))
      .option('--series <name=v1,v2,...>', 'repeat the sweep for each value of a second parameter (one line each)', wrapParser(parseSeries))
      .action(async (opts: SweepOptions, cmd: Command) => sweepCommand(experiment, paramsFromFlags(cmd, experiment, opts), opts, io));
  }
}

async function runCommand(experiment: Experiment, params: object, opts: CommonOptions, io: CliIo): Promise<void> {
  const result = await runExperiment(experiment, params, { threads: opts.threads });
  const checked = checkedParams(experiment, params);
  if (opts.out !== undefined) {
    const { writeRunReport } = await import('../../lab/report/index.js');
    reportWritten(io, opts, (await writeRunReport(opts.out, experiment.name, experiment.metric, checked, result)).html);
  }
  io.out(opts.json ? JSON.stringify(result, null, 2) : describeRun(experiment, checked, result));
}

async function sweepCommand(experiment: Experiment, params: object, opts: SweepOptions, io: CliIo): Promise<void> {
  const sweep = await runSweep(experiment, params, opts.param, { threads: opts.threads, series: opts.series });
  if (opts.out !== undefined) {
    const { writeSweepReport } = await import('../../lab/report/index.js');
    reportWritten(io, opts, (await writeSweepReport(opts.out, sweep)).html);
  }
  io.out(opts.json ? JSON.stringify(sweep, null, 2) : describeSweep(sweep));
}

/** Where the report went: on stderr under --json, so that stdout stays one JSON object. */
function reportWritten(io: CliIo, opts: CommonOptions, path: string): void {
  (opts.json ? io.err : io.out)(`report: ${path}`);
}

function fmt(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
  if (Array.isArray(value)) return `[${value.map(fmt).join(', ')}]`;
  return String(value);
}

/** A few readable lines: the parameters, the simulated value with its interval, the closed forms. */
export function describeRun(experiment: Experiment, params: BaseParams, result: BaseResult): string {
  const record = result as unknown as Record<string, unknown>;
  const paramLine = Object.entries(params).map(([k, v]) => `${k}=${fmt(v)}`).join(' ');
  const shown = new Set([...Object.keys(params), experiment.metric, 'ci95']);
  const rest = Object.entries(record).filter(([k]) => !shown.has(k));
  const width = Math.max(experiment.metric.length, ...rest.map(([k]) => k.length));
  return [
    `${experiment.name}: ${paramLine}`,
    `  ${experiment.metric.padEnd(width)}  ${fmt(record[experiment.metric])}  (95% CI ${fmt(result.ci95[0])} to ${fmt(result.ci95[1])})`,
    ...rest.map(([k, v]) => `  ${k.padEnd(width)}  ${fmt(v)}`),
  ].join('\n');
}

/** One line per point: the series and swept values, the simulated value and its interval, the closed form. */
export function describeSweep(sweep: SweepResult): string {
  const first = sweep.points[0]?.result as unknown as Record<string, unknown> | undefined;
  const forms = ['analytic', ...(typeof first?.whitepaper === 'number' ? ['whitepaper'] : [])];
  const head = [...(sweep.seriesParam ? [sweep.seriesParam] : []), sweep.param, sweep.metric, 'ci95', ...forms];
  const rows = sweep.points.map((p) => {
    const record = p.result as unknown as Record<string, unknown>;
    return [...(sweep.seriesParam ? [fmt(p.series)] : []), fmt(p.value), fmt(record[sweep.metric]), fmt(p.result.ci95), ...forms.map((f) => fmt(record[f]))];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [`${sweep.experiment} sweep over ${sweep.param}`, line(head), ...rows.map(line)].join('\n');
}
