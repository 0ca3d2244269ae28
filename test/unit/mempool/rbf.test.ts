import { describe, expect, it } from 'vitest';
import { out, pay, rejectCode, setup, signed, toOwner } from './helpers.js';
import { COIN } from '../../../src/consensus/constants.js';

describe('Mempool replace-by-fee', () => {
  it('replaces a conflict and its descendants when paying more', async () => {
    const { mempool, coins, removed } = setup();
    const original = pay([coins[0]!], 1000n);
    const child = pay([out(original)], 1000n);
    await mempool.acceptTransaction(original);
    await mempool.acceptTransaction(child);
    // A different output amount makes a different transaction spending the same coin.
    const replacement = pay([coins[0]!], 2000n + 200n);
    const result = await mempool.acceptTransaction(replacement);
    expect(result.status === 'accepted' && result.replaced.map((e) => e.txid).sort()).toEqual([original.txid, child.txid].sort());
    expect(mempool.txids()).toEqual([replacement.txid]);
    expect(removed).toEqual(expect.arrayContaining([{ txid: original.txid, reason: 'replaced' }, { txid: child.txid, reason: 'replaced' }]));
  });

  it('needs no BIP125 signal (full RBF)', async () => {
    const { mempool, coins } = setup();
    const original = signed([coins[0]!], [toOwner(COIN - 1000n)], { sequence: 0xffffffff });
    await mempool.acceptTransaction(original);
    expect((await mempool.acceptTransaction(pay([coins[0]!], 5000n))).status).toBe('accepted');
  });

  it('refuses conflicts outright when replacement is disabled', async () => {
    const { mempool, coins } = setup({ replaceByFee: false });
    await mempool.acceptTransaction(pay([coins[0]!], 1000n));
    expect(await rejectCode(mempool.acceptTransaction(pay([coins[0]!], 5000n)))).toBe('txn-mempool-conflict');
  });

  it('requires a higher fee rate than each direct conflict', async () => {
    const { mempool, coins } = setup();
    await mempool.acceptTransaction(pay([coins[0]!], 5000n));
    expect(await rejectCode(mempool.acceptTransaction(pay([coins[0]!], 5000n - 1n)))).toBe('insufficient fee');
    // The same fee over a bigger transaction (two outputs) is a lower rate.
    const bigger = pay([coins[0]!], 5000n, 2);
    expect(await rejectCode(mempool.acceptTransaction(bigger))).toBe('insufficient fee');
  });

  it('requires paying for everything evicted', async () => {
    const { mempool, coins } = setup();
    const original = pay([coins[0]!], 1000n);
    await mempool.acceptTransaction(original);
    await mempool.acceptTransaction(pay([out(original)], 20_000n));
    // A better rate than the original, but less than original + child together.
    expect(await rejectCode(mempool.acceptTransaction(pay([coins[0]!], 15_000n)))).toBe('insufficient fee');
    expect(mempool.size).toBe(2);
  });

  it('requires the incremental relay fee on top', async () => {
    const { mempool, coins } = setup();
    const original = pay([coins[0]!], 1000n);
    await mempool.acceptTransaction(original);
    // A higher rate and a higher fee, but not by 1 sat/vB of its own size.
    const cheap = pay([coins[0]!], 1000n + BigInt(original.vsize) - 1n);
    expect(await rejectCode(mempool.acceptTransaction(cheap))).toBe('insufficient fee');
    expect((await mempool.acceptTransaction(pay([coins[0]!], 1000n + BigInt(original.vsize)))).status).toBe('accepted');
  });

  it('refuses a replacement spending an output of what it replaces', async () => {
    const { mempool, coins } = setup();
    const original = pay([coins[0]!], 1000n, 2);
    await mempool.acceptTransaction(original);
    const bad = pay([coins[0]!, out(original, 1)], 50_000n);
    const err = await mempool.acceptTransaction(bad).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'bad-txns-spends-conflicting-tx' });
  });

  it('refuses a replacement adding new unconfirmed inputs', async () => {
    const { mempool, coins } = setup();
    const original = pay([coins[0]!], 1000n);
    const unrelated = pay([coins[1]!], 1000n);
    await mempool.acceptTransaction(original);
    await mempool.acceptTransaction(unrelated);
    expect(await rejectCode(mempool.acceptTransaction(pay([coins[0]!, out(unrelated)], 50_000n)))).toBe('replacement-adds-unconfirmed');
    // Confirmed extra inputs are fine.
    expect((await mempool.acceptTransaction(pay([coins[0]!, coins[2]!], 50_000n))).status).toBe('accepted');
  });

  it('refuses evicting more than 100 transactions', async () => {
    const { mempool, coins } = setup();
    // Five chains of 21: 105 transactions hang off five confirmed coins.
    for (let c = 0; c < 5; c++) {
      let tx = pay([coins[c]!], 1000n);
      await mempool.acceptTransaction(tx);
      for (let i = 1; i < 21; i++) {
        tx = pay([out(tx)], 1000n);
        await mempool.acceptTransaction(tx);
      }
    }
    expect(mempool.size).toBe(105);
    const replacement = pay(coins.slice(0, 5), 1_000_000n);
    expect(await rejectCode(mempool.acceptTransaction(replacement))).toBe('too many potential replacements');
    // Four chains (84 transactions) may go.
    expect((await mempool.acceptTransaction(pay(coins.slice(0, 4), 1_000_000n))).status).toBe('accepted');
    expect(mempool.size).toBe(21 + 1);
  });
});
