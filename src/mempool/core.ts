/**
 * The pool's state and the unlocked operations on it: admit, evict, expire.
 * {@link Mempool} wraps these in its serial queue; nothing here may be called
 * except from inside that queue, since validation awaits the UTXO set.
 */
import { getVerifier } from '../primitives/signature.js';
import type { Transaction } from '../primitives/tx.js';
import { isTallyError } from '../primitives/errors.js';
import { missingInputsError, validateTransaction, type AcceptContext, type ValidTx } from './accept.js';
import { feeRate, type PoolEntry } from './entry.js';
import { policyError } from './errors.js';
import { RollingMinFee, trimToSize } from './eviction.js';
import { FeeEstimator } from './fee-estimator.js';
import { TxGraph } from './graph.js';
import { silentLogger } from '../util/logger.js';
import { systemClock } from '../util/clock.js';
import type { AcceptResult, MempoolChain, MempoolEntry, MempoolEvents, MempoolLogger, MempoolModules, RemovalReason } from './interface.js';
import type { MempoolOptions } from './options.js';
import { OrphanPool } from './orphans.js';


/** How one transaction is admitted. */
export interface AdmitOptions {
  allowOrphan: boolean;
  /** Reorg path: skip fee floors and the per-transaction size trim (Core's bypass_limits). */
  bypassLimits: boolean;
  /** Entry time in seconds. */
  time: number;
  /** The peer that sent it, which an orphan is charged to (orphans.ts). */
  peer?: string;
}

/** Delivers an event to the Mempool's listeners. */
export type Emit = <K extends keyof MempoolEvents>(event: K, ...args: MempoolEvents[K]) => void;

/** Pool state (graph, orphans, deltas, rolling fee, estimator) and the operations the Mempool queues. */
export class PoolCore {
  readonly graph = new TxGraph();
  readonly orphans: OrphanPool;
  readonly deltas = new Map<string, bigint>();
  readonly rollingMin: RollingMinFee;
  readonly feeEstimator: FeeEstimator;
  readonly chain: MempoolChain;
  readonly logger: MempoolLogger;
  readonly ctx: AcceptContext;
  loaded = false;
  private readonly clock: () => number;
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(
    readonly opts: MempoolOptions,
    modules: MempoolModules,
    private readonly emit: Emit,
  ) {
    this.chain = modules.chain;
    this.logger = modules.logger ?? silentLogger;
    this.clock = modules.clock ?? systemClock;
    this.feeEstimator = modules.feeEstimator ?? new FeeEstimator();
    this.orphans = new OrphanPool(opts);
    this.rollingMin = new RollingMinFee(opts.incrementalRelayFeeRate);
    this.ctx = {
      graph: this.graph,
      chain: this.chain,
      opts,
      verifier: modules.verifier ?? getVerifier(),
      feeDelta: (txid) => this.deltas.get(txid) ?? 0n,
      rollingMinFeeRate: () => this.rollingMinFeeRate(),
    };
  }

  /** Current time in whole seconds from the injected clock. */
  now(): number {
    return Math.floor(this.clock());
  }

  rollingMinFeeRate(): number {
    return this.rollingMin.get(this.now(), this.graph.usage, this.opts.maxMempoolBytes);
  }

  /** Validates and commits one transaction, without retrying its orphans. */
  async admit(tx: Transaction, o: AdmitOptions): Promise<AcceptResult> {
    const v = await validateTransaction(this.ctx, tx, o);
    if (v.kind === 'missing') {
      if (o.allowOrphan && this.orphans.add(tx, v.missingParents, this.now(), o.peer)) {
        return { status: 'orphan', txid: tx.txid, missingParents: v.missingParents };
      }
      throw missingInputsError(tx);
    }
    const replaced = this.commit(v, o);
    return { status: 'accepted', entry: v.entry, replaced, resolvedOrphans: [] };
  }

