/**
 * Tally's Kademlia DHT (PROTOCOL.md §9.6): @libp2p/kad-dht under a protocol
 * name of its own per network, so that a Tally DHT never mixes with IPFS's
 * or with the other Tally network's (peers add each other to their routing
 * tables only when identify shows the same protocol). Every node is a server:
 * nodes live on private ranges as often as on public ones, and all of them
 * answer queries. Nodes advertise themselves as providers of one key per
 * network and find each other with findProviders and random walks.
 */
import { kadDHT, passthroughMapper, type KadDHT, type KadDHTComponents } from '@libp2p/kad-dht';
import type { AbortOptions, PeerId } from '@libp2p/interface';
import { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { sha256 } from 'multiformats/hashes/sha2';

/** The DHT protocol id of a network: `/tally/<network>/kad/1.0.0`. */
export function dhtProtocol(network: string): string {
  return `/tally/${network}/kad/1.0.0`;
}

/** The text whose sha256 names the network's provider key. */
export function networkKeyText(network: string): string {
  return `tally/${network}/nodes`;
}

/** The key every node of `network` provides: a CIDv1 (raw codec) of sha256("tally/<network>/nodes"). */
export async function networkKey(network: string): Promise<CID> {
  return CID.createV1(raw.code, await sha256.digest(new TextEncoder().encode(networkKeyText(network))));
}

/** Queries in parallel per lookup: fewer than kad-dht's 10, as Tally networks are small and idle CPU matters. */
const ALPHA = 3;

/** How often the DHT looks itself up and refreshes its routing table (DISCOVERY_TIMINGS has the defaults). */
export interface DhtIntervals {
  /** Self-query: keeps the closest neighbours known. */
  querySelfMs: number;
  /**
   * Routing-table refresh: a random walk per bucket. kad-dht runs it at start and then every
   * 5 minutes, with no option for it in 16.x; see {@link setTableRefreshInterval}.
   */
  tableRefreshMs: number;
}

/** The libp2p service factory of the network's DHT. */
export function dhtService(network: string, intervals: DhtIntervals): ReturnType<typeof kadDHT> {
  const factory = kadDHT({
    protocol: dhtProtocol(network),
    clientMode: false,
    // Keep private and loopback addresses: test networks and devnets live there (the default mapper drops them).
    peerInfoMapper: passthroughMapper,
    logPrefix: `libp2p:tally-dht`,
    datastorePrefix: `/tally/${network}/dht`,
    metricsPrefix: 'tally_dht',
    alpha: ALPHA,
    querySelfInterval: intervals.querySelfMs,
  });
  return (components) => {
    // Called only once the DHT runs (its routing table pings), after `dht` is set.
    const dht: KadDHT = factory(pingOverOpenConnections(components, async (peer) => (await routingTableOf(dht)?.find(peer)) !== undefined));
    setTableRefreshInterval(dht, intervals.tableRefreshMs);
    return dht;
  };
}

/**
 * kad-dht's components with a ping that never dials. kad-dht pings every peer a reply names before
 * it takes it into its routing table, and the oldest contacts of a full bucket to see whether one
 * is gone; libp2p's ping dials each: a full connection (noise, identify, gossipsub, our status
 * handshake) made for one ping and evicted by the keeper 20 s later, for every pair of nodes as
 * the tables fill. Here a peer with an open connection is pinged over it. Without one, a contact
 * already in the table (`inTable`) counts as alive, as Kademlia prefers old contacts, and a new
 * one as unverified: it stays out of the table until anything connects the two nodes (the
 * keeper's dials, DHT queries, inbound peers). The DHT search learns every named peer into the
 * address book itself, so discovery loses nothing.
 */
export function pingOverOpenConnections(components: KadDHTComponents, inTable: (peer: PeerId) => Promise<boolean>): KadDHTComponents {
  const ping = {
    ping: async (peer: PeerId, options?: AbortOptions): Promise<number> => {
      if (components.connectionManager.getConnections(peer).length > 0) return components.ping.ping(peer, options);
      if (await inTable(peer)) return 0;
      throw new Error('not connected: new contacts are verified over open connections only');
    },
  };
  // libp2p's components are a Proxy that looks services up by name: wrap it rather than copy it.
  return new Proxy(components, { get: (target, prop, receiver) => (prop === 'ping' ? ping : Reflect.get(target, prop, receiver)) });
}

/**
 * Sets how often kad-dht refreshes its routing table, through the private field its refresher
 * reads each time it schedules the next run (`routingTableRefresh.refreshInterval`, 16.x). Each
 * refresh is a lookup per bucket, and every reply's unknown peers are dialed to be pinged: on an
 * idle network that is most of what a node does. Returns false when the field is not where it
 * was (test/unit/network/discovery/dht.test.ts fails then).
 */
export function setTableRefreshInterval(dht: KadDHT, ms: number): boolean {
  const refresh = (dht as unknown as { routingTableRefresh?: { refreshInterval?: unknown } }).routingTableRefresh;
  if (typeof refresh?.refreshInterval !== 'number') return false;
  refresh.refreshInterval = ms;
  return true;
}

/** The parts of kad-dht's routing table that Tally reads (the class has them; its exported interface only `size`). */
interface RoutingTableView {
  size: number;
  find(peer: PeerId): Promise<PeerId | undefined>;
  add(peer: PeerId): Promise<void>;
}

/** The routing table of a running DHT, or undefined if kad-dht no longer has one where it was (16.x). */
export function routingTableOf(dht: KadDHT): RoutingTableView | undefined {
  const table = (dht as unknown as { routingTable?: Partial<RoutingTableView> }).routingTable;
  return table && typeof table.size === 'number' && typeof table.find === 'function' && typeof table.add === 'function' ? (table as RoutingTableView) : undefined;
}
