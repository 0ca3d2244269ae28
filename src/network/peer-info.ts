/**
 * What the network knows about each connected peer, for getpeerinfo and the
 * metrics: the handshake's status and direction, the peer store's score, and
 * from its libp2p connections the addresses, the bytes on the wire (traffic.ts)
 * and the round trip that libp2p's connection monitor measures by pinging
 * (and the `ping` RPC).
 */
import { peerIdFromString } from '@libp2p/peer-id';
import type { Connection } from '@libp2p/interface';
import type { PeerStatus } from './interface.js';
import type { TallyLibp2p } from './libp2p.js';
import type { PeerStore } from './peers/peer-store.js';
import type { TrafficMeter } from './traffic.js';

/** Core's connection types that Tally has: dialled because asked to (addnode, --connect, --bootstrap), found, or accepted. */
export type ConnectionType = 'inbound' | 'manual' | 'outbound-full-relay';

export interface PeerInfo {
  id: string;
  direction: string;
  connectionType: ConnectionType;
  status: PeerStatus;
  /** Node-clock seconds of the handshake. */
  connectedAt: number;
  score: number;
  /** Remote multiaddrs of the peer's connections. */
  addresses: string[];
  bytesSent: number;
  bytesRecv: number;
  /** Node-clock seconds of the last bytes each way (0: none yet). */
  lastSend: number;
  lastRecv: number;
  /** Node-clock seconds of the last new valid block and transaction the peer gossiped (0: none). */
  lastBlock: number;
  lastTransaction: number;
  /** Latest and lowest round trip in milliseconds, once measured. */
  pingMs?: number;
  minPingMs?: number;
}

export interface PeerInfoSources {
  host?: TallyLibp2p;
  store: PeerStore;
  traffic: TrafficMeter;
  /** Multiaddrs the node was told to dial (--connect, --bootstrap, addnode): peers there are 'manual'. */
  configured: () => readonly string[];
}

function connectionType(id: string, direction: string, configured: readonly string[]): ConnectionType {
  if (direction === 'inbound') return 'inbound';
  return configured.some((addr) => addr.endsWith(`/p2p/${id}`)) ? 'manual' : 'outbound-full-relay';
}

function sumTraffic(connections: Connection[], traffic: TrafficMeter) {
  const sum = { bytesSent: 0, bytesRecv: 0, lastSend: 0, lastRecv: 0 };
  for (const c of connections) {
    const t = traffic.of(c.timeline);
    if (!t) continue;
    sum.bytesSent += t.bytesSent;
    sum.bytesRecv += t.bytesRecv;
    sum.lastSend = Math.max(sum.lastSend, t.lastSend);
    sum.lastRecv = Math.max(sum.lastRecv, t.lastRecv);
  }
  return sum;
}

/** Every handshaked peer, as getpeerinfo needs it. */
export function describePeers(src: PeerInfoSources): PeerInfo[] {
  const configured = src.configured();
  return src.store.handshakes().map(([id, info]) => {
    const connections = src.host ? src.host.getConnections(peerIdFromString(id)) : [];
    // libp2p's connection monitor pings every connection (10 s) and keeps the round trip on it.
    const rtt = connections.find((c) => c.rtt !== undefined)?.rtt;
    if (rtt !== undefined) src.traffic.recordPing(id, rtt);
    const { last: pingMs, min: minPingMs } = src.traffic.pingOf(id);
    const delivered = src.traffic.deliveriesOf(id);
    return {
      id,
      direction: info.direction,
      connectionType: connectionType(id, info.direction, configured),
      status: info.status,
      connectedAt: info.connectedAt,
      score: src.store.score(id),
      addresses: connections.map((c) => c.remoteAddr.toString()),
      ...sumTraffic(connections, src.traffic),
      lastBlock: delivered.block,
      lastTransaction: delivered.tx,
      ...(pingMs !== undefined ? { pingMs } : {}),
      ...(minPingMs !== undefined ? { minPingMs } : {}),
    };
  });
}
