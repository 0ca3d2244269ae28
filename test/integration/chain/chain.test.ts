import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Chain } from '../../../src/chain/chain.js';
import { regtest } from '../../../src/consensus/params.js';
import { TestChain, spend, payTo } from '../../helpers/chain.js';
import { tempDir } from '../../helpers/tmp.js';
import { COIN } from '../../../src/consensus/constants.js';

const root = tempDir('tally-chain');
let n = 0;
const open: Chain[] = [];

async function newChain(now: number): Promise<Chain> {
  const chain = new Chain({ path: join(root, `db${n++}`), params: regtest }, { clock: () => now });
  await chain.open();
  open.push(chain);
  return chain;
}

afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

describe('Chain', () => {
  it('connects blocks and spends, and reopens at the same tip', async () => {
    const builder = new TestChain();
    const chain = await newChain(builder.now);
    builder.mine(101);
    const tx = spend([builder.coinbaseCoins[0]!], [payTo(1, 49n * COIN)]);
    builder.add(builder.buildBlock({ transactions: [tx], fees: COIN }));
    for (const block of builder.blocks.slice(1)) expect((await chain.processBlock(block)).status).toBe('connected');
    expect(chain.height).toBe(102);
    const digest = await chain.utxoDigest();
    expect(digest.txouts).toBe(102); // 102 coinbases, one spent, one new output
    const path = chain['db'].path;
    await chain.close();
    open.pop();
    const again = new Chain({ path, params: regtest }, { clock: () => builder.now });
    await again.open();
    open.push(again);
    expect(again.tip.hashHex).toBe(builder.tip.hash);
    expect(await again.utxoDigest()).toEqual(digest);
    const found = await again.findTransaction(tx.txid);
    expect(found?.entry.height).toBe(102);
  });
});
