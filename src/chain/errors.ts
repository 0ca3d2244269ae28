/** Chain-state errors that are not consensus rule failures: storage, corruption, misuse. */
import { TallyError } from '../primitives/errors.js';

/** Stable codes of {@link ChainError}; the class's doc comment says what each means. */
export const CHAIN_ERROR_CODES = [
  'db-corrupt', 'db-blocks-lost', 'disk-full', 'db-write-failed', 'db-read-failed', 'db-open-failed',
  'db-wrong-network', 'db-version', 'closed',
] as const;
export type ChainErrorCode = typeof CHAIN_ERROR_CODES[number];

/**
 * Codes: `db-corrupt` (the stored chain is damaged or inconsistent: run with
 * --reindex), `db-blocks-lost` (stored blocks are missing or damaged: a reindex
 * cannot help, the chain must come from peers again), `disk-full` (free space,
 * restart), `db-write-failed` and `db-read-failed` (the disk refused: check it),
 * `db-open-failed` (e.g. another node holds the lock), `db-wrong-network` (the
 * datadir belongs to another network), `db-version` (a format this build
 * cannot read), `closed` (the database was closed). storage-errors.ts builds the storage
 * ones; after any of those the chain refuses every change and the node stops.
 */
export class ChainError extends TallyError<ChainErrorCode> {}
