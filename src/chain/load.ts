/**
 * Reading the chain back from disk: the genesis records of a new database, the
 * header index and best chain at start, stored blocks checked against their
 * headers, and LevelDB's repair before a reindex of a damaged database.
 */
import { Block, BlockHeader, HEADER_SIZE } from '../primitives/block.js';
import { equalBytes, hashToHex } from '../primitives/bytes.js';
import { sha256d } from '../primitives/hashes.js';
import { checkBlockSanity } from '../consensus/block-checks.js';
import { getGenesisBlock, type NetworkParams } from '../consensus/params.js';
import type { BatchOp, ChainDB } from './chaindb.js';
import { repairFiles } from './db-files.js';
import { ChainEntry } from './entry.js';
import { keys, PREFIX } from './layout.js';
import type { LogWriter } from '../util/logger.js';
import { BlockStatus, encodeHeaderRecord } from './records.js';
import { KeptRecords, SlotPacker } from './header-slab.js';
import { orderRecords } from './record-order.js';
import { blocksLostError, causeText, damagedError, writeError } from './storage-errors.js';

/** The writes that make a new database hold the genesis block as its tip. */
export function genesisOps(params: NetworkParams): BatchOp[] {
  const genesis = getGenesisBlock(params);
  const entry = new ChainEntry(genesis.header, null, BlockStatus.HAVE_DATA | BlockStatus.VALID);
  return [
    { type: 'put', key: keys.block(entry.hash), value: genesis.toBytes() },
    { type: 'put', key: keys.header(entry.hash), value: encodeHeaderRecord(entry.toRecord()) },
    { type: 'put', key: keys.height(0), value: entry.hash },
    { type: 'put', key: keys.tip(), value: entry.hash },
  ];
}

/**
 * The header index, by display hash, in height order. Records not linked to
 * genesis are left out (they cannot matter to the best chain). A damaged record
 * is refused as `db-corrupt`; when reindexing it is rebuilt from its stored
 * block, or deleted when that is gone too (what descends from it then comes
 * from peers again).
 */
export async function loadEntries(db: ChainDB, log: LogWriter, reindex: boolean): Promise<ChainEntry[]> {
  const started = performance.now();
  log.info('loading block index');
  const { records, damaged } = await readHeaderRecords(db, (n) => log.info({ headers: n }, 'loading block index'));
  if (damaged.length > 0) {
    if (!reindex) throw damagedError(db.path, `header record ${hashToHex(damaged[0]!.hash)} is unreadable: ${damaged[0]!.why}`);
    await rebuildHeaderRecords(db, damaged.map((d) => d.hash), records, log);
  }
  const entries = linkRecords(records);
  log.info({ headers: entries.length, ms: Math.round(performance.now() - started) }, 'block index loaded');
  return entries;
}

/**
 * Every header index record, packed (header-slab.ts), and the hashes of records that are
 * damaged: too short, or their header does not hash to their key.
 */
async function readHeaderRecords(db: ChainDB, onProgress: (loaded: number) => void): Promise<{ records: KeptRecords; damaged: { hash: Uint8Array; why: string }[] }> {
  const records = new KeptRecords();
  const damaged: { hash: Uint8Array; why: string }[] = [];
  let reported = 0;
  await db.scanChunks(keys.prefixRange(Uint8Array.of(PREFIX.header)), (chunk) => {
    for (const [key, value] of chunk) {
      const why = records.add(value, key);
      if (why !== undefined) damaged.push({ hash: key.subarray(1), why });
    }
    if (records.count - reported >= 100_000) onProgress((reported = records.count));
  });
  return { records, damaged };
}

/** Rebuilds the records of `hashes` from their blocks' first 80 bytes into `records`; deletes those whose block is gone. */
async function rebuildHeaderRecords(db: ChainDB, hashes: readonly Uint8Array[], records: KeptRecords, log: LogWriter): Promise<void> {
  const drop: BatchOp[] = [];
  let rebuilt = 0;
  for (const hash of hashes) {
    const bytes = await db.getBlockBytes(hash);
    const header = bytes && bytes.length >= 80 ? BlockHeader.fromBytes(bytes.subarray(0, 80)) : undefined;
    if (header && equalBytes(header.hashBytes, hash)) {
      records.addHeader(header, BlockStatus.HAVE_DATA);
      rebuilt++;
    } else {
      drop.push({ type: 'del', key: keys.header(hash) });
    }
  }
  await db.batch(drop);
  log.warn({ rebuilt, deleted: drop.length }, 'damaged header records rebuilt from their blocks (deleted where the block is gone too)');
}

