/**
 * LevelDB storage for the chain (layout.ts lists every key). Reads look in the
 * state cache first (state-cache.ts); writes that change chain state go through
 * `commit` (the cache, flushed as one `batch`) or `batch` itself, so a crash
 * leaves a consistent state that the next start can replay forward.
 */
import { Level } from 'level';
import { hashToHex } from '../primitives/bytes.js';
import type { OutPoint } from '../primitives/tx.js';
import type { Coin } from '../consensus/coins.js';
import { ChainError } from './errors.js';
import { droppedRecords, missingFiles } from './db-files.js';
import { DB_VERSION, keys, PREFIX, readU32BE, REINDEX_UPGRADABLE_VERSIONS, writeU32BE } from './layout.js';
import { StateCache, type FlushStats } from './state-cache.js';
import { levelMemoryFor } from './level-options.js';
import { OffHeapScratch, writeParts, type WriteOp } from './batch-write.js';
import { batchBytes, memtableFlusherFor, type MemtableFlusher } from './memtable-flush.js';
import { blocksLostError, damagedError, openError, readError, writeError } from './storage-errors.js';
import {
  decodeCoin, decodeUndo, type UndoCoin,
} from './records.js';

export type BatchOp = WriteOp;

export type { UtxoDigest } from './state-scans.js';

/** Records written at once even with a cache: blocks, header index entries and the block tip (what a replay needs). */
const DIRECT = new Set<number>([PREFIX.block, PREFIX.header, PREFIX.blockTip]);

const ENC = { keyEncoding: 'view', valueEncoding: 'view' } as const;

export class ChainDB {
  readonly path: string;
  private handle?: Level<Uint8Array, Uint8Array>;
  /** Chain-state writes not yet in LevelDB (state-cache.ts). */
  readonly cache: StateCache;
  private readonly scratch = new OffHeapScratch();
  private flusher?: MemtableFlusher;

  /** @param cacheBytes the chain-state cache's size (`--dbcache`); 0 writes every change through at once. */
  constructor(path: string, cacheBytes = 0) {
    this.path = path;
    this.cache = new StateCache(cacheBytes);
  }

  private get db(): Level<Uint8Array, Uint8Array> {
    if (!this.handle) throw new ChainError('closed', `the chain database at ${this.path} is not open`);
    return this.handle;
  }

  /**
   * Opens the database, initializing it for `network` if new; refuses another network's or
   * format's data, and damage (unless `reindex`, which rebuilds what the damage touched).
   * `repaired`: LevelDB's repair just ran; what it kept is used, and a reindex is then required
   * until one finishes.
   * @throws ChainError db-open-failed, db-corrupt, disk-full, db-wrong-network, db-version,
   *   db-blocks-lost (repaired, and nothing was left)
   */
  async open(network: string, opts: { reindex?: boolean; repaired?: boolean } = {}): Promise<{ fresh: boolean }> {
    await this.cache.discard();
    const missing = missingFiles(this.path);
    if (missing) throw damagedError(this.path, missing);
    // Made here, not in the constructor: a Level opens itself on the next tick after it is made,
    // which would run before the check above.
    const memory = levelMemoryFor(this.cache.limitBytes);
    this.handle = new Level<Uint8Array, Uint8Array>(this.path, { ...ENC, ...memory });
    this.flusher = memtableFlusherFor(this.handle, memory.writeBufferSize);
    try {
      await this.db.open();
    } catch (err) {
      throw openError(this.path, err);
    }
    try {
      const format = await this.checkFormat(network, opts.repaired === true, opts.reindex === true);
      // Remembered in the database until a reindex finishes: the next open no longer sees it in LevelDB's LOG.
      const why = opts.repaired ? 'repaired; the reindex did not finish' : droppedRecords(this.path);
      if (why) await this.batch([{ type: 'put', key: keys.reindexRequired(), value: new TextEncoder().encode(why) }]);
      const marked = why ? undefined : await this.get(keys.reindexRequired());
      const required = why || (marked && new TextDecoder().decode(marked));
      if (required && !opts.reindex) throw damagedError(this.path, required);
      return format;
    } catch (err) {
      // A database we refuse must not stay open and locked.
      await this.db.close();
      throw err;
    }
  }

  /** Deletes the reindex-required mark (when a reindex has finished). */
  async clearReindexRequired(): Promise<void> {
    await this.batch([{ type: 'del', key: keys.reindexRequired() }]);
  }

