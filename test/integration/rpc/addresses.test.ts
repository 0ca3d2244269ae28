/**
 * Address-index methods over real HTTP against a regtest node: coinbases
 * paying one address, then a spend to a second address sent with
 * sendrawtransaction, seen unconfirmed (getaddresstxids with the mempool)
 * and confirmed (utxos, balances, history, scantxoutset).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COIN } from '../../../src/consensus/constants.js';
import { encodeAddress } from '../../../src/primitives/address.js';
import { toHex } from '../../../src/primitives/bytes.js';
import { outputKeyFromSecret, scriptFromSecret, signTaprootInputs } from '../../../src/primitives/sign.js';
import { Transaction } from '../../../src/primitives/tx.js';
import { RPC } from '../../../src/rpc/errors.js';
import { withChecksum } from '../../../src/rpc/methods/addresses.js';
import { testKey } from '../../helpers/chain.js';
import { startRpcNode, type RpcTestNode } from '../../helpers/rpc.js';
import { tempDir } from '../../helpers/tmp.js';

const MINER_KEY = testKey(1);
const MINER_SCRIPT = scriptFromSecret(MINER_KEY);
const MINER = encodeAddress('tlr', outputKeyFromSecret(MINER_KEY));
const RECIPIENT_SCRIPT = scriptFromSecret(testKey(2));
const RECIPIENT = encodeAddress('tlr', outputKeyFromSecret(testKey(2)));
/** Where the confirming block's reward goes, so the miner's history stays predictable. */
const OTHER_SCRIPT = scriptFromSecret(testKey(3));
const UNUSED = encodeAddress('tlr', outputKeyFromSecret(testKey(9)));
const TESTNET = encodeAddress('tlt', outputKeyFromSecret(MINER_KEY));
const BLOCKS = 101;

interface Utxo { address: string; txid: string; outputIndex: number; script: string; satoshis: number; height: number; coinbase: boolean; confirmations: number }
interface Unspent { txid: string; vout: number; scriptPubKey: string; desc: string; amount: number; coinbase: boolean; height: number; blockhash: string; confirmations: number }
interface Scan { success: boolean; txouts: number; height: number; bestblock: string; unspents: Unspent[]; total_amount: number }

let rpc: RpcTestNode;
/** Coinbases of blocks 1..BLOCKS, by height - 1. */
const coinbases: Transaction[] = [];
let reward: bigint;

async function expectCode(method: string, params: unknown[], code: number): Promise<void> {
  const { body } = await rpc.call(method, params);
  expect(body.error, `${method} ${JSON.stringify(params)} should fail`).toBeTruthy();
  expect(body.error!.code, body.error!.message).toBe(code);
}

beforeAll(async () => {
  rpc = await startRpcNode(tempDir('rpc-addresses'));
  for (const hash of await rpc.node.generate(BLOCKS, MINER_SCRIPT)) coinbases.push((await rpc.node.chain.getBlock(hash))!.transactions[0]!);
  reward = coinbases[0]!.outputs[0]!.value;
}, 120_000);

afterAll(async () => {
  await rpc?.stop();
});

