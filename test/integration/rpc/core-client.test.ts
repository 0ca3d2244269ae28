/**
 * Compatibility with an existing Bitcoin Core client: the `bitcoin-core` npm
 * package, unchanged, talks to Tally's RPC server with the cookie credentials.
 * It mines, reads the chain, fetches a confirmed transaction, submits a
 * transaction built and signed by another independent library
 * (`@scure/btc-signer`), sends a batch, and sees Core's error codes.
 *
 * btc-signer's `TransactionInput.txid` and `Transaction.id` are in display
 * (reversed) byte order, the order RPC uses.
 */
import Client from 'bitcoin-core';
import { hex } from '@scure/base';
import { p2tr, Transaction as BtcTransaction } from '@scure/btc-signer';
import { pubSchnorr, type BTC_NETWORK } from '@scure/btc-signer/utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { regtest } from '../../../src/consensus/params.js';
import { RPC } from '../../../src/rpc/errors.js';
import { startRpcNode, type RpcTestNode } from '../../helpers/rpc.js';
import { tempDir } from '../../helpers/tmp.js';

/** Only `bech32` matters for taproot; the base58 fields are never used. */
const NETWORK: BTC_NETWORK = { bech32: regtest.addressPrefix, pubKeyHash: 0x6f, scriptHash: 0xc4, wif: 0xef };
const MINER_KEY = new Uint8Array(32).fill(0x11);
const RECIPIENT_KEY = new Uint8Array(32).fill(0x22);
const MINER = p2tr(pubSchnorr(MINER_KEY), undefined, NETWORK);
const RECIPIENT = p2tr(pubSchnorr(RECIPIENT_KEY), undefined, NETWORK);

interface Vout { value: number; n: number; scriptPubKey: { hex: string; address?: string } }
interface RawTx { txid: string; hex: string; vin: unknown[]; vout: Vout[]; blockhash?: string; confirmations?: number }
interface BlockV1 { hash: string; height: number; confirmations: number; tx: string[]; nTx: number; previousblockhash?: string }
interface BlockV2 extends Omit<BlockV1, 'tx'> { tx: RawTx[] }
interface ChainInfo { chain: string; blocks: number; headers: number; bestblockhash: string }

/** The client's camelCase wrappers exist at run time, though its typings declare only `command`. */
interface CoreMethods {
  getBlockchainInfo(): Promise<ChainInfo>;
  getBlockCount(): Promise<number>;
  getBlock(hash: string, verbosity?: number): Promise<unknown>;
  getRawTransaction(txid: string, verbose?: boolean): Promise<RawTx>;
  sendRawTransaction(hex: string): Promise<string>;
  generateToAddress(nblocks: number, address: string): Promise<string[]>;
}

type CoreError = Error & { code: number };

async function rejection(promise: Promise<unknown>): Promise<CoreError> {
  try {
    await promise;
  } catch (err) {
    return err as CoreError;
  }
  throw new Error('expected the call to fail');
}

