/**
 * The chain: the header tree, the best chain and the UTXO set. Blocks arrive
 * through `processBlock` (btcd's process.go and accept.go); the chain with the
 * most cumulative work wins (the first seen wins a tie), reorganizing across any
 * depth with undo data and stopping at the first invalid block (connect.ts).
 * Calls are serialized; blocks are judged and stored by block-intake.ts. The block
 * index is in block-index.ts.
 */
import type { Block, BlockHeader } from '../primitives/block.js';
import { RuleError } from '../consensus/errors.js';
import type { NetworkParams } from '../consensus/params.js';
import { findInvalidSignature } from '../consensus/signatures.js';
import { getVerifier } from '../primitives/signature.js';
import { isTallyError } from '../primitives/errors.js';
import { acceptHeaders, type HeadersResult } from './accept-headers.js';
import { BlockBatches, type QueuedBlock } from './block-batch.js';
import { BlockIntake } from './block-intake.js';
import { BlockIndex } from './block-index.js';
import { BlockStore } from './block-store.js';
import { ChainDB } from './chaindb.js';
import { ChainReads } from './chain-reads.js';
import { ChainConnector } from './connect.js';
import { ChainEntry } from './entry.js';
import type { ChainError } from './errors.js';
import { genesisOps, loadEntries, loadMainChain, repairDatabase } from './load.js';
import { silentLogger, type LogWriter } from '../util/logger.js';
import { systemClock } from '../util/clock.js';
import { CHAIN_DEFAULTS, type ChainOptions } from './options.js';
import { OrphanBlocks } from './orphans.js';
import { damagedError, isFatalStorageError } from './storage-errors.js';
import { utxoDigest, type UtxoDigest } from './state-scans.js';
import { hashToHex } from '../primitives/bytes.js';
import type { BatchVerifier, ChainModules, ProcessResult } from './types.js';

export type { BatchVerifier, ChainEvents, ChainModules, ProcessResult } from './types.js';
export type { HeadersResult } from './accept-headers.js';

const inlineVerifier: BatchVerifier = { verify: async (checks) => findInvalidSignature(checks, getVerifier()) };

/** Headers this far past the tip mean blocks to catch up on: the verifier gets ready while they download. */
const WARM_AHEAD_BLOCKS = 16;

export class Chain extends ChainReads {
  readonly params: NetworkParams;
  private readonly connector: ChainConnector;
  private readonly verifier: BatchVerifier;
  private readonly clock: () => number;
  private readonly log: LogWriter;
  private readonly orphans: OrphanBlocks;
  private readonly batches = new BlockBatches();
  private readonly intake: BlockIntake;
  private queue: Promise<unknown> = Promise.resolve();
  private halted?: ChainError;
  private flushTimer?: NodeJS.Timeout;
  private readonly flushIntervalMs: number;

  constructor(opts: ChainOptions, modules: ChainModules = {}) {
    const full = { ...CHAIN_DEFAULTS, ...opts } as Required<ChainOptions>;
    const db = new ChainDB(opts.path, full.dbcacheBytes);
    const index = new BlockIndex();
    const store = new BlockStore(db, opts.params, full.blockCacheSize);
    super(db, index, store);
    this.params = opts.params;
    this.clock = modules.clock ?? systemClock;
    this.log = modules.logger ?? silentLogger;
    this.orphans = new OrphanBlocks(full.maxOrphans);
    const verifier = modules.verifier ?? inlineVerifier;
    this.verifier = verifier;
    const hook = modules.beforeFlushWrite ? { beforeFlushWrite: modules.beforeFlushWrite } : {};
    this.connector = new ChainConnector({ db, index, store, params: this.params, verifier, clock: this.clock, log: this.log, events: this, ...hook });
    this.flushIntervalMs = full.flushIntervalSeconds * 1000;
    this.intake = new BlockIntake({ db, index, store, params: this.params, clock: this.clock, connector: this.connector, orphans: this.orphans, log: this.log, isMain: (entry) => this.isMain(entry) });
  }

  get orphanCount(): number {
    return this.orphans.size;
  }

