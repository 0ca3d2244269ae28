/**
 * Network parameters. Tally runs two networks: `regtest` (minimum difficulty,
 * no retargeting, blocks on demand, for tests and classrooms) and `testnet`
 * (30-second blocks, ASERT difficulty, for public nodes).
 */
import type { Block } from '../primitives/block.js';
import { COIN, COINBASE_MATURITY, MAX_BLOCK_WEIGHT, MAX_MONEY } from './constants.js';
import { buildGenesisBlock, type GenesisSpec } from './genesis.js';
import { bitsToTarget } from './pow.js';

export type NetworkName = 'regtest' | 'testnet';

/** How the `bits` of the next block are chosen. */
export type DifficultyRule =
  | { kind: 'fixed' }
  | {
      /**
       * aserti3-2d anchored at block 1 (see `getNextWorkRequired`): block 1
       * carries `initialBits`, and its time starts the 30-second schedule, so
       * a chain launched on any date starts on schedule.
       */
      kind: 'asert';
      /** Bits of block 1, the anchor: the reference target of every later block. */
      initialBits: number;
      /** Seconds of schedule drift that halve or double the target. */
      halfLife: number;
    };

export interface NetworkParams {
  readonly name: NetworkName;
  /** bech32m human-readable part of addresses. */
  readonly addressPrefix: string;
  readonly defaultP2PPort: number;
  readonly defaultRpcPort: number;
  /** Easiest target allowed, as compact bits and as an integer. */
  readonly powLimitBits: number;
  readonly powLimit: bigint;
  /** Intended seconds between blocks. */
  readonly targetSpacing: number;
  readonly difficulty: DifficultyRule;
  readonly initialSubsidy: bigint;
  readonly halvingInterval: number;
  readonly coinbaseMaturity: number;
  readonly maxBlockWeight: number;
  readonly maxMoney: bigint;
  /** Blocks are made on request (generatetoaddress) rather than by competing miners. */
  readonly mineOnDemand: boolean;
  readonly genesis: GenesisSpec;
  /** Display hash of the genesis block; tests check it matches `genesis`. */
  readonly genesisHash: string;
}

const REGTEST_POW_LIMIT_BITS = 0x207fffff;
const TESTNET_POW_LIMIT_BITS = 0x1e0fffff;
const TESTNET_SPACING = 30;

export const regtest: NetworkParams = {
  name: 'regtest',
  addressPrefix: 'tlr',
  defaultP2PPort: 28444,
  defaultRpcPort: 28443,
  powLimitBits: REGTEST_POW_LIMIT_BITS,
  powLimit: bitsToTarget(REGTEST_POW_LIMIT_BITS),
  targetSpacing: 1,
  difficulty: { kind: 'fixed' },
  initialSubsidy: 50n * COIN,
  halvingInterval: 150,
  coinbaseMaturity: COINBASE_MATURITY,
  maxBlockWeight: MAX_BLOCK_WEIGHT,
  maxMoney: MAX_MONEY,
  mineOnDemand: true,
  genesis: {
    version: 1,
    time: 1795305600,
    bits: REGTEST_POW_LIMIT_BITS,
    nonce: 0,
    message: 'Tally regtest genesis: correct first, then fast',
  },
  genesisHash: '419152600486e571ac591f3d6903a1baf4608de2cdd836fca551ec280e53b53e',
};

const TESTNET_GENESIS_TIME = 1795305600;

export const testnet: NetworkParams = {
  name: 'testnet',
  addressPrefix: 'tlt',
  defaultP2PPort: 28333,
  defaultRpcPort: 28332,
  powLimitBits: TESTNET_POW_LIMIT_BITS,
  powLimit: bitsToTarget(TESTNET_POW_LIMIT_BITS),
  targetSpacing: TESTNET_SPACING,
  difficulty: {
    kind: 'asert',
    // A quarter of powLimit: about 4.2 million hashes, 20 s for a tenth of the default
    // miner on a 2-core machine (about 2 MH/s), so slow miners start near the schedule
    // and faster ones, which start fast, are caught up in blocks rather than in hours.
    initialBits: 0x1e03ffff,
    // Five minutes (10 blocks): one machine 0.1x to 10x the default miner reaches the
    // 30-second spacing within 15 minutes of launch (test/unit/consensus/difficulty-launch.test.ts).
    halfLife: 300,
  },
  initialSubsidy: 50n * COIN,
  halvingInterval: 210_000,
  coinbaseMaturity: COINBASE_MATURITY,
  maxBlockWeight: MAX_BLOCK_WEIGHT,
  maxMoney: MAX_MONEY,
  mineOnDemand: false,
  genesis: {
    version: 1,
    time: TESTNET_GENESIS_TIME,
    bits: TESTNET_POW_LIMIT_BITS,
    nonce: 55762,
    message: 'Tally testnet genesis: a ledger anyone can check, on schedule from block 1',
  },
  genesisHash: '0000042d91b56a017b43162f2809dfa4d3be78dcdbd4d438cdf1a9d0424b7d7f',
};

/** Every network by name. */
export const networks: Readonly<Record<NetworkName, NetworkParams>> = { regtest, testnet };

/** Parameters of a network by name; throws a RangeError naming the choices otherwise. */
export function getNetwork(name: string): NetworkParams {
  if (name === 'regtest' || name === 'testnet') return networks[name];
  throw new RangeError(`unknown network "${name}" (expected regtest or testnet)`);
}

const genesisCache = new WeakMap<NetworkParams, Block>();

/** The network's genesis block (built once, then cached). */
export function getGenesisBlock(params: NetworkParams): Block {
  let block = genesisCache.get(params);
  if (!block) {
    block = buildGenesisBlock(params.genesis);
    genesisCache.set(params, block);
  }
  return block;
}
