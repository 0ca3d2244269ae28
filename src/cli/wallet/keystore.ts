/**
 * The wallet's key file: one BIP86 secret key encrypted with a password.
 * scrypt (RFC 7914) stretches the password into an AES-256-GCM key; the
 * cleartext metadata (version, network, address, KDF parameters) is bound to
 * the ciphertext as associated data, so editing any of it is detected like a
 * wrong password. Errors never carry key material.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCb, type BinaryLike, type ScryptOptions } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { encodeAddress } from '../../primitives/address.js';
import { outputKeyFromSecret } from '../../primitives/sign.js';

export const KEYSTORE_VERSION = 1;
/** scrypt cost: 2^15 (about 0.1 s and 32 MiB); TALLY_WALLET_SCRYPT_N lowers it for tests. */
export const DEFAULT_SCRYPT_N = 1 << 15;
const SCRYPT_R = 8;
const SCRYPT_P = 1;
/** Bounds on parameters read from a file, so a doctored file cannot make us spend minutes or gigabytes. */
const MIN_N = 1 << 10;
const MAX_N = 1 << 20;

export type KeystoreErrorCode = 'wrong-password' | 'bad-keystore' | 'exists' | 'not-found' | 'bad-key';

/** A keystore failure; the message is safe to print. */
export class KeystoreError extends Error {
  constructor(readonly code: KeystoreErrorCode, message: string) {
    super(message);
    this.name = 'KeystoreError';
  }
}

export interface KeystoreFile {
  version: number;
  network: string;
  /** The taproot address of the key, readable without the password. */
  address: string;
  kdf: { name: 'scrypt'; n: number; r: number; p: number; dklen: number; salt: string };
  cipher: { name: 'aes-256-gcm'; nonce: string; tag: string };
  ciphertext: string;
}

const WRONG = 'wrong password or damaged keystore';

function scrypt(password: BinaryLike, salt: BinaryLike, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))));
}

function deriveKey(password: string, kdf: KeystoreFile['kdf']): Promise<Buffer> {
  // Node's default memory cap (32 MiB) is exactly what N=2^15, r=8 needs, and a little more is used.
  const maxmem = 128 * kdf.n * kdf.r * 2 + (1 << 20);
  return scrypt(password.normalize('NFKC'), Buffer.from(kdf.salt, 'hex'), kdf.dklen, { N: kdf.n, r: kdf.r, p: kdf.p, maxmem });
}

/** What the ciphertext is bound to: everything in the file except the ciphertext and tag. */
function associatedData(file: Pick<KeystoreFile, 'version' | 'network' | 'address' | 'kdf'>): Buffer {
  const { version, network, address, kdf } = file;
  return Buffer.from(JSON.stringify({ version, network, address, kdf: { name: kdf.name, n: kdf.n, r: kdf.r, p: kdf.p, dklen: kdf.dklen, salt: kdf.salt } }));
}

/** The scrypt cost to use for new keystores: TALLY_WALLET_SCRYPT_N when set (a power of two within bounds). */
export function scryptCostFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.TALLY_WALLET_SCRYPT_N;
  if (text === undefined || text === '') return DEFAULT_SCRYPT_N;
  const n = Number(text);
  if (!isValidN(n)) throw new KeystoreError('bad-keystore', `TALLY_WALLET_SCRYPT_N must be a power of two from ${MIN_N} to ${MAX_N}`);
  return n;
}

function isValidN(n: unknown): n is number {
  return Number.isSafeInteger(n) && (n as number) >= MIN_N && (n as number) <= MAX_N && ((n as number) & ((n as number) - 1)) === 0;
}

/** The address a secret key's coins are paid to. */
export function addressOfSecret(secret: Uint8Array, addressPrefix: string): string {
  return encodeAddress(addressPrefix, outputKeyFromSecret(secret));
}

