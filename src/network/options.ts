/** P2P options and their defaults. Plain data: safe to clone and log. */
import type { NetworkParams } from '../consensus/params.js';

export interface P2POptions {
  /** Multiaddrs to listen on; default all interfaces on the network's port. */
  listen: string[];
  /** Multiaddrs to tell peers instead of the listen addresses (behind NAT, say). */
  announce: string[];
  /** Peers to dial at start and keep connected to. */
  bootstrap: string[];
  /** Dial only these peers: no bootstrap list, no mDNS, no other discovered peers. */
  connect: string[];
  /** Discover peers on the local network with mDNS. */
  mdns: boolean;
  /**
   * Find peers through Tally's own Kademlia DHT (discovery/), keep `minOutbound` to
   * `maxOutbound` outbound peers and remember addresses in `<datadir>/peers.json`.
   * Off (or with `connect` set) the node dials only what it is given, as before.
   */
  dht: boolean;
  /** Most connections, inbound and outbound together (Core's -maxconnections); inbound gets what outbound leaves. */
  maxConnections: number;
  /** Outbound peers the node dials until it has them (Core keeps 8). */
  minOutbound: number;
  /** Outbound peers beyond which the youngest of the most crowded group is let go. */
  maxOutbound: number;
  /** Largest message accepted on any protocol (a maximum-weight block fits). */
  maxMessageSize: number;
  /** Milliseconds to wait for a reply before a request fails. */
  requestTimeoutMs: number;
  /** Requests a peer may make per second (a token bucket refilled at this rate, holding twice as many). */
  requestsPerSecond: number;
  /**
   * Block bytes served to one peer per second (a token bucket holding 2 s of them). Over it
   * the next block of a reply waits, without a penalty: an honest peer syncing from us asks
   * for as much as it can get.
   */
  serveBytesPerSecond: number;
  /**
   * Block bytes held for one peer at a time, at most: read from the database but not yet
   * taken by its connection (a peer that stops reading leaves them in our memory). A
   * block over it is still served, alone.
   */
  serveBytesInFlightPerPeer: number;
  /** The same, for all peers together. */
  serveBytesInFlight: number;
  /** Seconds a ban lasts. */
  banSeconds: number;
  /** Seconds between status refreshes with each peer. */
  statusIntervalSeconds: number;
  /** Seconds between libp2p pings of each connection (round-trip times for getpeerinfo; a dead peer shows). */
  pingIntervalSeconds: number;
  /** How blocks are gossiped: compact (short ids, PROTOCOL.md §9.5) or whole; both are always received. */
  blockRelay: 'compact' | 'full';
}

export const MAX_HEADERS_PER_REPLY = 2000;
export const MAX_BLOCKS_PER_REQUEST = 128;
export const MAX_LOCATOR_HASHES = 101;

export function defaultP2POptions(params: NetworkParams): P2POptions {
  return {
    listen: [`/ip4/0.0.0.0/tcp/${params.defaultP2PPort}`],
    announce: [],
    bootstrap: [],
    connect: [],
    mdns: false,
    dht: true,
    maxConnections: 125,
    minOutbound: 8,
    maxOutbound: 16,
    maxMessageSize: 4_200_000,
    requestTimeoutMs: 15_000,
    requestsPerSecond: 50,
    serveBytesPerSecond: 32_000_000,
    // Two maximum-size blocks: what sync's two requests in flight per peer need.
    serveBytesInFlightPerPeer: 8_400_000,
    serveBytesInFlight: 64_000_000,
    banSeconds: 24 * 60 * 60,
    // Blocks and their senders' tips travel by gossip; the refresh only mends what gossip missed
    // (Lodestar refreshes every 5 minutes, Core never). Each refresh is a new stream per peer, and a
    // stream costs more than its bytes (multistream negotiation, a peer-store write on each side):
    // with pings, most of what an idle node with peers did at 30 s.
    statusIntervalSeconds: 120,
    // Core pings every 2 minutes; libp2p's default of 10 s is a stream per peer every 10 s. Yamux's
    // own keep-alive (a frame, no stream) still runs every 30 s.
    pingIntervalSeconds: 120,
    blockRelay: 'compact',
  };
}
