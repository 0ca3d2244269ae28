/**
 * Peer discovery: Tally's Kademlia DHT (dht.ts, dht-search.ts), the address book
 * and peers.json (address-book.ts, peers-file.ts), network groups (netgroup.ts),
 * the pure dial and eviction choices (choose.ts) and the keeper that applies them
 * (keeper.ts), all started and stopped by the peer finder (peer-finder.ts).
 */
export { AddressBook, usableAddrs, type BookEntry } from './address-book.js';
export { chooseDials, chooseEvictions, PROTECT_BY_PING, type ConnectedPeer, type ConnectionLimits, type DialCandidate } from './choose.js';
export { dhtProtocol, dhtService, networkKey, networkKeyText, routingTableOf, setTableRefreshInterval, type DhtIntervals } from './dht.js';
export { DISCOVERY_TIMINGS, EVICTION_HEADROOM, type DiscoveryTimings } from './options.js';
export { ipAddressOf, isLocalAddress, isLoopbackAddress, netGroup } from './netgroup.js';
export { discoveryEnabled, PeerFinder, type PeerFinderModules } from './peer-finder.js';
export { loadPeers, peersFilePath, savePeers } from './peers-file.js';
