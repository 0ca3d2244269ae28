/** The memory pool: validation policy, replacement, eviction, orphans, persistence and fee estimation. */
export * from './interface.js';
export * from './options.js';
export * from './errors.js';
export * from './mempool.js';
export { dustThreshold, isDust, checkStandard, checkFinalForNextBlock } from './policy.js';
export { FeeEstimator, defaultFeeEstimatorOptions, type FeeEstimatorOptions } from './fee-estimator.js';
export { feeForVsize, feeRate, compareFeeRates, estimateUsage } from './entry.js';
export { MEMPOOL_FILE_FORMAT, MEMPOOL_FILE_VERSION, readMempoolFile, writeMempoolFile, type LoadResult, type MempoolDump, type SavedTx } from './persist.js';
export { MAX_PACKAGE_COUNT, MAX_PACKAGE_WEIGHT, checkPackageShape, type TestAcceptResult } from './test-accept.js';
