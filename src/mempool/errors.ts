/**
 * Mempool policy failures. Consensus failures (RuleError from src/consensus)
 * pass through unchanged, so `bad-txns-*` and `mandatory-script-verify-flag-failed`
 * keep their codes and ban scores; everything the mempool adds on top is a
 * MempoolError with Bitcoin Core's reject string as its code.
 *
 * Codes: `coinbase` (score 100), `non-final`, `version`, `tx-size`, `tx-size-small`,
 * `scriptpubkey`, `dust`, `multi-op-return`, `bad-witness-nonstandard`,
 * `txn-already-in-mempool`, `txn-same-nonwitness-data-in-mempool`, `txn-already-known`,
 * `txn-mempool-conflict`, `min relay fee not met`, `mempool min fee not met`,
 * `mempool full`, `too-long-mempool-chain`, `insufficient fee`,
 * `too many potential replacements`, `replacement-adds-unconfirmed`,
 * `bip125-replacement-disallowed`, `bad-txns-spends-conflicting-tx`; for packages
 * (testmempoolaccept) `package-too-many-transactions`, `package-too-large`,
 * `package-contains-duplicates`, `package-not-sorted`, `conflict-in-package`;
 * and `corrupt-mempool-file` (from reading a saved pool).
 */
import { TallyError } from '../primitives/errors.js';

/** Stable codes of {@link MempoolError}, in the order of the list above. */
export const MEMPOOL_ERROR_CODES = [
  'coinbase', 'non-final', 'version', 'tx-size', 'tx-size-small', 'scriptpubkey', 'dust', 'multi-op-return',
  'bad-witness-nonstandard', 'txn-already-in-mempool', 'txn-same-nonwitness-data-in-mempool', 'txn-already-known',
  'txn-mempool-conflict', 'min relay fee not met', 'mempool min fee not met', 'mempool full', 'too-long-mempool-chain',
  'insufficient fee', 'too many potential replacements', 'replacement-adds-unconfirmed', 'bip125-replacement-disallowed',
  'bad-txns-spends-conflicting-tx', 'package-too-many-transactions', 'package-too-large', 'package-contains-duplicates',
  'package-not-sorted', 'conflict-in-package', 'corrupt-mempool-file',
] as const;
export type MempoolErrorCode = typeof MEMPOOL_ERROR_CODES[number];

/** A transaction the mempool refuses for policy (not consensus) reasons. */
export class MempoolError extends TallyError<MempoolErrorCode> {
  /**
   * Misbehaviour weight for the peer that relayed the transaction: 0 for policy,
   * since another node's policy may differ from ours; 100 where Core treats the
   * failure as a consensus violation (a loose coinbase).
   */
  readonly score: number;

  constructor(code: MempoolErrorCode, message: string, score = 0) {
    super(code, message);
    this.score = score;
  }
}

/** Shorthand in the style of Core's `state.Invalid(...)`. */
export const policyError = (code: MempoolErrorCode, message: string, score = 0): MempoolError => new MempoolError(code, message, score);
