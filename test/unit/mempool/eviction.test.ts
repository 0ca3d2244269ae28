import { describe, expect, it } from 'vitest';
import { estimateUsage } from '../../../src/mempool/entry.js';
import { out, pay, rejectCode, setup } from './helpers.js';
import type { OwnedCoin } from '../../helpers/chain.js';
import { waitUntil } from '../../helpers/wait.js';

/** Usage of a one-in, one-out spend (they all have the same shape). */
function unitUsage(coin: OwnedCoin): number {
  return estimateUsage(pay([coin], 1000n));
}

describe('Mempool size cap', () => {
  it('evicts the lowest fee-rate package and raises the minimum fee', async () => {
    const probe = setup();
    const cap = 3 * unitUsage(probe.coins[0]!) + 10;
    const { mempool, coins, removed } = setup({ maxMempoolBytes: cap });
    const parent = pay([coins[0]!], 200n);
    const child = pay([out(parent)], 200n);
    const mid = pay([coins[1]!], 2000n);
    for (const tx of [parent, child, mid]) await mempool.acceptTransaction(tx);
    expect(mempool.info().usage).toBeLessThanOrEqual(cap);
    expect(mempool.minFeeRate()).toBe(1);
    // A fourth transaction overflows the cap: the parent goes, and its child with it.
    const rich = pay([coins[2]!], 5000n);
    await mempool.acceptTransaction(rich);
    expect(mempool.txids().sort()).toEqual([mid.txid, rich.txid].sort());
    expect(removed).toEqual([
      { txid: parent.txid, reason: 'sizelimit' },
      { txid: child.txid, reason: 'sizelimit' },
    ]);
    // Nothing as cheap as the evicted package (plus 1 sat/vB) may come back in.
    const rate = mempool.minFeeRate();
    expect(rate).toBeGreaterThan(200 / parent.vsize + 1 - 1e-9);
    expect(mempool.info().mempoolminfee).toBe(rate);
    expect(await rejectCode(mempool.acceptTransaction(pay([coins[3]!], 300n)))).toBe('mempool min fee not met');
  });

  it('rejects a transaction that would be evicted at once', async () => {
    const probe = setup();
    const { mempool, coins, removed, added } = setup({ maxMempoolBytes: unitUsage(probe.coins[0]!) + 10 });
    const rich = pay([coins[0]!], 5000n);
    await mempool.acceptTransaction(rich);
    expect(await rejectCode(mempool.acceptTransaction(pay([coins[1]!], 1000n)))).toBe('mempool full');
    expect(mempool.txids()).toEqual([rich.txid]);
    // The refused transaction was never announced, so neither its arrival nor its eviction is.
    expect(added.map((e) => e.txid)).toEqual([rich.txid]);
    expect(removed).toEqual([]);
  });

  it('keeps a parent whose child pays for both (descendant score)', async () => {
    const probe = setup();
    const cap = 3 * unitUsage(probe.coins[0]!) + 10;
    const { mempool, coins } = setup({ maxMempoolBytes: cap });
    const parent = pay([coins[0]!], 200n);
    const child = pay([out(parent)], 10_000n);
    const plain = pay([coins[1]!], 2000n);
    for (const tx of [parent, child, plain]) await mempool.acceptTransaction(tx);
    await mempool.acceptTransaction(pay([coins[2]!], 3000n));
    expect(mempool.has(parent.txid) && mempool.has(child.txid)).toBe(true);
    expect(mempool.has(plain.txid)).toBe(false);
  });
});

describe('Mempool expiry', () => {
  it('drops entries older than 336 hours with their descendants', async () => {
    const { mempool, coins, clock, removed } = setup();
    const old = pay([coins[0]!], 1000n);
    await mempool.acceptTransaction(old);
    clock.now += 200 * 3600;
    const child = pay([out(old)], 1000n);
    await mempool.acceptTransaction(child);
    clock.now += 136 * 3600 - 1;
    await mempool.sweep();
    expect(mempool.size).toBe(2);
    clock.now += 2;
    // An add sweeps too.
    const fresh = pay([coins[1]!], 1000n);
    await mempool.acceptTransaction(fresh);
    expect(mempool.txids()).toEqual([fresh.txid]);
    expect(removed).toEqual([
      { txid: old.txid, reason: 'expiry' },
      { txid: child.txid, reason: 'expiry' },
    ]);
  });

  it('takes the expiry from options and sweeps on a timer once started', async () => {
    const { mempool, coins, clock } = setup({ expiryHours: 1, sweepIntervalSeconds: 0.01 });
    await mempool.acceptTransaction(pay([coins[0]!], 1000n));
    await mempool.start();
    clock.now += 3601;
    await waitUntil(() => mempool.size === 0, 'the timer to sweep the expired transaction', 5_000, 10);
    await mempool.stop();
    expect(mempool.size).toBe(0);
  });
});
