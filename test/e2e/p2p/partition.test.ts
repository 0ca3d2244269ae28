/**
 * A network partition and its healing: two nodes mine apart, and when they
 * meet again the lighter branch gives way to the heavier one, its confirmed
 * transaction going back to the mempool and on to the winning chain.
 *
 * The nodes start without bootstrap lists and are joined with `p2p.connect`,
 * so nothing redials once `disconnectPeer` has cut them apart.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { hasPeer, isConnected, spendCoinbase, TestNetwork, waitForSameTip, waitUntil, type TestNode } from '../../helpers/network.js';
import { tempDir } from '../../helpers/tmp.js';
import { testKey } from '../../helpers/chain.js';
import { scriptFromSecret } from '../../../src/primitives/sign.js';

const net = new TestNetwork(tempDir('tally-p2p-partition'));
afterAll(() => net.stopAll());

const KEY_A = 8;
const KEY_B = 9;

async function join(a: TestNode, b: TestNode): Promise<void> {
  await a.p2p.connect(b.address);
  await waitUntil(() => hasPeer(a, b) && hasPeer(b, a), `${a.name} and ${b.name} to handshake`);
}

async function split(a: TestNode, b: TestNode): Promise<void> {
  await a.p2p.disconnectPeer(b.p2p.peerId);
  await b.p2p.disconnectPeer(a.p2p.peerId);
  await waitUntil(() => !isConnected(a, b) && !isConnected(b, a) && !hasPeer(a, b) && !hasPeer(b, a), `${a.name} and ${b.name} to part`, 5_000);
}

describe('partition', () => {
  it('the lighter side reorganizes to the heavier branch and keeps its transaction', async () => {
    const a = await net.start({ name: 'part-a' });
    const b = await net.start({ name: 'part-b' });
    await join(a, b);

    // Mining in step: a coinbase of A's to spend later, then blocks from both sides.
    await a.node.generate(101, scriptFromSecret(testKey(KEY_A)));
    await waitForSameTip([a, b]);
    for (let i = 0; i < 2; i++) {
      await b.node.generate(1, scriptFromSecret(testKey(KEY_B)));
      await waitForSameTip([a, b]);
      await a.node.generate(1, scriptFromSecret(testKey(KEY_A)));
      await waitForSameTip([a, b]);
    }
    const forkHeight = a.node.chain.height;
    expect(forkHeight).toBe(105);

    await split(a, b);
    // Still apart after a status refresh period (2 s in tests): nothing redials.
    await new Promise((r) => setTimeout(r, 2_500));
    expect(isConnected(a, b) || isConnected(b, a)).toBe(false);

    // A: 3 blocks, the first confirming txA. B: 6 blocks, more work.
    const txA = await spendCoinbase(a, 1, KEY_A, { to: 10 });
    expect((await a.node.sendTransaction(txA)).status).toBe('accepted');
    const [firstA] = await a.node.generate(3, scriptFromSecret(testKey(KEY_A)));
    expect((await a.node.chain.findTransaction(txA.txid))?.entry.hashHex).toBe(firstA);
    expect(a.node.mempool.has(txA.txid)).toBe(false);
    await b.node.generate(6, scriptFromSecret(testKey(KEY_B)));
    expect(a.node.chain.height).toBe(forkHeight + 3);
    expect(b.node.chain.height).toBe(forkHeight + 6);
    expect(b.node.mempool.has(txA.txid)).toBe(false);
    const branchB = b.node.chain.tip.hashHex;

    const reorgs: { fork: number; oldTip: number; newTip: number }[] = [];
    a.node.on('reorg', ({ fork, oldTip, newTip }) => reorgs.push({ fork: fork.height, oldTip: oldTip.height, newTip: newTip.height }));
    await join(a, b);

    await waitForSameTip([a, b], 20_000);
    expect(a.node.chain.tip.hashHex).toBe(branchB);
    // One reorganization, from A's tip back to the fork; it happens as soon as B's branch has more work
    // (usually at fork + 4), and the rest of B's blocks then simply extend it.
    expect(reorgs).toHaveLength(1);
    expect(reorgs[0]).toMatchObject({ fork: forkHeight, oldTip: forkHeight + 3 });
    expect(reorgs[0]!.newTip).toBeGreaterThan(forkHeight + 3);
    expect(await a.node.chain.utxoDigest()).toEqual(await b.node.chain.utxoDigest());
    // txA's block is gone from A's chain; txA is back in A's mempool.
    expect(await a.node.chain.findTransaction(txA.txid)).toBeUndefined();
    expect(a.node.mempool.has(txA.txid)).toBe(true);

    // The next block mined on the winning chain confirms it on both sides.
    const [next] = await a.node.generate(1, scriptFromSecret(testKey(KEY_A)));
    await waitForSameTip([a, b]);
    expect(b.node.chain.tip.hashHex).toBe(next);
    expect((await b.node.chain.findTransaction(txA.txid))?.entry.hashHex).toBe(next);
    expect(a.node.mempool.has(txA.txid) || b.node.mempool.has(txA.txid)).toBe(false);
    expect(await a.node.chain.utxoDigest()).toEqual(await b.node.chain.utxoDigest());
  }, 60_000);
});
