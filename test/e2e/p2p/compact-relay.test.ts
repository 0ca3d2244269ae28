/**
 * Compact block relay over real sockets (PROTOCOL.md §9.5), nodes on 127.0.0.1:
 * a block whose transactions every mempool holds reaches every node as a
 * compact block rebuilt from the pool, and no full block is gossiped; a block
 * of transactions nobody has seen is completed by getblocktxn from each
 * node's sender; getblocktxn is served to a scripted peer (and a request past
 * the block's end costs 20); a scripted peer whose compact block lies about
 * the block it serves is banned; and a network of compact and full relay
 * nodes converges, each node sending blocks in its own form only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compactBlockOf, decodeBlockTxn, encodeBlockTxnRequest, encodeCompactBlock } from '../../../src/network/gossip/compact/message.js';
import { topics } from '../../../src/network/gossip/topics.js';
import type { Block } from '../../../src/primitives/block.js';
import type { Transaction } from '../../../src/primitives/tx.js';
import { payTo, spend, TestChain } from '../../helpers/chain.js';
import { EvilPeer, frame } from '../../helpers/evil-peer.js';
import { TestNetwork, waitForSameTip, waitUntil, type TestNode } from '../../helpers/network.js';
import { tempDir } from '../../helpers/tmp.js';

const TOPICS = topics('regtest');
const WAIT_MS = 20_000;

/** Gossip messages each node received, by topic and sender. */
class Observer {
  readonly seen: { to: string; from: string; topic: string }[] = [];

  watch(n: TestNode, names: ReadonlyMap<string, string>): void {
    n.p2p.libp2p.services.pubsub.addEventListener('gossipsub:message', (evt) => {
      const from = evt.detail.propagationSource.toString();
      this.seen.push({ to: n.name, from: names.get(from) ?? from, topic: evt.detail.msg.topic });
    });
  }

  count(topic: string, filter: (m: { to: string; from: string }) => boolean = () => true): number {
    return this.seen.filter((m) => m.topic === topic && filter(m)).length;
  }
}

function namesOf(nodes: readonly TestNode[]): Map<string, string> {
  return new Map(nodes.map((n) => [n.p2p.peerId, n.name]));
}

/** Spends of the next `n` mature coinbase coins of `chain`. */
function spends(chain: TestChain, from: number, n: number): Transaction[] {
  return chain.coinbaseCoins.slice(from, from + n).map((coin, i) => spend([coin], [payTo(i + 1, coin.output.value - 2_000n)]));
}

async function submitAndWait(chain: TestChain, origin: TestNode, nodes: readonly TestNode[], txs: Transaction[]): Promise<Block> {
  const block = chain.add(chain.buildBlock({ transactions: txs, fees: 2_000n * BigInt(txs.length) }));
  expect((await origin.node.submitBlock(block)).status).toBe('connected');
  await waitUntil(() => nodes.every((n) => n.node.chain.tip.hashHex === block.hash), `every node to take block ${block.hash}`, WAIT_MS);
  return block;
}

