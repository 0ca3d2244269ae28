/**
 * Mining RPC methods over real HTTP against a regtest node: mining state,
 * templates, submitblock's BIP22 answers (and the chain tips they leave),
 * generatetoaddress, generateblock and estimatesmartfee, with Core's error
 * codes for bad parameters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Block } from '../../../src/primitives/block.js';
import { encodeAddress } from '../../../src/primitives/address.js';
import { outputKeyFromSecret, scriptFromSecret } from '../../../src/primitives/sign.js';
import type { Transaction } from '../../../src/primitives/tx.js';
import { COIN } from '../../../src/consensus/constants.js';
import { regtest, testnet } from '../../../src/consensus/params.js';
import { checkProofOfWork } from '../../../src/consensus/pow.js';
import { getBlockSubsidy } from '../../../src/consensus/subsidy.js';
import { assembleBlock, solveBlock } from '../../../src/mining/assemble.js';
import { createCoinbase } from '../../../src/mining/coinbase.js';
import { createBlockTemplate } from '../../../src/mining/template.js';
import { flipBit, ownedOutput, payTo, remakeBlock, spend, testKey } from '../../helpers/chain.js';
import { startRpcNode, type RpcTestNode } from '../../helpers/rpc.js';
import { tempDir } from '../../helpers/tmp.js';

const dir = tempDir('tally-rpc-mining');
const key = testKey(1);
const address = encodeAddress(regtest.addressPrefix, outputKeyFromSecret(key));
const HEX64 = /^[0-9a-f]{64}$/;

let t: RpcTestNode;
let hashes: string[];
let parent: Transaction;
let child: Transaction;

type Obj = Record<string, unknown>;

async function rpcError(method: string, ...params: unknown[]): Promise<number | undefined> {
  const { body } = await t.call(method, params);
  return body.error?.code;
}

async function coinbaseOf(hash: string): Promise<Transaction> {
  return (await t.node.chain.getBlock(hash))!.transactions[0]!;
}

/** A solved block on the chain entry `on` (the tip by default) paying testKey(n). */
function blockOn(n: number, on = t.node.chain.tip): Block {
  const template = createBlockTemplate({
    params: regtest,
    parent: { hashBytes: on.hash, height: on.height, time: on.header.time, medianTimePast: on.medianTimePast },
    now: t.node.clock(),
    payoutScript: scriptFromSecret(testKey(n)),
  });
  return solveBlock(template.block);
}

beforeAll(async () => {
  t = await startRpcNode(dir);
  hashes = await t.result<string[]>('generatetoaddress', 101, address);
  parent = spend([ownedOutput(await coinbaseOf(hashes[0]!), 0, 1)], [payTo(1, 50n * COIN - 10_000n)]);
  child = spend([ownedOutput(parent, 0, 1)], [payTo(2, 50n * COIN - 40_000n)]);
  await t.node.sendTransaction(parent);
  await t.node.sendTransaction(child);
}, 120_000);

afterAll(async () => {
  await t?.stop();
});

describe('mining state', () => {
  it('getmininginfo', async () => {
    const info = await t.result<Obj>('getmininginfo');
    expect(info).toMatchObject({ blocks: 101, bits: '207fffff', difficulty: 1, pooledtx: 2, chain: 'regtest', warnings: '' });
    expect(info.target).toMatch(HEX64);
    expect(info.next).toMatchObject({ height: 102, bits: '207fffff', difficulty: 1 });
    expect(typeof info.networkhashps).toBe('number');
  });

  it('getnetworkhashps', async () => {
    expect(typeof await t.result('getnetworkhashps')).toBe('number');
    expect(typeof await t.result('getnetworkhashps', -1)).toBe('number');
    expect(await t.result('getnetworkhashps', 10, 0)).toBe(0);
    expect(await t.result('getnetworkhashps', 1000, 50)).toBeGreaterThanOrEqual(0);
    expect(await rpcError('getnetworkhashps', 0)).toBe(-8);
    expect(await rpcError('getnetworkhashps', -2)).toBe(-8);
    expect(await rpcError('getnetworkhashps', 120, 102)).toBe(-8);
    expect(await rpcError('getnetworkhashps', 120, -2)).toBe(-8);
    expect(await rpcError('getnetworkhashps', 'many')).toBe(-3);
  });
});

