/**
 * The chain: the header tree, the best chain and the UTXO set. Blocks arrive
 * through `processBlock`; the chain with the most cumulative work wins (the
 * first seen wins a tie), reorganizing across any depth with undo data and
 * stopping at the first invalid block. Calls are serialized.
 */
import { EventEmitter } from 'node:events';
import { Block, type BlockHeader } from '../primitives/block.js';
import { hashFromHex, hashToHex } from '../primitives/bytes.js';
import { outpointKey, type OutPoint } from '../primitives/tx.js';
import { checkBlockContext, checkBlockHeader, checkBlockSanity, checkHeaderContext, headerContext } from '../consensus/block-checks.js';
import { checkBlockSpends } from '../consensus/block-spends.js';
import type { Coin } from '../consensus/coins.js';
import { blockError, headerError, RuleError } from '../consensus/errors.js';
import type { NetworkParams } from '../consensus/params.js';
import { findInvalidSignature, SCRIPT_FAILURE, type SignatureCheck } from '../consensus/signatures.js';
import { getVerifier } from '../primitives/signature.js';
import { isTallyError } from '../primitives/errors.js';
import { ChainDB, type UtxoDigest } from './chaindb.js';
import { ChainEntry, findFork } from './entry.js';
import { ChainError } from './errors.js';
import { keys } from './layout.js';
import { genesisOps, loadEntries, loadMainChain, readStoredBlock, readStoredBlockBytes, repairDatabase } from './load.js';
import { silentLogger, type Logger } from './logger.js';
import { CHAIN_DEFAULTS, type ChainOptions } from './options.js';
import { OrphanBlocks } from './orphans.js';
import { BlockStatus, encodeHeaderRecord } from './records.js';
import { connectOps, disconnectOps } from './state-changes.js';
import { resolveSpentCoins, type BlockSpentCoins } from './spent-coins.js';
import { damagedError, isFatalStorageError } from './storage-errors.js';

/** Verifies signature checks, possibly on worker threads; resolves to the first bad index or -1. */
export interface BatchVerifier {
  verify(checks: readonly SignatureCheck[]): Promise<number>;
}

export interface ChainModules {
  verifier?: BatchVerifier;
  /** Seconds since the epoch; injected so tests control "now". */
  clock?: () => number;
  logger?: Logger;
}

export type ProcessResult = { status: 'connected' | 'side' | 'orphan' | 'duplicate'; entry?: ChainEntry };

export interface ChainEvents {
  connect: [block: Block, entry: ChainEntry];
  disconnect: [block: Block, entry: ChainEntry];
  reorg: [info: { oldTip: ChainEntry; newTip: ChainEntry; fork: ChainEntry }];
  invalid: [entry: ChainEntry, error: RuleError];
  /** A storage failure (storage-errors.ts): the chain refuses every later change; the node must stop. */
  fatal: [error: ChainError];
}

/** Core's CBlockIndexWorkComparator: more work wins, then the block whose data arrived first. */
function betterThan(a: ChainEntry, b: ChainEntry): boolean {
  return a.chainWork > b.chainWork || (a.chainWork === b.chainWork && a.sequence < b.sequence);
}

const inlineVerifier: BatchVerifier = { verify: async (checks) => findInvalidSignature(checks, getVerifier()) };

export class Chain extends EventEmitter<ChainEvents> {
  readonly params: NetworkParams;
  readonly db: ChainDB;
  private readonly opts: Required<ChainOptions>;
  private readonly verifier: BatchVerifier;
  private readonly clock: () => number;
  private readonly log: Logger;
  private readonly entries = new Map<string, ChainEntry>();
  private readonly mainChain: ChainEntry[] = [];
  /** Linked entries (whole branch stored) off the best chain that could become the tip. */
  private readonly candidates = new Set<ChainEntry>();
  /** Stored blocks waiting for an ancestor's data, by parent hash (Core's mapBlocksUnlinked). */
  private readonly unlinked = new Map<string, ChainEntry[]>();
  private readonly failures = new Map<ChainEntry, RuleError>();
  private readonly blockCache = new Map<string, Block>();
  private readonly orphans: OrphanBlocks;
  private sequence = 0;
  private bestHeaderCache?: ChainEntry;
  private queue: Promise<unknown> = Promise.resolve();
  private halted?: ChainError;

