import { describe, expect, it } from 'vitest';
import { out, pay, setup } from './helpers.js';

describe('Mempool queries', () => {
  it('orders block candidates parents first, best ancestor rate first', async () => {
    const { mempool, coins } = setup();
    const parent = pay([coins[0]!], 1000n);
    const child = pay([out(parent)], 20_000n);
    const middle = pay([coins[1]!], 5000n);
    const poor = pay([coins[2]!], 500n);
    for (const tx of [poor, parent, middle, child]) await mempool.acceptTransaction(tx);
    const candidates = mempool.getCandidates();
    // The child's package (parent + child) pays the best rate, so it leads, its parent just before it.
    expect(candidates.map((c) => c.txid)).toEqual([parent.txid, child.txid, middle.txid, poor.txid]);
    expect(candidates[1]).toMatchObject({ fee: 20_000n, modifiedFee: 20_000n, weight: child.weight, parents: [parent.txid] });
    expect(candidates[0]!.parents).toEqual([]);
  });

  it('reports entries, relatives and pool totals', async () => {
    const { mempool, coins, clock } = setup();
    const a = pay([coins[0]!], 1000n);
    const b = pay([out(a)], 2000n);
    const c = pay([out(b)], 3000n);
    for (const tx of [a, b, c]) await mempool.acceptTransaction(tx);
    expect(mempool.get(b.txid)).toMatchObject({
      tx: b,
      fee: 2000n,
      time: clock.now,
      ancestorCount: 2,
      ancestorSize: a.vsize + b.vsize,
      ancestorFees: 3000n,
      descendantCount: 2,
      descendantSize: b.vsize + c.vsize,
      descendantFees: 5000n,
    });
    expect(mempool.getAncestors(c.txid).map((e) => e.txid)).toEqual([a.txid, b.txid]);
    expect(mempool.getDescendants(a.txid).map((e) => e.txid)).toEqual([b.txid, c.txid]);
    expect(mempool.txids().sort()).toEqual([a.txid, b.txid, c.txid].sort());
    expect(mempool.entries().map((e) => e.txid)).toEqual([a.txid, b.txid, c.txid]);
    const info = mempool.info();
    expect(info).toMatchObject({ size: 3, bytes: a.vsize + b.vsize + c.vsize, totalFee: 6000n, maxmempool: 300_000_000 });
    expect(info).toMatchObject({ mempoolminfee: 1, minrelaytxfee: 1, incrementalrelayfee: 1, fullrbf: true, orphans: 0 });
    expect(info.usage).toBeGreaterThan(info.bytes);
    expect(mempool.get('00'.repeat(32))).toBeUndefined();
    expect(mempool.getAncestors('00'.repeat(32))).toEqual([]);
  });

  it('updates package fees when a transaction is prioritised', async () => {
    const { mempool, coins } = setup();
    const a = pay([coins[0]!], 1000n);
    const b = pay([out(a)], 1000n);
    await mempool.acceptTransaction(a);
    await mempool.acceptTransaction(b);
    await mempool.prioritiseTransaction(b.txid, 10_000n);
    expect(mempool.get(a.txid)!.descendantFees).toBe(12_000n);
    expect(mempool.get(b.txid)).toMatchObject({ fee: 1000n, modifiedFee: 11_000n, ancestorFees: 12_000n });
  });

  it('survives a listener that throws', async () => {
    const { mempool, coins, logger } = setup();
    mempool.on('added', () => {
      throw new Error('listener bug');
    });
    const tx = pay([coins[0]!], 1000n);
    expect((await mempool.acceptTransaction(tx)).status).toBe('accepted');
    expect(mempool.has(tx.txid)).toBe(true);
    expect(logger.lines.some((l) => l.level === 'warn' && l.msg.includes('listener bug'))).toBe(true);
  });

  it('serialises concurrent accepts so double spends cannot both enter', async () => {
    const { mempool, coins } = setup({ replaceByFee: false });
    const results = await Promise.allSettled([mempool.acceptTransaction(pay([coins[0]!], 1000n)), mempool.acceptTransaction(pay([coins[0]!], 2000n))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    expect(mempool.size).toBe(1);
  });
});
