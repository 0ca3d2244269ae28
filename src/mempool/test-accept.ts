/**
 * Dry-run acceptance (Bitcoin Core's testmempoolaccept): every check that
 * {@link Mempool.acceptTransaction} runs, for one transaction or for a package
 * in which later transactions may spend earlier ones, without changing the
 * pool, announcing anything, or touching the orphan pool.
 */
import { hashToHex } from '../primitives/bytes.js';
import { outpointKey, type Transaction } from '../primitives/tx.js';
import { missingInputsError, validateTransaction, type AcceptContext } from './accept.js';
import { policyError } from './errors.js';
import { findConflicts } from './rbf.js';

/** Most transactions in one package (Core's MAX_PACKAGE_COUNT). */
export const MAX_PACKAGE_COUNT = 25;
/** Heaviest package (Core's MAX_PACKAGE_WEIGHT). */
export const MAX_PACKAGE_WEIGHT = 404_000;

/** The verdict on one transaction of a dry run. */
export type TestAcceptResult =
  | { status: 'valid'; txid: string; wtxid: string; fee: bigint; modifiedFee: bigint; vsize: number; weight: number; replaced: string[] }
  | { status: 'invalid'; txid: string; wtxid: string; error: unknown }
  /** Not checked because an earlier transaction of the package failed. */
  | { status: 'unchecked'; txid: string; wtxid: string };

/**
 * Core's IsWellFormedPackage, for packages of more than one transaction.
 * @throws MempoolError package-too-many-transactions, package-too-large,
 *   package-contains-duplicates, package-not-sorted, conflict-in-package
 */
export function checkPackageShape(txs: readonly Transaction[]): void {
  if (txs.length > MAX_PACKAGE_COUNT) throw policyError('package-too-many-transactions', `${txs.length} transactions, limit ${MAX_PACKAGE_COUNT}`);
  const weight = txs.reduce((sum, tx) => sum + tx.weight, 0);
  if (weight > MAX_PACKAGE_WEIGHT) throw policyError('package-too-large', `weight ${weight}, limit ${MAX_PACKAGE_WEIGHT}`);
  const later = new Set(txs.map((tx) => tx.txid));
  if (later.size !== txs.length) throw policyError('package-contains-duplicates', 'a transaction appears twice');
  const spent = new Set<string>();
  for (const tx of txs) {
    later.delete(tx.txid);
    for (const { prevout } of tx.inputs) {
      // Parents must come before the children that spend them.
      if (later.has(hashToHex(prevout.txid))) throw policyError('package-not-sorted', `${tx.txid} comes before its parent`);
      const key = outpointKey(prevout);
      if (spent.has(key)) throw policyError('conflict-in-package', `${tx.txid} spends an output another package transaction spends`);
      spent.add(key);
    }
  }
}

/**
 * Validates `txs` in order against the pool and chain as they are now. A package
 * is staged in a copy of the pool's graph, so that later transactions see earlier
 * ones while the pool itself (and every query of it) never does. Stops at the
 * first failure. As in Core, a package may not replace pool transactions
 * (`bip125-replacement-disallowed`); a single transaction may.
 * @throws MempoolError from {@link checkPackageShape} for a malformed package
 */
export async function testAccept(ctx: AcceptContext, txs: readonly Transaction[], time: number): Promise<TestAcceptResult[]> {
  const isPackage = txs.length > 1;
  if (isPackage) checkPackageShape(txs);
  const view: AcceptContext = isPackage ? { ...ctx, graph: ctx.graph.clone() } : ctx;
  const results: TestAcceptResult[] = txs.map((tx) => ({ status: 'unchecked', txid: tx.txid, wtxid: tx.wtxid }));
  for (const [i, tx] of txs.entries()) {
    try {
      if (isPackage && findConflicts(tx, view.graph).size > 0) {
        throw policyError('bip125-replacement-disallowed', `${tx.txid} conflicts with the pool, which a package may not replace`);
      }
      const v = await validateTransaction(view, tx, { bypassLimits: false, time });
      if (v.kind === 'missing') throw missingInputsError(tx);
      const { fee, modifiedFee, vsize, weight } = v.entry;
      results[i] = { status: 'valid', txid: tx.txid, wtxid: tx.wtxid, fee, modifiedFee, vsize, weight, replaced: [...v.evicted] };
      if (isPackage) view.graph.add(v.entry);
    } catch (error) {
      results[i] = { status: 'invalid', txid: tx.txid, wtxid: tx.wtxid, error };
      break;
    }
  }
  return results;
}