describe('address index before a spend', () => {
  it('getaddressutxos lists every coinbase paying the miner, oldest first', async () => {
    const utxos = await rpc.result<Utxo[]>('getaddressutxos', { addresses: [MINER] });
    expect(utxos).toHaveLength(BLOCKS);
    expect(utxos.map((u) => u.height)).toEqual(coinbases.map((_, i) => i + 1));
    expect(utxos[0]).toEqual({
      address: MINER, txid: coinbases[0]!.txid, outputIndex: 0, script: toHex(MINER_SCRIPT), satoshis: Number(reward), height: 1, coinbase: true, confirmations: BLOCKS,
    });
    expect(utxos.at(-1)).toMatchObject({ height: BLOCKS, coinbase: true, confirmations: 1 });
    // A plain string and an array work too; an address nothing paid has nothing.
    expect(await rpc.result('getaddressutxos', MINER)).toEqual(utxos);
    expect(await rpc.result('getaddressutxos', [UNUSED])).toEqual([]);
    const withInfo = await rpc.result<{ utxos: Utxo[]; hash: string; height: number }>('getaddressutxos', { addresses: [MINER], chainInfo: true });
    expect(withInfo).toEqual({ utxos, hash: rpc.node.chain.tip.hashHex, height: BLOCKS });
  });

  it('getaddressbalance and getaddresstxids agree with the chain', async () => {
    const total = Number(reward) * BLOCKS;
    // 101 coinbases on a tip at 101: those of heights 1 and 2 have the 100 confirmations that make them spendable.
    const mature = Number(reward) * 2;
    expect(await rpc.result('getaddressbalance', { addresses: [MINER] })).toEqual({ balance: total, received: total, immature: total - mature, spendable: mature });
    expect(await rpc.result('getaddressbalance', UNUSED)).toEqual({ balance: 0, received: 0, immature: 0, spendable: 0 });
    expect(await rpc.result('getaddresstxids', { addresses: [MINER] })).toEqual(coinbases.map((t) => t.txid));
    expect(await rpc.result('getaddresstxids', { addresses: [MINER], start: 2, end: 3 })).toEqual([coinbases[1]!.txid, coinbases[2]!.txid]);
  });

  it('scantxoutset finds the same coins in Core\'s shape', async () => {
    const desc = withChecksum(`addr(${MINER})`);
    const scan = await rpc.result<Scan>('scantxoutset', 'start', [`addr(${MINER})`]);
    expect(scan).toMatchObject({ success: true, txouts: BLOCKS, height: BLOCKS, bestblock: rpc.node.chain.tip.hashHex, total_amount: (Number(reward) * BLOCKS) / 1e8 });
    expect(scan.unspents).toHaveLength(BLOCKS);
    const first = scan.unspents.find((u) => u.height === 1)!;
    expect(first).toEqual({
      txid: coinbases[0]!.txid, vout: 0, scriptPubKey: toHex(MINER_SCRIPT), desc, amount: Number(reward) / 1e8, coinbase: true,
      height: 1, blockhash: rpc.node.chain.getEntryAtHeight(1)!.hashHex, confirmations: BLOCKS,
    });
    // With its checksum, as a plain address, as { desc }, and as rawtr() of the output key: the same coins.
    for (const obj of [desc, MINER, { desc }, `rawtr(${toHex(outputKeyFromSecret(MINER_KEY))})`]) {
      const again = await rpc.result<Scan>('scantxoutset', 'start', [obj]);
      expect(again.unspents.map((u) => u.txid), JSON.stringify(obj)).toEqual(scan.unspents.map((u) => u.txid));
    }
    // Two objects naming one script count it once.
    expect((await rpc.result<Scan>('scantxoutset', 'start', [MINER, desc])).unspents).toHaveLength(BLOCKS);
    expect(await rpc.result('scantxoutset', 'status')).toBeNull();
    expect(await rpc.result('scantxoutset', 'abort')).toBe(false);
  });
});

describe('address index across a spend', () => {
  let spend: Transaction;
  const sent = 10n * COIN;
  const fee = 5_000n;

  it('sees an unconfirmed spend only when asked for the mempool', async () => {
    const coin = coinbases[0]!;
    const unsigned = new Transaction({
      version: 2,
      inputs: [{ prevout: { txid: coin.txidBytes, vout: 0 }, scriptSig: new Uint8Array(0), sequence: 0xfffffffd, witness: [] }],
      outputs: [{ value: sent, scriptPubKey: RECIPIENT_SCRIPT }, { value: reward - sent - fee, scriptPubKey: MINER_SCRIPT }],
      locktime: 0,
    });
    spend = signTaprootInputs(unsigned, [coin.outputs[0]!], [MINER_KEY]);
    expect(await rpc.result('sendrawtransaction', spend.toHex())).toBe(spend.txid);

    expect(await rpc.result('getaddresstxids', RECIPIENT)).toEqual([]);
    expect(await rpc.result('getaddresstxids', RECIPIENT, true)).toEqual([spend.txid]);
    const minerTxids = await rpc.result<string[]>('getaddresstxids', [MINER], true);
    expect(minerTxids).toEqual([...coinbases.map((t) => t.txid), spend.txid]);
    // The confirmed index does not change until a block does.
    expect(await rpc.result('getaddressutxos', RECIPIENT)).toEqual([]);
    expect(await rpc.result<Utxo[]>('getaddressutxos', MINER)).toHaveLength(BLOCKS);
  });

  it('moves coins once the spend confirms', async () => {
    await rpc.node.generate(1, OTHER_SCRIPT);
    const height = BLOCKS + 1;
    expect(await rpc.result('getaddressutxos', RECIPIENT)).toEqual([
      { address: RECIPIENT, txid: spend.txid, outputIndex: 0, script: toHex(RECIPIENT_SCRIPT), satoshis: Number(sent), height, coinbase: false, confirmations: 1 },
    ]);
    const minerUtxos = await rpc.result<Utxo[]>('getaddressutxos', MINER);
    expect(minerUtxos).toHaveLength(BLOCKS);
    expect(minerUtxos.some((u) => u.txid === coinbases[0]!.txid)).toBe(false);
    expect(minerUtxos.at(-1)).toMatchObject({ txid: spend.txid, outputIndex: 1, height });

    expect(await rpc.result('getaddressbalance', RECIPIENT)).toEqual({ balance: Number(sent), received: Number(sent), immature: 0, spendable: Number(sent) });
    const minerTotal = Number(reward) * BLOCKS;
    const change = Number(reward - sent - fee);
    // On a tip at 102 the coinbases of heights 2 and 3 are mature (1 was spent); 4..101 are not; the change is no coinbase.
    const immature = Number(reward) * (BLOCKS - 3);
    const minerBalance = minerTotal - Number(reward) + change;
    expect(await rpc.result('getaddressbalance', MINER)).toEqual({ balance: minerBalance, received: minerTotal + change, immature, spendable: minerBalance - immature });
    // Several addresses add up, each counted once.
    expect(await rpc.result('getaddressbalance', { addresses: [MINER, RECIPIENT, MINER] })).toEqual({
      balance: minerBalance + Number(sent), received: minerTotal + change + Number(sent), immature, spendable: minerBalance - immature + Number(sent),
    });

    expect(await rpc.result('getaddresstxids', RECIPIENT)).toEqual([spend.txid]);
    expect(await rpc.result('getaddresstxids', RECIPIENT, true)).toEqual([spend.txid]);
    expect(await rpc.result('getaddresstxids', { addresses: [MINER, RECIPIENT] })).toEqual([...coinbases.map((t) => t.txid), spend.txid]);

    const scan = await rpc.result<Scan>('scantxoutset', 'start', [`addr(${RECIPIENT})`]);
    expect(scan).toMatchObject({ success: true, height, total_amount: 10, unspents: [{ txid: spend.txid, vout: 0, coinbase: false, height, confirmations: 1, amount: 10 }] });
  });
});

