/** The peer store: handshakes, scores, bans, rates and cool-downs of every peer. */
export { PeerStore, type PeerInfo, type PeerStoreModules, type PeerStoreOptions } from './peer-store.js';
export type { BanEntry } from './ban-list.js';
export { TokenBucket } from './token-bucket.js';
export { BAN_THRESHOLD } from '../penalty.js';
export { PeerStore as PeerManager, type PeerStoreOptions as PeerManagerOptions } from './peer-store.js';
