/** Chain-state errors that are not consensus rule failures: storage, corruption, misuse. */
import { TallyError } from '../primitives/errors.js';

/**
 * Codes: `db-corrupt` (the stored chain is inconsistent: run with --reindex),
 * `db-wrong-network` (the datadir belongs to another network), `db-version`
 * (a format this build cannot read), `db-write-failed`, `not-found`, `closed`.
 */
export class ChainError extends TallyError {}
