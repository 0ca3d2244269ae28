/**
 * Block-connect benchmark: wall time of `Chain.processBlock` for one block of
 * taproot key-path spends, on a real LevelDB chain, with signatures verified
 * - inline (VerifyPool with one thread, like Bitcoin Core's -par=1),
 * - by a VerifyPool with one worker per core,
 * - not at all (a verifier that accepts everything),
 * so the figures show what parallel verification buys and how much of a
 * block's connect time is not signature checking (UTXO lookups, sighashes,
 * the LevelDB batch), which no number of workers shortens. Chains use the
 * node's chain-state cache (`--dbcache`, its default size); the no-check
 * connect runs once more writing every change through (`--dbcache 0`, how
 * every block was written before the cache) to show what the cache saves.
 *
 *   npx tsx scripts/bench/connect.ts        # prints JSON; progress on stderr
 *
 * `runConnectBench()` is exported for the top-level runner (scripts/bench.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Chain, type BatchVerifier } from '../../src/chain/chain.js';
import { VerifyPool } from '../../src/chain/verify-pool.js';
import { DEFAULT_DBCACHE_MB } from '../../src/node/options/chain.js';
import type { NetworkParams } from '../../src/consensus/params.js';
import { Block } from '../../src/primitives/block.js';
import { ownedOutput, payTo, spend, TestChain } from '../../test/helpers/chain.js';

/** Sizes of a run. */
export interface ConnectBenchOptions {
  /** Transactions in the measured block. Default 1,000. */
  transactions?: number;
  /** Key-path inputs per transaction. Default 2 (2,000 signature checks in all). */
  inputsPerTx?: number;
  /**
   * Timed connects per configuration, each on a fresh chain; the median is reported. Default 5:
   * with 3, the all-threads median moved by a quarter between back-to-back runs on this machine.
   */
  rounds?: number;
  /** Workers of the "all threads" pool. Default `os.availableParallelism()`. */
  threads?: number;
}

/** A chain built once in memory: the blocks to replay untimed, then the measured block. */
interface Fixture {
  params: NetworkParams;
  before: readonly Block[];
  /** The measured block, serialized: each run decodes its own copy, so no run inherits another's cached hashes. */
  bigBytes: Uint8Array;
  inputs: number;
  transactions: number;
  buildMs: number;
}

/** Key index of the fan-out outputs (`testKey(1)`); the spends pay to `testKey(2)`. */
const FAN_OUT_KEY = 1;

function progress(message: string): void {
  process.stderr.write(`connect: ${message}\n`);
}

/**
 * Matures a coinbase, fans it out to `txCount × inputsPerTx` taproot outputs in
 * one block, then signs a block spending each of them once. Signing with noble
 * is slow (a few hundred inputs per second), hence the progress lines.
 */
function buildFixture(txCount: number, inputsPerTx: number): Fixture {
  const started = performance.now();
  const chain = new TestChain();
  const coin = chain.matureCoin(0);
  const inputs = txCount * inputsPerTx;
  const each = coin.output.value / BigInt(inputs);
  const fanOut = spend([coin], Array.from({ length: inputs }, () => payTo(FAN_OUT_KEY, each)));
  chain.add(chain.buildBlock({ transactions: [fanOut], fees: coin.output.value - each * BigInt(inputs) }));
  progress(`chain at height ${chain.height}; signing ${inputs} inputs in ${txCount} transactions`);
  const spends = [];
  for (let t = 0; t < txCount; t++) {
    const coins = Array.from({ length: inputsPerTx }, (_, j) => ownedOutput(fanOut, t * inputsPerTx + j, FAN_OUT_KEY));
    spends.push(spend(coins, [payTo(2, each * BigInt(inputsPerTx))]));
    const signed = (t + 1) * inputsPerTx;
    if ((t + 1) % Math.max(1, Math.ceil(txCount / 10)) === 0) progress(`signed ${signed}/${inputs} (${seconds(performance.now() - started)} s)`);
  }
  const big = chain.buildBlock({ transactions: spends });
  return {
    params: chain.params,
    before: chain.blocks.slice(1),
    bigBytes: big.toBytes(),
    inputs,
    transactions: txCount,
    buildMs: Math.round(performance.now() - started),
  };
}

/** One timed connect: wall time, and CPU time of every thread of the process (workers and LevelDB's included). */
interface Sample {
  ms: number;
  cpuMs: number;
}

