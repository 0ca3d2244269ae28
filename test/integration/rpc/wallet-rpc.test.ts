/**
 * The node wallet through Bitcoin Core's wallet RPC, driven by the unchanged
 * `bitcoin-core` npm client through `/wallet/<name>` endpoints, on a node
 * built by the composition root (startNode: wallets under <datadir>/wallets/).
 * A payment flow (create, encrypt, unlock, receive, send with RBF, bump, list),
 * a reorg whose branch confirms a conflicting spend (submitted from a second
 * node over RPC), every wallet error code the issue lists, and each wallet
 * method's result against its comparison with Core (as core-shape.test.ts does
 * for the other methods).
 */
import Client from 'bitcoin-core';
import { base64 } from '@scure/base';
import { HDKey } from '@scure/bip32';
import { Transaction as BtcTransaction } from '@scure/btc-signer';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/node/config.js';
import { planNode, startNode, type WiredNode } from '../../../src/node/wire.js';
import { buildMethodTable } from '../../../src/rpc/methods/index.js';
import { WALLET_DEFAULTS } from '../../../src/wallet/options.js';
import { expectCoreShape } from '../../helpers/core-shape.js';
import { tempDir } from '../../helpers/tmp.js';

const table = buildMethodTable();
const WALLET_METHODS = [...table.values()].filter((m) => m.category === 'wallet').map((m) => m.name);
type CoreError = Error & { code: number };

interface Started { wired: WiredNode; host: string; username: string; password: string; datadir: string }

async function start(datadir: string, options: Record<string, string[]> = {}): Promise<Started> {
  const config = resolveConfig({ network: 'regtest', datadir, options: { 'miner-threads': ['0'], 'rpc-port': ['0'], ...options } });
  const plan = await planNode(config, { p2p: false });
  // Cheaper passphrase hashing and key lookahead keep the test fast; everything else is the node's own wiring.
  if (plan.wallet) plan.wallet = { ...plan.wallet, scryptN: 1 << 10, lookahead: 20 };
  const wired = await startNode(config, plan, { logger: pino({ level: 'silent' }) });
  const [username, password] = readFileSync(join(datadir, '.cookie'), 'utf8').split(':') as [string, string];
  return { wired, host: `http://127.0.0.1:${wired.rpc!.address.port}`, username, password, datadir };
}

/** The results each wallet method gave, for the comparison with Core at the end. */
const results = new Map<string, unknown>();

function client(s: Started, wallet?: string): Client {
  return new Client({ host: s.host, username: s.username, password: s.password, timeout: 30_000, ...(wallet !== undefined ? { wallet } : {}) });
}

/** Calls through the client and records the result under the method's name. */
async function rpc<T = unknown>(c: Client, method: string, ...params: unknown[]): Promise<T> {
  const r = await c.command<T>(method, ...params);
  results.set(method, r);
  return r;
}

/** A raw JSON-RPC POST to `path`, for what the client cannot address. */
async function post(s: Started, path: string, method: string, params: unknown[]): Promise<{ result: unknown; error: { code: number } | null }> {
  const res = await fetch(`${s.host}${path}`, {
    method: 'POST', body: JSON.stringify({ method, params, id: 1 }),
    headers: { authorization: `Basic ${Buffer.from(`${s.username}:${s.password}`).toString('base64')}` },
  });
  return (await res.json()) as { result: unknown; error: { code: number } | null };
}

async function codeOf(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
  } catch (err) {
    return (err as CoreError).code;
  }
  throw new Error('expected the call to fail');
}

let main: Started;
let fork: Started;
let root: Client;
let pay: Client;
let shop: Client;
let forkRpc: Client;

/** Mines on `s` and waits until its wallets applied the blocks. */
async function mine(s: Started, c: Client, n: number, address: string): Promise<string[]> {
  const hashes = await c.command<string[]>('generatetoaddress', n, address);
  await s.wired.wallets?.settled();
  return hashes;
}

beforeAll(async () => {
  const dir = tempDir('wallet-rpc');
  main = await start(join(dir, 'main'));
  fork = await start(join(dir, 'fork'), { disablewallet: ['1'] });
  root = client(main);
  pay = client(main, 'pay');
  shop = client(main, 'shop');
  forkRpc = client(fork);
}, 60_000);

