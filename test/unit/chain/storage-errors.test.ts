/** How LevelDB's and the file system's failures become the chain's storage error codes. */
import { describe, expect, it } from 'vitest';
import { ChainError } from '../../../src/chain/errors.js';
import { isFatalStorageError, openError, readError, startupError, writeError } from '../../../src/chain/storage-errors.js';

const PATH = '/data/chain';
/** The shapes classic-level gives: a coded error, wrapped as the cause of LEVEL_DATABASE_NOT_OPEN when opening. */
const level = (code: string, message: string) => Object.assign(new Error(message), { code });
const notOpen = (cause: Error) => Object.assign(new Error('Database failed to open'), { code: 'LEVEL_DATABASE_NOT_OPEN', cause });

describe('storage error codes', () => {
  it('a write on a full disk is disk-full, any other failed write db-write-failed; both stop the node', () => {
    const full = writeError(PATH, level('LEVEL_IO_ERROR', 'IO error: /data/chain/000003.log: No space left on device'));
    expect(full.code).toBe('disk-full');
    expect(full.message).toContain(PATH);
    expect(full.message).toContain('free space');
    const readOnly = writeError(PATH, level('LEVEL_IO_ERROR', 'IO error: /data/chain/000003.log: Read-only file system'));
    expect(readOnly.code).toBe('db-write-failed');
    expect(isFatalStorageError(full) && isFatalStorageError(readOnly)).toBe(true);
  });

  it('opening: a lock held elsewhere is db-open-failed; missing files and corruption are db-corrupt; a full disk disk-full', () => {
    expect(openError(PATH, notOpen(level('LEVEL_LOCKED', 'IO error: lock /data/chain/LOCK: already held by process'))).code).toBe('db-open-failed');
    expect(openError(PATH, notOpen(level('LEVEL_IO_ERROR', 'IO error: /data/chain/MANIFEST-000004: No such file or directory'))).code).toBe('db-corrupt');
    expect(openError(PATH, notOpen(level('LEVEL_CORRUPTION', 'Corruption: 1 missing files; e.g.: /data/chain/000005.ldb'))).code).toBe('db-corrupt');
    expect(openError(PATH, notOpen(level('LEVEL_IO_ERROR', 'IO error: /data/chain/000005.ldb: No space left on device'))).code).toBe('disk-full');
    expect(openError(PATH, notOpen(level('LEVEL_CORRUPTION', 'Corruption: bad block type'))).message).toContain('--reindex');
  });

  it('reading: unreadable tables are db-corrupt, other I/O errors db-read-failed, our own errors pass through', () => {
    expect((readError(PATH, level('LEVEL_IO_ERROR', 'IO error: /data/chain/000005.ldb: Invalid argument')) as ChainError).code).toBe('db-corrupt');
    expect((readError(PATH, level('LEVEL_CORRUPTION', 'Corruption: corrupted compressed block contents')) as ChainError).code).toBe('db-corrupt');
    expect((readError(PATH, level('LEVEL_IO_ERROR', 'IO error: /data/chain/000005.ldb: Input/output error')) as ChainError).code).toBe('db-read-failed');
    const own = new ChainError('db-corrupt', 'already classified');
    expect(readError(PATH, own)).toBe(own);
    const other = new TypeError('not storage');
    expect(readError(PATH, other)).toBe(other);
  });

  it("the node's other files on a full disk (ENOSPC) are disk-full naming the datadir; other errors are kept", () => {
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const err = startupError('/data', enospc) as ChainError;
    expect(err.code).toBe('disk-full');
    expect(err.message).toContain('/data');
    const eacces = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    expect(startupError('/data', eacces)).toBe(eacces);
  });
});
