/**
 * A tiny stand-in experiment for the runner's tests: coin flips with
 * probability `p`, in chunks of 100. It is a registry module too (it exports
 * `getExperiment`), so that worker threads can look it up by name.
 */
import type { BaseParams, BaseResult, Experiment } from '../../../src/lab/experiment.js';
import { seededRandom } from '../../helpers/random.js';

export interface CoinParams extends BaseParams {
  flips: number;
  p: number;
  /** A chunk index that throws, to test error propagation; -1 for none. */
  failAt: number;
}

export interface CoinResult extends BaseResult {
  headsRate: number;
  flips: number;
}

/** mulberry32, seeded from (seed, index): each chunk has its own stream. */
function stream(seed: number, index: number): () => number {
  return seededRandom((seed * 0x9e3779b1 + index * 0x85ebca6b) >>> 0);
}

const CHUNK = 100;

export const coinExperiment: Experiment<CoinParams, number, CoinResult> = {
  name: 'coin',
  summary: 'flips a biased coin',
  metric: 'headsRate',
  params: [
    { name: 'flips', flag: 'flips', type: 'integer', description: 'how many flips' },
    { name: 'p', flag: 'p', type: 'number', description: 'probability of heads' },
    { name: 'failAt', flag: 'fail-at', type: 'integer', description: 'chunk that throws' },
  ],
  defaults: () => ({ seed: 1, flips: 1000, p: 0.5, failAt: -1 }),
  validate(params) {
    if (!(params.p >= 0 && params.p <= 1)) throw Object.assign(new Error(`p must be in [0, 1], got ${params.p}`), { code: 'lab-bad-param' });
    return params;
  },
  chunks: (params) => Math.ceil(params.flips / CHUNK),
  runChunk(params, index) {
    if (index === params.failAt) throw Object.assign(new Error('the coin rolled away'), { code: 'coin-lost' });
    const next = stream(params.seed, index);
    const n = Math.min(CHUNK, params.flips - index * CHUNK);
    let heads = 0;
    for (let i = 0; i < n; i++) if (next() < params.p) heads++;
    return heads;
  },
  summarize(params, parts) {
    const heads = parts.reduce((a, b) => a + b, 0);
    const rate = heads / params.flips;
    const half = 1.96 * Math.sqrt((rate * (1 - rate)) / params.flips);
    return { headsRate: rate, ci95: [rate - half, rate + half], analytic: params.p, flips: params.flips };
  },
};

/** The registry interface the runner's workers call. */
export function getExperiment(name: string): Experiment {
  if (name !== coinExperiment.name) throw new Error(`no experiment "${name}"`);
  return coinExperiment as unknown as Experiment;
}

/** URL of this module, for `RunOptions.registry`. */
export const COIN_REGISTRY = import.meta.url;
