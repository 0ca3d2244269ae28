/**
 * Relay of gossiped transactions that wait in the orphan pool. Bitcoin Core
 * relays an orphan once its parent arrives; with gossipsub the message of a
 * waiting orphan is already seen, so `publish` would drop it as a duplicate.
 * The gossip verdict on an orphan is therefore held for a while: when the
 * parent arrives in time (the usual case, messages that crossed) the verdict
 * becomes accept and gossipsub forwards the message as any other. Gossipsub
 * keeps an unvalidated message only a few heartbeats (mcacheLength), so past
 * that the verdict is ignore, and an orphan resolved later is re-published by
 * the caller (see forgetSeenMessage in libp2p.ts).
 */
import type { Acceptance } from '../penalty.js';

export interface OrphanRelayOptions {
  /** Milliseconds to hold a verdict: less than gossipsub keeps an unvalidated message. */
  holdMs: number;
  /** Verdicts held at most, and late orphans remembered at most. */
  max: number;
}

export interface OrphanRelayModules {
  /** Gives gossipsub the verdict on a message (reportMessageValidationResult). */
  report(msgId: string, from: string, acceptance: Acceptance): void;
}

/** What became of a transaction that entered the mempool. */
export type Resolved =
  /** Not a gossiped orphan. */
  | { kind: 'none' }
  /** Its held verdict is now accept: gossipsub forwards it. */
  | { kind: 'forwarded' }
  /** Its verdict was already given: re-publish the message `msgId`. */
  | { kind: 'late'; msgId: string };

export class OrphanRelay {
  private readonly held = new Map<string, { msgId: string; from: string; timer: NodeJS.Timeout }>();
  /** wtxid → message id of orphans whose verdict was given before their parent arrived (oldest first). */
  private readonly late = new Map<string, string>();

  constructor(private readonly opts: OrphanRelayOptions, private readonly modules: OrphanRelayModules) {}

  /** Holds the verdict on the message `msgId` carrying the orphan `wtxid`, sent by `from`. */
  hold(wtxid: string, msgId: string, from: string): void {
    if (this.held.has(wtxid) || this.held.size >= this.opts.max) {
      this.giveUp(wtxid, msgId, from);
      return;
    }
    const timer = setTimeout(() => {
      this.held.delete(wtxid);
      this.giveUp(wtxid, msgId, from);
    }, this.opts.holdMs);
    timer.unref();
    this.held.set(wtxid, { msgId, from, timer });
  }

  /** Called when `wtxid` entered the mempool. */
  resolved(wtxid: string): Resolved {
    const held = this.held.get(wtxid);
    if (held) {
      clearTimeout(held.timer);
      this.held.delete(wtxid);
      // After the current task, so that the parent's own verdict (given once the mempool
      // returns) goes out first and peers see the parent before the child.
      setImmediate(() => this.modules.report(held.msgId, held.from, 'accept'));
      return { kind: 'forwarded' };
    }
    const msgId = this.late.get(wtxid);
    if (msgId === undefined) return { kind: 'none' };
    this.late.delete(wtxid);
    return { kind: 'late', msgId };
  }

  /** Gives every held verdict as ignore (stopping). */
  clear(): void {
    for (const [wtxid, { msgId, from, timer }] of this.held) {
      clearTimeout(timer);
      this.giveUp(wtxid, msgId, from);
    }
    this.held.clear();
    this.late.clear();
  }

  private giveUp(wtxid: string, msgId: string, from: string): void {
    this.modules.report(msgId, from, 'ignore');
    this.late.set(wtxid, msgId);
    if (this.late.size > this.opts.max) this.late.delete(this.late.keys().next().value!);
  }
}
