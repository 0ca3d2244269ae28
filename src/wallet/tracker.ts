/**
 * How chain and mempool events change the wallet's transactions, after Core's
 * CWallet::blockConnected / blockDisconnected / transactionAddedToMempool /
 * transactionRemovedFromMempool and MarkConflicted / AbandonTransaction.
 * Every step records what it changed, so the caller writes one batch.
 */
import type { Block } from '../primitives/block.js';
import type { Transaction } from '../primitives/tx.js';
import { hashToHex } from '../primitives/bytes.js';
import type { WalletBlockEntry, WalletRemovalReason } from './interface.js';
import type { KeyRing } from './keyring.js';
import { prevoutId, type Ledger } from './ledger.js';
import type { DescriptorRecord, TxState } from './records.js';
import { walletError } from './errors.js';

/** What one event changed: transactions and descriptors to write. */
export class Changes {
  readonly txs = new Set<string>();
  readonly descriptors = new Map<string, DescriptorRecord>();
  get empty(): boolean {
    return this.txs.size === 0 && this.descriptors.size === 0;
  }
}

export class Tracker {
  constructor(
    private readonly ledger: Ledger,
    private readonly keys: KeyRing,
    private readonly clock: () => number,
  ) {}

  /** Pays us, spends one of our outputs, or is already ours. */
  isRelevant(tx: Transaction): boolean {
    if (this.ledger.has(tx.txid)) return true;
    if (tx.outputs.some((o) => this.keys.isMine(o.scriptPubKey))) return true;
    if (tx.isCoinbase()) return false;
    return tx.inputs.some((i) => {
      const parent = this.ledger.get(hashToHex(i.prevout.txid));
      const out = parent?.tx.outputs[i.prevout.vout];
      return out !== undefined && this.keys.isMine(out.scriptPubKey);
    });
  }

  private record(tx: Transaction, state: TxState, changes: Changes): void {
    this.ledger.upsert(tx, state, this.clock());
    changes.txs.add(tx.txid);
    for (const out of tx.outputs) {
      const updated = this.keys.markUsed(out.scriptPubKey);
      if (updated) changes.descriptors.set(updated.id, updated);
    }
  }

  /** A block joined the best chain: its relevant transactions confirm, and what they double-spend becomes conflicted. */
  connectBlock(block: Block, entry: WalletBlockEntry, changes: Changes): void {
    block.transactions.forEach((tx, position) => {
      this.markConflicts(tx, entry, changes);
      if (!this.isRelevant(tx)) return;
      this.record(tx, { kind: 'confirmed', hash: entry.hashHex, height: entry.height, position, time: entry.header.time }, changes);
    });
  }

  /** Core's MarkConflicted: every other wallet spender of the block transaction's inputs, with its descendants. */
  private markConflicts(tx: Transaction, entry: WalletBlockEntry, changes: Changes): void {
    for (const rival of this.ledger.conflictsOf(tx)) {
      for (const wtx of this.ledger.withDescendants(rival.txid)) {
        if (wtx.record.state.kind === 'confirmed') continue;
        wtx.record = { ...wtx.record, state: { kind: 'conflicted', hash: entry.hashHex, height: entry.height } };
        changes.txs.add(wtx.txid);
      }
    }
  }

  /**
   * A block left the best chain: its transactions are unconfirmed again (the
   * node returns them to the mempool, which tells us next), and what it
   * conflicted is no longer conflicted.
   */
  disconnectBlock(_block: Block, entry: WalletBlockEntry, changes: Changes): void {
    for (const wtx of this.ledger.all()) {
      const s = wtx.record.state;
      if ((s.kind === 'confirmed' || s.kind === 'conflicted') && s.hash === entry.hashHex) {
        wtx.record = { ...wtx.record, state: { kind: 'inactive' } };
        changes.txs.add(wtx.txid);
      }
    }
  }

  /** A transaction entered the mempool. */
  addMempool(tx: Transaction, changes: Changes): void {
    const known = this.ledger.get(tx.txid);
    if (known?.record.state.kind === 'confirmed') return;
    if (!this.isRelevant(tx)) return;
    this.record(tx, { kind: 'mempool' }, changes);
  }

  /** A transaction left the mempool for a reason other than a block: it is inactive (unconfirmed, not in the pool). */
  removeMempool(txid: string, reason: WalletRemovalReason, changes: Changes): void {
    if (reason === 'block') return;
    const wtx = this.ledger.get(txid);
    if (!wtx || wtx.record.state.kind !== 'mempool') return;
    wtx.record = { ...wtx.record, state: { kind: 'inactive' } };
    changes.txs.add(txid);
  }

  /**
   * Core's AbandonTransaction: an unconfirmed transaction outside the mempool
   * (and its descendants) stops spending its inputs.
   * @throws WalletError `tx-not-found`, `not-eligible`
   */
  abandon(txid: string, tipHeight: number, changes: Changes): void {
    const wtx = this.ledger.get(txid);
    if (!wtx) throw walletError('tx-not-found', 'Invalid or non-wallet transaction id');
    if (this.ledger.depth(wtx, tipHeight) !== 0 || wtx.record.state.kind === 'mempool' || wtx.record.abandoned) {
      throw walletError('not-eligible', 'Transaction not eligible for abandonment');
    }
    for (const d of this.ledger.withDescendants(txid)) {
      if (this.ledger.depth(d, tipHeight) !== 0 || d.record.state.kind === 'mempool') continue;
      d.record = { ...d.record, abandoned: true };
      changes.txs.add(d.txid);
    }
  }

  /** Outpoints of `tx`'s inputs, for conflict checks by callers. */
  static inputIds(tx: Transaction): string[] {
    return tx.isCoinbase() ? [] : tx.inputs.map((i) => prevoutId(i.prevout));
  }
}
