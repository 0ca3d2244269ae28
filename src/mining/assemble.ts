/** Assembling a block from a parent, a coinbase and transactions, and solving it. */
import { Block, BlockHeader } from '../primitives/block.js';
import type { Transaction } from '../primitives/tx.js';
import { bitsToTarget } from '../consensus/pow.js';
import { withWitnessCommitment } from './coinbase.js';
import { miningError } from './errors.js';
import { mine } from './mine.js';

export interface AssembleOptions {
  prevHashBytes: Uint8Array;
  time: number;
  bits: number;
  coinbase: Transaction;
  transactions?: readonly Transaction[];
  version?: number;
}

/** Builds an unsolved block (nonce 0) with the witness commitment and merkle root filled in. */
export function assembleBlock(opts: AssembleOptions): Block {
  const others = opts.transactions ?? [];
  const txs = [withWitnessCommitment(opts.coinbase, others), ...others];
  const draft = new Block(
    new BlockHeader({ version: opts.version ?? 1, prevHashBytes: opts.prevHashBytes, merkleRootBytes: new Uint8Array(32), time: opts.time, bits: opts.bits, nonce: 0 }),
    txs,
  );
  return new Block(draft.header.with({ merkleRootBytes: draft.computeMerkleRoot().root }), txs);
}

/**
 * Finds a nonce for `block` inline. Meant for easy targets (regtest, tests);
 * the miner service searches harder targets in worker threads.
 * @throws MiningError('nonce-space-exhausted') when no nonce in the 32-bit range meets the target.
 */
export function solveBlock(block: Block): Block {
  const nonce = mine(block.header, bitsToTarget(block.header.bits));
  if (nonce === null) throw miningError('nonce-space-exhausted', 'no nonce meets the target; change the time or extra nonce');
  return new Block(block.header.with({ nonce }), block.transactions);
}
