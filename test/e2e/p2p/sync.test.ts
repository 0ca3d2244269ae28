/**
 * Initial sync over real connections: a node started late catches up on a
 * 500-block chain (with spends in it) from three peers at once and ends with
 * the same tip and the same UTXO set.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spendCoinbase, TestNetwork, waitForSameTip, waitUntil, type TestNode } from '../../helpers/network.js';
import { tempDir } from '../../helpers/tmp.js';
import { ownedOutput, payTo, spend, testKey } from '../../helpers/chain.js';
import { scriptFromSecret } from '../../../src/primitives/sign.js';
import type { Transaction } from '../../../src/primitives/tx.js';

const net = new TestNetwork(tempDir('tally-p2p-sync'));
afterAll(() => net.stopAll());

const KEY = 4;
const HEIGHT = 500;

/** Mines `HEIGHT` blocks on `a`; blocks 121-130 carry coinbase spends, some of them spent again in the next block. */
async function buildChain(a: TestNode): Promise<string[]> {
  const payout = scriptFromSecret(testKey(KEY));
  // 120 blocks: the coinbases of blocks 1-20 are all mature for block 121.
  await a.node.generate(120, payout);
  const confirmed: string[] = [];
  let previous: Transaction[] = [];
  for (let i = 0; i < 10; i++) {
    const txs = [await spendCoinbase(a, 2 * i + 1, KEY, { to: 5 }), await spendCoinbase(a, 2 * i + 2, KEY, { to: 6 })];
    // A spend of an output confirmed one block earlier: the UTXO set must follow both.
    if (previous[0]) txs.push(spend([ownedOutput(previous[0], 0, 5)], [payTo(7, previous[0].outputs[0]!.value - 5_000n)]));
    for (const tx of txs) expect((await a.node.sendTransaction(tx)).status).toBe('accepted');
    const [hash] = await a.node.generate(1, payout);
    const block = await a.node.chain.getBlock(hash!);
    expect(block!.transactions.length).toBe(txs.length + 1);
    confirmed.push(...txs.map((t) => t.txid));
    previous = txs;
  }
  await a.node.generate(HEIGHT - a.node.chain.height, payout);
  expect(a.node.chain.height).toBe(HEIGHT);
  return confirmed;
}

describe('initial sync', () => {
  it(`a late node syncs ${HEIGHT} blocks from three peers`, async () => {
    const a = await net.start({ name: 'sync-a' });
    const confirmed = await buildChain(a);

    const b = await net.start({ name: 'sync-b', bootstrap: [a.address] });
    const c = await net.start({ name: 'sync-c', bootstrap: [a.address] });
    await waitForSameTip([a, b, c], 30_000);

    // Served bytes only grow in the blocks protocol: a rise on a peer means the late node downloaded from it.
    const servers = [a, b, c];
    const before = servers.map((n) => n.p2p.totals().bytesOut);
    const d = await net.start({ name: 'sync-d', bootstrap: servers.map((n) => n.address) });
    await waitForSameTip([a, b, c, d], 30_000);
    await waitUntil(() => d.p2p.peers().length === 3, 'the late node to know all three peers');

    expect(d.node.chain.height).toBe(HEIGHT);
    const digests = await Promise.all([a, b, c, d].map((n) => n.node.chain.utxoDigest()));
    for (const digest of digests.slice(1)) expect(digest).toEqual(digests[0]);
    for (const txid of [confirmed[0]!, confirmed[confirmed.length - 1]!]) {
      expect((await d.node.chain.findTransaction(txid))?.entry.height).toBe((await a.node.chain.findTransaction(txid))?.entry.height);
    }
    const served = servers.filter((n, i) => n.p2p.totals().bytesOut > before[i]!).map((n) => n.name);
    expect(served.length, `peers that served blocks: ${served.join(', ')}`).toBeGreaterThan(1);
    expect(d.p2p.syncStatus()).toMatchObject({ syncing: false, height: HEIGHT, bestHeight: HEIGHT, inFlight: 0 });
  }, 60_000);
});
