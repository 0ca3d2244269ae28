/**
 * The testnet's difficulty rule at launch, in simulated time (test/helpers/difficulty-sim.ts):
 * a network started on any date by one ordinary machine reaches the 30-second spacing
 * within 15 minutes, and a far bigger miner is held to the schedule within the hour.
 */
import { describe, expect, it } from 'vitest';
import { testnet } from '../../../src/consensus/params.js';
import { getBlockWork } from '../../../src/consensus/pow.js';
import { blocksFoundBy, meanSpacing, simulateLaunch, type SimulatedBlock } from '../../helpers/difficulty-sim.js';

/**
 * Hashes per second of the default miner (one worker per core) on the 2-core CI
 * machine: `npx tsx scripts/bench.ts --only mining` gave 2.06 MH/s ("allWorkers").
 */
const DEFAULT_MINER_HASHRATE = 2_000_000;
const MULTIPLES = [0.1, 0.3, 1, 3, 10];
const SEEDS = Array.from({ length: 100 }, (_, i) => i + 1);
const DAY = 86_400;
const G = testnet.genesis.time;
/** Launch dates: the genesis day, the day the old rule was found wanting, 400 days on, 10 years on. */
const LAUNCHES = [G + 60, G + 14 * DAY, G + 400 * DAY, G + 3653 * DAY];
const SPACING = testnet.targetSpacing;
const HALF_LIFE = testnet.difficulty.kind === 'asert' ? testnet.difficulty.halfLife : 0;
const INITIAL_BITS = testnet.difficulty.kind === 'asert' ? testnet.difficulty.initialBits : 0;

const launch = (multiple: number, launchTime: number, seed: number, seconds = 900): SimulatedBlock[] =>
  simulateLaunch({ params: testnet, hashRate: multiple * DEFAULT_MINER_HASHRATE, launchTime, seconds, seed });

/** Whether the mean spacing of the last 20 blocks found by `at` is within ±50% of 30 s. */
const onSpacing = (chain: readonly SimulatedBlock[], at: number): boolean => {
  const mean = meanSpacing(chain, at, 20);
  return mean !== undefined && Math.abs(mean - SPACING) <= SPACING / 2;
};

describe('testnet difficulty at launch (simulated time)', () => {
  // Even on schedule, 20 exponential block times average outside ±50% about 1% of the time
  // (0.5% to 1.75% per hash rate over 400 seeds), so the bound is on the share of seeded runs.
  it.each(MULTIPLES)('%sx the default miner reaches the 30-second spacing within 15 minutes of any launch date', (multiple) => {
    for (const launchTime of LAUNCHES) {
      const within = SEEDS.filter((seed) => onSpacing(launch(multiple, launchTime, seed), launchTime + 900));
      expect(within.length, `launch ${launchTime}`).toBeGreaterThanOrEqual(0.95 * SEEDS.length);
    }
  });

  it('mines the same chain, shifted in time, whatever the launch date', () => {
    for (const multiple of [0.1, 1, 10]) {
      const [first, ...others] = LAUNCHES.map((launchTime) => ({ launchTime, chain: launch(multiple, launchTime, 7) }));
      const shape = ({ launchTime, chain }: { launchTime: number; chain: SimulatedBlock[] }): string[] =>
        chain.slice(1).map((b) => `${b.bits.toString(16)}@${b.time - launchTime}`);
      expect(first!.chain[1]!.bits).toBe(INITIAL_BITS);
      for (const other of others) expect(shape(other)).toEqual(shape(first!));
    }
  });

  it('holds one machine on schedule after the first hour', () => {
    for (const multiple of MULTIPLES) {
      for (const seed of SEEDS.slice(0, 5)) {
        const chain = launch(multiple, LAUNCHES[1]!, seed, 3600);
        const mean = meanSpacing(chain, LAUNCHES[1]! + 3600, 90)!;
        expect(Math.abs(mean - SPACING), `${multiple}x seed ${seed}: ${mean.toFixed(1)} s`).toBeLessThanOrEqual(0.2 * SPACING);
      }
    }
  });

  it('lets a miner 10x to 1000x the default gain only the blocks ASERT allows, then holds it to schedule', () => {
    const initialWork = Number(getBlockWork(INITIAL_BITS));
    for (const multiple of [10, 100, 1000]) {
      const hashRate = multiple * DEFAULT_MINER_HASHRATE;
      // Caught up when the chain is ahead of schedule by halfLife × log2(initial target / target at 30 s).
      const extra = (HALF_LIFE * Math.log2((hashRate * SPACING) / initialWork)) / SPACING;
      for (const seed of SEEDS.slice(0, 5)) {
        const chain = launch(multiple, LAUNCHES[2]!, seed, 3600);
        expect(blocksFoundBy(chain, LAUNCHES[2]! + 3600)).toBeLessThanOrEqual(1.1 * (3600 / SPACING + extra));
        expect(onSpacing(chain, LAUNCHES[2]! + 3600)).toBe(true);
      }
    }
  });
});
