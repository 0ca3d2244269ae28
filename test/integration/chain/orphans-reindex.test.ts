/**
 * The orphan pool, `reindex`, reopening and corruption detection, and the
 * address and transaction indexes across connects, reorgs and rebuilds.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Level } from 'level';
import { Chain, type BatchVerifier } from '../../../src/chain/chain.js';
import { ChainError } from '../../../src/chain/errors.js';
import { keys } from '../../../src/chain/layout.js';
import { regtest, testnet } from '../../../src/consensus/params.js';
import { COIN } from '../../../src/consensus/constants.js';
import { findInvalidSignature } from '../../../src/consensus/signatures.js';
import type { Block } from '../../../src/primitives/block.js';
import { hashToHex } from '../../../src/primitives/bytes.js';
import { getVerifier } from '../../../src/primitives/signature.js';
import { scriptFromSecret } from '../../../src/primitives/sign.js';
import type { Transaction } from '../../../src/primitives/tx.js';
import { ownedOutput, payTo, spend, TestChain, testKey } from '../../helpers/chain.js';
import { TestChains, type OpenOptions } from '../../helpers/chain-db.js';

const chains = new TestChains('tally-orphans');
const openChain = (now: number, opts: OpenOptions = {}): Promise<Chain> => chains.open(now, opts);
const closeChain = (chain: Chain): Promise<void> => chains.close(chain);

async function feed(chain: Chain, blocks: readonly Block[]): Promise<string[]> {
  const out: string[] = [];
  for (const block of blocks) out.push((await chain.processBlock(block)).status);
  return out;
}

async function rejectionCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ChainError) return err.code;
    throw err;
  }
  throw new Error('expected a ChainError, nothing was thrown');
}

const minerScript = scriptFromSecret(testKey(0));
const script = (n: number): Uint8Array => scriptFromSecret(testKey(n));

/** Unspent outputs of `s` as "txid:vout value@height", sorted. */
async function addrUtxos(chain: Chain, s: Uint8Array): Promise<string[]> {
  return (await chain.getAddressUtxos(s)).map((u) => `${hashToHex(u.txid)}:${u.vout} ${u.value}@${u.height}`).sort();
}

/** History of `s` as "height txid", in index order. */
async function addrHistory(chain: Chain, s: Uint8Array): Promise<string[]> {
  return (await chain.getAddressHistory(s)).map((h) => `${h.height} ${hashToHex(h.txid)}`);
}

/** Everything the indexes answer for the scripts and transactions of the test chain. */
async function indexAnswers(chain: Chain, txs: readonly Transaction[]): Promise<unknown> {
  const scripts = [minerScript, script(1), script(2), script(3), script(9)];
  return {
    utxos: await Promise.all(scripts.map((s) => addrUtxos(chain, s))),
    history: await Promise.all(scripts.map((s) => addrHistory(chain, s))),
    txs: await Promise.all(txs.map(async (tx) => {
      const found = await chain.findTransaction(tx.txid);
      return found && { block: found.entry.hashHex, position: found.position, txid: found.block.transactions[found.position]!.txid };
    })),
  };
}

/**
 * 101 empty blocks, then: 102 spends coinbase 1 to keys 1 and 2; 103 spends
 * that output of key 1 to key 3 and coinbase 2 to key 1; then 4 empty blocks.
 */
let rich: TestChain;
let tx1: Transaction;
let tx2: Transaction;
let tx3: Transaction;
beforeAll(() => {
  rich = new TestChain();
  rich.mine(101);
  tx1 = spend([rich.coinbaseCoins[0]!], [payTo(1, 30n * COIN), payTo(2, 19n * COIN)]);
  rich.add(rich.buildBlock({ transactions: [tx1], fees: COIN }));
  tx2 = spend([ownedOutput(tx1, 0, 1)], [payTo(3, 29n * COIN)]);
  tx3 = spend([rich.coinbaseCoins[1]!], [payTo(1, 49n * COIN)]);
  rich.add(rich.buildBlock({ transactions: [tx2, tx3], fees: 2n * COIN }));
  rich.mine(4);
});

