/**
 * Peers as Core's getpeerinfo shows them. Peers are libp2p peers; Core's small
 * numeric ids are kept here, per p2p service. The multiaddrs and the peer id
 * come along in extra fields (`multiaddr`, `addresses`, `peer_id`).
 */
import type { RpcContext, RpcPeer } from '../types.js';
import { coreAddr, networkOf, PROTOCOL_VERSION, SERVICES, SERVICES_NAMES, SUBVERSION } from './net-info.js';

export { PROTOCOL_VERSION, SUBVERSION } from './net-info.js';

export type P2P = NonNullable<RpcContext['p2p']>;

/** Per-service state the RPC layer keeps about peers: Core-style small numeric ids. */
interface PeerBook {
  ids: Map<string, number>;
  nextId: number;
}
const books = new WeakMap<P2P, PeerBook>();

export function book(p2p: P2P): PeerBook {
  let b = books.get(p2p);
  if (!b) {
    b = { ids: new Map(), nextId: 0 };
    books.set(p2p, b);
  }
  return b;
}

/** The numeric id of a peer, stable for the life of the process (Core's `id`). */
function numericId(p2p: P2P, peer: string): number {
  const b = book(p2p);
  let id = b.ids.get(peer);
  if (id === undefined) {
    id = b.nextId++;
    b.ids.set(peer, id);
  }
  return id;
}

/** Round trips in seconds, as Core gives them, once measured. */
function pings(p: RpcPeer): Record<string, number> {
  return {
    ...(p.pingMs !== undefined ? { pingtime: p.pingMs / 1000 } : {}),
    ...(p.minPingMs !== undefined ? { minping: p.minPingMs / 1000 } : {}),
  };
}

/** One peer in Core's getpeerinfo shape, with Tally's extra fields after Core's. */
function peerJson(p2p: P2P, p: RpcPeer): Record<string, unknown> {
  const first = p.addresses[0];
  return {
    id: numericId(p2p, p.id),
    addr: coreAddr(first),
    network: networkOf(first),
    services: SERVICES,
    servicesnames: SERVICES_NAMES,
    relaytxes: true,
    lastsend: p.lastSend,
    lastrecv: p.lastRecv,
    last_transaction: p.lastTransaction,
    last_block: p.lastBlock,
    bytessent: p.bytesSent,
    bytesrecv: p.bytesRecv,
    conntime: p.connectedAt,
    timeoffset: 0,
    ...pings(p),
    version: PROTOCOL_VERSION,
    subver: SUBVERSION,
    inbound: p.direction === 'inbound',
    bip152_hb_to: false,
    bip152_hb_from: false,
    startingheight: p.status.height,
    synced_headers: p.status.height,
    synced_blocks: p.status.height,
    addr_relay_enabled: false,
    permissions: [],
    connection_type: p.connectionType,
    peer_id: p.id,
    multiaddr: first ?? '',
    addresses: p.addresses,
    banscore: p.score,
  };
}

/** Core's getpeerinfo; without p2p, no peers. */
export function peerInfo(p2p: P2P | undefined): Record<string, unknown>[] {
  return p2p ? p2p.peerInfo().map((p) => peerJson(p2p, p)) : [];
}

/** Pings every peer in the background; round trips show up as `pingtime` and `minping` in getpeerinfo. */
export function pingAll(p2p: P2P | undefined): null {
  for (const p of p2p?.peerInfo() ?? []) p2p!.ping(p.id).catch(() => undefined);
  return null;
}
