/**
 * Initial block download benchmark: a regtest chain of ~1,000 blocks carrying
 * signed taproot spends is loaded into one node and synced by two more (the
 * sources). Then a fresh node syncs it over loopback from one source and
 * another from all three, and, as the baseline measured in the same run, the
 * first fresh node's stored blocks are connected again locally with
 * `Chain.open({ reindex: true })`: the same validation (signatures included)
 * without the network. Reported: blocks and transactions per second for each,
 * and sync speed as a fraction of reindex speed; and the one-peer sync's
 * signature checks per second against the verify pool's verify-only rate on
 * the same checks (`signatureThroughputVsPool`).
 *
 * Every node runs in this process on this machine's cores, so serving peers
 * compete with the syncing node for CPU: more peers cannot add cores here.
 *
 *   npx tsx scripts/bench/sync.ts        # prints JSON; progress on stderr
 */
// Before anything that loads libp2p (Promise.withResolvers on Node 20), as the CLI does.
import '../../src/polyfills.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Chain } from '../../src/chain/chain.js';
import { DEFAULT_DBCACHE_MB } from '../../src/node/options/chain.js';
import { VerifyPool } from '../../src/chain/verify-pool.js';
import { regtest } from '../../src/consensus/params.js';
import type { Block } from '../../src/primitives/block.js';
import { outpointKey } from '../../src/primitives/tx.js';
import { checkBlockSpends } from '../../src/consensus/block-spends.js';
import type { Coin } from '../../src/consensus/coins.js';
import type { SignatureCheck } from '../../src/consensus/signatures.js';
import { ownedOutput, payTo, spend, TestChain, type OwnedCoin } from '../../test/helpers/chain.js';
import { TestNetwork, waitUntil, type TestNode } from '../../test/helpers/network.js';

export interface SyncBenchOptions {
  /** Height of the source chain. Default 1,000. */
  height?: number;
  /** Signed spends in each block after coinbase maturity. Default 5. */
  spendsPerBlock?: number;
  /**
   * Rounds of (1-peer sync, 3-peer sync, reindex); medians are reported. Default 3: on this
   * noisy 2-core machine one sample of each moved the ratios by 0.2 from run to run.
   */
  rounds?: number;
  /** Longest wait for one sync (ms). Default 300,000. */
  syncTimeoutMs?: number;
}

interface Fixture {
  blocks: Block[];
  /** Transactions in `blocks`, coinbases included. */
  transactions: number;
  buildMs: number;
}

/** Fee each spend pays, in base units. */
const FEE = 1_000n;
/** Key index the spends pay to (testKey(1)). */
const KEY = 1;

function progress(message: string): void {
  process.stderr.write(`sync: ${message}\n`);
}

/**
 * Matures a coinbase, fans it out to `perBlock` coins, then fills every later
 * block with `perBlock` one-in-one-out spends of the previous block's outputs.
 */
function buildFixture(height: number, perBlock: number): Fixture {
  const started = performance.now();
  const chain = new TestChain();
  const coin = chain.matureCoin(0);
  const each = coin.output.value / BigInt(perBlock);
  const fanOut = spend([coin], Array.from({ length: perBlock }, () => payTo(KEY, each)));
  chain.add(chain.buildBlock({ transactions: [fanOut], fees: coin.output.value - each * BigInt(perBlock) }));
  let pool: OwnedCoin[] = fanOut.outputs.map((_, v) => ownedOutput(fanOut, v, KEY));
  while (chain.height < height) {
    const txs = pool.map((c) => spend([c], [payTo(KEY, c.output.value - FEE)]));
    // The node validates every block on import, so building skips the in-memory checks.
    chain.addUnchecked(chain.buildBlock({ transactions: txs, fees: FEE * BigInt(txs.length) }));
    pool = txs.map((tx) => ownedOutput(tx, 0, KEY));
    if (chain.height % 250 === 0) progress(`built ${chain.height}/${height} blocks (${seconds(performance.now() - started)} s)`);
  }
  const blocks = chain.blocks.slice(1);
  return { blocks, transactions: blocks.reduce((n, b) => n + b.transactions.length, 0), buildMs: Math.round(performance.now() - started) };
}

/** Milliseconds and rates of connecting the fixture's blocks one way. */
interface Timing {
  ms: number;
  blocksPerSecond: number;
  transactionsPerSecond: number;
}

function timing(ms: number, fixture: Fixture): Timing {
  return {
    ms: Math.round(ms),
    blocksPerSecond: Math.round(fixture.blocks.length / (ms / 1000)),
    transactionsPerSecond: Math.round(fixture.transactions / (ms / 1000)),
  };
}