describe('orphan blocks', () => {
  it('connects blocks fed in reverse order once the first one arrives', async () => {
    const node = await openChain(rich.now);
    const n = rich.height;
    await feed(node, rich.blocks.slice(1, n - 29));
    const statuses = await feed(node, rich.blocks.slice(n - 29).reverse());
    expect(statuses).toEqual([...Array<string>(29).fill('orphan'), 'connected']);
    expect(node.tip.hashHex).toBe(rich.tip.hash);
    expect(node.orphanCount).toBe(0);
    const reference = await openChain(rich.now);
    await feed(reference, rich.blocks.slice(1));
    expect(await node.utxoDigest()).toEqual(await reference.utxoDigest());
    expect(await indexAnswers(node, [tx1, tx2, tx3])).toEqual(await indexAnswers(reference, [tx1, tx2, tx3]));
  });

  it('keeps at most maxOrphans, dropping the oldest', async () => {
    const node = await openChain(rich.now, { maxOrphans: 5 });
    const n = rich.height;
    await feed(node, rich.blocks.slice(1, n - 9));
    // Blocks n..n-8 arrive newest first: only the last five received (n-4..n-8) are kept.
    expect(await feed(node, rich.blocks.slice(n - 8).reverse())).toEqual(Array<string>(9).fill('orphan'));
    expect(node.orphanCount).toBe(5);
    expect((await node.processBlock(rich.blocks[n - 4]!)).status).toBe('orphan');
    expect(node.orphanCount).toBe(5);
    expect((await node.processBlock(rich.blocks[n - 9]!)).status).toBe('connected');
    expect(node.height).toBe(n - 4);
    expect(node.orphanCount).toBe(0);
    expect(await feed(node, rich.blocks.slice(n - 3))).toEqual(Array<string>(4).fill('connected'));
    expect(node.tip.hashHex).toBe(rich.tip.hash);
  });
});

describe('concurrent calls', () => {
  it('serializes processBlock calls made without awaiting each other', async () => {
    const node = await openChain(rich.now);
    const results = await Promise.all(rich.blocks.slice(1).map((block) => node.processBlock(block)));
    expect(results.every((r) => r.status === 'connected')).toBe(true);
    expect(node.tip.hashHex).toBe(rich.tip.hash);
    expect((await node.utxoDigest()).txouts).toBe(rich.view.coins.size);
  });
});

describe('reindex and reopening', () => {
  it('reindex() rebuilds the same tip, UTXO set and indexes, and a reopened database agrees', async () => {
    const node = await openChain(rich.now);
    await feed(node, rich.blocks.slice(1));
    // A side branch with less work, which the rebuild must not pick.
    const side = rich.fork(rich.height - 3, { minerKey: testKey(9) });
    side.mine(2);
    expect(await feed(node, side.blocks.slice(-2))).toEqual(['side', 'side']);
    const digest = await node.utxoDigest();
    const answers = await indexAnswers(node, [tx1, tx2, tx3]);
    expect(digest.txouts).toBe(rich.view.coins.size);

    const progress: [number, number][] = [];
    await node.reindex((height, best) => progress.push([height, best]));
    expect(node.tip.hashHex).toBe(rich.tip.hash);
    expect(await node.utxoDigest()).toEqual(digest);
    expect(await indexAnswers(node, [tx1, tx2, tx3])).toEqual(answers);
    expect(progress.map(([h]) => h)).toEqual(Array.from({ length: rich.height }, (_, i) => i + 1));
    expect(progress.every(([, best]) => best === rich.height)).toBe(true);
    for (let h = 0; h <= rich.height; h++) expect(node.getEntryAtHeight(h)?.hashHex).toBe(rich.blocks[h]!.hash);

    const path = node['db'].path;
    await closeChain(node);
    const reopened = await openChain(rich.now, { path });
    expect(reopened.tip.hashHex).toBe(rich.tip.hash);
    expect(await reopened.utxoDigest()).toEqual(digest);
    expect(await indexAnswers(reopened, [tx1, tx2, tx3])).toEqual(answers);
    // The side branch is still known and still loses.
    expect(reopened.getEntry(side.tip.hash)?.haveData).toBe(true);
    expect(reopened.isMain(reopened.getEntry(side.tip.hash)!)).toBe(false);
  });

  it('refuses to open a regtest datadir as testnet (db-wrong-network)', async () => {
    const node = await openChain(rich.now);
    await feed(node, rich.blocks.slice(1, 4));
    const path = node['db'].path;
    await closeChain(node);
    expect(await rejectionCode(openChain(rich.now, { path, params: testnet }))).toBe('db-wrong-network');
    // A failed open() closes the database again, so the folder opens at once.
    const again = await openChain(rich.now, { path });
    expect(again.height).toBe(3);
  });

  it('detects a missing undo record of the tip (db-corrupt), and reindex repairs it', async () => {
    const node = await openChain(rich.now);
    await feed(node, rich.blocks.slice(1));
    const digest = await node.utxoDigest();
    const path = node['db'].path;
    await closeChain(node);

    const raw = new Level<Uint8Array, Uint8Array>(path, { keyEncoding: 'view', valueEncoding: 'view' });
    await raw.open();
    expect(await raw.get(keys.undo(rich.tip.hashBytes))).toBeDefined();
    await raw.del(keys.undo(rich.tip.hashBytes));
    await raw.close();

    const broken = new Chain({ path, params: regtest }, { clock: () => rich.now });
    chains.track(broken);
    expect(await rejectionCode(broken.open())).toBe('db-corrupt');
    // What the error advises: a reindex over the stored blocks rebuilds the chain state.
    await broken.open({ reindex: true });
    expect(broken.tip.hashHex).toBe(rich.tip.hash);
    expect(await broken.utxoDigest()).toEqual(digest);
    await closeChain(broken);
    const reopened = await openChain(rich.now, { path });
    expect(reopened.tip.hashHex).toBe(rich.tip.hash);
    expect(await reopened.utxoDigest()).toEqual(digest);
  });

  it('resumes a reorganization that a crash interrupted when it reopens', async () => {
    let crash = false;
    const verifier: BatchVerifier = {
      verify: async (checks) => {
        if (crash) throw new Error('simulated crash');
        return findInvalidSignature(checks, getVerifier());
      },
    };
    const node = await openChain(rich.now, { verifier });
    await feed(node, rich.blocks.slice(1));
    const b = rich.fork(rich.height - 3, { minerKey: testKey(9) });
    b.mine(4);
    await feed(node, b.blocks.slice(-4, -1));
    crash = true;
    await expect(node.processBlock(b.tip)).rejects.toThrow('simulated crash');
    // The old branch is disconnected and the new one not yet connected.
    expect(node.height).toBe(rich.height - 3);
    const path = node['db'].path;
    await closeChain(node);

    const reopened = await openChain(rich.now, { path });
    expect(reopened.tip.hashHex).toBe(b.tip.hash);
    const reference = await openChain(rich.now);
    await feed(reference, b.blocks.slice(1));
    expect(await reopened.utxoDigest()).toEqual(await reference.utxoDigest());
  });
});

