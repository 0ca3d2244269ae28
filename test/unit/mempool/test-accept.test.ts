import { describe, expect, it } from 'vitest';
import { flipBit, withWitness } from '../../helpers/chain.js';
import { MAX_PACKAGE_COUNT } from '../../../src/mempool/test-accept.js';
import { out, pay, phantomCoin, rejectCode, setup } from './helpers.js';

/** The reject code of an `invalid` dry-run result. */
function codeOf(result: { status: string; error?: unknown } | undefined): string | undefined {
  return result?.status === 'invalid' ? (result.error as { code?: string }).code : undefined;
}

describe('Mempool dry run (testAccept)', () => {
  it('reports what acceptance would give without changing the pool', async () => {
    const { mempool, coins, added, removed } = setup();
    const tx = pay([coins[0]!], 1000n);
    const seq = mempool.sequence;
    const [result] = await mempool.testAccept([tx]);
    expect(result).toEqual({ status: 'valid', txid: tx.txid, wtxid: tx.wtxid, fee: 1000n, modifiedFee: 1000n, vsize: tx.vsize, weight: tx.weight, replaced: [] });
    expect(mempool.size).toBe(0);
    expect(mempool.info()).toMatchObject({ size: 0, bytes: 0, usage: 0, totalFee: 0n });
    expect(added).toEqual([]);
    expect(removed).toEqual([]);
    expect(mempool.sequence).toBe(seq);
    // And the real thing agrees.
    expect((await mempool.acceptTransaction(tx)).status).toBe('accepted');
    expect(mempool.sequence).toBe(seq + 1);
  });

  it('gives the codes acceptance would: already in pool, bad signature, missing inputs (never an orphan)', async () => {
    const { mempool, coins } = setup();
    const tx = pay([coins[0]!], 1000n);
    await mempool.acceptTransaction(tx);
    expect(codeOf((await mempool.testAccept([tx]))[0])).toBe('txn-already-in-mempool');
    const other = pay([coins[1]!], 1000n);
    const badSig = withWitness(other, 0, [flipBit(other.inputs[0]!.witness[0]!, 3)]);
    expect(codeOf((await mempool.testAccept([badSig]))[0])).toBe('mandatory-script-verify-flag-failed');
    expect(codeOf((await mempool.testAccept([pay([phantomCoin(1)], 1000n)]))[0])).toBe('bad-txns-inputs-missingorspent');
    expect(mempool.hasOrphan(pay([phantomCoin(1)], 1000n).txid)).toBe(false);
    expect(mempool.txids()).toEqual([tx.txid]);
  });

  it('checks a replacement of a single transaction and names what it would evict, evicting nothing', async () => {
    const { mempool, coins } = setup();
    const original = pay([coins[0]!], 1000n);
    await mempool.acceptTransaction(original);
    const [ok] = await mempool.testAccept([pay([coins[0]!], 5000n)]);
    expect(ok).toMatchObject({ status: 'valid', replaced: [original.txid] });
    expect(codeOf((await mempool.testAccept([pay([coins[0]!], 1000n - 1n)]))[0])).toBe('insufficient fee');
    expect(mempool.txids()).toEqual([original.txid]);
  });

  it('validates a package whose child spends its parent, leaving the pool untouched', async () => {
    const { mempool, coins } = setup();
    const inPool = pay([coins[1]!], 1000n);
    await mempool.acceptTransaction(inPool);
    const parent = pay([coins[0]!], 1000n);
    const child = pay([out(parent)], 2000n);
    const grandchild = pay([out(child), out(inPool)], 3000n);
    const results = await mempool.testAccept([parent, child, grandchild]);
    expect(results.map((r) => r.status)).toEqual(['valid', 'valid', 'valid']);
    expect(results.map((r) => (r.status === 'valid' ? r.fee : 0n))).toEqual([1000n, 2000n, 3000n]);
    expect(mempool.txids()).toEqual([inPool.txid]);
    expect(mempool.get(inPool.txid)).toMatchObject({ descendantCount: 1, children: new Set() });
    expect(mempool.info()).toMatchObject({ size: 1, bytes: inPool.vsize, totalFee: 1000n });
    // The child alone lacks its parent.
    expect(codeOf((await mempool.testAccept([child]))[0])).toBe('bad-txns-inputs-missingorspent');
  });

  it('stops at the first failure of a package and leaves the rest unchecked', async () => {
    const { mempool, coins } = setup();
    const parent = pay([coins[0]!], 0n);
    const child = pay([out(parent)], 5000n);
    const results = await mempool.testAccept([parent, child]);
    expect(codeOf(results[0])).toBe('min relay fee not met');
    expect(results[1]).toEqual({ status: 'unchecked', txid: child.txid, wtxid: child.wtxid });
  });

  it('refuses replacements inside a package', async () => {
    const { mempool, coins } = setup();
    await mempool.acceptTransaction(pay([coins[0]!], 1000n));
    const replacement = pay([coins[0]!], 50_000n);
    const results = await mempool.testAccept([replacement, pay([out(replacement)], 1000n)]);
    expect(codeOf(results[0])).toBe('bip125-replacement-disallowed');
  });

  it('refuses malformed packages before checking any transaction', async () => {
    const { mempool, coins } = setup();
    const a = pay([coins[0]!], 1000n);
    const b = pay([out(a)], 1000n);
    expect(await rejectCode(mempool.testAccept([a, a]))).toBe('package-contains-duplicates');
    expect(await rejectCode(mempool.testAccept([b, a]))).toBe('package-not-sorted');
    expect(await rejectCode(mempool.testAccept([a, pay([coins[0]!], 2000n)]))).toBe('conflict-in-package');
    const many = coins.slice(0, MAX_PACKAGE_COUNT + 1).map((c) => pay([c], 1000n));
    expect(await rejectCode(mempool.testAccept(many))).toBe('package-too-many-transactions');
  });

  it('counts additions and removals in the sequence number', async () => {
    const { mempool, coins } = setup();
    expect(mempool.sequence).toBe(1);
    const original = pay([coins[0]!], 1000n);
    await mempool.acceptTransaction(original);
    await mempool.acceptTransaction(pay([coins[0]!], 5000n));
    // One add, then one removal (replaced) and one add.
    expect(mempool.sequence).toBe(4);
  });
});
