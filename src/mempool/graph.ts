/**
 * The pool's storage: entries by txid, the outpoints they spend, and the
 * parent/child links between them, with each entry's ancestor and descendant
 * statistics kept current. Pure and synchronous; policy lives elsewhere.
 */
import { hashToHex } from '../primitives/bytes.js';
import { outpointKey, type OutPoint } from '../primitives/tx.js';
import type { PoolEntry } from './entry.js';

/** Entries with their links and package statistics, plus running totals for getmempoolinfo. */
export class TxGraph {
  readonly entries = new Map<string, PoolEntry>();
  private readonly byWtxid = new Map<string, string>();
  /** Outpoint key → txid of the pool transaction spending it. */
  private readonly spenders = new Map<string, string>();
  usage = 0;
  vbytes = 0;
  totalFee = 0n;

  get size(): number {
    return this.entries.size;
  }

  get(txid: string): PoolEntry | undefined {
    return this.entries.get(txid);
  }

  hasWtxid(wtxid: string): boolean {
    return this.byWtxid.has(wtxid);
  }

  /** An independent copy, entries included, for staging a package without touching the pool. */
  clone(): TxGraph {
    const copy = new TxGraph();
    for (const [txid, e] of this.entries) copy.entries.set(txid, { ...e, parents: new Set(e.parents), children: new Set(e.children) });
    for (const [wtxid, txid] of this.byWtxid) copy.byWtxid.set(wtxid, txid);
    for (const [key, txid] of this.spenders) copy.spenders.set(key, txid);
    copy.usage = this.usage;
    copy.vbytes = this.vbytes;
    copy.totalFee = this.totalFee;
    return copy;
  }

  /** Txid of the pool transaction spending `prevout`, if any. */
  spenderOf(prevout: OutPoint): string | undefined {
    return this.spenders.get(outpointKey(prevout));
  }

  /** Inserts `entry`, linking it to pool parents and to pool children already spending its outputs (a reorg re-adds parents). */
  add(entry: PoolEntry): void {
    const tx = entry.tx;
    this.entries.set(entry.txid, entry);
    this.byWtxid.set(entry.wtxid, entry.txid);
    for (const input of tx.inputs) {
      this.spenders.set(outpointKey(input.prevout), entry.txid);
      const parent = this.entries.get(hashToHex(input.prevout.txid));
      if (parent) {
        entry.parents.add(parent.txid);
        parent.children.add(entry.txid);
      }
    }
    for (let vout = 0; vout < tx.outputs.length; vout++) {
      const child = this.spenders.get(outpointKey({ txid: tx.txidBytes, vout }));
      if (child === undefined) continue;
      entry.children.add(child);
      this.entries.get(child)!.parents.add(entry.txid);
    }
    this.usage += entry.usage;
    this.vbytes += entry.vsize;
    this.totalFee += entry.fee;
    this.refresh([entry.txid, ...this.ancestors(entry.txid), ...this.descendants(entry.txid)]);
  }

  /**
   * Removes every txid in `txids` (which must be in the pool). The set need not
   * be closed under descendants: a confirmed transaction leaves while its
   * children stay, now spending a confirmed output.
   */
  remove(txids: Iterable<string>): PoolEntry[] {
    const gone = new Set(txids);
    const affected = new Set<string>();
    for (const txid of gone) {
      for (const a of this.ancestors(txid)) affected.add(a);
      for (const d of this.descendants(txid)) affected.add(d);
    }
    const removed: PoolEntry[] = [];
    for (const txid of gone) {
      const entry = this.entries.get(txid)!;
      for (const p of entry.parents) this.entries.get(p)?.children.delete(txid);
      for (const c of entry.children) this.entries.get(c)?.parents.delete(txid);
      for (const input of entry.tx.inputs) this.spenders.delete(outpointKey(input.prevout));
      this.entries.delete(txid);
      this.byWtxid.delete(entry.wtxid);
      this.usage -= entry.usage;
      this.vbytes -= entry.vsize;
      this.totalFee -= entry.fee;
      removed.push(entry);
    }
    this.refresh([...affected].filter((t) => !gone.has(t)));
    return removed;
  }

  /** Changes an entry's modified fee (prioritisetransaction) and the package totals that include it. */
  setModifiedFee(txid: string, modifiedFee: bigint): void {
    const entry = this.entries.get(txid);
    if (!entry) return;
    entry.modifiedFee = modifiedFee;
    this.refresh([txid, ...this.ancestors(txid), ...this.descendants(txid)]);
  }

  /** In-pool ancestors of a pool entry, or of a would-be entry with the given `parents`; excludes itself. */
  ancestors(txidOrParents: string | Iterable<string>): Set<string> {
    const start = typeof txidOrParents === 'string' ? (this.entries.get(txidOrParents)?.parents ?? []) : txidOrParents;
    return this.walk(start, (e) => e.parents);
  }

  /** In-pool descendants of an entry, excluding itself. */
  descendants(txid: string): Set<string> {
    return this.walk(this.entries.get(txid)?.children ?? [], (e) => e.children);
  }

  /** `txids` together with all their descendants. */
  withDescendants(txids: Iterable<string>): Set<string> {
    const out = new Set<string>();
    for (const txid of txids) {
      if (!this.entries.has(txid)) continue;
      out.add(txid);
      for (const d of this.descendants(txid)) out.add(d);
    }
    return out;
  }

  private walk(start: Iterable<string>, next: (e: PoolEntry) => Iterable<string>): Set<string> {
    const seen = new Set<string>();
    const stack = [...start];
    while (stack.length > 0) {
      const txid = stack.pop()!;
      if (seen.has(txid)) continue;
      const entry = this.entries.get(txid);
      if (!entry) continue;
      seen.add(txid);
      stack.push(...next(entry));
    }
    return seen;
  }

  /**
   * Recomputes package statistics from scratch for `txids`. Walking the graph
   * is cheap while packages stay within 25 transactions, and it is simpler to
   * trust than Core's incremental updates, especially when a reorg inserts a
   * parent under existing children.
   */
  private refresh(txids: Iterable<string>): void {
    for (const txid of new Set(txids)) {
      const entry = this.entries.get(txid);
      if (!entry) continue;
      const up = this.sum(this.ancestors(txid));
      entry.ancestorCount = up.count + 1;
      entry.ancestorSize = up.size + entry.vsize;
      entry.ancestorFees = up.fees + entry.modifiedFee;
      const down = this.sum(this.descendants(txid));
      entry.descendantCount = down.count + 1;
      entry.descendantSize = down.size + entry.vsize;
      entry.descendantFees = down.fees + entry.modifiedFee;
    }
  }

  private sum(txids: Set<string>): { count: number; size: number; fees: bigint } {
    let size = 0;
    let fees = 0n;
    for (const txid of txids) {
      const e = this.entries.get(txid)!;
      size += e.vsize;
      fees += e.modifiedFee;
    }
    return { count: txids.size, size, fees };
  }
}
