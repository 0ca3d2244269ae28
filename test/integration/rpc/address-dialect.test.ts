/**
 * The insight/bitcore addressindex dialect over real HTTP, on an address with
 * thousands of transactions: getaddressdeltas (shapes, start/end, chainInfo),
 * paging by `limit` and `cursor` (pages concatenate to the unpaged answer,
 * across several addresses too), getaddressutxos pages, and getaddressmempool.
 * The chain is built with TestChain (one fan-out of many outputs, then many
 * one-input spends over several blocks) and fed to the node as blocks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeAddress } from '../../../src/primitives/address.js';
import type { Transaction } from '../../../src/primitives/tx.js';
import { outputKeyFromSecret } from '../../../src/primitives/sign.js';
import { RPC } from '../../../src/rpc/errors.js';
import { ownedOutput, payTo, spend, TestChain, testKey } from '../../helpers/chain.js';
import { startRpcNode, type RpcTestNode } from '../../helpers/rpc.js';
import { tempDir } from '../../helpers/tmp.js';

const FANOUT = 2_000;
const SPEND_BLOCKS = 4;
const FEE = 1_000n;
const A = encodeAddress('tlr', outputKeyFromSecret(testKey(5)));
const B = encodeAddress('tlr', outputKeyFromSecret(testKey(6)));

interface Delta { satoshis: number; txid: string; index: number; blockindex: number; height: number; address: string }
type Paged<K extends string, T> = { next: string | null } & Record<K, T[]>;

let rpc: RpcTestNode;
let fanout: Transaction;
const spends: Transaction[] = [];
/** Height of the fan-out block; the spends fill the SPEND_BLOCKS blocks after it. */
let fanoutHeight: number;

beforeAll(async () => {
  rpc = await startRpcNode(tempDir('rpc-address-dialect'));
  const chain = new TestChain();
  const coin = chain.matureCoin(0);
  const each = (coin.output.value - FEE) / BigInt(FANOUT);
  fanout = spend([coin], Array.from({ length: FANOUT }, () => payTo(5, each)));
  chain.add(chain.buildBlock({ transactions: [fanout], fees: coin.output.value - each * BigInt(FANOUT) }));
  fanoutHeight = chain.height;
  for (let i = 0; i < FANOUT; i++) spends.push(spend([ownedOutput(fanout, i, 5)], [payTo(6, each - FEE)]));
  const perBlock = FANOUT / SPEND_BLOCKS;
  for (let b = 0; b < SPEND_BLOCKS; b++) {
    // Unchecked: the node validates these blocks; checking every signature twice only costs time.
    chain.addUnchecked(chain.buildBlock({ transactions: spends.slice(b * perBlock, (b + 1) * perBlock), fees: FEE * BigInt(perBlock) }));
  }
  for (const block of chain.blocks.slice(1)) await rpc.node.submitBlock(block);
  expect(rpc.node.chain.height).toBe(chain.height);
}, 300_000);

afterAll(async () => {
  await rpc?.stop();
});

/** Every page of a paged call, following `next` until it is null. */
async function allPages<K extends string, T>(method: string, key: K, query: Record<string, unknown>): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: Paged<K, T> = await rpc.result<Paged<K, T>>(method, { ...query, ...(cursor ? { cursor } : {}) });
    expect(page[key].length).toBeLessThanOrEqual(query.limit as number);
    items.push(...page[key]);
    cursor = page.next;
    pages++;
  } while (cursor !== null);
  return { items, pages };
}

