/**
 * Replace-by-fee (BIP125 as Bitcoin Core 28 applies it with full RBF: any
 * unconfirmed transaction may be replaced, signalled or not). The rules keep
 * replacement from being a free way to churn the network's bandwidth.
 */
import { hashToHex } from '../primitives/bytes.js';
import type { Transaction } from '../primitives/tx.js';
import { compareFeeRates, feeForVsize } from './entry.js';
import { policyError } from './errors.js';
import type { TxGraph } from './graph.js';
import type { MempoolOptions } from './options.js';

/** Txids of pool transactions that spend an outpoint `tx` also spends (its direct conflicts). */
export function findConflicts(tx: Transaction, graph: TxGraph): Set<string> {
  const conflicts = new Set<string>();
  for (const input of tx.inputs) {
    const spender = graph.spenderOf(input.prevout);
    if (spender !== undefined) conflicts.add(spender);
  }
  return conflicts;
}

/** What a replacement looks like to the rules. */
export interface Replacement {
  tx: Transaction;
  vsize: number;
  modifiedFee: bigint;
  /** Direct conflicts. */
  conflicts: ReadonlySet<string>;
  /** Everything that would leave: the conflicts and all their descendants. */
  evicted: ReadonlySet<string>;
}

/**
 * Core's ReplacementChecks, in its order.
 * @throws MempoolError insufficient fee (rules 3, 4 and 6), too many potential replacements (rule 5),
 *   replacement-adds-unconfirmed (rule 2)
 */
export function checkReplacement(r: Replacement, graph: TxGraph, opts: MempoolOptions): void {
  // Rule 6: a better rate than each transaction it directly displaces, or miners lose by switching.
  for (const txid of r.conflicts) {
    const old = graph.get(txid)!;
    if (compareFeeRates(r.modifiedFee, r.vsize, old.modifiedFee, old.vsize) <= 0) {
      throw policyError('insufficient fee', `replacement ${r.tx.txid} does not pay a higher fee rate than ${txid}`);
    }
  }
  // Rule 5: bound the work (and the relay churn) a single replacement can cause.
  if (r.evicted.size > opts.maxReplacementEvictions) {
    throw policyError('too many potential replacements', `would evict ${r.evicted.size} transactions, limit ${opts.maxReplacementEvictions}`);
  }
  checkNoNewUnconfirmed(r, graph);
  // Rules 3 and 4: pay for everything evicted, and for the replacement's own relay on top.
  let evictedFees = 0n;
  for (const txid of r.evicted) evictedFees += graph.get(txid)!.modifiedFee;
  if (r.modifiedFee < evictedFees) {
    throw policyError('insufficient fee', `replacement pays ${r.modifiedFee}, less than the ${evictedFees} it evicts`);
  }
  const required = feeForVsize(opts.incrementalRelayFeeRate, r.vsize);
  if (r.modifiedFee - evictedFees < required) {
    throw policyError('insufficient fee', `replacement adds ${r.modifiedFee - evictedFees} sats, needs ${required} for its relay`);
  }
}

/**
 * Rule 2: every unconfirmed input must already be an input's parent of a conflict,
 * so a replacement cannot lean on new low-rate ancestors that miners would also need to take.
 */
function checkNoNewUnconfirmed(r: Replacement, graph: TxGraph): void {
  const parentsOfConflicts = new Set<string>();
  for (const txid of r.conflicts) {
    for (const input of graph.get(txid)!.tx.inputs) parentsOfConflicts.add(hashToHex(input.prevout.txid));
  }
  for (const [i, input] of r.tx.inputs.entries()) {
    const parent = hashToHex(input.prevout.txid);
    if (!parentsOfConflicts.has(parent) && graph.get(parent)) {
      throw policyError('replacement-adds-unconfirmed', `replacement input ${i} spends new unconfirmed transaction ${parent}`);
    }
  }
}
