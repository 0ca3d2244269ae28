/**
 * The address index of format 2 (`U` unspent by height, `D` deltas in block
 * order) on a real LevelDB: a reorganization takes a block's deltas and
 * unspent records out and puts the spent ones back, and a format-1 datadir is
 * refused until `--reindex` upgrades it, leaving nothing of the old records.
 */
import { describe, expect, it } from 'vitest';
import { Level } from 'level';
import { Chain } from '../../../src/chain/chain.js';
import type { AddressDelta } from '../../../src/chain/index.js';
import { keys, PREFIX } from '../../../src/chain/layout.js';
import { regtest } from '../../../src/consensus/params.js';
import { COIN } from '../../../src/consensus/constants.js';
import { hashToHex } from '../../../src/primitives/bytes.js';
import { scriptFromSecret } from '../../../src/primitives/sign.js';
import { isTallyError } from '../../../src/primitives/errors.js';
import { payTo, spend, TestChain, testKey } from '../../helpers/chain.js';
import { TestChains, feedStatuses } from '../../helpers/chain-db.js';

const chains = new TestChains('tally-address-index');
const script = (n: number): Uint8Array => scriptFromSecret(testKey(n));

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Deltas of `s` as "height position txid spending index satoshis". */
async function deltas(chain: Chain, s: Uint8Array): Promise<string[]> {
  return (await collect(chain.addressDeltas(s))).map((d: AddressDelta) => `${d.height} ${d.position} ${hashToHex(d.txid)} ${d.spending} ${d.index} ${d.satoshis}`);
}

async function unspent(chain: Chain, s: Uint8Array): Promise<string[]> {
  return (await collect(chain.addressUnspent(s))).map((u) => `${u.height} ${hashToHex(u.txid)}:${u.vout} ${u.value} ${u.coinbase}`);
}

/** 101 blocks, then one spending coinbase 1 to keys 1 and 2. */
function richChain(): { chain: TestChain; tx: ReturnType<typeof spend> } {
  const chain = new TestChain();
  chain.mine(101);
  const tx = spend([chain.coinbaseCoins[0]!], [payTo(1, 30n * COIN), payTo(2, 19n * COIN)]);
  chain.add(chain.buildBlock({ transactions: [tx], fees: COIN }));
  return { chain, tx };
}

describe('address index records', () => {
  it('a reorganization removes the deltas and unspent records of the blocks it disconnects', async () => {
    const { chain: rich, tx } = richChain();
    const node = await chains.open(rich.now);
    await feedStatuses(node, rich.blocks.slice(1));
    expect(await deltas(node, script(1))).toEqual([`102 1 ${tx.txid} false 0 ${30n * COIN}`]);
    expect(await deltas(node, script(0))).toContain(`102 1 ${tx.txid} true 0 ${-50n * COIN}`);
    const spentCoinbase = `1 ${hashToHex(rich.coinbaseCoins[0]!.prevout.txid)}:0 ${50n * COIN} true`;
    expect(await unspent(node, script(0))).not.toContain(spentCoinbase);

    // A heavier branch from 101 without the spend.
    const side = rich.fork(101, { minerKey: testKey(7) });
    side.mine(2);
    await feedStatuses(node, side.blocks.slice(102));
    expect(node.tip.hashHex).toBe(side.tip.hash);
    expect(await deltas(node, script(1))).toEqual([]);
    expect(await unspent(node, script(2))).toEqual([]);
    expect((await deltas(node, script(0))).some((d) => d.includes(tx.txid))).toBe(false);
    expect(await unspent(node, script(0))).toContain(spentCoinbase);
  });

  it('refuses a format-1 datadir until --reindex upgrades it, and the upgrade leaves no old record', async () => {
    const { chain: rich } = richChain();
    const node = await chains.open(rich.now);
    await feedStatuses(node, rich.blocks.slice(1));
    const before = { d: await deltas(node, script(0)), u: await unspent(node, script(2)), digest: await node.utxoDigest() };
    const path = node['db'].path;
    await chains.close(node);

    // What format 1 looked like: version 1, an `a` record, and none of the new ones.
    const raw = new Level<Uint8Array, Uint8Array>(path, { keyEncoding: 'view', valueEncoding: 'view' });
    await raw.open();
    await raw.put(keys.version(), Uint8Array.of(0, 0, 0, 1));
    await raw.put(Uint8Array.of(PREFIX.addrUtxo, 1, 2, 3), new Uint8Array(12));
    for (const prefix of [PREFIX.addrUnspent, PREFIX.addrDelta]) {
      for await (const key of raw.keys(keys.prefixRange(Uint8Array.of(prefix)))) await raw.del(key);
    }
    await raw.close();

    const old = new Chain({ path, params: regtest }, { clock: () => rich.now });
    chains.track(old);
    const refused = await old.open().then(() => undefined, (err: unknown) => err);
    expect(isTallyError(refused, 'db-version')).toBe(true);
    await old.open({ reindex: true });
    expect(await deltas(old, script(0))).toEqual(before.d);
    expect(await unspent(old, script(2))).toEqual(before.u);
    expect(await old.utxoDigest()).toEqual(before.digest);
    await chains.close(old);

    const check = new Level<Uint8Array, Uint8Array>(path, { keyEncoding: 'view', valueEncoding: 'view' });
    await check.open();
    expect(await check.keys(keys.prefixRange(Uint8Array.of(PREFIX.addrUtxo))).all()).toEqual([]);
    expect([...(await check.get(keys.version()))!]).toEqual([0, 0, 0, 2]);
    await check.close();
    // Upgraded: it opens without --reindex.
    const again = await chains.open(rich.now, { path });
    expect(again.tip.hashHex).toBe(rich.tip.hash);
  });
});
