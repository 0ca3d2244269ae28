/**
 * The wallet's transactions in memory (Core's mapWallet): each with its state,
 * and an index from every outpoint to the wallet transactions that spend it, so
 * that "spent", "conflicting" and "descendants" are lookups.
 */
import { hashToHex } from '../primitives/bytes.js';
import { Transaction, type OutPoint } from '../primitives/tx.js';
import type { TxRecord, TxState } from './records.js';

/** A wallet transaction: the decoded transaction and its stored record. */
export interface WalletTx {
  readonly tx: Transaction;
  readonly txid: string;
  record: TxRecord;
}

/** `txid:vout` with the display txid. */
export function outpointId(txid: string, vout: number): string {
  return `${txid}:${vout}`;
}

export function prevoutId(prevout: OutPoint): string {
  return outpointId(hashToHex(prevout.txid), prevout.vout);
}

export class Ledger {
  private readonly txs = new Map<string, WalletTx>();
  private readonly spenders = new Map<string, Set<string>>();
  private nextOrder = 0;

  /** Loads stored records (at wallet load). */
  load(records: readonly TxRecord[]): void {
    for (const record of records) {
      const tx = Transaction.fromHex(record.hex);
      this.index({ tx, txid: tx.txid, record });
    }
  }

  private index(wtx: WalletTx): void {
    this.txs.set(wtx.txid, wtx);
    this.nextOrder = Math.max(this.nextOrder, wtx.record.orderPos + 1);
    if (wtx.tx.isCoinbase()) return;
    for (const input of wtx.tx.inputs) {
      const id = prevoutId(input.prevout);
      let set = this.spenders.get(id);
      if (!set) this.spenders.set(id, (set = new Set()));
      set.add(wtx.txid);
    }
  }

  get(txid: string): WalletTx | undefined {
    return this.txs.get(txid);
  }

  has(txid: string): boolean {
    return this.txs.has(txid);
  }

  all(): WalletTx[] {
    return [...this.txs.values()];
  }

  /** Adds a transaction seen for the first time, or updates the state of a known one. */
  upsert(tx: Transaction, state: TxState, now: number): WalletTx {
    const known = this.txs.get(tx.txid);
    if (known) {
      // Seen in a block or the mempool again: no longer abandoned (Core clears the flag likewise).
      known.record = { ...known.record, state, abandoned: false };
      return known;
    }
    const wtx: WalletTx = { tx, txid: tx.txid, record: { hex: tx.toHex(), state, abandoned: false, timeReceived: now, orderPos: this.nextOrder } };
    this.index(wtx);
    return wtx;
  }

  /** Wallet transactions spending `prevout`. */
  spendersOf(id: string): WalletTx[] {
    return [...(this.spenders.get(id) ?? [])].map((txid) => this.txs.get(txid)!);
  }

  /** Wallet transactions other than `tx` that spend one of its inputs. */
  conflictsOf(tx: Transaction): WalletTx[] {
    if (tx.isCoinbase()) return [];
    const out = new Map<string, WalletTx>();
    for (const input of tx.inputs) for (const w of this.spendersOf(prevoutId(input.prevout))) if (w.txid !== tx.txid) out.set(w.txid, w);
    return [...out.values()];
  }

  /** `txid` and every wallet transaction that descends from it, parents first. */
  withDescendants(txid: string): WalletTx[] {
    const seen = new Set<string>();
    const order: WalletTx[] = [];
    const visit = (id: string): void => {
      const wtx = this.txs.get(id);
      if (!wtx || seen.has(id)) return;
      seen.add(id);
      order.push(wtx);
      for (let vout = 0; vout < wtx.tx.outputs.length; vout++) for (const child of this.spendersOf(outpointId(id, vout))) visit(child.txid);
    };
    visit(txid);
    return order;
  }

  /** Core's GetTxDepthInMainChain: confirmations, negative for conflicted, 0 otherwise. */
  depth(wtx: WalletTx, tipHeight: number): number {
    const s = wtx.record.state;
    if (s.kind === 'confirmed') return tipHeight - s.height + 1;
    if (s.kind === 'conflicted') return -(tipHeight - s.height + 1);
    return 0;
  }

  /** Core's IsSpent: a spender that is confirmed, or unconfirmed and not abandoned, spends it. */
  isSpent(txid: string, vout: number, tipHeight: number): boolean {
    return this.spendersOf(outpointId(txid, vout)).some((s) => {
      const d = this.depth(s, tipHeight);
      return d > 0 || (d === 0 && !s.record.abandoned);
    });
  }
}