  constructor(opts: ChainOptions, modules: ChainModules = {}) {
    super();
    this.opts = { ...CHAIN_DEFAULTS, ...opts } as Required<ChainOptions>;
    this.params = opts.params;
    this.db = new ChainDB(opts.path);
    this.verifier = modules.verifier ?? inlineVerifier;
    this.clock = modules.clock ?? (() => Math.floor(Date.now() / 1000));
    this.log = modules.logger ?? silentLogger;
    this.orphans = new OrphanBlocks(this.opts.maxOrphans);
  }

  /** The best valid block. */
  get tip(): ChainEntry {
    return this.mainChain[this.mainChain.length - 1]!;
  }

  get height(): number {
    return this.tip.height;
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
      if (!this.entries.has(this.params.genesisHash)) {
        if (!opts.reindex) throw damagedError(this.db.path, 'the genesis block is missing');
        await this.db.batch(genesisOps(this.params));
        await this.loadEntries(true);
      }
      if (opts.reindex) {
        this.mainChain[0] = this.getGenesisEntry();
        await this.reindex(opts.onReindexProgress);
        return;
      }
      await loadMainChain(this.db, this.entries, this.mainChain);
      this.linkAll();
      this.log.info({ height: this.tip.height, tip: this.tip.hashHex }, 'chain loaded');
      // Each block connects or disconnects in its own batch, so a crash in the middle of a
      // reorganization leaves the tip between the two branches: finish switching now.
      await this.serialize(() => this.activateBestChain());
    } catch (err) {
      await this.db.close();
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    await this.db.close();
  }

  private async loadEntries(reindex: boolean): Promise<void> {
    const loaded = await loadEntries(this.db, this.log, reindex);
    this.entries.clear();
    for (const [hash, entry] of loaded) this.entries.set(hash, entry);
  }

  private getGenesisEntry(): ChainEntry {
    return this.entries.get(this.params.genesisHash)!;
  }

