/**
 * Compact against full block relay (PROTOCOL.md §9.5): N real nodes in this
 * process (TestNetwork: own LevelDB, workers and libp2p host on 127.0.0.1
 * each) in a random mesh, once with every node on `--blockrelay full` and once
 * on `compact`. Per run, about 1 MB of transactions is gossiped until every
 * mempool holds all of it; then a random node mines a block from them. Measured
 * per block: the bytes every node sent and received on the wire (the traffic
 * counters of src/network/traffic.ts) from just before the block was mined
 * until it settled, averaged over the nodes, and the time from the block
 * joining the miner's chain to it joining the last node's.
 *
 * Reported as `compact.bytesPerNodePerBlock.{compact,full,ratio}` (goal: ratio
 * at most 0.15) and `compact.propagation.{compact,full}` (ms to all nodes).
 *
 *   npx tsx scripts/bench.ts --only compact
 *   npx tsx scripts/bench/compact.ts        # the same section alone; progress on stderr
 */
// Before anything that loads libp2p (Promise.withResolvers on Node 20), as the CLI does.
import '../../src/polyfills.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Transaction } from '../../src/primitives/tx.js';
import { scriptFromSecret } from '../../src/primitives/sign.js';
import { ownedOutput, payTo, spend, testKey, TestChain } from '../../test/helpers/chain.js';
import { TestNetwork, waitUntil, type TestNode } from '../../test/helpers/network.js';
import { stats, type Stats } from './propagation.js';
import { seededRandom } from '../../test/helpers/random.js';
import { buildMesh } from './propagation.js';

export interface CompactBenchOptions {
  /** Nodes in the mesh. Default 6. */
  nodes?: number;
  /** Timed blocks per relay mode. Default 2. */
  blocks?: number;
  /** Transaction bytes per block, roughly. Default 1,000,000. */
  blockBytes?: number;
  /** Seed of the mesh and miner choices. Default 1. */
  seed?: number;
}

type Mode = 'compact' | 'full';

/** Outputs per funding transaction, and per spend (so a spend is about 530 bytes, a typical size). */
const FAN_OUT = 100;
const SPEND_OUTPUTS = 10;
const FEE = 5_000n;

function progress(message: string): void {
  process.stderr.write(`compact: ${message}\n`);
}


/**
 * A chain whose last blocks fan coinbase coins out into many small coins, and per timed
 * block a set of signed spends of them worth `blockBytes`.
 */
function prepare(blocks: number, blockBytes: number): { chain: TestChain; batches: Transaction[][] } {
  const perBlock = Math.ceil(blockBytes / 530);
  const fundings = Math.ceil((perBlock * blocks) / FAN_OUT);
  const chain = new TestChain();
  chain.matureCoin(fundings);
  // Each payTo derives a taproot key (two point multiplications): derive the few scripts once.
  const scripts = Array.from({ length: 51 }, (_, k) => payTo(1 + k, 0n).scriptPubKey);
  const funding = chain.coinbaseCoins.slice(0, fundings).map((coin) => {
    const each = (coin.output.value - FEE) / BigInt(FAN_OUT);
    return spend([coin], Array.from({ length: FAN_OUT }, () => ({ value: each, scriptPubKey: scripts[0]! })));
  });
  for (let i = 0; i < funding.length; i += 50) chain.add(chain.buildBlock({ transactions: funding.slice(i, i + 50), fees: FEE * BigInt(funding.slice(i, i + 50).length) }));
  const coins = funding.flatMap((tx) => tx.outputs.map((_, vout) => ownedOutput(tx, vout, 1)));
  const batches: Transaction[][] = [];
  for (let b = 0; b < blocks; b++) {
    batches.push(coins.slice(b * perBlock, (b + 1) * perBlock).map((coin, i) => {
      const each = (coin.output.value - FEE) / BigInt(SPEND_OUTPUTS);
      return spend([coin], Array.from({ length: SPEND_OUTPUTS }, (_, k) => ({ value: each, scriptPubKey: scripts[1 + ((i + k) % 50)]! })));
    }));
  }
  return { chain, batches };
}


