/**
 * Block relay in one of two forms (PROTOCOL.md §9.5): `compact` (the default)
 * or `full`. Every node takes blocks in both forms, on two topics, so nodes of
 * either kind share one network; it relays and publishes only its own form. A
 * block that arrives in the other form is submitted, given the verdict ignore
 * (gossipsub does not forward it), and published by the node in its own form
 * once it joins the chain, as if mined here.
 */
import { randomBytes } from 'node:crypto';
import type { Block } from '../../../primitives/block.js';
import type { Verdict } from '../../penalty.js';
import { blockGossipHandler, type BlockGossipModules } from '../block.js';
import type { GossipHandler, GossipTopic } from '../processor.js';
import { CompactGossip, type CompactGossipModules, type CompactGossipOptions, type CompactStats } from './handler.js';
import { compactBlockOf, encodeCompactBlock } from './message.js';

/** How this node relays blocks. */
export type BlockRelayMode = 'compact' | 'full';

export interface BlockRelayOptions extends CompactGossipOptions {
  mode: BlockRelayMode;
  topics: { blocks: string; cmpctblock: string };
}

export interface BlockRelayModules extends Omit<CompactGossipModules, 'republish'> {
  publisher: {
    publish(topic: string, data: Uint8Array): Promise<void>;
    republish(topic: string, msgId: string, data: Uint8Array): Promise<void>;
  };
}

export class BlockRelay {
  private readonly compact: CompactGossip;

  constructor(private readonly opts: BlockRelayOptions, private readonly modules: BlockRelayModules) {
    // A late verdict is made good by publishing again, only where compact is the form we relay.
    const republish = (msgId: string, data: Uint8Array) => void modules.publisher.republish(opts.topics.cmpctblock, msgId, data);
    this.compact = new CompactGossip(opts, { ...this.modulesFor('compact'), ...(opts.mode === 'compact' ? { republish } : {}) });
  }

  get stats(): CompactStats {
    return { ...this.compact.stats };
  }

  /** The rows of the gossip topic table for blocks: one per form. */
  topics(): [string, GossipTopic][] {
    const { topics, mode } = this.opts;
    const full = blockGossipHandler(this.modulesFor('full'));
    const compact = this.compact.handle;
    return [
      [topics.blocks, { context: 'gossip-block', handler: mode === 'full' ? full : notRelayed(full) }],
      [topics.cmpctblock, { context: 'gossip-block', handler: mode === 'compact' ? compact : notRelayed(compact) }],
    ];
  }

  /** Publishes a block we mined or took in the other form, in our form. */
  async publish(block: Block): Promise<void> {
    const { topics, mode } = this.opts;
    if (mode === 'full') return this.modules.publisher.publish(topics.blocks, block.toBytes());
    const nonce = randomBytes(8).readBigUInt64LE();
    return this.modules.publisher.publish(topics.cmpctblock, encodeCompactBlock(compactBlockOf(block, nonce)));
  }

  /** A block in the other form is not "from the network" for publishing: we publish it in ours. */
  private modulesFor(form: BlockRelayMode): CompactGossipModules & BlockGossipModules {
    const relayed = form === this.opts.mode;
    return { ...this.modules, republish: () => undefined, fromNetwork: relayed ? this.modules.fromNetwork : () => undefined };
  }
}

/** A handler whose accepted messages are not forwarded: the block goes on in our form instead. */
function notRelayed(handler: GossipHandler): GossipHandler {
  return async (from, msgId, data) => {
    const verdict: Verdict | undefined = await handler(from, msgId, data);
    return verdict?.acceptance === 'accept' ? { acceptance: 'ignore', penalty: 0, reason: 'relayed-in-other-form' } : verdict;
  };
}
