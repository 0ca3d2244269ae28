/** Gossip: topics, the topic-to-handler table, the handlers of each topic, and publishing. */
export { messageId, topics } from './topics.js';
export { GossipProcessor, type GossipHandler, type GossipMessage, type GossipTopic } from './processor.js';
export { blockGossipHandler, lowWork, submitGossipedBlock, type BlockGossipModules } from './block.js';
export { TxGossip, type TxGossipModules } from './tx.js';
export { GossipPublisher } from './publisher.js';
export { OrphanRelay } from './orphan-relay.js';
export { AfterBlock } from './after-block.js';
export { RecentSet } from './recent.js';
export { BlockRelay, type BlockRelayMode } from './compact/relay.js';
export { CompactGossip, type CompactStats } from './compact/handler.js';
