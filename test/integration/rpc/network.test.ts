/**
 * Network methods against real nodes with RPC and libp2p on 127.0.0.1: the
 * advertised multiaddr works as a bootstrap address, peers and counts follow
 * connections, bans round-trip, and a node without p2p answers with Core's codes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { RPC } from '../../../src/rpc/errors.js';
import { startRpcNode, type RpcTestNode } from '../../helpers/rpc.js';
import { TestNetwork, waitUntil, type TestNode } from '../../helpers/network.js';
import { tempDir } from '../../helpers/tmp.js';

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
    const info = await a.result<{ localaddresses: string[] }>('getnetworkinfo');
    bootstrapAddr = info.localaddresses.find((addr) => addr.startsWith('/ip4/127.0.0.1/'))!;
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
    expect(info).toMatchObject({ version: 100, subversion: '/Tally:0.1.0/', protocolversion: 1, localservices: '', networkactive: true, warnings: '', networks: [] });
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
    expect(onA!.addr).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+/);
    expect(Math.abs(onA!.conntime - a.node.clock())).toBeLessThan(120);
    const totals = await a.result<{ totalbytesrecv: number; totalbytessent: number; timemillis: number }>('getnettotals');
    expect(totals.totalbytesrecv).toBeGreaterThanOrEqual(0);
    expect(Math.abs(totals.timemillis - Date.now())).toBeLessThan(60_000);
  });

  it('ping measures round trips that getpeerinfo reports', async () => {
    expect(await a.result('ping')).toBeNull();
    await waitUntil(async () => (await a.result<PeerJson[]>('getpeerinfo'))[0]?.pingtime !== undefined, 'a ping time');
    const [peer] = await a.result<PeerJson[]>('getpeerinfo');
    expect(peer!.pingtime).toBeGreaterThanOrEqual(0);
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

  it('answers peer methods with Core\'s "P2P disabled" codes', async () => {
    for (const method of ['getpeerinfo', 'getconnectioncount', 'getnettotals', 'ping']) {
      expect((await rpcError(node, method)).code, method).toBe(RPC.CLIENT_NOT_CONNECTED);
    }
    const err = await rpcError(node, 'addnode', '/ip4/127.0.0.1/tcp/1', 'onetry');
    expect(err.code).toBe(RPC.CLIENT_P2P_DISABLED);
    for (const [method, params] of [['setban', ['x', 'add']], ['listbanned', []], ['clearbanned', []], ['disconnectnode', ['x']]] as const) {
      expect((await rpcError(node, method, ...params)).code, method).toBe(RPC.CLIENT_P2P_DISABLED);
    }
  });

  it('still reports its network info, with no addresses', async () => {
    const info = await node.result<Record<string, unknown>>('getnetworkinfo');
    expect(info).toMatchObject({ networkactive: false, connections: 0, localaddresses: [] });
  });
});
