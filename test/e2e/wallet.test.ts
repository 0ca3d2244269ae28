/**
 * The wallet and RPC CLIs as a user runs them, against a real `tally node`
 * child process (from dist/, regtest, RPC on an OS-chosen port): two wallets,
 * coins mined to the first, a payment to the second that confirms.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeProcess } from '../helpers/node-process.js';
import { cliOk, runCli, startCliNode, type CliRun } from '../helpers/cli-run.js';
import { tempDir } from '../helpers/tmp.js';

type Run = CliRun;

const root = tempDir('tally-wallet');
const datadir = join(root, 'node');
const passwordFile = join(root, 'password');
const wrongPasswordFile = join(root, 'wrong');
const wallet1 = join(root, 'w1', 'wallet.json');
const wallet2 = join(root, 'w2', 'wallet.json');
let node: NodeProcess;
let port: number;
/** Passwords come from --password-file here, never from the caller's environment. */
const { TALLY_WALLET_PASSWORD: _ignored, ...envWithoutPassword } = process.env;

/** Runs the CLI without blocking this process (the node is a separate one, but keep the event loop free anyway). */
function tally(...args: string[]): Promise<Run> {
  return runCli(args, { ...envWithoutPassword, TALLY_WALLET_SCRYPT_N: String(1 << 14) });
}

const rpcArgs = () => ['--datadir', datadir, '--rpc-port', String(port)];
const rpc = (...args: string[]) => tally('rpc', ...rpcArgs(), ...args);
const walletCmd = (cmd: string, file: string, ...args: string[]) => tally('wallet', 'keystore', cmd, ...rpcArgs(), '--wallet', file, '--password-file', passwordFile, ...args);

/** A success that printed no error either. */
function ok(r: Run): string {
  expect(r.stderr.includes('error'), r.stderr).toBe(false);
  return cliOk(r);
}

async function balance(file: string): Promise<Record<string, number>> {
  return JSON.parse(ok(await walletCmd('balance', file))) as Record<string, number>;
}

beforeAll(async () => {
  writeFileSync(passwordFile, 'hunter2 with spaces\n');
  writeFileSync(wrongPasswordFile, 'hunter3\n');
  ({ node, port } = await startCliNode(datadir));
}, 90_000);

afterAll(async () => {
  await node?.kill();
});

/** Each CLI run starts a Node process (about a second of CPU); a loaded machine needs room. */
const SLOW = { timeout: 180_000 };

describe('tally rpc', SLOW, () => {
  it('prints results, strings raw', async () => {
    expect(ok(await rpc('getblockcount'))).toBe('0');
    const genesis = ok(await rpc('getblockhash', '0'));
    expect(genesis).toMatch(/^[0-9a-f]{64}$/);
    expect(ok(await rpc('--named', 'getblockhash', 'height=0'))).toBe(genesis);
    expect(JSON.parse(ok(await rpc('getnetworkinfo'))).subversion).toBe('/Tally:0.1.0/');
  });

  it('reports RPC errors like bitcoin-cli, with a non-zero exit', async () => {
    const r = await rpc('getblockhash', '1000');
    expect(r.stderr).toBe('error code: -8\nerror message:\nBlock height out of range');
    expect(r.status).toBe(8);
    const unknown = await rpc('frobnicate');
    expect(unknown.stderr).toContain('error code: -32601');
    expect(unknown.status).not.toBe(0);
  });

  it('explains a refused connection and a missing cookie', async () => {
    const refused = await tally('rpc', '--datadir', datadir, '--rpc-port', '1', 'getblockcount');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('could not connect');
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    const noCookie = await tally('rpc', '--datadir', join(root, 'nowhere'), '--rpc-port', String(port), 'getblockcount');
    expect(noCookie.status).toBe(1);
    expect(noCookie.stderr).toContain('.cookie');
  });
});

describe('tally wallet', SLOW, () => {
  let address1: string;
  let address2: string;
  let txid: string;

  it('creates two encrypted wallets and will not overwrite one', async () => {
    address1 = ok(await walletCmd('create', wallet1));
    address2 = ok(await tally('wallet', 'keystore', 'create', '--wallet', wallet2, '--password-file', passwordFile));
    expect(address1).toMatch(/^tlr1p[02-9ac-hj-np-z]{58}$/);
    expect(address2).not.toBe(address1);
    expect(statSync(wallet1).mode & 0o777).toBe(0o600);
    expect(ok(await tally('wallet', 'keystore', 'address', '--wallet', wallet1))).toBe(address1);
    const again = await walletCmd('create', wallet1);
    expect(again.status).not.toBe(0);
    expect(again.stderr).toContain('already exists');
    expect(ok(await tally('wallet', 'keystore', 'address', '--wallet', wallet1))).toBe(address1);
  });

  it('sees coins mined to it, mature and immature', async () => {
    const hashes = JSON.parse(ok(await rpc('generatetoaddress', '101', address1))) as string[];
    expect(hashes).toHaveLength(101);
    const b = await balance(wallet1);
    expect(b).toMatchObject({ address: address1, confirmed: 5050, spendable: 100, immature: 4950, unconfirmed: 0 });
  });

  it('refuses a wrong password without spending', async () => {
    const r = await tally('wallet', 'keystore', 'send', ...rpcArgs(), '--wallet', wallet1, '--password-file', wrongPasswordFile, address2, '1');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('wrong password or damaged keystore');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(JSON.parse(ok(await rpc('getrawmempool')))).toEqual([]);
  });

  it('pays another wallet, which sees the amount once it confirms', async () => {
    txid = ok(await walletCmd('send', wallet1, address2, '12.5', '--fee-rate', '3'));
    expect(txid).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(ok(await rpc('getrawmempool')))).toEqual([txid]);
    expect(await balance(wallet2)).toMatchObject({ confirmed: 0, unconfirmed: 12.5 });
    const pending = await balance(wallet1);
    expect(pending.spendable).toBe(50);
    expect(pending.unconfirmed).toBeLessThan(-12.5);

    ok(await rpc('generatetoaddress', '1', address1));
    expect(JSON.parse(ok(await rpc('getrawmempool')))).toEqual([]);
    expect(await balance(wallet2)).toMatchObject({ confirmed: 12.5, spendable: 12.5, unconfirmed: 0 });
    expect(JSON.parse(ok(await walletCmd('history', wallet2)))).toEqual([txid]);
    const [coin] = JSON.parse(ok(await walletCmd('utxos', wallet2))) as Record<string, unknown>[];
    expect(coin).toMatchObject({ txid, amount: 12.5, confirmations: 1, status: 'spendable' });
    // Wallet 1 spent a 50 coin, got its change back (minus 462 sat: 154 vB at 3 sat/vB) and
    // mined block 102, whose coinbase collected those 462 sat: 5050 - 12.5 + 50.
    expect((await balance(wallet1)).confirmed).toBe(5087.5);
  });

  it('refuses to send more than it can spend', async () => {
    const r = await walletCmd('send', wallet2, address1, '13');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('insufficient funds');
  });
});
