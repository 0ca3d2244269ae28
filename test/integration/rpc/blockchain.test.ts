/**
 * Blockchain RPC methods over real HTTP against a regtest node: result shapes
 * as Bitcoin Core gives them, on a 102-block chain whose last block holds a
 * spend and a child spending it in the same block (so it has fees), with one
 * more spend waiting in the mempool; and Core's error codes for bad parameters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Block } from '../../../src/primitives/block.js';
import { encodeAddress } from '../../../src/primitives/address.js';
import { outputKeyFromSecret } from '../../../src/primitives/sign.js';
import type { Transaction } from '../../../src/primitives/tx.js';
import { COIN } from '../../../src/consensus/constants.js';
import { regtest } from '../../../src/consensus/params.js';
import { ownedOutput, payTo, spend, testKey } from '../../helpers/chain.js';
import { startRpcNode, type RpcTestNode } from '../../helpers/rpc.js';
import { tempDir } from '../../helpers/tmp.js';

const dir = tempDir('tally-rpc-blockchain');
const key = testKey(1);
const address = encodeAddress(regtest.addressPrefix, outputKeyFromSecret(key));
const HEX64 = /^[0-9a-f]{64}$/;
const UNKNOWN = 'ab'.repeat(32);

let t: RpcTestNode;
let hashes: string[];
/** Confirmed in block 102: pays 20 coins to testKey(2) and the rest back, fee 10,000 sats. */
let parent: Transaction;
/** Confirmed in block 102 too, spending parent's output 1; fee 20,000 sats. */
let child: Transaction;
/** In the mempool, spending block 2's coinbase. */
let pooled: Transaction;
let feeBlock: string;

type Obj = Record<string, unknown>;

async function rpcError(method: string, ...params: unknown[]): Promise<number | undefined> {
  const { body } = await t.call(method, params);
  return body.error?.code;
}

async function coinbaseOf(hash: string): Promise<Transaction> {
  return (await t.node.chain.getBlock(hash))!.transactions[0]!;
}

beforeAll(async () => {
  t = await startRpcNode(dir);
  hashes = await t.result<string[]>('generatetoaddress', 101, address);
  const cb1 = await coinbaseOf(hashes[0]!);
  parent = spend([ownedOutput(cb1, 0, 1)], [payTo(2, 20n * COIN), payTo(1, 30n * COIN - 10_000n)]);
  child = spend([ownedOutput(parent, 1, 1)], [payTo(3, 30n * COIN - 30_000n)]);
  await t.node.sendTransaction(parent);
  await t.node.sendTransaction(child);
  [feeBlock] = await t.result<string[]>('generatetoaddress', 1, address);
  pooled = spend([ownedOutput(await coinbaseOf(hashes[1]!), 0, 1)], [payTo(4, 50n * COIN - 5_000n)]);
  await t.node.sendTransaction(pooled);
}, 120_000);

afterAll(async () => {
  await t?.stop();
});

describe('chain state', () => {
  it('getblockchaininfo', async () => {
    const info = await t.result<Obj>('getblockchaininfo');
    expect(info).toMatchObject({
      chain: 'regtest', blocks: 102, headers: 102, bestblockhash: feeBlock, bits: '207fffff', difficulty: 1,
      verificationprogress: 1, pruned: false, warnings: '',
    });
    expect(info.chainwork).toMatch(HEX64);
    expect(info.target).toMatch(HEX64);
    expect(typeof info.time).toBe('number');
    expect(info.mediantime as number).toBeLessThanOrEqual(info.time as number);
    expect(typeof info.initialblockdownload).toBe('boolean');
    expect(info.size_on_disk as number).toBeGreaterThan(0);
  });

  it('getblockcount, getbestblockhash, getblockhash, getdifficulty', async () => {
    expect(await t.result('getblockcount')).toBe(102);
    expect(await t.result('getbestblockhash')).toBe(feeBlock);
    expect(await t.result('getblockhash', 0)).toBe(regtest.genesisHash);
    expect(await t.result('getblockhash', 1)).toBe(hashes[0]);
    expect(await t.result('getblockhash', 102)).toBe(feeBlock);
    expect(await t.result('getdifficulty')).toBe(1);
  });

  it('getchaintips lists only the active tip on a chain without forks', async () => {
    expect(await t.result('getchaintips')).toEqual([{ height: 102, hash: feeBlock, branchlen: 0, status: 'active' }]);
  });
});

