/**
 * Raw-transaction methods over real HTTP against a regtest node: build with
 * createrawtransaction, sign locally, send with sendrawtransaction, read back
 * from the mempool and then the transaction index, dry-run with
 * testmempoolaccept, and every rejection with Core's code (the -26/-25
 * message being the reject code, which is the API).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COIN } from '../../../src/consensus/constants.js';
import { encodeAddress } from '../../../src/primitives/address.js';
import { toHex } from '../../../src/primitives/bytes.js';
import { nullDataScript } from '../../../src/primitives/script.js';
import { outputKeyFromSecret, scriptFromSecret, signTaprootInputs } from '../../../src/primitives/sign.js';
import { Transaction, type TxOutput } from '../../../src/primitives/tx.js';
import { RPC } from '../../../src/rpc/errors.js';
import { flipBit, ownedOutput, payTo, spend, testKey, withWitness } from '../../helpers/chain.js';
import { startRpcNode, type RpcTestNode } from '../../helpers/rpc.js';
import { tempDir } from '../../helpers/tmp.js';

const MINER_KEY = testKey(1);
const MINER_SCRIPT = scriptFromSecret(MINER_KEY);
const ADDRESS = encodeAddress('tlr', outputKeyFromSecret(testKey(2)));
const ADDRESS_2 = encodeAddress('tlr', outputKeyFromSecret(testKey(3)));
const OTHER_NETWORK = encodeAddress('tlt', outputKeyFromSecret(testKey(2)));
const UNKNOWN_TXID = 'ab'.repeat(32);

interface Vin { txid?: string; vout?: number; coinbase?: string; prevout?: { generated: boolean; height: number; value: number; scriptPubKey: { hex: string; type: string } } }
interface RawTx {
  txid: string; hash: string; version: number; size: number; vsize: number; weight: number; locktime: number; hex?: string;
  vin: Vin[]; vout: { value: number; n: number; scriptPubKey: { hex: string; type: string; address?: string } }[];
  blockhash?: string; confirmations?: number; time?: number; blocktime?: number; in_active_chain?: boolean; fee?: number;
}

let rpc: RpcTestNode;
/** Coinbases of blocks 1.. (mature), each spent at most once by the tests, in order. */
let coinbases: Transaction[] = [];
let nextCoin = 0;

/** A signed spend of the next unused mature coinbase. */
function spendCoinbase(outputs: (total: bigint) => TxOutput[], fields: { sequence?: number } = {}): Transaction {
  const coinbase = coinbases[nextCoin++]!;
  const unsigned = new Transaction({
    version: 2,
    inputs: [{ prevout: { txid: coinbase.txidBytes, vout: 0 }, scriptSig: new Uint8Array(0), sequence: fields.sequence ?? 0xfffffffd, witness: [] }],
    outputs: outputs(coinbase.outputs[0]!.value),
    locktime: 0,
  });
  return signTaprootInputs(unsigned, [coinbase.outputs[0]!], [MINER_KEY]);
}

/** Pays everything but `fee` to testKey(n). */
const payAll = (fee: bigint, n = 2) => (total: bigint) => [payTo(n, total - fee)];

async function errorOf(method: string, params: unknown[]): Promise<{ code: number; message: string }> {
  const { body } = await rpc.call(method, params);
  expect(body.error, `${method} ${JSON.stringify(params)} should fail`).toBeTruthy();
  return body.error!;
}

async function expectCode(method: string, params: unknown[], code: number, message?: string): Promise<void> {
  const err = await errorOf(method, params);
  expect(err.code, `${method} ${JSON.stringify(params)}: ${err.message}`).toBe(code);
  if (message !== undefined) expect(err.message).toBe(message);
}

beforeAll(async () => {
  rpc = await startRpcNode(tempDir('rpc-rawtx'));
  // Coinbases mature after 100 blocks: those of blocks 1..20 are spendable.
  const hashes = await rpc.node.generate(120, MINER_SCRIPT);
  for (const hash of hashes.slice(0, 20)) coinbases.push((await rpc.node.chain.getBlock(hash))!.transactions[0]!);
}, 120_000);

