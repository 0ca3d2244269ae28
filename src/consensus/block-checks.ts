/**
 * Block rules. `checkBlockHeader` and `checkBlockSanity` need only the block
 * (Core's CheckBlockHeader/CheckBlock); `checkHeaderContext` and
 * `checkBlockContext` need facts about the parent and the current time, which
 * the caller passes in (Core's ContextualCheckBlockHeader/ContextualCheckBlock).
 * Spends are checked against the UTXO set in block-spends.ts.
 */
import type { Block, BlockHeader } from '../primitives/block.js';
import { equalBytes, hashToHex, startsWith } from '../primitives/bytes.js';
import { encodeHeightPush } from '../primitives/script.js';
import { findWitnessCommitmentIndex, witnessCommitment, witnessMerkleRoot } from '../primitives/witness.js';
import { MAX_FUTURE_BLOCK_TIME, WITNESS_SCALE } from './constants.js';
import { getNextWorkRequired, type ParentForDifficulty } from './difficulty.js';
import { blockError, headerError, RuleError } from './errors.js';
import type { NetworkParams } from './params.js';
import { checkHeaderProofOfWork } from './pow.js';
import { checkTransactionSanity, checkTxFinal } from './tx-checks.js';

/** Proof of work of a header: valid `bits` within the network's limit, and a hash at or under the target. */
export function checkBlockHeader(header: BlockHeader, params: NetworkParams): void {
  checkHeaderProofOfWork(header.hashBytes, header.bits, params.powLimit);
}

/**
 * Context-free block checks, cheapest first.
 * @throws RuleError high-hash, bad-diffbits, bad-txnmrklroot, bad-txns-duplicate,
 *   bad-blk-length, bad-cb-missing, bad-cb-multiple, bad-txns-* (per transaction),
 *   bad-witness-nonce-size, bad-witness-merkle-match, unexpected-witness, bad-blk-weight
 */
export function checkBlockSanity(block: Block, params: NetworkParams): void {
  checkBlockHeader(block.header, params);
  checkMerkleRoot(block);
  const txs = block.transactions;
  if (txs.length === 0 || txs.length * WITNESS_SCALE > params.maxBlockWeight || block.strippedSize * WITNESS_SCALE > params.maxBlockWeight) {
    throw blockError('bad-blk-length', 'block has no transactions or exceeds the size limit');
  }
  if (!txs[0]!.isCoinbase()) throw blockError('bad-cb-missing', 'first transaction is not a coinbase');
  for (let i = 1; i < txs.length; i++) {
    if (txs[i]!.isCoinbase()) throw blockError('bad-cb-multiple', `transaction ${i} is a second coinbase`);
  }
  for (const tx of txs) {
    try {
      checkTransactionSanity(tx);
    } catch (err) {
      throw asBlockError(err, tx.txid);
    }
  }
  checkWitnessCommitment(block);
  if (block.weight > params.maxBlockWeight) throw blockError('bad-blk-weight', `block weight ${block.weight} exceeds ${params.maxBlockWeight}`);
}

/**
 * A transaction rule failure reported as the block's failure, keeping the code.
 * `score` overrides the transaction's: a block is judged against its parent's
 * complete UTXO set, so failures a loose transaction is forgiven (a missing
 * parent) condemn a block fully.
 */
export function asBlockError(err: unknown, txid: string, score?: number): unknown {
  if (err instanceof RuleError && err.scope === 'tx') {
    return blockError(err.code, `transaction ${txid}: ${err.message}`, { score: score ?? err.score });
  }
  return err;
}

function checkMerkleRoot(block: Block): void {
  const { root, mutated } = block.computeMerkleRoot();
  // Both failures may come from a mangled copy of a valid block, so they must not condemn the header.
  if (!equalBytes(root, block.header.merkleRootBytes)) {
    throw blockError('bad-txnmrklroot', `merkle root ${hashToHex(root)} does not match the header`, { corruptionPossible: true });
  }
  if (mutated) throw blockError('bad-txns-duplicate', 'duplicate transaction (CVE-2012-2459)', { corruptionPossible: true });
}

