/**
 * Honest peers are not banned for being ahead (PROTOCOL.md §9.4), over real
 * libp2p sockets. A is one block ahead of B: B has not received A's last
 * block yet (B is unsubscribed from the blocks topic meanwhile, so the
 * transaction overtakes the block). A relays a spend of a coinbase that
 * matures at A's tip, which is premature at B's. B must ignore it, not
 * reject it, ban A or disconnect; once the block arrives B takes the
 * transaction into its mempool. Before the fix B rejected it with score 100
 * and banned A for 24 hours, so any coinbase owner could split the network
 * after every block.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Block } from '../../../src/primitives/block.js';
import { topics } from '../../../src/network/gossip/topics.js';
import { payTo, spend, TestChain } from '../../helpers/chain.js';
import { hasPeer, isConnected, TestNetwork, waitUntil, type TestNode } from '../../helpers/network.js';
import { recordTrial } from '../../helpers/reliability.js';
import { tempDir } from '../../helpers/tmp.js';

const chain = new TestChain();
// One clock for the blocks the chain builds and the nodes that judge them.
const net = new TestNetwork(tempDir('tally-honest-ahead'), { clock: () => chain.now });
/** The topic A relays its blocks on: compact blocks, the default relay mode (PROTOCOL.md §9.5). */
const BLOCKS = topics('regtest').cmpctblock;
/** Status refreshes would tell B of A's tip before the block: only gossip and handshakes may. */
const P2P = { statusIntervalSeconds: 3600 };
let a: TestNode;
let b: TestNode;

beforeAll(async () => {
  chain.mine(chain.params.coinbaseMaturity);
  a = await net.start({ name: 'a', p2p: P2P });
  b = await net.start({ name: 'b', bootstrap: [a.address], p2p: P2P });
  await waitUntil(() => hasPeer(a, b) && hasPeer(b, a), 'A and B to handshake', 15_000);
  for (const block of chain.blocks.slice(1)) await a.node.submitBlock(block);
  await waitUntil(() => b.node.chain.tip.hashHex === chain.tip.hash, 'B to follow A', 30_000);
}, 60_000);
afterAll(() => net.stopAll());

/** Whether A knows that B listens to the blocks topic. */
function bListensToBlocks(): boolean {
  return a.p2p.libp2p.services.pubsub.getSubscribers(BLOCKS).some((p) => p.toString() === b.p2p.peerId);
}

/** Gives A the next block while B does not listen to block gossip, so B stays one block behind. */
async function aheadByOne(): Promise<Block> {
  b.p2p.libp2p.services.pubsub.unsubscribe(BLOCKS);
  await waitUntil(() => !bListensToBlocks(), 'A to learn that B left the blocks topic', 10_000);
  const block = chain.add(chain.buildBlock());
  await a.node.submitBlock(block);
  expect(a.node.chain.tip.hashHex).toBe(block.hash);
  return block;
}

describe('a peer one block ahead relays a spend of a coinbase maturing at its tip', () => {
  it('is ignored without blame, and the transaction is taken once the block arrives', async () => {
    const behind = b.node.chain.tip.hashHex;
    const ahead = await aheadByOne();
    // Mined at height 2: mature for A's next block (102), premature for B's (101).
    const coin = chain.coinbaseCoins[1]!;
    const tx = spend([coin], [payTo(1, coin.output.value - 10_000n)]);
    const before = b.p2p.totals().gossip;
    expect((await a.node.sendTransaction(tx)).status).toBe('accepted');

    const judged = () => b.p2p.totals().gossip.ignore + b.p2p.totals().gossip.reject;
    await waitUntil(() => judged() > before.ignore + before.reject, 'B to judge the transaction', 15_000);
    const after = b.p2p.totals().gossip;
    expect([after.reject - before.reject, after.ignore - before.ignore]).toEqual([0, 1]);
    expect(b.node.chain.tip.hashHex).toBe(behind); // the transaction did overtake the block
    expect(b.node.mempool.has(tx.txid)).toBe(false);
    expect(b.p2p.peerManager.score(a.p2p.peerId)).toBe(0);
    expect(b.p2p.peerManager.isBanned(a.p2p.peerId)).toBe(false);
    expect(isConnected(b, a) && hasPeer(b, a)).toBe(true);

    // The block arrives: B listens again, A's next block is an orphan to B, which syncs both from A.
    b.p2p.libp2p.services.pubsub.subscribe(BLOCKS);
    await waitUntil(bListensToBlocks, 'A to learn that B is back on the blocks topic', 10_000);
    const next = chain.add(chain.buildBlock());
    await a.node.submitBlock(next);
    await waitUntil(() => b.node.chain.tip.hashHex === next.hash, 'B to get the block it lacked and the next', 15_000);
    expect(b.node.chain.getEntryAtHeight(b.node.chain.height - 1)?.hashHex).toBe(ahead.hash);
    await waitUntil(() => b.node.mempool.has(tx.txid), 'B to take the transaction after the block', 15_000);
    expect(b.p2p.peerManager.score(a.p2p.peerId)).toBe(0);
    expect(a.p2p.peerManager.score(b.p2p.peerId)).toBe(0);
    expect(b.p2p.peerManager.listBans()).toEqual([]);
    expect(a.p2p.peerManager.listBans()).toEqual([]);
    expect(isConnected(b, a) && hasPeer(b, a) && hasPeer(a, b)).toBe(true);
    recordTrial({
      area: 'Adversarial peers',
      attack: 'banned-honest-peer case: a peer one block ahead relays a spend of a coinbase maturing at its tip (the transaction overtakes the block)',
      times: 1,
      outcome: 'ignored, not rejected: no penalty, no ban, still connected; accepted into the mempool once the block arrived',
    });
  }, 60_000);
});
