/**
 * Labels and preselected inputs through Bitcoin Core's wallet RPC, driven by
 * the unchanged `bitcoin-core` npm client on a node built by the composition
 * root (regtest, wallets under <datadir>/wallets/):
 * - labels: getnewaddress "label", setlabel (receive and send purposes),
 *   getaddressesbylabel, listlabels, listreceivedbyaddress/bylabel, and the
 *   `label` field of listtransactions, listunspent, gettransaction,
 *   listsinceblock and getaddressinfo; they survive unload/load and stay
 *   readable in an encrypted, locked wallet (stored in the clear, as Core);
 * - importdescriptors of a single key, `tr(WIF)`, with a `label` (refused on a
 *   ranged descriptor), listed in its public form `tr(x-only key)`;
 * - preselected inputs: fundrawtransaction keeps and counts the inputs it is
 *   given (add_inputs true by default, false refuses to add), an input of
 *   another wallet is looked up in the UTXO set, walletcreatefundedpsbt and
 *   send take `inputs`, with Core's error codes.
 */
import Client from 'bitcoin-core';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/node/config.js';
import { planNode, startNode, type WiredNode } from '../../../src/node/wire.js';
import { regtest } from '../../../src/consensus/params.js';
import { encodeAddress } from '../../../src/primitives/address.js';
import { toHex } from '../../../src/primitives/bytes.js';
import { outputKeyFromSecret } from '../../../src/primitives/sign.js';
import { xOnlyPublicKey } from '../../../src/primitives/signature.js';
import { encodeWif, withChecksum } from '../../../src/wallet/index.js';
import { tempDir } from '../../helpers/tmp.js';

type CoreError = Error & { code: number; message: string };
interface Entry { address: string; category: string; amount: number; label?: string; txid: string; vout: number }
interface Unspent { txid: string; vout: number; address: string; amount: number; label?: string; confirmations: number }
interface Decoded { vin: { txid: string; vout: number; sequence: number }[]; vout: { value: number; scriptPubKey: { address?: string } }[] }

let wired: WiredNode;
let datadir = '';
let walletClient: (name: string) => Client;
let root: Client;
let alice: Client;
let bob: Client;

async function codeOf(promise: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await promise;
  } catch (err) {
    return { code: (err as CoreError).code, message: (err as CoreError).message };
  }
  throw new Error('expected the call to fail');
}

async function mine(n: number, address: string): Promise<void> {
  await root.command('generatetoaddress', n, address);
  await wired.wallets?.settled();
}

beforeAll(async () => {
  datadir = tempDir('wallet-labels-inputs');
  const config = resolveConfig({ network: 'regtest', datadir, options: { 'miner-threads': ['0'], 'rpc-port': ['0'] } });
  const plan = await planNode(config, { p2p: false });
  if (plan.wallet) plan.wallet = { ...plan.wallet, scryptN: 1 << 10, lookahead: 20 };
  wired = await startNode(config, plan, { logger: pino({ level: 'silent' }) });
  const [username, password] = readFileSync(join(datadir, '.cookie'), 'utf8').split(':') as [string, string];
  const host = `http://127.0.0.1:${wired.rpc!.address.port}`;
  const make = (wallet?: string) => new Client({ host, username, password, timeout: 30_000, ...(wallet !== undefined ? { wallet } : {}) });
  walletClient = make;
  root = make();
  alice = make('alice');
  bob = make('bob');
  await root.command('createwallet', 'alice');
  await root.command('createwallet', 'bob');
}, 60_000);

afterAll(async () => {
  await wired?.stop();
});

let rent1 = '';
let rent2 = '';
let plain = '';
let bobAddress = '';

