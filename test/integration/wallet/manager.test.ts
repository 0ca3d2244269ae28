/**
 * The WalletManager: several named wallets under <datadir>/wallets/, Core's
 * errors for a wallet not loaded (-18), not specified (-19), already loaded
 * (-35) or already existing (-4); wallets reloaded on start; and a watch-only
 * addr() descriptor imported with a timestamp, which rescans and finds
 * past payments, with rescanblockchain's range checks (-8).
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { COIN, mine, WalletHarness } from './helpers.js';
import { WalletError } from '../../../src/wallet/errors.js';
import { formatDescriptor, withChecksum } from '../../../src/wallet/descriptor.js';
import { accountDescriptors, generateMnemonic, masterKeyFromMnemonic } from '../../../src/wallet/keys.js';
import { WalletManager } from '../../../src/wallet/manager.js';

const harness = new WalletHarness('tally-wallet-manager');

function rpcCode(fn: () => unknown): Promise<number> {
  return Promise.resolve().then(fn).then(() => 0, (err) => {
    if (err instanceof WalletError) return err.rpcCode;
    throw err;
  });
}

describe('WalletManager', () => {
  it("addresses wallets by name with Core's errors", async () => {
    const h = await harness.start();
    expect(await rpcCode(() => h.manager.get())).toBe(-18);
    const a = await h.manager.create('a');
    expect(existsSync(join(h.datadir, 'wallets', 'a'))).toBe(true);
    expect(h.manager.get()).toBe(a);
    await h.manager.create('b');
    expect(await rpcCode(() => h.manager.get())).toBe(-19);
    expect(h.manager.get('b').name).toBe('b');
    expect(await rpcCode(() => h.manager.get('c'))).toBe(-18);
    expect(await rpcCode(() => h.manager.create('a'))).toBe(-4);
    expect(await rpcCode(() => h.manager.load('a'))).toBe(-35);
    expect(await rpcCode(() => h.manager.load('nope'))).toBe(-18);
    expect(await rpcCode(() => h.manager.create('../escape'))).toBe(-8);
    await h.manager.unload('b');
    expect(await rpcCode(() => h.manager.unload('b'))).toBe(-18);
    expect(h.manager.list()).toEqual(['a']);
    expect(h.manager.listDir()).toEqual(['a', 'b']);
    const addr = await a.newAddress();

    // backupwallet: a copy that loads as a wallet with the same keys; an existing destination is refused.
    await a.backup(join(h.manager.walletDir, 'a-copy'));
    expect(await rpcCode(() => a.backup(join(h.manager.walletDir, 'a-copy')))).toBe(-4);
    const copy = await h.manager.load('a-copy');
    expect(copy.getAddressInfo(await a.newAddress()).ismine).toBe(true);
    await h.manager.unload('a-copy');

    // A manager told to load wallets at start (Core's -wallet) finds them with their addresses.
    await h.manager.stop();
    const again = new WalletManager({ datadir: h.datadir, load: ['a', 'b'], lookahead: 20 }, { node: h.node, events: h.node });
    await again.start();
    expect(again.list()).toEqual(['a', 'b']);
    expect(again.get('a').getAddressInfo(addr).ismine).toBe(true);
    expect(await again.get('a').newAddress()).not.toBe(addr);
    await again.stop();
  });

  it('imports private tr() descriptors into a blank wallet, which then receives and signs', async () => {
    const h = await harness.start();
    const { external, internal } = accountDescriptors(masterKeyFromMnemonic(generateMnemonic()));
    const blank = await h.manager.create('blank', { blank: true });
    expect(await rpcCode(() => blank.newAddress())).toBe(-12);
    const results = await blank.importDescriptors([
      { desc: withChecksum(formatDescriptor(external, true)), active: true, timestamp: 'now' },
      { desc: withChecksum(formatDescriptor(internal, true)), active: true, internal: true, timestamp: 'now' },
      { desc: withChecksum(formatDescriptor(internal)), timestamp: 'now' },
    ]);
    expect(results.map((r) => r.success)).toEqual([true, true, false]);
    expect(blank.listDescriptors().map((d) => [d.desc.startsWith('tr([') && d.desc.includes('tpub'), d.active, d.internal])).toEqual([[true, true, false], [true, true, true]]);
    expect(Object.values((await blank.secrets()).descriptors).every((d) => d.includes('tprv'))).toBe(true);
    await mine(h, 1, await blank.newAddress());
    await mine(h, 100);
    const { tx } = await blank.send({ recipients: [{ address: await blank.newAddress(), amount: COIN }], feeRate: 1 });
    expect(h.node.mempool.has(tx.txid)).toBe(true);
  });

  it('imports a watch-only addr() descriptor, rescans for its past payments, and checks rescan ranges', async () => {
    const h = await harness.start();
    const payer = await h.manager.create('payer');
    const target = await payer.newAddress();
    await mine(h, 3, target);
    const watch = await h.manager.create('watch', { watchOnly: true });
    expect(watch.getBalances().immature).toBe(0n);
    const [result] = await watch.importDescriptors([{ desc: withChecksum(`addr(${target})`), timestamp: 0 }]);
    expect(result!.success).toBe(true);
    expect(watch.getBalances().immature).toBe(150n * COIN);
    expect(watch.getAddressInfo(target)).toMatchObject({ ismine: true, iswatchonly: true });
    expect(watch.listDescriptors().map((d) => d.desc)).toEqual([withChecksum(`addr(${target})`)]);
    expect(await rpcCode(() => watch.rescan(5))).toBe(-8);
    expect(await rpcCode(() => watch.rescan(2, 1))).toBe(-8);
    expect(await watch.rescan(1, 3)).toEqual({ startHeight: 1, stopHeight: 3 });
    expect(watch.getBalances().immature).toBe(150n * COIN);
    expect(watch.info()).toMatchObject({ private_keys_enabled: false, txcount: 3, lastprocessedblock: { height: 3 } });
    const bad = await watch.importDescriptors([{ desc: `addr(${target})#aaaaaaaa`, timestamp: 'now' }]);
    expect(bad[0]).toMatchObject({ success: false, error: { code: -5 } });
  });
});
