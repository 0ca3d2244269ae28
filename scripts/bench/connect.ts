/**
 * Block-connect benchmark: wall time of `Chain.processBlock` for one block of
 * taproot key-path spends, on a real LevelDB chain, with signatures verified
 * - inline (VerifyPool with one thread, like Bitcoin Core's -par=1),
 * - by a VerifyPool with one worker per core,
 * - not at all (a verifier that accepts everything),
 * so the figures show what parallel verification buys and how much of a
 * block's connect time is not signature checking (UTXO lookups, sighashes,
 * the LevelDB batch), which no number of workers shortens.
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
import type { NetworkParams } from '../../src/consensus/params.js';
import { Block } from '../../src/primitives/block.js';
import { ownedOutput, payTo, spend, TestChain } from '../../test/helpers/chain.js';

/** Sizes of a run. */
export interface ConnectBenchOptions {
  /** Transactions in the measured block. Default 1,000. */
  transactions?: number;
  /** Key-path inputs per transaction. Default 2 (2,000 signature checks in all). */
  inputsPerTx?: number;
  /** Timed connects per configuration, each on a fresh chain; the median is reported. Default 3. */
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

/** Milliseconds `processBlock` takes to connect the measured block to a fresh chain that has every block before it. */
async function timeConnect(fixture: Fixture, verifier: BatchVerifier): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'tally-bench-connect-'));
  try {
    const chain = new Chain({ path: dir, params: fixture.params }, { verifier });
    await chain.open();
    try {
      for (const block of fixture.before) await chain.processBlock(block);
      const big = Block.fromBytes(fixture.bigBytes);
      const start = performance.now();
      const result = await chain.processBlock(big);
      const ms = performance.now() - start;
      if (result.status !== 'connected') throw new Error(`the measured block was ${result.status}, not connected`);
      return ms;
    } finally {
      await chain.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The median of `rounds` connects with `verifier`, and every sample. */
async function measure(name: string, fixture: Fixture, verifier: BatchVerifier, rounds: number): Promise<{ medianMs: number; samplesMs: number[] }> {
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    samples.push(await timeConnect(fixture, verifier));
    progress(`${name}: round ${r + 1}/${rounds} ${samples[r]!.toFixed(1)} ms`);
  }
  return { medianMs: round1(median(samples)), samplesMs: samples.map(round1) };
}

/** {@link measure} with a VerifyPool of `threads`, started before and stopped after the timed connects. */
async function measurePoolConnect(threads: number, fixture: Fixture, rounds: number) {
  const pool = new VerifyPool({ threads });
  await pool.start();
  try {
    const figure = await measure(`${threads} thread(s)`, fixture, pool, rounds);
    return { threads, workers: pool.workerCount, backend: pool.backend!, ...figure };
  } finally {
    await pool.stop();
  }
}

/** Builds the chain, then times the connect of its big block under each verifier (see the module comment). */
export async function runConnectBench(opts: ConnectBenchOptions = {}): Promise<object> {
  const rounds = opts.rounds ?? 3;
  const threads = opts.threads ?? availableParallelism();
  const fixture = buildFixture(opts.transactions ?? 1_000, opts.inputsPerTx ?? 2);
  const noop: BatchVerifier = { verify: async () => -1 };
  // One untimed connect first, so that the optimizing compiler has seen the whole path.
  await timeConnect(fixture, noop);
  const one = await measurePoolConnect(1, fixture, rounds);
  const all = await measurePoolConnect(threads, fixture, rounds);
  const none = await measure('no signature checks', fixture, noop, rounds);
  // Null where noise leaves no time to divide by (verifying cost less than the spread of the no-check runs).
  const perSecond = (ms: number): number | null => (ms > 0 ? Math.round(fixture.inputs / (ms / 1000)) : null);
  return {
    bench: 'connect',
    unit: 'milliseconds of Chain.processBlock (median)',
    block: { transactions: fixture.transactions + 1, signatureChecks: fixture.inputs, bytes: fixture.bigBytes.length },
    fixtureBuildMs: fixture.buildMs,
    rounds,
    backend: one.backend,
    connectMs: { oneThread: one.medianMs, allThreads: all.medianMs, noSignatureChecks: none.medianMs },
    samplesMs: { oneThread: one.samplesMs, allThreads: all.samplesMs, noSignatureChecks: none.samplesMs },
    workers: all.workers,
    /** Connect time with one thread over with all: the speed-up the pool gives a whole block. */
    speedup: round2(one.medianMs / all.medianMs),
    /** Connect time without signature checks over with inline ones: the part that workers cannot shorten. */
    shareOutsideSignatureChecks: round2(none.medianMs / one.medianMs),
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
