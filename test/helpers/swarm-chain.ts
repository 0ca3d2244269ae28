/**
 * Chains for the swarm sync runs (scripts/bench/swarm.ts and
 * test/e2e/netns/swarm.test.ts): large blocks that are cheap to validate, so
 * that capped links, not validation, bound the sync.
 *
 * After the coinbase-maturity blocks every block carries one transaction with
 * a signed taproot annex of the requested size (test/helpers/block-flood.ts):
 * one signature and a few hashes of the block's bytes per block, however big.
 * The chain is validated and stored once into a seed datadir with the node's
 * own `Chain` (timed: that is the validation rate the runs are compared to),
 * and its `chain` folder is copied to each source, which is much faster than
 * submitting the blocks to every source.
 */
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Chain, VerifyPool } from '../../src/chain/index.js';
import { regtest } from '../../src/consensus/params.js';
import type { Block } from '../../src/primitives/block.js';
import { addLargeBlocks } from './block-flood.js';
import { TestChain } from './chain.js';

/** Bytes of a block besides its annex: header, coinbase, the spend's input, output, signature and commitments. */
const BLOCK_OVERHEAD = 360;

/** A chain built for a swarm run. */
export interface SwarmChain {
  /** Blocks 1..tip (genesis left out). */
  blocks: Block[];
  /** Serialized bytes of `blocks`: what a fresh node downloads. */
  bytes: number;
  /** How many of `blocks` are the large ones (the rest are the small maturity blocks before them). */
  largeBlocks: number;
  height: number;
  tipHash: string;
  buildMs: number;
}

/** The time and rate of validating and storing a chain with the node's `Chain`. */
export interface ValidationRate {
  ms: number;
  MBps: number;
  blocksPerSecond: number;
}

/**
 * Builds a chain of `largeBlocks` blocks of about `blockBytes` bytes each, after the
 * small blocks that mature the coinbase paying for them.
 */
export function buildSwarmChain(largeBlocks: number, blockBytes: number): SwarmChain {
  const started = performance.now();
  const chain = new TestChain();
  addLargeBlocks(chain, largeBlocks, Math.max(1, blockBytes - BLOCK_OVERHEAD));
  const blocks = chain.blocks.slice(1);
  return {
    blocks,
    bytes: blocks.reduce((n, b) => n + b.size, 0),
    largeBlocks,
    height: chain.height,
    tipHash: chain.tip.hash,
    buildMs: Math.round(performance.now() - started),
  };
}

/**
 * Validates and stores `chain` into `datadir/chain` as a node would (full checks,
 * signatures on the verify pool's workers), timed.
 */
export async function seedDatadir(chain: SwarmChain, datadir: string): Promise<ValidationRate> {
  mkdirSync(datadir, { recursive: true });
  const pool = new VerifyPool({});
  await pool.start();
  const store = new Chain({ path: join(datadir, 'chain'), params: regtest }, { verifier: pool });
  try {
    await store.open();
    const started = performance.now();
    for (const block of chain.blocks) {
      const result = await store.processBlock(block);
      if (result.status !== 'connected') throw new Error(`swarm chain block ${block.hash} was ${result.status}`);
    }
    const ms = performance.now() - started;
    return { ms: Math.round(ms), MBps: round2(chain.bytes / 1e6 / (ms / 1000)), blocksPerSecond: Math.round(chain.blocks.length / (ms / 1000)) };
  } finally {
    await store.close();
    await pool.stop();
  }
}

/** Gives `datadir` a copy of the seed's stored chain (the node makes its own key and cookie). */
export function copyChain(seedDatadir: string, datadir: string): void {
  mkdirSync(datadir, { recursive: true });
  cpSync(join(seedDatadir, 'chain'), join(datadir, 'chain'), { recursive: true });
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