  private async checkFormat(network: string, repaired: boolean, reindex: boolean): Promise<{ fresh: boolean }> {
    const version = await this.get(keys.version());
    const storedNetwork = await this.get(keys.network());
    if (!version) {
      // After a repair that lost the format records, what is left is taken to be this network's
      // (another network's blocks would not link to this genesis); when nothing is left, only peers can help.
      const empty = repaired && (await this.read(() => this.db.keys({ limit: 1 }).all())).length === 0;
      if (empty) throw blocksLostError(this.path, 'nothing was readable after repair');
      await this.db.batch([
        { type: 'put', key: keys.version(), value: writeU32BE(DB_VERSION) },
        { type: 'put', key: keys.network(), value: new TextEncoder().encode(network) },
      ]);
      return { fresh: !repaired };
    }
    const name = storedNetwork ? new TextDecoder().decode(storedNetwork) : '';
    if (name !== network) throw new ChainError('db-wrong-network', `the datadir holds a ${name || 'unknown'} chain, not ${network}`);
    const stored = readU32BE(version, 0);
    if (stored === DB_VERSION) return { fresh: false };
    if (!REINDEX_UPGRADABLE_VERSIONS.includes(stored)) throw new ChainError('db-version', `database format ${stored} is not ${DB_VERSION}`);
    if (!reindex) throw new ChainError('db-version', `database format ${stored} is older than ${DB_VERSION}: start once with --reindex to upgrade it`);
    // The reindex-required mark, written in the same batch, keeps a reindex cut short from passing for a finished upgrade.
    await this.batch([
      { type: 'put', key: keys.version(), value: writeU32BE(DB_VERSION) },
      { type: 'put', key: keys.reindexRequired(), value: new TextEncoder().encode(`upgrading from format ${stored}; the reindex did not finish`) },
    ]);
    return { fresh: false };
  }

  async close(): Promise<void> {
    await this.flusher?.idle();
    if (this.handle?.status === 'open' || this.handle?.status === 'opening') await this.handle.close();
  }

