/**
 * The passphrase: encryptwallet, walletpassphrase (unlock for a while),
 * walletlock and walletpassphrasechange. The secrets record is the only key
 * material in the database; once sealed, its plaintext never touches the disk
 * again, and encrypting compacts the database so the old plaintext value
 * leaves LevelDB's files too.
 */
import type { WalletCore } from './core.js';
import { seal, unseal } from './crypto.js';
import { walletError } from './errors.js';
import { walletKeys } from './layout.js';
import type { SecretsRecord, WalletSecrets } from './records.js';
import { WalletBatch } from './store.js';

/** Core caps walletpassphrase's timeout at 100000000 seconds (about 3 years). */
export const MAX_UNLOCK_SECONDS = 100_000_000;

function encode(secrets: WalletSecrets): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(secrets));
}

function decode(bytes: Uint8Array): WalletSecrets {
  return JSON.parse(new TextDecoder().decode(bytes)) as WalletSecrets;
}

/** The secrets record for a new wallet: sealed when a passphrase is given. */
export async function secretsRecord(secrets: WalletSecrets, passphrase: string | undefined, scryptN: number): Promise<SecretsRecord> {
  if (passphrase === undefined || passphrase === '') return { encrypted: false, plain: secrets };
  return { encrypted: true, sealed: await seal(encode(secrets), passphrase, scryptN) };
}

async function writeSecrets(core: WalletCore, record: SecretsRecord): Promise<void> {
  await core.store.write(new WalletBatch().putJson(walletKeys.secrets(), record));
  core.secrets = record;
}

/** encryptwallet: seals the secrets and locks the wallet. @throws WalletError `already-encrypted`, `wallet-error` */
export async function encryptWallet(core: WalletCore, passphrase: string): Promise<void> {
  if (!core.secrets || !core.keys.hasPrivateKeys) throw walletError('wallet-error', 'Error: wallet does not contain private keys, nothing to encrypt.');
  if (core.secrets.encrypted) throw walletError('already-encrypted', 'Error: running with an encrypted wallet, but encryptwallet was called.');
  if (passphrase === '') throw walletError('invalid-parameter', 'passphrase cannot be empty');
  await writeSecrets(core, await secretsRecord(core.secrets.plain, passphrase, core.opts.scryptN));
  await core.store.compact();
  lockWallet(core);
}

/**
 * walletpassphrase: decrypts the secrets and keeps them in memory for
 * `timeoutSeconds` (capped as Core caps it). Returns when it locks again.
 * @throws WalletError `not-encrypted`, `wrong-passphrase`, `invalid-parameter`
 */
export async function unlockWallet(core: WalletCore, passphrase: string, timeoutSeconds: number): Promise<number> {
  if (!core.secrets?.encrypted) throw walletError('not-encrypted', 'Error: running with an unencrypted wallet, but walletpassphrase was called.');
  if (!(timeoutSeconds >= 0) || !Number.isFinite(timeoutSeconds)) throw walletError('invalid-parameter', 'Timeout cannot be negative.');
  if (passphrase === '') throw walletError('invalid-parameter', 'passphrase cannot be empty');
  const plain = await unseal(core.secrets.sealed, passphrase);
  try {
    core.plainSecrets = decode(plain);
    core.keys.unlock(core.plainSecrets);
  } finally {
    plain.fill(0);
  }
  const seconds = Math.min(timeoutSeconds, MAX_UNLOCK_SECONDS);
  core.unlockedUntil = core.clock() + seconds;
  return seconds;
}

/** walletlock. @throws WalletError `not-encrypted` */
export function lockWallet(core: WalletCore): void {
  if (!core.secrets?.encrypted) throw walletError('not-encrypted', 'Error: running with an unencrypted wallet, but walletlock was called.');
  core.keys.lock();
  core.plainSecrets = undefined;
  core.unlockedUntil = 0;
}

/** walletpassphrasechange. @throws WalletError `not-encrypted`, `wrong-passphrase` */
export async function changePassphrase(core: WalletCore, oldPassphrase: string, newPassphrase: string): Promise<void> {
  if (!core.secrets?.encrypted) throw walletError('not-encrypted', 'Error: running with an unencrypted wallet, but walletpassphrasechange was called.');
  if (newPassphrase === '') throw walletError('invalid-parameter', 'passphrase cannot be empty');
  const plain = await unseal(core.secrets.sealed, oldPassphrase);
  try {
    await writeSecrets(core, { encrypted: true, sealed: await seal(plain, newPassphrase, core.opts.scryptN) });
  } finally {
    plain.fill(0);
  }
}

/** The mnemonic and private descriptors (listdescriptors private=true). @throws WalletError `unlock-needed` */
export async function readSecrets(core: WalletCore): Promise<WalletSecrets> {
  if (!core.secrets) throw walletError('wallet-error', 'This wallet has no private keys');
  if (!core.secrets.encrypted) return core.secrets.plain;
  if (core.plainSecrets) return core.plainSecrets;
  throw walletError('unlock-needed', 'Error: Please enter the wallet passphrase with walletpassphrase first.');
}
