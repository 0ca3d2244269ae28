/** Block assembly and proof-of-work search. */
export * from './coinbase.js';
export * from './assemble.js';
export * from './mine.js';
