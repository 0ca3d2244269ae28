/**
 * Network methods, shaped like Bitcoin Core's: peers, totals, bans and manual
 * connections. Peers are libp2p peers, so where Core takes an IP address or
 * subnet these take a multiaddr or a peer id. Without p2p (`--no-p2p`) the
 * read-only methods answer as Core does with networking off (no peers, zero
 * totals); the ones that change peers or bans fail with Core's -31 "P2P disabled".
 */
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import { RPC, RpcError } from '../errors.js';
import { defineMethod, type RpcContext, type RpcMethod } from '../types.js';
import { DEFAULT_BAN_SECONDS, listBanned, setBan } from './bans.js';
import { coreAddr, netTotals, networkInfo } from './net-info.js';
import { book, peerInfo, pingAll, type P2P } from './peers.js';

export { SUBVERSION } from './net-info.js';

/** Core's RPC_CLIENT_NODE_NOT_ADDED, for `addnode remove` of a node never added. */
const CLIENT_NODE_NOT_ADDED = -24;

function requireP2P(ctx: RpcContext, code: number = RPC.CLIENT_P2P_DISABLED): P2P {
  if (!ctx.p2p) throw new RpcError(code, 'Error: Peer-to-peer functionality missing or disabled');
  return ctx.p2p;
}

function parseMultiaddr(text: string): Multiaddr {
  try {
    return multiaddr(text);
  } catch (err) {
    throw new RpcError(RPC.INVALID_PARAMETER, `invalid multiaddr "${text}": ${(err as Error).message}`);
  }
}

/** The peer id a `disconnectnode` address names: Core's host:port (getpeerinfo's addr), a bare peer id, or a multiaddr ending in /p2p/<id>. */
function peerOfAddress(p2p: P2P, address: string): string | undefined {
  if (address.includes(':') && !address.startsWith('/')) return p2p.peerInfo().find((p) => p.addresses.some((a) => coreAddr(a) === address))?.id;
  if (!address.startsWith('/')) return address;
  const id = parseMultiaddr(address).getComponents().find((c) => c.name === 'p2p')?.value;
  if (id) return id;
  // A bare transport address: the peer connected from it, as Core matches by IP:port.
  return p2p.peerInfo().find((p) => p.addresses.includes(address))?.id;
}

async function addNode(p2p: P2P, node: string, command: string): Promise<null> {
  const ma = parseMultiaddr(node);
  const list = p2p.opts.bootstrap;
  if (command === 'remove') {
    const i = list.indexOf(node);
    if (i < 0) throw new RpcError(CLIENT_NODE_NOT_ADDED, 'Error: Node could not be removed. It has not been added previously.');
    list.splice(i, 1);
    return null;
  }
  if (command === 'add') {
    if (list.includes(node)) throw new RpcError(RPC.CLIENT_NODE_ALREADY_ADDED, 'Error: Node already added');
    // The service re-dials its bootstrap list every few seconds, which is what Core's added nodes get.
    list.push(node);
    await p2p.connect(ma.toString()).catch(() => undefined);
    return null;
  }
  try {
    await p2p.connect(ma.toString());
  } catch (err) {
    throw new RpcError(RPC.CLIENT_NODE_NOT_CONNECTED, `Error: could not connect to ${node}: ${(err as Error).message}`);
  }
  return null;
}

async function disconnectNode(p2p: P2P, address: string | undefined, nodeid: number | string | undefined): Promise<null> {
  if ((address === undefined || address === '') === (nodeid === undefined)) {
    throw new RpcError(RPC.INVALID_PARAMS, 'Only one of address and nodeid should be provided.');
  }
  let peer: string | undefined;
  if (typeof nodeid === 'number') peer = [...book(p2p).ids].find(([, n]) => n === nodeid)?.[0];
  else if (typeof nodeid === 'string') peer = nodeid;
  else peer = peerOfAddress(p2p, address!);
  if (!peer || !p2p.peerInfo().some((p) => p.id === peer)) throw new RpcError(RPC.CLIENT_NODE_NOT_CONNECTED, 'Node not found in connected nodes');
  await p2p.disconnectPeer(peer);
  return null;
}

