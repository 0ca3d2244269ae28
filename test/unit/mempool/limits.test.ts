import { describe, expect, it } from 'vitest';
import { out, pay, rejectCode, setup } from './helpers.js';

describe('Mempool package limits', () => {
  it('accepts an unconfirmed chain of 25 and rejects the 26th', async () => {
    const { mempool, coins } = setup();
    const chain = [pay([coins[0]!], 1000n)];
    for (let i = 1; i < 26; i++) chain.push(pay([out(chain[i - 1]!)], 1000n));
    for (const tx of chain.slice(0, 25)) expect((await mempool.acceptTransaction(tx)).status).toBe('accepted');
    expect(mempool.get(chain[24]!.txid)!.ancestorCount).toBe(25);
    expect(mempool.get(chain[0]!.txid)!.descendantCount).toBe(25);
    expect(await rejectCode(mempool.acceptTransaction(chain[25]!))).toBe('too-long-mempool-chain');
    expect(mempool.size).toBe(25);
  });

  it('limits the descendants of any ancestor to 25', async () => {
    const { mempool, coins } = setup();
    const parent = pay([coins[0]!], 5000n, 25);
    await mempool.acceptTransaction(parent);
    for (let i = 0; i < 24; i++) expect((await mempool.acceptTransaction(pay([out(parent, i)], 1000n))).status).toBe('accepted');
    expect(mempool.get(parent.txid)!.descendantCount).toBe(25);
    expect(await rejectCode(mempool.acceptTransaction(pay([out(parent, 24)], 1000n)))).toBe('too-long-mempool-chain');
  });

  it('takes the limits from options', async () => {
    const { mempool, coins } = setup({ ancestorLimit: 2 });
    const a = pay([coins[0]!], 1000n);
    const b = pay([out(a)], 1000n);
    await mempool.acceptTransaction(a);
    await mempool.acceptTransaction(b);
    expect(await rejectCode(mempool.acceptTransaction(pay([out(b)], 1000n)))).toBe('too-long-mempool-chain');
  });
});
