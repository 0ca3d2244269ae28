/**
 * The ban list's file in the datadir (`banlist.json`): bans persist so that a
 * restart does not forgive a peer. A file that cannot be read or written is
 * logged and otherwise ignored: losing bans is better than refusing to start.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LogWriter } from '../../util/logger.js';

export interface BanEntry {
  /** libp2p peer id. */
  peer: string;
  /** Seconds since the epoch. */
  bannedAt: number;
  until: number;
  reason: string;
}

/** The ban list's path in `datadir`. */
export function banListPath(datadir: string): string {
  return join(datadir, 'banlist.json');
}

/** The bans stored at `path`; none when the file is missing or unreadable. */
export function loadBans(path: string, logger: LogWriter): BanEntry[] {
  if (!existsSync(path)) return [];
  try {
    const list = JSON.parse(readFileSync(path, 'utf8')) as BanEntry[];
    return list.filter((b) => typeof b.peer === 'string' && typeof b.until === 'number');
  } catch (err) {
    logger.warn({ path, err: (err as Error).message }, 'ignoring an unreadable ban list');
    return [];
  }
}

/** Replaces the file at `path` with `bans`, through a temporary file so a crash leaves the old list or the new one. */
export function saveBans(path: string, bans: readonly BanEntry[], logger: LogWriter): void {
  const tmp = `${path}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify(bans, null, 1));
    renameSync(tmp, path);
  } catch (err) {
    logger.warn({ path, err: (err as Error).message }, 'could not save the ban list');
  }
}
