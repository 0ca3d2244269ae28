/**
 * DHT discovery with real nodes on 127.0.0.1: six nodes that know only the
 * first one's address find each other; a node restarted while that first node
 * is gone reconnects from its peers.json; and the DHT of another network never
 * mixes with this one.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { peerIdFromString } from '@libp2p/peer-id';
import { hasPeer, isConnected, TestNetwork, waitUntil, type StartOptions, type TestNode } from '../../helpers/network.js';
import { tempDir } from '../../helpers/tmp.js';
import { dhtProtocol, routingTableOf } from '../../../src/network/discovery/dht.js';

const root = tempDir('tally-p2p-discovery');
const MIN_OUTBOUND = 3;
const withDht = (opts: StartOptions = {}): StartOptions => ({ ...opts, p2p: { dht: true, minOutbound: MIN_OUTBOUND, maxOutbound: 6, ...opts.p2p } });

/** Whether `b` is in `a`'s DHT routing table. */
async function inRoutingTable(a: TestNode, b: TestNode): Promise<boolean> {
  const dht = a.p2p.libp2p.services.dht;
  if (!dht) return false;
  return (await routingTableOf(dht)!.find(peerIdFromString(b.p2p.peerId))) !== undefined;
}

describe('DHT discovery from one bootstrap address', () => {
  const net = new TestNetwork(root);
  afterAll(() => net.stopAll());
  let nodes: TestNode[] = [];

  it('each of six nodes given only the first address reaches its target of peers', async () => {
    const first = await net.start(withDht({ name: 'disc0' }));
    nodes = [first];
    for (let i = 1; i < 6; i++) nodes.push(await net.start(withDht({ name: `disc${i}`, bootstrap: [first.address] })));
    const target = Math.min(MIN_OUTBOUND, nodes.length - 1);
    await waitUntil(() => nodes.every((n) => n.p2p.peers().length >= target), `every node to have ${target} peers`, 25_000, 100);
    // Beyond the bootstrap node: peers that no option named.
    for (const n of nodes.slice(1)) expect(n.p2p.peers().filter((p) => p.id !== first.p2p.peerId).length).toBeGreaterThanOrEqual(target - 1);
    expect(routingTableOf(first.p2p.libp2p.services.dht!)!.size).toBeGreaterThanOrEqual(nodes.length - 1);
  }, 40_000);

  it('a node restarted while the bootstrap node is gone reconnects from peers.json', async () => {
    const [first, , , , , last] = nodes as [TestNode, TestNode, TestNode, TestNode, TestNode, TestNode];
    await net.stop(first);
    const path = join(last.node.config.datadir, 'peers.json');
    const restarted = await net.restart(last, withDht({ bootstrap: [first.address] }));
    const saved = JSON.parse(readFileSync(path, 'utf8')) as { network: string; peers: { id: string }[] };
    expect(saved.network).toBe('regtest');
    const others = nodes.slice(1, 5);
    expect(others.some((o) => saved.peers.some((p) => p.id === o.p2p.peerId))).toBe(true);
    await waitUntil(() => others.filter((o) => hasPeer(restarted, o)).length >= MIN_OUTBOUND, `the restarted node to reach ${MIN_OUTBOUND} peers without the bootstrap node`, 20_000, 100);
    expect(isConnected(restarted, first)).toBe(false);
  }, 40_000);
});

describe('network isolation', () => {
  const net = new TestNetwork(root);
  afterAll(() => net.stopAll());

  it('a regtest DHT and a testnet DHT never take each other into their routing tables', async () => {
    expect(dhtProtocol('regtest')).not.toBe(dhtProtocol('testnet'));
    const a = await net.start(withDht({ name: 'iso-regtest-a' }));
    const identified = new Map<string, string[]>();
    a.p2p.libp2p.addEventListener('peer:identify', (evt) => identified.set(evt.detail.peerId.toString(), evt.detail.protocols));
    const t = await net.start(withDht({ name: 'iso-testnet', network: 'testnet', bootstrap: [a.address] }));
    // The testnet node connects (libp2p knows nothing of networks) and identify tells A its DHT protocol.
    await waitUntil(() => identified.has(t.p2p.peerId), 'the regtest node to identify the testnet node', 10_000);
    expect(identified.get(t.p2p.peerId)).toContain(dhtProtocol('testnet'));
    expect(identified.get(t.p2p.peerId)).not.toContain(dhtProtocol('regtest'));
    // A regtest node joining later enters A's table (so any update for the testnet node had its turn first).
    const b = await net.start(withDht({ name: 'iso-regtest-b', bootstrap: [a.address] }));
    await waitUntil(async () => (await inRoutingTable(a, b)) && (await inRoutingTable(b, a)), 'the regtest nodes to share a DHT', 15_000, 100);
    expect(await inRoutingTable(a, t)).toBe(false);
    expect(await inRoutingTable(b, t)).toBe(false);
    expect(await inRoutingTable(t, a)).toBe(false);
    expect(routingTableOf(t.p2p.libp2p.services.dht!)!.size).toBe(0);
    expect(hasPeer(t, a) || hasPeer(t, b)).toBe(false);
  }, 30_000);
});

describe('what turns discovery off, and what does not stop it', () => {
  const net = new TestNetwork(root);
  afterAll(() => net.stopAll());

  it('a corrupt peers.json is ignored: the node starts and still finds its peers', async () => {
    const a = await net.start(withDht({ name: 'corrupt-a' }));
    const datadir = join(root, 'corrupt-b');
    mkdirSync(datadir, { recursive: true });
    writeFileSync(join(datadir, 'peers.json'), '{"version":1,"network":"regtest","peers":[{"id":');
    const b = await net.start(withDht({ name: 'corrupt-b', datadir, bootstrap: [a.address] }));
    await waitUntil(() => hasPeer(a, b) && hasPeer(b, a), 'the node with a corrupt peers.json to find its peer', 10_000);
    await net.stop(b);
    // Stopping rewrote it whole, with the peer it learnt.
    const saved = JSON.parse(readFileSync(join(datadir, 'peers.json'), 'utf8')) as { peers: { id: string }[] };
    expect(saved.peers.map((p) => p.id)).toContain(a.p2p.peerId);
  }, 30_000);

  it('--connect and --no-dht run no DHT and keep no peers.json', async () => {
    const a = await net.start(withDht({ name: 'plain-a' }));
    const connect = await net.start(withDht({ name: 'plain-connect', p2p: { connect: [a.address] } }));
    const noDht = await net.start({ name: 'plain-nodht', bootstrap: [a.address], p2p: { dht: false } });
    await waitUntil(() => hasPeer(connect, a) && hasPeer(noDht, a), 'both to reach their peer', 10_000);
    for (const n of [connect, noDht]) {
      expect(n.p2p.libp2p.services.dht).toBeUndefined();
      expect(n.p2p.libp2p.getProtocols()).not.toContain(dhtProtocol('regtest'));
      await net.stop(n);
      expect(existsSync(join(n.node.config.datadir, 'peers.json'))).toBe(false);
    }
  }, 30_000);
});