/** Resolves with performance.now() when `n` reaches `height`; rejects after `ms`. */
function reachHeight(n: TestNode, height: number, ms: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (n.node.chain.height < height) return;
      clearTimeout(timer);
      n.node.off('block', check);
      resolve(performance.now());
    };
    const timer = setTimeout(() => {
      n.node.off('block', check);
      reject(new Error(`${n.name} reached only height ${n.node.chain.height} of ${height} within ${ms} ms`));
    }, ms);
    n.node.on('block', check);
    check();
  });
}

/** Starts a fresh node bootstrapping to `sources` and times it from start to the source tip; stops it after. */
async function timeSync(net: TestNetwork, dir: string, name: string, sources: readonly TestNode[], fixture: Fixture, ms: number) {
  const started = performance.now();
  const n = await net.start({ name, datadir: join(dir, name), bootstrap: sources.map((s) => s.address) });
  try {
    const done = await reachHeight(n, fixture.blocks.length, ms);
    const result = { ...timing(done - started, fixture), peers: n.p2p.peers().length };
    if (n.node.chain.tip.hashHex !== fixture.blocks[fixture.blocks.length - 1]!.hash) throw new Error(`${name} synced another tip`);
    progress(`${name}: ${result.ms} ms from ${result.peers} peer(s), ${result.blocksPerSecond} blocks/s`);
    return { result, datadir: join(dir, name) };
  } finally {
    await net.stop(n);
  }
}

/** Rebuilds the chain state of a stopped node's datadir from its stored blocks, timed. */
async function timeReindex(datadir: string, fixture: Fixture, dbcacheBytes = DEFAULT_DBCACHE_MB * 1_000_000): Promise<Timing> {
  const pool = new VerifyPool({});
  await pool.start();
  try {
    // By default the node's cache size, as `tally node --reindex` would use.
    const chain = new Chain({ path: join(datadir, 'chain'), params: regtest, dbcacheBytes }, { verifier: pool });
    const started = performance.now();
    await chain.open({ reindex: true });
    const ms = performance.now() - started;
    const height = chain.height;
    await chain.close();
    if (height !== fixture.blocks.length) throw new Error(`reindex reached height ${height}, not ${fixture.blocks.length}`);
    const result = timing(ms, fixture);
    progress(`reindex (dbcache ${dbcacheBytes / 1e6} MB): ${result.ms} ms, ${result.blocksPerSecond} blocks/s`);
    return result;
  } finally {
    await pool.stop();
  }
}

/** The source node gets the blocks straight from memory; two more sync them from it. */
async function startSources(net: TestNetwork, fixture: Fixture, ms: number): Promise<{ sources: TestNode[]; importMs: number }> {
  const a = await net.start({ name: 'source0' });
  const started = performance.now();
  for (const block of fixture.blocks) {
    const result = await a.node.submitBlock(block);
    if (result.status !== 'connected') throw new Error(`fixture block ${block.hash} was ${result.status}`);
  }
  const importMs = performance.now() - started;
  progress(`source0 imported ${fixture.blocks.length} blocks in ${Math.round(importMs)} ms`);
  const b = await net.start({ name: 'source1', bootstrap: [a.address] });
  const c = await net.start({ name: 'source2', bootstrap: [a.address, b.address] });
  await Promise.all([reachHeight(b, fixture.blocks.length, ms), reachHeight(c, fixture.blocks.length, ms)]);
  await waitUntil(() => b.p2p.peers().length >= 2 && c.p2p.peers().length >= 2, 'the sources to know each other', 30_000);
  return { sources: [a, b, c], importMs };
}

/** Every signature check of the fixture, in chain order, from an in-memory coin set. */
function signatureChecksOf(fixture: Fixture): SignatureCheck[] {
  const coins = new Map<string, Coin>();
  const checks: SignatureCheck[] = [];
  fixture.blocks.forEach((block, i) => {
    const spends = checkBlockSpends(block, { getCoin: (p) => coins.get(outpointKey(p)) }, i + 1, regtest);
    for (const { prevout } of spends.undo) coins.delete(outpointKey(prevout));
    for (const { prevout, coin } of spends.created) coins.set(outpointKey(prevout), coin);
    checks.push(...spends.signatureChecks);
  });
  return checks;
}

/**
 * The verify pool's verify-only rate (checks/s) on the fixture's own checks, in blocks of
 * `perCall` as the chain hands them over and all at once; the faster of the two is the ceiling
 * that initial sync's signature throughput is measured against.
 */
async function poolVerifyRate(checks: readonly SignatureCheck[]): Promise<{ perBlockCall: number; oneCall: number }> {
  const pool = new VerifyPool({});
  await pool.start();
  await pool.warm();
  try {
    const rate = async (size: number): Promise<number> => {
      const started = performance.now();
      for (let i = 0; i < checks.length; i += size) {
        if ((await pool.verify(checks.slice(i, i + size))) !== -1) throw new Error('fixture signatures must all be valid');
      }
      return Math.round(checks.length / ((performance.now() - started) / 1000));
    };
    await rate(checks.length); // warm-up: workers compiled and running
    const result = { perBlockCall: await rate(5), oneCall: await rate(checks.length) };
    progress(`verify pool, verify only: ${result.oneCall} checks/s in one call, ${result.perBlockCall} checks/s in calls of 5`);
    return result;
  } finally {
    await pool.stop();
  }
}

