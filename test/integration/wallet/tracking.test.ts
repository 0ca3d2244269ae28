/**
 * The wallet following a real node (LevelDB chain, mempool, on-demand miner):
 * coinbase maturity, receive and spend with Core's balance buckets and
 * listtransactions categories, a reorg whose new branch double-spends a
 * confirmed payment (negative confirmations, walletconflicts), and a wallet
 * closed while the chain moved on and reorganised, which catches up to the
 * same state as a fresh wallet restored from its mnemonic and rescanned.
 */
import { describe, expect, it } from 'vitest';
import { COIN, mine, OTHER, WalletHarness } from './helpers.js';
import type { Wallet } from '../../../src/wallet/wallet.js';
import { WalletError } from '../../../src/wallet/errors.js';
import { WalletManager } from '../../../src/wallet/manager.js';
import { addressToScriptPubKey } from '../../../src/primitives/address.js';
import { join } from 'node:path';

const harness = new WalletHarness('tally-wallet-track');

async function rpcCode(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (err) {
    if (err instanceof WalletError) return err.rpcCode;
    throw err;
  }
  throw new Error('expected a WalletError');
}

/** A view of a wallet's state that two wallets with the same keys must agree on. */
function snapshot(w: Wallet) {
  return {
    balances: w.getBalances(),
    unspent: w.listUnspent({ minconf: 0 }).map((u) => `${u.txid}:${u.vout}:${u.amount}:${u.confirmations}`).sort(),
    txs: w.listTransactions(1000).map((t) => `${t.txid}:${t.category}:${t.amount}:${t.confirmations}`).sort(),
  };
}

