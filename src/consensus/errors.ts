/**
 * Consensus rule failures. `code` is Bitcoin Core's reject string where Core
 * has one (`high-hash`, `bad-txnmrklroot`, ...) and a stable code of ours
 * otherwise. `score` is the misbehaviour weight an adapter may charge the
 * peer that sent the object (100 = ban), as in Bitcoin Core and bcoin.
 */
import { TallyError } from '../primitives/errors.js';

/** What was being validated when the rule failed. */
export type RuleScope = 'tx' | 'block' | 'header';

export class RuleError extends TallyError {
  readonly scope: RuleScope;
  readonly score: number;
  /**
   * True when the failure may be caused by a mutated copy of a valid block
   * (altered transactions or witnesses under a valid header). Such a failure
   * must not mark the header invalid: the real block can still arrive.
   */
  readonly corruptionPossible: boolean;

  constructor(scope: RuleScope, code: string, message: string, opts: { score?: number; corruptionPossible?: boolean } = {}) {
    super(code, message);
    this.scope = scope;
    this.score = opts.score ?? 100;
    this.corruptionPossible = opts.corruptionPossible ?? false;
  }
}

/** Shorthand constructors that read like Core's `state.Invalid(...)` calls. */
export const txError = (code: string, message: string, score = 100): RuleError => new RuleError('tx', code, message, { score });
export const blockError = (code: string, message: string, opts: { score?: number; corruptionPossible?: boolean } = {}): RuleError =>
  new RuleError('block', code, message, opts);
export const headerError = (code: string, message: string, score = 100): RuleError => new RuleError('header', code, message, { score });
