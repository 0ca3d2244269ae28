/**
 * The node's wiring, in-process with real LevelDB and worker threads: on-demand
 * mining, mempool admission, confirmation removing transactions from the
 * mempool, and the mempool surviving a restart.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { pino } from 'pino';
import { TallyNode } from '../../../src/node/node.js';
import { resolveConfig } from '../../../src/node/config.js';
import { Transaction } from '../../../src/primitives/tx.js';
import { scriptFromSecret, signTaprootInputs } from '../../../src/primitives/sign.js';
import { COIN } from '../../../src/consensus/constants.js';
import { payTo, testKey } from '../../helpers/chain.js';
import { tempDir } from '../../helpers/tmp.js';

const root = tempDir('tally-node');
let n = 0;
const nodes: TallyNode[] = [];

async function startNode(datadir = `${root}/n${n++}`): Promise<TallyNode> {
  const config = resolveConfig({ network: 'regtest', datadir, options: { 'miner-threads': ['0'] } });
  mkdirSync(datadir, { recursive: true });
  const node = new TallyNode(config, { logger: pino({ level: 'silent' }) });
  await node.start();
  nodes.push(node);
  return node;
}

afterEach(async () => {
  while (nodes.length) await nodes.pop()!.stop();
});

describe('TallyNode', () => {
  it('mines on demand, accepts a spend, confirms it, and keeps its mempool across a restart', async () => {
    const node = await startNode();
    const key = testKey(7);
    const hashes = await node.generate(101, scriptFromSecret(key));
    expect(hashes).toHaveLength(101);
    expect(node.chain.height).toBe(101);

    const first = await node.chain.getBlock(hashes[0]!);
    const coinbase = first!.transactions[0]!;
    const spendTx = (value: bigint) => signTaprootInputs(
      new Transaction({ version: 2, inputs: [{ prevout: { txid: coinbase.txidBytes, vout: 0 }, scriptSig: new Uint8Array(0), sequence: 0xfffffffd, witness: [] }], outputs: [payTo(1, value)], locktime: 0 }),
      [coinbase.outputs[0]!],
      [key],
    );
    const tx = spendTx(50n * COIN - 10_000n);
    const seen: string[] = [];
    node.on('tx', (entry) => seen.push(entry.tx.txid));
    expect((await node.sendTransaction(tx)).status).toBe('accepted');
    expect(seen).toEqual([tx.txid]);

    // Restart: the transaction comes back from mempool.dat.
    const datadir = node.config.datadir;
    await nodes.pop()!.stop();
    const again = await startNode(datadir);
    expect(again.chain.height).toBe(101);
    expect(again.mempool.has(tx.txid)).toBe(true);

    // A block includes it and the mempool lets it go.
    const [hash] = await again.generate(1, scriptFromSecret(key));
    const block = await again.chain.getBlock(hash!);
    expect(block!.transactions.map((t) => t.txid)).toContain(tx.txid);
    expect(again.mempool.has(tx.txid)).toBe(false);
    const found = await again.chain.findTransaction(tx.txid);
    expect(found?.entry.height).toBe(102);
  }, 60_000);

  it('rejects a double spend and a replacement that pays too little', async () => {
    const node = await startNode();
    const key = testKey(8);
    const hashes = await node.generate(101, scriptFromSecret(key));
    const coinbase = (await node.chain.getBlock(hashes[0]!))!.transactions[0]!;
    const make = (fee: bigint, to: number) => signTaprootInputs(
      new Transaction({ version: 2, inputs: [{ prevout: { txid: coinbase.txidBytes, vout: 0 }, scriptSig: new Uint8Array(0), sequence: 0xfffffffd, witness: [] }], outputs: [payTo(to, 50n * COIN - fee)], locktime: 0 }),
      [coinbase.outputs[0]!],
      [key],
    );
    await node.sendTransaction(make(1_000n, 1));
    await expect(node.sendTransaction(make(1_001n, 2))).rejects.toMatchObject({ code: 'insufficient fee' });
    const replacement = make(10_000n, 3);
    expect((await node.sendTransaction(replacement)).status).toBe('accepted');
    expect(node.mempool.txids()).toEqual([replacement.txid]);
  }, 60_000);
});
