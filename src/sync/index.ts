/**
 * Headers-first sync and parallel block download. Talks to the network only
 * through `SyncNetwork` and to the node only through `SyncNode`
 * (network/interface.ts).
 */
export { SyncManager, type SyncModules, type SyncStatus } from './sync.js';
export { SYNC_DEFAULTS, type SyncOptions } from './options.js';
export { SyncError, SYNC_ERROR_CODES, SYNC_PENALTY_REASONS, type SyncErrorCode } from './errors.js';
export { antiDoSThreshold, belowThreshold, HeldHeaders, type HeldVerdict } from './low-work.js';
export { balanceRanges, type BalanceOptions, type RangeAssignment, type RangeCandidate, type RangeEntry } from './peer-balancer.js';
export { timedCall } from './timed-call.js';