  private async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    const cached = this.cache.lookup(key);
    if (cached !== undefined) return cached ?? undefined;
    return this.read(async () => (await this.db.get(key)) ?? undefined);
  }

  /** Runs a read, reporting LevelDB's failures as storage errors (see storage-errors.ts). */
  private async read<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw readError(this.path, err);
    }
  }

  /** Decodes a stored record; one that does not decode is damage that --reindex rebuilds. */
  private decode<T>(fn: () => T, what: string): T {
    try {
      return fn();
    } catch (err) {
      throw damagedError(this.path, `${what} cannot be decoded: ${(err as Error).message}`);
    }
  }

  /**
   * Writes `ops` as one LevelDB batch: all or nothing.
   * @throws ChainError disk-full, db-write-failed
   */
  async batch(ops: readonly BatchOp[]): Promise<void> {
    return this.write([ops]);
  }

  /** Writes the operations of every part, in order, as one LevelDB batch (batch-write.ts). */
  private async write(parts: readonly (readonly BatchOp[])[]): Promise<void> {
    if (parts.every((ops) => ops.length === 0)) return;
    try {
      await writeParts(this.db, parts, this.scratch);
    } catch (err) {
      throw writeError(this.path, err);
    }
    this.flusher?.wrote(batchBytes(parts));
  }

  /**
   * Applies the writes of one block change: blocks, header entries and the block tip at
   * once (one batch), the chain state into the cache, which reaches LevelDB at the next
   * flush (or with the pending ones at once, when they alone would overflow it);
   * everything in one batch when there is no cache.
   * @throws ChainError disk-full, db-write-failed
   */
  async commit(ops: BatchOp[]): Promise<void> {
    if (this.cache.limitBytes === 0) return this.batch(ops);
    await this.batch(ops.filter((op) => DIRECT.has(op.key[0]!)));
    const state = ops.filter((op) => !DIRECT.has(op.key[0]!));
    if (this.cache.overflowedBy(state)) await this.cache.writeThrough(state, (pending, more) => this.write([pending, more]));
    else this.cache.apply(state);
  }

  /**
   * Writes the cached chain state in one batch (state-cache.ts). `beforeWrite`: a test hook.
   * @throws ChainError disk-full, db-write-failed
   */
  flush(beforeWrite?: () => Promise<void>): Promise<FlushStats> {
    return this.cache.flush((ops) => this.batch(ops), beforeWrite);
  }

  /** The coin set's tip: the block whose state the coins, undo records and indexes hold. */
  async getTip(): Promise<Uint8Array | undefined> {
    return this.get(keys.tip());
  }

  /** The last block connected (written with each block change); the coin set's tip when absent. */
  async getBlockTip(): Promise<Uint8Array | undefined> {
    return (await this.get(keys.blockTip())) ?? this.getTip();
  }

  async getBlockBytes(hash: Uint8Array): Promise<Uint8Array | undefined> {
    return this.get(keys.block(hash));
  }

  async hasBlock(hash: Uint8Array): Promise<boolean> {
    return (await this.get(keys.block(hash))) !== undefined;
  }

  async getUndo(hash: Uint8Array): Promise<UndoCoin[]> {
    const bytes = await this.get(keys.undo(hash));
    if (!bytes) throw damagedError(this.path, `undo data of block ${hashToHex(hash)} is missing`);
    return this.decode(() => decodeUndo(bytes), `undo data of block ${hashToHex(hash)}`);
  }

  async hasUndo(hash: Uint8Array): Promise<boolean> {
    return (await this.get(keys.undo(hash))) !== undefined;
  }

  async getHashAtHeight(height: number): Promise<Uint8Array | undefined> {
    return this.get(keys.height(height));
  }

  async getCoin(prevout: OutPoint): Promise<Coin | undefined> {
    const bytes = await this.get(keys.coin(prevout.txid, prevout.vout));
    return bytes ? this.decode(() => decodeCoin(bytes), 'a coin record') : undefined;
  }

  /** Coins for many outpoints in one round trip (what the cache lacks); undefined where spent or unknown. */
  async getCoins(prevouts: readonly OutPoint[]): Promise<(Coin | undefined)[]> {
    if (prevouts.length === 0) return [];
    const all = prevouts.map((p) => keys.coin(p.txid, p.vout));
    const values = all.map((k) => this.cache.lookup(k));
    const misses = all.filter((_, i) => values[i] === undefined);
    const read = misses.length > 0 ? await this.read(() => this.db.getMany(misses)) : [];
    let next = 0;
    return values.map((v) => {
      const bytes = v === undefined ? read[next++] : v;
      return bytes ? this.decode(() => decodeCoin(bytes), 'a coin record') : undefined;
    });
  }

  /** One record by key (layout.ts), for the indexers. */
  getRecord(key: Uint8Array): Promise<Uint8Array | undefined> {
    return this.get(key);
  }

  /**
   * Every record in `range`, in key order, passed to `take` a chunk at a time: thousands a
   * native call (classic-level's default stops at 16 KiB, about a hundred), the next chunk
   * read (on libuv's threads) while `take` works on this one, and kept out of LevelDB's block
   * cache. For the header index, read whole at start (load.ts).
   */
  async scanChunks(range: { gte: Uint8Array; lt: Uint8Array }, take: (chunk: [Uint8Array, Uint8Array][]) => void): Promise<void> {
    await this.read(async () => {
      const it = this.db.iterator({ ...range, highWaterMarkBytes: 4096 * 160, fillCache: false });
      let next = it.nextv(4096);
      try {
        for (let chunk = await next; chunk.length > 0; chunk = await next) {
          next = it.nextv(4096);
          take(chunk);
        }
      } finally {
        await next.catch(() => undefined);
        await it.close();
      }
    });
  }

  /** Every record in `range` (layout.ts's keys.prefixRange), in key order: for the indexers. */
  async scan(range: { gte: Uint8Array; lt: Uint8Array }): Promise<[Uint8Array, Uint8Array][]> {
    return this.read(() => this.db.iterator(range).all());
  }

  /**
   * The records in `range`, in key order, read lazily: memory stays bounded however many
   * there are. `gt` resumes after a key already seen (`lt` when `reverse`: newest first).
   * Breaking out of the loop closes the iterator.
   */
  async *iterate(range: { gte?: Uint8Array; gt?: Uint8Array; lt?: Uint8Array; lte?: Uint8Array; reverse?: boolean }): AsyncGenerator<[Uint8Array, Uint8Array]> {
    // Ranges read LevelDB alone, so the cached state goes there first (as Core's gettxoutsetinfo flushes).
    if (this.cache.size > 0) await this.flush();
    const it = this.db.iterator(range);
    try {
      for (;;) {
        const next = await this.read(() => it.next());
        if (next === undefined) return;
        yield next;
      }
    } finally {
      await it.close();
    }
  }

  /** Every key in `range`, in key order. */
  async scanKeys(range: { gte: Uint8Array; lt: Uint8Array }): Promise<Uint8Array[]> {
    return this.read(() => this.db.keys(range).all());
  }
}
