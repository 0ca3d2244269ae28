/**
 * Orphan transactions: ones whose parents this node has not seen yet (Core's
 * TxOrphanage). Peers often announce a child before its parent arrives, so
 * children wait here briefly and are retried when a parent enters the pool.
 * Bounded in count, weight and age, since anyone can fill it for free.
 *
 * Each orphan remembers the peer that sent it. When the pool is full, the
 * victim is a random orphan of the peer holding the most (Core 29's orphanage
 * also evicts from the peer using the most), so a flooding peer evicts its
 * own orphans before anyone else's; a peer's orphans go when it disconnects
 * (Core's EraseForPeer).
 */
import type { Block } from '../primitives/block.js';
import { outpointKey, type Transaction } from '../primitives/tx.js';

interface Orphan {
  tx: Transaction;
  /** Seconds after which it is forgotten. */
  expires: number;
  parents: string[];
  /** Who sent it ({@link LOCAL_PEER} when no peer did). */
  peer: string;
}

/** The sender recorded for orphans added without a peer. */
export const LOCAL_PEER = '';

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
  /** Sending peer → wtxids of its orphans. */
  private readonly byPeer = new Map<string, Set<string>>();

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

  /** How many orphans `peer` sent that are still here. */
  countFrom(peer: string): number {
    return this.byPeer.get(peer)?.size ?? 0;
  }

  /**
   * Stores `tx`, sent by `peer`, waiting for `parents`, then trims the pool to its bound.
   * @returns false when it is too heavy to keep, or was evicted at once (it is not stored).
   */
  add(tx: Transaction, parents: string[], now: number, peer = LOCAL_PEER): boolean {
    if (tx.weight > this.opts.maxOrphanWeight) return false;
    if (this.orphans.has(tx.wtxid)) return true;
    this.orphans.set(tx.wtxid, { tx, expires: now + this.opts.orphanExpirySeconds, parents, peer });
    this.byTxid.set(tx.txid, tx.wtxid);
    for (const parent of parents) addTo(this.byParent, parent, tx.wtxid);
    addTo(this.byPeer, peer, tx.wtxid);
    this.limit(now, peer);
    return this.orphans.has(tx.wtxid);
  }

  /** Removes and returns the orphans waiting for `parentTxid`, with their senders, to be retried. */
  takeChildren(parentTxid: string): { tx: Transaction; peer: string }[] {
    const children: { tx: Transaction; peer: string }[] = [];
    for (const wtxid of [...(this.byParent.get(parentTxid) ?? [])]) {
      const { tx, peer } = this.orphans.get(wtxid)!;
      children.push({ tx, peer });
      this.remove(wtxid);
    }
    return children;
  }

  /** Forgets every orphan `peer` sent (it disconnected); returns how many. */
  removeForPeer(peer: string): number {
    const wtxids = [...(this.byPeer.get(peer) ?? [])];
    for (const wtxid of wtxids) this.remove(wtxid);
    return wtxids.length;
  }

  /** Forgets one orphan; false when it was not there. */
  remove(wtxid: string): boolean {
    const orphan = this.orphans.get(wtxid);
    if (!orphan) return false;
    this.orphans.delete(wtxid);
    this.byTxid.delete(orphan.tx.txid);
    for (const parent of orphan.parents) deleteFrom(this.byParent, parent, wtxid);
    deleteFrom(this.byPeer, orphan.peer, wtxid);
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
    // Nothing to drop, and nothing to index: a syncing node connects thousands of blocks with no orphans.
    if (this.orphans.size === 0) return;
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

  /**
   * Expired entries first, then, until within the count bound, a random orphan of
   * the peer holding the most; on a tie, of `adder`, whose orphan made the pool overflow.
   */
  private limit(now: number, adder: string): void {
    if (this.orphans.size <= this.opts.maxOrphans) return;
    this.expire(now);
    while (this.orphans.size > this.opts.maxOrphans) {
      const victims = [...this.biggestSender(adder)];
      this.remove(victims[Math.floor(this.random() * victims.length)]!);
    }
  }

  /** The orphans of the peer that sent the most, `adder`'s among those tied. */
  private biggestSender(adder: string): Set<string> {
    let most = this.byPeer.get(adder) ?? new Set<string>();
    for (const set of this.byPeer.values()) if (set.size > most.size) most = set;
    return most;
  }
}

function addTo(index: Map<string, Set<string>>, key: string, wtxid: string): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(wtxid);
}

function deleteFrom(index: Map<string, Set<string>>, key: string, wtxid: string): void {
  const set = index.get(key);
  set?.delete(wtxid);
  if (set?.size === 0) index.delete(key);
}
