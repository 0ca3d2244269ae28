/**
 * Network methods against real nodes with RPC and libp2p on 127.0.0.1: the
 * advertised multiaddr works as a bootstrap address, peers and counts follow
 * connections, bytes and pings are measured, bans round-trip, and a node
 * without p2p answers as Core does with networking off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { RPC } from '../../../src/rpc/errors.js';
import { startRpcNode, type RpcTestNode } from '../../helpers/rpc.js';
import { TestNetwork, waitUntil, type TestNode } from '../../helpers/network.js';
import { tempDir } from '../../helpers/tmp.js';
import { encodeAddress } from '../../../src/primitives/address.js';
import { outputKeyFromSecret } from '../../../src/primitives/sign.js';
import { regtest } from '../../../src/consensus/params.js';
import { testKey } from '../../helpers/chain.js';

const ADDRESS = encodeAddress(regtest.addressPrefix, outputKeyFromSecret(testKey(1)));

interface PeerJson {
  id: number;
  peer_id: string;
  addr: string;
  inbound: boolean;
  version: number;
  subver: string;
  banscore: number;
  conntime: number;
  startingheight: number;
  synced_blocks: number;
  pingtime?: number;
  minping?: number;
  multiaddr: string;
  connection_type: string;
  servicesnames: string[];
  bytessent: number;
  bytesrecv: number;
  lastsend: number;
  lastrecv: number;
  last_block: number;
}

async function rpcError(node: RpcTestNode, method: string, ...params: unknown[]): Promise<{ code: number; message: string }> {
  const r = await node.call(method, params);
  expect(r.body.error, `${method} should fail`).toBeTruthy();
  return r.body.error!;
}

describe('network RPC with p2p', () => {
  const root = tempDir('rpc-net');
  const net = new TestNetwork(join(root, 'plain'));
  let a: RpcTestNode;
  let b: RpcTestNode;
  let c: TestNode;
  let bootstrapAddr: string;
  const count = (n: RpcTestNode) => n.result<number>('getconnectioncount');

  beforeAll(async () => {
    a = await startRpcNode(join(root, 'a'), { withP2P: {} });
    const info = await a.result<{ localmultiaddrs: string[] }>('getnetworkinfo');
    bootstrapAddr = info.localmultiaddrs.find((addr) => addr.startsWith('/ip4/127.0.0.1/'))!;
    b = await startRpcNode(join(root, 'b'), { withP2P: { bootstrap: [bootstrapAddr] } });
    c = await net.start({ name: 'c' });
  });
  afterAll(async () => {
    await net.stopAll();
    await b?.stop();
    await a?.stop();
  });

  it('getnetworkinfo lists full multiaddrs that work as a bootstrap address', async () => {
    const info = await a.result<Record<string, unknown>>('getnetworkinfo');
    expect(info).toMatchObject({ version: 100, subversion: '/Tally:0.1.0/', protocolversion: 1, localservices: '0000000000000009', networkactive: true, warnings: '' });
    expect(info.localservicesnames).toEqual(['NETWORK', 'WITNESS']);
    expect(info.networks).toContainEqual({ name: 'ipv4', limited: false, reachable: true, proxy: '', proxy_randomize_credentials: false });
    const port = Number(/\/tcp\/(\d+)\//.exec(bootstrapAddr)![1]);
    expect(info.localaddresses).toContainEqual({ address: '127.0.0.1', port, score: 1 });
    expect(info.relayfee).toBeCloseTo(0.00001, 8);
    expect(bootstrapAddr).toMatch(new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/${a.p2p!.peerId}$`));
    // b was started with nothing but that address.
    await waitUntil(async () => (await count(a)) === 1 && (await count(b)) === 1, 'a and b to connect');
    const after = await a.result<{ connections: number; connections_in: number; connections_out: number }>('getnetworkinfo');
    expect(after).toMatchObject({ connections: 1, connections_in: 1, connections_out: 0 });
  });

  it('getpeerinfo describes each side of the connection', async () => {
    const [onA] = await a.result<PeerJson[]>('getpeerinfo');
    const [onB] = await b.result<PeerJson[]>('getpeerinfo');
    expect(onA).toMatchObject({ peer_id: b.p2p!.peerId, inbound: true, version: 1, subver: '/Tally:0.1.0/', banscore: 0, startingheight: 0, synced_blocks: 0 });
    expect(onB).toMatchObject({ peer_id: a.p2p!.peerId, inbound: false });
    expect(typeof onA!.id).toBe('number');
    // Core's host:port, with the multiaddr kept beside it.
    expect(onA!.addr).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(onA!.multiaddr).toMatch(new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/${onA!.addr.split(':')[1]}`));
    expect(onA!.servicesnames).toEqual(['NETWORK', 'WITNESS']);
    expect(onA!.connection_type).toBe('inbound');
    expect(onB!.connection_type).toBe('manual');
    expect(Math.abs(onA!.conntime - a.node.clock())).toBeLessThan(120);
    const totals = await a.result<{ totalbytesrecv: number; totalbytessent: number; timemillis: number }>('getnettotals');
    // The handshake alone crossed the wire both ways.
    expect(totals.totalbytesrecv).toBeGreaterThan(0);
    expect(totals.totalbytessent).toBeGreaterThan(0);
    expect(onA!.bytesrecv).toBeGreaterThan(0);
    expect(onA!.bytessent).toBeGreaterThan(0);
    expect(onA!.lastrecv).toBeGreaterThan(0);
    expect(Math.abs(totals.timemillis - Date.now())).toBeLessThan(60_000);
  });

  it('bytessent and bytesrecv grow with traffic, on both sides and in getnettotals', async () => {
    const peerOn = async (n: RpcTestNode, id: string) => (await n.result<PeerJson[]>('getpeerinfo')).find((p) => p.peer_id === id)!;
    const before = await peerOn(a, b.p2p!.peerId);
    const totalsBefore = await a.result<{ totalbytessent: number }>('getnettotals');
    const height = await b.result<number>('getblockcount');
    // Blocks mined on a reach b by gossip: bytes leave a and arrive at b.
    await a.result('generatetoaddress', 3, ADDRESS);
    await waitUntil(async () => (await b.result<number>('getblockcount')) >= height + 3, 'b to receive the blocks');
    const after = await peerOn(a, b.p2p!.peerId);
    expect(after.bytessent).toBeGreaterThan(before.bytessent + 3 * 80);
    expect(after.lastsend).toBeGreaterThanOrEqual(before.lastsend);
    expect((await a.result<{ totalbytessent: number }>('getnettotals')).totalbytessent).toBeGreaterThan(totalsBefore.totalbytessent + 3 * 80);
    const onB = await peerOn(b, a.p2p!.peerId);
    expect(onB.bytesrecv).toBeGreaterThan(3 * 80);
    // New blocks travel by gossip: b notes when a last gave it one.
    await waitUntil(async () => (await peerOn(b, a.p2p!.peerId)).last_block > 0, 'b to note a block from a');
    expect((await peerOn(b, a.p2p!.peerId)).last_block).toBeLessThanOrEqual(b.node.clock());
  });

  it('ping measures round trips that getpeerinfo reports', async () => {
    expect(await a.result('ping')).toBeNull();
    await waitUntil(async () => (await a.result<PeerJson[]>('getpeerinfo'))[0]?.pingtime !== undefined, 'a ping time');
    const [peer] = await a.result<PeerJson[]>('getpeerinfo');
    expect(peer!.pingtime).toBeGreaterThanOrEqual(0);
    expect(peer!.minping).toBeLessThanOrEqual(peer!.pingtime!);
  });

  it('addnode onetry dials a peer, disconnectnode drops it', async () => {
    expect(await b.result('addnode', c.address, 'onetry')).toBeNull();
    await waitUntil(async () => (await count(b)) === 2, 'b to connect to c');
    const peers = await b.result<PeerJson[]>('getpeerinfo');
    const toC = peers.find((p) => p.peer_id === c.p2p.peerId)!;
    expect(toC.inbound).toBe(false);
    expect(await b.result('disconnectnode', '', toC.id)).toBeNull();
    await waitUntil(async () => (await count(b)) === 1, 'b to drop c');
    expect((await rpcError(b, 'disconnectnode', c.address)).code).toBe(RPC.CLIENT_NODE_NOT_CONNECTED);
    expect((await rpcError(b, 'disconnectnode')).code).toBe(RPC.INVALID_PARAMS);
    // By multiaddr this time, after reconnecting.
    await b.result('addnode', c.address, 'onetry');
    await waitUntil(async () => (await count(b)) === 2, 'b to reconnect to c');
    expect(await b.result('disconnectnode', c.address)).toBeNull();
    await waitUntil(async () => (await count(b)) === 1, 'b to drop c again');
    // And by Core's host:port, as getpeerinfo gives it.
    await b.result('addnode', c.address, 'onetry');
    await waitUntil(async () => (await count(b)) === 2, 'b to reconnect to c once more');
    const again = (await b.result<PeerJson[]>('getpeerinfo')).find((p) => p.peer_id === c.p2p.peerId)!;
    expect(await b.result('disconnectnode', again.addr)).toBeNull();
    await waitUntil(async () => (await count(b)) === 1, 'b to drop c by host:port');
  });

  it('addnode add and remove keep a list', async () => {
    expect(await b.result('addnode', c.address, 'add')).toBeNull();
    expect((await rpcError(b, 'addnode', c.address, 'add')).code).toBe(RPC.CLIENT_NODE_ALREADY_ADDED);
    await waitUntil(async () => (await count(b)) === 2, 'b to connect to the added node');
    expect(await b.result('addnode', c.address, 'remove')).toBeNull();
    expect((await rpcError(b, 'addnode', c.address, 'remove')).code).toBe(-24);
    expect((await rpcError(b, 'addnode', 'not a multiaddr', 'onetry')).code).toBe(RPC.INVALID_PARAMETER);
    expect((await rpcError(b, 'addnode', c.address, 'sometimes')).code).toBe(RPC.INVALID_PARAMETER);
  });

  it('setban disconnects and lists a peer; setban remove and clearbanned lift bans', async () => {
    const peer = b.p2p!.peerId;
    expect(await a.result('setban', peer, 'add', 3600)).toBeNull();
    const [ban] = await a.result<Record<string, unknown>[]>('listbanned');
    expect(ban).toMatchObject({ address: peer, ban_duration: 3600, reason: 'manually added' });
    expect(Number(ban!.banned_until) - Number(ban!.ban_created)).toBe(3600);
    expect(ban!.time_remaining).toBeGreaterThan(3590);
    await waitUntil(async () => (await a.result<PeerJson[]>('getpeerinfo')).every((p) => p.peer_id !== peer), 'a to drop the banned peer');
    expect((await rpcError(a, 'setban', peer, 'add')).code).toBe(RPC.CLIENT_NODE_ALREADY_ADDED);

    expect(await a.result('setban', peer, 'remove')).toBeNull();
    expect(await a.result('listbanned')).toEqual([]);
    expect((await rpcError(a, 'setban', peer, 'remove')).code).toBe(RPC.CLIENT_INVALID_IP_OR_SUBNET);

    const until = a.node.clock() + 600;
    await a.result('setban', peer, 'add', until, true);
    await a.result('setban', c.p2p.peerId, 'add');
    const bans = await a.result<{ address: string; banned_until: number; ban_duration: number }[]>('listbanned');
    expect(bans.find((x) => x.address === peer)!.banned_until).toBe(until);
    expect(bans.find((x) => x.address === c.p2p.peerId)!.ban_duration).toBe(86_400);
    expect(await a.result('clearbanned')).toBeNull();
    expect(await a.result('listbanned')).toEqual([]);
    expect((await rpcError(a, 'setban', 'not-a-peer-id', 'add')).code).toBe(RPC.CLIENT_INVALID_IP_OR_SUBNET);
  });
});

describe('network RPC without p2p', () => {
  let node: RpcTestNode;

  beforeAll(async () => {
    node = await startRpcNode(tempDir('rpc-nop2p'));
  });
  afterAll(async () => {
    await node?.stop();
  });

  it('answers the read-only peer methods as Core does with networking off, and refuses the others with "P2P disabled"', async () => {
    expect(await node.result('getpeerinfo')).toEqual([]);
    expect(await node.result('getconnectioncount')).toBe(0);
    expect(await node.result('ping')).toBeNull();
    const totals = await node.result<Record<string, unknown>>('getnettotals');
    expect(totals).toMatchObject({ totalbytesrecv: 0, totalbytessent: 0, uploadtarget: { target: 0, target_reached: false } });
    expect(typeof totals.timemillis).toBe('number');
    const err = await rpcError(node, 'addnode', '/ip4/127.0.0.1/tcp/1', 'onetry');
    expect(err.code).toBe(RPC.CLIENT_P2P_DISABLED);
    for (const [method, params] of [['setban', ['x', 'add']], ['listbanned', []], ['clearbanned', []], ['disconnectnode', ['x']]] as const) {
      expect((await rpcError(node, method, ...params)).code, method).toBe(RPC.CLIENT_P2P_DISABLED);
    }
  });

  it('still reports its network info, with no addresses', async () => {
    const info = await node.result<Record<string, unknown>>('getnetworkinfo');
    expect(info).toMatchObject({ networkactive: false, connections: 0, localaddresses: [], localmultiaddrs: [] });
  });
});
