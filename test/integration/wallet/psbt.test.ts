/**
 * PSBT both ways with @scure/btc-signer: a watch-only wallet (tr(tpub…)
 * descriptors) funds a PSBT with BIP371 fields that btc-signer signs from the
 * mnemonic's keys, and the wallet finalizes and broadcasts it; a PSBT built by
 * btc-signer (our hrp passed as its network) is completed and signed by a
 * wallet holding the keys, and the node accepts the result.
 */
import { describe, expect, it } from 'vitest';
import { Transaction as BtcTx } from '@scure/btc-signer';
import { base64 } from '@scure/base';
import { COIN, mine, WalletHarness } from './helpers.js';
import { WalletError } from '../../../src/wallet/errors.js';
import { accountDescriptors, masterKeyFromMnemonic } from '../../../src/wallet/keys.js';
import { formatDescriptor, withChecksum, formatPath } from '../../../src/wallet/descriptor.js';
import { btcSignerNetwork } from '../../../src/wallet/psbt.js';
import { Transaction } from '../../../src/primitives/tx.js';
import { regtest } from '../../../src/consensus/params.js';

const harness = new WalletHarness('tally-wallet-psbt');
const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

describe('PSBT with @scure/btc-signer', () => {
  it('a watch-only wallet funds a PSBT that btc-signer signs; the wallet finalizes and broadcasts it', async () => {
    const h = await harness.start();
    const master = masterKeyFromMnemonic(MNEMONIC);
    const { external, internal } = accountDescriptors(master);
    const watch = await h.manager.create('watch', { watchOnly: true });
    const results = await watch.importDescriptors([
      { desc: withChecksum(formatDescriptor(external)), active: true, internal: false, timestamp: 'now' },
      { desc: withChecksum(formatDescriptor(internal)), active: true, internal: true, timestamp: 'now' },
      { desc: withChecksum(formatDescriptor(external, true)), timestamp: 'now' },
    ]);
    expect(results.map((r) => r.success)).toEqual([true, true, false]);
    await mine(h, 1, await watch.newAddress());
    await mine(h, 100);
    expect(watch.getBalances().trusted).toBe(50n * COIN);
    const bob = await h.manager.create('bob');
    const to = await bob.newAddress();
    await expect(watch.send({ recipients: [{ address: to, amount: COIN }], feeRate: 2 })).rejects.toMatchObject({ rpcCode: -4 });

    const { psbt, fee, changePosition } = await watch.createPsbt({ recipients: [{ address: to, amount: COIN }], feeRate: 2 });
    const signer = BtcTx.fromPSBT(base64.decode(psbt));
    expect(signer.getOutput(changePosition).tapInternalKey).toBeInstanceOf(Uint8Array);
    for (let i = 0; i < signer.inputsLength; i++) {
      const [[, { der }]] = signer.getInput(i).tapBip32Derivation! as unknown as [[Uint8Array, { der: { fingerprint: number; path: number[] } }]];
      expect(der.fingerprint).toBe(master.fingerprint);
      const key = master.derive(`m/${formatPath(der.path).replaceAll('h', "'")}`);
      expect(signer.signIdx(key.privateKey!, i)).toBe(true);
    }
    // Signed, not finalized: the wallet finalizes it.
    const done = watch.processPsbt(base64.encode(signer.toPSBT()));
    expect(done.complete).toBe(true);
    const tx = Transaction.fromHex(done.hex!);
    await watch.broadcast(tx);
    expect(h.node.mempool.get(tx.txid)?.fee).toBe(fee);
    await mine(h, 1);
    expect(bob.getBalances().trusted).toBe(COIN);
    expect(watch.getBalances().trusted).toBe(49n * COIN - fee);
  });

  it('a PSBT built by btc-signer is filled and signed by the wallet and accepted by the node', async () => {
    const h = await harness.start();
    const alice = await h.manager.create('alice');
    const mineTo = await alice.newAddress();
    await mine(h, 1, mineTo);
    await mine(h, 100);
    const coin = alice.listUnspent()[0]!;
    const bob = await (await h.manager.create('bob')).newAddress();
    const net = btcSignerNetwork(regtest);
    const draft = new BtcTx();
    draft.addInput({ txid: coin.txid, index: coin.vout, sequence: 0xfffffffd });
    draft.addOutputAddress(bob, COIN, net);
    draft.addOutputAddress(mineTo, coin.amount - COIN - 1_000n, net);
    const result = alice.processPsbt(base64.encode(draft.toPSBT()));
    expect(result.complete).toBe(true);
    const filled = BtcTx.fromPSBT(base64.decode(result.psbt));
    expect(filled.getInput(0).witnessUtxo?.amount).toBe(coin.amount);
    const tx = Transaction.fromHex(result.hex!);
    expect((await h.node.sendTransaction(tx)).status).toBe('accepted');
    await h.manager.settled();
    expect(alice.getTransaction(tx.txid).fee).toBe(-1_000n);

    // A locked wallet fills but will not sign.
    await alice.encrypt('pw');
    const second = new BtcTx();
    const change = alice.listUnspent({ minconf: 0 }).find((u) => u.txid === tx.txid)!;
    second.addInput({ txid: change.txid, index: change.vout });
    second.addOutputAddress(bob, COIN, net);
    let code = 0;
    try {
      alice.processPsbt(base64.encode(second.toPSBT()));
    } catch (err) {
      code = (err as WalletError).rpcCode;
    }
    expect(code).toBe(-13);
  });
});