describe('compact relay: all nodes compact', () => {
  const chain = new TestChain();
  const net = new TestNetwork(tempDir('tally-compact-relay'), { clock: () => chain.now });
  const observer = new Observer();
  let nodes: TestNode[];
  let coins = 0;

  beforeAll(async () => {
    chain.matureCoin(20);
    const a = await net.start({ name: 'a' });
    const b = await net.start({ name: 'b', bootstrap: [a.address] });
    const c = await net.start({ name: 'c', bootstrap: [b.address] });
    const d = await net.start({ name: 'd', bootstrap: [c.address, a.address] });
    nodes = [a, b, c, d];
    await waitUntil(() => nodes.every((n) => n.p2p.peers().length >= 1), 'the nodes to handshake', WAIT_MS);
    for (const block of chain.blocks.slice(1)) await a.node.submitBlock(block);
    await waitForSameTip(nodes, 60_000);
    const names = namesOf(nodes);
    for (const n of nodes) observer.watch(n, names);
  }, 120_000);
  afterAll(() => net.stopAll());

  it('a block of transactions every mempool holds is rebuilt from the pool everywhere; no full block is gossiped', async () => {
    const [a, ...others] = nodes;
    const txs = spends(chain, coins, 6);
    coins += 6;
    for (const tx of txs) expect((await a!.node.sendTransaction(tx)).status).toBe('accepted');
    await waitUntil(() => nodes.every((n) => txs.every((tx) => n.node.mempool.has(tx.txid))), 'every mempool to hold the transactions', WAIT_MS);
    const before = others.map((n) => n.p2p.totals().compact);

    await submitAndWait(chain, a!, nodes, txs);
    others.forEach((n, i) => {
      const now = n.p2p.totals().compact;
      expect(now.fromPool + now.withBlockTxn - before[i]!.fromPool - before[i]!.withBlockTxn).toBe(1);
      expect([now.txsRequested, now.fullBlocks]).toEqual([before[i]!.txsRequested, before[i]!.fullBlocks]);
    });
    expect(observer.count(TOPICS.blocks)).toBe(0);
    expect(observer.count(TOPICS.cmpctblock)).toBeGreaterThanOrEqual(others.length);
    for (const n of nodes) expect(n.node.mempool.size).toBe(0);
  }, 60_000);

  it('a block of transactions nobody has seen is completed by getblocktxn from the sender', async () => {
    const [a, ...others] = nodes;
    const txs = spends(chain, coins, 4);
    coins += 4;
    const before = others.map((n) => n.p2p.totals().compact);

    await submitAndWait(chain, a!, nodes, txs);
    others.forEach((n, i) => {
      const now = n.p2p.totals().compact;
      expect(now.withBlockTxn - before[i]!.withBlockTxn).toBe(1);
      expect(now.txsRequested - before[i]!.txsRequested).toBe(4);
      expect(now.fullBlocks).toBe(before[i]!.fullBlocks);
    });
    expect(observer.count(TOPICS.blocks)).toBe(0);
    for (const n of nodes) for (const peer of n.p2p.peers()) expect(n.p2p.peerManager.score(peer.id)).toBe(0);
  }, 60_000);

  it('getblocktxn is served by index, answered empty for an unknown block, and an index past the block costs 20', async () => {
    const [a] = nodes;
    const evil = await EvilPeer.start();
    try {
      await evil.connect(a!.address);
      await evil.handshake();
      await waitUntil(() => a!.p2p.peers().some((p) => p.id === evil.peerId), 'A to count the scripted peer', WAIT_MS);
      const block = (await a!.node.chain.getBlock(a!.node.chain.tip.hashHex))!;
      const ask = (hash: string, indexes: number[]) => evil.requestRaw(evil.ids.blocktxn, [frame(encodeBlockTxnRequest({ hash, indexes }))]);

      const served = await ask(block.hash, [1, 3]);
      expect(served.end).toBe('closed');
      expect(decodeBlockTxn(served.frames[0]!).txs.map((t) => t.txid)).toEqual([block.transactions[1]!.txid, block.transactions[3]!.txid]);
      const unknown = await ask('11'.repeat(32), [1]);
      expect(decodeBlockTxn(unknown.frames[0]!)).toEqual({ hash: '11'.repeat(32), txs: [] });
      expect(a!.p2p.peerManager.score(evil.peerId)).toBe(0);

      expect((await ask(block.hash, [block.transactions.length])).end).toBe('reset');
      await waitUntil(() => a!.p2p.peerManager.score(evil.peerId) === 20, 'a penalty of 20 for an index past the block', WAIT_MS);
    } finally {
      await evil.stop();
    }
  }, 60_000);

  it('a compact block that lies about its block (swapped short ids) is rejected and its sender banned', async () => {
    const [a] = nodes;
    const txs = spends(chain, coins, 3);
    coins += 3;
    for (const tx of txs) expect((await a!.node.sendTransaction(tx)).status).toBe('accepted');
    const block = chain.buildBlock({ transactions: txs, fees: 6_000n });
    const honest = compactBlockOf(block, 9n);
    const [first, second, ...rest] = honest.shortIds;
    const evil = await EvilPeer.start();
    try {
      await evil.connect(a!.address);
      await evil.handshake();
      await waitUntil(() => a!.p2p.peers().some((p) => p.id === evil.peerId), 'A to count the scripted peer', WAIT_MS);
      // It serves the real block when asked, which shows the compact block did not describe it.
      await evil.serve({ blocks: (hashes) => (hashes[0] === block.hash ? [block.toBytes()] : []) });
      const tip = a!.node.chain.tip.hashHex;
      const rejected = a!.p2p.totals().gossip.reject;
      expect(await evil.gossipCompactBlock(encodeCompactBlock({ ...honest, shortIds: [second!, first!, ...rest] }))).toBe(1);
      await waitUntil(() => a!.p2p.peerManager.isBanned(evil.peerId), 'A to ban the sender of the lying compact block', WAIT_MS);
      expect(a!.p2p.totals().gossip.reject).toBe(rejected + 1);
      expect(evil.served.blocks).toEqual([[block.hash]]);
      expect(a!.node.chain.tip.hashHex).toBe(tip);
    } finally {
      await evil.stop();
    }
  }, 60_000);
});

describe('compact relay: compact and full nodes in one network', () => {
  const chain = new TestChain();
  const net = new TestNetwork(tempDir('tally-compact-mixed'), { clock: () => chain.now });
  const observer = new Observer();
  let x: TestNode;
  let f: TestNode;
  let y: TestNode;

  beforeAll(async () => {
    chain.matureCoin(4);
    // x (compact) — f (full) — y (compact): blocks between x and y pass through the full node.
    f = await net.start({ name: 'f', p2p: { blockRelay: 'full' } });
    x = await net.start({ name: 'x', bootstrap: [f.address] });
    y = await net.start({ name: 'y', bootstrap: [f.address] });
    await waitUntil(() => f.p2p.peers().length === 2, 'F to handshake with X and Y', WAIT_MS);
    for (const block of chain.blocks.slice(1)) await f.node.submitBlock(block);
    await waitForSameTip([f, x, y], 60_000);
    const names = namesOf([x, f, y]);
    for (const n of [x, f, y]) observer.watch(n, names);
  }, 120_000);
  afterAll(() => net.stopAll());

  it('blocks from a compact node and from a full node reach everyone; each node sends only its own form', async () => {
    let coin = 0;
    for (const origin of [x, f, y, x]) {
      const txs = spends(chain, coin++, 1);
      expect((await origin.node.sendTransaction(txs[0]!)).status).toBe('accepted');
      await waitUntil(() => [x, f, y].every((n) => n.node.mempool.has(txs[0]!.txid)), 'the transaction to reach every mempool', WAIT_MS);
      await submitAndWait(chain, origin, [x, f, y], txs);
    }
    expect(observer.count(TOPICS.cmpctblock, (m) => m.from === 'f')).toBe(0);
    expect(observer.count(TOPICS.blocks, (m) => m.from === 'x' || m.from === 'y')).toBe(0);
    expect(observer.count(TOPICS.blocks, (m) => m.from === 'f')).toBeGreaterThan(0);
    expect(observer.count(TOPICS.cmpctblock, (m) => m.to === 'f')).toBeGreaterThan(0);
    expect(f.p2p.totals().compact.fromPool).toBeGreaterThan(0);
  }, 90_000);
});
