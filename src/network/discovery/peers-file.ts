/**
 * `<datadir>/peers.json`: the address book across restarts, so that a node
 * that restarts dials the peers it knew instead of depending on its bootstrap
 * node. Written whole or not at all (atomic-file.ts). A file that cannot be
 * read, is not JSON, or is of another network is logged and ignored: losing
 * addresses is better than refusing to start.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../node/atomic-file.js';
import type { LogWriter } from '../../util/logger.js';
import { MAX_ADDR_LENGTH, MAX_ADDRS_PER_PEER, type BookEntry } from './address-book.js';

export const PEERS_FILE_VERSION = 1;
/** A file larger than this is not one we wrote (1000 entries take about 300 kB). */
const MAX_FILE_BYTES = 4 * 1024 * 1024;

interface PeersFile {
  version: number;
  network: string;
  peers: BookEntry[];
}

export function peersFilePath(datadir: string): string {
  return join(datadir, 'peers.json');
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** One stored entry, checked field by field; undefined when it is not one we wrote. */
function entryFrom(raw: unknown): BookEntry | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const e = raw as Record<string, unknown>;
  if (typeof e.id !== 'string' || e.id.length > 100 || typeof e.source !== 'string' || e.source.length > 100) return undefined;
  if (!Array.isArray(e.addrs) || !e.addrs.every((a) => typeof a === 'string' && a.length <= MAX_ADDR_LENGTH)) return undefined;
  if (![e.lastSeen, e.lastSuccess, e.lastAttempt, e.failures].every(isCount)) return undefined;
  return {
    id: e.id, addrs: (e.addrs as string[]).slice(0, MAX_ADDRS_PER_PEER), source: e.source,
    lastSeen: e.lastSeen as number, lastSuccess: e.lastSuccess as number, lastAttempt: e.lastAttempt as number, failures: e.failures as number,
  };
}

/**
 * The entries stored at `path` for `network`, at most `max`; none when the file is
 * missing, unreadable, too large, not JSON, of another version or network. Entries
 * that are not well formed are skipped one by one.
 */
export function loadPeers(path: string, network: string, max: number, logger: LogWriter): BookEntry[] {
  if (!existsSync(path)) return [];
  const ignore = (why: string): BookEntry[] => {
    logger.warn({ path, why }, 'ignoring peers.json');
    return [];
  };
  try {
    if (statSync(path).size > MAX_FILE_BYTES) return ignore(`larger than ${MAX_FILE_BYTES} bytes`);
    const file = JSON.parse(readFileSync(path, 'utf8')) as Partial<PeersFile> | null;
    if (typeof file !== 'object' || file === null || !Array.isArray(file.peers)) return ignore('not a peers file');
    if (file.version !== PEERS_FILE_VERSION) return ignore(`unknown version ${String(file.version)}`);
    if (file.network !== network) return ignore(`peers of network ${String(file.network)}, not ${network}`);
    const entries = file.peers.slice(0, max).map(entryFrom).filter((e): e is BookEntry => e !== undefined);
    if (entries.length < Math.min(file.peers.length, max)) logger.warn({ path, skipped: Math.min(file.peers.length, max) - entries.length }, 'skipped malformed entries of peers.json');
    return entries;
  } catch (err) {
    return ignore((err as Error).message);
  }
}

/** Replaces the file at `path` with the first `max` of `entries`; a failure is logged, not thrown. */
export function savePeers(path: string, network: string, entries: readonly BookEntry[], max: number, logger: LogWriter): void {
  const file: PeersFile = { version: PEERS_FILE_VERSION, network, peers: entries.slice(0, max) };
  try {
    writeFileAtomic(path, JSON.stringify(file, null, 1), 0o644);
  } catch (err) {
    logger.warn({ path, err: (err as Error).message }, 'could not save peers.json');
  }
}
