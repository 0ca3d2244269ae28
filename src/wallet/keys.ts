/**
 * HD keys: BIP39 mnemonics (24 words), the BIP86 account `m/86'/<coin>'/0'`
 * and its receiving (`/0/*`) and change (`/1/*`) descriptors, and the taproot
 * key of each derived index. Derivation is @scure/bip32's, never hand-written.
 *
 * Coin type: Tally has no SLIP-44 number, and all its networks are test
 * networks, so it uses 1, as Bitcoin Core does for testnet, signet and regtest.
 */
import { HDKey } from '@scure/bip32';
import { generateMnemonic as bip39Generate, mnemonicToSeedSync, validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { taprootTweakPublicKey } from '../primitives/signature.js';
import { taprootScript } from '../primitives/script.js';
import { HARDENED, TEST_VERSIONS, type TrDescriptor } from './descriptor.js';
import { walletError } from './errors.js';

/** The BIP44 coin type of every Tally network (see the module comment). */
export const TALLY_COIN_TYPE = 1;
/** BIP86's purpose. */
export const BIP86_PURPOSE = 86;

/** A new 24-word English mnemonic (256 bits of entropy). */
export function generateMnemonic(): string {
  return bip39Generate(wordlist, 256);
}

/** Normalizes and checks a mnemonic. @throws WalletError `invalid-parameter` */
export function checkMnemonic(mnemonic: string): string {
  const words = mnemonic.normalize('NFKD').trim().toLowerCase().split(/\s+/).join(' ');
  if (!validateMnemonic(words, wordlist)) throw walletError('invalid-parameter', 'not a valid BIP39 English mnemonic');
  return words;
}

/** The BIP32 master key of a mnemonic (BIP39 seed with an optional passphrase, the "25th word"). */
export function masterKeyFromMnemonic(mnemonic: string, bip39Passphrase = '', versions = TEST_VERSIONS): HDKey {
  return HDKey.fromMasterSeed(mnemonicToSeedSync(checkMnemonic(mnemonic), bip39Passphrase), versions);
}

/** The path of the BIP86 account `m/86'/coin'/account'`. */
export function accountPath(coinType = TALLY_COIN_TYPE, account = 0): number[] {
  return [BIP86_PURPOSE + HARDENED, coinType + HARDENED, account + HARDENED];
}

/** The receiving and change descriptors of a master key's BIP86 account, with key origin. */
export function accountDescriptors(master: HDKey, coinType = TALLY_COIN_TYPE, account = 0): { external: TrDescriptor; internal: TrDescriptor } {
  const path = accountPath(coinType, account);
  const key = master.derive(`m/${path.map((i) => `${i - HARDENED}'`).join('/')}`);
  const origin = { fingerprint: master.fingerprint, path };
  return { external: { kind: 'tr', key, origin, path: [0] }, internal: { kind: 'tr', key, origin, path: [1] } };
}

/** One derived BIP86 key of a ranged descriptor. */
export interface DerivedKey {
  index: number;
  /** x-only internal key (BIP86: the BIP32 public key without its parity byte). */
  internalKey: Uint8Array;
  /** x-only output key: the internal key tweaked with an empty script tree. */
  outputKey: Uint8Array;
  script: Uint8Array;
  /** The full path from the master key, when the descriptor has an origin. */
  fullPath: number[];
  fingerprint: number;
}

function childOf(d: TrDescriptor, index: number): HDKey {
  if (!Number.isInteger(index) || index < 0 || index >= HARDENED) throw walletError('invalid-parameter', `derivation index ${index} out of range`);
  let key = d.key;
  for (const step of [...d.path, index]) key = key.deriveChild(step);
  return key;
}

/** The taproot key at `index` of a ranged descriptor. */
export function deriveKey(d: TrDescriptor, index: number): DerivedKey {
  const child = childOf(d, index);
  const internalKey = child.publicKey!.subarray(1);
  const outputKey = taprootTweakPublicKey(internalKey).outputKey;
  const fullPath = [...(d.origin?.path ?? []), ...d.path, index];
  return { index, internalKey, outputKey, script: taprootScript(outputKey), fullPath, fingerprint: d.origin?.fingerprint ?? d.key.fingerprint };
}

/** The (untweaked, BIP86) secret key at `index`. @throws WalletError `watch-only` for a public descriptor */
export function deriveSecret(d: TrDescriptor, index: number): Uint8Array {
  if (!d.key.privateKey) throw walletError('watch-only', 'this descriptor has no private key');
  return childOf(d, index).privateKey!;
}