describe('blocks and headers', () => {
  it('getblock verbosity 0, 1 and 2 describe the same block', async () => {
    const hex = await t.result<string>('getblock', feeBlock, 0);
    const block = Block.fromHex(hex);
    expect(block.hash).toBe(feeBlock);

    const v1 = await t.result<Obj>('getblock', feeBlock);
    expect(v1).toMatchObject({
      hash: feeBlock, confirmations: 1, height: 102, version: 1, versionHex: '00000001', nTx: 3, bits: '207fffff', difficulty: 1,
      previousblockhash: hashes[100], size: block.size, strippedsize: block.strippedSize, weight: block.weight,
      merkleroot: block.header.merkleRoot, time: block.header.time, nonce: block.header.nonce,
    });
    expect(v1).not.toHaveProperty('nextblockhash');
    expect(v1.chainwork).toMatch(HEX64);
    expect(v1.tx).toEqual(block.transactions.map((tx) => tx.txid));
    expect(await t.result('getblock', feeBlock, true)).toEqual(v1);
    expect(await t.result('getblock', feeBlock, false)).toBe(hex);

    const v2 = await t.result<Obj>('getblock', feeBlock, 2);
    const { tx: txs, ...header } = v2;
    const { tx: _ids, ...header1 } = v1;
    expect(header).toEqual(header1);
    const decoded = txs as Obj[];
    expect(decoded.map((tx) => tx.txid)).toEqual(v1.tx);
    expect(decoded[0]).not.toHaveProperty('fee');
    // The child's input comes from the same block: its fee is still known.
    expect(decoded.slice(1).map((tx) => tx.fee)).toEqual([0.0001, 0.0002]);
    expect(decoded[1]).toMatchObject({ txid: parent.txid, hash: parent.wtxid, hex: parent.toHex(), vsize: parent.vsize, weight: parent.weight });
    expect((decoded[1]!.vout as Obj[])[0]).toMatchObject({ value: 20, n: 0, scriptPubKey: { type: 'witness_v1_taproot' } });
  });

  it('getblock links neighbours and counts confirmations', async () => {
    const genesis = await t.result<Obj>('getblock', regtest.genesisHash);
    expect(genesis).toMatchObject({ height: 0, confirmations: 103, nextblockhash: hashes[0], nTx: 1 });
    expect(genesis).not.toHaveProperty('previousblockhash');
    const mid = await t.result<Obj>('getblock', hashes[49], 1);
    expect(mid).toMatchObject({ height: 50, confirmations: 53, previousblockhash: hashes[48], nextblockhash: hashes[50] });
  });

  it('getblockheader as an object and as 80 bytes of hex', async () => {
    const header = await t.result<Obj>('getblockheader', feeBlock);
    const { tx: _tx, size: _s, strippedsize: _ss, weight: _w, ...fromBlock } = await t.result<Obj>('getblock', feeBlock);
    expect(header).toEqual(fromBlock);
    const hex = await t.result<string>('getblockheader', feeBlock, false);
    expect(hex).toHaveLength(160);
    expect((await t.result<string>('getblock', feeBlock, 0)).startsWith(hex)).toBe(true);
  });
});