describe('getaddressdeltas', () => {
  it('lists every output paid and input spent, in block order, in the dialect\'s shape', async () => {
    const deltas = await rpc.result<Delta[]>('getaddressdeltas', { addresses: [A] });
    expect(deltas).toHaveLength(2 * FANOUT);
    expect(deltas[0]).toEqual({ satoshis: Number(fanout.outputs[0]!.value), txid: fanout.txid, index: 0, blockindex: 1, height: fanoutHeight, address: A });
    expect(deltas[FANOUT - 1]).toMatchObject({ txid: fanout.txid, index: FANOUT - 1 });
    // Then each spend takes its coin back out: input 0, negative, at its position in its block.
    expect(deltas[FANOUT]).toEqual({ satoshis: -Number(fanout.outputs[0]!.value), txid: spends[0]!.txid, index: 0, blockindex: 1, height: fanoutHeight + 1, address: A });
    expect(deltas.at(-1)).toMatchObject({ txid: spends.at(-1)!.txid, blockindex: FANOUT / SPEND_BLOCKS, height: fanoutHeight + SPEND_BLOCKS });
    expect(deltas.reduce((sum, d) => sum + d.satoshis, 0)).toBe(0);
    expect(await rpc.result('getaddressbalance', A)).toEqual({ balance: 0, received: Number(fanout.outputs[0]!.value) * FANOUT, immature: 0, spendable: 0 });
  });

  it('takes start and end heights, and chainInfo with them', async () => {
    const h = fanoutHeight + 2;
    const deltas = await rpc.result<Delta[]>('getaddressdeltas', { addresses: [B], start: h, end: h });
    expect(deltas).toHaveLength(FANOUT / SPEND_BLOCKS);
    expect(new Set(deltas.map((d) => d.height))).toEqual(new Set([h]));
    const withInfo = await rpc.result<{ deltas: Delta[]; start: unknown; end: unknown }>('getaddressdeltas', { addresses: [B], start: h, end: h + 1, chainInfo: true });
    expect(withInfo.deltas).toHaveLength(FANOUT / 2);
    expect(withInfo.start).toEqual({ hash: rpc.node.chain.getEntryAtHeight(h)!.hashHex, height: h });
    expect(withInfo.end).toEqual({ hash: rpc.node.chain.getEntryAtHeight(h + 1)!.hashHex, height: h + 1 });
    const { body } = await rpc.call('getaddressdeltas', [{ addresses: [B], start: h, end: h + 100, chainInfo: true }]);
    expect(body.error?.code).toBe(RPC.INVALID_PARAMETER);
  });

  it('pages over several addresses: the pages concatenate to the unpaged answer', async () => {
    const whole = await rpc.result<Delta[]>('getaddressdeltas', { addresses: [A, B] });
    expect(whole).toHaveLength(3 * FANOUT);
    const { items, pages } = await allPages<'deltas', Delta>('getaddressdeltas', 'deltas', { addresses: [A, B], limit: 700 });
    expect(pages).toBe(Math.ceil((3 * FANOUT) / 700));
    expect(items).toEqual(whole);
    // Newest first, the same deltas backwards, within start and end too.
    const reversed = await allPages<'deltas', Delta>('getaddressdeltas', 'deltas', { addresses: [A, B], limit: 900, reverse: true });
    expect(reversed.items).toEqual([...whole].reverse());
    const h = fanoutHeight + 1;
    const ranged = await allPages<'deltas', Delta>('getaddressdeltas', 'deltas', { addresses: [A, B], start: h, end: h + 1, limit: 333, reverse: true });
    expect(ranged.items).toEqual(whole.filter((d) => d.height === h || d.height === h + 1).reverse());
  });
});

