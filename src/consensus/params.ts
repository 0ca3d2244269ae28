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
      kind: 'asert';
      /** Seconds over which a schedule deviation halves or doubles the target. */
      halfLife: number;
      /** The anchor block: its height, its parent's time and its bits (aserti3-2d). */
      anchor: { height: number; parentTime: number; bits: number };
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
    // One hour: 120 blocks, the same ratio of half-life to spacing responsiveness
    // that suits a testnet whose hash rate comes and goes with its volunteers.
    halfLife: 3600,
    anchor: { height: 0, parentTime: TESTNET_GENESIS_TIME - TESTNET_SPACING, bits: TESTNET_POW_LIMIT_BITS },
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
    nonce: 2003092,
    message: 'Tally testnet genesis 2026-11-22: a ledger anyone can check',
  },
  genesisHash: '000001bd43b8c0b853572bc4a3ef4a08ed38725ef28ee260c1be0bf795a288d4',
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
