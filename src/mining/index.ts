/** Block assembly, templates, the fast header hasher, proof-of-work search and the miner service. */
export * from './errors.js';
export * from './coinbase.js';
export * from './assemble.js';
export * from './mine.js';
export * from './sha256-header.js';
export * from './select.js';
export * from './template.js';
export * from './options.js';
export * from './miner.js';
