/**
 * The network layer: the libp2p host (network.ts), peers (peers/), request/response
 * (reqresp/), gossip (gossip/) and the one penalty function (penalty.ts).
 */
export { Network, P2PService, type NetworkModules, type P2PModules } from './network.js';
export { P2PError, P2P_ERROR_CODES, type P2PErrorCode } from './errors.js';
export type { PeerStatus, SyncNetwork, SyncNode, SyncPeer } from './interface.js';
export { defaultP2POptions, MAX_BLOCKS_PER_REQUEST, MAX_HEADERS_PER_REPLY, MAX_LOCATOR_HASHES, type P2POptions } from './options.js';
export { p2pListenError } from './listen-failure.js';
export { loadOrCreatePeerKey } from './peer-key.js';
export { BAN_THRESHOLD, penaltyTable, verdictFor, verdictForCode, type Acceptance, type PenaltyContext, type Verdict } from './penalty.js';
export { PeerStore, type BanEntry, type PeerInfo } from './peers/index.js';
export { messageId, topics } from './gossip/index.js';
export { protocolIds } from './reqresp/protocols.js';
