/**
 * The plots of a scale run as Vega-Lite specs, rendered to SVG by the lab's
 * headless renderer (src/lab/report/render.ts): the propagation CDF compact
 * against full, the peer-degree histogram, bytes per node per block, and RSS
 * per node.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg } from '../../src/lab/report/render.js';
import type { BlockTrip } from '../../test/helpers/scale-measure.js';

type Row = Record<string, string | number>;

const SIZE = { width: 520, height: 300 };

function spec(title: string, rows: Row[], body: object): TopLevelSpec {
  return { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', title, ...SIZE, data: { values: rows }, ...body } as unknown as TopLevelSpec;
}

/** Share of (node, block) arrivals within each delay, per relay mode: one step per arrival. */
export function cdfRows(byMode: Record<string, readonly BlockTrip[]>): Row[] {
  const rows: Row[] = [];
  for (const [mode, trips] of Object.entries(byMode)) {
    const delays = trips.flatMap((t) => t.delays).filter((d): d is number => d !== null).sort((a, b) => a - b);
    const total = trips.reduce((n, t) => n + t.delays.length, 0);
    delays.forEach((d, i) => rows.push({ mode, delayMs: d, share: (i + 1) / total }));
  }
  return rows;
}

/** Mean wire bytes per block of each node, per mode. */
export function bytesRows(byMode: Record<string, readonly BlockTrip[]>): Row[] {
  const rows: Row[] = [];
  for (const [mode, trips] of Object.entries(byMode)) {
    const sums = new Map<number, { bytes: number; blocks: number }>();
    for (const t of trips) {
      t.receivers.forEach((node, i) => {
        const s = sums.get(node) ?? { bytes: 0, blocks: 0 };
        s.bytes += t.wireBytes[i]!;
        s.blocks++;
        sums.set(node, s);
      });
    }
    for (const [node, s] of sums) rows.push({ mode, node, kB: Math.round(s.bytes / s.blocks / 100) / 10 });
  }
  return rows;
}

/** The four specs of a run. */
export function scaleSpecs(byMode: Record<string, readonly BlockTrip[]>, degrees: readonly number[], rssMb: readonly number[]): Record<string, TopLevelSpec> {
  const mode = { field: 'mode', type: 'nominal', title: 'block relay' };
  return {
    'propagation-cdf': spec('Block propagation: share of nodes that have the block', cdfRows(byMode), {
      mark: { type: 'line', interpolate: 'step-after' },
      encoding: { x: { field: 'delayMs', type: 'quantitative', title: 'ms after the miner connected it' }, y: { field: 'share', type: 'quantitative', title: 'share of (node, block) arrivals' }, color: mode },
    }),
    'peer-degree': spec('Peers per node after discovery', degrees.map((d) => ({ peers: d })), {
      mark: 'bar',
      encoding: { x: { field: 'peers', type: 'ordinal', title: 'peers' }, y: { aggregate: 'count', type: 'quantitative', title: 'nodes' } },
    }),
    'bytes-per-node': spec('Wire bytes per node per block (sent + received)', bytesRows(byMode), {
      mark: { type: 'point', filled: true },
      encoding: { x: { field: 'node', type: 'quantitative', title: 'node' }, y: { field: 'kB', type: 'quantitative', title: 'kB per block', scale: { type: 'log' } }, color: mode },
    }),
    'rss-per-node': spec('Resident memory per node', rssMb.map((mb, node) => ({ node, mb })), {
      mark: 'bar',
      encoding: { x: { field: 'node', type: 'ordinal', title: 'node', axis: { labels: rssMb.length <= 30 } }, y: { field: 'mb', type: 'quantitative', title: 'RSS (MB)' } },
    }),
  };
}

/** Renders each spec to `<dir>/<name>.svg`; returns the paths by name. */
export async function writePlots(dir: string, specs: Record<string, TopLevelSpec>): Promise<Record<string, string>> {
  const paths: Record<string, string> = {};
  for (const [name, s] of Object.entries(specs)) {
    const path = join(dir, `${name}.svg`);
    writeFileSync(path, await renderSvg(s));
    paths[name] = path;
  }
  return paths;
}
