/**
 * Mining failures. Codes are stable; callers (the node, RPC) branch on them:
 *
 * | code                     | meaning                                                          |
 * |--------------------------|------------------------------------------------------------------|
 * | `bad-nonce-range`        | a nonce bound is not a uint32                                    |
 * | `bad-target`             | a target is not an integer in [0, 2^256)                         |
 * | `nonce-space-exhausted`  | no nonce meets the target and nothing else may be rolled         |
 * | `aborted`                | the caller's AbortSignal fired                                   |
 * | `abandoned`              | the work was dropped for a new template, `abandon()` or `stop()` |
 * | `worker-failed`          | a mining worker thread crashed or exited unexpectedly            |
 * | `bad-options`            | invalid miner options                                            |
 * | `bad-payout-script`      | a template's payout script is not one consensus accepts          |
 * | `bad-coinbase-tag`       | the coinbase tag does not fit in the coinbase script             |
 */
import { TallyError } from '../primitives/errors.js';

/** Stable codes of {@link MiningError}, in the order of the table above. */
export const MINING_ERROR_CODES = [
  'bad-nonce-range', 'bad-target', 'nonce-space-exhausted', 'aborted', 'abandoned', 'worker-failed', 'bad-options',
  'bad-payout-script', 'bad-coinbase-tag',
] as const;
export type MiningErrorCode = typeof MINING_ERROR_CODES[number];

/** Error thrown by the mining layer. */
export class MiningError extends TallyError<MiningErrorCode> {}

/** Shorthand that keeps the code list typed. */
export function miningError(code: MiningErrorCode, message: string): MiningError {
  return new MiningError(code, message);
}
