/**
 * Encryption at rest: a locked wallet refuses to sign (-13), a wrong passphrase
 * is -14, an unencrypted wallet refuses lock calls (-15); the unlock timeout
 * locks again; and the LevelDB files of an encrypted wallet (encrypted at
 * creation, or later) hold no plaintext mnemonic or private extended key.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COIN, mine, WalletHarness } from './helpers.js';
import { WalletError } from '../../../src/wallet/errors.js';
import type { Wallet } from '../../../src/wallet/wallet.js';
import { waitUntil } from '../../helpers/wait.js';

const harness = new WalletHarness('tally-wallet-crypt');

async function rpcCode(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (err) {
    if (err instanceof WalletError) return err.rpcCode;
    throw err;
  }
  return 0;
}

/** Every byte of every file in the wallet's folder, as latin1 text. */
function folderBytes(dir: string): string {
  return readdirSync(dir).map((f) => readFileSync(join(dir, f)).toString('latin1')).join('\n');
}

function payment(w: Wallet, address: string) {
  return w.send({ recipients: [{ address, amount: COIN }], feeRate: 2 });
}

describe('wallet encryption', () => {
  it('refuses to sign while locked, checks the passphrase, unlocks for a while and relocks', async () => {
    const h = await harness.start();
    const vault = await h.manager.create('vault', { passphrase: 'correct horse' });
    expect(vault.info()).toMatchObject({ encrypted: true, unlocked_until: 0 });
    const to = await vault.newAddress();
    await mine(h, 1, to);
    await mine(h, 100);
    expect(vault.getBalances().trusted).toBe(50n * COIN);

    expect(await rpcCode(payment(vault, to))).toBe(-13);
    expect(await rpcCode(vault.secrets())).toBe(-13);
    expect(await rpcCode(vault.unlock('wrong horse', 60))).toBe(-14);
    await vault.unlock('correct horse', 60);
    expect(vault.info().unlocked_until).toBeGreaterThan(h.node.clock());
    expect((await payment(vault, to)).txid).toMatch(/^[0-9a-f]{64}$/);
    await vault.lock();
    expect(await rpcCode(payment(vault, to))).toBe(-13);

    expect(await rpcCode(vault.changePassphrase('wrong horse', 'battery staple'))).toBe(-14);
    await vault.changePassphrase('correct horse', 'battery staple');
    expect(await rpcCode(vault.unlock('correct horse', 60))).toBe(-14);
    await vault.unlock('battery staple', 1);
    expect((await vault.secrets()).mnemonic?.split(' ')).toHaveLength(24);
    await waitUntil(async () => (await rpcCode(vault.secrets())) === -13, 'the 1-second unlock to expire', 10_000);
    expect(vault.info().unlocked_until).toBe(0);
  });

  it('answers -15 for lock calls on an unencrypted wallet and for encrypting twice', async () => {
    const h = await harness.start();
    const plain = await h.manager.create('plain');
    expect(await rpcCode(plain.unlock('x', 10))).toBe(-15);
    expect(await rpcCode(plain.lock())).toBe(-15);
    expect(await rpcCode(plain.changePassphrase('a', 'b'))).toBe(-15);
    await plain.encrypt('first');
    expect(await rpcCode(plain.encrypt('second'))).toBe(-15);
    const watch = await h.manager.create('watch', { watchOnly: true });
    expect(await rpcCode(watch.encrypt('x'))).toBe(-4);
  });

  it('keeps no plaintext mnemonic or xprv in the database files, encrypted at creation or later', async () => {
    const h = await harness.start();
    const born = await h.manager.create('born', { passphrase: 'pw' });
    await born.unlock('pw', 60);
    const bornSecrets = await born.secrets();
    const later = await h.manager.create('later');
    const laterSecrets = await later.secrets();
    // Before encryption the secrets are in the clear (as Core's unencrypted wallets): the check below can see them.
    await h.manager.stop();
    expect(folderBytes(join(h.manager.walletDir, 'later'))).toContain(laterSecrets.mnemonic!);
    await h.manager.start();
    const reopened = await h.manager.load('later');
    await reopened.encrypt('pw');
    await h.manager.stop();
    for (const [name, secrets] of [['born', bornSecrets], ['later', laterSecrets]] as const) {
      const bytes = folderBytes(join(h.manager.walletDir, name));
      expect(bytes).not.toContain(secrets.mnemonic!);
      // Any three consecutive words (single words also occur in LevelDB's text LOG: "table", "level"...).
      const words = secrets.mnemonic!.split(' ');
      for (let i = 0; i + 3 <= words.length; i++) expect(bytes).not.toContain(words.slice(i, i + 3).join(' '));
      expect(bytes).not.toContain('tprv');
      for (const text of Object.values(secrets.descriptors)) expect(bytes).not.toContain(text.slice(0, 60));
      expect(bytes).toContain('tpub');
    }
  });
});
