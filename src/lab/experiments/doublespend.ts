/**
 * The double-spend race of the whitepaper's §11, with Rosenfeld's conventions:
 * the attacker pre-mines one block holding the double spend on the tip, then
 * pays the merchant; the payment's block is the first of the z confirmations
 * the merchant waits for; the attacker keeps mining his private branch and
 * releases it once the merchant has shipped and the branch has more work than
 * the honest one. Success: the merchant's node reorganizes onto his branch.
 * Two lab nodes per trial (the honest network, the attacker) linked with
 * `latencyMs` (zero by default, the closed forms' setting).
 */
import type { BaseParams, BaseResult, Experiment } from '../experiment.js';
import { nakamotoSuccess, rosenfeldSuccess } from '../analytic.js';
import { deriveSeed, Random } from '../random.js';
import { wilson95 } from '../stats.js';
import { runAttack } from '../strategies/attacker.js';
import { checkInteger, checkNumber, checkSeed, chunkShare, MIN_INTERVAL } from './params.js';

export interface DoublespendParams extends BaseParams {
  /** Attacker's share of the hash power, in [0, 0.5). */
  q: number;
  /** Confirmations the merchant waits for (Rosenfeld's z). */
  z: number;
  trials: number;
  /** One-way latency between the attacker and the honest network, ms. */
  latencyMs: number;
  /** Mean seconds between blocks (only matters with latency). */
  interval: number;
}

export interface DoublespendChunk {
  trials: number;
  successes: number;
  blocks: number;
}

export interface DoublespendResult extends BaseResult {
  successRate: number;
  /** Nakamoto's Poisson approximation (whitepaper §11). */
  whitepaper: number;
  q: number;
  z: number;
  trials: number;
  seed: number;
  latencyMs: number;
  interval: number;
  /** Blocks found over all trials. */
  blocks: number;
}

/**
 * A trial gives up once the honest chain leads by K blocks, where (q/p)^K ≤ 1e-4:
 * from there the attacker's chance, which is at most that, no longer shows in the rate.
 */
export function giveUpLead(q: number): number {
  if (q <= 0) return 1;
  return Math.max(1, Math.ceil(Math.log(1e-4) / Math.log(q / (1 - q))));
}

/** One chunk per 500 trials, at most 64: fixed by the parameters, never by the thread count. */
function chunkCount(trials: number): number {
  return Math.min(64, Math.ceil(trials / 500));
}

export const doublespend: Experiment<DoublespendParams, DoublespendChunk, DoublespendResult> = {
  name: 'doublespend',
  summary: 'the whitepaper race: how often an attacker with share q undoes a payment after z confirmations',
  metric: 'successRate',
  params: [
    { name: 'q', flag: 'q', type: 'number', description: "attacker's share of the hash power, 0 ≤ q < 0.5" },
    { name: 'z', flag: 'z', type: 'integer', description: 'confirmations the merchant waits for (the payment block counts)' },
    { name: 'trials', flag: 'trials', type: 'integer', description: 'independent races to run' },
    { name: 'latencyMs', flag: 'latency-ms', type: 'number', description: 'one-way latency between attacker and honest network, ms (default 0)' },
    { name: 'interval', flag: 'interval', type: 'number', description: 'mean seconds between blocks, ≥ 1 (matters only with latency)' },
  ],
  defaults: () => ({ seed: 1, q: 0.1, z: 5, trials: 20_000, latencyMs: 0, interval: 600 }),
  validate: (p) => ({
    seed: checkSeed(p.seed),
    q: checkNumber('q', p.q, 0, 0.5, { max: true }),
    z: checkInteger('z', p.z, 0, 1000),
    trials: checkInteger('trials', p.trials, 1, 100_000_000),
    latencyMs: checkNumber('latencyMs', p.latencyMs, 0, 86_400_000),
    interval: checkNumber('interval', p.interval, MIN_INTERVAL, 1e9),
  }),
  chunks: (p) => chunkCount(p.trials),
  runChunk(p, index) {
    const rng = new Random(deriveSeed(p.seed, index));
    const trials = chunkShare(p.trials, chunkCount(p.trials), index);
    const chunk: DoublespendChunk = { trials, successes: 0, blocks: 0 };
    const giveUp = giveUpLead(p.q);
    for (let i = 0; i < trials; i++) {
      const trial = runAttack({ q: p.q, z: p.z, latencyMs: p.latencyMs, interval: p.interval, giveUp, rng });
      if (trial.success) chunk.successes++;
      chunk.blocks += trial.blocks;
    }
    return chunk;
  },
  summarize(p, parts) {
    const successes = parts.reduce((a, c) => a + c.successes, 0);
    const trials = parts.reduce((a, c) => a + c.trials, 0);
    return {
      successRate: successes / trials,
      ci95: wilson95(successes, trials),
      analytic: rosenfeldSuccess(p.q, p.z),
      whitepaper: nakamotoSuccess(p.q, p.z),
      q: p.q,
      z: p.z,
      trials,
      seed: p.seed,
      latencyMs: p.latencyMs,
      interval: p.interval,
      blocks: parts.reduce((a, c) => a + c.blocks, 0),
    };
  },
};
