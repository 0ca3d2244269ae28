/**
 * kill -9: a node with a wallet that mines and pays in a loop is killed at an
 * arbitrary moment (between or during blocks and sends). Reopened, the wallet
 * replays from its last synced block and resubmits its unconfirmed
 * transactions; its balances, coins and history then equal those of a fresh
 * wallet restored from the same mnemonic and rescanned from genesis.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WalletHarness } from './helpers.js';
import type { Wallet } from '../../../src/wallet/wallet.js';
import { tempDir } from '../../helpers/tmp.js';
import { WalletStore } from '../../../src/wallet/store.js';
import { getBlockSubsidy } from '../../../src/consensus/subsidy.js';
import { regtest } from '../../../src/consensus/params.js';
import { accountDescriptors, deriveKey, masterKeyFromMnemonic } from '../../../src/wallet/keys.js';

const harness = new WalletHarness('tally-wallet-crash');
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CHILD = fileURLToPath(new URL('./fixtures/crash-child.ts', import.meta.url));
const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

function snapshot(w: Wallet) {
  return {
    balances: w.getBalances(),
    unspent: w.listUnspent({ minconf: 0 }).map((u) => `${u.txid}:${u.vout}:${u.amount}:${u.confirmations}`).sort(),
    txs: w.listTransactions(100_000).map((t) => `${t.txid}:${t.category}:${t.amount}:${t.confirmations}`).sort(),
  };
}

/** Runs the child until it printed `<step> N` with `N >= stopAt` (`height` after a block, `send` as a payment starts), then kills it with SIGKILL. */
async function runAndKill(datadir: string, stopAt: number, step: 'height' | 'send' = 'height'): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, datadir, MNEMONIC], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  return killAt(child, (line) => {
    const [name, value] = line.split(' ');
    const height = name === step ? Number(value) : -1;
    return height >= stopAt ? height : undefined;
  });
}

/** Reopens the killed node's wallet and checks it against a fresh wallet rescanned from genesis. */
async function expectEqualToFreshRescan(datadir: string, killedAt: number): Promise<void> {
  const h = await harness.start(datadir);
  expect(h.node.chain.height).toBeGreaterThanOrEqual(killedAt);
  const reopened = await h.manager.load('w');
  await h.manager.settled();
  expect(reopened.info().lastprocessedblock?.height).toBe(h.node.chain.height);
  expect(reopened.getBalances().trusted).toBeGreaterThan(0n);
  expect(reopened.listTransactions(1000).length).toBeGreaterThan(10);
  const fresh = await h.manager.create('fresh', { mnemonic: MNEMONIC });
  expect(snapshot(reopened)).toEqual(snapshot(fresh));
}

/** Kills `child` with SIGKILL as soon as `when` returns a value for one of its output lines. */
async function killAt<T>(child: ReturnType<typeof spawn>, when: (line: string) => T | undefined): Promise<T> {
  const errors: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (l) => errors.push(l));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const seen = await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child too slow; stderr: ${errors.join('\n')}`)), 90_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const value = when(line);
      if (value !== undefined) {
        clearTimeout(timer);
        // Killed at once, while it is already busy with its next step.
        child.kill('SIGKILL');
        resolve(value);
      }
    });
    child.on('exit', (code) => code !== null && reject(new Error(`child exited ${code}: ${errors.join('\n')}`)));
  });
  await exited;
  return seen;
}

describe('wallet after kill -9', () => {
  // Made while the suite is collected: a tempDir made inside a test registers its cleanup too late to run.
  const dirs = { random: tempDir('tally-wallet-crash-dir'), send: tempDir('tally-wallet-crash-send') };

  it('reopens consistent with the chain: equal to a fresh rescan from genesis', { timeout: 180_000 }, async () => {
    const datadir = join(dirs.random, 'node');
    await expectEqualToFreshRescan(datadir, await runAndKill(datadir, 106));
  });

  it('killed in the middle of a send, reopens equal to a fresh rescan', { timeout: 180_000 }, async () => {
    const datadir = join(dirs.send, 'node');
    // Killed as soon as a payment has started: selecting coins, signing, writing or relaying it.
    await expectEqualToFreshRescan(datadir, await runAndKill(datadir, 106, 'send'));
  });
});

/** The restored wallet rescans this many blocks; killed near the start, far from the end. */
const BLOCKS = 450;

describe('wallet killed during a rescan', () => {
  const root = tempDir('tally-wallet-rescan-dir');

  it('resumes the rescan from its last synced block and ends equal to a fresh one', { timeout: 180_000 }, async () => {
    const datadir = join(root, 'node');
    // A chain paying the mnemonic's first 30 receiving keys in turn, made before the wallet exists.
    const h = await harness.start(datadir);
    const { external } = accountDescriptors(masterKeyFromMnemonic(MNEMONIC));
    for (let i = 0; i < BLOCKS; i++) await h.node.generate(1, deriveKey(external, i % 30).script);
    await harness.stop(h);
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, datadir, MNEMONIC, 'restore'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    // Killed in the middle of the restore's rescan, once it reported block 50.
    const at = await killAt(child, (line) => (/^progress (\d+)$/.test(line) && Number(line.slice(9)) >= 50 ? Number(line.slice(9)) : undefined));
    expect(at).toBeGreaterThanOrEqual(50);
    const store = new WalletStore(join(datadir, 'wallets', 'w'));
    await store.open({ create: false });
    const killedAt = (await store.bestBlock())?.height ?? -1;
    await store.close();
    expect(killedAt).toBeGreaterThanOrEqual(50);
    expect(killedAt).toBeLessThan(BLOCKS);
    const again = await harness.start(datadir);
    const resumed = await again.manager.load('w');
    const fresh = await again.manager.create('fresh', { mnemonic: MNEMONIC });
    expect(resumed.info().lastprocessedblock?.height).toBe(BLOCKS);
    expect(snapshot(resumed)).toEqual(snapshot(fresh));
    // Mature: the coinbases at least 101 deep (regtest halves every 150 blocks).
    let mature = 0n;
    for (let height = 1; height <= BLOCKS - 100; height++) mature += getBlockSubsidy(height, regtest);
    expect(resumed.getBalances().trusted).toBe(mature);
  });
});