  /**
   * Opens the database, writing genesis into a new one and checking an existing
   * one is consistent. With `reindex`, rebuilds the chain state from the stored
   * blocks instead of trusting it (the cure for `db-corrupt`), after LevelDB's
   * repair when LevelDB itself found the damage.
   * @throws ChainError db-corrupt, db-blocks-lost, disk-full, db-wrong-network, db-version, db-open-failed
   */
  async open(opts: { reindex?: boolean; onReindexProgress?: (height: number, best: number) => void } = {}): Promise<void> {
    try {
      await this.load(opts, false);
    } catch (err) {
      if (!opts.reindex || !isTallyError(err, 'db-corrupt')) throw err;
      await repairDatabase(this.db.path, err, this.log);
      await this.load(opts, true);
    }
  }

  private async load(opts: { reindex?: boolean; onReindexProgress?: (height: number, best: number) => void }, repaired: boolean): Promise<void> {
    this.halted = undefined;
    const { fresh } = await this.db.open(this.params.name, { reindex: opts.reindex === true, repaired });
    try {
      if (fresh) await this.db.batch(genesisOps(this.params));
      await this.loadEntries(opts.reindex === true);
      if (!this.index.has(this.params.genesisHash)) {
        if (!opts.reindex) throw damagedError(this.db.path, 'the genesis block is missing');
        await this.db.batch(genesisOps(this.params));
        await this.loadEntries(true);
      }
      if (opts.reindex) {
        this.index.mainChain[0] = this.index.get(this.params.genesisHash)!;
        await this.reindex(opts.onReindexProgress);
        return;
      }
      await loadMainChain(this.db, this.index.byHash, this.index.mainChain);
      this.index.linkAll();
      const replayed = await this.serialize(() => this.replayToBlockTip());
      this.log.info({ height: this.tip.height, tip: this.tip.hashHex, replayed }, 'chain loaded');
      // Each block connects or disconnects on its own, so a crash in the middle of a
      // reorganization leaves the tip between the two branches: finish switching now.
      await this.serialize(() => this.connector.activateBestChain());
      this.startFlushTimer();
    } catch (err) {
      await this.db.close();
      throw err;
    }
  }

  async close(): Promise<void> {
    clearInterval(this.flushTimer);
    this.flushTimer = undefined;
    await this.queue.catch(() => undefined);
    // After a storage failure the cached state may not be writable; the next start replays instead.
    if (!this.halted) {
      await this.connector.flushState('shutdown').catch((err: unknown) => this.log.error({ err: (err as Error).message }, 'could not flush the chain state; the next start replays the blocks'));
    }
    await this.db.close();
  }

  /**
   * The coin set lags the blocks by up to a cache's worth (state-cache.ts): connects the
   * blocks between its stored tip and the last block connected before the node stopped.
   */
  private async replayToBlockTip(): Promise<number> {
    const hash = await this.db.getBlockTip();
    const target = hash && this.index.get(hashToHex(hash));
    if (!target || target === this.tip || !target.haveData) return 0;
    const from = this.tip.height;
    const replayed = await this.connector.replayTo(target);
    this.log.info({ from, to: target.height, replayed }, 'replayed blocks after the last chain-state flush');
    return replayed;
  }

  private startFlushTimer(): void {
    if (this.db.cache.limitBytes === 0 || this.flushIntervalMs <= 0) return;
    clearInterval(this.flushTimer);
    // Bounds the blocks a crash makes the next start replay, however idle the node.
    this.flushTimer = setInterval(() => void this.flushState().catch(() => undefined), this.flushIntervalMs);
    this.flushTimer.unref();
  }

  /** Writes the cached chain state to disk now, between block changes. */
  flushState(): Promise<void> {
    return this.serialize(() => this.connector.flushState('interval'));
  }

  private async loadEntries(reindex: boolean): Promise<void> {
    const loaded = await loadEntries(this.db, this.log, reindex);
    this.index.reset(loaded.values());
  }