describe('labels, as Core keeps them', () => {
  it('labels new addresses, sets labels of ours (receive) and of others (send), and lists them', async () => {
    const miner = await alice.command<string>('getnewaddress', 'mining');
    rent1 = await alice.command<string>('getnewaddress', 'rent');
    rent2 = await alice.command<string>('getnewaddress', 'rent');
    plain = await alice.command<string>('getnewaddress');
    bobAddress = await bob.command<string>('getnewaddress');
    await alice.command('setlabel', bobAddress, 'bob');
    expect(await alice.command('getaddressesbylabel', 'rent')).toEqual({ [rent1]: { purpose: 'receive' }, [rent2]: { purpose: 'receive' } });
    expect(await alice.command('getaddressesbylabel', 'bob')).toEqual({ [bobAddress]: { purpose: 'send' } });
    expect(await alice.command('listlabels')).toEqual(['', 'bob', 'mining', 'rent']);
    expect(await alice.command('listlabels', 'send')).toEqual(['bob']);
    expect(await alice.command('listlabels', 'receive')).toEqual(['', 'mining', 'rent']);
    expect((await alice.command<{ labels: string[] }>('getaddressinfo', rent1)).labels).toEqual(['rent']);
    expect((await alice.command<{ labels: string[] }>('getaddressinfo', bobAddress)).labels).toEqual(['bob']);
    expect((await bob.command<{ labels: string[] }>('getaddressinfo', bobAddress)).labels).toEqual(['']);
    // Core's codes: -11 for "*" and for a label nobody has, -5 for a bad address, -8 for a bad purpose.
    expect((await codeOf(alice.command('getnewaddress', '*'))).code).toBe(-11);
    expect((await codeOf(alice.command('setlabel', rent1, '*'))).code).toBe(-11);
    expect((await codeOf(alice.command('getaddressesbylabel', 'nobody'))).code).toBe(-11);
    expect((await codeOf(alice.command('setlabel', 'tlr1pnotanaddress', 'x'))).code).toBe(-5);
    expect((await codeOf(alice.command('listlabels', 'spend'))).code).toBe(-8);
    await mine(101, miner);
  });

  it('shows labels on payments and sums what each address and label received', async () => {
    const toBob = await alice.command<string>('sendtoaddress', bobAddress, 3);
    await mine(1, plain);
    const back = await bob.command<string>('sendmany', '', { [rent1]: 0.5, [rent2]: 0.25 });
    await mine(1, bobAddress);

    const rentLines = await alice.command<Entry[]>('listtransactions', 'rent', 100);
    expect(rentLines.map((e) => [e.category, e.label, e.amount, e.txid]).sort()).toEqual([['receive', 'rent', 0.25, back], ['receive', 'rent', 0.5, back]]);
    const all = await alice.command<Entry[]>('listtransactions', '*', 100);
    expect(all.find((e) => e.txid === toBob && e.category === 'send')).toMatchObject({ address: bobAddress, label: 'bob', amount: -3 });
    const unspent = await alice.command<Unspent[]>('listunspent');
    expect(unspent.find((u) => u.address === rent1)).toMatchObject({ label: 'rent', amount: 0.5 });
    const details = (await alice.command<{ details: Entry[] }>('gettransaction', back)).details;
    expect(details.map((d) => d.label)).toEqual(['rent', 'rent']);
    const since = await alice.command<{ transactions: Entry[] }>('listsinceblock');
    expect(since.transactions.filter((e) => e.txid === back).every((e) => e.label === 'rent')).toBe(true);
    // Core's label and include_change arguments: only the rent receipts; our change as a send and a receive.
    const sinceRent = await alice.command<{ transactions: Entry[] }>('listsinceblock', null, 1, true, true, false, 'rent');
    expect(sinceRent.transactions.map((e) => [e.category, e.amount, e.txid]).sort()).toEqual([['receive', 0.25, back], ['receive', 0.5, back]]);
    const withChange = await alice.command<{ transactions: Entry[] }>('listsinceblock', null, 1, true, true, true);
    const lines = (t: Entry[]) => t.filter((e) => e.txid === toBob).map((e) => e.category).sort();
    expect(lines(since.transactions)).toEqual(['send']);
    expect(lines(withChange.transactions)).toEqual(['receive', 'send', 'send']);

    const byAddress = await alice.command<{ address: string; amount: number; label: string; txids: string[]; confirmations: number }[]>('listreceivedbyaddress');
    expect(byAddress.find((r) => r.address === rent1)).toEqual({ address: rent1, amount: 0.5, confirmations: 1, label: 'rent', txids: [back] });
    // An address that received nothing is listed only with include_empty; change and others' addresses never.
    expect(byAddress.some((r) => r.address === rent2)).toBe(true);
    expect(byAddress.some((r) => r.address === bobAddress)).toBe(false);
    const withEmpty = await alice.command<{ address: string; amount: number }[]>('listreceivedbyaddress', 0, true);
    expect(withEmpty.length).toBeGreaterThan(byAddress.length);
    const only = await alice.command<{ address: string }[]>('listreceivedbyaddress', 1, false, true, rent2);
    expect(only.map((r) => r.address)).toEqual([rent2]);
    const byLabel = await alice.command<{ label: string; amount: number; confirmations: number }[]>('listreceivedbylabel');
    expect(byLabel.find((l) => l.label === 'rent')).toEqual({ label: 'rent', amount: 0.75, confirmations: 1 });
    // Immature coinbase outputs count only when asked.
    const mining = (immature: boolean) => alice.command<{ label: string; amount: number }[]>('listreceivedbylabel', 1, false, true, immature);
    expect((await mining(true)).find((l) => l.label === 'mining')!.amount).toBeGreaterThan((await mining(false)).find((l) => l.label === 'mining')!.amount);
  });

  it('keeps labels across unload and load, lists them while encrypted and locked, and stores them in the clear as Core', async () => {
    await root.command('unloadwallet', 'alice');
    await root.command('loadwallet', 'alice');
    expect(await alice.command('getaddressesbylabel', 'rent')).toEqual({ [rent1]: { purpose: 'receive' }, [rent2]: { purpose: 'receive' } });
    await alice.command('encryptwallet', 'labels stay readable');
    expect(await alice.command('listlabels')).toEqual(['', 'bob', 'mining', 'rent']);
    await alice.command('setlabel', rent2, 'deposit');
    expect(await alice.command('getaddressesbylabel', 'deposit')).toEqual({ [rent2]: { purpose: 'receive' } });
    // In the clear on disk, as Core's address book: the label's bytes are in the wallet's files.
    await root.command('unloadwallet', 'alice');
    const files = readdirSync(join(datadir, 'wallets', 'alice')).map((f) => readFileSync(join(datadir, 'wallets', 'alice', f)));
    expect(files.some((bytes) => bytes.includes(Buffer.from('"label":"deposit"')))).toBe(true);
    await root.command('loadwallet', 'alice');
    await alice.command('walletpassphrase', 'labels stay readable', 600);
  });
});

