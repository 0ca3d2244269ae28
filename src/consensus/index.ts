/** Pure consensus rules: parameters, proof of work, difficulty, subsidy and validation. */
export * from './errors.js';
export * from './constants.js';
export * from './params.js';
export * from './genesis.js';
export * from './pow.js';
export * from './asert.js';
export * from './difficulty.js';
export * from './time.js';
export * from './subsidy.js';
export * from './coins.js';
export * from './tx-checks.js';
export * from './signatures.js';
export * from './block-checks.js';
export * from './block-spends.js';