afterAll(async () => {
  await fork?.wired.stop();
  await main?.wired.stop();
});

const PASS = 'correct horse battery staple';
let payAddress = '';
let shopAddress = '';
let firstSend = '';
let bumped = '';

describe('wallet RPC through /wallet/<name> with the bitcoin-core client', () => {
  it('answers -18 with no wallet loaded, creates two wallets, then -19 on / and -35/-4 for an existing one', async () => {
    expect(await codeOf(root.command('getwalletinfo'))).toBe(-18);
    expect(await rpc(root, 'createwallet', 'pay')).toEqual({ name: 'pay' });
    // One wallet loaded: `/` reaches it.
    expect((await root.command<{ walletname: string }>('getwalletinfo')).walletname).toBe('pay');
    await root.command('createwallet', 'shop');
    expect(await codeOf(root.command('getwalletinfo'))).toBe(-19);
    expect(await codeOf(client(main, 'nobody').command('getwalletinfo'))).toBe(-18);
    expect(await codeOf(root.command('loadwallet', 'pay'))).toBe(-35);
    expect(await codeOf(root.command('createwallet', 'pay'))).toBe(-4);
    expect(await rpc(root, 'listwallets')).toEqual(['pay', 'shop']);
    expect(await rpc(root, 'listwalletdir')).toEqual({ wallets: [{ name: 'pay' }, { name: 'shop' }] });
    expect(await codeOf(forkRpc.command('listwallets'))).toBe(-32601);
  });

  it('encrypts, refuses to spend while locked (-13) or with a wrong passphrase (-14), and unlocks', async () => {
    expect(await rpc(pay, 'encryptwallet', PASS)).toMatch(/encrypted/);
    expect((await rpc<{ unlocked_until: number; encrypted?: boolean }>(pay, 'getwalletinfo')).unlocked_until).toBe(0);
    payAddress = await rpc<string>(pay, 'getnewaddress');
    shopAddress = await shop.command<string>('getnewaddress');
    expect(payAddress).toMatch(/^tlr1p/);
    await mine(main, root, 101, payAddress);
    expect(await codeOf(pay.command('sendtoaddress', shopAddress, 1))).toBe(-13);
    expect(await codeOf(pay.command('listdescriptors', true))).toBe(-13);
    expect(await codeOf(pay.command('walletpassphrase', 'wrong', 60))).toBe(-14);
    expect(await rpc(pay, 'walletpassphrase', PASS, 600)).toBeNull();
    expect((await pay.command<{ unlocked_until: number }>('getwalletinfo')).unlocked_until).toBeGreaterThan(0);
  });

  it('receives mined coins: getbalances buckets, getbalance, listunspent', async () => {
    const b = await rpc<{ mine: { trusted: number; untrusted_pending: number; immature: number } }>(pay, 'getbalances');
    expect(b.mine.trusted).toBeGreaterThan(0);
    expect(b.mine.immature).toBeGreaterThan(b.mine.trusted);
    expect(await rpc(pay, 'getbalance')).toBe(b.mine.trusted);
    const coins = await rpc<{ amount: number; address: string; spendable: boolean }[]>(pay, 'listunspent');
    expect(coins).toHaveLength(1);
    expect(coins[0]).toMatchObject({ amount: b.mine.trusted, address: payAddress, spendable: true });
    expect(await codeOf(pay.command('sendtoaddress', shopAddress, 1000))).toBe(-6);
  });

  it('sends with RBF, bumps the fee, and lists both sides', async () => {
    firstSend = await rpc<string>(pay, 'sendtoaddress', shopAddress, 10, '', '', false, true, null, 'unset', true, 2);
    const before = await rpc<{ fee: number; 'bip125-replaceable': string; confirmations: number }>(pay, 'gettransaction', firstSend, true, true);
    expect(before).toMatchObject({ 'bip125-replaceable': 'yes', confirmations: 0 });
    expect(before.fee).toBeLessThan(0);
    const bump = await rpc<{ txid: string; origfee: number; fee: number }>(pay, 'bumpfee', firstSend, { fee_rate: 10 });
    bumped = bump.txid;
    expect(bump.fee).toBeGreaterThan(bump.origfee);
    // No wait here: a wallet method answers once the wallets have applied what the node announced.
    const old = await pay.command<{ walletconflicts: string[]; replaced_by_txid?: string }>('gettransaction', firstSend);
    expect(old.walletconflicts).toContain(bumped);
    expect(old.replaced_by_txid).toBe(bumped);
    // The replaced payment is in no block and not in the mempool: Core lets it be abandoned.
    expect(await rpc(pay, 'abandontransaction', firstSend)).toBeNull();
    await mine(main, root, 1, payAddress);
    expect(await shop.command('getbalance')).toBe(10);
    const sends = (await rpc<{ txid: string; category: string; amount: number; confirmations: number }[]>(pay, 'listtransactions', '*', 100))
      .filter((t) => t.category === 'send');
    expect(sends.find((t) => t.txid === bumped)).toMatchObject({ amount: -10, confirmations: 1 });
    const received = await shop.command<{ txid: string; category: string }[]>('listtransactions');
    expect(received).toMatchObject([{ txid: bumped, category: 'receive' }]);
    expect(await codeOf(pay.command('listtransactions', '*', -1))).toBe(-8);
  });

  it('a reorg confirming a conflicting spend makes the payment conflicted with negative confirmations', async () => {
    // Shop's only coin funds two payments: one kept unbroadcast (from a PSBT), one sent here.
    const funded = await rpc<{ psbt: string; fee: number; changepos: number }>(shop, 'walletcreatefundedpsbt', [], { [payAddress]: 3 }, 0, { fee_rate: 3 });
    const processed = await rpc<{ psbt: string; complete: boolean; hex: string }>(shop, 'walletprocesspsbt', funded.psbt);
    expect(processed.complete).toBe(true);
    const height = await root.command<number>('getblockcount');
    for (let h = 1; h <= height; h++) await forkRpc.command('submitblock', await root.command('getblock', await root.command('getblockhash', h), 0));
    const { txid: sent } = await rpc<{ txid: string }>(shop, 'send', [{ [payAddress]: 4 }], null, 'unset', 2);
    const [lost] = await mine(main, root, 1, payAddress);
    expect((await shop.command<{ confirmations: number }>('gettransaction', sent)).confirmations).toBe(1);

    const double = await forkRpc.command<string>('sendrawtransaction', processed.hex);
    const branch = await forkRpc.command<string[]>('generatetoaddress', 2, payAddress);
    for (const hash of branch) await root.command('submitblock', await forkRpc.command('getblock', hash, 0));
    await main.wired.wallets!.settled();
    expect(await root.command('getbestblockhash')).toBe(branch[1]);

    const conflicted = await shop.command<{ confirmations: number; walletconflicts: string[] }>('gettransaction', sent);
    expect(conflicted.confirmations).toBe(-2);
    expect(conflicted.walletconflicts).toEqual([double]);
    expect((await shop.command<{ confirmations: number }>('gettransaction', double)).confirmations).toBe(2);
    const since = await rpc<{ removed: { txid: string }[]; lastblock: string }>(shop, 'listsinceblock', lost, 1, true, true);
    expect(since.removed.map((t) => t.txid)).toContain(sent);
    expect(since.lastblock).toBe(branch[1]);
  });
});

