/** Publishing on gossipsub: what this node produced itself, and orphans resolved after their verdict. */
import type { LogWriter } from '../../util/logger.js';
import { forgetSeenMessage, type TallyPubSub } from '../libp2p.js';

export interface GossipPublisherModules {
  /** The host's pubsub; undefined before start and after stop. */
  pubsub(): TallyPubSub | undefined;
  logger: LogWriter;
}

export class GossipPublisher {
  constructor(private readonly modules: GossipPublisherModules) {}

  async publish(topic: string, data: Uint8Array): Promise<void> {
    try {
      await this.modules.pubsub()?.publish(topic, data);
    } catch (err) {
      this.modules.logger.debug({ topic, err: (err as Error).message }, 'publish failed');
    }
  }

  /** Publishes a message gossipsub has already seen (a late-resolved orphan). */
  async republish(topic: string, msgId: string, data: Uint8Array): Promise<void> {
    const pubsub = this.modules.pubsub();
    if (pubsub && !forgetSeenMessage(pubsub, msgId)) this.modules.logger.warn({ topic }, 'cannot re-publish a seen message: gossipsub internals changed');
    await this.publish(topic, data);
  }
}