/**
 * BIP141: when any transaction has a witness, the coinbase must commit to the
 * wtxid merkle root with a 32-byte reserved value as its only witness item.
 */
export function checkWitnessCommitment(block: Block): void {
  const coinbase = block.transactions[0]!;
  const index = findWitnessCommitmentIndex(coinbase);
  if (index < 0) {
    if (block.transactions.some((tx) => tx.hasWitness)) {
      throw blockError('unexpected-witness', 'witness data without a witness commitment', { corruptionPossible: true });
    }
    return;
  }
  const witness = coinbase.inputs[0]!.witness;
  if (witness.length !== 1 || witness[0]!.length !== 32) {
    throw blockError('bad-witness-nonce-size', 'coinbase witness must be one 32-byte reserved value', { corruptionPossible: true });
  }
  const expected = witnessCommitment(witnessMerkleRoot(block.transactions), witness[0]!);
  const script = coinbase.outputs[index]!.scriptPubKey;
  if (!equalBytes(script.subarray(6, 38), expected)) {
    throw blockError('bad-witness-merkle-match', 'witness commitment does not match', { corruptionPossible: true });
  }
}

/** What contextual checks need to know about the parent of the block being checked. */
export interface ParentInfo extends ParentForDifficulty {
  /** Median time past of the parent (the median of its time and its 10 ancestors'). */
  medianTimePast: number;
}

/** The context a header is checked in, derived from its parent by {@link headerContext}. */
export interface HeaderContext {
  height: number;
  requiredBits: number;
  medianTimePast: number;
  /** The validating node's clock, in seconds. */
  now: number;
}

/**
 * Builds the context of a block from its parent.
 * @throws RuleError prev-blk-not-found when the parent is unknown.
 */
export function headerContext(parent: ParentInfo | undefined, params: NetworkParams, now: number): HeaderContext {
  if (!parent) throw headerError('prev-blk-not-found', 'previous block is unknown', 0);
  return {
    height: parent.height + 1,
    requiredBits: getNextWorkRequired(parent, params),
    medianTimePast: parent.medianTimePast,
    now,
  };
}

/**
 * Header rules that depend on the chain: difficulty, median time past, future limit.
 * @throws RuleError bad-diffbits, time-too-old, time-too-new
 */
export function checkHeaderContext(header: BlockHeader, ctx: HeaderContext): void {
  if (header.bits !== ctx.requiredBits) {
    throw headerError('bad-diffbits', `bits 0x${header.bits.toString(16)} but 0x${ctx.requiredBits.toString(16)} required`);
  }
  if (header.time <= ctx.medianTimePast) throw headerError('time-too-old', 'block time is not after the median time past');
  // Score 0: the sender's clock, or ours, may simply be off; the block may become valid later.
  if (header.time > ctx.now + MAX_FUTURE_BLOCK_TIME) throw headerError('time-too-new', 'block time is more than 2 hours in the future', 0);
}

/**
 * Block rules that depend on the chain: the header's, BIP34 height in the coinbase
 * and the finality of every transaction.
 * @throws RuleError (header codes), bad-cb-height, bad-txns-nonfinal
 */
export function checkBlockContext(block: Block, ctx: HeaderContext): void {
  checkHeaderContext(block.header, ctx);
  const expected = encodeHeightPush(ctx.height);
  if (!startsWith(block.transactions[0]!.inputs[0]!.scriptSig, expected)) {
    throw blockError('bad-cb-height', `coinbase does not start with height ${ctx.height}`);
  }
  for (const tx of block.transactions) {
    try {
      // Core checks finality against the parent's median time past (BIP113).
      checkTxFinal(tx, ctx.height, ctx.medianTimePast);
    } catch (err) {
      throw asBlockError(err, tx.txid);
    }
  }
}
