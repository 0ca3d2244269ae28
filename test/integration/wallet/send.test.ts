/**
 * Payments through a real node: change back to the internal chain and RBF
 * signalled by default, several recipients, dust change given to the fee,
 * insufficient funds (-6), a fee rate under the floor, locked coins left
 * alone (and persistent locks kept across a reload), and bumpfee paying more
 * while keeping every other output.
 */
import { describe, expect, it } from 'vitest';
import { COIN, mine, WalletHarness, type Harness } from './helpers.js';
import { WalletError } from '../../../src/wallet/errors.js';
import type { Wallet } from '../../../src/wallet/wallet.js';
import { feeFor, txVsize } from '../../../src/wallet/coin-select.js';
import { toHex } from '../../../src/primitives/bytes.js';
import { Transaction } from '../../../src/primitives/tx.js';

const harness = new WalletHarness('tally-wallet-send');

async function rpcCode(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (err) {
    if (err instanceof WalletError) return err.rpcCode;
    throw err;
  }
  return 0;
}

/** A wallet holding `coins` mature 50-coin coinbases. */
async function funded(h: Harness, name: string, coins = 1): Promise<Wallet> {
  const w = await h.manager.create(name);
  for (let i = 0; i < coins; i++) await mine(h, 1, await w.newAddress());
  await mine(h, 100);
  return w;
}

