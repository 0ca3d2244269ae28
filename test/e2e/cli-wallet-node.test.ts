/**
 * `tally wallet` (from dist/) as a client of a real `tally node` child
 * process's wallet RPC: without a node every command that needs one prints one
 * line and exits non-zero; the offline keystore still works with no node; a
 * keystore's key moves into a node wallet (`migrate`: importdescriptors of
 * `tr(WIF)` and a rescan that finds its coins, the wallet encrypted with the
 * keystore's password); then unlock, send, lock, list, balance and backup,
 * and the RPC errors (-19 with two wallets and no --rpcwallet, -13 when
 * locked) as one line with bitcoin-cli's exit status.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeProcess } from '../helpers/node-process.js';
import { cliOk, runCli, startCliNode, type CliRun } from '../helpers/cli-run.js';
import { tempDir } from '../helpers/tmp.js';

type Run = CliRun;

const root = tempDir('tally-cli-wallet-node');
const datadir = join(root, 'node');
const passwordFile = join(root, 'password');
const keystore = join(root, 'keystore.json');
const { TALLY_WALLET_PASSWORD: _ignored, ...env } = process.env;
let node: NodeProcess;
let port = '';

const tally = (...args: string[]): Promise<Run> => runCli(args, { ...env, TALLY_WALLET_SCRYPT_N: String(1 << 14) });

const conn = () => ['--datadir', datadir, '--rpc-port', port];
const wallet = (cmd: string, ...args: string[]) => tally('wallet', cmd, ...conn(), ...args);

const ok = cliOk;

/** A failure: non-zero, nothing on stdout, exactly one line on stderr. */
function oneLineError(r: Run, status?: number): string {
  expect(r.status).not.toBe(0);
  if (status !== undefined) expect(r.status).toBe(status);
  expect(r.stdout).toBe('');
  expect(r.stderr.split('\n')).toHaveLength(1);
  return r.stderr;
}

beforeAll(async () => {
  writeFileSync(passwordFile, 'migrate me please\n');
  const started = await startCliNode(datadir);
  node = started.node;
  port = String(started.port);
}, 90_000);

afterAll(async () => {
  await node?.kill();
});

describe('tally wallet against a node', { timeout: 240_000 }, () => {
  it('prints one line and exits non-zero when no node answers; the keystore works offline', async () => {
    const [refused, noCookie, created] = await Promise.all([
      tally('wallet', 'balance', '--datadir', datadir, '--rpc-port', '1'),
      tally('wallet', 'send', '--datadir', join(root, 'nowhere'), 'tlr1pabc', '1'),
      tally('wallet', 'keystore', 'create', '--wallet', keystore, '--password-file', passwordFile),
    ]);
    expect(oneLineError(refused, 1)).toContain('could not connect');
    expect(oneLineError(noCookie, 1)).toContain('.cookie');
    const address = ok(created);
    expect(address).toMatch(/^tlr1p[02-9ac-hj-np-z]{58}$/);
    expect(ok(await tally('wallet', 'keystore', 'address', '--wallet', keystore))).toBe(address);
    // The keystore is opened before the node is asked: a wrong password never reaches it.
    writeFileSync(join(root, 'wrong'), 'not the password\n');
    const wrong = await tally('wallet', 'migrate', 'x', '--keystore', keystore, '--password-file', join(root, 'wrong'), '--datadir', datadir, '--rpc-port', '1');
    expect(oneLineError(wrong, 1)).toBe('error: wrong password or damaged keystore');
  });

  it('migrates a keystore into a node wallet that finds its coins, then pays, locks and lists', async () => {
    const keyAddress = ok(await tally('wallet', 'keystore', 'address', '--wallet', keystore));
    ok(await tally('rpc', ...conn(), 'generatetoaddress', '101', keyAddress));
    expect(ok(await wallet('create', 'alice'))).toBe('alice');
    const aliceAddress = ok(await wallet('address', 'savings'));

    const moved = JSON.parse(ok(await wallet('migrate', 'moved', '--keystore', keystore, '--password-file', passwordFile))) as Record<string, unknown>;
    // Block 1's coinbase is mature at height 101 (Core's wallet waits one block more than consensus).
    expect(moved).toEqual({ wallet: 'moved', address: keyAddress, balance: 50, encrypted: true });
    expect(JSON.parse(ok(await wallet('wallets')))).toEqual(['alice', 'moved']);
    expect(JSON.parse(ok(await tally('rpc', ...conn(), '--rpcwallet', 'moved', 'getaddressesbylabel', 'keystore')))).toEqual({ [keyAddress]: { purpose: 'receive' } });
    expect(oneLineError(await wallet('balance'), 19)).toMatch(/-19/);
    expect(JSON.parse(ok(await wallet('info', '--rpcwallet', 'moved')))).toMatchObject({ walletname: 'moved', unlocked_until: 0 });

    const locked = await wallet('send', '--rpcwallet', 'moved', aliceAddress, '10');
    expect(oneLineError(locked, 13)).toMatch(/walletpassphrase.*-13/);
    ok(await wallet('unlock', '--rpcwallet', 'moved', '--password-file', passwordFile, '--timeout', '600'));
    const txid = ok(await wallet('send', '--rpcwallet', 'moved', aliceAddress, '10', '--fee-rate', '2'));
    expect(txid).toMatch(/^[0-9a-f]{64}$/);
    ok(await wallet('lock', '--rpcwallet', 'moved'));
    oneLineError(await wallet('send', '--rpcwallet', 'moved', aliceAddress, '1'), 13);

    const lines = JSON.parse(ok(await wallet('list', '--rpcwallet', 'moved', '--count', '100'))) as { txid: string; category: string; amount: number }[];
    expect(lines.find((l) => l.txid === txid && l.category === 'send')?.amount).toBe(-10);
    const balances = JSON.parse(ok(await wallet('balance', '--rpcwallet', 'alice'))) as { mine: { untrusted_pending: number } };
    expect(balances.mine.untrusted_pending).toBe(10);
    const received = JSON.parse(ok(await wallet('list', '--rpcwallet', 'alice', '--label', 'savings'))) as { label: string; amount: number }[];
    expect(received).toMatchObject([{ label: 'savings', amount: 10 }]);

    const backup = join(root, 'alice-backup');
    ok(await wallet('backup', '--rpcwallet', 'alice', backup));
    expect(existsSync(backup)).toBe(true);
    expect(oneLineError(await wallet('backup', '--rpcwallet', 'alice', backup), 4)).toContain('already exists');
    expect(oneLineError(await wallet('migrate', 'moved', '--keystore', keystore, '--password-file', passwordFile), 4)).toMatch(/createwallet/);
  });
});
