import { describe, expect, it } from 'vitest';
import { COIN } from '../../../src/consensus/constants.js';
import { nullDataScript } from '../../../src/primitives/script.js';
import type { TxOutput } from '../../../src/primitives/tx.js';
import { flipBit, mutateTx, withWitness } from '../../helpers/chain.js';
import { out, pay, phantomCoin, rejectCode, setup, signed, toOwner } from './helpers.js';

describe('Mempool acceptance: consensus', () => {
  it('accepts a valid spend and reports its entry', async () => {
    const { mempool, coins, chain, added } = setup();
    const tx = pay([coins[0]!], 1000n);
    const result = await mempool.acceptTransaction(tx);
    expect(result.status).toBe('accepted');
    const entry = mempool.get(tx.txid)!;
    expect(entry.fee).toBe(1000n);
    expect(entry.vsize).toBe(tx.vsize);
    expect(entry.weight).toBe(tx.weight);
    expect(entry.height).toBe(chain.height);
    expect(entry.ancestorCount).toBe(1);
    expect(added.map((e) => e.txid)).toEqual([tx.txid]);
    expect(mempool.has(tx.txid)).toBe(true);
    expect(mempool.hasWtxid(tx.wtxid)).toBe(true);
  });

  it('keeps consensus codes: sanity, missing inputs, bad signature, value out of range', async () => {
    const { mempool, coins } = setup();
    const tx = pay([coins[0]!], 1000n);
    expect(await rejectCode(mempool.acceptTransaction(mutateTx(tx, { outputs: [] })))).toBe('bad-txns-vout-empty');
    expect(await rejectCode(mempool.acceptTransaction(pay([phantomCoin(1)], 1000n)))).toBe('bad-txns-inputs-missingorspent');
    const sig = tx.inputs[0]!.witness[0]!;
    expect(await rejectCode(mempool.acceptTransaction(withWitness(tx, 0, [flipBit(sig, 9)])))).toBe('mandatory-script-verify-flag-failed');
    const overspend = signed([coins[1]!], [toOwner(COIN + 1n)]);
    expect(await rejectCode(mempool.acceptTransaction(overspend))).toBe('bad-txns-in-belowout');
    expect(mempool.size).toBe(0);
  });

  it('rejects a coinbase', async () => {
    const { mempool, chain } = setup();
    const err = await mempool.acceptTransaction(chain.tip.transactions[0]!).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'coinbase', score: 100 });
  });

  it('judges coinbase maturity at the next block', async () => {
    const { mempool, chain } = setup();
    const tip = chain.height;
    // coinbaseCoins[i] was mined at height i + 1.
    const immature = chain.coinbaseCoins[tip - 99 + 1 - 1]!;
    const mature = chain.coinbaseCoins[tip - 99 - 1]!;
    expect(await rejectCode(mempool.acceptTransaction(pay([immature], 1000n)))).toBe('bad-txns-premature-spend-of-coinbase');
    expect((await mempool.acceptTransaction(pay([mature], 1000n))).status).toBe('accepted');
    expect(mempool.get(mempool.txids()[0]!)!.spendsCoinbase).toBe(true);
  });

  it('requires finality for the next block', async () => {
    const { mempool, coins, chain } = setup();
    const next = signed([coins[0]!], [toOwner(COIN - 1000n)], { locktime: chain.height + 1 });
    expect(await rejectCode(mempool.acceptTransaction(next))).toBe('non-final');
    const now = signed([coins[1]!], [toOwner(COIN - 1000n)], { locktime: chain.height });
    expect((await mempool.acceptTransaction(now)).status).toBe('accepted');
  });
});

describe('Mempool acceptance: already known', () => {
  it('rejects a transaction already in the pool, also with another witness', async () => {
    const { mempool, coins } = setup();
    const tx = pay([coins[0]!], 1000n);
    await mempool.acceptTransaction(tx);
    expect(await rejectCode(mempool.acceptTransaction(tx))).toBe('txn-already-in-mempool');
    // BIP340 signing uses fresh randomness, so signing again gives the same txid with another wtxid.
    const resigned = pay([coins[0]!], 1000n);
    expect(resigned.txid).toBe(tx.txid);
    expect(await rejectCode(mempool.acceptTransaction(resigned))).toBe('txn-same-nonwitness-data-in-mempool');
  });

  it('rejects a transaction that is already confirmed', async () => {
    const { mempool, coins, chain } = setup();
    const tx = pay([coins[0]!], 1000n);
    chain.add(chain.buildBlock({ transactions: [tx] }));
    expect(await rejectCode(mempool.acceptTransaction(tx))).toBe('txn-already-known');
  });
});

