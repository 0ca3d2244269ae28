/**
 * The mempool across restarts, like Core's mempool.dat, as JSON lines:
 *
 *   {"format":"tally-mempool","version":1,"count":N}      header
 *   {"tx":"<hex>","time":<seconds>,"feeDelta":"<sats>"}    N entries, parents first
 *   {"txid":"<hex>","feeDelta":"<sats>"}                   deltas of transactions not in the pool
 *
 * Text so an operator can read or edit it; the count in the header catches a
 * truncated file. Written to a temporary file, synced and renamed over the
 * old one, so a crash leaves the old file or the new one, never half of one.
 */
import { open, readFile, rename, rm } from 'node:fs/promises';
import { Transaction } from '../primitives/tx.js';
import { prioritise } from './block-updates.js';
import { describeError, type PoolCore } from './core.js';
import { MempoolError } from './errors.js';

/** The header's `format` and `version`: anything else is refused as corrupt. */
export const MEMPOOL_FILE_FORMAT = 'tally-mempool';
export const MEMPOOL_FILE_VERSION = 1;

/** One saved entry. */
export interface SavedTx {
  tx: Transaction;
  /** Entry time in seconds, kept so expiry counts from the first arrival. */
  time: number;
  feeDelta: bigint;
}

/** A decoded mempool file. */
export interface MempoolDump {
  txs: SavedTx[];
  /** Prioritisation of txids not in the pool (they may arrive later). */
  deltas: Map<string, bigint>;
}

/** Writes `dump` to `path` atomically. */
export async function writeMempoolFile(path: string, dump: MempoolDump): Promise<void> {
  const lines = [JSON.stringify({ format: MEMPOOL_FILE_FORMAT, version: MEMPOOL_FILE_VERSION, count: dump.txs.length })];
  for (const s of dump.txs) lines.push(JSON.stringify({ tx: s.tx.toHex(), time: s.time, feeDelta: s.feeDelta.toString() }));
  for (const [txid, delta] of dump.deltas) lines.push(JSON.stringify({ txid, feeDelta: delta.toString() }));
  const tmp = `${path}.new`;
  const file = await open(tmp, 'w');
  try {
    await file.writeFile(lines.join('\n') + '\n', 'utf8');
    await file.sync();
  } finally {
    await file.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Reads and decodes a mempool file; the transactions are not validated here.
 * @throws MempoolError corrupt-mempool-file on any malformed content; the
 *   file system's error (ENOENT and so on) when it cannot be read.
 */
export async function readMempoolFile(path: string): Promise<MempoolDump> {
  const text = await readFile(path, 'utf8');
  const lines = text.split('\n').filter((l) => l.length > 0);
  const header = parseLine(lines[0], 0);
  if (header.format !== MEMPOOL_FILE_FORMAT || header.version !== MEMPOOL_FILE_VERSION || !isCount(header.count)) {
    throw corrupt(0, `not a version ${MEMPOOL_FILE_VERSION} ${MEMPOOL_FILE_FORMAT} file`);
  }
  const count = header.count as number;
  if (lines.length < 1 + count) throw corrupt(lines.length, `expected ${count} transactions, file is truncated`);
  const dump: MempoolDump = { txs: [], deltas: new Map() };
  for (let i = 1; i <= count; i++) {
    const obj = parseLine(lines[i], i);
    if (typeof obj.tx !== 'string' || !isCount(obj.time)) throw corrupt(i, 'entry needs "tx" and "time"');
    dump.txs.push({ tx: decodeTx(obj.tx, i), time: obj.time as number, feeDelta: parseAmount(obj.feeDelta, i) });
  }
  for (let i = 1 + count; i < lines.length; i++) {
    const obj = parseLine(lines[i], i);
    if (typeof obj.txid !== 'string' || !/^[0-9a-f]{64}$/.test(obj.txid)) throw corrupt(i, 'delta needs a "txid"');
    dump.deltas.set(obj.txid, parseAmount(obj.feeDelta, i));
  }
  return dump;
}

function parseLine(line: string | undefined, index: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line ?? '');
  } catch {
    throw corrupt(index, 'not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw corrupt(index, 'not a JSON object');
  return value as Record<string, unknown>;
}

function decodeTx(hex: string, index: number): Transaction {
  try {
    return Transaction.fromHex(hex);
  } catch (err) {
    throw corrupt(index, `bad transaction: ${(err as Error).message}`);
  }
}

function parseAmount(value: unknown, index: number): bigint {
  if (value === undefined) return 0n;
  if (typeof value !== 'string' || !/^-?\d{1,20}$/.test(value)) throw corrupt(index, 'bad "feeDelta"');
  return BigInt(value);
}

function isCount(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function corrupt(line: number, message: string): MempoolError {
  return new MempoolError('corrupt-mempool-file', `line ${line + 1}: ${message}`);
}

/** Saves the pool's transactions (parents first, since an ancestor has fewer ancestors) and fee deltas. */
export async function saveMempool(core: PoolCore, path: string): Promise<void> {
  const entries = [...core.graph.entries.values()].sort((a, b) => a.ancestorCount - b.ancestorCount);
  const txs = entries.map((e) => ({ tx: e.tx, time: e.time, feeDelta: core.deltas.get(e.txid) ?? 0n }));
  const deltas = new Map([...core.deltas].filter(([txid]) => !core.graph.get(txid)));
  await writeMempoolFile(path, { txs, deltas });
}

/** Counts from {@link loadMempool}. */
export interface LoadResult {
  accepted: number;
  /** Transactions that no longer pass validation (confirmed meanwhile, conflicting, ...). */
  failed: number;
  /** Transactions older than the expiry, skipped. */
  expired: number;
}

/**
 * Loads a saved pool (Core's LoadMempool): deltas first, then each transaction
 * through full validation with its original entry time. A missing file is
 * normal on first start; a corrupt one is logged and ignored.
 */
export async function loadMempool(core: PoolCore, path: string): Promise<LoadResult> {
  const result: LoadResult = { accepted: 0, failed: 0, expired: 0 };
  let dump: MempoolDump;
  try {
    dump = await readMempoolFile(path);
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') core.logger.info(`no saved mempool at ${path}`);
    else core.logger.warn(`ignoring unreadable mempool file ${path}: ${describeError(err)}`);
    core.loaded = true;
    return result;
  }
  for (const [txid, delta] of dump.deltas) prioritise(core, txid, delta);
  const cutoff = core.now() - core.opts.expiryHours * 3600;
  for (const saved of dump.txs) {
    if (saved.time < cutoff) {
      result.expired++;
      continue;
    }
    if (saved.feeDelta !== 0n) prioritise(core, saved.tx.txid, saved.feeDelta);
    try {
      await core.admit(saved.tx, { allowOrphan: false, bypassLimits: false, time: saved.time });
      result.accepted++;
    } catch (err) {
      result.failed++;
      core.logger.debug(`saved tx ${saved.tx.txid} not reloaded: ${describeError(err)}`);
    }
  }
  core.loaded = true;
  core.logger.info(`mempool loaded from ${path}: ${result.accepted} accepted, ${result.failed} failed, ${result.expired} expired`);
  return result;
}