/** Entries for the records that link to genesis, parents first (in height order: record-order.ts). */
function linkRecords(records: KeptRecords): ChainEntry[] {
  const { order, parent } = orderRecords(records);
  const entries: ChainEntry[] = [];
  /** Where each record's entry is in `entries`. */
  const position = new Int32Array(records.count);
  // Each entry gets its slot from the packer, which it copies: no object per entry besides it.
  const slot = new SlotPacker();
  for (const i of order) {
    const p = parent[i]!;
    slot.copy(records.slab(i), records.at(i));
    position[i] = entries.length;
    entries.push(new ChainEntry(slot, p >= 0 ? entries[position[p]!]! : null, records.status(i)));
  }
  return entries;
}

/**
 * Fills `main` with the best chain from the stored tip back to genesis, indexed by height.
 * @throws ChainError db-corrupt when the tip, its height record or its undo data disagree
 */
export async function loadMainChain(db: ChainDB, entries: Pick<ReadonlyMap<string, ChainEntry>, 'get'>, main: ChainEntry[]): Promise<void> {
  const tipHash = await db.getTip();
  const tip = tipHash && entries.get(hashToHex(tipHash));
  if (!tip || !tip.valid) throw damagedError(db.path, 'the chain tip is missing or not valid');
  main.length = 0;
  for (let e: ChainEntry | null = tip; e; e = e.prev) main[e.height] = e;
  const atHeight = await db.getHashAtHeight(tip.height);
  if (!atHeight || hashToHex(atHeight) !== tip.hashHex || (tip.height > 0 && !(await db.hasUndo(tip.hash)))) {
    throw damagedError(db.path, `chain state at height ${tip.height} is inconsistent`);
  }
}

/**
 * A stored block, checked against its header entry: the block was checked when
 * it arrived, so any failure now is damage on disk (not an invalid block, which
 * would be marked invalid for good).
 * @throws ChainError db-blocks-lost when it is missing, does not decode or does not match
 */
export async function readStoredBlock(db: ChainDB, entry: ChainEntry, params: NetworkParams): Promise<Block> {
  const bytes = await db.getBlockBytes(entry.hash);
  const where = `block ${entry.hashHex} at height ${entry.height}`;
  if (!bytes) throw blocksLostError(db.path, `${where} is missing`);
  try {
    const block = Block.fromBytes(bytes);
    if (block.hash !== entry.hashHex) throw new Error('its header does not match');
    checkBlockSanity(block, params);
    return block;
  } catch (err) {
    throw blocksLostError(db.path, `${where} is damaged (${(err as Error).message})`);
  }
}

/**
 * A stored block's bytes as they are, for serving to peers: the block was checked when
 * stored, so it is not decoded or checked again. Only its header is matched to the entry
 * (one hash of 80 bytes), which catches a record that is not this block.
 * @throws ChainError db-corrupt when the record does not start with the block's header,
 *   db-blocks-lost when it is missing
 */
export async function readStoredBlockBytes(db: ChainDB, entry: ChainEntry): Promise<Uint8Array> {
  const bytes = await db.getBlockBytes(entry.hash);
  const where = `block ${entry.hashHex} at height ${entry.height}`;
  if (!bytes) throw blocksLostError(db.path, `${where} is missing`);
  if (bytes.length <= HEADER_SIZE || !equalBytes(sha256d(bytes.subarray(0, HEADER_SIZE)), entry.hash)) {
    throw damagedError(db.path, `the record of ${where} does not hold that block`);
  }
  return bytes;
}

/**
 * Runs LevelDB's repair on the closed database before a reindex, because `cause`
 * (LevelDB's own damage: missing or unreadable files) stopped it from loading.
 */
export async function repairDatabase(path: string, cause: unknown, log: LogWriter): Promise<void> {
  log.warn({ path, cause: causeText(cause) }, 'the chain database is damaged; repairing it before reindexing');
  let lost: string[];
  try {
    lost = await repairFiles(path);
  } catch (err) {
    throw writeError(path, err);
  }
  if (lost.length > 0) {
    log.warn({ path, files: lost }, 'repair could not read some table files fully (moved to lost/); what was in them is gone, and the blocks will be downloaded again from peers');
  }
  log.info({ path }, 'chain database repaired');
}