describe('the address index', () => {
  it('follows spends as blocks connect and reverts when a reorg disconnects them', async () => {
    const node = await openChain(rich.now);
    await feed(node, rich.blocks.slice(1, 102));
    const cb = (h: number): string => rich.blocks[h]!.transactions[0]!.txid;
    const cbUtxo = (h: number): string => `${cb(h)}:0 ${50n * COIN}@${h}`;
    const before = await addrUtxos(node, minerScript);
    expect(before).toHaveLength(101);
    expect(before).toContain(cbUtxo(1));
    expect(await addrUtxos(node, script(1))).toEqual([]);

    await feed(node, [rich.blocks[102]!]);
    expect(await addrUtxos(node, minerScript)).not.toContain(cbUtxo(1));
    expect(await addrUtxos(node, script(1))).toEqual([`${tx1.txid}:0 ${30n * COIN}@102`]);
    expect(await addrUtxos(node, script(2))).toEqual([`${tx1.txid}:1 ${19n * COIN}@102`]);
    expect(await addrHistory(node, minerScript)).toContain(`102 ${tx1.txid}`);
    expect(await addrHistory(node, script(1))).toEqual([`102 ${tx1.txid}`]);
    expect(await addrHistory(node, script(2))).toEqual([`102 ${tx1.txid}`]);

    await feed(node, [rich.blocks[103]!]);
    expect(await addrUtxos(node, script(1))).toEqual([`${tx3.txid}:0 ${49n * COIN}@103`]);
    expect(await addrUtxos(node, script(3))).toEqual([`${tx2.txid}:0 ${29n * COIN}@103`]);
    // Oldest first; within a height the order is the txids' internal byte order.
    const history1 = await addrHistory(node, script(1));
    expect(history1[0]).toBe(`102 ${tx1.txid}`);
    expect(history1.slice(1).sort()).toEqual([`103 ${tx2.txid}`, `103 ${tx3.txid}`].sort());
    expect(await addrHistory(node, script(3))).toEqual([`103 ${tx2.txid}`]);
    const minerHistory = await addrHistory(node, minerScript);
    expect(minerHistory).toContain(`103 ${tx3.txid}`);
    expect(minerHistory).toContain(`103 ${cb(103)}`);

    // A branch from 101 with more work disconnects 102 and 103: every index entry they made goes.
    const other = rich.fork(101, { minerKey: testKey(9) });
    other.mine(3);
    await feed(node, other.blocks.slice(102));
    expect(node.tip.hashHex).toBe(other.tip.hash);
    expect(await addrUtxos(node, minerScript)).toEqual(before);
    expect(await addrHistory(node, minerScript)).toEqual(rich.blocks.slice(1, 102).map((b, i) => `${i + 1} ${b.transactions[0]!.txid}`));
    for (const n of [1, 2, 3]) {
      expect(await addrUtxos(node, script(n))).toEqual([]);
      expect(await addrHistory(node, script(n))).toEqual([]);
    }
    expect(await addrUtxos(node, script(9))).toHaveLength(3);
    for (const tx of [tx1, tx2, tx3]) expect(await node.findTransaction(tx.txid)).toBeUndefined();
  });
});