  /** Evicts the conflicts, inserts, then enforces the size cap (Core's Finalize). */
  private commit(v: ValidTx, o: AdmitOptions): MempoolEntry[] {
    const replaced = this.removeEntries(v.evicted, 'replaced');
    this.graph.add(v.entry);
    if (!o.bypassLimits) {
      this.trim(v.entry.txid);
      if (!this.graph.get(v.entry.txid)) throw policyError('mempool full', `${v.entry.txid} would be evicted at once`);
    }
    // Core's estimator skips transactions with pool parents: how fast they confirm depends on their ancestors too.
    if (!o.bypassLimits && v.entry.parents.size === 0) {
      this.feeEstimator.trackTransaction(v.entry.txid, feeRate(v.entry.fee, v.entry.vsize), v.entry.height);
    }
    this.notify('added', v.entry);
    return replaced;
  }

  /** Retries orphans that waited for `parentTxid` and, for each that gets in, its own orphans. */
  async retryOrphans(parentTxid: string): Promise<string[]> {
    const resolved: string[] = [];
    const parents = [parentTxid];
    while (parents.length > 0) {
      for (const { tx: child, peer } of this.orphans.takeChildren(parents.shift()!)) {
        try {
          const r = await this.admit(child, { allowOrphan: true, bypassLimits: false, time: this.now(), peer });
          if (r.status !== 'accepted') continue;
          resolved.push(r.entry.txid);
          parents.push(r.entry.txid);
        } catch (err) {
          this.logger.debug(`orphan ${child.txid} dropped: ${describeError(err)}`);
        }
      }
    }
    return resolved;
  }

  /** Size cap: evicts the cheapest packages and raises the rolling minimum; `pending` is a txid not announced yet. */
  trim(pending?: string): void {
    const bump = (rate: number): void => this.rollingMin.bump(rate);
    const removed = trimToSize(this.graph, this.opts.maxMempoolBytes, this.opts.incrementalRelayFeeRate, bump);
    for (const e of removed) {
      this.feeEstimator.removeTransaction(e.txid, this.chain.tipHeight());
      if (e.txid !== pending) this.notify('removed', e, 'sizelimit');
    }
  }

  /** Removes `txids` with all their descendants. */
  removeWithDescendants(txids: Iterable<string>, reason: RemovalReason): PoolEntry[] {
    return this.removeEntries(this.graph.withDescendants(txids), reason);
  }

  /** Removes exactly `txids`, telling the estimator and listeners. */
  removeEntries(txids: Iterable<string>, reason: RemovalReason): PoolEntry[] {
    const removed = this.graph.remove(txids);
    // Expired or evicted after waiting is evidence its rate was too low; Core counts these as failures.
    const failedAt = reason === 'expiry' || reason === 'sizelimit' ? this.chain.tipHeight() : undefined;
    for (const e of removed) {
      if (reason !== 'block') this.feeEstimator.removeTransaction(e.txid, failedAt);
      this.notify('removed', e, reason);
    }
    return removed;
  }

  /** Drops entries older than the expiry, with descendants, and stale orphans; at most once per second. */
  expire(): void {
    const now = this.now();
    // Skip if swept this second; a clock that stepped back sweeps again rather than waiting to catch up.
    if (now >= this.lastSweep && now - this.lastSweep < 1) return;
    this.lastSweep = now;
    const cutoff = now - this.opts.expiryHours * 3600;
    // A scan of the whole pool, at most once a second; a time-ordered index would make it proportional to what expires.
    const old = [...this.graph.entries.values()].filter((e) => e.time < cutoff).map((e) => e.txid);
    if (old.length > 0) this.removeWithDescendants(old, 'expiry');
    this.orphans.expire(now);
  }

  /** Emits without letting a listener's exception tear a half-finished update. */
  notify<K extends keyof MempoolEvents>(event: K, ...args: MempoolEvents[K]): void {
    try {
      this.emit(event, ...args);
    } catch (err) {
      this.logger.warn(`mempool '${event}' listener threw: ${describeError(err)}`);
    }
  }
}

/** An error as `code: message`, for logs. */
export function describeError(err: unknown): string {
  if (isTallyError(err)) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}
