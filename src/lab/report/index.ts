/**
 * Lab reports: `writeRunReport` and `writeSweepReport` write `report.html`
 * and the plot as an SVG file into a folder (created if missing).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BaseParams, BaseResult } from '../experiment.js';
import type { SweepResult } from '../sweep.js';
import { runExplanation, sweepExplanation } from './explain.js';
import { reportHtml } from './html.js';
import { renderSvg } from './render.js';
import { metricOf, runSpec, sweepSpec } from './specs.js';
import { closedForms } from './markers.js';

export { renderSvg } from './render.js';
export { runSpec, sweepSpec } from './specs.js';

/** The files a report wrote, as absolute or `dir`-relative paths. */
export interface ReportFiles {
  html: string;
  svg: string[];
}

/** The result table: every field except the parameters the result echoes back. */
function resultRows(result: BaseResult, params: BaseParams): unknown[][] {
  const paramNames = new Set(Object.keys(params));
  return Object.entries(result).filter(([k]) => !paramNames.has(k)).map(([k, v]) => [k, v]);
}

/** Writes the report of one run of `experiment` into `dir`. */
export async function writeRunReport(dir: string, experiment: string, metric: string, params: BaseParams, result: BaseResult): Promise<ReportFiles> {
  const file = `${experiment}.svg`;
  const svg = await renderSvg(runSpec(experiment, metric, result));
  const html = reportHtml({
    title: `Tally lab: ${experiment}`,
    params: { ...params },
    table: { columns: ['field', 'value'], rows: resultRows(result, params) },
    plot: { svg, file },
    explanation: runExplanation(experiment),
  });
  return writeFiles(dir, html, { [file]: svg });
}

/** The sweep's table: one row per point, the series first when there is one. */
function sweepTable(sweep: SweepResult): { columns: string[]; rows: unknown[][] } {
  const forms = sweep.points.length ? closedForms(sweep.experiment, sweep.points[0]!.result).map((c) => c.label) : [];
  const columns = [...(sweep.seriesParam ? [sweep.seriesParam] : []), sweep.param, sweep.metric, 'ci95', ...forms];
  const rows = sweep.points.map((p) => [
    ...(sweep.seriesParam ? [p.series] : []), p.value, metricOf(p.result, sweep.metric), p.result.ci95,
    ...closedForms(sweep.experiment, p.result).map((c) => c.value),
  ]);
  return { columns, rows };
}

/** Writes the report of a sweep into `dir`. */
export async function writeSweepReport(dir: string, sweep: SweepResult): Promise<ReportFiles> {
  const file = `${sweep.experiment}-${sweep.param}.svg`;
  const svg = await renderSvg(sweepSpec(sweep));
  const swept = new Set([sweep.param, sweep.seriesParam]);
  const params = Object.fromEntries(Object.entries(sweep.params).filter(([k]) => !swept.has(k)));
  const html = reportHtml({
    title: `Tally lab: ${sweep.experiment}, ${sweep.metric} against ${sweep.param}`,
    params: { ...params, seed: `${sweep.params.seed} + k at point k`, swept: sweep.param, ...(sweep.seriesParam ? { series: sweep.seriesParam } : {}) },
    table: sweepTable(sweep),
    plot: { svg, file },
    explanation: sweepExplanation(sweep.experiment),
  });
  return writeFiles(dir, html, { [file]: svg });
}

async function writeFiles(dir: string, html: string, svgs: Record<string, string>): Promise<ReportFiles> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, svg] of Object.entries(svgs)) {
    const path = join(dir, name);
    await writeFile(path, svg);
    written.push(path);
  }
  const htmlPath = join(dir, 'report.html');
  await writeFile(htmlPath, html);
  return { html: htmlPath, svg: written };
}