afterAll(async () => {
  await rpc?.stop();
  coinbases = [];
});

describe('createrawtransaction, signing, sendrawtransaction, getrawtransaction', () => {
  let sent: Transaction;

  it('builds an unsigned version 2 transaction that decodes back', async () => {
    const coinbase = coinbases[nextCoin]!;
    const hex = await rpc.result<string>('createrawtransaction', [{ txid: coinbase.txid, vout: 0 }], { [ADDRESS]: 49.9999, data: 'cafe' });
    const tx = Transaction.fromHex(hex);
    expect(tx.version).toBe(2);
    expect(tx.locktime).toBe(0);
    expect(tx.inputs).toHaveLength(1);
    expect(tx.inputs[0]!.sequence).toBe(0xffffffff);
    expect(tx.outputs).toEqual([payTo(2, 49_9999_0000n), { value: 0n, scriptPubKey: nullDataScript(Uint8Array.of(0xca, 0xfe)) }]);
    const decoded = await rpc.result<RawTx>('decoderawtransaction', hex);
    expect(decoded).toMatchObject({ txid: tx.txid, hash: tx.wtxid, version: 2, locktime: 0, size: tx.totalSize, vsize: tx.vsize, weight: tx.weight });
    expect(decoded.hex).toBeUndefined();
    expect(decoded.vin[0]).toMatchObject({ txid: coinbase.txid, vout: 0 });
    expect(decoded.vout[0]).toMatchObject({ value: 49.9999, n: 0, scriptPubKey: { type: 'witness_v1_taproot', address: ADDRESS } });
    expect(decoded.vout[1]).toMatchObject({ value: 0, n: 1, scriptPubKey: { type: 'nulldata', hex: '6a02cafe' } });

    // Signed locally and sent.
    const signed = signTaprootInputs(tx, [coinbase.outputs[0]!], [MINER_KEY]);
    nextCoin++;
    expect(await rpc.result('sendrawtransaction', signed.toHex())).toBe(signed.txid);
    expect(rpc.node.mempool.has(signed.txid)).toBe(true);
    sent = signed;
  });

  it('takes the array form of outputs, sequences, locktime and replaceable', async () => {
    const hex = await rpc.result<string>('createrawtransaction', [{ txid: UNKNOWN_TXID, vout: 3, sequence: 7 }, { txid: UNKNOWN_TXID, vout: 4 }], [{ [ADDRESS]: 1 }, { [ADDRESS_2]: '0.5' }], 500, false);
    const tx = Transaction.fromHex(hex);
    expect(tx.inputs.map((i) => [i.prevout.vout, i.sequence])).toEqual([[3, 7], [4, 0xfffffffe]]);
    expect(tx.outputs.map((o) => o.value)).toEqual([COIN, COIN / 2n]);
    expect(tx.locktime).toBe(500);
    const rbf = Transaction.fromHex(await rpc.result<string>('createrawtransaction', [{ txid: UNKNOWN_TXID, vout: 0 }], {}, 0, true));
    expect(rbf.inputs[0]!.sequence).toBe(0xfffffffd);
    expect(rbf.outputs).toEqual([]);
  });

  it('answers a resend of a pooled transaction with its txid', async () => {
    expect(await rpc.result('sendrawtransaction', sent.toHex())).toBe(sent.txid);
  });

  it('reads an unconfirmed transaction from the mempool', async () => {
    expect(await rpc.result('getrawtransaction', sent.txid)).toBe(sent.toHex());
    expect(await rpc.result('getrawtransaction', sent.txid, false)).toBe(sent.toHex());
    for (const verbose of [1, true, 2]) {
      const json = await rpc.result<RawTx>('getrawtransaction', sent.txid, verbose);
      expect(json).toMatchObject({ txid: sent.txid, hash: sent.wtxid, hex: sent.toHex(), vsize: sent.vsize });
      expect(json.blockhash).toBeUndefined();
      expect(json.confirmations).toBeUndefined();
      expect(json.fee).toBeUndefined();
    }
  });

  it('reads it from the transaction index once confirmed, with confirmations, times and prevouts', async () => {
    const [hash] = await rpc.node.generate(1, MINER_SCRIPT);
    const header = rpc.node.chain.getEntry(hash!)!.header;
    const json = await rpc.result<RawTx>('getrawtransaction', sent.txid, 1);
    expect(json).toMatchObject({ txid: sent.txid, hex: sent.toHex(), blockhash: hash, confirmations: 1, time: header.time, blocktime: header.time });
    expect(json.in_active_chain).toBeUndefined();
    expect(json.vin[0]!.prevout).toBeUndefined();

    const v2 = await rpc.result<RawTx>('getrawtransaction', sent.txid, 2);
    // 50 coins in, 49.9999 out.
    expect(v2.fee).toBe(0.0001);
    expect(v2.vin[0]!.prevout).toMatchObject({ generated: true, height: 1, value: 50, scriptPubKey: { hex: toHex(MINER_SCRIPT), type: 'witness_v1_taproot' } });

    const inBlock = await rpc.result<RawTx>('getrawtransaction', sent.txid, true, hash);
    expect(inBlock).toMatchObject({ in_active_chain: true, blockhash: hash, confirmations: 1 });
    expect(Object.keys(inBlock)[0]).toBe('in_active_chain');

    await rpc.node.generate(1, MINER_SCRIPT);
    expect(await rpc.result<RawTx>('getrawtransaction', sent.txid, 1)).toMatchObject({ confirmations: 2 });
    // The coinbase of a block is a transaction of the index too.
    const coinbase = (await rpc.node.chain.getBlock(hash!))!.transactions[0]!;
    expect((await rpc.result<RawTx>('getrawtransaction', coinbase.txid, 2)).vin[0]!.coinbase).toBeDefined();
  });

  it('refuses a confirmed transaction with -27', async () => {
    await expectCode('sendrawtransaction', [sent.toHex()], RPC.VERIFY_ALREADY_IN_CHAIN);
    const [result] = await rpc.result<{ allowed: boolean; 'reject-reason': string }[]>('testmempoolaccept', [sent.toHex()]);
    expect(result).toMatchObject({ txid: sent.txid, allowed: false, 'reject-reason': 'txn-already-known' });
  });
});

