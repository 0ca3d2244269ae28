/**
 * The memory pool: unconfirmed transactions this node has validated and will
 * relay and mine (Bitcoin Core's CTxMemPool with MemPoolAccept, bcoin's
 * Mempool). A service in the `(opts, modules)` style: options are plain
 * data; the chain, verifier, logger and clock are injected.
 *
 * Every mutation runs through one serial queue, so validation, which awaits
 * the UTXO set, always sees the pool exactly as it will commit into it.
 * Queries are synchronous and read the pool as it stands between mutations.
 */
import { EventEmitter } from 'node:events';
import type { Block } from '../primitives/block.js';
import type { Transaction } from '../primitives/tx.js';
import { prioritise, reinsert, removeForBlock } from './block-updates.js';
import { blockCandidates } from './candidates.js';
import { PoolCore } from './core.js';
import type { FeeEstimator } from './fee-estimator.js';
import type {
  AcceptOptions, AcceptResult, BlockCandidate, FeeEstimate, MempoolChain, MempoolEntry, MempoolEvents, MempoolInfo, MempoolModules,
} from './interface.js';
import { resolveMempoolOptions, type MempoolOptions } from './options.js';
import { loadMempool, saveMempool, type LoadResult } from './persist.js';
import { SerialQueue } from './serial.js';
import { testAccept, type TestAcceptResult } from './test-accept.js';

/**
 * The mempool service. Emits `added` (entry) and `removed` (entry, reason).
 *
 * @example
 * const mempool = new Mempool({ maxMempoolBytes: 50_000_000 }, { chain, logger });
 * await mempool.start();
 * const result = await mempool.acceptTransaction(tx, { allowOrphan: true });
 */
export class Mempool extends EventEmitter<MempoolEvents> {
  readonly opts: MempoolOptions;
  private readonly core: PoolCore;
  private readonly queue = new SerialQueue();
  private timer: ReturnType<typeof setInterval> | undefined;
  private seq = 1;

  /** @param opts overrides of {@link defaultMempoolOptions}. */
  constructor(opts: Partial<MempoolOptions>, modules: MempoolModules) {
    super();
    this.opts = resolveMempoolOptions(opts);
    // EventEmitter's typed emit cannot follow a generic key through a spread, hence the widened call.
    const emit = this.emit.bind(this) as (event: keyof MempoolEvents, ...args: unknown[]) => boolean;
    this.core = new PoolCore(this.opts, modules, (event, ...args) => {
      this.seq++;
      emit(event, ...args);
    });
  }

  get chain(): MempoolChain {
    return this.core.chain;
  }

  /** The estimator behind {@link estimateSmartFee}, fed by this pool's blocks. */
  get feeEstimator(): FeeEstimator {
    return this.core.feeEstimator;
  }

  /** Starts the periodic expiry sweep (adds sweep too; the timer only matters for an idle pool). */
  async start(): Promise<void> {
    if (this.timer || this.opts.sweepIntervalSeconds <= 0) return;
    this.timer = setInterval(() => {
      this.sweep().catch((err: unknown) => this.core.logger.warn(`mempool sweep failed: ${String(err)}`));
    }, this.opts.sweepIntervalSeconds * 1000);
    // The sweep must never be what keeps a process alive.
    this.timer.unref();
  }

  /** Stops the sweep and waits for queued work to finish. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.queue.run(async () => undefined);
  }

  /**
   * Validates `tx` and adds it, evicting what it replaces and, when the pool is
   * over its cap, the cheapest packages. Orphans waiting for it are retried.
   * @returns `accepted`; or `orphan` when `allowOrphan` is set and a parent is
   *   missing (the transaction waits in the orphan pool).
   * @throws RuleError for consensus failures (codes unchanged) and MempoolError for
   *   policy (errors.ts). Missing inputs without `allowOrphan` (or an orphan too heavy
   *   to keep) throw `bad-txns-inputs-missingorspent`.
   */
  acceptTransaction(tx: Transaction, opts: AcceptOptions = {}): Promise<AcceptResult> {
    return this.queue.run(async () => {
      this.core.expire();
      const result = await this.core.admit(tx, { allowOrphan: opts.allowOrphan ?? false, bypassLimits: false, time: this.core.now(), peer: opts.peer });
      if (result.status === 'accepted') result.resolvedOrphans = await this.core.retryOrphans(result.entry.txid);
      return result;
    });
  }

  /**
   * Dry run (testmempoolaccept): every check of {@link acceptTransaction} on `txs`,
   * in order, as a package when there are several (later ones may spend earlier
   * ones), leaving the pool, the orphans and the listeners untouched. Nothing is
   * queued as an orphan: missing inputs are `bad-txns-inputs-missingorspent`.
   * @returns one result per transaction; after the first `invalid`, the rest are `unchecked`.
   * @throws MempoolError `package-*` / `conflict-in-package` for a malformed package (test-accept.ts)
   */
  testAccept(txs: readonly Transaction[]): Promise<TestAcceptResult[]> {
    return this.queue.run(() => testAccept(this.core.ctx, txs, this.core.now()));
  }

