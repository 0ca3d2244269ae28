/**
 * Every method's result has the fields Bitcoin Core documents, with Core's
 * JSON types, on a real node: the comparison each method carries in the
 * method table (`core`, from src/rpc/methods/core-*.ts, rendered into
 * docs/RPC.md) is checked here field by field, so the document cannot claim
 * a field the node does not give, nor leave out one it says is missing.
 *
 * Two nodes with p2p on 127.0.0.1 (so peers, bytes and pings are real) and a
 * 102-block chain whose last block holds a fee-paying spend, with a parent and
 * child waiting in the mempool.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { encodeAddress } from '../../../src/primitives/address.js';
import { outputKeyFromSecret } from '../../../src/primitives/sign.js';
import type { Transaction } from '../../../src/primitives/tx.js';
import { COIN } from '../../../src/consensus/constants.js';
import { regtest } from '../../../src/consensus/params.js';
import { buildMethodTable } from '../../../src/rpc/methods/index.js';
import { ownedOutput, payTo, spend, testKey } from '../../helpers/chain.js';
import { expectCoreShape, valuesAt } from '../../helpers/core-shape.js';
import { startRpcNode, type RpcTestNode } from '../../helpers/rpc.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitUntil } from '../../helpers/wait.js';

const table = buildMethodTable();
const address = encodeAddress(regtest.addressPrefix, outputKeyFromSecret(testKey(1)));
/** A valid peer id that is never connected (setban's target). */
const STRANGER = '12D3KooWRE9S749T9fGi2JtPXqBcLcqk3YEkMwMZ7wKeBEPEbP3D';

function checkShape(method: string, result: unknown): void {
  const core = table.get(method)!.core!;
  expectCoreShape(method, core, result);
  for (const path of Object.keys(core.added ?? {})) expect(() => valuesAt(result, path), `${method} added ${path}`).not.toThrow();
}

interface Fixture { a: RpcTestNode; b: RpcTestNode; feeBlock: string; parent: Transaction; pooled: Transaction; child: Transaction; psbt: string }
let fx: Fixture;

/** Each method with the arguments that show its fullest result, in the order they run (later ones change state). */
const CASES: [method: string, args: (f: Fixture) => unknown[]][] = [
  ['getblockchaininfo', () => []],
  ['getblockcount', () => []],
  ['getbestblockhash', () => []],
  ['getblockhash', () => [1]],
  ['getblock', (f) => [f.feeBlock, 3]],
  ['getblockheader', (f) => [f.feeBlock]],
  ['getchaintips', () => []],
  ['getdifficulty', () => []],
  ['gettxout', (f) => [f.parent.txid, 0]],
  ['gettxoutsetinfo', () => []],
  ['getblockstats', () => [102]],
  ['getchaintxstats', () => []],
  ['getindexinfo', () => []],
  ['getdeploymentinfo', () => []],
  ['scantxoutset', () => ['start', [`addr(${address})`]]],
  ['getrawtransaction', (f) => [f.parent.txid, 2]],
  ['decoderawtransaction', (f) => [f.parent.toHex()]],
  ['decodescript', () => ['76a914' + '11'.repeat(20) + '88ac']],
  ['createrawtransaction', (f) => [[{ txid: f.parent.txid, vout: 0 }], { [address]: 1 }]],
  ['testmempoolaccept', (f) => [[f.pooled.toHex()]]],
  ['createpsbt', (f) => [[{ txid: f.parent.txid, vout: 0 }], { [address]: 1 }]],
  ['converttopsbt', (f) => [f.parent.toHex(), true]],
  ['utxoupdatepsbt', (f) => [f.psbt]],
  ['combinepsbt', (f) => [[f.psbt, f.psbt]]],
  ['decodepsbt', (f) => [f.psbt]],
  ['analyzepsbt', (f) => [f.psbt]],
  ['getmempoolinfo', () => []],
  ['getrawmempool', () => []],
  ['getmempoolentry', (f) => [f.pooled.txid]],
  ['getmempoolancestors', (f) => [f.child.txid]],
  ['getmempooldescendants', (f) => [f.pooled.txid]],
  ['getmininginfo', () => []],
  ['getnetworkhashps', () => []],
  ['getblocktemplate', () => [{ rules: ['segwit'] }]],
  ['estimatesmartfee', () => [1008]],
  ['getpeerinfo', () => []],
  ['getconnectioncount', () => []],
  ['getnetworkinfo', () => []],
  ['getnettotals', () => []],
  ['ping', () => []],
  ['setban', () => [STRANGER, 'add']],
  ['listbanned', () => []],
  ['clearbanned', () => []],
  ['validateaddress', () => [address]],
  ['help', () => ['getblock']],
  ['rpc.discover', () => []],
  ['uptime', () => []],
  ['getrpcinfo', () => []],
  ['getaddressutxos', () => [{ addresses: [address] }]],
  ['getaddressbalance', () => [{ addresses: [address] }]],
  ['getaddresstxids', () => [{ addresses: [address] }]],
  ['sendrawtransaction', (f) => [f.pooled.toHex()]],
  ['submitblock', () => ['00']],
  ['generatetoaddress', () => [1, address]],
  ['generateblock', () => [address, []]],
  ['addnode', (f) => [f.b.p2p!.localAddresses()[0], 'onetry']],
  ['disconnectnode', (f) => ['', f.b.p2p!.peerId]],
  ['stop', () => []],
];

