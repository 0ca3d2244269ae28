/**
 * Mempool methods over real HTTP against a regtest node: an empty pool, a
 * parent and child sent with sendrawtransaction and queried while
 * unconfirmed (entries, relatives, totals, sequence), then a block that
 * confirms them and empties the pool; and Core's codes for bad parameters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scriptFromSecret, signTaprootInputs } from '../../../src/primitives/sign.js';
import { Transaction, type TxOutput } from '../../../src/primitives/tx.js';
import { RPC } from '../../../src/rpc/errors.js';
import { payTo, testKey } from '../../helpers/chain.js';
import { startRpcNode, type RpcTestNode } from '../../helpers/rpc.js';
import { tempDir } from '../../helpers/tmp.js';

const MINER_KEY = testKey(1);
const MINER_SCRIPT = scriptFromSecret(MINER_KEY);
const UNKNOWN_TXID = 'cd'.repeat(32);

interface Entry {
  vsize: number; weight: number; time: number; height: number;
  descendantcount: number; descendantsize: number; ancestorcount: number; ancestorsize: number; wtxid: string;
  fees: { base: number; modified: number; ancestor: number; descendant: number };
  depends: string[]; spentby: string[]; 'bip125-replaceable': boolean; unbroadcast: boolean;
}

let rpc: RpcTestNode;
let coinbase: Transaction;

/** Signs a version 2 transaction spending `spent` (outpoints with their outputs and keys). */
function sign(spent: { tx: Transaction; vout: number; key: Uint8Array }[], outputs: TxOutput[]): Transaction {
  const unsigned = new Transaction({
    version: 2,
    inputs: spent.map((s) => ({ prevout: { txid: s.tx.txidBytes, vout: s.vout }, scriptSig: new Uint8Array(0), sequence: 0xfffffffd, witness: [] })),
    outputs,
    locktime: 0,
  });
  return signTaprootInputs(unsigned, spent.map((s) => s.tx.outputs[s.vout]!), spent.map((s) => s.key));
}

async function expectCode(method: string, params: unknown[], code: number, message?: string): Promise<void> {
  const { body } = await rpc.call(method, params);
  expect(body.error, `${method} ${JSON.stringify(params)} should fail`).toBeTruthy();
  expect(body.error!.code, body.error!.message).toBe(code);
  if (message !== undefined) expect(body.error!.message).toBe(message);
}

beforeAll(async () => {
  rpc = await startRpcNode(tempDir('rpc-mempool'));
  const [first] = await rpc.node.generate(101, MINER_SCRIPT);
  coinbase = (await rpc.node.chain.getBlock(first!))!.transactions[0]!;
}, 120_000);

afterAll(async () => {
  await rpc?.stop();
});