describe('a spend of an output created earlier in the same block', () => {
  it('getrawtransaction 2 gives its prevout and the fee getblock 2 gives', async () => {
    const parent = spendCoinbase(payAll(10_000n));
    const child = spend([ownedOutput(parent, 0, 2)], [payTo(3, parent.outputs[0]!.value - 20_000n)]);
    expect(await rpc.result('sendrawtransaction', parent.toHex())).toBe(parent.txid);
    expect(await rpc.result('sendrawtransaction', child.toHex())).toBe(child.txid);
    const [hash] = await rpc.node.generate(1, MINER_SCRIPT);
    const height = rpc.node.chain.getEntry(hash!)!.height;
    const block = await rpc.result<{ tx: RawTx[] }>('getblock', hash, 2);
    expect(block.tx.map((t) => t.txid)).toEqual([block.tx[0]!.txid, parent.txid, child.txid]);
    expect(block.tx[2]!.fee).toBe(0.0002);

    const parentJson = await rpc.result<RawTx>('getrawtransaction', parent.txid, 2);
    const expected = { generated: false, height, value: 49.9999, scriptPubKey: expect.objectContaining(parentJson.vout[0]!.scriptPubKey) };
    for (const json of [await rpc.result<RawTx>('getrawtransaction', child.txid, 2), await rpc.result<RawTx>('getrawtransaction', child.txid, 2, hash)]) {
      expect(json.fee).toBe(block.tx[2]!.fee);
      expect(json.vin[0]!.prevout).toEqual(expected);
    }
    expect(parentJson.fee).toBe(block.tx[1]!.fee);
    expect(parentJson.vin[0]!.prevout).toMatchObject({ generated: true, value: 50 });
  });
});

