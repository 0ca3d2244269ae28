/**
 * Two gossip rules over real sockets, topology E — A — C (E a scripted peer, A and C
 * nodes): a transaction that leaves A's orphan pool is relayed, whether its parent
 * follows at once (A held the gossip verdict and forwards) or seconds later (A
 * re-publishes it); and a valid gossiped block on an old branch below the anti-DoS
 * work threshold is not stored, without a penalty, while one extending the tip is
 * (PROTOCOL.md §9.2).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EvilPeer } from '../../helpers/evil-peer.js';
import { blast } from '../../helpers/floods.js';
import { ownedOutput, payTo, spend, TestChain } from '../../helpers/chain.js';
import { TestNetwork, waitUntil, type TestNode } from '../../helpers/network.js';
import { recordTrial } from '../../helpers/reliability.js';
import { tempDir } from '../../helpers/tmp.js';
import type { Transaction } from '../../../src/primitives/tx.js';

/** 160 blocks: over the 144-block anti-DoS margin, with mature coinbase coins. */
const chain = new TestChain();
// The nodes judge the chain's blocks by the chain's own clock, whatever the date.
const net = new TestNetwork(tempDir('tally-gossip-relay'), { clock: () => chain.now });
let a: TestNode;
let c: TestNode;
let coins = 0;
const evils: EvilPeer[] = [];

beforeAll(async () => {
  chain.matureCoin(3);
  chain.mine(160 - chain.height);
  a = await net.start({ name: 'a' });
  c = await net.start({ name: 'c', bootstrap: [a.address] });
  await waitUntil(() => a.p2p.peers().length === 1 && c.p2p.peers().length === 1, 'A and C to handshake', 10_000);
  for (const block of chain.blocks.slice(1)) await a.node.submitBlock(block);
  await waitUntil(() => c.node.chain.tip.hashHex === chain.tip.hash, 'C to follow A', 30_000);
}, 60_000);
afterEach(async () => {
  for (const e of evils.splice(0)) await e.stop();
});
afterAll(() => net.stopAll());

async function evilPeer(): Promise<EvilPeer> {
  const evil = await EvilPeer.start();
  evils.push(evil);
  await evil.connect(a.address);
  await evil.handshake();
  await waitUntil(() => a.p2p.peers().some((p) => p.id === evil.peerId), 'A to count E as a peer', 10_000);
  return evil;
}

/** A parent spending the next mature coinbase coin, and a child spending the parent. */
function family(): { parent: Transaction; child: Transaction } {
  const coin = chain.coinbaseCoins[coins++]!;
  const parent = spend([coin], [payTo(1, coin.output.value - 10_000n)]);
  const child = spend([ownedOutput(parent, 0, 1)], [payTo(2, parent.outputs[0]!.value - 10_000n)]);
  return { parent, child };
}

describe('a transaction out of the orphan pool is relayed', () => {
  it('when its parent follows at once: the verdict held, then accept', async () => {
    const evil = await evilPeer();
    const { parent, child } = family();
    const accepted = a.p2p.totals().gossip.accept;
    expect((await blast(evil, 'txs', [child.toBytes(), parent.toBytes()])).sent).toBe(2);
    await waitUntil(() => c.node.mempool.has(parent.txid) && c.node.mempool.has(child.txid), 'C to get the parent and the child', 10_000);
    expect(a.p2p.totals().gossip.accept - accepted).toBe(2);
    expect(a.p2p.peerManager.score(evil.peerId)).toBe(0);
    expect(c.node.mempool.info().orphans).toBe(0);
  }, 30_000);

  it('when its parent comes after the verdict was given: re-published', async () => {
    const evil = await evilPeer();
    const { parent, child } = family();
    const ignored = a.p2p.totals().gossip.ignore;
    expect((await blast(evil, 'txs', [child.toBytes()])).sent).toBe(1);
    await waitUntil(() => a.p2p.totals().gossip.ignore > ignored, 'A to give up waiting for the parent', 10_000);
    expect(a.node.mempool.hasOrphan(child.txid)).toBe(true);
    expect((await blast(evil, 'txs', [parent.toBytes()])).sent).toBe(1);
    await waitUntil(() => c.node.mempool.has(parent.txid) && c.node.mempool.has(child.txid), 'C to get the parent and the child', 10_000);
    expect(a.p2p.peerManager.score(evil.peerId)).toBe(0);
  }, 30_000);
});

describe('gossiped blocks below the anti-DoS work threshold', () => {
  it('a valid block on an old branch is not stored, and not penalized; one on the tip is', async () => {
    const evil = await evilPeer();
    const old = chain.fork(1);
    old.mine(1);
    const stale = old.tip;
    const ignored = a.p2p.totals().gossip.ignore;
    expect((await blast(evil, 'blocks', [stale.toBytes()])).sent).toBe(1);
    await waitUntil(() => a.p2p.totals().gossip.ignore > ignored, 'A to ignore the old-branch block', 10_000);
    expect(a.node.chain.getEntry(stale.hash)).toBeUndefined();
    expect(a.p2p.peerManager.score(evil.peerId)).toBe(0);

    const next = chain.add(chain.buildBlock());
    expect((await blast(evil, 'blocks', [next.toBytes()])).sent).toBe(1);
    await waitUntil(() => a.node.chain.tip.hashHex === next.hash && c.node.chain.tip.hashHex === next.hash, 'A and C to take the new tip', 10_000);
    expect(c.node.chain.getEntry(stale.hash)).toBeUndefined();
    expect(a.p2p.peerManager.score(evil.peerId)).toBe(0);
    recordTrial({
      area: 'Adversarial peers',
      attack: 'valid-PoW block gossiped on a branch from height 1, far below the anti-DoS work threshold',
      times: 1,
      outcome: 'ignored and not stored, not forwarded, not penalized; the next block on the tip accepted and relayed',
    });
  }, 30_000);
});
