/** The wallet keystore: round trip, wrong passwords, tampering, file handling, and no key material in errors. */
import { describe, expect, it } from 'vitest';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { regtest, testnet } from '../../../src/consensus/params.js';
import { toHex } from '../../../src/primitives/bytes.js';
import { randomSecretKey } from '../../../src/primitives/signature.js';
import {
  addressOfSecret, decryptKey, encryptKey, KeystoreError, readKeystore, scryptCostFromEnv, writeKeystore, DEFAULT_SCRYPT_N, type KeystoreFile,
} from '../../../src/cli/wallet/keystore.js';
import { recordTrial } from '../../helpers/reliability.js';
import { tempDir } from '../../helpers/tmp.js';

/** Low cost keeps the tests fast; the format and code paths are the same. */
const N = 1 << 10;
const opts = { network: 'regtest', addressPrefix: regtest.addressPrefix, n: N };
const dir = tempDir('keystore');
let files = 0;

async function caught(promise: Promise<unknown>): Promise<KeystoreError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof KeystoreError) return err;
    throw err;
  }
  throw new Error('expected a KeystoreError');
}

function expectNoKeyMaterial(err: Error, secret: Uint8Array, password: string): void {
  const text = `${err.message} ${err.stack ?? ''} ${JSON.stringify(err)}`;
  expect(text).not.toContain(toHex(secret));
  expect(text).not.toContain(password);
}

describe('keystore', () => {
  it('round-trips a key and records its address in the clear', async () => {
    const secret = randomSecretKey();
    const file = await encryptKey(secret, 'correct horse', opts);
    expect(file).toMatchObject({ version: 1, network: 'regtest', address: addressOfSecret(secret, regtest.addressPrefix), kdf: { name: 'scrypt', n: N, r: 8, p: 1, dklen: 32 }, cipher: { name: 'aes-256-gcm' } });
    expect(JSON.stringify(file)).not.toContain(toHex(secret));
    expect(await decryptKey(file, 'correct horse', regtest.addressPrefix)).toEqual(secret);
  });

  it('uses fresh salt and nonce each time', async () => {
    const secret = randomSecretKey();
    const a = await encryptKey(secret, 'pw', opts);
    const b = await encryptKey(secret, 'pw', opts);
    expect(a.kdf.salt).not.toBe(b.kdf.salt);
    expect(a.cipher.nonce).not.toBe(b.cipher.nonce);
    expect(a.ciphertext).not.toBe(b.ciphertext);
  });

  it('rejects a wrong password with one message that reveals nothing', async () => {
    const secret = randomSecretKey();
    const file = await encryptKey(secret, 'right password', opts);
    const err = await caught(decryptKey(file, 'wrong password', regtest.addressPrefix));
    expect(err.code).toBe('wrong-password');
    expect(err.message).toBe('wrong password or damaged keystore');
    expectNoKeyMaterial(err, secret, 'right password');
    recordTrial({ area: 'Security', attack: 'keystore decryption with a wrong password', times: 1, outcome: 'wrong-password error without key material' });
  });

  it('detects tampering with the ciphertext, tag, nonce, salt, cost or the cleartext address', async () => {
    const secret = randomSecretKey();
    const file = await encryptKey(secret, 'pw', opts);
    const flip = (hex: string) => `${hex.slice(0, -1)}${hex.endsWith('0') ? '1' : '0'}`;
    const other = addressOfSecret(randomSecretKey(), regtest.addressPrefix);
    const tampered: KeystoreFile[] = [
      { ...file, ciphertext: flip(file.ciphertext) },
      { ...file, cipher: { ...file.cipher, tag: flip(file.cipher.tag) } },
      { ...file, cipher: { ...file.cipher, nonce: flip(file.cipher.nonce) } },
      { ...file, kdf: { ...file.kdf, salt: flip(file.kdf.salt) } },
      { ...file, kdf: { ...file.kdf, n: N * 2 } },
      { ...file, address: other },
      { ...file, network: 'testnet' },
    ];
    for (const t of tampered) {
      const err = await caught(decryptKey(t, 'pw', regtest.addressPrefix));
      expect(err.message).toContain('wrong password or damaged keystore');
      expectNoKeyMaterial(err, secret, 'pw');
    }
    recordTrial({ area: 'Security', attack: 'keystore tampered (ciphertext, tag, nonce, salt, scrypt cost, address, network)', times: tampered.length, outcome: 'refused as wrong password or damaged, without key material' });
  });

  it('refuses malformed files and parameters that would cost too much to try', async () => {
    const file = await encryptKey(randomSecretKey(), 'pw', opts);
    const malformed = [
      { ...file, version: 2 }, { ...file, kdf: { ...file.kdf, n: 1 << 24 } }, { ...file, kdf: { ...file.kdf, n: 1000 } },
      { ...file, ciphertext: 'zz' }, { ...file, cipher: { ...file.cipher, name: 'rot13' } }, null, 'text',
    ];
    for (const bad of malformed) {
      const err = await caught(decryptKey(bad as KeystoreFile, 'pw', regtest.addressPrefix));
      expect(err.code).toBe('bad-keystore');
      expect(err.message).toContain('wrong password or damaged keystore');
    }
    recordTrial({ area: 'Security', attack: 'keystore malformed or with a scrypt cost of 2^24', times: malformed.length, outcome: 'bad-keystore before any key derivation' });
  });

  it('refuses an empty password and a key outside the curve order', async () => {
    expect((await caught(encryptKey(randomSecretKey(), '', opts))).code).toBe('bad-key');
    const err = await caught(encryptKey(new Uint8Array(32).fill(0xff), 'pw', opts));
    expect(err.code).toBe('bad-key');
    expect(err.message).not.toContain('ff'.repeat(32));
  });

  it('binds the address to the network it was made for', async () => {
    const secret = randomSecretKey();
    const file = await encryptKey(secret, 'pw', { network: 'testnet', addressPrefix: testnet.addressPrefix, n: N });
    expect(file.address.startsWith(`${testnet.addressPrefix}1p`)).toBe(true);
    expect(await decryptKey(file, 'pw', testnet.addressPrefix)).toEqual(secret);
    // Read with the wrong network's prefix, the derived address differs: refused.
    expect((await caught(decryptKey(file, 'pw', regtest.addressPrefix))).code).toBe('wrong-password');
  });
});

