/**
 * `scale.json` of a scale run: the fields other scripts read (`nodes`,
 * `connectedAfterMs`, `minPeers`, `graphConnected`,
 * `propagation.{compact,full}.p95AllMs`, `bytesPerNodePerBlock.{compact,full}`,
 * `rssMb.median`, `churn.survivorsConnected`, `churn.rejoinedAfterMs`) and
 * more detail beside them.
 */
import type { BlockTrip } from '../../test/helpers/scale-measure.js';
import { quantile } from '../../test/helpers/scale-measure.js';
import { propagationSummary, type Churn, type Discovery } from '../../test/helpers/scale-run.js';

/** What a run measured, raw. */
export interface ScaleMeasurements {
  nodes: number;
  settings: Record<string, unknown>;
  discovery: Discovery;
  compact: BlockTrip[];
  full: BlockTrip[];
  churn: Churn;
  /** Discovery again after every node restarted with `--blockrelay full`. */
  fullRestart: Discovery;
  rssAfterDiscoveryMb: number[];
  /** Share of a core (%) each node used while idle, once the mesh formed. */
  idleCpuPercent: number[];
  rssAfterBlocksMb: number[];
  /** Proportional set size at the same moment (shared pages divided among the nodes). */
  pssAfterBlocksMb: number[];
  /** RSS again after a quiet spell following the blocks. */
  rssSettledMb: number[];
  seconds: number;
}

/** Mean wire bytes (sent plus received) per receiving node per block; null without blocks. */
export function bytesPerNodePerBlock(trips: readonly BlockTrip[]): number | null {
  const all = trips.flatMap((t) => t.wireBytes);
  return all.length === 0 ? null : Math.round(all.reduce((a, b) => a + b, 0) / all.length);
}

function rss(values: readonly number[]) {
  return { median: quantile(values, 0.5), min: Math.min(...values), max: Math.max(...values), perNode: values };
}

function trips(list: readonly BlockTrip[]) {
  return list.map((t) => ({ hash: t.hash, bytes: t.bytes, t50: t.t50, t90: t.t90, t100: t.t100, reached: t.delays.filter((d) => d !== null).length, receivers: t.delays.length, toppedUp: t.toppedUp ?? 0 }));
}

/** The JSON document written to `scale.json`. */
export function scaleReport(m: ScaleMeasurements, plots: Record<string, string>) {
  const compact = propagationSummary(m.compact);
  const full = propagationSummary(m.full);
  const churnSummary = propagationSummary(m.churn.trips);
  const bytesCompact = bytesPerNodePerBlock(m.compact);
  const bytesFull = bytesPerNodePerBlock(m.full);
  return {
    nodes: m.nodes,
    connectedAfterMs: m.discovery.connectedAfterMs,
    minPeers: m.discovery.minPeers,
    graphConnected: m.discovery.graphConnected,
    degrees: m.discovery.degrees,
    propagation: { compact: { ...compact, trips: trips(m.compact) }, full: { ...full, trips: trips(m.full) } },
    bytesPerNodePerBlock: {
      compact: bytesCompact,
      full: bytesFull,
      compactOverFull: bytesCompact !== null && bytesFull ? Math.round((bytesCompact / bytesFull) * 1000) / 1000 : null,
      unit: 'bytes sent plus received per receiving node per block, from getnettotals just before the block was mined to its last arrival',
    },
    rssMb: {
      ...rss(m.rssAfterBlocksMb),
      afterDiscovery: rss(m.rssAfterDiscoveryMb),
      settled: rss(m.rssSettledMb),
      pssAfterBlocks: rss(m.pssAfterBlocksMb),
      when: 'right after the compact-relay blocks (afterDiscovery: idle, once the mesh formed; settled: 20 s after the blocks; pssAfterBlocks: proportional set size right after the blocks)',
    },
    idleCpuPercent: { median: quantile(m.idleCpuPercent, 0.5), max: Math.max(...m.idleCpuPercent), total: Math.round(m.idleCpuPercent.reduce((a, b) => a + b, 0)), perNode: m.idleCpuPercent },
    churn: {
      killed: m.churn.killed,
      survivorsConnected: m.churn.survivorsConnected,
      p95AllMs: churnSummary.p95AllMs,
      withinCompactP95: churnSummary.p95AllMs !== null && compact.p95AllMs !== null && churnSummary.p95AllMs <= compact.p95AllMs,
      trips: trips(m.churn.trips),
      rejoinedAfterMs: m.churn.rejoinedAfterMs,
      rejoinedDegrees: m.churn.rejoinedDegrees,
      restartedWith: 'no --bootstrap: peers.json and the DHT only',
    },
    fullRelayRestart: { connectedAfterMs: m.fullRestart.connectedAfterMs, minPeers: m.fullRestart.minPeers, graphConnected: m.fullRestart.graphConnected },
    settings: m.settings,
    plots,
    seconds: m.seconds,
  };
}
