/**
 * Stale blocks from propagation delay: N honest miners of equal power, one per
 * node, on a network (a full mesh with fixed latency by default, the closed
 * form's setting). A block is stale when it is not in the best chain at the
 * end; the rate is stale blocks over blocks found.
 */
import type { BaseParams, BaseResult, Experiment } from '../experiment.js';
import { staleRate } from '../analytic.js';
import { LabError } from '../errors.js';
import { parseLatency, parseTopology, type LatencyModel } from '../network.js';
import { deriveSeed, Random } from '../random.js';
import { honest, Simulation } from '../sim.js';
import { ratioBatchMeans95 } from '../stats.js';
import { checkInteger, checkNumber, checkSeed, chunkShare, MIN_INTERVAL, longRunChunks } from './params.js';

export interface StaleParams extends BaseParams {
  nodes: number;
  /** Mean seconds between blocks. */
  interval: number;
  /** One-way latency of each link, ms (the value of a `fixed` latency). */
  latencyMs: number;
  blocks: number;
  /** `mesh` or `random:<degree>`. */
  topology: string;
  /** `fixed` (latencyMs on every link), `uniform:<min>:<max>` or `sample:<ms>,<ms>,...`. */
  latency: string;
  /** Bytes per second per link; 0 for unlimited. */
  bandwidth: number;
  /** Bytes a block counts as on a link (0: its real size, about 150 bytes). */
  blockBytes: number;
}

export interface StaleChunk {
  found: number;
  main: number;
}

/** The parameters it ran with, and what it found. */
export interface StaleResult extends BaseResult, StaleParams {
  /** Stale blocks over blocks found, over all chunks (ratio batch means, stats.ts). */
  staleRate: number;
  /** The one-hop delay D the closed form used, seconds: latency plus transfer time. */
  delay: number;
  staleBlocks: number;
  chunks: number;
}

function latencyModel(p: StaleParams): LatencyModel {
  return parseLatency(p.latency, p.latencyMs);
}

/** Mean one-hop delay, seconds: what the first-order formula calls D. */
function meanDelay(p: StaleParams): number {
  const model = latencyModel(p);
  const ms = model.kind === 'fixed' ? model.ms : model.kind === 'uniform' ? (model.minMs + model.maxMs) / 2 : model.ms.reduce((a, b) => a + b, 0) / model.ms.length;
  return ms / 1000 + (p.bandwidth > 0 && p.blockBytes > 0 ? p.blockBytes / p.bandwidth : 0);
}

function runNetwork(p: StaleParams, blocks: number, rng: Random): StaleChunk {
  const sim = new Simulation({
    network: { nodes: p.nodes, topology: p.topology, latency: latencyModel(p), bandwidth: p.bandwidth },
    interval: p.interval,
    rng,
    miners: Array.from({ length: p.nodes }, (_, node) => ({ node, share: 1, strategy: honest })),
    blockBytes: p.blockBytes,
  });
  sim.run(blocks);
  return { found: sim.found, main: sim.nodes[0]!.tip.height };
}

function checkNetwork(p: StaleParams): void {
  try {
    parseTopology(p.topology, p.nodes);
    latencyModel(p);
  } catch (err) {
    if (err instanceof LabError) throw new LabError('lab-bad-param', err.message);
    throw err;
  }
}

export const stale: Experiment<StaleParams, StaleChunk, StaleResult> = {
  name: 'stale',
  summary: 'stale blocks from propagation delay: how often two miners find competing blocks',
  metric: 'staleRate',
  params: [
    { name: 'nodes', flag: 'nodes', type: 'integer', description: 'nodes, each with one miner of equal power' },
    { name: 'interval', flag: 'interval', type: 'number', description: 'mean seconds between blocks, ≥ 1' },
    { name: 'latencyMs', flag: 'latency-ms', type: 'number', description: 'one-way latency of each link, ms' },
    { name: 'blocks', flag: 'blocks', type: 'integer', description: 'blocks to mine, over all chunks' },
    { name: 'topology', flag: 'topology', type: 'string', description: '"mesh" or "random:<degree>"' },
    { name: 'latency', flag: 'latency', type: 'string', description: '"fixed", "uniform:<min>:<max>" or "sample:<ms>,<ms>,..." (ms)' },
    { name: 'bandwidth', flag: 'bandwidth', type: 'number', description: 'bytes per second per link (0: unlimited)' },
    { name: 'blockBytes', flag: 'block-bytes', type: 'integer', description: 'bytes a block counts as on a link (0: its real size)' },
  ],
  defaults: () => ({ seed: 1, nodes: 20, interval: 600, latencyMs: 2000, blocks: 10_000, topology: 'mesh', latency: 'fixed', bandwidth: 0, blockBytes: 0 }),
  validate(p) {
    const checked: StaleParams = {
      seed: checkSeed(p.seed),
      nodes: checkInteger('nodes', p.nodes, 2, 1000),
      interval: checkNumber('interval', p.interval, MIN_INTERVAL, 1e9),
      latencyMs: checkNumber('latencyMs', p.latencyMs, 0, 86_400_000),
      blocks: checkInteger('blocks', p.blocks, 100, 100_000_000),
      topology: String(p.topology),
      latency: String(p.latency),
      bandwidth: checkNumber('bandwidth', p.bandwidth, 0, 1e15),
      blockBytes: checkInteger('blockBytes', p.blockBytes, 0, 4_000_000),
    };
    checkNetwork(checked);
    return checked;
  },
  chunks: (p) => longRunChunks(p.blocks),
  runChunk: (p, index) => runNetwork(p, chunkShare(p.blocks, longRunChunks(p.blocks), index), new Random(deriveSeed(p.seed, index))),
  summarize(p, parts) {
    const { ratio, ci95 } = ratioBatchMeans95(parts.map((c) => c.found - c.main), parts.map((c) => c.found));
    const delay = meanDelay(p);
    return {
      staleRate: ratio,
      ci95,
      analytic: staleRate(p.nodes, p.interval, delay),
      nodes: p.nodes,
      interval: p.interval,
      latencyMs: p.latencyMs,
      blocks: p.blocks,
      topology: p.topology,
      latency: p.latency,
      bandwidth: p.bandwidth,
      blockBytes: p.blockBytes,
      delay,
      staleBlocks: parts.reduce((a, c) => a + c.found - c.main, 0),
      chunks: parts.length,
      seed: p.seed,
    };
  },
};