describe('getrawtransaction errors', () => {
  it('checks its parameters and lookups', async () => {
    await expectCode('getrawtransaction', [UNKNOWN_TXID], RPC.INVALID_ADDRESS_OR_KEY, 'No such mempool or blockchain transaction');
    await expectCode('getrawtransaction', ['xyz'], RPC.INVALID_PARAMETER);
    await expectCode('getrawtransaction', [42], RPC.TYPE_ERROR);
    await expectCode('getrawtransaction', [UNKNOWN_TXID, 3], RPC.INVALID_PARAMETER);
    await expectCode('getrawtransaction', [UNKNOWN_TXID, 'yes'], RPC.TYPE_ERROR);
    await expectCode('getrawtransaction', [UNKNOWN_TXID, 1, UNKNOWN_TXID], RPC.INVALID_ADDRESS_OR_KEY, 'Block hash not found');
    await expectCode('getrawtransaction', [UNKNOWN_TXID, 1, 'zz'], RPC.INVALID_PARAMETER);
    await expectCode('getrawtransaction', [UNKNOWN_TXID, 1, rpc.node.chain.tip.hashHex], RPC.INVALID_ADDRESS_OR_KEY);
    await expectCode('getrawtransaction', [], RPC.INVALID_PARAMS);
    const genesis = (await rpc.node.chain.getBlock(rpc.node.chain.getEntryAtHeight(0)!.hashHex))!.transactions[0]!;
    await expectCode('getrawtransaction', [genesis.txid], RPC.INVALID_ADDRESS_OR_KEY);
  });
});

describe('decoderawtransaction and decodescript', () => {
  it('fails to decode bad hex with -22', async () => {
    for (const bad of ['zz', '00', '0', 'deadbeef', coinbases[0]!.toHex() + '00']) {
      await expectCode('decoderawtransaction', [bad], RPC.DESERIALIZATION_ERROR, 'TX decode failed');
    }
    await expectCode('decoderawtransaction', [12], RPC.TYPE_ERROR);
    await expectCode('decoderawtransaction', [], RPC.INVALID_PARAMS);
  });

  it('decodes a coinbase', async () => {
    const json = await rpc.result<RawTx>('decoderawtransaction', coinbases[0]!.toHex());
    expect(json.txid).toBe(coinbases[0]!.txid);
    expect(json.vin[0]!.coinbase).toBeDefined();
  });

  it('decodes taproot, nulldata and nonstandard scripts', async () => {
    const key = toHex(outputKeyFromSecret(testKey(2)));
    const taproot = await rpc.result<Record<string, unknown>>('decodescript', `5120${key}`);
    expect(taproot).toMatchObject({ asm: `1 ${key}`, type: 'witness_v1_taproot', address: ADDRESS });
    expect(taproot.desc).toMatch(new RegExp(`^rawtr\\(${key}\\)#[a-z0-9]{8}$`));
    expect(taproot.hex).toBeUndefined();
    expect(await rpc.result('decodescript', '6a050102030405')).toMatchObject({ asm: 'OP_RETURN 0102030405', type: 'nulldata' });
    expect(await rpc.result('decodescript', '6a0201ff')).toMatchObject({ asm: 'OP_RETURN -32513', type: 'nulldata' });
    // BIP380's checksum vector.
    expect(await rpc.result('decodescript', 'deadbeef')).toEqual({ asm: 'OP_UNKNOWN OP_CHECKSIGVERIFY OP_UNKNOWN OP_UNKNOWN', desc: 'raw(deadbeef)#89f8spxm', type: 'nonstandard' });
    expect(await rpc.result('decodescript', '76a988ac')).toMatchObject({ asm: 'OP_DUP OP_HASH160 OP_EQUALVERIFY OP_CHECKSIG', type: 'nonstandard' });
    expect(await rpc.result('decodescript', '00510060ba4c')).toMatchObject({ asm: '0 1 0 16 OP_CHECKSIGADD [error]' });
    expect(await rpc.result('decodescript', '')).toMatchObject({ asm: '', type: 'nonstandard' });
    await expectCode('decodescript', ['zz'], RPC.INVALID_PARAMETER);
    await expectCode('decodescript', [{}], RPC.TYPE_ERROR);
  });
});

