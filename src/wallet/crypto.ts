/**
 * Secrets at rest: the same construction as the CLI keystore
 * (src/cli/wallet/keystore.ts): scrypt (RFC 7914) stretches the passphrase
 * into an AES-256-GCM key, and the KDF parameters are bound to the ciphertext
 * as associated data, so editing them reads as a wrong passphrase.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCb, type ScryptOptions } from 'node:crypto';
import { walletError } from './errors.js';

/** scrypt cost for new wallets: 2^15 (about 0.1 s and 32 MiB), as the keystore. */
export const DEFAULT_SCRYPT_N = 1 << 15;
const MIN_N = 1 << 10;
const MAX_N = 1 << 20;

/** An encrypted secret as stored (all hex). */
export interface SealedSecret {
  kdf: { name: 'scrypt'; n: number; r: number; p: number; dklen: number; salt: string };
  cipher: { name: 'aes-256-gcm'; nonce: string; tag: string };
  ciphertext: string;
}

/** What the ciphertext is bound to besides the key. */
const CONTEXT = 'tally-wallet-secret/v1';

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))));
}

function deriveKey(passphrase: string, kdf: SealedSecret['kdf']): Promise<Buffer> {
  if (!Number.isSafeInteger(kdf.n) || kdf.n < MIN_N || kdf.n > MAX_N || (kdf.n & (kdf.n - 1)) !== 0) throw walletError('wallet-error', 'damaged wallet: bad scrypt cost');
  const maxmem = 128 * kdf.n * kdf.r * 2 + (1 << 20);
  return scrypt(passphrase.normalize('NFKC'), Buffer.from(kdf.salt, 'hex'), kdf.dklen, { N: kdf.n, r: kdf.r, p: kdf.p, maxmem });
}

function aad(kdf: SealedSecret['kdf']): Buffer {
  return Buffer.from(JSON.stringify({ context: CONTEXT, kdf: { name: kdf.name, n: kdf.n, r: kdf.r, p: kdf.p, dklen: kdf.dklen, salt: kdf.salt } }));
}

/** Encrypts `plaintext` under `passphrase`. */
export async function seal(plaintext: Uint8Array, passphrase: string, n = DEFAULT_SCRYPT_N): Promise<SealedSecret> {
  if (passphrase.length === 0) throw walletError('invalid-parameter', 'passphrase cannot be empty');
  const kdf = { name: 'scrypt' as const, n, r: 8, p: 1, dklen: 32, salt: randomBytes(16).toString('hex') };
  const key = await deriveKey(passphrase, kdf);
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(aad(kdf));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  key.fill(0);
  return { kdf, cipher: { name: 'aes-256-gcm', nonce: nonce.toString('hex'), tag: cipher.getAuthTag().toString('hex') }, ciphertext: ciphertext.toString('hex') };
}

/** Decrypts a sealed secret. @throws WalletError `wrong-passphrase` for a wrong passphrase or any tampering. */
export async function unseal(sealed: SealedSecret, passphrase: string): Promise<Uint8Array> {
  const key = await deriveKey(passphrase, sealed.kdf);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.cipher.nonce, 'hex'));
    decipher.setAAD(aad(sealed.kdf));
    decipher.setAuthTag(Buffer.from(sealed.cipher.tag, 'hex'));
    return new Uint8Array(Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'hex')), decipher.final()]));
  } catch {
    throw walletError('wrong-passphrase', 'Error: The wallet passphrase entered was incorrect.');
  } finally {
    key.fill(0);
  }
}
