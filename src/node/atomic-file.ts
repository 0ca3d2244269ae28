/** Writing small files whole or not at all. */
import { renameSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Writes `data` to a new file at `path` whole or not at all: a full disk must
 * not leave a truncated file (a key) that the next start refuses. The data goes
 * to a temporary file beside it first, then is renamed into place.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, data, { mode, flag: 'wx' });
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
