/**
 * A simulated network launch, to test a difficulty rule with simulated time:
 * one miner of a given hash rate starts on the genesis block at `launchTime`.
 * Each block takes an exponentially distributed time, drawn from a seeded
 * generator, with mean (expected hashes of its bits) / hash rate. Its header
 * time is what the node's template gives it: the clock when mining on its
 * parent began (the miner rolls the time only every 2^32 hashes), and at
 * least the median time past + 1. Pure: the only clock is the simulation's.
 */
import { getNextWorkRequired } from '../../src/consensus/difficulty.js';
import type { NetworkParams } from '../../src/consensus/params.js';
import { getBlockWork } from '../../src/consensus/pow.js';
import { medianTimePast } from '../../src/consensus/time.js';
import { seededRandom } from './random.js';

export interface SimulatedBlock {
  height: number;
  /** Header time. */
  time: number;
  bits: number;
  /** Simulated clock when the block was found (the genesis block: the launch). */
  foundAt: number;
}

export interface LaunchOptions {
  params: NetworkParams;
  /** Hashes per second. */
  hashRate: number;
  /** When the miner starts on genesis, in seconds since the epoch. */
  launchTime: number;
  /** How long to mine. */
  seconds: number;
  seed: number;
}

/** The chain mined from genesis, up to the first block found after `launchTime + seconds`. */
export function simulateLaunch(opts: LaunchOptions): SimulatedBlock[] {
  const random = seededRandom(opts.seed);
  const { genesis } = opts.params;
  const chain: SimulatedBlock[] = [{ height: 0, time: genesis.time, bits: genesis.bits, foundAt: opts.launchTime }];
  let now = opts.launchTime;
  while (now < opts.launchTime + opts.seconds) {
    const parent = chain[chain.length - 1]!;
    // Block 1 anchors the testnet's schedule; a rule that needs no anchor ignores it.
    const bits = getNextWorkRequired({ height: parent.height, time: parent.time, anchorTime: chain[1]?.time }, opts.params);
    const time = Math.max(Math.floor(now), medianTimePast(chain.slice(-11).map((b) => b.time)) + 1);
    now += (-Math.log(1 - random()) * Number(getBlockWork(bits))) / opts.hashRate;
    chain.push({ height: parent.height + 1, time, bits, foundAt: now });
  }
  return chain;
}

/** The blocks found by `at` (the genesis block included). */
function foundBy(chain: readonly SimulatedBlock[], at: number): SimulatedBlock[] {
  return chain.filter((b) => b.foundAt <= at);
}

/**
 * Mean seconds between the last `n` blocks found by `at`, block 1 counting
 * from the launch; undefined when fewer than `n` blocks were found.
 */
export function meanSpacing(chain: readonly SimulatedBlock[], at: number, n = 20): number | undefined {
  const found = foundBy(chain, at);
  if (found.length <= n) return undefined;
  return (found[found.length - 1]!.foundAt - found[found.length - 1 - n]!.foundAt) / n;
}

/** Expected seconds to the next block at `at`: the work its bits require over the hash rate. */
export function expectedSpacing(chain: readonly SimulatedBlock[], at: number, hashRate: number): number {
  const next = chain[foundBy(chain, at).length]!;
  return Number(getBlockWork(next.bits)) / hashRate;
}

/** Blocks found by `at`, genesis excluded. */
export function blocksFoundBy(chain: readonly SimulatedBlock[], at: number): number {
  return foundBy(chain, at).length - 1;
}