beforeAll(async () => {
  const root = tempDir('rpc-core-shape');
  const a = await startRpcNode(join(root, 'a'), { withP2P: {} });
  const b = await startRpcNode(join(root, 'b'), { withP2P: { bootstrap: [a.p2p!.localAddresses()[0]!] } });
  const hashes = await a.result<string[]>('generatetoaddress', 101, address);
  const coinbase = async (i: number) => (await a.node.chain.getBlock(hashes[i]!))!.transactions[0]!;
  const parent = spend([ownedOutput(await coinbase(0), 0, 1)], [payTo(2, 20n * COIN), payTo(1, 30n * COIN - 10_000n)]);
  await a.node.sendTransaction(parent);
  const [feeBlock] = await a.result<string[]>('generatetoaddress', 1, address);
  const pooled = spend([ownedOutput(await coinbase(1), 0, 1)], [payTo(1, 50n * COIN - 5_000n)]);
  const child = spend([ownedOutput(pooled, 0, 1)], [payTo(3, 50n * COIN - 15_000n)]);
  await a.node.sendTransaction(pooled);
  await a.node.sendTransaction(child);
  await waitUntil(async () => (await a.result<unknown[]>('getpeerinfo')).length === 1, 'b to connect to a');
  // Round trips appear once libp2p's connection monitor or the ping method has measured one.
  await a.result('ping');
  await waitUntil(async () => (await a.result<{ pingtime?: number }[]>('getpeerinfo'))[0]?.pingtime !== undefined, 'a ping time');
  // A PSBT spending a confirmed output, its witness_utxo filled in (for the PSBT methods' cases).
  const psbt = await a.result<string>('utxoupdatepsbt', await a.result<string>('createpsbt', [{ txid: parent.txid, vout: 0 }], { [address]: 1 }));
  fx = { a, b, feeBlock: feeBlock!, parent, pooled, child, psbt };
}, 120_000);

afterAll(async () => {
  await fx?.b.stop();
  await fx?.a.stop();
});

describe('every method compared with Core', () => {
  it('has a comparison with Core and a case here (the address methods not listed are the insight dialect\'s, tested in addresses.test.ts)', () => {
    const cased = new Set(CASES.map(([m]) => m));
    for (const method of table.values()) {
      expect(method.core, `${method.name}: core comparison`).toBeDefined();
      // Wallet methods need a loaded wallet with history: their shapes are checked in wallet-rpc.test.ts (the faucet's, Tally only, in test/e2e/faucet-rpc.test.ts).
      if (method.category !== 'addresses' && method.category !== 'wallet' && method.category !== 'faucet') expect(cased.has(method.name), `${method.name}: a case in CASES`).toBe(true);
      // A field is in one list only: same, different, added or missing.
      const c = method.core!;
      const paths = [c.same, c.different, c.added, c.missing].flatMap((o) => Object.keys(o ?? {}).map((p) => p.replace(/\?/g, '')));
      expect(new Set(paths).size, `${method.name}: a field listed twice`).toBe(paths.length);
    }
  });

  for (const [method, args] of CASES) {
    it(`${method} gives Core's documented fields with Core's types`, async () => {
      const { body } = await fx.a.call(method, args(fx));
      // submitblock of junk answers with Core's error; every other case succeeds.
      if (method === 'submitblock') {
        expect(body.error?.code).toBe(-22);
        return;
      }
      expect(body.error ?? null, method).toBeNull();
      checkShape(method, body.result);
    });
  }
});

