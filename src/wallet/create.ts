/**
 * A new wallet's keys (createwallet) and descriptors brought in later
 * (importdescriptors), as Core's descriptor wallets have them: a BIP39
 * mnemonic with its BIP86 receiving and change descriptors, or none at all for
 * a blank or watch-only wallet.
 */
import type { WalletCore } from './core.js';
import { formatDescriptor, parseDescriptor, withChecksum, type Descriptor } from './descriptor.js';
import { walletError } from './errors.js';
import { KeyRing } from './keyring.js';
import { accountDescriptors, checkMnemonic, generateMnemonic, masterKeyFromMnemonic } from './keys.js';
import { setLabel } from './label-book.js';
import { checkLabel } from './labels.js';
import { walletKeys } from './layout.js';
import { singleKeyScript } from './single-key.js';
import type { DescriptorRecord, SecretsRecord, WalletSecrets } from './records.js';
import { secretsRecord } from './secrets.js';
import { WalletBatch } from './store.js';

export interface CreateOptions {
  /** Core's `disable_private_keys`. */
  watchOnly?: boolean;
  /** Core's `blank`: no keys until importdescriptors. */
  blank?: boolean;
  /** Encrypts the wallet from the start: the mnemonic never reaches the disk in the clear. */
  passphrase?: string;
  /** Restore from this mnemonic (the wallet then rescans the chain) instead of making a new one. */
  mnemonic?: string;
  /** BIP39's optional passphrase (the "25th word"). */
  bip39Passphrase?: string;
}

/** The records of a new wallet; `restored` when its keys may already have history on chain. */
export async function newWalletKeys(opts: CreateOptions, now: number, scryptN: number): Promise<{ descriptors: DescriptorRecord[]; secrets?: SecretsRecord; restored: boolean }> {
  if (opts.watchOnly && opts.mnemonic) throw walletError('invalid-parameter', 'a watch-only wallet has no mnemonic');
  if (opts.watchOnly && opts.passphrase) throw walletError('wallet-error', 'Passphrase provided but private keys are disabled. A passphrase is only used to encrypt private keys, so cannot be used for wallets with private keys disabled.');
  if (opts.watchOnly || (opts.blank && !opts.mnemonic)) {
    return { descriptors: [], restored: false, ...(opts.blank && !opts.watchOnly ? { secrets: await secretsRecord({ descriptors: {} }, opts.passphrase, scryptN) } : {}) };
  }
  const mnemonic = opts.mnemonic ? checkMnemonic(opts.mnemonic) : generateMnemonic();
  const { external, internal } = accountDescriptors(masterKeyFromMnemonic(mnemonic, opts.bip39Passphrase ?? ''));
  const descriptors: DescriptorRecord[] = [];
  const secrets: WalletSecrets = { mnemonic, descriptors: {} };
  for (const [d, isInternal] of [[external, false], [internal, true]] as const) {
    const record = KeyRing.recordFor(d, { internal: isInternal, active: true, timestamp: opts.mnemonic ? 0 : now, hasPrivateKey: true });
    descriptors.push(record);
    secrets.descriptors[record.id] = withChecksum(formatDescriptor(d, true));
  }
  return { descriptors, secrets: await secretsRecord(secrets, opts.passphrase, scryptN), restored: opts.mnemonic !== undefined };
}

/** One importdescriptors request (Core's field names). */
export interface ImportRequest {
  desc: string;
  active?: boolean;
  internal?: boolean;
  /** Seconds of the oldest key's birth, or `now` (no rescan). */
  timestamp: number | 'now';
  /** Next index to hand out (Core's `next_index`). */
  nextIndex?: number;
  /** Core's `label`: the address book label of a descriptor of one address (not ranged, not internal). */
  label?: string;
}

export type ImportResult = { success: true; record: DescriptorRecord; timestamp: number } | { success: false; error: { code: number; message: string } };

function hasPrivate(d: Descriptor): boolean {
  return d.kind === 'tr' ? d.key.privateKey !== null : d.kind === 'trkey' && d.secret !== undefined;
}

/** Checks and stores one descriptor; the caller rescans from the earliest timestamp. */
export async function importDescriptor(core: WalletCore, req: ImportRequest): Promise<DescriptorRecord> {
  const parsed = parseDescriptor(req.desc, core.params.addressPrefix, true);
  const priv = hasPrivate(parsed);
  if (priv && core.meta.watchOnly) throw walletError('wallet-error', 'Cannot import private keys to a wallet with private keys disabled');
  if (!priv && !core.meta.watchOnly) throw walletError('wallet-error', 'Cannot import descriptor without private keys to a wallet with private keys enabled');
  if (priv && core.encrypted) throw walletError('wallet-error', 'Importing private descriptors into an encrypted wallet is not supported yet: import before encrypting');
  if (req.active && parsed.kind !== 'tr') throw walletError('invalid-parameter', 'Active descriptors must be ranged');
  if (req.label !== undefined && parsed.kind === 'tr') throw walletError('invalid-parameter', 'Ranged descriptors should not have a label');
  if (req.label !== undefined && req.internal) throw walletError('invalid-parameter', 'Internal addresses should not have a label');
  const timestamp = req.timestamp === 'now' ? core.clock() : req.timestamp;
  const record = KeyRing.recordFor(parsed, { internal: req.internal ?? false, active: req.active ?? false, timestamp, hasPrivateKey: priv, nextIndex: req.nextIndex ?? 0 });
  const batch = new WalletBatch();
  if (record.active) {
    for (const other of core.keys.records()) {
      if (!other.active || other.internal !== record.internal || other.id === record.id) continue;
      const off = { ...other, active: false };
      core.keys.get(other.id)!.record.active = false;
      batch.putJson(walletKeys.descriptor(off.id), off);
    }
  }
  batch.putJson(walletKeys.descriptor(record.id), record);
  if (req.label !== undefined && parsed.kind !== 'tr') setLabel(core, singleAddress(core, parsed), checkLabel(req.label), batch, 'receive');
  if (priv && core.secrets && !core.secrets.encrypted) {
    const plain: WalletSecrets = { ...core.secrets.plain, descriptors: { ...core.secrets.plain.descriptors, [record.id]: withChecksum(formatDescriptor(parsed, true)) } };
    core.secrets = { encrypted: false, plain };
    batch.putJson(walletKeys.secrets(), core.secrets);
    core.keys.unlock(plain);
  }
  await core.store.write(batch);
  if (!core.keys.get(record.id)) core.keys.add(record);
  return record;
}

/** The one address of a descriptor that is not ranged. */
function singleAddress(core: WalletCore, d: Exclude<Descriptor, { kind: 'tr' }>): string {
  return d.kind === 'addr' ? d.address : core.keys.address(singleKeyScript(d).script)!;
}