describe('Mempool acceptance: standardness', () => {
  it('accepts versions 1 and 2 only', async () => {
    const { mempool, coins } = setup();
    const v1 = signed([coins[0]!], [toOwner(COIN - 1000n)], { version: 1 });
    expect((await mempool.acceptTransaction(v1)).status).toBe('accepted');
    const v3 = signed([coins[1]!], [toOwner(COIN - 1000n)], { version: 3 });
    expect(await rejectCode(mempool.acceptTransaction(v3))).toBe('version');
  });

  it('caps weight at 400,000', async () => {
    const { mempool, coins } = setup();
    const output = toOwner(10_000n);
    const many = (n: number): TxOutput[] => new Array<TxOutput>(n).fill(output);
    const big = signed([coins[0]!], many(2400));
    expect(big.weight).toBeGreaterThan(400_000);
    expect(await rejectCode(mempool.acceptTransaction(big))).toBe('tx-size');
    const fits = signed([coins[1]!], many(2000));
    expect(fits.weight).toBeLessThanOrEqual(400_000);
    expect((await mempool.acceptTransaction(fits)).status).toBe('accepted');
  });

  it('refuses transactions under 65 bytes without witness', async () => {
    const { mempool, coins } = setup();
    const tiny = signed([coins[0]!], [{ value: 0n, scriptPubKey: nullDataScript(new Uint8Array(0)) }]);
    expect(tiny.baseSize).toBeLessThan(65);
    expect(await rejectCode(mempool.acceptTransaction(tiny))).toBe('tx-size-small');
    const ok = signed([coins[1]!], [{ value: 0n, scriptPubKey: nullDataScript(new Uint8Array(4)) }]);
    expect(ok.baseSize).toBeGreaterThanOrEqual(65);
    expect((await mempool.acceptTransaction(ok)).status).toBe('accepted');
  });

  it('allows one OP_RETURN output, not two', async () => {
    const { mempool, coins } = setup();
    const data = { value: 0n, scriptPubKey: nullDataScript(new Uint8Array(80).fill(7)) };
    const one = signed([coins[0]!], [toOwner(COIN - 1000n), data]);
    expect((await mempool.acceptTransaction(one)).status).toBe('accepted');
    const two = signed([coins[1]!], [toOwner(COIN - 1000n), data, data]);
    expect(await rejectCode(mempool.acceptTransaction(two))).toBe('multi-op-return');
  });

  it('refuses taproot outputs under the 330-sat dust threshold', async () => {
    const { mempool, coins } = setup();
    const dust = signed([coins[0]!], [toOwner(COIN - 10_000n), toOwner(329n)]);
    expect(await rejectCode(mempool.acceptTransaction(dust))).toBe('dust');
    const enough = signed([coins[1]!], [toOwner(COIN - 10_000n), toOwner(330n)]);
    expect((await mempool.acceptTransaction(enough)).status).toBe('accepted');
  });

  it('refuses a taproot annex', async () => {
    const { mempool, coins } = setup();
    const tx = pay([coins[0]!], 1000n);
    const annexed = withWitness(tx, 0, [tx.inputs[0]!.witness[0]!, Uint8Array.of(0x50, 1, 2)]);
    expect(await rejectCode(mempool.acceptTransaction(annexed))).toBe('bad-witness-nonstandard');
  });
});

describe('Mempool acceptance: relay fee', () => {
  it('requires 1 sat/vB by default', async () => {
    const { mempool, coins } = setup();
    const probe = pay([coins[0]!], 0n);
    expect(await rejectCode(mempool.acceptTransaction(probe))).toBe('min relay fee not met');
    const short = pay([coins[0]!], BigInt(probe.vsize - 1));
    expect(await rejectCode(mempool.acceptTransaction(short))).toBe('min relay fee not met');
    expect((await mempool.acceptTransaction(pay([coins[0]!], BigInt(probe.vsize)))).status).toBe('accepted');
  });

  it('takes the minimum from options', async () => {
    const { mempool, coins } = setup({ minRelayFeeRate: 10 });
    expect(await rejectCode(mempool.acceptTransaction(pay([coins[0]!], 1000n)))).toBe('min relay fee not met');
    expect((await mempool.acceptTransaction(pay([coins[0]!], 1200n))).status).toBe('accepted');
    expect(mempool.info().minrelaytxfee).toBe(10);
  });

  it('counts prioritisation toward the fee', async () => {
    const { mempool, coins } = setup();
    const free = pay([coins[0]!], 0n);
    await mempool.prioritiseTransaction(free.txid, 200n);
    const result = await mempool.acceptTransaction(free);
    expect(result.status).toBe('accepted');
    expect(mempool.get(free.txid)).toMatchObject({ fee: 0n, modifiedFee: 200n });
  });

  it('spends unconfirmed outputs of pool transactions', async () => {
    const { mempool, coins } = setup();
    const parent = pay([coins[0]!], 1000n);
    const child = pay([out(parent)], 1000n);
    await mempool.acceptTransaction(parent);
    await mempool.acceptTransaction(child);
    expect(mempool.get(child.txid)).toMatchObject({ ancestorCount: 2, ancestorFees: 2000n });
    expect(mempool.get(parent.txid)).toMatchObject({ descendantCount: 2, descendantSize: parent.vsize + child.vsize });
  });
});