describe('importdescriptors of one key, with a label', () => {
  it('imports tr(WIF) with its label, lists its public form, and refuses a label on a ranged descriptor', async () => {
    const secret = new Uint8Array(32).fill(7);
    const address = encodeAddress(regtest.addressPrefix, outputKeyFromSecret(secret));
    await root.command('createwallet', 'carol', false, true);
    const carol = walletClient('carol');
    const desc = withChecksum(`tr(${encodeWif(secret)})`);
    expect(await carol.command('importdescriptors', [{ desc, timestamp: 'now', label: 'old key' }])).toEqual([{ success: true }]);
    expect(await carol.command('getaddressesbylabel', 'old key')).toEqual({ [address]: { purpose: 'receive' } });
    expect((await carol.command<{ ismine: boolean; labels: string[] }>('getaddressinfo', address))).toMatchObject({ ismine: true, labels: ['old key'] });
    const listed = await carol.command<{ descriptors: { desc: string }[] }>('listdescriptors');
    expect(listed.descriptors.map((d) => d.desc)).toContain(withChecksum(`tr(${toHex(xOnlyPublicKey(secret))})`));
    // A label belongs to one address: Core refuses it on a ranged descriptor (-8).
    const ranged = (await bob.command<{ descriptors: { desc: string }[] }>('listdescriptors', true)).descriptors[0]!.desc;
    const [labelled] = await carol.command<{ success: boolean; error?: { code: number } }[]>('importdescriptors', [{ desc: ranged, timestamp: 'now', label: 'x' }]);
    expect(labelled).toMatchObject({ success: false, error: { code: -8 } });
  });
});