describe('address index errors', () => {
  it.each([
    ['getaddressutxos', ['nonsense'], RPC.INVALID_ADDRESS_OR_KEY],
    ['getaddressutxos', [TESTNET], RPC.INVALID_ADDRESS_OR_KEY],
    ['getaddressutxos', [{ addresses: [MINER, TESTNET] }], RPC.INVALID_ADDRESS_OR_KEY],
    ['getaddressutxos', [12], RPC.TYPE_ERROR],
    ['getaddressutxos', [{ addresses: MINER }], RPC.TYPE_ERROR],
    ['getaddressutxos', [[MINER, 5]], RPC.TYPE_ERROR],
    ['getaddressutxos', [{ addresses: [MINER], chainInfo: 'yes' }], RPC.TYPE_ERROR],
    ['getaddressutxos', [[]], RPC.INVALID_PARAMETER],
    ['getaddressutxos', [], RPC.INVALID_PARAMS],
    ['getaddressbalance', [TESTNET], RPC.INVALID_ADDRESS_OR_KEY],
    ['getaddressbalance', [true], RPC.TYPE_ERROR],
    ['getaddresstxids', ['tlr1qqqqqq'], RPC.INVALID_ADDRESS_OR_KEY],
    ['getaddresstxids', [MINER, 'yes'], RPC.TYPE_ERROR],
    ['getaddresstxids', [{ addresses: [MINER], start: 5 }], RPC.TYPE_ERROR],
    ['getaddresstxids', [{ addresses: [MINER], start: 5, end: 2 }], RPC.INVALID_PARAMETER],
    ['getaddresstxids', [{ addresses: [MINER], start: 0, end: 2 }], RPC.INVALID_PARAMETER],
    ['scantxoutset', ['begin', [MINER]], RPC.INVALID_PARAMETER],
    ['scantxoutset', ['start'], RPC.MISC_ERROR],
    ['scantxoutset', ['start', MINER], RPC.TYPE_ERROR],
    ['scantxoutset', [1, [MINER]], RPC.TYPE_ERROR],
    ['scantxoutset', ['start', [`addr(${TESTNET})`]], RPC.INVALID_ADDRESS_OR_KEY],
    ['scantxoutset', ['start', [TESTNET]], RPC.INVALID_ADDRESS_OR_KEY],
    ['scantxoutset', ['start', [`addr(${MINER})#qqqqqqqq`]], RPC.INVALID_ADDRESS_OR_KEY],
    ['scantxoutset', ['start', [`pkh(${MINER})`]], RPC.INVALID_ADDRESS_OR_KEY],
    ['scantxoutset', ['start', ['rawtr(abcd)']], RPC.INVALID_ADDRESS_OR_KEY],
    ['scantxoutset', ['start', [7]], RPC.TYPE_ERROR],
  ] as [string, unknown[], number][])('%s %j fails with %i', async (method, params, code) => {
    await expectCode(method, params, code);
  });
});
