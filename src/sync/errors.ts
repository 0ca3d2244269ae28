/**
 * Sync's error class and its codes. A `SyncError` says why sync abandoned a
 * request; it never reaches a peer's score (penalties go through
 * network/penalty.ts by their own codes, listed in {@link SYNC_PENALTY_REASONS}).
 */
import { TallyError } from '../primitives/errors.js';

/** Why sync abandoned a request. */
export const SYNC_ERROR_CODES = ['request-timeout', 'peer-gone', 'peer-banned', 'sync-stopped', 'bad-reply', 'superseded'] as const;
export type SyncErrorCode = (typeof SYNC_ERROR_CODES)[number];

/**
 * The reasons sync passes to `penalize`, besides the RuleError codes the chain
 * throws (`high-hash`, `bad-txnmrklroot`, ...).
 */
export const SYNC_PENALTY_REASONS = [
  'block-download-stalled',
  'headers-download-stalled',
  'block-hash-mismatch',
  'invalid-block',
  'non-continuous-headers',
  'too-many-headers',
] as const;

/**
 * Sync abandoned a request. Codes: `request-timeout` (the peer did not answer
 * in time), `peer-gone` (it disconnected), `peer-banned` (it was banned while
 * the request was out), `sync-stopped` (sync itself stopped), `bad-reply` (the
 * reply held a block that was not asked for; the peer is charged separately),
 * `superseded` (endgame: the other copy of the range arrived first).
 */
export class SyncError extends TallyError<SyncErrorCode> {}
