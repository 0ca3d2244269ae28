/** The chain layer's public face: the Chain service, its entries, errors and the signature-verification pool. */
export { Chain, type BatchVerifier, type ChainEvents, type ChainModules, type ProcessResult } from './chain.js';
export { ChainEntry, findFork } from './entry.js';
export type { HeadersResult } from './accept-headers.js';
export { ChainError } from './errors.js';
export { isFatalStorageError } from './storage-errors.js';
export { BlockStatus } from './records.js';
export type { UtxoDigest } from './chaindb.js';
export type { BlockSpentCoins } from './spent-coins.js';
export type { AddressDelta, AddressHistoryItem, AddressRange, AddressUtxo, Cursored, TxLocation } from './indexers/index.js';
export { afterTransaction } from './indexers/index.js';
export { CHAIN_DEFAULTS, type ChainOptions } from './options.js';
export { VerifyError, VerifyPool } from './verify-pool.js';