describe('keystore files', () => {
  const path = () => join(dir, `w${files++}`, 'wallet.json');

  it('writes mode 0600 and reads back', async () => {
    const p = path();
    const file = await encryptKey(randomSecretKey(), 'pw', opts);
    writeKeystore(p, file);
    expect(statSync(p).mode & 0o777).toBe(0o600);
    expect(readKeystore(p)).toEqual(file);
  });

  it('never overwrites an existing keystore unless forced', async () => {
    const p = path();
    const first = await encryptKey(randomSecretKey(), 'pw', opts);
    const second = await encryptKey(randomSecretKey(), 'pw', opts);
    writeKeystore(p, first);
    const err = (() => {
      try {
        writeKeystore(p, second);
      } catch (e) {
        return e as KeystoreError;
      }
      throw new Error('expected a refusal');
    })();
    expect(err.code).toBe('exists');
    expect(readKeystore(p).address).toBe(first.address);
    writeKeystore(p, second, { force: true });
    expect(readKeystore(p).address).toBe(second.address);
    expect(statSync(p).mode & 0o777).toBe(0o600);
  });

  it('reports a missing file, and a file that is not JSON as damaged', async () => {
    expect((() => { try { readKeystore(join(dir, 'none.json')); } catch (e) { return (e as KeystoreError).code; } })()).toBe('not-found');
    const p = path();
    writeKeystore(p, await encryptKey(randomSecretKey(), 'pw', opts));
    writeFileSync(p, readFileSync(p, 'utf8').slice(0, 40));
    let err: KeystoreError | undefined;
    try {
      readKeystore(p);
    } catch (e) {
      err = e as KeystoreError;
    }
    expect(err?.code).toBe('bad-keystore');
    expect(err?.message).toContain('wrong password or damaged keystore');
    recordTrial({ area: 'Security', attack: 'keystore file truncated (not JSON)', times: 1, outcome: 'bad-keystore, damaged-keystore message' });
  });

  it('takes the scrypt cost from TALLY_WALLET_SCRYPT_N, within bounds', () => {
    expect(scryptCostFromEnv({})).toBe(DEFAULT_SCRYPT_N);
    expect(DEFAULT_SCRYPT_N).toBe(1 << 15);
    expect(scryptCostFromEnv({ TALLY_WALLET_SCRYPT_N: '16384' })).toBe(16384);
    expect(() => scryptCostFromEnv({ TALLY_WALLET_SCRYPT_N: '1000' })).toThrow(KeystoreError);
    expect(() => scryptCostFromEnv({ TALLY_WALLET_SCRYPT_N: String(1 << 22) })).toThrow(KeystoreError);
  });

  it('decrypts at the default cost', async () => {
    const secret = randomSecretKey();
    const file = await encryptKey(secret, 'pw', { network: 'regtest', addressPrefix: regtest.addressPrefix });
    expect(file.kdf.n).toBe(1 << 15);
    expect(await decryptKey(file, 'pw', regtest.addressPrefix)).toEqual(secret);
  });
});