describe('the other wallet methods', () => {
  it('keys and descriptors: getrawchangeaddress, getaddressinfo, listdescriptors (private needs the unlock), importdescriptors, rescanblockchain', async () => {
    const change = await rpc<string>(pay, 'getrawchangeaddress');
    expect(await rpc(pay, 'getaddressinfo', change)).toMatchObject({ ismine: true, ischange: true, iswatchonly: false });
    const pub = await rpc<{ descriptors: { desc: string; internal: boolean }[] }>(pay, 'listdescriptors');
    expect(pub.descriptors.map((d) => d.internal).sort()).toEqual([false, true]);
    expect(pub.descriptors.every((d) => /^tr\(\[[0-9a-f]{8}\/86h\/\d+h\/0h\]tpub/.test(d.desc) || /^tr\(/.test(d.desc))).toBe(true);
    const priv = await pay.command<{ descriptors: { desc: string }[] }>('listdescriptors', true);
    expect(priv.descriptors.every((d) => /prv/.test(d.desc))).toBe(true);
    expect(await codeOf(pay.command('getnewaddress', '', 'legacy'))).toBe(-5);

    await root.command('createwallet', 'watch', true);
    const watch = client(main, 'watch');
    const imported = await rpc<{ success: boolean }[]>(watch, 'importdescriptors', pub.descriptors.map((d) => ({ desc: d.desc, timestamp: 0, active: true, internal: d.internal })));
    expect(imported).toEqual([{ success: true }, { success: true }]);
    await main.wired.wallets!.settled();
    expect(await watch.command('getbalance')).toBe(await pay.command('getbalance'));
    // The client lists rescanblockchain without its multiwallet feature (it would post to /): the endpoint directly.
    const rescan = await post(main, '/wallet/watch', 'rescanblockchain', [0]);
    results.set('rescanblockchain', rescan.result);
    expect(rescan.result).toEqual({ start_height: 0, stop_height: await root.command('getblockcount') });
    expect(await codeOf(watch.command('sendtoaddress', shopAddress, 1))).toBe(-4);
  });

  it('coins and payments: lockunspent, sendmany, settxfee, fundrawtransaction and signrawtransactionwithwallet, finalizepsbt', async () => {
    const [coin] = await pay.command<{ txid: string; vout: number }[]>('listunspent');
    expect(await rpc(pay, 'lockunspent', false, [{ txid: coin!.txid, vout: coin!.vout }])).toBe(true);
    expect(await rpc(pay, 'listlockunspent')).toEqual([{ txid: coin!.txid, vout: coin!.vout }]);
    expect(await pay.command('lockunspent', true)).toBe(true);
    expect(await rpc(pay, 'settxfee', 0.00005)).toBe(true);
    expect((await pay.command<{ paytxfee: number }>('getwalletinfo')).paytxfee).toBe(0.00005);
    const many = await rpc<string>(pay, 'sendmany', '', { [shopAddress]: 1, [await shop.command<string>('getnewaddress')]: 2 });
    const tx = await pay.command<{ fee: number; hex: string }>('gettransaction', many);
    const vsize = (await root.command<{ vsize: number }>('decoderawtransaction', tx.hex)).vsize;
    expect(Math.round((-tx.fee * 1e8) / vsize)).toBe(5);
    // conf_target asks for the estimate for that many blocks instead of settxfee's rate, as in Core.
    const estimate = await root.command<{ feerate?: number }>('estimatesmartfee', 2);
    const expected = estimate.feerate !== undefined ? Math.max(1, estimate.feerate * 1e5) : WALLET_DEFAULTS.fallbackFeeRate;
    const targeted = await pay.command<{ fee: number; hex: string }>('gettransaction', await pay.command<string>('sendtoaddress', shopAddress, 0.1, '', '', false, true, 2));
    const targetedVsize = (await root.command<{ vsize: number }>('decoderawtransaction', targeted.hex)).vsize;
    expect((-targeted.fee * 1e8) / targetedVsize).toBeCloseTo(expected, 0);
    expect(expected).not.toBe(5);
    expect(await codeOf(pay.command('sendtoaddress', shopAddress, 0.1, '', '', false, true, 2, 'unset', true, 3))).toBe(-8);
    expect(await codeOf(pay.command('bumpfee', many, { fee_rate: 10, conf_target: 2 }))).toBe(-8);
    expect(await codeOf(pay.command('bumpfee', many, { outputs: [{ [shopAddress]: 1 }] }))).toBe(-8);
    const raw = await root.command<string>('createrawtransaction', [], { [shopAddress]: 1.5 });
    expect(await codeOf(pay.command('fundrawtransaction', raw, { fee_rate: 3, conf_target: 2 }))).toBe(-8);
    const funded = await rpc<{ hex: string; fee: number; changepos: number }>(pay, 'fundrawtransaction', raw);
    expect(funded.fee).toBeGreaterThan(0);
    const signed = await rpc<{ hex: string; complete: boolean }>(pay, 'signrawtransactionwithwallet', funded.hex);
    expect(signed.complete).toBe(true);
    expect(await root.command('sendrawtransaction', signed.hex)).toMatch(/^[0-9a-f]{64}$/);
    const psbt = await pay.command<{ psbt: string }>('walletcreatefundedpsbt', [], { [shopAddress]: 0.5 });
    const unsigned = await rpc<{ complete: boolean }>(root, 'finalizepsbt', psbt.psbt);
    expect(unsigned.complete).toBe(false);
    expect(await codeOf(root.command('finalizepsbt', 'not a psbt'))).toBe(-22);
  });

  it('passphrase changes and locks, backups, unload and load', async () => {
    expect(await rpc(pay, 'walletpassphrasechange', PASS, 'new passphrase')).toBeNull();
    expect(await rpc(pay, 'walletlock')).toBeNull();
    expect(await codeOf(pay.command('walletpassphrase', PASS, 10))).toBe(-14);
    const backup = join(main.datadir, 'pay-backup');
    expect(await rpc(pay, 'backupwallet', backup)).toBeNull();
    expect(await codeOf(pay.command('backupwallet', backup))).toBe(-4);
    const balance = await pay.command('getbalance');
    // A backup restores by copying it into wallets/ and loading it.
    cpSync(backup, join(main.datadir, 'wallets', 'restored'), { recursive: true });
    await root.command('loadwallet', 'restored');
    expect(await client(main, 'restored').command('getbalance')).toBe(balance);
    await root.command('unloadwallet', 'restored');
    expect(await rpc(root, 'unloadwallet', 'pay')).toEqual({});
    expect(await codeOf(pay.command('getbalance'))).toBe(-18);
    expect(await rpc(root, 'loadwallet', 'pay')).toEqual({ name: 'pay' });
    expect(await pay.command('getbalance')).toBe(balance);
  });

  it('labels addresses (the full label tests are in wallet-labels-inputs.test.ts)', async () => {
    const labelled = await rpc<string>(pay, 'getnewaddress', 'shop payouts');
    expect(await rpc(pay, 'setlabel', labelled, 'payouts')).toBeNull();
    expect(await rpc(pay, 'getaddressesbylabel', 'payouts')).toEqual({ [labelled]: { purpose: 'receive' } });
    expect(await rpc(pay, 'listlabels')).toContain('payouts');
    expect((await rpc<{ address: string }[]>(pay, 'listreceivedbyaddress', 0, true)).some((r) => r.address === labelled)).toBe(true);
    expect((await rpc<{ label: string }[]>(pay, 'listreceivedbylabel', 0, true)).some((r) => r.label === 'payouts')).toBe(true);
  });

  it('every wallet method was called here and gives Core\'s documented fields with Core\'s types', () => {
    for (const method of WALLET_METHODS) {
      expect(results.has(method), `${method} was called`).toBe(true);
      checkShape(method, results.get(method));
    }
  });
});

describe('a watch-only wallet and an external signer (@scure/btc-signer)', () => {
  it('the watch-only wallet funds a PSBT with BIP371 fields, btc-signer signs it with the key it never held, and the node finalizes and relays it', async () => {
    const watch = client(main, 'watch');
    await pay.command('walletpassphrase', 'new passphrase', 60);
    const secret = (await pay.command<{ descriptors: { desc: string; internal: boolean }[] }>('listdescriptors', true)).descriptors;
    const tprv = /(tprv[1-9A-HJ-NP-Za-km-z]+)/.exec(secret.find((d) => !d.internal)!.desc)![1]!;
    const account = HDKey.fromExtendedKey(tprv, { private: 0x04358394, public: 0x043587cf });

    const { psbt } = await watch.command<{ psbt: string }>('walletcreatefundedpsbt', [], { [shopAddress]: 2 }, 0, { fee_rate: 2 });
    expect((await watch.command<{ complete: boolean }>('walletprocesspsbt', psbt)).complete).toBe(false);
    // `send` in a watch-only wallet gives the unsigned PSBT instead of broadcasting, as Core's does.
    const viaSend = await watch.command<{ complete: boolean; psbt?: string; txid?: string }>('send', { [shopAddress]: 0.5 });
    expect(viaSend.complete).toBe(false);
    expect(viaSend.txid).toBeUndefined();
    expect((await root.command<{ next: string }>('analyzepsbt', viaSend.psbt)).next).toBe('signer');
    const tx = BtcTransaction.fromPSBT(base64.decode(psbt));
    for (let i = 0; i < tx.inputsLength; i++) {
      const [[, { der }]] = tx.getInput(i).tapBip32Derivation! as [Uint8Array, { der: { path: number[] } }][];
      // The descriptor's key is the account (m/86h/1h/0h): the last two steps are chain and index.
      const key = account.deriveChild(der.path[3]!).deriveChild(der.path[4]!);
      tx.signIdx(key.privateKey!, i);
    }
    const signedPsbt = base64.encode(tx.toPSBT());
    const decoded = await root.command<{ inputs: { taproot_bip32_derivs?: { path: string }[]; witness_utxo?: object }[]; fee: number }>('decodepsbt', psbt);
    expect(decoded.inputs[0]!.taproot_bip32_derivs![0]!.path).toMatch(/^m\/86h\/1h\/0h\/[01]\/\d+$/);
    expect(decoded.fee).toBeGreaterThan(0);
    expect((await root.command<{ next: string }>('analyzepsbt', psbt)).next).toBe('signer');
    expect((await root.command<{ next: string }>('analyzepsbt', signedPsbt)).next).toBe('finalizer');
    // Combining the unsigned PSBT with the signed one keeps the signatures.
    const combined = await root.command<string>('combinepsbt', [psbt, signedPsbt]);
    expect((await root.command<{ next: string }>('analyzepsbt', combined)).next).toBe('finalizer');
    const final = await root.command<{ complete: boolean; hex: string }>('finalizepsbt', combined);
    expect(final.complete).toBe(true);
    const txid = await root.command<string>('sendrawtransaction', final.hex);
    await main.wired.wallets!.settled();
    expect((await watch.command<{ txid: string; category: string }[]>('listtransactions', '*', 100)).some((t) => t.txid === txid && t.category === 'send')).toBe(true);
    expect((await shop.command<{ confirmations: number }>('gettransaction', txid)).confirmations).toBe(0);

    // converttopsbt and createpsbt give the same unsigned PSBT; utxoupdatepsbt fills the spent output from the mempool.
    const [input] = (await root.command<{ vin: { txid: string; vout: number }[] }>('decoderawtransaction', final.hex)).vin;
    const created = await root.command<string>('createpsbt', [{ txid: input!.txid, vout: input!.vout }], { [shopAddress]: 1 });
    const raw = await root.command<string>('createrawtransaction', [{ txid: input!.txid, vout: input!.vout }], { [shopAddress]: 1 });
    expect(await root.command('converttopsbt', raw)).toBe(created);
    expect(await codeOf(root.command('converttopsbt', final.hex))).toBe(-22);
    const spendsPooled = await root.command<string>('createpsbt', [{ txid, vout: 0 }], { [shopAddress]: 0.1 });
    expect((await root.command<{ inputs: { has_utxo: boolean }[] }>('analyzepsbt', spendsPooled)).inputs[0]!.has_utxo).toBe(false);
    const updated = await root.command<string>('utxoupdatepsbt', spendsPooled);
    expect((await root.command<{ inputs: { has_utxo: boolean }[] }>('analyzepsbt', updated)).inputs[0]!.has_utxo).toBe(true);
  });
});

describe('wallet methods given junk', () => {
  /** Methods left out: they write to the disk where a junk name points, or change which wallets exist. */
  const WRITES = new Set(['backupwallet', 'createwallet', 'loadwallet', 'unloadwallet', 'encryptwallet']);
  const JUNK: unknown[][] = [[null], ['x'], [1, 2, 3], [{}], [[{}]], [-1], ['', ''], [[null], { a: 1 }], [true, [{ txid: 1, vout: 'a' }]]];

  it('answer each with a JSON-RPC error of Core\'s codes or a result, never an internal error', async () => {
    for (const method of WALLET_METHODS.filter((m) => !WRITES.has(m))) {
      for (const params of JUNK) {
        const reply = await post(main, '/wallet/watch', method, params);
        expect(reply.error?.code, `${method} ${JSON.stringify(params)}`).not.toBe(-32603);
      }
    }
    expect(await client(main, 'watch').command('getwalletinfo')).toMatchObject({ walletname: 'watch' });
    // A path that does not decode is a JSON-RPC error for wallet methods, and no obstacle for the others.
    expect((await post(main, '/wallet/%E0%A4%A', 'getwalletinfo', [])).error?.code).toBe(-8);
    expect((await post(main, '/wallet/%E0%A4%A', 'getblockcount', [])).result).toBeGreaterThan(100);
  });
});

function checkShape(method: string, result: unknown): void {
  const core = table.get(method)!.core!;
  expect(core, `${method}: core comparison`).toBeDefined();
  expectCoreShape(method, core, result);
}
