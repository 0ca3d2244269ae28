/**
 * Storage failures of the chain database, told apart so that the node can stop
 * with a message an operator can act on: a full disk (free space, restart), a
 * write the disk refused (check the disk), a damaged database (`--reindex`
 * repairs it) and lost blocks (only peers can give them back).
 *
 * LevelDB reports its failures as `LEVEL_IO_ERROR` and `LEVEL_CORRUPTION`
 * (an open failure wraps them as the `cause` of `LEVEL_DATABASE_NOT_OPEN`),
 * with the operating system's text, e.g. `IO error: .../000003.log: No space
 * left on device`; file-system calls report `ENOSPC`.
 */
import { isTallyError } from '../primitives/errors.js';
import { ChainError, type ChainErrorCode } from './errors.js';

/**
 * Codes after which the chain must not change again (memory may be ahead of
 * disk, or the disk cannot be trusted): the node stops and says why.
 */
export const FATAL_STORAGE_CODES: ReadonlySet<ChainErrorCode> = new Set<ChainErrorCode>(['disk-full', 'db-write-failed', 'db-read-failed', 'db-corrupt', 'db-blocks-lost']);

/** True for a ChainError whose code is in {@link FATAL_STORAGE_CODES}. */
export function isFatalStorageError(err: unknown): err is ChainError {
  return err instanceof ChainError && FATAL_STORAGE_CODES.has(err.code);
}

/** The error and its causes, outermost first (at most a few levels). */
function causes(err: unknown): { code?: unknown; message?: unknown }[] {
  const out: { code?: unknown; message?: unknown }[] = [];
  for (let e = err, i = 0; e && typeof e === 'object' && i < 4; e = (e as { cause?: unknown }).cause, i++) out.push(e as { code?: unknown });
  return out;
}

/** The innermost message: the operating system's or LevelDB's own words. */
export function causeText(err: unknown): string {
  const chain = causes(err);
  const inner = chain[chain.length - 1];
  return typeof inner?.message === 'string' ? inner.message : String(err);
}

/** True when `err` (or a cause) says the disk or the user's quota is full. */
export function isDiskFull(err: unknown): boolean {
  return causes(err).some((e) => e.code === 'ENOSPC' || e.code === 'EDQUOT'
    || (typeof e.message === 'string' && /no space left on device|disk quota exceeded/i.test(e.message)));
}

function levelCode(err: unknown): string | undefined {
  const found = causes(err).map((e) => e.code).filter((c): c is string => typeof c === 'string' && c.startsWith('LEVEL_'));
  return found[found.length - 1];
}

/**
 * `disk-full`: the disk holding `path` has no space left. Names the folder and says what to do.
 * @param what what was being written, e.g. "the chain database"
 */
export function diskFullError(path: string, err: unknown, what = 'the chain database'): ChainError {
  return new ChainError('disk-full', `the disk holding ${path} is full (${causeText(err)}) while writing ${what}; `
    + 'the node stopped without writing anything partial: free space on that disk, then start the node again');
}

/** A failed LevelDB write: `disk-full`, or `db-write-failed` for any other refusal (read-only, I/O error). */
export function writeError(path: string, err: unknown): ChainError {
  if (isDiskFull(err)) return diskFullError(path, err);
  return new ChainError('db-write-failed', `cannot write the chain database at ${path} (${causeText(err)}); `
    + 'the node stopped: check the disk (read-only mount, permissions, hardware errors), then start the node again');
}

/** `db-corrupt`: damage that `--reindex` repairs (it rebuilds everything but the blocks). */
export function damagedError(path: string, why: string): ChainError {
  return new ChainError('db-corrupt', `the chain database at ${path} is damaged (${why}); `
    + 'start the node once with --reindex to repair it and rebuild the chain state from the stored blocks');
}

/**
 * `db-blocks-lost`: stored blocks are gone or unreadable. `--reindex` rebuilds
 * from the blocks, so it cannot help: the chain has to come from peers again.
 */
export function blocksLostError(path: string, what: string): ChainError {
  return new ChainError('db-blocks-lost', `${what} in the chain database at ${path}; --reindex cannot restore stored blocks: `
    + `move ${path} away and start the node to download the chain again from its peers`);
}

/** A failed LevelDB read: missing or unreadable files are damage; a full disk (a compaction) is `disk-full`. */
export function readError(path: string, err: unknown): unknown {
  if (isTallyError(err)) return err;
  if (isDiskFull(err)) return diskFullError(path, err);
  const code = levelCode(err);
  if (code === 'LEVEL_CORRUPTION' || (code === 'LEVEL_IO_ERROR' && /no such file|invalid argument/i.test(causeText(err)))) {
    return damagedError(path, causeText(err));
  }
  if (code === 'LEVEL_IO_ERROR') {
    return new ChainError('db-read-failed', `cannot read the chain database at ${path} (${causeText(err)}); the node stopped: check the disk, then start the node again`);
  }
  return err;
}

/**
 * A failed open: another process holding the lock (`db-open-failed`), a full
 * disk (recovery writes a table), damage (`db-corrupt`), or anything else (`db-open-failed`).
 */
export function openError(path: string, err: unknown): ChainError {
  if (isDiskFull(err)) return diskFullError(path, err);
  const code = levelCode(err);
  const text = causeText(err);
  if (code !== 'LEVEL_LOCKED' && code !== undefined && (code === 'LEVEL_CORRUPTION' || /no such file|invalid argument/i.test(text))) {
    return damagedError(path, text);
  }
  return new ChainError('db-open-failed', `cannot open the chain database at ${path}: ${text}`);
}

/**
 * An error from starting the node's other writers (cookie, keys, mempool file)
 * on a full disk, as `disk-full` naming the datadir; other errors unchanged.
 */
export function startupError(datadir: string, err: unknown): unknown {
  if (isTallyError(err) || !isDiskFull(err)) return err;
  return diskFullError(datadir, err, 'the node\'s files');
}