/** Encrypts `secret` under `password`. */
export async function encryptKey(
  secret: Uint8Array,
  password: string,
  opts: { network: string; addressPrefix: string; n?: number },
): Promise<KeystoreFile> {
  if (password.length === 0) throw new KeystoreError('bad-key', 'the password must not be empty');
  let address: string;
  try {
    address = addressOfSecret(secret, opts.addressPrefix);
  } catch {
    throw new KeystoreError('bad-key', 'not a valid secret key (expected 32 bytes below the curve order)');
  }
  const n = opts.n ?? DEFAULT_SCRYPT_N;
  if (!isValidN(n)) throw new KeystoreError('bad-keystore', `scrypt N must be a power of two from ${MIN_N} to ${MAX_N}`);
  const kdf = { name: 'scrypt' as const, n, r: SCRYPT_R, p: SCRYPT_P, dklen: 32, salt: randomBytes(16).toString('hex') };
  const key = await deriveKey(password, kdf);
  const nonce = randomBytes(12);
  const meta = { version: KEYSTORE_VERSION, network: opts.network, address, kdf };
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(associatedData(meta));
  const ciphertext = Buffer.concat([cipher.update(secret), cipher.final()]);
  key.fill(0);
  return { ...meta, cipher: { name: 'aes-256-gcm', nonce: nonce.toString('hex'), tag: cipher.getAuthTag().toString('hex') }, ciphertext: ciphertext.toString('hex') };
}

const HEX = /^([0-9a-f]{2})*$/;

/** Checks the shape of a parsed file; anything odd reads as damage. */
function checkShape(value: unknown): KeystoreFile {
  const f = value as KeystoreFile;
  const ok = typeof f === 'object' && f !== null
    && f.version === KEYSTORE_VERSION && typeof f.network === 'string' && typeof f.address === 'string'
    && typeof f.kdf === 'object' && f.kdf !== null && f.kdf.name === 'scrypt' && isValidN(f.kdf.n)
    && Number.isInteger(f.kdf.r) && f.kdf.r >= 1 && f.kdf.r <= 32 && Number.isInteger(f.kdf.p) && f.kdf.p >= 1 && f.kdf.p <= 16 && f.kdf.dklen === 32
    && typeof f.kdf.salt === 'string' && HEX.test(f.kdf.salt) && f.kdf.salt.length >= 32
    && typeof f.cipher === 'object' && f.cipher !== null && f.cipher.name === 'aes-256-gcm'
    && typeof f.cipher.nonce === 'string' && /^[0-9a-f]{24}$/.test(f.cipher.nonce) && typeof f.cipher.tag === 'string' && /^[0-9a-f]{32}$/.test(f.cipher.tag)
    && typeof f.ciphertext === 'string' && /^[0-9a-f]{64}$/.test(f.ciphertext);
  if (!ok) throw new KeystoreError('bad-keystore', `${WRONG} (unrecognized keystore format)`);
  return f;
}

/** Decrypts the secret key. @throws KeystoreError `wrong-password` for a wrong password or any tampering. */
export async function decryptKey(file: KeystoreFile, password: string, addressPrefix: string): Promise<Uint8Array> {
  const f = checkShape(file);
  const key = await deriveKey(password, f.kdf);
  let secret: Uint8Array;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(f.cipher.nonce, 'hex'));
    decipher.setAAD(associatedData(f));
    decipher.setAuthTag(Buffer.from(f.cipher.tag, 'hex'));
    secret = new Uint8Array(Buffer.concat([decipher.update(Buffer.from(f.ciphertext, 'hex')), decipher.final()]));
  } catch {
    throw new KeystoreError('wrong-password', WRONG);
  } finally {
    key.fill(0);
  }
  // The tag already covers the address; this catches a file written by a buggy encoder.
  let address: string | undefined;
  try {
    address = addressOfSecret(secret, addressPrefix);
  } catch {
    address = undefined;
  }
  if (address !== f.address) {
    secret.fill(0);
    throw new KeystoreError('wrong-password', WRONG);
  }
  return secret;
}

/** Reads and checks a keystore file. */
export function readKeystore(path: string): KeystoreFile {
  if (!existsSync(path)) throw new KeystoreError('not-found', `no wallet at ${path} (create one with "tally wallet keystore create")`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new KeystoreError('bad-keystore', `${WRONG} (${path} is not JSON)`);
  }
  return checkShape(parsed);
}

/** Writes a keystore readable by its owner only; an existing file stays unless `force`. */
export function writeKeystore(path: string, file: KeystoreFile, opts: { force?: boolean } = {}): void {
  if (existsSync(path) && !opts.force) throw new KeystoreError('exists', `${path} already exists; not overwriting it (pass --force to replace it, losing its key)`);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const text = `${JSON.stringify(file, null, 2)}\n`;
  if (opts.force) {
    // Replace atomically: a crash leaves the old key or the new one, never half of either.
    const tmp = `${path}.tmp-${process.pid}`;
    writeFileSync(tmp, text, { mode: 0o600, flag: 'wx' });
    renameSync(tmp, path);
  } else {
    writeFileSync(path, text, { mode: 0o600, flag: 'wx' });
  }
}
