/**
 * Orphan transactions: ones whose parents this node has not seen yet (Core's
 * TxOrphanage). Peers often announce a child before its parent arrives, so
 * children wait here briefly and are retried when a parent enters the pool.
 * Bounded in count, weight and age, since anyone can fill it for free.
 */
import type { Block } from '../primitives/block.js';
import { outpointKey, type Transaction } from '../primitives/tx.js';

interface Orphan {
  tx: Transaction;
  /** Seconds after which it is forgotten. */
  expires: number;
  parents: string[];
}

/** Bounds of the orphan pool (a subset of MempoolOptions). */
export interface OrphanPoolOptions {
  maxOrphans: number;
  maxOrphanWeight: number;
  orphanExpirySeconds: number;
}

/** Orphans keyed by wtxid, so a copy with a mangled witness cannot stand in for the real one. */
export class OrphanPool {
  private readonly orphans = new Map<string, Orphan>();
  private readonly byTxid = new Map<string, string>();
  /** Parent txid → wtxids of orphans waiting for it. */
  private readonly byParent = new Map<string, Set<string>>();

  /** `random` picks eviction victims: random, as in Core, so an attacker cannot aim at a given orphan. */
  constructor(
    private readonly opts: OrphanPoolOptions,
    private readonly random: () => number = Math.random,
  ) {}

  get size(): number {
    return this.orphans.size;
  }

  /** True for a txid or wtxid held here. */
  has(id: string): boolean {
    return this.orphans.has(id) || this.byTxid.has(id);
  }

  /**
   * Stores `tx` waiting for `parents`, then trims the pool to its bound.
   * @returns false when it is too heavy to keep (it is not stored).
   */
  add(tx: Transaction, parents: string[], now: number): boolean {
    if (tx.weight > this.opts.maxOrphanWeight) return false;
    if (this.orphans.has(tx.wtxid)) return true;
    this.orphans.set(tx.wtxid, { tx, expires: now + this.opts.orphanExpirySeconds, parents });
    this.byTxid.set(tx.txid, tx.wtxid);
    for (const parent of parents) {
      let set = this.byParent.get(parent);
      if (!set) this.byParent.set(parent, (set = new Set()));
      set.add(tx.wtxid);
    }
    this.limit(now);
    return this.orphans.has(tx.wtxid);
  }

  /** Removes and returns the orphans waiting for `parentTxid`, to be retried. */
  takeChildren(parentTxid: string): Transaction[] {
    const children: Transaction[] = [];
    for (const wtxid of [...(this.byParent.get(parentTxid) ?? [])]) {
      children.push(this.orphans.get(wtxid)!.tx);
      this.remove(wtxid);
    }
    return children;
  }

  /** Forgets one orphan; false when it was not there. */
  remove(wtxid: string): boolean {
    const orphan = this.orphans.get(wtxid);
    if (!orphan) return false;
    this.orphans.delete(wtxid);
    this.byTxid.delete(orphan.tx.txid);
    for (const parent of orphan.parents) {
      const set = this.byParent.get(parent);
      set?.delete(wtxid);
      if (set?.size === 0) this.byParent.delete(parent);
    }
    return true;
  }

  /** Drops orphans past their expiry; returns how many. */
  expire(now: number): number {
    let n = 0;
    for (const [wtxid, orphan] of this.orphans) {
      if (orphan.expires <= now && this.remove(wtxid)) n++;
    }
    return n;
  }

  /** Drops orphans a block made pointless: those it contains and those double-spending its inputs (Core's EraseForBlock). */
  removeForBlock(block: Block): void {
    const spent = new Set<string>();
    for (const tx of block.transactions) for (const input of tx.inputs) spent.add(outpointKey(input.prevout));
    const mined = new Set(block.transactions.map((tx) => tx.txid));
    for (const [wtxid, orphan] of this.orphans) {
      if (mined.has(orphan.tx.txid) || orphan.tx.inputs.some((i) => spent.has(outpointKey(i.prevout)))) this.remove(wtxid);
    }
  }

  /** Txids of the parents of every orphan (for p2p to request them). */
  missingParents(): string[] {
    return [...this.byParent.keys()];
  }

  /** Expired entries first, then random ones, until within the count bound. */
  private limit(now: number): void {
    if (this.orphans.size <= this.opts.maxOrphans) return;
    this.expire(now);
    while (this.orphans.size > this.opts.maxOrphans) {
      const keys = [...this.orphans.keys()];
      this.remove(keys[Math.floor(this.random() * keys.length)]!);
    }
  }
}
