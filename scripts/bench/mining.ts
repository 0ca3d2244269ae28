/**
 * Mining throughput: header hashes per second of
 * - the node:crypto baseline (two `createHash('sha256')` calls per header),
 * - the fast hasher inline on the main thread,
 * - the miner service with one worker and with one worker per CPU,
 * all measured in the same run, about 2 s each, plus their ratios. The two
 * main-thread figures are taken in alternating slices so that they share
 * whatever load the machine has.
 *
 *   npx tsx scripts/bench/mining.ts            # prints JSON
 *
 * `runMiningBench()` is exported for a top-level bench runner.
 */
import { createHash } from 'node:crypto';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { getGenesisBlock, regtest, type NetworkParams } from '../../src/consensus/params.js';
import { bitsToTarget } from '../../src/consensus/pow.js';
import { Miner } from '../../src/mining/miner.js';
import { HeaderHasher, targetToWords } from '../../src/mining/sha256-header.js';
import { createBlockTemplate, type BlockTemplate } from '../../src/mining/template.js';

export interface MiningBenchOptions {
  /** Milliseconds per measurement. */
  durationMs?: number;
  /** Worker count of the "all workers" run; default os.availableParallelism(). */
  threads?: number;
}

/** Target 1 is never met, so every measurement hashes for its whole duration. */
const UNREACHABLE_BITS = 0x03000001;

function benchTemplate(): BlockTemplate {
  const params: NetworkParams = { ...regtest, powLimitBits: UNREACHABLE_BITS, powLimit: bitsToTarget(UNREACHABLE_BITS) };
  const genesis = getGenesisBlock(regtest);
  return createBlockTemplate({
    params,
    parent: { hashBytes: genesis.hashBytes, height: 0, time: genesis.header.time, medianTimePast: genesis.header.time },
    now: genesis.header.time + 1,
    payoutScript: Uint8Array.of(0x6a),
  });
}

/** A measurement on the main thread: each call hashes some headers and returns how many. */
type Step = () => number;

/**
 * Hashes per second of each step, run in alternating slices for `durationMs`
 * each, so that a busy machine slows all of them alike and their ratio holds.
 */
function interleaved(steps: Record<string, Step>, durationMs: number, slices = 8): Record<string, number> {
  const totals = Object.fromEntries(Object.keys(steps).map((name) => [name, { hashes: 0, ms: 0 }]));
  // Warm-up, so the optimising compiler has seen every step before timing starts.
  for (const step of Object.values(steps)) step();
  for (let slice = 0; slice < slices; slice++) {
    for (const [name, step] of Object.entries(steps)) {
      const total = totals[name]!;
      const start = performance.now();
      let elapsed = 0;
      while (elapsed < durationMs / slices) {
        total.hashes += step();
        elapsed = performance.now() - start;
      }
      total.ms += elapsed;
    }
  }
  return Object.fromEntries(Object.entries(totals).map(([name, t]) => [name, (t.hashes / t.ms) * 1000]));
}

function cryptoStep(header: Uint8Array): Step {
  const bytes = Uint8Array.from(header);
  const view = new DataView(bytes.buffer);
  let nonce = 0;
  return () => {
    for (let i = 0; i < 5000; i++) {
      view.setUint32(76, nonce++, true);
      createHash('sha256').update(createHash('sha256').update(bytes).digest()).digest();
    }
    return 5000;
  };
}

function inlineStep(header: Uint8Array): Step {
  const hasher = new HeaderHasher(header);
  const target = targetToWords(1n);
  let nonce = 0;
  return () => {
    hasher.findNonce(target, nonce, nonce + 49_999);
    nonce += 50_000;
    return 50_000;
  };
}

/** Hash rate of a Miner with `threads` workers, counted after the workers are up and warm. */
async function benchWorkers(template: BlockTemplate, threads: number, durationMs: number): Promise<number> {
  const miner = new Miner({ threads, rangeSize: 1 << 16, chunkSize: 1 << 14 });
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
  const search = miner.mineBlock(template).catch(() => undefined);
  try {
    while (miner.stats.hashes < threads * (1 << 17)) await sleep(20);
    const h0 = miner.stats.hashes;
    const t0 = performance.now();
    await sleep(durationMs);
    const rate = ((miner.stats.hashes - h0) / (performance.now() - t0)) * 1000;
    return rate;
  } finally {
    await miner.stop();
    await search;
  }
}

/** Runs every measurement and returns the figures (hashes per second) and ratios. */
export async function runMiningBench(opts: MiningBenchOptions = {}): Promise<object> {
  const durationMs = opts.durationMs ?? 2000;
  const threads = opts.threads ?? availableParallelism();
  const template = benchTemplate();
  const header = template.block.header.toBytes();
  const { cryptoBaseline, inline } = interleaved({ cryptoBaseline: cryptoStep(header), inline: inlineStep(header) }, durationMs) as Record<
    'cryptoBaseline' | 'inline',
    number
  >;
  const oneWorker = await benchWorkers(template, 1, durationMs);
  const allWorkers = await benchWorkers(template, threads, durationMs);
  const round = (x: number): number => Math.round(x);
  const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;
  return {
    bench: 'mining',
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    availableParallelism: availableParallelism(),
    // The machine may be shared: a high load average means the figures are low.
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
    durationMs,
    threads,
    hashesPerSecond: { cryptoBaseline: round(cryptoBaseline), inline: round(inline), oneWorker: round(oneWorker), allWorkers: round(allWorkers) },
    ratios: {
      inlineVsCrypto: ratio(inline, cryptoBaseline),
      oneWorkerVsCrypto: ratio(oneWorker, cryptoBaseline),
      allWorkersVsOneWorker: ratio(allWorkers, oneWorker),
      allWorkersVsCrypto: ratio(allWorkers, cryptoBaseline),
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await runMiningBench(), null, 2));
}
