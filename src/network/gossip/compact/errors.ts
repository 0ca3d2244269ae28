/**
 * Compact block relay failures that only a dishonest sender produces, found by
 * comparing what it sent with the full block it serves (reconstruct.ts).
 * Codes: `cmpctblock-mismatch` (the compact block's short ids, prefilled
 * transactions or transaction count do not describe the block its sender
 * serves under that header), `blocktxn-mismatch` (a blocktxn reply whose
 * transactions are not the block's at the indexes asked), `cmpctblock-unserved`
 * (the sender of a compact block says it lacks the block, which an honest
 * relayer validated and stored before relaying). penalty.ts gives each its verdict.
 */
import { TallyError } from '../../../primitives/errors.js';

export const COMPACT_ERROR_CODES = ['cmpctblock-mismatch', 'blocktxn-mismatch', 'cmpctblock-unserved'] as const;
export type CompactErrorCode = typeof COMPACT_ERROR_CODES[number];

export class CompactBlockError extends TallyError<CompactErrorCode> {}
