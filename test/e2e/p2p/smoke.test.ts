import { afterAll, describe, expect, it } from 'vitest';
import { TestNetwork, waitUntil } from '../../helpers/network.js';
import { tempDir } from '../../helpers/tmp.js';
import { scriptFromSecret } from '../../../src/primitives/sign.js';
import { testKey } from '../../helpers/chain.js';

const net = new TestNetwork(tempDir('tally-p2p'));
afterAll(() => net.stopAll());

describe('p2p smoke', () => {
  it('a block mined on one node reaches the others', async () => {
    const a = await net.start();
    const b = await net.start({ bootstrap: [a.address] });
    const c = await net.start({ bootstrap: [b.address] });
    await waitUntil(() => b.p2p.peers().length === 2, 'b to have 2 peers');
    await a.node.generate(3, scriptFromSecret(testKey(1)));
    await waitUntil(() => c.node.chain.height === 3, 'c to reach height 3');
    expect(c.node.chain.tip.hashHex).toBe(a.node.chain.tip.hashHex);
  }, 60_000);
});