describe('mempool methods', () => {
  let parent: Transaction;
  let child: Transaction;

  it('describe an empty pool, fee rates in coins/kvB', async () => {
    expect(await rpc.result('getmempoolinfo')).toEqual({
      loaded: true, size: 0, bytes: 0, usage: 0, total_fee: 0, maxmempool: 300_000_000,
      mempoolminfee: 0.00001, minrelaytxfee: 0.00001, incrementalrelayfee: 0.00001, unbroadcastcount: 0, fullrbf: true,
    });
    expect(await rpc.result('getrawmempool')).toEqual([]);
    expect(await rpc.result('getrawmempool', true)).toEqual({});
    expect(await rpc.result('getrawmempool', false, true)).toEqual({ txids: [], mempool_sequence: expect.any(Number) });
  });

  it('show a parent and child sent over RPC, with their package statistics', async () => {
    const total = coinbase.outputs[0]!.value;
    parent = sign([{ tx: coinbase, vout: 0, key: MINER_KEY }], [payTo(2, total / 2n), payTo(3, total / 2n - 3_000n)]);
    child = sign([{ tx: parent, vout: 0, key: testKey(2) }], [payTo(4, total / 2n - 7_000n)]);
    const before = (await rpc.result<{ mempool_sequence: number }>('getrawmempool', false, true)).mempool_sequence;
    expect(await rpc.result('sendrawtransaction', parent.toHex())).toBe(parent.txid);
    expect(await rpc.result('sendrawtransaction', child.toHex())).toBe(child.txid);
    const height = rpc.node.chain.height;

    expect(await rpc.result('getrawmempool')).toEqual([parent.txid, child.txid]);
    expect(await rpc.result('getrawmempool', false, true)).toEqual({ txids: [parent.txid, child.txid], mempool_sequence: before + 2 });
    const info = await rpc.result<Record<string, number>>('getmempoolinfo');
    expect(info).toMatchObject({ size: 2, bytes: parent.vsize + child.vsize, total_fee: 0.0001 });
    expect(info.usage).toBeGreaterThan(info.bytes!);

    const childEntry = await rpc.result<Entry>('getmempoolentry', child.txid);
    expect(childEntry).toEqual({
      vsize: child.vsize, weight: child.weight, time: expect.any(Number), height,
      descendantcount: 1, descendantsize: child.vsize, ancestorcount: 2, ancestorsize: parent.vsize + child.vsize,
      wtxid: child.wtxid,
      fees: { base: 0.00007, modified: 0.00007, ancestor: 0.0001, descendant: 0.00007 },
      depends: [parent.txid], spentby: [], 'bip125-replaceable': true, unbroadcast: false,
    });
    expect(Math.abs(childEntry.time - rpc.node.clock())).toBeLessThan(120);
    const parentEntry = await rpc.result<Entry>('getmempoolentry', parent.txid);
    expect(parentEntry).toMatchObject({
      descendantcount: 2, descendantsize: parent.vsize + child.vsize, ancestorcount: 1,
      fees: { base: 0.00003, ancestor: 0.00003, descendant: 0.0001 }, depends: [], spentby: [child.txid],
    });

    const verbose = await rpc.result<Record<string, Entry>>('getrawmempool', true);
    expect(Object.keys(verbose).sort()).toEqual([parent.txid, child.txid].sort());
    expect(verbose[child.txid]).toEqual(childEntry);
  });

  it('list relatives, plain or verbose', async () => {
    expect(await rpc.result('getmempoolancestors', child.txid)).toEqual([parent.txid]);
    expect(await rpc.result('getmempoolancestors', parent.txid)).toEqual([]);
    expect(await rpc.result('getmempooldescendants', parent.txid)).toEqual([child.txid]);
    expect(await rpc.result('getmempooldescendants', child.txid, false)).toEqual([]);
    const ancestors = await rpc.result<Record<string, Entry>>('getmempoolancestors', child.txid, true);
    expect(Object.keys(ancestors)).toEqual([parent.txid]);
    expect(ancestors[parent.txid]).toMatchObject({ wtxid: parent.wtxid, spentby: [child.txid] });
    const descendants = await rpc.result<Record<string, Entry>>('getmempooldescendants', parent.txid, true);
    expect(descendants[child.txid]).toMatchObject({ wtxid: child.wtxid, depends: [parent.txid] });
    // Named parameters work too.
    const { body } = await rpc.call('getmempoolancestors', { txid: child.txid, verbose: false });
    expect(body.result).toEqual([parent.txid]);
  });

  it('forget what a block confirms', async () => {
    const before = (await rpc.result<{ mempool_sequence: number }>('getrawmempool', false, true)).mempool_sequence;
    await rpc.node.generate(1, MINER_SCRIPT);
    expect(await rpc.result('getrawmempool')).toEqual([]);
    expect(await rpc.result('getrawmempool', false, true)).toEqual({ txids: [], mempool_sequence: before + 2 });
    expect(await rpc.result('getmempoolinfo')).toMatchObject({ size: 0, bytes: 0, usage: 0, total_fee: 0 });
    await expectCode('getmempoolentry', [parent.txid], RPC.INVALID_ADDRESS_OR_KEY, 'Transaction not in mempool');
    await expectCode('getmempoolancestors', [child.txid], RPC.INVALID_ADDRESS_OR_KEY, 'Transaction not in mempool');
    await expectCode('getmempooldescendants', [parent.txid], RPC.INVALID_ADDRESS_OR_KEY, 'Transaction not in mempool');
  });
});

describe('mempool method errors', () => {
  it('refuse bad parameters with Core\'s codes', async () => {
    await expectCode('getmempoolentry', [UNKNOWN_TXID], RPC.INVALID_ADDRESS_OR_KEY, 'Transaction not in mempool');
    await expectCode('getmempoolentry', ['12'], RPC.INVALID_PARAMETER);
    await expectCode('getmempoolentry', [12], RPC.TYPE_ERROR);
    await expectCode('getmempoolentry', [], RPC.INVALID_PARAMS);
    await expectCode('getmempoolancestors', [UNKNOWN_TXID, 'yes'], RPC.TYPE_ERROR);
    await expectCode('getmempooldescendants', ['xx'], RPC.INVALID_PARAMETER);
    await expectCode('getmempooldescendants', [UNKNOWN_TXID], RPC.INVALID_ADDRESS_OR_KEY);
    await expectCode('getrawmempool', [1], RPC.TYPE_ERROR);
    await expectCode('getrawmempool', [false, 'x'], RPC.TYPE_ERROR);
    await expectCode('getrawmempool', [true, true], RPC.INVALID_PARAMETER);
    await expectCode('getrawmempool', [false, false, 1], RPC.INVALID_PARAMS);
    await expectCode('getmempoolinfo', [1], RPC.INVALID_PARAMS);
  });
});