describe('createrawtransaction errors', () => {
  const input = [{ txid: UNKNOWN_TXID, vout: 0 }];
  it.each([
    ['an invalid address', [input, { nonsense: 1 }], RPC.INVALID_ADDRESS_OR_KEY],
    ["another network's address", [input, { [OTHER_NETWORK]: 1 }], RPC.INVALID_ADDRESS_OR_KEY],
    ['a duplicate address', [input, [{ [ADDRESS]: 1 }, { [ADDRESS]: 2 }]], RPC.INVALID_PARAMETER],
    ['a duplicate address in another case', [input, { [ADDRESS]: 1, [ADDRESS.toUpperCase()]: 2 }], RPC.INVALID_PARAMETER],
    ['two data outputs', [input, [{ data: '00' }, { data: '01' }]], RPC.INVALID_PARAMETER],
    ['non-hex data', [input, { data: 'xy' }]],
    ['data beyond 80 bytes', [input, { data: '00'.repeat(81) }], RPC.INVALID_PARAMETER],
    ['a negative amount', [input, { [ADDRESS]: -1 }], RPC.TYPE_ERROR],
    ['an amount above the supply', [input, { [ADDRESS]: 21_000_001 }], RPC.TYPE_ERROR],
    ['an amount with 9 decimals', [input, { [ADDRESS]: 0.000000005 }], RPC.TYPE_ERROR],
    ['an amount of the wrong type', [input, { [ADDRESS]: true }], RPC.TYPE_ERROR],
    ['an output pair with two keys', [input, [{ [ADDRESS]: 1, [ADDRESS_2]: 1 }]], RPC.INVALID_PARAMETER],
    ['outputs of the wrong type', [input, 'x'], RPC.TYPE_ERROR],
    ['inputs of the wrong type', [{}, {}], RPC.TYPE_ERROR],
    ['an input that is not an object', [[1], {}], RPC.TYPE_ERROR],
    ['a bad txid', [[{ txid: 'abc', vout: 0 }], {}], RPC.INVALID_PARAMETER],
    ['a missing vout', [[{ txid: UNKNOWN_TXID }], {}], RPC.INVALID_PARAMETER],
    ['a negative vout', [[{ txid: UNKNOWN_TXID, vout: -1 }], {}], RPC.INVALID_PARAMETER],
    ['a sequence out of range', [[{ txid: UNKNOWN_TXID, vout: 0, sequence: 2 ** 32 }], {}], RPC.INVALID_PARAMETER],
    ['a sequence contradicting replaceable', [[{ txid: UNKNOWN_TXID, vout: 0, sequence: 0xffffffff }], {}, 0, true], RPC.INVALID_PARAMETER],
    ['a negative locktime', [input, {}, -1], RPC.INVALID_PARAMETER],
    ['a missing outputs argument', [input], RPC.INVALID_PARAMS],
  ] as [string, unknown[], number?][])('refuses %s', async (_name, params, code = RPC.INVALID_PARAMETER) => {
    await expectCode('createrawtransaction', params, code);
  });
});

