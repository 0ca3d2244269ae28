/**
 * Peers as Core's getpeerinfo shows them. Peers are libp2p peers; Core's small
 * numeric ids and ping round trips are kept here, per p2p service.
 */
import type { RpcContext } from '../types.js';

export const SUBVERSION = '/Tally:0.1.0/';
export const PROTOCOL_VERSION = 1;

export type P2P = NonNullable<RpcContext['p2p']>;

/** Per-service state the RPC layer keeps about peers: Core-style small numeric ids and ping round trips. */
interface PeerBook {
  ids: Map<string, number>;
  nextId: number;
  pings: Map<string, number>;
}
const books = new WeakMap<P2P, PeerBook>();

export function book(p2p: P2P): PeerBook {
  let b = books.get(p2p);
  if (!b) {
    b = { ids: new Map(), nextId: 0, pings: new Map() };
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

/** Core's network names for the first protocol of an address. */
function networkOf(addr: string | undefined): string {
  if (!addr) return 'not_publicly_routable';
  if (addr.startsWith('/ip4/')) return 'ipv4';
  if (addr.startsWith('/ip6/')) return 'ipv6';
  return 'not_publicly_routable';
}

export function peerInfo(p2p: P2P): Record<string, unknown>[] {
  const pings = book(p2p).pings;
  return p2p.peerInfo().map((p) => {
    const ping = pings.get(p.id);
    return {
      id: numericId(p2p, p.id),
      addr: p.addresses[0] ?? '',
      network: networkOf(p.addresses[0]),
      services: '',
      relaytxes: true,
      lastsend: 0,
      lastrecv: 0,
      bytessent: 0,
      bytesrecv: 0,
      conntime: p.connectedAt,
      ...(ping !== undefined ? { pingtime: ping / 1000 } : {}),
      version: PROTOCOL_VERSION,
      subver: SUBVERSION,
      inbound: p.direction === 'inbound',
      startingheight: p.status.height,
      synced_headers: p.status.height,
      synced_blocks: p.status.height,
      banscore: p.score,
      peer_id: p.id,
      addresses: p.addresses,
    };
  });
}

/** Pings every peer in the background; round trips show up as `pingtime` in getpeerinfo. */
export function pingAll(p2p: P2P): null {
  const pings = book(p2p).pings;
  for (const p of p2p.peerInfo()) {
    p2p.ping(p.id)
      .then((ms) => pings.set(p.id, ms))
      .catch(() => pings.delete(p.id));
  }
  return null;
}
