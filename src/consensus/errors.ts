/**
 * Consensus rule failures. `code` is Bitcoin Core's reject string where Core
 * has one (`high-hash`, `bad-txnmrklroot`, ...) and a stable code of ours
 * otherwise. `score` is the misbehaviour weight an adapter may charge the
 * peer that sent the object (100 = ban), as in Bitcoin Core and bcoin.
 */
import { TallyError } from '../primitives/errors.js';

/**
 * Stable codes of {@link RuleError}, each with the rule in PROTOCOL.md §6 it reports.
 *
 * Codes of transactions: `bad-txns-vin-empty`, `bad-txns-vout-empty`, `bad-txns-oversize`,
 * `bad-txns-vout-negative`, `bad-txns-vout-toolarge`, `bad-txns-txouttotal-toolarge`,
 * `bad-txns-output-script`, `bad-txns-inputs-duplicate`, `bad-cb-length`, `bad-txns-prevout-null`,
 * `bad-txns-scriptsig-nonempty`, `bad-txns-inputs-missingorspent`, `bad-txns-premature-spend-of-coinbase`,
 * `bad-txns-inputvalues-outofrange`, `bad-txns-in-belowout`, `bad-txns-fee-outofrange`,
 * `bad-txns-nonfinal`, `mandatory-script-verify-flag-failed` (a signature or witness that fails).
 * Of headers: `high-hash`, `bad-diffbits`, `time-too-old`, `time-too-new`, `bad-prevblk`,
 * `prev-blk-not-found`, `duplicate-invalid`. Of blocks: `bad-blk-length`, `bad-blk-weight`,
 * `bad-cb-missing`, `bad-cb-multiple`, `bad-cb-height`, `bad-cb-amount`, `bad-txnmrklroot`,
 * `bad-txns-duplicate`, `unexpected-witness`, `bad-witness-nonce-size`, `bad-witness-merkle-match`.
 */
export const RULE_ERROR_CODES = [
  'bad-txns-vin-empty', 'bad-txns-vout-empty', 'bad-txns-oversize', 'bad-txns-vout-negative', 'bad-txns-vout-toolarge',
  'bad-txns-txouttotal-toolarge', 'bad-txns-output-script', 'bad-txns-inputs-duplicate', 'bad-cb-length',
  'bad-txns-prevout-null', 'bad-txns-scriptsig-nonempty', 'bad-txns-inputs-missingorspent',
  'bad-txns-premature-spend-of-coinbase', 'bad-txns-inputvalues-outofrange', 'bad-txns-in-belowout',
  'bad-txns-fee-outofrange', 'bad-txns-nonfinal', 'mandatory-script-verify-flag-failed',
  'high-hash', 'bad-diffbits', 'time-too-old', 'time-too-new', 'bad-prevblk', 'prev-blk-not-found', 'duplicate-invalid',
  'bad-blk-length', 'bad-blk-weight', 'bad-cb-missing', 'bad-cb-multiple', 'bad-cb-height', 'bad-cb-amount',
  'bad-txnmrklroot', 'bad-txns-duplicate', 'unexpected-witness', 'bad-witness-nonce-size', 'bad-witness-merkle-match',
] as const;
export type RuleErrorCode = typeof RULE_ERROR_CODES[number];

/** What was being validated when the rule failed. */
export type RuleScope = 'tx' | 'block' | 'header';

export class RuleError extends TallyError<RuleErrorCode> {
  readonly scope: RuleScope;
  readonly score: number;
  /**
   * True when the failure may be caused by a mutated copy of a valid block
   * (altered transactions or witnesses under a valid header). Such a failure
   * must not mark the header invalid: the real block can still arrive.
   */
  readonly corruptionPossible: boolean;

  constructor(scope: RuleScope, code: RuleErrorCode, message: string, opts: { score?: number; corruptionPossible?: boolean } = {}) {
    super(code, message);
    this.scope = scope;
    this.score = opts.score ?? 100;
    this.corruptionPossible = opts.corruptionPossible ?? false;
  }
}

/** Shorthand constructors that read like Core's `state.Invalid(...)` calls. */
export const txError = (code: RuleErrorCode, message: string, score = 100): RuleError => new RuleError('tx', code, message, { score });
export const blockError = (code: RuleErrorCode, message: string, opts: { score?: number; corruptionPossible?: boolean } = {}): RuleError =>
  new RuleError('block', code, message, opts);
export const headerError = (code: RuleErrorCode, message: string, score = 100): RuleError => new RuleError('header', code, message, { score });