describe('sendrawtransaction rejections', () => {
  it('refuses bad hex with -22 and bad parameters with -3 / -8', async () => {
    await expectCode('sendrawtransaction', ['zz'], RPC.DESERIALIZATION_ERROR, 'TX decode failed');
    await expectCode('sendrawtransaction', [7], RPC.TYPE_ERROR);
    const tx = spendCoinbase(payAll(10_000n));
    await expectCode('sendrawtransaction', [tx.toHex(), -0.1], RPC.TYPE_ERROR);
    await expectCode('sendrawtransaction', [tx.toHex(), 'x'], RPC.TYPE_ERROR);
    await expectCode('sendrawtransaction', [tx.toHex(), 1], RPC.INVALID_PARAMETER);
    expect(rpc.node.mempool.has(tx.txid)).toBe(false);
  });

  it('refuses a bad signature with -26 mandatory-script-verify-flag-failed', async () => {
    const tx = spendCoinbase(payAll(10_000n));
    const bad = withWitness(tx, 0, [flipBit(tx.inputs[0]!.witness[0]!, 5)]);
    await expectCode('sendrawtransaction', [bad.toHex()], RPC.VERIFY_REJECTED, 'mandatory-script-verify-flag-failed');
    // The genuine one still goes in.
    expect(await rpc.result('sendrawtransaction', tx.toHex())).toBe(tx.txid);
  });

  it('refuses a double spend that pays no more with -26 insufficient fee, and takes a real replacement', async () => {
    const first = spendCoinbase(payAll(10_000n));
    nextCoin--;
    const cheaper = spendCoinbase(payAll(9_000n, 3));
    nextCoin--;
    const better = spendCoinbase(payAll(50_000n, 3));
    expect(await rpc.result('sendrawtransaction', first.toHex())).toBe(first.txid);
    await expectCode('sendrawtransaction', [cheaper.toHex()], RPC.VERIFY_REJECTED, 'insufficient fee');
    expect(await rpc.result('sendrawtransaction', better.toHex())).toBe(better.txid);
    expect(rpc.node.mempool.has(first.txid)).toBe(false);
  });

  it('refuses missing inputs with -25 bad-txns-inputs-missingorspent', async () => {
    const unsigned = new Transaction({
      version: 2,
      inputs: [{ prevout: { txid: new Uint8Array(32).fill(7), vout: 0 }, scriptSig: new Uint8Array(0), sequence: 0xffffffff, witness: [new Uint8Array(64)] }],
      outputs: [payTo(2, COIN)],
      locktime: 0,
    });
    await expectCode('sendrawtransaction', [unsigned.toHex()], RPC.VERIFY_ERROR, 'bad-txns-inputs-missingorspent');
  });

  it('refuses a fee rate above maxfeerate, unless maxfeerate is 0', async () => {
    // 1 coin of fee over ~100 vbytes is far above 0.10 coins/kvB.
    const tx = spendCoinbase(payAll(COIN));
    await expectCode('sendrawtransaction', [tx.toHex()], RPC.VERIFY_ERROR, 'max-fee-exceeded');
    await expectCode('sendrawtransaction', [tx.toHex(), 0.5], RPC.VERIFY_ERROR, 'max-fee-exceeded');
    expect(rpc.node.mempool.has(tx.txid)).toBe(false);
    expect(await rpc.result('sendrawtransaction', tx.toHex(), 0)).toBe(tx.txid);
  });

  it('refuses to burn more than maxburnamount', async () => {
    const tx = spendCoinbase((total) => [payTo(2, total - COIN - 10_000n), { value: COIN, scriptPubKey: nullDataScript(Uint8Array.of(1)) }]);
    await expectCode('sendrawtransaction', [tx.toHex()], RPC.VERIFY_ERROR);
    expect(rpc.node.mempool.has(tx.txid)).toBe(false);
  });

  it('refuses a policy failure (fee below the relay minimum) with -26 and its code', async () => {
    const tx = spendCoinbase(payAll(0n));
    await expectCode('sendrawtransaction', [tx.toHex()], RPC.VERIFY_REJECTED, 'min relay fee not met');
  });
});