describe('getaddresstxids and getaddressutxos pages', () => {
  it('pages txids, each transaction once, with start and end honoured', async () => {
    const whole = await rpc.result<string[]>('getaddresstxids', { addresses: [A, B] });
    expect(whole).toEqual([fanout.txid, ...spends.map((t) => t.txid)]);
    const { items, pages } = await allPages<'txids', string>('getaddresstxids', 'txids', { addresses: [A, B], limit: 333 });
    expect(items).toEqual(whole);
    expect(pages).toBe(Math.ceil(whole.length / 333));
    const ranged = await allPages<'txids', string>('getaddresstxids', 'txids', { addresses: [A], start: fanoutHeight + 1, end: fanoutHeight + 1, limit: 100 });
    expect(ranged.items).toEqual(spends.slice(0, FANOUT / SPEND_BLOCKS).map((t) => t.txid));
    const newestFirst = await allPages<'txids', string>('getaddresstxids', 'txids', { addresses: [A, B], limit: 250, reverse: true });
    expect(newestFirst.items).toEqual([...whole].reverse());
  });

  it('pages utxos oldest first, and an exact last page ends with next null', async () => {
    const whole = await rpc.result<{ txid: string; confirmations: number; coinbase: boolean }[]>('getaddressutxos', B);
    expect(whole).toHaveLength(FANOUT);
    expect(whole.every((u) => !u.coinbase)).toBe(true);
    const { items, pages } = await allPages<'utxos', unknown>('getaddressutxos', 'utxos', { addresses: [B], limit: FANOUT / 4 });
    expect(pages).toBe(4);
    expect(items).toEqual(whole);
    expect((await allPages<'utxos', unknown>('getaddressutxos', 'utxos', { addresses: [B], limit: 300, reverse: true })).items).toEqual([...whole].reverse());
    const withInfo = await rpc.result<{ utxos: unknown[]; next: string; hash: string; height: number }>('getaddressutxos', { addresses: [B], limit: 1, chainInfo: true });
    expect(withInfo).toMatchObject({ hash: rpc.node.chain.tip.hashHex, height: rpc.node.chain.height });
    expect(withInfo.utxos).toHaveLength(1);
    expect(typeof withInfo.next).toBe('string');
  });

  it('refuses bad limits and cursors', async () => {
    for (const [query, code] of [
      [{ addresses: [A], limit: 0 }, RPC.INVALID_PARAMETER],
      [{ addresses: [A], limit: 10_001 }, RPC.INVALID_PARAMETER],
      [{ addresses: [A], limit: 'ten' }, RPC.TYPE_ERROR],
      [{ addresses: [A], cursor: 'zz' }, RPC.INVALID_PARAMETER],
      [{ addresses: [A], cursor: 12 }, RPC.TYPE_ERROR],
      [{ addresses: [A], reverse: 'yes' }, RPC.TYPE_ERROR],
    ] as [Record<string, unknown>, number][]) {
      const { body } = await rpc.call('getaddressdeltas', [query]);
      expect(body.error?.code, JSON.stringify(query)).toBe(code);
    }
    // A txids cursor is not a deltas cursor.
    const page = await rpc.result<{ next: string }>('getaddresstxids', { addresses: [A], limit: 1 });
    expect((await rpc.call('getaddressdeltas', [{ addresses: [A], cursor: page.next }])).body.error?.code).toBe(RPC.INVALID_PARAMETER);
  });
});

describe('getaddressmempool', () => {
  it('shows an unconfirmed spend as a negative delta naming its coin, and the payment as positive', async () => {
    const coin = ownedOutput(spends[0]!, 0, 6);
    const tx = spend([coin], [payTo(5, coin.output.value - FEE)]);
    expect(await rpc.result('sendrawtransaction', tx.toHex())).toBe(tx.txid);
    const entries = await rpc.result<Record<string, unknown>[]>('getaddressmempool', { addresses: [A, B] });
    const time = rpc.node.mempool.get(tx.txid)!.time;
    expect(entries).toEqual([
      { address: B, txid: tx.txid, index: 0, satoshis: -Number(coin.output.value), timestamp: time, prevtxid: spends[0]!.txid, prevout: 0 },
      { address: A, txid: tx.txid, index: 0, satoshis: Number(coin.output.value - FEE), timestamp: time },
    ]);
    expect(await rpc.result('getaddressmempool', A)).toEqual([entries[1]]);
    // The confirmed answers do not move; getaddresstxids appends it when asked.
    expect((await rpc.result<string[]>('getaddresstxids', A, true)).at(-1)).toBe(tx.txid);
    // Newest first, the unconfirmed one leads the first page only.
    const first = await rpc.result<{ txids: string[]; next: string }>('getaddresstxids', { addresses: [A], limit: 2, reverse: true }, true);
    expect(first.txids).toEqual([tx.txid, spends.at(-1)!.txid, spends.at(-2)!.txid]);
    const second = await rpc.result<{ txids: string[] }>('getaddresstxids', { addresses: [A], limit: 2, reverse: true, cursor: first.next }, true);
    expect(second.txids).toEqual([spends.at(-3)!.txid, spends.at(-4)!.txid]);
    expect(await rpc.result<unknown[]>('getaddressutxos', B)).toHaveLength(FANOUT);
  });
});