/** Times `processBlock` connecting the measured block to a fresh chain that has every block before it. */
async function timeConnect(fixture: Fixture, { verifier, dbcacheBytes }: Config): Promise<Sample> {
  const dir = await mkdtemp(join(tmpdir(), 'tally-bench-connect-'));
  try {
    const chain = new Chain({ path: dir, params: fixture.params, dbcacheBytes }, { verifier });
    await chain.open();
    try {
      for (const block of fixture.before) await chain.processBlock(block);
      const big = Block.fromBytes(fixture.bigBytes);
      const startCpu = process.cpuUsage();
      const start = performance.now();
      const result = await chain.processBlock(big);
      const ms = performance.now() - start;
      const cpu = process.cpuUsage(startCpu);
      if (result.status !== 'connected') throw new Error(`the measured block was ${result.status}, not connected`);
      return { ms, cpuMs: (cpu.user + cpu.system) / 1000 };
    } finally {
      await chain.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A verifier and the chain-state cache's size. */
interface Config {
  verifier: BatchVerifier;
  dbcacheBytes: number;
}

const NODE_DBCACHE_BYTES = DEFAULT_DBCACHE_MB * 1_000_000;

/** Medians over the rounds of one configuration, and every wall-time sample. */
interface Figure {
  medianMs: number;
  medianCpuMs: number;
  samplesMs: number[];
}

function summarize(samples: readonly Sample[]): Figure {
  return {
    medianMs: round1(median(samples.map((s) => s.ms))),
    medianCpuMs: round1(median(samples.map((s) => s.cpuMs))),
    samplesMs: samples.map((s) => round1(s.ms)),
  };
}

/**
 * `rounds` connects with each verifier, each on a fresh chain. The verifiers take
 * turns within a round, so that a machine whose load changes meanwhile slows
 * them alike and their ratios hold.
 */
async function measure<K extends string>(verifiers: Record<K, Config>, fixture: Fixture, rounds: number): Promise<Record<K, Figure>> {
  const names = Object.keys(verifiers) as K[];
  const samples = new Map<K, Sample[]>(names.map((name) => [name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const name of names) {
      const sample = await timeConnect(fixture, verifiers[name]);
      samples.get(name)!.push(sample);
      progress(`round ${r + 1}/${rounds} ${name}: ${sample.ms.toFixed(1)} ms (${sample.cpuMs.toFixed(1)} ms CPU)`);
    }
  }
  return Object.fromEntries(names.map((name) => [name, summarize(samples.get(name)!)])) as Record<K, Figure>;
}

/** Builds the chain, then times the connect of its big block under each verifier (see the module comment). */
export async function runConnectBench(opts: ConnectBenchOptions = {}): Promise<object> {
  const rounds = opts.rounds ?? 5;
  const threads = opts.threads ?? availableParallelism();
  const fixture = buildFixture(opts.transactions ?? 1_000, opts.inputsPerTx ?? 2);
  const noop: BatchVerifier = { verify: async () => -1 };
  // One untimed connect first, so that the optimizing compiler has seen the whole path.
  await timeConnect(fixture, { verifier: noop, dbcacheBytes: NODE_DBCACHE_BYTES });
  const onePool = new VerifyPool({ threads: 1 });
  const allPool = new VerifyPool({ threads });
  let figures;
  let workers = 0;
  try {
    await onePool.start();
    await allPool.start();
    // Workers start on demand: start them now, so that no timed connect pays for it.
    await onePool.warm();
    await allPool.warm();
    workers = allPool.workerCount;
    const cached = (verifier: BatchVerifier): Config => ({ verifier, dbcacheBytes: NODE_DBCACHE_BYTES });
    const configs = { oneThread: cached(onePool), allThreads: cached(allPool), noSignatureChecks: cached(noop), noSignatureChecksWriteThrough: { verifier: noop, dbcacheBytes: 0 } };
    figures = await measure(configs, fixture, rounds);
  } finally {
    await onePool.stop();
    await allPool.stop();
  }
  const { oneThread: one, allThreads: all, noSignatureChecks: none, noSignatureChecksWriteThrough: through } = figures;
  // Null where noise leaves no time to divide by (verifying cost less than the spread of the no-check runs).
  const perSecond = (ms: number): number | null => (ms > 0 ? Math.round(fixture.inputs / (ms / 1000)) : null);
  return {
    bench: 'connect',
    unit: 'milliseconds of Chain.processBlock (median)',
    block: { transactions: fixture.transactions + 1, signatureChecks: fixture.inputs, bytes: fixture.bigBytes.length },
    fixtureBuildMs: fixture.buildMs,
    rounds,
    backend: onePool.backend,
    dbcacheMB: DEFAULT_DBCACHE_MB,
    connectMs: { oneThread: one.medianMs, allThreads: all.medianMs, noSignatureChecks: none.medianMs, noSignatureChecksWriteThrough: through.medianMs },
    samplesMs: { oneThread: one.samplesMs, allThreads: all.samplesMs, noSignatureChecks: none.samplesMs, noSignatureChecksWriteThrough: through.samplesMs },
    /** CPU time summed over threads: less disturbed by a busy machine; with workers it adds the cost of packing and messaging. */
    cpuMs: { oneThread: one.medianCpuMs, allThreads: all.medianCpuMs, noSignatureChecks: none.medianCpuMs, noSignatureChecksWriteThrough: through.medianCpuMs },
    /** No-check connect time with the cache over writing through: what deferring the state writes saves a block. */
    cachedVsWriteThrough: round2(none.medianMs / through.medianMs),
    workers,
    /** Connect time with one thread over with all: the speed-up the pool gives a whole block. */
    speedup: round2(one.medianMs / all.medianMs),
    /** Connect time without signature checks over with inline ones: the part that workers cannot shorten. */
    shareOutsideSignatureChecks: round2(none.medianMs / one.medianMs),
    /** The same share by CPU time. */
    shareOutsideSignatureChecksCpu: round2(none.medianCpuMs / one.medianCpuMs),
    signaturesPerSecond: {
      /** Signature checks over the whole connect time. */
      connect: { oneThread: perSecond(one.medianMs), allThreads: perSecond(all.medianMs) },
      /** Signature checks over the time verifying adds (connect time less the no-check time). */
      verifyOnly: { oneThread: perSecond(one.medianMs - none.medianMs), allThreads: perSecond(all.medianMs - none.medianMs) },
    },
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await runConnectBench(), null, 2));
}
