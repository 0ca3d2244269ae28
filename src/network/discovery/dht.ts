/**
 * Tally's Kademlia DHT (PROTOCOL.md §9.6): @libp2p/kad-dht under a protocol
 * name of its own per network, so that a Tally DHT never mixes with IPFS's
 * or with the other Tally network's (peers add each other to their routing
 * tables only when identify shows the same protocol). Every node is a server:
 * nodes live on private ranges as often as on public ones, and all of them
 * answer queries. Nodes advertise themselves as providers of one key per
 * network and find each other with findProviders and random walks.
 */
import { kadDHT, passthroughMapper, type KadDHT } from '@libp2p/kad-dht';
import type { PeerId } from '@libp2p/interface';
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

/** The libp2p service factory of the network's DHT. */
export function dhtService(network: string): ReturnType<typeof kadDHT> {
  return kadDHT({
    protocol: dhtProtocol(network),
    clientMode: false,
    // Keep private and loopback addresses: test networks and devnets live there (the default mapper drops them).
    peerInfoMapper: passthroughMapper,
    logPrefix: `libp2p:tally-dht`,
    datastorePrefix: `/tally/${network}/dht`,
    metricsPrefix: 'tally_dht',
    alpha: ALPHA,
    // The self-query keeps the closest neighbours known; every 10 minutes is plenty for a node doing nothing.
    querySelfInterval: 10 * 60_000,
  });
}

/** The parts of kad-dht's routing table that Tally reads (the class has them; its exported interface only `size`). */
interface RoutingTableView {
  size: number;
  find(peer: PeerId): Promise<PeerId | undefined>;
}

/** The routing table of a running DHT, or undefined if kad-dht no longer has one where it was (16.x). */
export function routingTableOf(dht: KadDHT): RoutingTableView | undefined {
  const table = (dht as unknown as { routingTable?: Partial<RoutingTableView> }).routingTable;
  return table && typeof table.size === 'number' && typeof table.find === 'function' ? (table as RoutingTableView) : undefined;
}
