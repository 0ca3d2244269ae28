/**
 * Core's shapes for network state: getnetworkinfo, getnettotals and the
 * `host:port` and network names of peer addresses. Tally's addresses are
 * libp2p multiaddrs; these turn them into what Core clients parse, and the
 * callers keep the multiaddrs in extra fields.
 */
import { multiaddr } from '@multiformats/multiaddr';
import { formatFeeRate } from '../format.js';
import type { RpcContext } from '../types.js';

export const SUBVERSION = '/Tally:0.1.0/';
export const PROTOCOL_VERSION = 1;

/** Core's NODE_NETWORK | NODE_WITNESS: every Tally node serves all blocks, with witnesses. */
export const SERVICES = '0000000000000009';
export const SERVICES_NAMES = ['NETWORK', 'WITNESS'];

/** `host:port` (`[v6]:port`) of a multiaddr with an IP or DNS name and a TCP port, or undefined. */
export function hostPort(addr: string): { host: string; port: number } | undefined {
  try {
    const parts = multiaddr(addr).getComponents();
    const host = parts.find((c) => ['ip4', 'ip6', 'dns', 'dns4', 'dns6'].includes(c.name));
    const port = parts.find((c) => c.name === 'tcp');
    if (!host?.value || !port?.value) return undefined;
    return { host: host.value, port: Number(port.value) };
  } catch {
    return undefined;
  }
}

/** Core's `addr` of a peer: host:port, IPv6 hosts in brackets. */
export function coreAddr(addr: string | undefined): string {
  const hp = addr ? hostPort(addr) : undefined;
  if (!hp) return addr ?? '';
  return hp.host.includes(':') ? `[${hp.host}]:${hp.port}` : `${hp.host}:${hp.port}`;
}

const UNROUTABLE_V4 = /^(127\.|10\.|192\.168\.|169\.254\.|172\.(1[6-9]|2\d|3[01])\.|0\.)/;

/** Core's network name of an address (GetNetClass): loopback and private ranges are 'not_publicly_routable'. */
export function networkOf(addr: string | undefined): string {
  const hp = addr ? hostPort(addr) : undefined;
  if (!hp) return 'not_publicly_routable';
  if (addr!.startsWith('/ip4/')) return UNROUTABLE_V4.test(hp.host) ? 'not_publicly_routable' : 'ipv4';
  if (addr!.startsWith('/ip6/')) return /^(::1?$|fe[89ab]|f[cd])/i.test(hp.host) ? 'not_publicly_routable' : 'ipv6';
  return 'not_publicly_routable';
}

function networks(reachable: boolean): Record<string, unknown>[] {
  return ['ipv4', 'ipv6', 'onion', 'i2p', 'cjdns'].map((name) => ({
    name, limited: !reachable || !name.startsWith('ipv'), reachable: reachable && name.startsWith('ipv'), proxy: '', proxy_randomize_credentials: false,
  }));
}

/** Core's getnetworkinfo; `localmultiaddrs` and `peer_id` are Tally's: the full addresses to hand out as --bootstrap. */
export function networkInfo(ctx: RpcContext): Record<string, unknown> {
  const peers = ctx.p2p?.peerInfo() ?? [];
  const inbound = peers.filter((p) => p.direction === 'inbound').length;
  const mempool = ctx.mempool.info();
  const local = ctx.p2p?.localAddresses() ?? [];
  const localaddresses = local.flatMap((a) => {
    const hp = hostPort(a);
    return hp ? [{ address: hp.host, port: hp.port, score: 1 }] : [];
  });
  return {
    version: 100,
    subversion: SUBVERSION,
    protocolversion: PROTOCOL_VERSION,
    localservices: SERVICES,
    localservicesnames: SERVICES_NAMES,
    localrelay: true,
    timeoffset: 0,
    networkactive: ctx.p2p !== undefined,
    connections: peers.length,
    connections_in: inbound,
    connections_out: peers.length - inbound,
    networks: networks(ctx.p2p !== undefined),
    relayfee: formatFeeRate(mempool.minrelaytxfee),
    incrementalfee: formatFeeRate(mempool.incrementalrelayfee),
    localaddresses,
    localmultiaddrs: local,
    ...(ctx.p2p ? { peer_id: ctx.p2p.peerId } : {}),
    warnings: '',
  };
}

/** Core's getnettotals; without p2p, zeros (Core answers so with networking off). No upload target: Core's values for -maxuploadtarget=0. */
export function netTotals(ctx: RpcContext): Record<string, unknown> {
  const t = ctx.p2p?.totals();
  return {
    totalbytesrecv: t?.bytesIn ?? 0,
    totalbytessent: t?.bytesOut ?? 0,
    timemillis: Date.now(),
    uploadtarget: { timeframe: 86_400, target: 0, target_reached: false, serve_historical_blocks: true, bytes_left_in_cycle: 0, time_left_in_cycle: 0 },
  };
}