export const networkMethods: RpcMethod[] = [
  defineMethod({
    name: 'getpeerinfo',
    category: 'network',
    description: 'Connected peers that completed the handshake ([] without p2p). Bytes are counted on the wire (encrypted and muxed), as Core counts its sockets\' bytes.',
    params: [],
    result: '[{ id, addr (host:port), network, services, servicesnames, relaytxes, lastsend, lastrecv, bytessent, bytesrecv, conntime, timeoffset, pingtime?, minping?, version, subver, inbound, bip152_hb_to, bip152_hb_from, startingheight, synced_headers, synced_blocks, addr_relay_enabled, permissions, connection_type, peer_id, multiaddr, addresses, banscore }]',
    handler: (_args, ctx) => peerInfo(ctx.p2p),
  }),
  defineMethod({
    name: 'getconnectioncount',
    category: 'network',
    description: 'How many peers are connected (0 without p2p).',
    params: [],
    result: 'n (numeric) the number of peers',
    handler: (_args, ctx) => ctx.p2p?.peerInfo().length ?? 0,
  }),
  defineMethod({
    name: 'getnetworkinfo',
    category: 'network',
    description: 'The node\'s networking state, including its own full multiaddrs to hand out as bootstrap addresses.',
    params: [],
    result: '{ version, subversion, protocolversion, localservices, localservicesnames, localrelay, timeoffset, networkactive, connections, connections_in, connections_out, networks: [{ name, limited, reachable, proxy, proxy_randomize_credentials }], relayfee, incrementalfee, localaddresses: [{ address, port, score }], localmultiaddrs, peer_id?, warnings }',
    handler: (_args, ctx) => networkInfo(ctx),
  }),
  defineMethod({
    name: 'getnettotals',
    category: 'network',
    description: 'Bytes received and sent on every connection since start (zeros without p2p).',
    params: [],
    result: '{ totalbytesrecv, totalbytessent, timemillis, uploadtarget: { timeframe, target, target_reached, serve_historical_blocks, bytes_left_in_cycle, time_left_in_cycle } }',
    handler: (_args, ctx) => netTotals(ctx),
  }),
  defineMethod({
    name: 'addnode',
    category: 'network',
    description: 'Connects to a peer: "add" keeps it in the list to reconnect to, "remove" takes it out, "onetry" dials once.',
    params: [
      { name: 'node', type: 'string', required: true, description: 'full multiaddr of the peer, with /p2p/<peer id>' },
      { name: 'command', type: 'string', required: true, description: '"add", "remove" or "onetry"' },
    ],
    result: 'null',
    handler: ({ node, command }, ctx) => {
      if (!['add', 'remove', 'onetry'].includes(command as string)) throw new RpcError(RPC.INVALID_PARAMETER, 'command must be "add", "remove" or "onetry"');
      return addNode(requireP2P(ctx), node as string, command as string);
    },
  }),
  defineMethod({
    name: 'disconnectnode',
    category: 'network',
    description: 'Disconnects a peer, named by address (multiaddr or peer id) or by nodeid (getpeerinfo id or peer id).',
    params: [
      { name: 'address', type: 'string', description: 'host:port (getpeerinfo addr), multiaddr (with /p2p/<id>) or peer id' },
      { name: 'nodeid', type: ['integer', 'string'], description: 'the id or peer_id from getpeerinfo' },
    ],
    result: 'null',
    handler: ({ address, nodeid }, ctx) => disconnectNode(requireP2P(ctx), address as string | undefined, nodeid as number | string | undefined),
  }),
  defineMethod({
    name: 'setban',
    category: 'network',
    description: 'Bans a peer id (and disconnects it) or lifts a ban.',
    params: [
      { name: 'subnet', type: 'string', required: true, description: 'the peer id' },
      { name: 'command', type: 'string', required: true, description: '"add" or "remove"' },
      { name: 'bantime', type: 'integer', default: DEFAULT_BAN_SECONDS, min: 0, description: 'seconds (0: the default 24 hours), or a unix time with absolute' },
      { name: 'absolute', type: 'boolean', default: false, description: 'bantime is an absolute unix time' },
    ],
    result: 'null',
    handler: ({ subnet, command, bantime, absolute }, ctx) => {
      if (command !== 'add' && command !== 'remove') throw new RpcError(RPC.INVALID_PARAMETER, 'command must be "add" or "remove"');
      return setBan(requireP2P(ctx), ctx.clock(), subnet as string, command, bantime as number, absolute as boolean);
    },
  }),
  defineMethod({
    name: 'listbanned',
    category: 'network',
    description: 'Banned peers.',
    params: [],
    result: '[{ address, ban_created, banned_until, ban_duration, time_remaining, reason }]',
    handler: (_args, ctx) => listBanned(requireP2P(ctx), ctx.clock()),
  }),
  defineMethod({
    name: 'clearbanned',
    category: 'network',
    description: 'Lifts every ban.',
    params: [],
    result: 'null',
    handler: (_args, ctx) => {
      requireP2P(ctx).peerManager.clearBans();
      return null;
    },
  }),
  defineMethod({
    name: 'ping',
    category: 'network',
    description: 'Pings every peer; the round trips appear as pingtime and minping in getpeerinfo.',
    params: [],
    result: 'null',
    handler: (_args, ctx) => pingAll(ctx.p2p),
  }),
];