describe('the bitcoin-core npm client against Tally', () => {
  let node: RpcTestNode;
  let client: Client;
  let core: CoreMethods;
  let host: string;
  let password: string;
  let mined: string[] = [];

  beforeAll(async () => {
    node = await startRpcNode(tempDir('rpc-core-client'));
    host = node.url.replace(/\/$/, '');
    const [username, pass] = node.cookie.split(':') as [string, string];
    expect(username).toBe('__cookie__');
    password = pass;
    client = new Client({ host, username, password, timeout: 20_000 });
    core = client as unknown as CoreMethods;
  });
  afterAll(async () => {
    await node?.stop();
  });

  it('mines with generatetoaddress and reads getblockchaininfo', async () => {
    mined = await core.generateToAddress(regtest.coinbaseMaturity + 1, MINER.address!);
    expect(mined).toHaveLength(regtest.coinbaseMaturity + 1);
    const info = await core.getBlockchainInfo();
    expect(info).toMatchObject({ chain: 'regtest', blocks: mined.length, headers: mined.length, bestblockhash: mined[mined.length - 1] });
    expect(await client.command('getblockcount')).toBe(mined.length);
  });

  it('getblock at verbosity 1 and 2', async () => {
    const v1 = await client.command<BlockV1>('getblock', mined[0]);
    expect(v1).toMatchObject({ hash: mined[0], height: 1, confirmations: mined.length, nTx: 1 });
    expect(v1.tx).toHaveLength(1);
    const v2 = (await core.getBlock(mined[1]!, 2)) as BlockV2;
    expect(v2).toMatchObject({ hash: mined[1], height: 2, previousblockhash: mined[0] });
    expect(v2.tx[0]!.vout[0]!.scriptPubKey.address).toBe(MINER.address);
    expect(await client.command('getblock', mined[0], 0)).toMatch(/^([0-9a-f]{2})+$/);
  });

  it('getrawtransaction (verbose) of a confirmed transaction', async () => {
    const { tx: [coinbaseTxid] } = await client.command<BlockV1>('getblock', mined[0]);
    const tx = await core.getRawTransaction(coinbaseTxid!, true);
    expect(tx).toMatchObject({ txid: coinbaseTxid, blockhash: mined[0], confirmations: mined.length });
    expect(tx.vout[0]!.scriptPubKey.hex).toBe(hex.encode(MINER.script));
    expect(await client.command('getrawtransaction', coinbaseTxid, false)).toBe(tx.hex);
  });

  it('sendrawtransaction of a btc-signer transaction, which then confirms', async () => {
    const { tx: [coinbaseTxid] } = await client.command<BlockV1>('getblock', mined[0]);
    const coinbase = await core.getRawTransaction(coinbaseTxid!, true);
    const value = BigInt(Math.round(coinbase.vout[0]!.value * 1e8));
    const payment = 12n * 100_000_000n;
    const fee = 20_000n;
    const tx = new BtcTransaction({ version: 2 });
    tx.addInput({
      txid: coinbaseTxid!, // display order, as RPC gives it
      index: 0,
      witnessUtxo: { script: MINER.script, amount: value },
      tapInternalKey: pubSchnorr(MINER_KEY),
    });
    tx.addOutputAddress(RECIPIENT.address!, payment, NETWORK);
    tx.addOutputAddress(MINER.address!, value - payment - fee, NETWORK);
    expect(tx.sign(MINER_KEY)).toBe(1);
    tx.finalize();

    const txid = await core.sendRawTransaction(tx.hex);
    expect(txid).toBe(tx.id);
    const pending = await core.getRawTransaction(txid, true);
    expect(pending.blockhash).toBeUndefined();
    expect(pending.hex).toBe(tx.hex);

    const [blockHash] = await core.generateToAddress(1, MINER.address!);
    const block = await client.command<BlockV1>('getblock', blockHash);
    expect(block.tx).toContain(txid);
    const confirmed = await core.getRawTransaction(txid, true);
    expect(confirmed).toMatchObject({ txid, blockhash: blockHash, confirmations: 1 });
    expect(confirmed.vout[0]).toMatchObject({ value: 12, scriptPubKey: { address: RECIPIENT.address } });

    // Sending it again: already confirmed.
    expect((await rejection(core.sendRawTransaction(tx.hex))).code).toBe(RPC.VERIFY_ALREADY_IN_CHAIN);
  });

  it('a batch through client.command([...]), with a failing element returned as an error', async () => {
    const height = await core.getBlockCount();
    const replies = await client.command<unknown[]>([
      { method: 'getblockcount', parameters: [] },
      { method: 'getblockhash', parameters: [0] },
      { method: 'getbestblockhash' },
      { method: 'nosuchmethod', parameters: [] },
      { method: 'getblockhash', parameters: ['abc'] },
    ]);
    expect(replies.slice(0, 3)).toEqual([height, regtest.genesisHash, await client.command('getblockhash', height)]);
    expect((replies[3] as CoreError).code).toBe(RPC.METHOD_NOT_FOUND);
    expect((replies[4] as CoreError).code).toBe(RPC.TYPE_ERROR);
  });

  it('errors come back with Core\'s codes; named parameters work; bad credentials get 401', async () => {
    expect((await rejection(client.command('getblockhash', 'abc'))).code).toBe(RPC.TYPE_ERROR);
    expect((await rejection(client.command('getblockhash', 1_000_000))).code).toBe(RPC.INVALID_PARAMETER);
    expect((await rejection(client.command('nosuchmethod'))).code).toBe(RPC.METHOD_NOT_FOUND);
    expect((await rejection(core.sendRawTransaction('00'))).code).toBe(RPC.DESERIALIZATION_ERROR);

    // The client sends named parameters only when told the server's version.
    const named = new Client({ host, username: '__cookie__', password, version: '25.0.0' });
    expect(await named.command('getblockhash', { height: 0 })).toBe(regtest.genesisHash);

    const wrong = new Client({ host, username: '__cookie__', password: 'wrong' });
    expect((await rejection(wrong.command('getblockcount'))).code).toBe(401);
  });
});