  /** A block connected at `height` (the tip by default): drops what it confirmed and what conflicts with it. */
  removeForBlock(block: Block, height = this.core.chain.tipHeight()): Promise<void> {
    return this.queue.run(() => removeForBlock(this.core, block, height));
  }

  /** A block was disconnected (call after each, tip first): its transactions return where still valid. */
  addDisconnectedBlockTxs(block: Block): Promise<void> {
    return this.reinsert(block.transactions);
  }

  /**
   * Re-adds transactions of disconnected blocks, parents first, coinbases skipped;
   * a failure is dropped with its pool descendants and logged at debug. Then drops
   * entries the shorter chain invalidates (immature coinbase spends, locktimes).
   */
  reinsert(txs: readonly Transaction[]): Promise<void> {
    return this.queue.run(() => reinsert(this.core, txs));
  }

  /** Expires old entries and orphans now (the timer and every add do it too). */
  sweep(): Promise<void> {
    return this.queue.run(async () => this.core.expire());
  }

  /** Adds `delta` satoshis to the fee `txid` is ranked by (prioritisetransaction); it need not be in the pool yet. */
  prioritiseTransaction(txid: string, delta: bigint): Promise<void> {
    return this.queue.run(async () => prioritise(this.core, txid, delta));
  }

  /** Fee delta set for `txid` (0n when none). */
  feeDelta(txid: string): bigint {
    return this.core.deltas.get(txid) ?? 0n;
  }

  /** Writes the pool to `path` atomically (format in persist.ts). */
  save(path: string): Promise<void> {
    return this.queue.run(() => saveMempool(this.core, path));
  }

  /** Loads a saved pool, re-validating each transaction; a missing or corrupt file is logged, never thrown. */
  load(path: string): Promise<LoadResult> {
    return this.queue.run(() => loadMempool(this.core, path));
  }

  has(txid: string): boolean {
    return this.core.graph.get(txid) !== undefined;
  }

  hasWtxid(wtxid: string): boolean {
    return this.core.graph.hasWtxid(wtxid);
  }

  /** Forgets the orphans `peer` sent, as when it disconnects (Core's EraseForPeer); resolves to how many. */
  removeOrphansFrom(peer: string): Promise<number> {
    return this.queue.run(async () => this.core.orphans.removeForPeer(peer));
  }

  /** True when a txid or wtxid waits in the orphan pool. */
  hasOrphan(id: string): boolean {
    return this.core.orphans.has(id);
  }

  get(txid: string): MempoolEntry | undefined {
    return this.core.graph.get(txid);
  }

  /** In-pool ancestors of `txid`, parents before children. */
  getAncestors(txid: string): MempoolEntry[] {
    return this.entriesOf(this.core.graph.ancestors(txid));
  }

  /** In-pool descendants of `txid`, parents before children. */
  getDescendants(txid: string): MempoolEntry[] {
    return this.entriesOf(this.core.graph.descendants(txid));
  }

  txids(): string[] {
    return [...this.core.graph.entries.keys()];
  }

  /** Every entry, parents before children. */
  entries(): MempoolEntry[] {
    return this.entriesOf(this.core.graph.entries.keys());
  }

  get size(): number {
    return this.core.graph.size;
  }

  /** Counts additions and removals, starting at 1 (Core's mempool sequence number, for getrawmempool). */
  get sequence(): number {
    return this.seq;
  }

  /** The fee rate needed to enter now, sat/vB: the relay minimum, or the rolling one after evictions. */
  minFeeRate(): number {
    return Math.max(this.core.rollingMinFeeRate(), this.opts.minRelayFeeRate);
  }

  /** `getmempoolinfo`. */
  info(): MempoolInfo {
    const g = this.core.graph;
    return {
      loaded: this.core.loaded,
      size: g.size,
      bytes: g.vbytes,
      usage: g.usage,
      totalFee: g.totalFee,
      maxmempool: this.opts.maxMempoolBytes,
      mempoolminfee: this.minFeeRate(),
      minrelaytxfee: this.opts.minRelayFeeRate,
      incrementalrelayfee: this.opts.incrementalRelayFeeRate,
      fullrbf: this.opts.replaceByFee,
      orphans: this.core.orphans.size,
    };
  }

  /** Transactions for a block template: parents first, otherwise best ancestor fee rate first. */
  getCandidates(): BlockCandidate[] {
    return blockCandidates(this.core.graph);
  }

  /** `estimatesmartfee`, never below what the pool itself requires now. */
  estimateSmartFee(targetBlocks: number): FeeEstimate {
    const estimate = this.core.feeEstimator.estimateSmartFee(targetBlocks);
    if (estimate.feerate === undefined) return estimate;
    return { ...estimate, feerate: Math.max(estimate.feerate, this.minFeeRate()) };
  }

  /** Entries sorted parents first: an ancestor always has fewer ancestors than its descendants. */
  private entriesOf(txids: Iterable<string>): MempoolEntry[] {
    const list: MempoolEntry[] = [...txids].map((t) => this.core.graph.get(t)!);
    return list.sort((a, b) => a.ancestorCount - b.ancestorCount || a.time - b.time);
  }
}