function medianTiming(list: readonly Timing[]): Timing {
  const sorted = [...list].sort((x, y) => x.ms - y.ms);
  return sorted[(sorted.length - 1) >> 1]!;
}

/** Builds the chain and the sources, then times the syncs and the reindex (see the module comment). */
export async function runSyncBench(opts: SyncBenchOptions = {}): Promise<object> {
  const rounds = opts.rounds ?? 3;
  const timeoutMs = opts.syncTimeoutMs ?? 300_000;
  const fixture = buildFixture(opts.height ?? 1_000, opts.spendsPerBlock ?? 5);
  progress(`fixture: ${fixture.blocks.length} blocks, ${fixture.transactions} transactions, built in ${seconds(fixture.buildMs)} s`);
  const dir = await mkdtemp(join(tmpdir(), 'tally-bench-sync-'));
  const net = new TestNetwork(dir);
  try {
    const { sources, importMs } = await startSources(net, fixture, timeoutMs);
    const one: (Timing & { peers: number })[] = [];
    const three: (Timing & { peers: number })[] = [];
    const reindex: Timing[] = [];
    const reindexWriteThrough: Timing[] = [];
    for (let r = 0; r < rounds; r++) {
      const single = await timeSync(net, dir, `fresh-1peer-${r}`, sources.slice(0, 1), fixture, timeoutMs);
      one.push(single.result);
      three.push((await timeSync(net, dir, `fresh-3peers-${r}`, sources, fixture, timeoutMs)).result);
      reindex.push(await timeReindex(single.datadir, fixture));
      // The same rebuild writing every block through (`--dbcache 0`, as before the cache): what the cache buys.
      reindexWriteThrough.push(await timeReindex(single.datadir, fixture, 0));
    }
    const [o, t, x] = [medianTiming(one), medianTiming(three), medianTiming(reindex)];
    const checks = signatureChecksOf(fixture);
    const pool = await poolVerifyRate(checks);
    const syncSignatures = Math.round(checks.length / (o.ms / 1000));
    const poolBest = Math.max(pool.oneCall, pool.perBlockCall);
    return {
      bench: 'sync',
      unit: 'wall time to connect the whole chain: from starting a fresh node to its tip equalling the source tip; reindex: Chain.open({ reindex: true })',
      chain: { blocks: fixture.blocks.length, transactions: fixture.transactions, spendsPerBlock: opts.spendsPerBlock ?? 5 },
      fixtureBuildMs: fixture.buildMs,
      rounds,
      /** The chain-state cache of every node and of the reindex (`--dbcache`, MB). */
      dbcacheMB: DEFAULT_DBCACHE_MB,
      /** The source node's processBlock of each block straight from memory (no network, no disk reads). */
      sourceImport: timing(importMs, fixture),
      syncOnePeer: o,
      syncThreePeers: t,
      reindex: x,
      reindexWriteThrough: medianTiming(reindexWriteThrough),
      /** Reindex speed with the cache over writing every block through, same run. */
      reindexCacheSpeedup: round2(medianTiming(reindexWriteThrough).ms / x.ms),
      samplesMs: { syncOnePeer: one.map((s) => s.ms), syncThreePeers: three.map((s) => s.ms), reindex: reindex.map((s) => s.ms) },
      /** Sync speed over reindex speed (blocks/s): 1 would mean the network costs nothing. */
      speedVsReindex: { onePeer: round2(x.ms / o.ms), threePeers: round2(x.ms / t.ms) },
      /** Three-peer sync speed over one-peer sync speed. */
      threePeersSpeedup: round2(o.ms / t.ms),
      /** Signature checks per second: during the one-peer sync, and the verify pool alone on the same checks (same run). */
      signatures: { checks: checks.length, syncOnePeerPerSecond: syncSignatures, poolVerifyOnly: pool },
      /** Initial-sync signature throughput over the pool's best verify-only rate. */
      signatureThroughputVsPool: round2(syncSignatures / poolBest),
      /**
       * The same for the reindex: the ceiling of the figure above while sync runs at reindex speed,
       * since both spend the same CPU outside the signature checks (decoding, hashing, coins, writes).
       */
      reindexSignatureThroughputVsPool: round2(checks.length / (x.ms / 1000) / poolBest),
    };
  } finally {
    await net.stopAll();
    await rm(dir, { recursive: true, force: true });
  }
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await runSyncBench(), null, 2));
  process.exit(0);
}