describe('UTXO queries', () => {
  it('gettxout of confirmed outputs', async () => {
    const out = await t.result<Obj>('gettxout', parent.txid, 0);
    expect(out).toEqual({
      bestblock: feeBlock, confirmations: 1, value: 20, coinbase: false,
      scriptPubKey: {
        asm: expect.stringMatching(/^1 [0-9a-f]{64}$/), desc: expect.stringMatching(/^rawtr\([0-9a-f]{64}\)#[a-z0-9]{8}$/),
        hex: expect.stringMatching(/^5120[0-9a-f]{64}$/), address: encodeAddress(regtest.addressPrefix, outputKeyFromSecret(testKey(2))), type: 'witness_v1_taproot',
      },
    });
    const cb = await t.result<Obj>('gettxout', (await coinbaseOf(hashes[50]!)).txid, 0);
    expect(cb).toMatchObject({ confirmations: 52, value: 50, coinbase: true, scriptPubKey: { address } });
  });

  it('gettxout answers null for spent and unknown outputs', async () => {
    expect(await t.result('gettxout', parent.txid, 1)).toBeNull(); // spent by the child in the same block
    expect(await t.result('gettxout', (await coinbaseOf(hashes[0]!)).txid, 0)).toBeNull();
    expect(await t.result('gettxout', parent.txid, 7)).toBeNull();
    expect(await t.result('gettxout', UNKNOWN, 0)).toBeNull();
  });

  it('gettxout sees the mempool unless told not to', async () => {
    const cb2 = (await coinbaseOf(hashes[1]!)).txid;
    expect(await t.result('gettxout', cb2, 0)).toBeNull();
    expect(await t.result('gettxout', cb2, 0, true)).toBeNull();
    expect(await t.result<Obj>('gettxout', cb2, 0, false)).toMatchObject({ confirmations: 101, coinbase: true });
    expect(await t.result<Obj>('gettxout', pooled.txid, 0)).toMatchObject({ bestblock: feeBlock, confirmations: 0, value: 49.99995, coinbase: false });
    expect(await t.result('gettxout', pooled.txid, 0, false)).toBeNull();
  });

  it('gettxoutsetinfo', async () => {
    const info = await t.result<Obj>('gettxoutsetinfo');
    // 102 coinbases, less block 1's (spent), plus the parent's output 0 and the child's output.
    // Transactions with unspent outputs: 101 coinbases, the parent and the child.
    expect(info).toEqual({
      height: 102, bestblock: feeBlock, txouts: 103, bogosize: 103 * 84, hash_serialized_3: expect.stringMatching(HEX64), total_amount: 5100,
      transactions: 103, disk_size: expect.any(Number),
    });
    expect(info.disk_size).toBeGreaterThan(0);
    const none = await t.result<Obj>('gettxoutsetinfo', 'none');
    expect(none).not.toHaveProperty('hash_serialized_3');
    expect(none.txouts).toBe(103);
    expect(await t.result('gettxoutsetinfo', 'hash_serialized_3', 102)).toEqual({ ...info, disk_size: expect.any(Number) });
    expect(await t.result('gettxoutsetinfo', 'hash_serialized_3', feeBlock)).toEqual({ ...info, disk_size: expect.any(Number) });
  });
});

describe('statistics', () => {
  it('getblockstats of a block with fees', async () => {
    const stats = await t.result<Obj>('getblockstats', 102);
    const coinbaseOuts = (await coinbaseOf(feeBlock)).outputs.length;
    expect(stats).toMatchObject({
      blockhash: feeBlock, height: 102, txs: 3, ins: 2, outs: coinbaseOuts + 3,
      totalfee: 30_000, minfee: 10_000, maxfee: 20_000, avgfee: 15_000, medianfee: 15_000,
      subsidy: 50 * 1e8, total_out: Number(20n * COIN + 30n * COIN - 10_000n + 30n * COIN - 30_000n),
      utxo_increase: coinbaseOuts + 1, swtxs: 2, time: (await t.result<Obj>('getblockheader', feeBlock)).time,
    });
    expect(stats.total_size).toBe(parent.totalSize + child.totalSize);
    expect(stats.total_weight).toBe(parent.weight + child.weight);
    expect(stats.feerate_percentiles).toHaveLength(5);
    for (const name of ['avgfeerate', 'avgtxsize', 'maxfeerate', 'minfeerate', 'mediantxsize', 'maxtxsize', 'mintxsize', 'mediantime', 'utxo_size_inc', 'utxo_increase_actual', 'utxo_size_inc_actual', 'swtotal_size', 'swtotal_weight']) {
      expect(typeof stats[name], name).toBe('number');
    }
    expect(await t.result('getblockstats', feeBlock)).toEqual(stats);
    expect(await t.result('getblockstats', 102, ['totalfee', 'txs'])).toEqual({ totalfee: 30_000, txs: 3 });
  });

  it('getblockstats of blocks without spends', async () => {
    expect(await t.result<Obj>('getblockstats', 0)).toMatchObject({ txs: 1, ins: 0, totalfee: 0, utxo_increase: 1, utxo_increase_actual: 0 });
    expect(await t.result<Obj>('getblockstats', 5)).toMatchObject({ txs: 1, ins: 0, avgfee: 0, minfee: 0, mintxsize: 0, utxo_increase_actual: 1 });
  });

  it('getchaintxstats', async () => {
    // 103 blocks with one coinbase each, and two spends in block 102.
    const all = await t.result<Obj>('getchaintxstats');
    expect(all).toMatchObject({ txcount: 105, window_final_block_hash: feeBlock, window_final_block_height: 102, window_block_count: 101, window_tx_count: 103 });
    expect(typeof all.window_interval).toBe('number');
    const short = await t.result<Obj>('getchaintxstats', 10, hashes[49]);
    expect(short).toMatchObject({ txcount: 51, window_final_block_height: 50, window_block_count: 10, window_tx_count: 10 });
    const empty = await t.result<Obj>('getchaintxstats', 0);
    expect(empty).toMatchObject({ window_block_count: 0 });
    expect(empty).not.toHaveProperty('window_interval');
    expect(empty).not.toHaveProperty('window_tx_count');
  });
});

describe('parameter errors', () => {
  it('getblockhash', async () => {
    expect(await rpcError('getblockhash', -1)).toBe(-8);
    expect(await rpcError('getblockhash', 103)).toBe(-8);
    expect(await rpcError('getblockhash', 'one')).toBe(-3);
    expect(await rpcError('getblockhash', 1.5)).toBe(-3);
    expect(await rpcError('getblockhash')).toBeDefined();
  });

  it('getblock and getblockheader', async () => {
    for (const method of ['getblock', 'getblockheader']) {
      expect(await rpcError(method, UNKNOWN)).toBe(-5);
      expect(await rpcError(method, 'zz')).toBe(-8);
      expect(await rpcError(method, feeBlock.slice(2))).toBe(-8);
      expect(await rpcError(method, 12)).toBe(-3);
    }
    expect(await rpcError('getblock', feeBlock, 4)).toBe(-8);
    expect(await rpcError('getblock', feeBlock, -1)).toBe(-8);
    expect(await rpcError('getblock', feeBlock, 'two')).toBe(-3);
    expect(await rpcError('getblockheader', feeBlock, 'yes')).toBe(-3);
  });

  it('gettxout', async () => {
    expect(await rpcError('gettxout', 'zz', 0)).toBe(-8);
    expect(await rpcError('gettxout', parent.txid, -1)).toBe(-8);
    expect(await rpcError('gettxout', parent.txid, '0')).toBe(-3);
    expect(await rpcError('gettxout', parent.txid, 0, 1)).toBe(-3);
  });

  it('gettxoutsetinfo', async () => {
    expect(await rpcError('gettxoutsetinfo', 'muhash')).toBe(-8);
    expect(await rpcError('gettxoutsetinfo', 3)).toBe(-3);
    expect(await rpcError('gettxoutsetinfo', 'hash_serialized_3', 50)).toBe(-8);
    expect(await rpcError('gettxoutsetinfo', 'hash_serialized_3', UNKNOWN)).toBe(-5);
  });

  it('getblockstats', async () => {
    expect(await rpcError('getblockstats', 103)).toBe(-8);
    expect(await rpcError('getblockstats', -1)).toBe(-8);
    expect(await rpcError('getblockstats', 'zz')).toBe(-8);
    expect(await rpcError('getblockstats', UNKNOWN)).toBe(-5);
    expect(await rpcError('getblockstats', true)).toBe(-3);
    expect(await rpcError('getblockstats', 1, 'txs')).toBe(-3);
    expect(await rpcError('getblockstats', 1, [1])).toBe(-3);
    expect(await rpcError('getblockstats', 1, ['nonsense'])).toBe(-8);
  });

  it('getchaintxstats', async () => {
    expect(await rpcError('getchaintxstats', -1)).toBe(-8);
    expect(await rpcError('getchaintxstats', 102)).toBe(-8);
    expect(await rpcError('getchaintxstats', 'ten')).toBe(-3);
    expect(await rpcError('getchaintxstats', 1, 'zz')).toBe(-8);
    expect(await rpcError('getchaintxstats', 1, UNKNOWN)).toBe(-5);
  });

  it('methods without parameters refuse extra ones', async () => {
    for (const method of ['getblockchaininfo', 'getblockcount', 'getbestblockhash', 'getchaintips', 'getdifficulty']) {
      expect(await rpcError(method, 1), method).toBeDefined();
    }
  });
});
