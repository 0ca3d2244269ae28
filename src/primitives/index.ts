/** Data formats: bytes, hashes, encodings, transactions, blocks, scripts, addresses and signatures. */
export * from './errors.js';
export * from './bytes.js';
export * from './encoding.js';
export * from './hashes.js';
export * from './tx.js';
export * from './block.js';
export * from './merkle.js';
export * from './script.js';
export * from './witness.js';
export * from './address.js';
export * from './signature.js';
export * from './sighash.js';
export * from './sign.js';
