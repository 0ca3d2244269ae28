/**
 * Orphans are charged to the peer that sent them: when the pool is full, the
 * peer holding the most loses one, so a flood evicts the flooder's own
 * orphans and not those of peers sending a few; and a peer's orphans go when
 * it disconnects (Bitcoin Core's TxOrphanage: per-peer eviction, EraseForPeer).
 */
import { describe, expect, it } from 'vitest';
import { Transaction } from '../../../src/primitives/tx.js';
import { OrphanPool } from '../../../src/mempool/orphans.js';
import { defaultMempoolOptions } from '../../../src/mempool/options.js';
import { out, pay, phantomCoin, setup, toOwner } from './helpers.js';

/** An unsigned spend of a coin nobody has seen (orphans are stored before signatures are checked). */
function orphan(seed: number): Transaction {
  const coin = phantomCoin(seed);
  return new Transaction({
    version: 2,
    inputs: [{ prevout: coin.prevout, scriptSig: new Uint8Array(0), sequence: 0xfffffffd, witness: [] }],
    outputs: [toOwner(coin.output.value - 1000n)],
    locktime: 0,
  });
}

/** Seeds unique across calls: phantomCoin uses the low byte for the txid and the rest for the vout. */
let nextSeed = 1;
function orphans(n: number): Transaction[] {
  return Array.from({ length: n }, () => orphan(nextSeed++));
}

describe('orphan pool: per-peer eviction', () => {
  it('a flood of 1,000 orphans from one peer leaves another peer\'s orphans in place', async () => {
    const { mempool } = setup();
    const honest = orphans(3);
    for (const tx of honest) expect((await mempool.acceptTransaction(tx, { allowOrphan: true, peer: 'honest' })).status).toBe('orphan');
    for (const tx of orphans(1000)) await mempool.acceptTransaction(tx, { allowOrphan: true, peer: 'flooder' }).catch(() => undefined);
    expect(mempool.info().orphans).toBe(100);
    for (const tx of honest) expect(mempool.hasOrphan(tx.wtxid)).toBe(true);
  });

  it('with several flooders, evictions come from the biggest, and a small sender keeps all of its orphans', () => {
    const pool = new OrphanPool(defaultMempoolOptions);
    const small = orphans(10);
    for (const tx of small) pool.add(tx, ['parent'], 0, 'small');
    for (let round = 0; round < 300; round++) {
      for (const peer of ['f1', 'f2', 'f3']) pool.add(orphans(1)[0]!, ['parent'], 0, peer);
    }
    expect(pool.size).toBe(100);
    expect(small.every((tx) => pool.has(tx.wtxid))).toBe(true);
    // The 90 other places are shared out evenly: none of the flooders can take another's share.
    expect(['f1', 'f2', 'f3'].map((p) => pool.countFrom(p))).toEqual([30, 30, 30]);
  });

  it('on a tie, the peer whose orphan overflowed the pool loses one', () => {
    const pool = new OrphanPool({ ...defaultMempoolOptions, maxOrphans: 4 }, () => 0);
    for (const tx of orphans(2)) pool.add(tx, ['parent'], 0, 'a');
    for (const tx of orphans(2)) pool.add(tx, ['parent'], 0, 'b');
    expect(pool.add(orphans(1)[0]!, ['parent'], 0, 'a')).toBe(true);
    expect([pool.countFrom('a'), pool.countFrom('b')]).toEqual([2, 2]);
  });

  it('forgets a disconnected peer\'s orphans, and only those', async () => {
    const { mempool } = setup();
    const gone = orphans(5);
    const stays = orphans(2);
    for (const tx of gone) await mempool.acceptTransaction(tx, { allowOrphan: true, peer: 'gone' });
    for (const tx of stays) await mempool.acceptTransaction(tx, { allowOrphan: true, peer: 'stays' });
    expect(await mempool.removeOrphansFrom('gone')).toBe(5);
    expect(await mempool.removeOrphansFrom('never-seen')).toBe(0);
    expect(mempool.info().orphans).toBe(2);
    for (const tx of stays) expect(mempool.hasOrphan(tx.txid)).toBe(true);
  });

  it('an orphan retried for one parent and still missing another stays charged to its sender', async () => {
    const { mempool, coins } = setup();
    const parent1 = pay([coins[0]!], 1000n);
    const parent2 = pay([coins[1]!], 1000n);
    const child = pay([out(parent1), out(parent2)], 1000n);
    expect((await mempool.acceptTransaction(child, { allowOrphan: true, peer: 'x' })).status).toBe('orphan');
    const first = await mempool.acceptTransaction(parent1);
    expect(first.status === 'accepted' && first.resolvedOrphans).toEqual([]);
    expect(mempool.hasOrphan(child.txid)).toBe(true);
    expect(await mempool.removeOrphansFrom('x')).toBe(1);
    expect(mempool.hasOrphan(child.txid)).toBe(false);
  });
});
