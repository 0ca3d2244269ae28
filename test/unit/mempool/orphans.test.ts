import { describe, expect, it } from 'vitest';
import { Transaction } from '../../../src/primitives/tx.js';
import { withWitness } from '../../helpers/chain.js';
import { out, pay, phantomCoin, rejectCode, setup, toOwner } from './helpers.js';

/** An unsigned spend of a coin nobody has seen: orphans are stored before signatures are checked. */
function unsignedOrphan(seed: number): Transaction {
  const coin = phantomCoin(seed);
  return new Transaction({
    version: 2,
    inputs: [{ prevout: coin.prevout, scriptSig: new Uint8Array(0), sequence: 0xfffffffd, witness: [] }],
    outputs: [toOwner(coin.output.value - 1000n)],
    locktime: 0,
  });
}

describe('Mempool orphans', () => {
  it('keeps an orphan and accepts it, and its own orphan, when the parent arrives', async () => {
    const { mempool, coins } = setup();
    const parent = pay([coins[0]!], 1000n);
    const child = pay([out(parent)], 1000n);
    const grandchild = pay([out(child)], 1000n);
    expect(await mempool.acceptTransaction(grandchild, { allowOrphan: true })).toEqual({
      status: 'orphan',
      txid: grandchild.txid,
      missingParents: [child.txid],
    });
    expect((await mempool.acceptTransaction(child, { allowOrphan: true })).status).toBe('orphan');
    expect(mempool.hasOrphan(child.txid) && mempool.hasOrphan(grandchild.wtxid)).toBe(true);
    expect(mempool.size).toBe(0);
    const result = await mempool.acceptTransaction(parent);
    expect(result.status === 'accepted' && result.resolvedOrphans).toEqual([child.txid, grandchild.txid]);
    expect(mempool.size).toBe(3);
    expect(mempool.info().orphans).toBe(0);
  });

  it('throws and stores nothing unless orphans are allowed', async () => {
    const { mempool, coins } = setup();
    const parent = pay([coins[0]!], 1000n);
    const child = pay([out(parent)], 1000n);
    expect(await rejectCode(mempool.acceptTransaction(child))).toBe('bad-txns-inputs-missingorspent');
    expect(mempool.hasOrphan(child.txid)).toBe(false);
  });

  it('drops an orphan that turns out invalid', async () => {
    const { mempool, coins, logger } = setup();
    const parent = pay([coins[0]!], 1000n);
    const child = pay([out(parent)], 1000n);
    const bad = withWitness(child, 0, [new Uint8Array(64)]);
    await mempool.acceptTransaction(bad, { allowOrphan: true });
    const result = await mempool.acceptTransaction(parent);
    expect(result.status === 'accepted' && result.resolvedOrphans).toEqual([]);
    expect(mempool.hasOrphan(bad.txid)).toBe(false);
    expect(logger.lines.some((l) => l.level === 'debug' && l.msg.includes('mandatory-script-verify-flag-failed'))).toBe(true);
  });

  it('bounds the pool at 100 orphans', async () => {
    const { mempool } = setup();
    // The victim is random among the sender's orphans, so the newcomer itself may be
    // the one evicted (as in Core); it is then refused as missing inputs, never kept.
    const outcomes: string[] = [];
    for (let i = 0; i < 110; i++) {
      const r = await mempool.acceptTransaction(unsignedOrphan(i), { allowOrphan: true }).then((x) => x.status, (err: { code?: string }) => err.code ?? String(err));
      outcomes.push(r);
    }
    expect(outcomes.slice(0, 100).every((o) => o === 'orphan')).toBe(true);
    expect(outcomes.slice(100).every((o) => o === 'orphan' || o === 'bad-txns-inputs-missingorspent')).toBe(true);
    expect(mempool.info().orphans).toBe(100);
  });

  it('refuses orphans heavier than the limit', async () => {
    const { mempool } = setup({ maxOrphanWeight: 300 });
    const orphan = unsignedOrphan(1);
    expect(orphan.weight).toBeGreaterThan(300);
    expect(await rejectCode(mempool.acceptTransaction(orphan, { allowOrphan: true }))).toBe('bad-txns-inputs-missingorspent');
    expect(mempool.info().orphans).toBe(0);
  });

  it('forgets orphans after 20 minutes', async () => {
    const { mempool, clock } = setup();
    const orphan = unsignedOrphan(1);
    await mempool.acceptTransaction(orphan, { allowOrphan: true });
    clock.now += 20 * 60 - 1;
    await mempool.sweep();
    expect(mempool.hasOrphan(orphan.txid)).toBe(true);
    clock.now += 2;
    await mempool.sweep();
    expect(mempool.hasOrphan(orphan.txid)).toBe(false);
  });

  it('retries orphans whose parent is confirmed by a block', async () => {
    const { mempool, coins, chain } = setup();
    const parent = pay([coins[0]!], 1000n);
    const child = pay([out(parent)], 1000n);
    await mempool.acceptTransaction(child, { allowOrphan: true });
    const block = chain.add(chain.buildBlock({ transactions: [parent] }));
    await mempool.removeForBlock(block);
    expect(mempool.txids()).toEqual([child.txid]);
  });
});
