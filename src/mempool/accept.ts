/**
 * The acceptance pipeline (Bitcoin Core's MemPoolAccept), cheapest checks
 * first: context-free rules, then standardness, then the coins, fees,
 * package limits, replacement rules, and signatures last because they cost
 * the most. Nothing here changes the pool; the caller commits the result.
 */
import { hashToHex } from '../primitives/bytes.js';
import type { SignatureVerifier } from '../primitives/signature.js';
import type { Transaction } from '../primitives/tx.js';
import { txError } from '../consensus/errors.js';
import { checkTxSignatures } from '../consensus/signatures.js';
import { checkTransactionSanity, checkTxInputs } from '../consensus/tx-checks.js';
import { createEntry, feeForVsize, type PoolEntry } from './entry.js';
import { policyError } from './errors.js';
import type { TxGraph } from './graph.js';
import type { MempoolChain } from './interface.js';
import { checkPackageLimits } from './limits.js';
import type { MempoolOptions } from './options.js';
import { checkFinalForNextBlock, checkStandard } from './policy.js';
import { checkReplacement, findConflicts } from './rbf.js';
import { fetchInputCoins, hasConfirmedOutputs } from './view.js';

/** What validation reads; supplied by the Mempool. */
export interface AcceptContext {
  readonly graph: TxGraph;
  readonly chain: MempoolChain;
  readonly opts: MempoolOptions;
  readonly verifier: SignatureVerifier;
  /** Prioritisation delta of a txid (prioritisetransaction), 0n when none. */
  feeDelta(txid: string): bigint;
  /** The rolling minimum fee rate after evictions, sat/vB (0 when none). */
  rollingMinFeeRate(): number;
}

/** How {@link validateTransaction} treats one transaction. */
export interface ValidateOptions {
  /** Skip fee-rate minimums, as Core does for transactions returning from disconnected blocks. */
  bypassLimits: boolean;
  /** Entry time in seconds. */
  time: number;
}

/** A transaction that may enter, with what it would evict. */
export interface ValidTx {
  kind: 'valid';
  entry: PoolEntry;
  /** Direct conflicts and, in `evicted`, those plus their descendants. */
  conflicts: Set<string>;
  evicted: Set<string>;
}

/** A transaction whose inputs include outputs of transactions not seen yet. */
export interface MissingInputs {
  kind: 'missing';
  missingParents: string[];
}

/**
 * Runs every check on `tx` against the pool and chain as they are now.
 * @throws RuleError (consensus codes, unchanged) or MempoolError (policy codes)
 */
export async function validateTransaction(ctx: AcceptContext, tx: Transaction, vopts: ValidateOptions): Promise<ValidTx | MissingInputs> {
  preChecks(ctx, tx);
  const conflicts = findConflicts(tx, ctx.graph);
  if (conflicts.size > 0 && !ctx.opts.replaceByFee) {
    throw policyError('txn-mempool-conflict', `spends an output already spent by ${[...conflicts][0]}`);
  }
  const view = await fetchInputCoins(tx, ctx.graph, ctx.chain);
  if (view.missing.length > 0) return missingInputs(ctx, tx, view.missing.map((p) => hashToHex(p.txid)));
  const tip = ctx.chain.tipHeight();
  // The next block is where it could be mined, so maturity is judged at tip + 1.
  const { spent, fee } = checkTxInputs(tx, view, tip + 1, ctx.chain.params.coinbaseMaturity);
  const entry = createEntry({ tx, fee, feeDelta: ctx.feeDelta(tx.txid), time: vopts.time, height: tip, spendsCoinbase: view.spendsCoinbase });
  if (!vopts.bypassLimits) checkFeeRate(ctx, entry);
  const parents = tx.inputs.map((i) => hashToHex(i.prevout.txid)).filter((t) => ctx.graph.get(t));
  const ancestors = ctx.graph.ancestors(parents);
  const evicted = ctx.graph.withDescendants(conflicts);
  checkPackageLimits(ctx.graph, ancestors, entry.vsize, evicted, ctx.opts);
  for (const txid of ancestors) {
    // Spending an output of a transaction it replaces would leave the replacement without its input.
    if (evicted.has(txid)) throw policyError('bad-txns-spends-conflicting-tx', `spends an output of ${txid}, which it replaces`, 100);
  }
  if (conflicts.size > 0) {
    checkReplacement({ tx, vsize: entry.vsize, modifiedFee: entry.modifiedFee, conflicts, evicted }, ctx.graph, ctx.opts);
  }
  checkTxSignatures(tx, spent, ctx.verifier);
  return { kind: 'valid', entry, conflicts, evicted };
}

/** Core's PreChecks up to the coin lookups. */
function preChecks(ctx: AcceptContext, tx: Transaction): void {
  checkTransactionSanity(tx);
  // A coinbase is only valid as a block's first transaction.
  if (tx.isCoinbase()) throw policyError('coinbase', 'a coinbase cannot enter the mempool', 100);
  checkStandard(tx, ctx.opts);
  checkFinalForNextBlock(tx, ctx.chain.tipHeight(), ctx.chain.medianTimePast());
  if (ctx.graph.hasWtxid(tx.wtxid)) throw policyError('txn-already-in-mempool', `${tx.txid} is already in the mempool`);
  if (ctx.graph.get(tx.txid)) {
    throw policyError('txn-same-nonwitness-data-in-mempool', `${tx.txid} is in the mempool with a different witness`);
  }
}

/** Fee floors (Core's CheckFeeRate): the rolling minimum after evictions, then the relay minimum. */
function checkFeeRate(ctx: AcceptContext, entry: PoolEntry): void {
  const rolling = ctx.rollingMinFeeRate();
  if (rolling > 0 && entry.modifiedFee < feeForVsize(rolling, entry.vsize)) {
    throw policyError('mempool min fee not met', `${entry.modifiedFee} < ${feeForVsize(rolling, entry.vsize)}`);
  }
  const relay = feeForVsize(ctx.opts.minRelayFeeRate, entry.vsize);
  if (entry.modifiedFee < relay) throw policyError('min relay fee not met', `${entry.modifiedFee} < ${relay}`);
}

/**
 * Tells an unseen parent (a possible orphan) from a spent or bogus input.
 * @throws MempoolError txn-already-known when the transaction itself is confirmed;
 *   RuleError bad-txns-inputs-missingorspent when every missing input's parent is in the pool
 */
async function missingInputs(ctx: AcceptContext, tx: Transaction, missingTxids: string[]): Promise<MissingInputs> {
  // Its inputs are gone because it was mined: say so rather than calling it an orphan.
  if (await hasConfirmedOutputs(tx, ctx.chain)) throw policyError('txn-already-known', `${tx.txid} is already confirmed`);
  const unseen = [...new Set(missingTxids)].filter((txid) => !ctx.graph.get(txid));
  if (unseen.length === 0) throw missingInputsError(tx);
  return { kind: 'missing', missingParents: unseen };
}

/** Core's reject for absent inputs; score 0 since the parents may simply not have reached us yet. */
export function missingInputsError(tx: Transaction): Error {
  return txError('bad-txns-inputs-missingorspent', `${tx.txid} spends missing or spent outputs`, 0);
}