describe('Core clients\' expectations beyond the field list', () => {
  it('asm is Core\'s ScriptToAsmStr; taproot outputs are witness_v1_taproot with a rawtr() descriptor and its checksum', async () => {
    const tx = await fx.a.result<{ vout: { scriptPubKey: { asm: string; desc: string; type: string; hex: string } }[] }>('getrawtransaction', fx.parent.txid, 1);
    const spk = tx.vout[0]!.scriptPubKey;
    expect(spk.type).toBe('witness_v1_taproot');
    expect(spk.asm).toBe(`1 ${spk.hex.slice(4)}`);
    expect(spk.desc).toMatch(new RegExp(`^rawtr\\(${spk.hex.slice(4)}\\)#[0-9a-z]{8}$`));
    const p2pkh = await fx.a.result<{ asm: string; type: string }>('decodescript', '76a914' + '11'.repeat(20) + '88ac');
    expect(p2pkh).toMatchObject({ asm: `OP_DUP OP_HASH160 ${'11'.repeat(20)} OP_EQUALVERIFY OP_CHECKSIG`, type: 'pubkeyhash' });
    // Small pushes are numbers; OP_RETURN data is hex.
    expect((await fx.a.result<{ asm: string }>('decodescript', '0302ff7f6a04deadbeef')).asm).toBe('8388354 OP_RETURN -1874767326');
  });

  it('getblock 3 and getrawtransaction 2 give each input its prevout, and the fee', async () => {
    const block = await fx.a.result<{ tx: { vin: { prevout?: { value: number; generated: boolean } }[]; fee?: number }[] }>('getblock', fx.feeBlock, 3);
    const spendTx = block.tx[1]!;
    expect(spendTx.vin[0]!.prevout).toMatchObject({ value: 50, generated: true });
    expect(spendTx.fee).toBeCloseTo(0.0001, 8);
    expect(block.tx[0]!.vin[0]).not.toHaveProperty('prevout');
    const two = await fx.a.result<{ tx?: unknown; vin: { prevout?: unknown }[] }>('getblock', fx.feeBlock, 2);
    expect(JSON.stringify(two)).not.toContain('"prevout"');
  });

  it('estimatesmartfee takes Core\'s targets up to 1008 and reports the target it used', async () => {
    for (const target of [1, 144, 145, 1008]) {
      const r = await fx.a.result<{ blocks: number }>('estimatesmartfee', target);
      expect(r.blocks).toBeGreaterThanOrEqual(0);
      expect(r.blocks).toBeLessThanOrEqual(144);
    }
    expect((await fx.a.call('estimatesmartfee', [1009])).body.error?.code).toBe(-8);
  });

  it('help writes argument types as Core does (numeric, string, boolean, json object, json array)', async () => {
    const getblock = await fx.a.result<string>('help', 'getblock');
    expect(getblock).toContain('getblock "blockhash" ( verbosity )');
    expect(getblock).toMatch(/\n1\. blockhash +\(string, required\)/);
    // Core documents its verbosity as numeric though it also takes true and false; so does Tally.
    expect(getblock).toMatch(/\n2\. verbosity +\(numeric, optional, default=1\)/);
    expect(await fx.a.result<string>('help', 'getblockstats')).toMatch(/\(string or numeric, required\)/);
    expect(await fx.a.result<string>('help', 'getblockhash')).toMatch(/\(numeric, required\)/);
    expect(await fx.a.result<string>('help', 'testmempoolaccept')).toMatch(/\(json array, required\)/);
    expect(await fx.a.result<string>('help', 'getblocktemplate')).toMatch(/\(json object, optional/);
    const all = (await Promise.all([...table.keys()].map((m) => fx.a.result<string>('help', m)))).join('\n');
    expect(all).not.toMatch(/\((integer|hash|hex|address|amount|object|array)[,)]/);
  });
});