describe('testmempoolaccept', () => {
  interface Result { txid: string; wtxid: string; allowed?: boolean; vsize?: number; fees?: { base: number; 'effective-feerate': number; 'effective-includes': string[] }; 'reject-reason'?: string; 'package-error'?: string }

  it('accepts without adding, with Core\'s fields', async () => {
    const tx = spendCoinbase(payAll(20_000n));
    const [r] = await rpc.result<Result[]>('testmempoolaccept', [tx.toHex()]);
    expect(r).toEqual({
      txid: tx.txid, wtxid: tx.wtxid, allowed: true, vsize: tx.vsize,
      fees: { base: 0.0002, 'effective-feerate': Math.floor(20_000_000 / tx.vsize) / 1e8, 'effective-includes': [tx.wtxid] },
    });
    expect(rpc.node.mempool.has(tx.txid)).toBe(false);
    const [pkgParent, pkgChild] = await rpc.result<Result[]>('testmempoolaccept', [
      tx.toHex(),
      signTaprootInputs(new Transaction({ version: 2, inputs: [{ prevout: { txid: tx.txidBytes, vout: 0 }, scriptSig: new Uint8Array(0), sequence: 0xfffffffd, witness: [] }], outputs: [payTo(4, tx.outputs[0]!.value - 10_000n)], locktime: 0 }), [tx.outputs[0]!], [testKey(2)]).toHex(),
    ]);
    expect(pkgParent).toMatchObject({ allowed: true });
    expect(pkgChild).toMatchObject({ allowed: true, fees: { base: 0.0001 } });
    expect(rpc.node.mempool.has(tx.txid)).toBe(false);
    // It is what sendrawtransaction then does.
    expect(await rpc.result('sendrawtransaction', tx.toHex())).toBe(tx.txid);
    const [again] = await rpc.result<Result[]>('testmempoolaccept', [tx.toHex()]);
    expect(again).toMatchObject({ allowed: false, 'reject-reason': 'txn-already-in-mempool' });
  });

  it('reports reject reasons, max-fee-exceeded and package errors', async () => {
    const costly = spendCoinbase(payAll(COIN));
    expect((await rpc.result<Result[]>('testmempoolaccept', [costly.toHex()]))[0]).toMatchObject({ allowed: false, 'reject-reason': 'max-fee-exceeded' });
    expect((await rpc.result<Result[]>('testmempoolaccept', [costly.toHex()], 0))[0]).toMatchObject({ allowed: true });
    const bad = withWitness(costly, 0, [flipBit(costly.inputs[0]!.witness[0]!, 1)]);
    expect((await rpc.result<Result[]>('testmempoolaccept', [bad.toHex()]))[0]).toMatchObject({ allowed: false, 'reject-reason': 'mandatory-script-verify-flag-failed' });
    // A failure stops the package: what follows is reported without a verdict.
    const other = spendCoinbase(payAll(10_000n));
    const [first, second] = await rpc.result<Result[]>('testmempoolaccept', [bad.toHex(), other.toHex()]);
    expect(first).toMatchObject({ allowed: false, 'reject-reason': 'mandatory-script-verify-flag-failed' });
    expect(second).toEqual({ txid: other.txid, wtxid: other.wtxid });
    // Duplicates are judged by txid, so a copy with another witness counts.
    const dup = await rpc.result<Result[]>('testmempoolaccept', [costly.toHex(), bad.toHex()]);
    expect(dup).toEqual([costly, bad].map((t) => ({ txid: t.txid, wtxid: t.wtxid, 'package-error': 'package-contains-duplicates' })));
  });

  it('checks its parameters', async () => {
    await expectCode('testmempoolaccept', [[]], RPC.INVALID_PARAMETER);
    await expectCode('testmempoolaccept', [Array.from({ length: 26 }, () => coinbases[0]!.toHex())], RPC.INVALID_PARAMETER);
    await expectCode('testmempoolaccept', [['zz']], RPC.DESERIALIZATION_ERROR, 'TX decode failed');
    await expectCode('testmempoolaccept', ['00'], RPC.TYPE_ERROR);
    await expectCode('testmempoolaccept', [[1]], RPC.TYPE_ERROR);
    await expectCode('testmempoolaccept', [[coinbases[0]!.toHex()], 2], RPC.INVALID_PARAMETER);
    const [r] = await rpc.result<Result[]>('testmempoolaccept', [coinbases[0]!.toHex()]);
    expect(r).toMatchObject({ allowed: false, 'reject-reason': 'coinbase' });
  });
});
