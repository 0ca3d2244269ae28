import { describe, expect, it } from 'vitest';
import { COIN } from '../../../src/consensus/constants.js';
import { out, pay, setup, signed, toOwner } from './helpers.js';

describe('Mempool on a connected block', () => {
  it('removes confirmed transactions, keeping their children', async () => {
    const { mempool, coins, chain, removed } = setup();
    const parent = pay([coins[0]!], 1000n);
    const child = pay([out(parent)], 1000n);
    const other = pay([coins[1]!], 1000n);
    for (const tx of [parent, child, other]) await mempool.acceptTransaction(tx);
    const block = chain.add(chain.buildBlock({ transactions: [parent] }));
    await mempool.removeForBlock(block);
    expect(mempool.txids().sort()).toEqual([child.txid, other.txid].sort());
    expect(removed).toEqual([{ txid: parent.txid, reason: 'block' }]);
    expect(mempool.get(child.txid)).toMatchObject({ ancestorCount: 1, ancestorFees: 1000n });
    expect(mempool.get(child.txid)!.parents.size).toBe(0);
  });

  it('removes transactions conflicting with the block, with their descendants', async () => {
    const { mempool, coins, chain, removed } = setup();
    const loser = pay([coins[0]!], 1000n);
    const loserChild = pay([out(loser)], 1000n);
    const bystander = pay([coins[1]!], 1000n);
    for (const tx of [loser, loserChild, bystander]) await mempool.acceptTransaction(tx);
    const winner = pay([coins[0]!], 3000n);
    const block = chain.add(chain.buildBlock({ transactions: [winner] }));
    await mempool.removeForBlock(block);
    expect(mempool.txids()).toEqual([bystander.txid]);
    expect(removed).toEqual([
      { txid: loser.txid, reason: 'conflict' },
      { txid: loserChild.txid, reason: 'conflict' },
    ]);
  });
});

describe('Mempool on a reorg', () => {
  it('returns disconnected transactions, linking pool children under them', async () => {
    const { mempool, coins, chain, adapter, removed, logger } = setup();
    const before = chain.clone();
    const mined = pay([coins[0]!], 1000n);
    // Version 3 is valid in a block but not standard: it cannot come back.
    const nonStandard = signed([coins[1]!], [toOwner(COIN - 1000n)], { version: 3 });
    await mempool.acceptTransaction(mined);
    const block = chain.add(chain.buildBlock({ transactions: [mined, nonStandard] }));
    await mempool.removeForBlock(block);
    expect(mempool.size).toBe(0);
    // Children of the confirmed transactions arrive while they are confirmed.
    const child = pay([out(mined)], 1000n);
    const orphaned = pay([out(nonStandard)], 1000n);
    await mempool.acceptTransaction(child);
    await mempool.acceptTransaction(orphaned);

    adapter.chain = before;
    await mempool.addDisconnectedBlockTxs(block);
    expect(mempool.txids().sort()).toEqual([mined.txid, child.txid].sort());
    expect(mempool.getAncestors(child.txid).map((e) => e.txid)).toEqual([mined.txid]);
    expect(mempool.get(mined.txid)).toMatchObject({ descendantCount: 2, descendantFees: 2000n });
    expect(removed.at(-1)).toEqual({ txid: orphaned.txid, reason: 'reorg' });
    expect(logger.lines.some((l) => l.level === 'debug' && l.msg.includes(nonStandard.txid))).toBe(true);
  });

  it('keeps pool children of a transaction the new chain confirms as well', async () => {
    const { mempool, coins, chain, adapter, removed } = setup();
    const fork = chain.clone();
    const a = pay([coins[0]!], 1000n);
    const oldBlock = chain.add(chain.buildBlock({ transactions: [a] }));
    await mempool.removeForBlock(oldBlock);
    const child = pay([out(a)], 1000n);
    await mempool.acceptTransaction(child);
    // The node applies the new branch first, then hands back what the old one had (Core's order).
    const newBlock = fork.add(fork.buildBlock({ transactions: [a], time: oldBlock.header.time + 1 }));
    fork.mine(1);
    adapter.chain = fork;
    await mempool.removeForBlock(newBlock, fork.height - 1);
    await mempool.addDisconnectedBlockTxs(oldBlock);
    expect(mempool.txids()).toEqual([child.txid]);
    expect(removed).toEqual([]);
  });

  it('drops coinbase spends that became immature', async () => {
    const { mempool, chain, adapter, removed } = setup();
    const before = chain.clone();
    const block = chain.add(chain.buildBlock());
    // Mature at the new tip (spendable in the next block), immature one block lower.
    const coin = chain.coinbaseCoins[chain.height - 99 - 1]!;
    const spend = pay([coin], 1000n);
    await mempool.acceptTransaction(spend);
    adapter.chain = before;
    await mempool.addDisconnectedBlockTxs(block);
    expect(mempool.size).toBe(0);
    expect(removed).toEqual([{ txid: spend.txid, reason: 'reorg' }]);
  });

  it('reinserts several blocks handed over newest first', async () => {
    const { mempool, coins, chain, adapter } = setup();
    const before = chain.clone();
    const a = pay([coins[0]!], 1000n);
    const b = pay([out(a)], 1000n);
    chain.add(chain.buildBlock({ transactions: [a] }));
    chain.add(chain.buildBlock({ transactions: [b] }));
    adapter.chain = before;
    await mempool.reinsert([b, a]);
    expect(mempool.getAncestors(b.txid).map((e) => e.txid)).toEqual([a.txid]);
  });
});