describe('preselected inputs, as Core funds them', () => {
  async function aliceCoin(min: number): Promise<Unspent> {
    const coins = await alice.command<Unspent[]>('listunspent');
    return coins.find((c) => c.amount >= min && c.confirmations > 100)!;
  }

  it('fundrawtransaction keeps the given input first, adds coins only when allowed, and answers -4 as Core', async () => {
    const coin = await aliceCoin(50);
    const small = await root.command<string>('createrawtransaction', [{ txid: coin.txid, vout: coin.vout }], { [bobAddress]: 10 });
    const funded = await alice.command<{ hex: string; fee: number; changepos: number }>('fundrawtransaction', small);
    const tx = await root.command<Decoded>('decoderawtransaction', funded.hex);
    expect(tx.vin.map((i) => [i.txid, i.vout])).toEqual([[coin.txid, coin.vout]]);
    expect(funded.changepos).toBeGreaterThanOrEqual(0);
    expect(funded.fee).toBeGreaterThan(0);
    expect(tx.vout.reduce((s, o) => s + o.value, 0) + funded.fee).toBeCloseTo(coin.amount, 8);

    const large = await root.command<string>('createrawtransaction', [{ txid: coin.txid, vout: coin.vout }], { [bobAddress]: 60 });
    const refused = await codeOf(alice.command('fundrawtransaction', large, { add_inputs: false }));
    expect(refused.code).toBe(-4);
    expect(refused.message).toContain('preselected coins total amount does not cover');
    const more = await root.command<Decoded>('decoderawtransaction', (await alice.command<{ hex: string }>('fundrawtransaction', large)).hex);
    expect(more.vin.length).toBeGreaterThan(1);
    expect([more.vin[0]!.txid, more.vin[0]!.vout]).toEqual([coin.txid, coin.vout]);

    const tooMuch = await root.command<string>('createrawtransaction', [], { [bobAddress]: 1_000_000 });
    expect(await codeOf(alice.command('fundrawtransaction', tooMuch))).toEqual({ code: -4, message: 'Insufficient funds' });
    const unknown = await root.command<string>('createrawtransaction', [{ txid: 'ab'.repeat(32), vout: 0 }], { [bobAddress]: 1 });
    const notFound = await codeOf(alice.command('fundrawtransaction', unknown));
    expect(notFound.code).toBe(-4);
    expect(notFound.message).toContain('Not found pre-selected input');
  });

  it('funds around another wallet\'s input found in the UTXO set; its owner signs and it confirms', async () => {
    // Bob's change from the sendmany above (his coinbase is not mature yet).
    const theirs = (await bob.command<Unspent[]>('listunspent')).find((u) => u.amount > 2)!;
    const raw = await root.command<string>('createrawtransaction', [{ txid: theirs.txid, vout: theirs.vout }], { [plain]: 1 });
    const funded = await alice.command<{ hex: string; changepos: number }>('fundrawtransaction', raw);
    const tx = await root.command<Decoded>('decoderawtransaction', funded.hex);
    expect(tx.vin.map((i) => i.txid)).toEqual([theirs.txid]);
    const signed = await bob.command<{ hex: string; complete: boolean }>('signrawtransactionwithwallet', funded.hex);
    expect(signed.complete).toBe(true);
    const txid = await root.command<string>('sendrawtransaction', signed.hex);
    await mine(1, plain);
    expect((await alice.command<{ confirmations: number }>('gettransaction', txid)).confirmations).toBe(1);
  });

  it('walletcreatefundedpsbt and send take inputs; send with another wallet\'s input gives the PSBT to finish', async () => {
    const coin = await aliceCoin(50);
    const psbt = await alice.command<{ psbt: string }>('walletcreatefundedpsbt', [{ txid: coin.txid, vout: coin.vout }], { [bobAddress]: 5 });
    const decoded = await root.command<{ tx: Decoded }>('decodepsbt', psbt.psbt);
    expect(decoded.tx.vin.map((i) => [i.txid, i.vout])).toEqual([[coin.txid, coin.vout]]);
    expect((await codeOf(alice.command('walletcreatefundedpsbt', [{ txid: coin.txid, vout: coin.vout }], { [bobAddress]: 60 }))).code).toBe(-4);
    const added = await alice.command<{ psbt: string }>('walletcreatefundedpsbt', [{ txid: coin.txid, vout: coin.vout }], { [bobAddress]: 60 }, 0, { add_inputs: true });
    expect((await root.command<{ tx: Decoded }>('decodepsbt', added.psbt)).tx.vin.length).toBeGreaterThan(1);
    expect((await codeOf(alice.command('walletcreatefundedpsbt', [{ txid: coin.txid }], { [bobAddress]: 1 }))).code).toBe(-8);

    const sent = await alice.command<{ complete: boolean; txid: string }>('send', { [bobAddress]: 2 }, null, null, null, { inputs: [{ txid: coin.txid, vout: coin.vout }] });
    expect(sent.complete).toBe(true);
    const spent = await alice.command<{ decoded: Decoded }>('gettransaction', sent.txid, true, true);
    expect(spent.decoded.vin.map((i) => [i.txid, i.vout])).toEqual([[coin.txid, coin.vout]]);

    await mine(1, bobAddress);
    const theirs = (await bob.command<Unspent[]>('listunspent')).find((u) => u.amount === 2)!;
    const partial = await alice.command<{ complete: boolean; psbt: string; txid?: string }>('send', { [plain]: 1 }, null, null, null, { inputs: [{ txid: theirs.txid, vout: theirs.vout }] });
    expect(partial.complete).toBe(false);
    expect(partial.txid).toBeUndefined();
    const finished = await bob.command<{ complete: boolean; hex: string }>('walletprocesspsbt', partial.psbt);
    expect(finished.complete).toBe(true);
    const txid = await root.command<string>('sendrawtransaction', finished.hex);
    expect(txid).toMatch(/^[0-9a-f]{64}$/);
  });
});
