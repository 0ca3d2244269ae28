/**
 * A small network of real nodes on 127.0.0.1: blocks and transactions reach
 * every node through gossip relays, a peer of another network is dropped at
 * the handshake, and a node keeps its peer id across a restart.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  hasPeer, isConnected, spendCoinbase, TestNetwork, waitForSameTip, waitUntil, type TestNode,
} from '../../helpers/network.js';
import { tempDir } from '../../helpers/tmp.js';
import { testKey } from '../../helpers/chain.js';
import { scriptFromSecret } from '../../../src/primitives/sign.js';

const root = tempDir('tally-p2p-network');

describe('a line of four nodes', () => {
  const net = new TestNetwork(root);
  let nodes: TestNode[] = [];
  afterAll(() => net.stopAll());

  beforeAll(async () => {
    // n0 <- n1 <- n2 <- n3: each knows only its left neighbour, so anything reaching n3 from n0 was relayed twice.
    const n0 = await net.start({ name: 'line0' });
    const n1 = await net.start({ name: 'line1', bootstrap: [n0.address] });
    const n2 = await net.start({ name: 'line2', bootstrap: [n1.address] });
    const n3 = await net.start({ name: 'line3', bootstrap: [n2.address] });
    nodes = [n0, n1, n2, n3];
    await waitUntil(() => [n0, n3].every((n) => n.p2p.peers().length === 1) && [n1, n2].every((n) => n.p2p.peers().length === 2), 'the line to connect');
  }, 30_000);

  it('a block mined on one end reaches every node', async () => {
    const [n0, , , n3] = nodes as [TestNode, TestNode, TestNode, TestNode];
    const [hash] = await n0.node.generate(1, scriptFromSecret(testKey(1)));
    await waitForSameTip(nodes);
    expect(n3.node.chain.tip.hashHex).toBe(hash);
    // And back the other way.
    const [back] = await n3.node.generate(1, scriptFromSecret(testKey(1)));
    await waitForSameTip(nodes);
    expect(n0.node.chain.tip.hashHex).toBe(back);
    expect(nodes.map((n) => n.node.chain.height)).toEqual([2, 2, 2, 2]);
  }, 30_000);

  it('a transaction sent to one node enters every mempool', async () => {
    const [n0, , , n3] = nodes as [TestNode, TestNode, TestNode, TestNode];
    const key = 2;
    const start = n0.node.chain.height;
    await n0.node.generate(101, scriptFromSecret(testKey(key)));
    await waitForSameTip(nodes, 30_000);
    expect(n3.node.chain.height).toBe(start + 101);

    // The coinbase of n0's first block to testKey(2) is mature now; n3 (the far end) gets the spend.
    const tx = await spendCoinbase(n3, start + 1, key);
    const result = await n3.node.sendTransaction(tx);
    expect(result.status).toBe('accepted');
    await waitUntil(() => nodes.every((n) => n.node.mempool.has(tx.txid)), 'the transaction in every mempool');

    // Mined at the other end, it leaves every mempool.
    const [hash] = await n0.node.generate(1, scriptFromSecret(testKey(key)));
    await waitForSameTip(nodes);
    expect(n3.node.chain.tip.hashHex).toBe(hash);
    expect(nodes.every((n) => !n.node.mempool.has(tx.txid))).toBe(true);
    expect((await n3.node.chain.findTransaction(tx.txid))?.entry.hashHex).toBe(hash);
  }, 60_000);
});

describe('peers', () => {
  const net = new TestNetwork(root);
  afterEach(() => net.stopAll());

  it('drops a peer of another network and does not dial it again', async () => {
    const reg = await net.start({ name: 'regtest-peer' });
    // The testnet node dials while it starts, before its id is known here: record every arrival.
    const arrivals: string[] = [];
    reg.p2p.libp2p.addEventListener('peer:connect', (evt) => arrivals.push(evt.detail.toString()));
    const other = await net.start({ name: 'testnet-peer', network: 'testnet', bootstrap: [reg.address] });
    expect(other.node.config.network.name).toBe('testnet');
    expect(other.node.config.network.genesisHash).not.toBe(reg.node.config.network.genesisHash);
    const dials = () => arrivals.filter((id) => id === other.p2p.peerId).length;

    // The connection opens (libp2p knows nothing of networks), then the status handshake closes it from both sides.
    await waitUntil(() => dials() > 0, 'the testnet node to dial the regtest node', 10_000);
    await waitUntil(() => !isConnected(reg, other) && !isConnected(other, reg), 'the connection between networks to close', 5_000);
    // Past the bootstrap module's own dial (1 s after start): the cool-down keeps the peer away.
    const until = Date.now() + 2_500;
    await waitUntil(() => {
      expect(hasPeer(reg, other) || hasPeer(other, reg)).toBe(false);
      expect(isConnected(reg, other) || isConnected(other, reg)).toBe(false);
      return Date.now() >= until;
    }, 'the cool-down window', 10_000);
    expect(reg.p2p.peers()).toEqual([]);
    expect(other.p2p.peers()).toEqual([]);
    expect(dials()).toBe(1);

    // A regtest node is still welcome.
    const friend = await net.start({ name: 'regtest-friend', bootstrap: [reg.address] });
    await waitUntil(() => hasPeer(reg, friend) && hasPeer(friend, reg), 'a same-network peer to handshake');
  }, 45_000);

  it('keeps its peer id across a restart on the same datadir', async () => {
    const a = await net.start({ name: 'persistent' });
    const id = a.p2p.peerId;
    await a.node.generate(2, scriptFromSecret(testKey(3)));
    const again = await net.restart(a);
    expect(again.p2p.peerId).toBe(id);
    expect(again.address.endsWith(`/p2p/${id}`)).toBe(true);
    expect(again.node.chain.height).toBe(2);

    // Peers see the same identity under its new address.
    const b = await net.start({ name: 'persistent-peer', bootstrap: [again.address] });
    await waitUntil(() => b.p2p.peers().some((p) => p.id === id), 'the restarted node to handshake under its old id');
    await waitForSameTip([again, b]);

    // A node that was not restarted, on a different datadir, has a different id.
    expect(b.p2p.peerId).not.toBe(id);
  }, 45_000);
});
