/**
 * Selfish mining (Eyal and Sirer 2014): a pool with share α runs SM1 against
 * honest miners, a share γ of whom mine on the pool's block during a tie. Two
 * lab nodes (the honest network, the pool) linked with `latencyMs` (zero by
 * default, the closed form's setting). The result is the pool's share of the
 * blocks in the honest node's best chain.
 */
import type { BaseParams, BaseResult, Experiment } from '../experiment.js';
import { selfishRevenue, selfishThreshold } from '../analytic.js';
import { deriveSeed, Random } from '../random.js';
import { Simulation } from '../sim.js';
import { ratioBatchMeans95 } from '../stats.js';
import { honestWithGamma, SelfishPool } from '../strategies/selfish.js';
import { checkInteger, checkNumber, checkSeed, chunkShare, MIN_INTERVAL, longRunChunks } from './params.js';

export interface SelfishParams extends BaseParams {
  alpha: number;
  gamma: number;
  /** Blocks found over the whole run (all chunks). */
  blocks: number;
  latencyMs: number;
  interval: number;
}

export interface SelfishChunk {
  /** Blocks of the pool in the honest node's best chain. */
  selfish: number;
  /** Blocks in that chain (genesis excluded). */
  main: number;
  found: number;
}

export interface SelfishResult extends BaseResult {
  /** The pool's share of the best chain over all chunks (ratio batch means, stats.ts). */
  revenueShare: number;
  alpha: number;
  gamma: number;
  /** (1−γ)/(3−2γ): above it, selfish mining pays more than α. */
  threshold: number;
  blocks: number;
  /** Blocks of the best chain over all chunks, and how many of them the pool mined. */
  mainBlocks: number;
  selfishBlocks: number;
  chunks: number;
  seed: number;
  latencyMs: number;
  interval: number;
}

const HONEST = 0;
const POOL = 1;

function runPool(p: SelfishParams, blocks: number, rng: Random): SelfishChunk {
  const pool = new SelfishPool();
  const sim = new Simulation({
    network: { nodes: 2, topology: 'mesh', latency: { kind: 'fixed', ms: p.latencyMs }, bandwidth: 0 },
    interval: p.interval,
    rng,
    miners: [
      { node: HONEST, share: 1 - p.alpha, strategy: honestWithGamma(p.gamma) },
      { node: POOL, share: p.alpha, strategy: pool },
    ],
  });
  sim.run(blocks);
  pool.settle(sim, sim.miners[POOL]!);
  // No block is left to find: this only delivers what the settlement published.
  sim.run(blocks);
  const chain = sim.nodes[HONEST]!.index.mainChain;
  let selfish = 0;
  for (let h = 1; h < chain.length; h++) if (sim.minerOf(chain[h]!) === POOL) selfish++;
  return { selfish, main: chain.length - 1, found: sim.found };
}

export const selfish: Experiment<SelfishParams, SelfishChunk, SelfishResult> = {
  name: 'selfish',
  summary: "selfish mining (SM1): the pool's share of the chain against its share α of the power",
  metric: 'revenueShare',
  params: [
    { name: 'alpha', flag: 'alpha', type: 'number', description: "the selfish pool's share of the hash power, 0 < α < 0.5" },
    { name: 'gamma', flag: 'gamma', type: 'number', description: "share of honest power that mines on the pool's block in a tie, 0 ≤ γ ≤ 1" },
    { name: 'blocks', flag: 'blocks', type: 'integer', description: 'blocks to mine, over all chunks' },
    { name: 'latencyMs', flag: 'latency-ms', type: 'number', description: 'one-way latency between the pool and the honest network, ms (default 0)' },
    { name: 'interval', flag: 'interval', type: 'number', description: 'mean seconds between blocks, ≥ 1 (matters only with latency)' },
  ],
  defaults: () => ({ seed: 1, alpha: 0.4, gamma: 0, blocks: 20_000, latencyMs: 0, interval: 600 }),
  validate: (p) => ({
    seed: checkSeed(p.seed),
    alpha: checkNumber('alpha', p.alpha, 0, 0.5, { min: true, max: true }),
    gamma: checkNumber('gamma', p.gamma, 0, 1),
    blocks: checkInteger('blocks', p.blocks, 100, 100_000_000),
    latencyMs: checkNumber('latencyMs', p.latencyMs, 0, 86_400_000),
    interval: checkNumber('interval', p.interval, MIN_INTERVAL, 1e9),
  }),
  chunks: (p) => longRunChunks(p.blocks),
  runChunk: (p, index) => runPool(p, chunkShare(p.blocks, longRunChunks(p.blocks), index), new Random(deriveSeed(p.seed, index))),
  summarize(p, parts) {
    const { ratio, ci95 } = ratioBatchMeans95(parts.map((c) => c.selfish), parts.map((c) => c.main));
    return {
      revenueShare: ratio,
      ci95,
      analytic: selfishRevenue(p.alpha, p.gamma),
      alpha: p.alpha,
      gamma: p.gamma,
      threshold: selfishThreshold(p.gamma),
      blocks: p.blocks,
      mainBlocks: parts.reduce((a, c) => a + c.main, 0),
      selfishBlocks: parts.reduce((a, c) => a + c.selfish, 0),
      chunks: parts.length,
      seed: p.seed,
      latencyMs: p.latencyMs,
      interval: p.interval,
    };
  },
};
