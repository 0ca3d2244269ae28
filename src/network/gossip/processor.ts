/**
 * Gossip dispatch: a table from topic to handler. Every message gets one
 * verdict, reported to gossipsub, and the sender one penalty, both from
 * penalty.ts. A message on a topic the table lacks is rejected explicitly
 * rather than handed to some other topic's handler.
 */
import { P2PError } from '../errors.js';
import { verdictFor, type Acceptance, type PenaltyContext, type Verdict } from '../penalty.js';

/** Handles one message; undefined when the verdict is held for later (an orphan transaction). */
export type GossipHandler = (from: string, msgId: string, data: Uint8Array) => Promise<Verdict | undefined>;

export interface GossipTopic {
  handler: GossipHandler;
  /** How the handler's failures are judged (penalty.ts). */
  context: PenaltyContext;
}

export interface GossipMessage {
  msgId: string;
  from: string;
  topic: string;
  data: Uint8Array;
}

export interface GossipProcessorModules {
  peers: {
    isBanned(peer: string): boolean;
    penalize(peer: string, score: number, reason: string): void;
  };
  /** Gives gossipsub the verdict on a message. */
  report(msgId: string, from: string, acceptance: Acceptance): void;
  /** Told of each accepted message (getpeerinfo's last_block and last_transaction). */
  onAccepted?(from: string, topic: string): void;
}

export class GossipProcessor {
  constructor(
    private readonly table: ReadonlyMap<string, GossipTopic>,
    private readonly modules: GossipProcessorModules,
  ) {}

  /** The topics the table handles (to subscribe to). */
  topics(): string[] {
    return [...this.table.keys()];
  }

  async onMessage(msg: GossipMessage): Promise<void> {
    const verdict = await this.verdict(msg);
    // An orphan transaction's verdict is held by the orphan relay.
    if (!verdict) return;
    this.modules.report(msg.msgId, msg.from, verdict.acceptance);
    if (verdict.acceptance === 'accept') this.modules.onAccepted?.(msg.from, msg.topic);
    if (verdict.penalty > 0) this.modules.peers.penalize(msg.from, verdict.penalty, `gossip: ${verdict.reason ?? 'invalid'}`);
  }

  private async verdict({ msgId, from, topic, data }: GossipMessage): Promise<Verdict | undefined> {
    if (this.modules.peers.isBanned(from)) return { acceptance: 'reject', penalty: 0 };
    const entry = this.table.get(topic);
    if (!entry) return verdictFor(new P2PError('malformed-message', `a message on gossip topic ${topic}, which no handler takes`), 'request');
    try {
      return await entry.handler(from, msgId, data);
    } catch (err) {
      return verdictFor(err, entry.context);
    }
  }
}