const wire = (n: TestNode) => n.p2p.totals().bytesIn + n.p2p.totals().bytesOut;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One relay mode: a fresh network, the history, then per batch: gossip it, mine it, measure. */
async function runMode(mode: Mode, count: number, prepared: ReturnType<typeof prepare>, seed: number): Promise<{ bytes: number[]; toAllMs: number[] }> {
  const random = seededRandom(seed);
  const dir = await mkdtemp(join(tmpdir(), `tally-bench-compact-${mode}-`));
  const net = new TestNetwork(dir, { clock: () => prepared.chain.now });
  try {
    // Status refreshes only once a minute: they would count in the bytes of a block.
    const nodes = await buildMesh(net, count, random, (i) => ({ name: `${mode}${i}`, p2p: { blockRelay: mode, statusIntervalSeconds: 60 } }));
    await waitUntil(() => nodes.every((n) => n.p2p.peers().length > 0), 'every node to have a peer', 30_000);
    for (const block of prepared.chain.blocks.slice(1)) await nodes[0]!.node.submitBlock(block);
    const tip = prepared.chain.tip.hash;
    await waitUntil(() => nodes.every((n) => n.node.chain.tip.hashHex === tip), 'every node to sync the history', 600_000);
    progress(`${mode}: ${count} nodes synced the history`);
    const bytes: number[] = [];
    const toAllMs: number[] = [];
    for (const [b, batch] of prepared.batches.entries()) {
      const origin = Math.floor(random() * count);
      for (const tx of batch) await nodes[Math.floor(random() * count)]!.node.sendTransaction(tx);
      await waitUntil(() => nodes.every((n) => batch.every((tx) => n.node.mempool.has(tx.txid))), 'every mempool to hold the batch', 600_000, 100);
      progress(`${mode}: every mempool holds the ${batch.length} transactions of batch ${b + 1}`);
      // Gossipsub announces recent messages (IHAVE) for 3 heartbeats: let that end before counting.
      await pause(4_000);
      const { ms, block } = await mineAndTime(nodes, origin);
      await pause(1_000);
      const total = nodes.reduce((sum, n) => sum + wire(n), 0) - block.before;
      bytes.push(total / count);
      toAllMs.push(ms);
      progress(`${mode} block ${b + 1}: ${block.txs} txs, ${(block.size / 1e6).toFixed(2)} MB, ${Math.round(total / count)} bytes per node, all nodes in ${ms.toFixed(1)} ms`);
    }
    return { bytes, toAllMs };
  } finally {
    await net.stopAll();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Mines on `nodes[origin]` and waits for every node to connect the block; times from the miner's connect to the last node's. */
async function mineAndTime(nodes: readonly TestNode[], origin: number): Promise<{ ms: number; block: { before: number; txs: number; size: number } }> {
  const arrivals = new Map<string, number>();
  const listeners = nodes.map((n) => {
    const on = (block: { hash: string }) => {
      if (!arrivals.has(`${n.name}:${block.hash}`)) arrivals.set(`${n.name}:${block.hash}`, performance.now());
    };
    n.node.on('block', on);
    return () => n.node.off('block', on);
  });
  try {
    const before = nodes.reduce((sum, n) => sum + wire(n), 0);
    const [hash] = await nodes[origin]!.node.generate(1, scriptFromSecret(testKey(7)));
    await waitUntil(() => nodes.every((n) => arrivals.has(`${n.name}:${hash}`)), `block ${hash} to reach every node`, 600_000, 5);
    const times = nodes.map((n) => arrivals.get(`${n.name}:${hash}`)!);
    const block = (await nodes[origin]!.node.chain.getBlock(hash!))!;
    return { ms: Math.max(...times) - times[origin]!, block: { before, txs: block.transactions.length, size: block.size } };
  } finally {
    for (const off of listeners) off();
  }
}

export async function runCompactBench(opts: CompactBenchOptions = {}): Promise<object> {
  const count = opts.nodes ?? 6;
  const blocks = opts.blocks ?? 2;
  const seed = opts.seed ?? 1;
  progress(`preparing ${blocks} batches of ${opts.blockBytes ?? 1_000_000} bytes of transactions`);
  const prepared = prepare(blocks, opts.blockBytes ?? 1_000_000);
  progress(`prepared ${prepared.chain.height} blocks of history and ${prepared.batches.flat().length} transactions`);
  const full = await runMode('full', count, prepared, seed);
  const compact = await runMode('compact', count, prepared, seed);
  const mean = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);
  const bytes = { compact: mean(compact.bytes), full: mean(full.bytes) };
  const propagation: Record<Mode, Stats> = { compact: stats(compact.toAllMs), full: stats(full.toAllMs) };
  return {
    bench: 'compact',
    unit: 'bytes on the wire (sent + received) per node per block; milliseconds from the miner connecting the block to the last node connecting it',
    nodes: count,
    blocks,
    txsPerBlock: prepared.batches[0]!.length,
    bytesPerNodePerBlock: { ...bytes, ratio: Math.round((bytes.compact / bytes.full) * 1000) / 1000 },
    propagation,
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await runCompactBench(), null, 2));
  process.exit(0);
}
