/**
 * Signature-verification benchmark: BIP340 verifications per second for each
 * backend on the main thread, and through VerifyPool with one thread (which
 * verifies inline, like Bitcoin Core's -par=1) and with one worker per core.
 *
 * Run: npx tsx scripts/bench/verify.ts   (prints JSON)
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { VerifyPool } from '../../src/chain/verify-pool.js';
import type { VerifyPoolOptions } from '../../src/chain/verify-options.js';
import { findInvalidSignature, type SignatureCheck } from '../../src/consensus/signatures.js';
import { createVerifier, schnorrSign, xOnlyPublicKey, type VerifierName } from '../../src/primitives/signature.js';

/** Sizes of a run. */
export interface VerifyBenchOptions {
  /** Checks per pool call. Default 4,000. */
  checks?: number;
  /** Distinct signatures among them (signing is slow; verifying a repeat costs the same). Default 200. */
  distinct?: number;
  /** Timed rounds per measurement; the median is reported. Default 5. */
  rounds?: number;
}

/** One pool configuration's result. */
export interface PoolFigure extends Rate {
  threads: number;
  workers: number;
  backend: string;
  /** Time to start the pool's workers, in milliseconds. */
  startMs: number;
}

/** `count` valid key-path-style checks built from `distinct` signatures over distinct keys and messages. */
export function makeSignatureChecks(count: number, distinct = 200): SignatureCheck[] {
  const signed = Array.from({ length: Math.min(count, distinct) }, (_, i) => {
    const secretKey = new Uint8Array(32);
    const message = new Uint8Array(32);
    new DataView(secretKey.buffer).setUint32(28, i + 1);
    new DataView(message.buffer).setUint32(0, i + 0x5a5a);
    return { signature: schnorrSign(message, secretKey, new Uint8Array(32)), message, publicKey: xOnlyPublicKey(secretKey) };
  });
  return Array.from({ length: count }, (_, i) => ({ inputIndex: i, ...signed[i % signed.length]! }));
}

/** Items per second of wall-clock time, and per second of CPU time summed over all the process's threads. */
export interface Rate {
  perSecond: number;
  /**
   * Less disturbed than `perSecond` by other processes on a busy machine; for a
   * pool it also shows the cost of packing and messaging (perfect: equal to the
   * inline figure).
   */
  perCpuSecond: number;
}

/** Median rates over `rounds` timed runs of `run`, after one untimed warm-up run. */
export async function measureRate(run: () => unknown, items: number, rounds: number): Promise<Rate> {
  await run();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const startCpu = process.cpuUsage();
    const start = performance.now();
    await run();
    wall.push(items / ((performance.now() - start) / 1000));
    const used = process.cpuUsage(startCpu);
    cpu.push(items / ((used.user + used.system) / 1e6));
  }
  return { perSecond: median(wall), perCpuSecond: median(cpu) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[sorted.length >> 1]!);
}

/** Throughput of `verify(checks)` on a pool with `opts`; the pool is started and stopped here. */
export async function measurePool(opts: VerifyPoolOptions, checks: readonly SignatureCheck[], rounds: number): Promise<PoolFigure> {
  const pool = new VerifyPool(opts);
  const started = performance.now();
  await pool.start();
  // Workers start on demand; start them here so that startMs keeps meaning "ready to verify".
  await pool.warm();
  const startMs = Math.round(performance.now() - started);
  try {
    const rate = await measureRate(async () => {
      if ((await pool.verify(checks)) !== -1) throw new Error('benchmark checks must all be valid');
    }, checks.length, rounds);
    return { threads: pool.options.threads, workers: pool.workerCount, backend: pool.backend!, startMs, ...rate };
  } finally {
    await pool.stop();
  }
}

/** Main-thread verifications per second of one backend. */
async function measureBackend(name: VerifierName, checks: readonly SignatureCheck[], rounds: number): Promise<Rate> {
  const verifier = createVerifier(name);
  return measureRate(() => findInvalidSignature(checks, verifier), checks.length, rounds);
}

/** What {@link runVerifyBench} measured. */
export interface VerifyBenchResult {
  bench: 'verify';
  unit: string;
  /** `loadAvg1m` above `cores` means other processes competed: trust the `perCpuSecond` figures more. */
  machine: { cores: number; cpu: string; node: string; loadAvg1m: number };
  checks: number;
  mainThread: { noble: Rate; wasm: Rate };
  pool: { oneThread: PoolFigure; allThreads: PoolFigure };
  ratios: { wasmOverNoble: number; allThreadsOverOne: number; parallelEfficiency: number; cpuEfficiency: number };
}

/** Runs the benchmark and returns its figures (see the module comment). */
export async function runVerifyBench(opts: VerifyBenchOptions = {}): Promise<VerifyBenchResult> {
  const count = opts.checks ?? 4_000;
  const rounds = opts.rounds ?? 5;
  const checks = makeSignatureChecks(count, opts.distinct);
  const cores = availableParallelism();
  const loadAvg1m = round2(loadavg()[0]!);
  // noble is roughly ten times slower: a tenth of the checks gives the same timing resolution.
  const noble = await measureBackend('noble', checks.slice(0, Math.ceil(count / 10)), rounds);
  const wasm = await measureBackend('wasm', checks, rounds);
  const one = await measurePool({ threads: 1 }, checks, rounds);
  const all = await measurePool({ threads: cores }, checks, rounds);
  return {
    bench: 'verify',
    unit: 'BIP340 verifications per second',
    machine: { cores, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, loadAvg1m },
    checks: count,
    mainThread: { noble, wasm },
    pool: { oneThread: one, allThreads: all },
    ratios: {
      /** By CPU time, which a busy machine disturbs less; single-threaded, it equals wall time on an idle one. */
      wasmOverNoble: round2(wasm.perCpuSecond / noble.perCpuSecond),
      allThreadsOverOne: round2(all.perSecond / one.perSecond),
      /** Speed-up per thread: 1 would be perfect scaling. */
      parallelEfficiency: round2(all.perSecond / one.perSecond / Math.max(1, all.threads)),
      /** CPU spent per verification inline over with workers: below 1 by the cost of packing and messaging. */
      cpuEfficiency: round2(all.perCpuSecond / one.perCpuSecond),
    },
  };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await runVerifyBench(), null, 2));
}