  /**
   * Runs `fn` after every earlier call finished: chain changes never interleave. Any call
   * but a batch's own turn closes the open batch, so that no block is processed before it.
   */
  protected serialize<T>(fn: () => Promise<T>, batchTurn = false): Promise<T> {
    if (!batchTurn) this.batches.close();
    const guarded = () => (this.halted ? Promise.reject(this.halted) : fn().catch((err: unknown) => this.halt(err)));
    const run = this.queue.then(guarded, guarded);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Drops the decoded blocks kept in memory, in the chain's turn (a block of an open batch
   * is kept until it is written). A small node calls it when it falls quiet after a large
   * block (node/block-gc.ts): a decoded 1 MB block of small outputs takes about 7 MB.
   */
  releaseBlockCache(): Promise<void> {
    return this.serialize(async () => this.store.release());
  }

  /** After a storage failure memory may be ahead of disk: refuse every later change, and say so once. */
  private halt(err: unknown): never {
    if (isFatalStorageError(err) && !this.halted) {
      this.halted = err;
      this.emit('fatal', err);
    }
    throw err;
  }

  /**
   * Validates and stores a block, reorganizing if it makes a chain with more work.
   * Calls queued one after another share a turn (block-batch.ts): their blocks are
   * stored, then connected together.
   * @throws RuleError when the block is invalid (the header is marked invalid unless
   *   the failure could come from a mutated copy of a valid block).
   */
  processBlock(block: Block): Promise<ProcessResult> {
    return this.batches.add(block, (batch) => {
      const turn = this.serialize(async () => {
        this.batches.close(batch);
        await this.processBatch(batch);
      }, true);
      // A storage failure (or a halted chain) fails every call of the batch still waiting.
      turn.catch((err: unknown) => { for (const queued of batch) queued.reject(err); });
    });
  }

  private async processBatch(batch: readonly QueuedBlock[]): Promise<void> {
    // The first block's signatures are verified while the batch is judged and stored.
    await this.connector.verifyEarly(batch[0]!.block);
    try {
      await this.intake.storeAndConnect(batch);
    } finally {
      this.connector.dropEarly();
    }
  }

  /**
   * Adds a header without its block (headers-first sync).
   * @throws RuleError for a header that breaks a rule; prev-blk-not-found when its parent is unknown.
   */
  async processHeader(header: BlockHeader): Promise<ChainEntry> {
    const { last, error } = await this.processHeaders([header]);
    if (error) throw error;
    return last!;
  }

  /**
   * Adds a run of headers in one pass through the queue and one database batch. Stops at
   * the first header that breaks a rule and resolves with that error (what processHeader
   * would throw for it); the headers before it stay accepted. `added` counts the new ones.
   */
  processHeaders(headers: readonly BlockHeader[]): Promise<HeadersResult> {
    return this.serialize(async () => {
      const { last, added, failure, ops } = acceptHeaders(headers, this.index, this.params, this.clock());
      if (ops.length > 0) await this.db.batch(ops);
      // A pool's threads take a while to start (hundreds of ms under tsx); not on the first block's time.
      if (added > 0 && this.index.bestHeader.height - this.tip.height >= WARM_AHEAD_BLOCKS) this.verifier.warm?.().catch(() => undefined);
      if (failure === undefined) return { last, added };
      if (!(failure instanceof RuleError)) throw failure;
      return { last, added, error: failure };
    });
  }

  /** Rebuilds the UTXO set and indexes from the stored blocks (`--reindex`). */
  reindex(onProgress?: (height: number, best: number) => void): Promise<void> {
    // Every stored block is about to be verified: the pool's threads start while the state is cleared.
    this.verifier.warm?.().catch(() => undefined);
    return this.serialize(() => this.connector.reindex(onProgress));
  }

  /**
   * Core's TestBlockValidity for a solved block on the tip: every rule connecting it
   * would apply, judged at the chain's clock, without storing it. Resolves to the
   * reject reason, or null when the block is valid.
   */
  testBlockValidity(block: Block): Promise<string | null> {
    return this.serialize(() => this.connector.testBlockValidity(block));
  }

  /** Summary of the UTXO set, read between chain changes. */
  utxoDigest(): Promise<UtxoDigest> {
    return this.serialize(async () => {
      await this.connector.flushState('read');
      return utxoDigest(this.db);
    });
  }
}