describe('getblocktemplate', () => {
  it('offers the pool transactions with fees, dependencies and the witness commitment', async () => {
    const tpl = await t.result<Obj>('getblocktemplate', { rules: ['segwit'] });
    expect(tpl).toMatchObject({
      version: 1, previousblockhash: hashes[100], height: 102, bits: '207fffff', weightlimit: regtest.maxBlockWeight,
      coinbasevalue: 50 * 1e8 + 40_000, mutable: expect.any(Array), noncerange: '00000000ffffffff',
    });
    expect(tpl.target).toMatch(HEX64);
    expect(tpl.curtime as number).toBeGreaterThanOrEqual(tpl.mintime as number);
    expect(tpl.default_witness_commitment).toMatch(/^6a24aa21a9ed[0-9a-f]{64}$/);
    expect(tpl.transactions).toEqual([
      { data: parent.toHex(), txid: parent.txid, hash: parent.wtxid, depends: [], fee: 10_000, weight: parent.weight },
      { data: child.toHex(), txid: child.txid, hash: child.wtxid, depends: [1], fee: 30_000, weight: child.weight },
    ]);
    expect(await t.result('getblocktemplate')).toMatchObject({ height: 102 });
  });

  it('refuses bad requests', async () => {
    expect(await rpcError('getblocktemplate', 'template')).toBe(-3);
    expect(await rpcError('getblocktemplate', { mode: 'proposal', data: '00' })).toBe(-8);
    expect(await rpcError('getblocktemplate', { mode: 7 })).toBe(-3);
    expect(await rpcError('getblocktemplate', { rules: 'segwit' })).toBe(-3);
  });
});