  /** Runs `fn` after every earlier call finished: chain changes never interleave. */
  private serialize<T>(fn: () => Promise<T>): Promise<T> {
    const guarded = () => (this.halted ? Promise.reject(this.halted) : fn().catch((err: unknown) => this.halt(err)));
    const run = this.queue.then(guarded, guarded);
    this.queue = run.catch(() => undefined);
    return run;
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
   * @throws RuleError when the block is invalid (the header is marked invalid unless
   *   the failure could come from a mutated copy of a valid block).
   */
  processBlock(block: Block): Promise<ProcessResult> {
    return this.serialize(async () => {
      const result = await this.acceptBlock(block);
      if (result.status === 'orphan' || result.status === 'duplicate') return result;
      await this.activateBestChain();
      await this.connectOrphans(block.hash);
      const entry = result.entry!;
      const failure = this.failures.get(entry);
      if (failure) throw failure;
      if (entry.failed) throw blockError('bad-prevblk', 'block descends from an invalid block');
      return { status: this.isMain(entry) ? 'connected' : 'side', entry };
    });
  }

  private async acceptBlock(block: Block): Promise<ProcessResult> {
    const existing = this.entries.get(block.hash);
    if (existing?.failed) throw blockError('duplicate-invalid', 'block is known to be invalid');
    if (existing?.haveData) return { status: 'duplicate', entry: existing };
    const parent = this.entries.get(block.header.prevHash);
    try {
      checkBlockSanity(block, this.params);
    } catch (err) {
      // A header without valid proof of work costs nothing to make, so it gets no entry
      // (as processHeader and Core's AcceptBlockHeader); a mutated block says nothing of its header.
      const remember = err instanceof RuleError && err.scope !== 'header' && !err.corruptionPossible && parent;
      if (remember) await this.rememberInvalid(block.header, parent, err);
      throw err;
    }
    if (!parent) {
      this.orphans.add(block);
      return { status: 'orphan' };
    }
    if (parent.failed) {
      const err = blockError('bad-prevblk', 'previous block is invalid');
      await this.rememberInvalid(block.header, parent, err, BlockStatus.FAILED_PARENT);
      throw err;
    }
    try {
      checkBlockContext(block, headerContext(parent.asParent(), this.params, this.clock()));
    } catch (err) {
      // A block too far in the future may become valid later; anything else is final.
      if (err instanceof RuleError && err.code !== 'time-too-new') await this.rememberInvalid(block.header, parent, err);
      throw err;
    }
    const entry = existing ?? new ChainEntry(block.header, parent, 0);
    entry.status |= BlockStatus.HAVE_DATA;
    entry.sequence = ++this.sequence;
    this.entries.set(entry.hashHex, entry);
    this.noteEntry(entry);
    this.cacheBlock(block);
    await this.db.batch([
      { type: 'put', key: keys.block(entry.hash), value: block.toBytes() },
      { type: 'put', key: keys.header(entry.hash), value: encodeHeaderRecord(entry.toRecord()) },
    ]);
    this.link(entry);
    return { status: 'side', entry };
  }

  /**
   * Marks `entry` linked when its parent is, and with it every stored descendant
   * that was waiting for it; linked entries become candidates. Keeping this
   * incremental makes choosing the best candidate independent of how many
   * blocks arrived out of order.
   */
  private link(entry: ChainEntry): void {
    if (!entry.prev || !entry.prev.linked) {
      const key = entry.header.prevHash;
      const waiting = this.unlinked.get(key) ?? [];
      if (!waiting.includes(entry)) waiting.push(entry);
      this.unlinked.set(key, waiting);
      return;
    }
    const queue = [entry];
    while (queue.length > 0) {
      const e = queue.pop()!;
      e.linked = true;
      if (!e.failed && !this.isMain(e)) this.candidates.add(e);
      const children = this.unlinked.get(e.hashHex);
      if (children) {
        this.unlinked.delete(e.hashHex);
        queue.push(...children);
      }
    }
  }

  /** Recomputes links for every stored entry (after loading or reindexing), in height order. */
  private linkAll(): void {
    this.candidates.clear();
    this.unlinked.clear();
    const byHeight = [...this.entries.values()].sort((a, b) => a.height - b.height);
    for (const e of byHeight) e.linked = false;
    for (const e of byHeight) {
      if (!e.haveData) continue;
      if (!e.prev) {
        e.linked = true;
        continue;
      }
      this.link(e);
    }
  }

  /**
   * Adds a header without its block (headers-first sync).
   * @throws RuleError for a header that breaks a rule; prev-blk-not-found when its parent is unknown.
   */
  processHeader(header: BlockHeader): Promise<ChainEntry> {
    return this.serialize(async () => {
      const known = this.entries.get(header.hash);
      if (known?.failed) throw headerError('duplicate-invalid', 'header is known to be invalid');
      if (known) return known;
      checkBlockHeader(header, this.params);
      const parent = this.entries.get(header.prevHash);
      if (parent?.failed) throw headerError('bad-prevblk', 'previous block is invalid');
      const ctx = headerContext(parent?.asParent(), this.params, this.clock());
      checkHeaderContext(header, ctx);
      const entry = new ChainEntry(header, parent!, 0);
      this.entries.set(entry.hashHex, entry);
      this.noteEntry(entry);
      await this.db.batch([{ type: 'put', key: keys.header(entry.hash), value: encodeHeaderRecord(entry.toRecord()) }]);
      return entry;
    });
  }

  private async rememberInvalid(header: BlockHeader, parent: ChainEntry, err: RuleError, flag: number = BlockStatus.FAILED): Promise<void> {
    const entry = this.entries.get(header.hash) ?? new ChainEntry(header, parent, 0);
    this.entries.set(entry.hashHex, entry);
    this.noteEntry(entry);
    await this.markInvalid(entry, err, flag);
  }

  /** Marks `entry` invalid and every known descendant as descending from an invalid block. */
  private async markInvalid(entry: ChainEntry, err: RuleError, flag: number = BlockStatus.FAILED): Promise<void> {
    entry.status |= flag;
    this.failures.set(entry, err);
    this.candidates.delete(entry);
    const changed = [entry];
    for (const other of this.entries.values()) {
      if (other.height > entry.height && !other.failed && other.ancestor(entry.height) === entry) {
        other.status |= BlockStatus.FAILED_PARENT;
        this.candidates.delete(other);
        changed.push(other);
      }
    }
    await this.db.batch(changed.map((e) => ({ type: 'put' as const, key: keys.header(e.hash), value: encodeHeaderRecord(e.toRecord()) })));
    this.log.warn({ hash: entry.hashHex, height: entry.height, code: err.code }, 'invalid block');
    this.emit('invalid', entry, err);
  }

  /**
   * The candidate that beats the tip whose branch has every block's data: the most
   * work, the earliest received on a tie. A tie can beat the tip only when a reorg
   * stopped at an invalid block on a later-seen branch: the first-seen one returns.
   */
  private bestCandidate(): ChainEntry | undefined {
    let best: ChainEntry | undefined;
    for (const c of this.candidates) {
      if (c.failed || !betterThan(c, this.tip)) continue;
      if (best && !betterThan(c, best)) continue;
      best = c;
    }
    return best;
  }

  private async activateBestChain(): Promise<void> {
    for (let best = this.bestCandidate(); best; best = this.bestCandidate()) {
      const oldTip = this.tip;
      const fork = findFork(oldTip, best);
      if (fork !== oldTip) this.log.info({ fork: fork.height, depth: oldTip.height - fork.height, oldTip: oldTip.hashHex, target: best.hashHex }, 'reorganizing');
      while (this.tip !== fork) await this.disconnectTip();
      const path: ChainEntry[] = [];
      for (let e: ChainEntry | null = best; e && e !== fork; e = e.prev) path.unshift(e);
      for (const entry of path) {
        try {
          await this.connectTip(entry);
        } catch (err) {
          if (!(err instanceof RuleError)) throw err;
          await this.markInvalid(entry, err);
          break;
        }
      }
      if (fork !== oldTip) {
        this.log.info({ fork: fork.height, oldTip: oldTip.hashHex, newTip: this.tip.hashHex, depth: oldTip.height - fork.height }, 'reorganized');
        this.emit('reorg', { oldTip, newTip: this.tip, fork });
      }
    }
  }

  private async connectTip(entry: ChainEntry): Promise<void> {
    const block = await this.getBlockByEntry(entry);
    const prevouts: OutPoint[] = [];
    for (const tx of block.transactions.slice(1)) for (const input of tx.inputs) prevouts.push(input.prevout);
    const found = await this.db.getCoins(prevouts);
    const coins = new Map<string, Coin>();
    prevouts.forEach((p, i) => { if (found[i]) coins.set(outpointKey(p), found[i]!); });
    const spends = checkBlockSpends(block, { getCoin: (p) => coins.get(outpointKey(p)) }, entry.height, this.params);
    const bad = await this.verifier.verify(spends.signatureChecks);
    if (bad >= 0) throw blockError(SCRIPT_FAILURE, `input ${spends.signatureChecks[bad]!.inputIndex}: invalid Schnorr signature`);
    entry.status |= BlockStatus.VALID;
    await this.db.batch(connectOps(block, entry, spends));
    this.mainChain[entry.height] = entry;
    this.candidates.delete(entry);
    this.emit('connect', block, entry);
  }

  private async disconnectTip(): Promise<void> {
    const entry = this.tip;
    if (!entry.prev) throw new ChainError('db-corrupt', 'cannot disconnect the genesis block');
    const block = await this.getBlockByEntry(entry);
    const undo = await this.db.getUndo(entry.hash);
    await this.db.batch(disconnectOps(block, entry, undo));
    this.mainChain.pop();
    this.candidates.add(entry);
    this.emit('disconnect', block, entry);
  }

  private async connectOrphans(parentHash: string): Promise<void> {
    const queue = this.orphans.takeChildren(parentHash);
    while (queue.length > 0) {
      const orphan = queue.shift()!;
      try {
        const result = await this.acceptBlock(orphan);
        if (result.status !== 'orphan') await this.activateBestChain();
      } catch (err) {
        this.log.debug({ hash: orphan.hash, err: (err as Error).message }, 'orphan rejected');
      }
      queue.push(...this.orphans.takeChildren(orphan.hash));
    }
  }

  /** Rebuilds the UTXO set and indexes from the stored blocks (`--reindex`). */
  reindex(onProgress?: (height: number, best: number) => void): Promise<void> {
    return this.serialize(async () => {
      await this.db.clearChainState();
      const genesis = this.getGenesisEntry();
      const best = [...this.entries.values()].reduce((a, b) => (b.chainWork > a.chainWork && b.haveData ? b : a), genesis);
      this.failures.clear();
      for (const entry of this.entries.values()) entry.status &= BlockStatus.HAVE_DATA;
      genesis.status |= BlockStatus.VALID;
      this.mainChain.length = 1;
      this.mainChain[0] = genesis;
      this.linkAll();
      // Verdicts are re-derived from the blocks themselves, so the stored ones are reset too.
      await this.db.batch([
        ...[...this.entries.values()].map((e) => ({ type: 'put' as const, key: keys.header(e.hash), value: encodeHeaderRecord(e.toRecord()) })),
        { type: 'put', key: keys.height(0), value: genesis.hash },
        { type: 'put', key: keys.tip(), value: genesis.hash },
      ]);
      const onConnect = (_b: Block, e: ChainEntry) => onProgress?.(e.height, best.height);
      this.on('connect', onConnect);
      try {
        await this.activateBestChain();
      } finally {
        this.off('connect', onConnect);
      }
      await this.db.clearReindexRequired();
    });
  }

  // ---- queries -------------------------------------------------------------

  /** The known header with the most work that is not known to be invalid (what sync aims for). */
  get bestHeader(): ChainEntry {
    // Cached: sync reads this on every pass. Invalidation (rare) forces a rescan.
    let best = this.bestHeaderCache;
    if (!best || best.failed || !this.entries.has(best.hashHex)) {
      best = this.tip;
      for (const e of this.entries.values()) if (this.betterHeader(e, best)) best = e;
    } else if (this.betterHeader(this.tip, best)) {
      best = this.tip;
    }
    this.bestHeaderCache = best;
    return best;
  }

  private betterHeader(e: ChainEntry, than: ChainEntry): boolean {
    return !e.failed && (e.chainWork > than.chainWork || (e.chainWork === than.chainWork && e.haveData && !than.haveData));
  }

  /** Keeps the best-header cache current as entries are added. */
  private noteEntry(entry: ChainEntry): void {
    if (this.bestHeaderCache && this.betterHeader(entry, this.bestHeaderCache)) this.bestHeaderCache = entry;
  }

  /**
   * Blocks to download next: the entries without data on the way from the best
   * chain to `target` (the best header by default), oldest first, at most `limit`.
   */
  blocksToDownload(limit: number, target: ChainEntry = this.bestHeader): ChainEntry[] {
    const path: ChainEntry[] = [];
    for (let e: ChainEntry | null = target; e && !this.isMain(e); e = e.prev) {
      if (e.failed) return [];
      path.push(e);
    }
    const missing: ChainEntry[] = [];
    for (let i = path.length - 1; i >= 0 && missing.length < limit; i--) if (!path[i]!.haveData) missing.push(path[i]!);
    return missing;
  }

  isMain(entry: ChainEntry): boolean {
    return this.mainChain[entry.height] === entry;
  }

  getEntry(hash: string): ChainEntry | undefined {
    return this.entries.get(hash);
  }

  getEntryAtHeight(height: number): ChainEntry | undefined {
    return this.mainChain[height];
  }

  /** Every known entry (for getchaintips). */
  allEntries(): IterableIterator<ChainEntry> {
    return this.entries.values();
  }

  async getBlock(hash: string): Promise<Block | undefined> {
    const entry = this.entries.get(hash);
    if (!entry?.haveData) return undefined;
    return this.getBlockByEntry(entry);
  }

  /** Whether the whole block is stored. */
  hasBlock(hash: string): boolean {
    return this.entries.get(hash)?.haveData === true;
  }

  /**
   * A stored block's bytes as they were stored, neither decoded nor checked again (they
   * were checked on the way in), nor cached: for serving blocks to peers. Undefined when
   * the block is not stored.
   * @throws ChainError db-corrupt when the record is not the block, db-blocks-lost when it is gone
   */
  async getBlockBytes(hash: string): Promise<Uint8Array | undefined> {
    const entry = this.entries.get(hash);
    if (!entry?.haveData) return undefined;
    return readStoredBlockBytes(this.db, entry);
  }

  private async getBlockByEntry(entry: ChainEntry): Promise<Block> {
    const cached = this.blockCache.get(entry.hashHex);
    if (cached) return cached;
    const block = await readStoredBlock(this.db, entry, this.params);
    this.cacheBlock(block);
    return block;
  }

  private cacheBlock(block: Block): void {
    this.blockCache.delete(block.hash);
    this.blockCache.set(block.hash, block);
    if (this.blockCache.size > this.opts.blockCacheSize) this.blockCache.delete(this.blockCache.keys().next().value!);
  }

  /** A confirmed unspent output. */
  getCoin(prevout: OutPoint): Promise<Coin | undefined> {
    return this.db.getCoin(prevout);
  }

  /** The block and position of a confirmed transaction (display txid). */
  async findTransaction(txid: string): Promise<{ block: Block; entry: ChainEntry; position: number } | undefined> {
    const loc = await this.db.getTxLocation(hashFromHex(txid));
    if (!loc) return undefined;
    const entry = this.entries.get(hashToHex(loc.blockHash));
    if (!entry) return undefined;
    return { block: await this.getBlockByEntry(entry), entry, position: loc.position };
  }

  /**
   * The coin spent by every input of every non-coinbase transaction of a
   * stored block (see {@link resolveSpentCoins}). Undefined when that needs
   * undo data the block lacks: off the best chain, or not downloaded.
   * @throws ChainError db-corrupt when the undo record does not match the block
   */
  async spentCoins(entry: ChainEntry): Promise<BlockSpentCoins | undefined> {
    if (!entry.haveData) return undefined;
    const block = await this.getBlockByEntry(entry);
    // A block of only a coinbase spends nothing, on any branch.
    if (block.transactions.length === 1) return [[]];
    if (!this.isMain(entry)) return undefined;
    // A reorganization may disconnect the block, deleting its undo record, between the two reads.
    const undo = await this.db.getUndo(entry.hash).catch((err: unknown) => {
      if (this.isMain(entry)) throw err;
      return undefined;
    });
    return undo && resolveSpentCoins(block, entry.height, undo);
  }

  utxoDigest(): Promise<UtxoDigest> {
    return this.serialize(() => this.db.utxoDigest());
  }

  /** Bitcoin's block locator from the tip: dense near the tip, then exponentially sparser, ending at genesis. */
  locator(from: ChainEntry = this.tip): string[] {
    const out: string[] = [];
    let step = 1;
    for (let e: ChainEntry | null = from; e; ) {
      out.push(e.hashHex);
      if (e.height === 0) break;
      const next = Math.max(0, e.height - step);
      e = this.isMain(e) ? this.mainChain[next]! : e.ancestor(next);
      if (out.length >= 10) step *= 2;
    }
    return out;
  }
}