describe('sending', () => {
  it('pays with change to the internal chain, signals RBF, and pays several recipients', async () => {
    const h = await harness.start();
    const alice = await funded(h, 'alice');
    const bob = await h.manager.create('bob');
    const [b1, b2] = [await bob.newAddress(), await bob.newAddress()];
    const { tx, fee } = await alice.send({ recipients: [{ address: b1, amount: 2n * COIN }, { address: b2, amount: 3n * COIN }], feeRate: 5 });
    expect(tx.outputs).toHaveLength(3);
    expect(tx.inputs.every((i) => i.sequence === 0xfffffffd)).toBe(true);
    expect(fee).toBe(feeFor(txVsize(1, 3), 5));
    expect(h.node.mempool.has(tx.txid)).toBe(true);
    const change = tx.outputs.find((o) => o.value !== 2n * COIN && o.value !== 3n * COIN)!;
    expect(change.value).toBe(50n * COIN - 5n * COIN - fee);
    const info = alice.getAddressInfo(alice.listUnspent({ minconf: 0 }).find((u) => u.amount === change.value)!.address!);
    expect(info).toMatchObject({ ismine: true, ischange: true });
    expect(info.hdkeypath).toBe("m/86h/1h/0h/1/0");
    await h.manager.settled();
    expect(bob.getBalances().untrustedPending).toBe(5n * COIN);
    expect(alice.getBalance()).toBe(change.value);
    expect(alice.getBalance(1)).toBe(0n);
    const notReplaceable = await alice.send({ recipients: [{ address: b1, amount: COIN }], feeRate: 2, replaceable: false });
    expect(notReplaceable.tx.inputs.every((i) => i.sequence === 0xfffffffe)).toBe(true);
  });

  it('signs a raw transaction spending its coins (signrawtransactionwithwallet) and creates one without broadcasting', async () => {
    const h = await harness.start();
    const alice = await funded(h, 'alice');
    const to = await (await h.manager.create('bob')).newAddress();
    const created = await alice.createTransaction({ recipients: [{ address: to, amount: COIN }], feeRate: 2 }, false);
    expect(created.signed).toBe(false);
    expect(created.tx.inputs.every((i) => i.witness.length === 0)).toBe(true);
    expect(h.node.mempool.has(created.tx.txid)).toBe(false);
    const signed = alice.signRawTransaction(created.tx);
    expect(signed.txid).toBe(created.tx.txid);
    expect((await h.node.sendTransaction(signed)).status).toBe('accepted');
    await h.manager.settled();
    expect(alice.getTransaction(signed.txid)).toMatchObject({ confirmations: 0, fee: -created.fee, amount: -COIN });
  });

  it('gives dust change to the fee, and refuses what it cannot pay', async () => {
    const h = await harness.start();
    const alice = await funded(h, 'alice');
    const to = await (await h.manager.create('bob')).newAddress();
    expect(await rpcCode(alice.send({ recipients: [{ address: to, amount: 51n * COIN }], feeRate: 1 }))).toBe(-6);
    expect(await rpcCode(alice.send({ recipients: [{ address: to, amount: 100n }], feeRate: 1 }))).toBe(-4);
    expect(await rpcCode(alice.send({ recipients: [{ address: to, amount: COIN }], feeRate: 0.5 }))).toBe(-4);
    expect(await rpcCode(alice.send({ recipients: [{ address: 'bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr', amount: COIN }], feeRate: 1 }))).toBe(-5);
    const amount = 50n * COIN - feeFor(txVsize(1, 2), 1) - 100n;
    const { tx, fee } = await alice.send({ recipients: [{ address: to, amount }], feeRate: 1 });
    expect(tx.outputs).toHaveLength(1);
    expect(fee).toBe(50n * COIN - amount);
  });

  it('sends a whole balance with the fee subtracted from the amount (subtractfeefromamount)', async () => {
    const h = await harness.start();
    const alice = await funded(h, 'alice');
    const bob = await h.manager.create('bob');
    const { tx, fee } = await alice.send({ recipients: [{ address: await bob.newAddress(), amount: 50n * COIN }], feeRate: 3, subtractFeeFrom: [0] });
    expect(tx.outputs).toHaveLength(1);
    expect(fee).toBe(feeFor(txVsize(1, 1), 3));
    await mine(h, 1);
    expect(bob.getBalances().trusted).toBe(50n * COIN - fee);
    expect(alice.getBalances().trusted).toBe(0n);
  });

  it('leaves locked coins alone, and keeps persistent locks across a reload', async () => {
    const h = await harness.start();
    const alice = await funded(h, 'alice', 2);
    const to = await (await h.manager.create('bob')).newAddress();
    const coins = alice.listUnspent();
    expect(coins).toHaveLength(2);
    await alice.lockUnspent(false, [coins[0]!], true);
    await alice.lockUnspent(false, [coins[1]!]);
    expect(alice.listLockUnspent()).toHaveLength(2);
    expect(alice.listUnspent()).toEqual([]);
    expect(await rpcCode(alice.send({ recipients: [{ address: to, amount: COIN }], feeRate: 1 }))).toBe(-6);
    await h.manager.unload('alice');
    const again = await h.manager.load('alice');
    expect(again.listLockUnspent()).toEqual([{ txid: coins[0]!.txid, vout: coins[0]!.vout }]);
    const { tx } = await again.send({ recipients: [{ address: to, amount: COIN }], feeRate: 1 });
    expect(toHex(tx.inputs[0]!.prevout.txid.slice().reverse())).toBe(coins[1]!.txid);
    await again.lockUnspent(true);
    expect(again.listLockUnspent()).toEqual([]);
  });

  it('bumps the fee of a payment: same inputs and recipients, less change, BIP125 replacement accepted', async () => {
    const h = await harness.start();
    const alice = await funded(h, 'alice');
    const bob = await h.manager.create('bob');
    const to = await bob.newAddress();
    const first = await alice.send({ recipients: [{ address: to, amount: 4n * COIN }], feeRate: 1 });
    const bumped = await alice.bumpFee(first.txid);
    expect(bumped.origFee).toBe(first.fee);
    expect(bumped.fee).toBeGreaterThan(first.fee);
    await h.manager.settled();
    expect(h.node.mempool.has(first.txid)).toBe(false);
    expect(h.node.mempool.has(bumped.txid)).toBe(true);
    const replacement = alice.getTransaction(bumped.txid);
    expect(replacement.replaces_txid).toBe(first.txid);
    expect(replacement.fee).toBe(-bumped.fee);
    const oldTx = first.tx;
    const newTx = Transaction.fromHex(replacement.hex);
    expect(newTx.inputs.map((i) => toHex(i.prevout.txid))).toEqual(oldTx.inputs.map((i) => toHex(i.prevout.txid)));
    const payee = (t: Transaction) => t.outputs.filter((o) => o.value === 4n * COIN).map((o) => toHex(o.scriptPubKey));
    expect(payee(newTx)).toEqual(payee(oldTx));
    expect(alice.getBalances().trusted).toBe(46n * COIN - bumped.fee);
    expect(bob.getBalances().untrustedPending).toBe(4n * COIN);
    expect(await rpcCode(alice.bumpFee(first.txid))).toBe(-4);
    await mine(h, 1);
    expect(await rpcCode(alice.bumpFee(bumped.txid))).toBe(-4);
    expect(alice.getTransaction(first.txid).confirmations).toBe(-1);
  });
});
