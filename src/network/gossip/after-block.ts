/**
 * Gossiped transactions that may be valid at a later tip: a coinbase spend
 * that matures, or a locktime that passes, at the next block. Their sender is
 * ahead of us (the transaction overtook a block on its way), so they are
 * ignored without blame (penalty.ts) and tried again once our tip moves,
 * rather than lost: gossipsub delivers a message it has seen only once.
 */
import type { Transaction } from '../../primitives/tx.js';

export interface AfterBlockOptions {
  /** Transactions held at most; the oldest goes first. */
  max: number;
  /** Tip changes a transaction is tried at before it is dropped (a sender a few blocks ahead). */
  blocks: number;
}

export interface Waiting {
  tx: Transaction;
  /** The gossip message that carried it, and its sender. */
  msgId: string;
  from: string;
  /** Tries left after this one. */
  triesLeft: number;
}

export class AfterBlock {
  /** By wtxid, oldest first. */
  private readonly waiting = new Map<string, Waiting>();

  constructor(private readonly opts: AfterBlockOptions) {}

  get size(): number {
    return this.waiting.size;
  }

  /** Holds `tx` for the next tip change; `triesLeft` defaults to the full budget. */
  hold(tx: Transaction, msgId: string, from: string, triesLeft = this.opts.blocks - 1): void {
    if (triesLeft < 0) return;
    this.waiting.delete(tx.wtxid);
    if (this.waiting.size >= this.opts.max) this.waiting.delete(this.waiting.keys().next().value!);
    this.waiting.set(tx.wtxid, { tx, msgId, from, triesLeft });
  }

  /** Everything held, now that the tip moved; the caller holds again what is still early. */
  take(): Waiting[] {
    const all = [...this.waiting.values()];
    this.waiting.clear();
    return all;
  }

  clear(): void {
    this.waiting.clear();
  }
}