describe('submitblock', () => {
  it('accepts a new block with null, then answers duplicate', async () => {
    const block = solveBlock(t.node.template(scriptFromSecret(key)).block);
    expect(block.transactions).toHaveLength(3);
    expect(await t.result('submitblock', block.toHex())).toBeNull();
    expect(await t.result('getbestblockhash')).toBe(block.hash);
    expect(await t.result('getmininginfo')).toMatchObject({ blocks: 102, pooledtx: 0 });
    expect(await t.result('submitblock', block.toHex())).toBe('duplicate');
  });

  it('answers the reject reason for invalid blocks', async () => {
    const good = blockOn(5);
    const badRoot = remakeBlock(good, { header: { merkleRootBytes: flipBit(good.header.merkleRootBytes) } });
    expect(await t.result('submitblock', badRoot.toHex())).toBe('bad-txnmrklroot');
    let unsolved = good.header;
    while (checkProofOfWork(unsolved.hash, unsolved.bits)) unsolved = unsolved.with({ nonce: unsolved.nonce + 1 });
    expect(await t.result('submitblock', new Block(unsolved, good.transactions).toHex())).toBe('high-hash');
    const tip = t.node.chain.tip;
    const greedy = solveBlock(assembleBlock({
      prevHashBytes: tip.hash, time: good.header.time, bits: good.header.bits,
      coinbase: createCoinbase({ height: tip.height + 1, outputs: [payTo(6, getBlockSubsidy(tip.height + 1, regtest) + 1n)] }),
    }));
    expect(await t.result('submitblock', greedy.toHex())).toBe('bad-cb-amount');
    expect(await t.result('submitblock', greedy.toHex())).toBe('duplicate-invalid');
    expect(await t.result('getbestblockhash')).toBe(tip.hashHex);
  });

  it('answers inconclusive for side-branch and orphan blocks', async () => {
    const tip = t.node.chain.tip;
    const side = blockOn(7, tip.prev!);
    expect(await t.result('submitblock', side.toHex())).toBe('inconclusive');
    const orphan = remakeBlock(blockOn(8), { header: { prevHashBytes: new Uint8Array(32).fill(9) } });
    expect(await t.result('submitblock', orphan.toHex())).toBe('inconclusive');
    expect(await t.result('getbestblockhash')).toBe(tip.hashHex);
  });

  it('leaves getchaintips with every kind of tip', async () => {
    const tip = t.node.chain.tip;
    const side = [...t.node.chain.allEntries()].find((e) => e.height === tip.height && e !== tip)!;
    expect((await t.result<Obj[]>('getchaintips')).find((x) => x.hash === side.hashHex)).toEqual({ height: tip.height, hash: side.hashHex, branchlen: 1, status: 'valid-headers' });
    const headerOnly = blockOn(9, side);
    await t.node.chain.processHeader(headerOnly.header);
    const tips = await t.result<Obj[]>('getchaintips');
    expect(tips).toHaveLength(3);
    expect(tips).toContainEqual({ height: tip.height, hash: tip.hashHex, branchlen: 0, status: 'active' });
    expect(tips).toContainEqual({ height: tip.height + 1, hash: headerOnly.hash, branchlen: 2, status: 'headers-only' });
    expect(tips).toContainEqual({ height: tip.height + 1, hash: expect.stringMatching(HEX64), branchlen: 1, status: 'invalid' });
    expect((tips[0]!.height as number)).toBeGreaterThanOrEqual(tips[2]!.height as number);
    const header = await t.result<Obj>('getblockheader', side.hashHex);
    expect(header).toMatchObject({ confirmations: -1, height: tip.height, nTx: 1 });
    expect(header).not.toHaveProperty('nextblockhash');
    expect(await rpcError('getblock', headerOnly.hash)).toBe(-1);
    expect(await t.result<Obj>('getblockheader', headerOnly.hash)).toMatchObject({ confirmations: -1, nTx: 0 });
  });

  it('refuses what does not decode', async () => {
    expect(await rpcError('submitblock', 'zz')).toBe(-22);
    expect(await rpcError('submitblock', '00')).toBe(-22);
    expect(await rpcError('submitblock', parent.toHex())).toBe(-22);
    const noCoinbase = new Block(blockOn(10).header, [parent]);
    expect(await rpcError('submitblock', noCoinbase.toHex())).toBe(-22);
    expect(await rpcError('submitblock', 42)).toBe(-3);
    expect(await rpcError('submitblock')).toBeDefined();
  });
});

describe('generatetoaddress', () => {
  it('mines blocks paying the address', async () => {
    const start = await t.result<number>('getblockcount');
    const mined = await t.result<string[]>('generatetoaddress', 3, address);
    expect(mined).toHaveLength(3);
    expect(await t.result('getblockcount')).toBe(start + 3);
    expect(await t.result('getbestblockhash')).toBe(mined[2]);
    const cb = (await coinbaseOf(mined[0]!)).txid;
    expect(await t.result<Obj>('gettxout', cb, 0)).toMatchObject({ scriptPubKey: { address }, coinbase: true });
    expect(await t.result('generatetoaddress', 0, address)).toEqual([]);
    expect(await t.result('generatetoaddress', 2, address, 0)).toEqual([]);
  });

  it('refuses bad parameters', async () => {
    const testnetAddress = encodeAddress(testnet.addressPrefix, outputKeyFromSecret(key));
    expect(await rpcError('generatetoaddress', 1, testnetAddress)).toBe(-5);
    expect(await rpcError('generatetoaddress', 1, 'not-an-address')).toBe(-5);
    expect(await rpcError('generatetoaddress', 'one', address)).toBe(-3);
    expect(await rpcError('generatetoaddress', 1, address, -1)).toBe(-8);
    expect(await rpcError('generatetoaddress', 1)).toBeDefined();
  });
});

