/**
 * The transactions topic: a gossiped transaction is offered to the mempool.
 * An orphan's verdict is held by the orphan relay; one that is early at our
 * tip (the sender is ahead) is tried again after the next blocks.
 */
import type { NetworkNode } from '../../node/interface.js';
import { Transaction } from '../../primitives/tx.js';
import { verdictFor, type Verdict } from '../penalty.js';
import type { AfterBlock } from './after-block.js';
import type { OrphanRelay } from './orphan-relay.js';

export interface TxGossipModules {
  sendTransaction: NetworkNode['sendTransaction'];
  /** Marks a transaction as come from the network (not ours to publish). */
  fromNetwork(wtxid: string): void;
  afterBlock: AfterBlock;
  orphanRelay: OrphanRelay;
  /** Publishes again a message gossipsub has seen (gossip/publisher.ts). */
  republish(msgId: string, data: Uint8Array): void;
  penalize(peer: string, score: number, reason: string): void;
}

export class TxGossip {
  constructor(private readonly modules: TxGossipModules) {}

  /** The verdict on a gossiped transaction; none yet for an orphan, whose verdict the orphan relay holds. */
  readonly handle = async (from: string, msgId: string, data: Uint8Array): Promise<Verdict | undefined> => {
    const { afterBlock, orphanRelay } = this.modules;
    const tx = Transaction.fromBytes(data);
    this.modules.fromNetwork(tx.wtxid);
    let result;
    try {
      result = await this.modules.sendTransaction(tx, { allowOrphan: true, peer: from });
    } catch (err) {
      const verdict = verdictFor(err, 'gossip-tx');
      if (verdict.retryAfterBlock) afterBlock.hold(tx, msgId, from);
      return verdict;
    }
    if (result.status === 'accepted') return { acceptance: 'accept', penalty: 0 };
    orphanRelay.hold(tx.wtxid, msgId, from);
    return undefined;
  };

  /**
   * Tries again the transactions that were early at our last tip (after-block.ts). One accepted
   * now is published: peers as far behind as we were ignored it too, and gossipsub forwards a
   * message only once.
   */
  async retryAfterBlock(): Promise<void> {
    const { afterBlock } = this.modules;
    for (const w of afterBlock.take()) {
      let verdict: Verdict;
      try {
        const result = await this.modules.sendTransaction(w.tx, { peer: w.from });
        if (result.status === 'accepted') this.modules.republish(w.msgId, w.tx.toBytes());
        continue;
      } catch (err) {
        verdict = verdictFor(err, 'gossip-tx');
      }
      if (verdict.retryAfterBlock) afterBlock.hold(w.tx, w.msgId, w.from, w.triesLeft - 1);
      if (verdict.penalty > 0) this.modules.penalize(w.from, verdict.penalty, `gossip: ${verdict.reason ?? 'invalid'}`);
    }
  }
}