describe('wallet tracking', () => {
  it('sees a coinbase mature, a payment pending then confirmed, with Core buckets and categories', async () => {
    const h = await harness.start();
    const alice = await h.manager.create('alice');
    const bob = await h.manager.create('bob');
    const aliceAddr = await alice.newAddress();
    await mine(h, 1, aliceAddr);
    expect(alice.getBalances()).toEqual({ trusted: 0n, untrustedPending: 0n, immature: 50n * COIN });
    expect(alice.listTransactions().map((t) => t.category)).toEqual(['immature']);
    await mine(h, 100);
    // Depth 101: Core's wallet counts a coinbase one block after consensus allows spending it.
    expect(alice.getBalances()).toEqual({ trusted: 50n * COIN, untrustedPending: 0n, immature: 0n });
    expect(alice.listTransactions().map((t) => t.category)).toEqual(['generate']);

    const { txid, fee } = await alice.send({ recipients: [{ address: await bob.newAddress(), amount: 10n * COIN }], feeRate: 2 });
    await h.manager.settled();
    expect(alice.getBalances().trusted).toBe(40n * COIN - fee);
    expect(bob.getBalances()).toEqual({ trusted: 0n, untrustedPending: 10n * COIN, immature: 0n });
    const sent = alice.listTransactions().at(-1)!;
    expect(sent).toMatchObject({ txid, category: 'send', amount: -10n * COIN, fee: -fee, confirmations: 0, trusted: true, 'bip125-replaceable': 'yes' });
    expect(alice.getTransaction(txid)).toMatchObject({ amount: -10n * COIN, fee: -fee, confirmations: 0 });

    await mine(h, 1);
    expect(bob.getBalances()).toEqual({ trusted: 10n * COIN, untrustedPending: 0n, immature: 0n });
    expect(bob.listTransactions()).toMatchObject([{ txid, category: 'receive', amount: 10n * COIN, confirmations: 1, blockheight: 102 }]);
    expect(bob.listUnspent()).toMatchObject([{ txid, amount: 10n * COIN, confirmations: 1, spendable: true, safe: true }]);
    const since = bob.listSinceBlock(h.node.chain.getEntryAtHeight(101)!.hashHex);
    expect(since.transactions.map((t) => t.txid)).toEqual([txid]);
    expect(since.lastblock).toBe(h.node.chain.tip.hashHex);
    expect(bob.listSinceBlock(h.node.chain.tip.hashHex).transactions).toEqual([]);
  });

  it('marks a payment conflicted with negative confirmations when a reorg confirms a double spend', async () => {
    const h = await harness.start();
    const alice = await h.manager.create('alice');
    const bob = await h.manager.create('bob');
    await mine(h, 1, await alice.newAddress());
    await mine(h, 100);
    const fork = await harness.node();
    for (let i = 1; i <= h.node.chain.height; i++) await fork.submitBlock((await h.node.chain.getBlock(h.node.chain.getEntryAtHeight(i)!.hashHex))!);

    // Two payments from alice's only coin: one to bob on our chain, one elsewhere on a longer branch.
    const elsewhere = (await harness.start()).manager;
    const carol = await elsewhere.create('carol');
    const double = await alice.createTransaction({ recipients: [{ address: await carol.newAddress(), amount: 7n * COIN }], feeRate: 3 });
    const { txid } = await alice.send({ recipients: [{ address: await bob.newAddress(), amount: 5n * COIN }], feeRate: 2 });
    const [replacedBlock] = await mine(h, 1);
    expect(bob.getTransaction(txid).confirmations).toBe(1);

    await fork.sendTransaction(double.tx);
    const branch = await fork.generate(2, OTHER);
    for (const hash of branch) await h.node.submitBlock((await fork.chain.getBlock(hash))!);
    await h.manager.settled();
    expect(h.node.chain.tip.hashHex).toBe(branch[1]);

    const conflicted = alice.getTransaction(txid);
    expect(conflicted.confirmations).toBe(-2);
    expect(conflicted.walletconflicts).toEqual([double.tx.txid]);
    expect(alice.getTransaction(double.tx.txid).confirmations).toBe(2);
    expect(bob.getTransaction(txid).confirmations).toBe(-2);
    expect(bob.getBalances()).toEqual({ trusted: 0n, untrustedPending: 0n, immature: 0n });
    // A conflicted receipt is not listed; the conflicted send still is (Core).
    expect(bob.listTransactions()).toEqual([]);
    expect(alice.getBalances().trusted).toBe(50n * COIN - 7n * COIN - double.fee);
    expect(await rpcCode(alice.abandonTransaction(txid))).toBe(-5);
    // listsinceblock from the block that left the chain: bob learns his payment was removed.
    expect((await bob.removedSince(replacedBlock!)).map((e) => [e.txid, e.category])).toEqual([[txid, 'receive']]);
    expect((await alice.removedSince(replacedBlock!)).map((e) => [e.txid, e.category])).toEqual([[txid, 'send']]);
    expect(await alice.removedSince(h.node.chain.tip.hashHex)).toEqual([]);
  });

  it('abandons a replaced transaction, and refuses to abandon one in the mempool', async () => {
    const h = await harness.start();
    const alice = await h.manager.create('alice');
    await mine(h, 1, await alice.newAddress());
    await mine(h, 100);
    const { txid } = await alice.send({ recipients: [{ address: await alice.newAddress(), amount: COIN }], feeRate: 1 });
    await h.manager.settled();
    expect(await rpcCode(alice.abandonTransaction(txid))).toBe(-5);
    const bumped = await alice.bumpFee(txid);
    await h.manager.settled();
    expect(alice.getTransaction(txid).replaced_by_txid).toBe(bumped.txid);
    await alice.abandonTransaction(txid);
    expect(alice.getTransaction(txid).abandoned).toBe(true);
    expect(await rpcCode(alice.abandonTransaction('00'.repeat(32)))).toBe(-5);
    // Abandoning the replaced one frees nothing: the replacement spends the same coin.
    expect(alice.getBalances().trusted).toBe(50n * COIN - bumped.fee);
  });

  it('replays from the chain when a block does not extend the last one it applied (missed events)', async () => {
    const h = await harness.start();
    // A manager that does not follow the node's events: every block is "missed".
    const deaf = new WalletManager({ datadir: join(h.datadir, 'deaf'), lookahead: 20 }, { node: h.node });
    await deaf.start();
    const x = await deaf.create('x');
    const hashes = await h.node.generate(3, addressToScriptPubKey('tlr', await x.newAddress()));
    expect(x.getBalances().immature).toBe(0n);
    const last = h.node.chain.getEntry(hashes[2]!)!;
    await x.blockConnected((await h.node.chain.getBlock(last.hashHex))!, last);
    expect(x.getBalances().immature).toBe(150n * COIN);
    expect(x.info().lastprocessedblock).toEqual({ hash: last.hashHex, height: 3 });
    await deaf.stop();
  });

  it('catches up after being closed while the chain moved on and reorganised, matching a fresh rescan', async () => {
    const h = await harness.start();
    const dave = await h.manager.create('dave');
    const { mnemonic } = await dave.secrets();
    const addrs = [await dave.newAddress(), await dave.newAddress()];
    await mine(h, 1, addrs[0]);
    await mine(h, 100);
    const { txid: sendTxid } = await dave.send({ recipients: [{ address: addrs[1]!, amount: 3n * COIN }], feeRate: 2 });
    await mine(h, 1);
    // "Crash": the wallet stops following the chain here.
    await h.manager.unload('dave');
    const tipWhenClosed = h.node.chain.height;
    await mine(h, 2, addrs[1]);
    // A reorg while it is away: a longer branch from before the last block it saw.
    const fork = await harness.node();
    for (let i = 1; i < tipWhenClosed; i++) await fork.submitBlock((await h.node.chain.getBlock(h.node.chain.getEntryAtHeight(i)!.hashHex))!);
    const branch = await fork.generate(5, OTHER);
    for (const hash of branch) await h.node.submitBlock((await fork.chain.getBlock(hash))!);
    expect(h.node.chain.tip.hashHex).toBe(branch.at(-1));

    const reopened = await h.manager.load('dave');
    await h.manager.settled();
    expect(reopened.info().lastprocessedblock).toEqual({ hash: h.node.chain.tip.hashHex, height: h.node.chain.height });
    const fresh = await h.manager.create('dave-restored', { mnemonic: mnemonic! });
    expect(snapshot(reopened)).toEqual(snapshot(fresh));
    // The send left the chain with the reorg and went back to the mempool: unconfirmed again, and still ours to trust.
    expect(h.node.mempool.has(sendTxid)).toBe(true);
    expect(reopened.getTransaction(sendTxid)).toMatchObject({ confirmations: 0, trusted: true });
    expect(reopened.getBalances().trusted).toBe(50n * COIN + reopened.getTransaction(sendTxid).fee!);
  });
});
