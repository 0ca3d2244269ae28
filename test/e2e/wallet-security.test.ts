/**
 * `tally wallet` (from dist/) against a wrong password and tampered keystores,
 * as a user or an attacker runs it: each attempt ends with a non-zero exit and
 * one clear line on stderr, and nothing the processes print contains the
 * secret key (hex or base64), the password, or, when a doctored file does
 * decrypt, the decrypted key. The wallet reads coins from a real RPC server
 * (in this process); the key never goes there.
 */
import { createCipheriv, randomBytes, scryptSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { regtest } from '../../src/consensus/params.js';
import { toHex } from '../../src/primitives/bytes.js';
import { randomSecretKey } from '../../src/primitives/signature.js';
import { addressOfSecret, type KeystoreFile } from '../../src/cli/wallet/keystore.js';
import { runCli, type CliRun } from '../helpers/cli-run.js';
import { recordTrial } from '../helpers/reliability.js';
import { startRpcNode, type RpcTestNode } from '../helpers/rpc.js';
import { tempDir } from '../helpers/tmp.js';

type Run = CliRun;

const root = tempDir('tally-wallet-security');
const datadir = join(root, 'node');
const PASSWORD = 'correct horse battery staple 7';
const WRONG = 'correct horse battery staple 8';
const SCRYPT_N = 1 << 14;
const { TALLY_WALLET_PASSWORD: _ignored, ...baseEnv } = process.env;

function tally(args: string[], opts: { stdin?: string; env?: Record<string, string> } = {}): Promise<Run> {
  return runCli(args, { ...baseEnv, TALLY_WALLET_SCRYPT_N: String(SCRYPT_N), ...opts.env }, opts.stdin);
}

/** Every form the key material could leak in. */
function secretsIn(secret: Uint8Array, passwords: string[]): string[] {
  const hex = toHex(secret);
  return [hex, hex.toUpperCase(), Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('base64url'), hex.slice(0, 16), hex.slice(-16), ...passwords];
}

function expectNoLeak(run: Run, secrets: string[]): void {
  const text = `${run.stdout}\n${run.stderr}`;
  for (const s of secrets) expect(text.includes(s), `output contains "${s}":\n${text}`).toBe(false);
  // One message, not a stack trace.
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

/**
 * A keystore that decrypts (its tag covers what it says) but for a key whose
 * address is not the one recorded: what a buggy encoder would write. Built with
 * the documented format (scrypt, then AES-256-GCM over the metadata).
 */
function mismatchedKeystore(secret: Uint8Array, claimedAddress: string): KeystoreFile {
  const kdf = { name: 'scrypt' as const, n: SCRYPT_N, r: 8, p: 1, dklen: 32, salt: randomBytes(16).toString('hex') };
  const key = scryptSync(PASSWORD.normalize('NFKC'), Buffer.from(kdf.salt, 'hex'), 32, { N: kdf.n, r: kdf.r, p: kdf.p, maxmem: 64 * 1024 * 1024 });
  const meta = { version: 1, network: 'regtest', address: claimedAddress, kdf };
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(JSON.stringify(meta)));
  const ciphertext = Buffer.concat([cipher.update(secret), cipher.final()]);
  return { ...meta, cipher: { name: 'aes-256-gcm', nonce: nonce.toString('hex'), tag: cipher.getAuthTag().toString('hex') }, ciphertext: ciphertext.toString('hex') };
}

describe('tally wallet against wrong passwords and tampered keystores', { timeout: 180_000 }, () => {
  const secret = randomSecretKey();
  const address = addressOfSecret(secret, regtest.addressPrefix);
  const wallet = join(root, 'wallet.json');
  const passwordFile = join(root, 'password');
  const wrongFile = join(root, 'wrong');
  let node: RpcTestNode;
  let connection: string[];

  beforeAll(async () => {
    node = await startRpcNode(datadir);
    connection = ['--datadir', datadir, '--rpc-port', String(node.rpc.address.port)];
    writeFileSync(passwordFile, `${PASSWORD}\n`);
    writeFileSync(wrongFile, `${WRONG}\n`);
    // The key goes in on stdin, as it should: not on the command line, where `ps` shows it.
    const imported = await tally(['wallet', 'keystore', 'import', '--wallet', wallet, '--password-file', passwordFile], { stdin: `${toHex(secret)}\n` });
    expect(imported.status, imported.stderr).toBe(0);
    expect(imported.stdout).toBe(address);
    expectNoLeak(imported, secretsIn(secret, [PASSWORD]));
  }, 90_000);

  afterAll(async () => {
    await node?.stop();
  });

  it('refuses each attempt with one clear message and no key material in the output', async () => {
    const original = readFileSync(wallet, 'utf8');
    const file = JSON.parse(original) as KeystoreFile;
    const flip = (hex: string) => `${hex.slice(0, -1)}${hex.endsWith('0') ? '1' : '0'}`;
    const variant = (name: string, content: string) => {
      const path = join(root, `${name}.json`);
      writeFileSync(path, content, { mode: 0o600 });
      return path;
    };
    const otherSecret = randomSecretKey();
    const send = (path: string, extra: string[] = []) => ['wallet', 'keystore', 'send', ...connection, '--wallet', path, ...extra, address, '1', '--dry-run'];
    /** Exactly this one line: the same for a wrong password and for any damage, so it tells an attacker nothing. */
    const WRONG_MESSAGE = /^error: wrong password or damaged keystore$/;
    const attempts: { name: string; args: string[]; env?: Record<string, string>; stderr: RegExp }[] = [
      { name: 'wrong password (file)', args: send(wallet, ['--password-file', wrongFile]), stderr: WRONG_MESSAGE },
      { name: 'wrong password (environment)', args: send(wallet), env: { TALLY_WALLET_PASSWORD: WRONG }, stderr: WRONG_MESSAGE },
      { name: 'ciphertext changed', args: send(variant('ciphertext', JSON.stringify({ ...file, ciphertext: flip(file.ciphertext) })), ['--password-file', passwordFile]), stderr: WRONG_MESSAGE },
      { name: 'tag changed', args: send(variant('tag', JSON.stringify({ ...file, cipher: { ...file.cipher, tag: flip(file.cipher.tag) } })), ['--password-file', passwordFile]), stderr: WRONG_MESSAGE },
      { name: 'address replaced', args: send(variant('address', JSON.stringify({ ...file, address: addressOfSecret(otherSecret, regtest.addressPrefix) })), ['--password-file', passwordFile]), stderr: WRONG_MESSAGE },
      { name: 'decrypts to a key of another address', args: send(variant('mismatch', JSON.stringify(mismatchedKeystore(otherSecret, address))), ['--password-file', passwordFile]), stderr: WRONG_MESSAGE },
      { name: 'truncated', args: send(variant('truncated', original.slice(0, original.length / 2)), ['--password-file', passwordFile]), stderr: /^error: wrong password or damaged keystore \(.*is not JSON\)$/ },
    ];
    // The control, alongside: the right password gets past decryption (this wallet has no coins to send).
    const [right, ...runs] = await Promise.all([tally(send(wallet, ['--password-file', passwordFile])), ...attempts.map((a) => tally(a.args, a.env ? { env: a.env } : {}))]);
    const leaks = secretsIn(secret, [PASSWORD, WRONG]).concat(secretsIn(otherSecret, []));
    runs.forEach((run, i) => {
      const a = attempts[i]!;
      expect(run.status, `${a.name}: ${run.stderr}`).toBe(1);
      expect(run.stdout, a.name).toBe('');
      expect(run.stderr, a.name).toMatch(a.stderr);
      expectNoLeak(run, leaks);
    });
    // Nothing was rewritten, and nothing reached the node.
    expect(readFileSync(wallet, 'utf8')).toBe(original);
    expect(await node.result('getrawmempool')).toEqual([]);
    expect(right!.status).toBe(1);
    expect(right!.stderr).toMatch(/insufficient funds/);
    expectNoLeak(right!, leaks);
    recordTrial({
      area: 'Security', attack: 'tally wallet with a wrong password (file, environment) and a tampered keystore (ciphertext, tag, address, mismatched key, truncated)',
      times: attempts.length, outcome: 'exit 1, one-line error, no key, password or decrypted key in stdout/stderr, file unchanged',
    });
  });
});