describe('generateblock', () => {
  it('mines exactly the given transactions, from the pool or raw, claiming their fees', async () => {
    const cb2 = await coinbaseOf(hashes[1]!);
    const cb3 = await coinbaseOf(hashes[2]!);
    const fromPool = spend([ownedOutput(cb2, 0, 1)], [payTo(3, 50n * COIN - 7_000n)]);
    const raw = spend([ownedOutput(cb3, 0, 1)], [payTo(3, 50n * COIN - 3_000n)]);
    const other = spend([ownedOutput(await coinbaseOf(hashes[3]!), 0, 1)], [payTo(3, 50n * COIN - 9_000n)]);
    await t.node.sendTransaction(fromPool);
    await t.node.sendTransaction(other);

    const dry = await t.result<Obj>('generateblock', address, [fromPool.txid, raw.toHex()], false);
    expect(dry.hash).toMatch(HEX64);
    expect(Block.fromHex(dry.hex as string).hash).toBe(dry.hash);
    expect(await t.result('getbestblockhash')).not.toBe(dry.hash);

    const { hash } = await t.result<{ hash: string }>('generateblock', address, [fromPool.txid, raw.toHex()]);
    expect(await t.result('getbestblockhash')).toBe(hash);
    const block = await t.result<Obj>('getblock', hash, 2);
    const txs = block.tx as Obj[];
    expect(txs.map((x) => x.txid).slice(1)).toEqual([fromPool.txid, raw.txid]);
    expect((txs[0]!.vout as Obj[])[0]).toMatchObject({ value: 50.0001 });
    expect(t.node.mempool.has(other.txid)).toBe(true);
    expect(await t.result('generateblock', address, [])).toMatchObject({ hash: expect.stringMatching(HEX64) });
  });

  it('refuses unknown, undecodable and invalid transactions', async () => {
    const height = await t.result<number>('getblockcount');
    expect(await rpcError('generateblock', address, ['ab'.repeat(32)])).toBe(-5);
    expect(await rpcError('generateblock', address, ['zz'])).toBe(-22);
    const spent = spend([ownedOutput(await coinbaseOf(hashes[1]!), 0, 1)], [payTo(3, COIN)]);
    expect(await rpcError('generateblock', address, [spent.toHex()])).toBe(-25);
    expect(await rpcError('generateblock', address, [7])).toBe(-3);
    expect(await rpcError('generateblock', address, 'txs')).toBe(-3);
    expect(await rpcError('generateblock', encodeAddress(testnet.addressPrefix, outputKeyFromSecret(key)), [])).toBe(-5);
    expect(await t.result('getblockcount')).toBe(height);
  });
});

describe('estimatesmartfee', () => {
  it('answers a fee rate or errors, with the target', async () => {
    const estimate = await t.result<Obj>('estimatesmartfee', 6);
    expect(typeof estimate.blocks).toBe('number');
    if ('feerate' in estimate) expect(typeof estimate.feerate).toBe('number');
    else expect(estimate.errors).toEqual([expect.any(String)]);
    expect(await t.result<Obj>('estimatesmartfee', 2, 'ECONOMICAL')).toHaveProperty('blocks');
    expect(await t.result<Obj>('estimatesmartfee', 2, 'conservative')).toHaveProperty('blocks');
  });

  it('refuses bad targets and modes', async () => {
    expect(await rpcError('estimatesmartfee', 0)).toBe(-8);
    expect(await rpcError('estimatesmartfee', 100_000)).toBe(-8);
    expect(await rpcError('estimatesmartfee', 'six')).toBe(-3);
    expect(await rpcError('estimatesmartfee', 6, 'cheap')).toBe(-8);
    expect(await rpcError('estimatesmartfee', 6, 1)).toBe(-3);
  });
});
