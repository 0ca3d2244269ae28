/**
 * Long-chain benchmark: what a node holding many blocks pays to start and to
 * keep its block index in memory. It writes a regtest chain of empty blocks'
 * index records straight into a chain database, through the chain's own record
 * encodings and ChainDB (header records, best-chain height records, the tips,
 * the tip's undo record: what the loader reads; block bodies are read only when
 * used, so they are left out), grows it to each size of the curve, and at each
 * one starts the node's real loader (`Chain.open`) in a fresh process, timing
 * it and measuring the heap and RSS growth it causes. The curve ends at a
 * million blocks (a year of a 30-second testnet), measured, not extrapolated:
 * building it takes well under a minute. A straight line through the sizes
 * below a million still extrapolates to it (`extrapolated1M`), as a check of
 * the growth (and the only figure when `heights` stops short of it).
 *
 *   npx tsx scripts/bench/longchain.ts        # prints JSON; progress on stderr
 *   npx tsx scripts/bench/longchain.ts --heights 50000,200000   # other sizes
 *
 * `runLongchainBench()` is exported for the top-level runner (scripts/bench.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { Chain } from '../../src/chain/chain.js';
import { ChainDB, type BatchOp } from '../../src/chain/chaindb.js';
import { keys } from '../../src/chain/layout.js';
import { BlockStatus, encodeHeaderRecord, encodeUndo } from '../../src/chain/records.js';
import { getBlockWork } from '../../src/consensus/pow.js';
import { regtest } from '../../src/consensus/params.js';
import { BlockHeader } from '../../src/primitives/block.js';
import { hashFromHex } from '../../src/primitives/bytes.js';

export interface LongchainBenchOptions {
  /** Chain heights measured, ascending. Default 50,000, 100,000, 200,000, 500,000, 1,000,000. */
  heights?: number[];
}

/** Seconds between blocks: the testnet's spacing. */
const SPACING = 30;
const BATCH = 10_000;
const TARGET = { bytesPerBlock: 300, startMsAt1M: 10_000 };
const MILLION = 1_000_000;

function progress(message: string): void {
  process.stderr.write(`longchain: ${message}\n`);
}

/** Appends index records for heights `from + 1`..`to` after `prev` (hash, time, work); returns the new tip. */
export async function extend(db: ChainDB, tip: { hash: Uint8Array; time: number; work: bigint; height: number }, to: number) {
  const work = getBlockWork(regtest.powLimitBits);
  let ops: BatchOp[] = [];
  let { hash, time, work: chainWork } = tip;
  for (let height = tip.height + 1; height <= to; height++) {
    time += SPACING;
    chainWork += work;
    const merkleRootBytes = new Uint8Array(32);
    new DataView(merkleRootBytes.buffer).setUint32(0, height);
    const header = new BlockHeader({ version: 1, prevHashBytes: hash, merkleRootBytes, time, bits: regtest.powLimitBits, nonce: height });
    hash = header.hashBytes;
    ops.push({ type: 'put', key: keys.header(hash), value: encodeHeaderRecord({ header, height, status: BlockStatus.HAVE_DATA | BlockStatus.VALID, chainWork }) });
    ops.push({ type: 'put', key: keys.height(height), value: hash });
    if (ops.length >= BATCH || height === to) {
      await db.batch(ops);
      ops = [];
    }
  }
  await db.batch([
    { type: 'put', key: keys.undo(hash), value: encodeUndo([]) },
    { type: 'put', key: keys.tip(), value: hash },
    { type: 'put', key: keys.blockTip(), value: hash },
  ]);
  return { hash, time, work: chainWork, height: to };
}

interface Measured {
  height: number;
  startMs: number;
  /** CPU time of the start (all threads): what a busy machine disturbs less than wall time. */
  startCpuMs: number;
  heapBytesPerBlock: number;
  rssBytesPerBlock: number;
}

/** In a fresh process: opens the chain at `path` with the real loader; its time and memory growth. */
function measureInChild(path: string): Measured {
  const script = fileURLToPath(import.meta.url);
  const out = spawnSync(process.execPath, ['--import', 'tsx', script, '--measure', path], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (out.status !== 0) throw new Error(`measuring ${path} failed: ${out.stderr}`);
  return JSON.parse(out.stdout) as Measured;
}

/** The child's side: memory before and after `Chain.open`, collected. */
async function measure(path: string): Promise<Measured> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const memory = () => {
    gc();
    gc();
    const m = process.memoryUsage();
    return { heap: m.heapUsed + m.arrayBuffers, rss: m.rss };
  };
  const before = memory();
  const chain = new Chain({ path, params: regtest });
  const started = performance.now();
  const cpu = process.cpuUsage();
  await chain.open();
  const startMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const after = memory();
  const height = chain.height;
  await chain.close();
  return {
    height,
    startMs: Math.round(startMs),
    startCpuMs: Math.round((used.user + used.system) / 1000),
    heapBytesPerBlock: Math.round((after.heap - before.heap) / height),
    rssBytesPerBlock: Math.round((after.rss - before.rss) / height),
  };
}

/** Least-squares line through (x, y): its value at `at`. */
function extrapolate(points: readonly { x: number; y: number }[], at: number): number {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  const slope = sxx === 0 ? my / mx : points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0) / sxx;
  return Math.round(my + slope * (at - mx));
}

/** Builds the chain size by size and measures a start at each (see the module comment). */
export async function runLongchainBench(opts: LongchainBenchOptions = {}): Promise<object> {
  const heights = opts.heights ?? [50_000, 100_000, 200_000, 500_000, MILLION];
  const dir = await mkdtemp(join(tmpdir(), 'tally-bench-longchain-'));
  try {
    const path = join(dir, 'chain');
    const genesis = new Chain({ path, params: regtest });
    await genesis.open();
    await genesis.close();
    const db = new ChainDB(path);
    await db.open(regtest.name);
    let tip = { hash: hashFromHex(regtest.genesisHash), time: 1_700_000_000, work: getBlockWork(regtest.powLimitBits), height: 0 };
    const curve: (Measured & { buildMs: number })[] = [];
    try {
      for (const height of heights) {
        const started = performance.now();
        tip = await extend(db, tip, height);
        const buildMs = Math.round(performance.now() - started);
        await db.close();
        const point = { ...measureInChild(path), buildMs };
        progress(`${height} blocks: start ${point.startMs} ms (${point.startCpuMs} ms CPU), ${point.heapBytesPerBlock} B/block heap, ${point.rssBytesPerBlock} B/block RSS (built in ${buildMs} ms)`);
        curve.push(point);
        await db.open(regtest.name);
      }
    } finally {
      await db.close();
    }
    const last = curve[curve.length - 1]!;
    // Fitted on the sizes below a million only, so that it can be held against the measurement.
    const fit = curve.filter((p) => p.height < MILLION);
    const fitted = fit.length > 0 ? fit : curve;
    const startMsAt1M = extrapolate(fitted.map((p) => ({ x: p.height, y: p.startMs })), MILLION);
    const startCpuMsAt1M = extrapolate(fitted.map((p) => ({ x: p.height, y: p.startCpuMs })), MILLION);
    const atMillion = curve.find((p) => p.height === MILLION);
    const at200k = curve.find((p) => p.height === 200_000);
    return {
      bench: 'longchain',
      unit: 'start: ms of Chain.open (the real loader) in a fresh process; memory: growth of heap+array buffers (and RSS) from before to after it, per block, after a full GC',
      blocks: last.height,
      /** Heap growth per block at the largest size: what the block index costs. */
      bytesPerBlock: last.heapBytesPerBlock,
      rssBytesPerBlock: last.rssBytesPerBlock,
      startMs: last.startMs,
      startCpuMs: last.startCpuMs,
      curve,
      extrapolated1M: { startMs: startMsAt1M, startCpuMs: startCpuMsAt1M, indexMB: Math.round((last.heapBytesPerBlock * MILLION) / 1e6), fittedOn: fitted.map((p) => p.height) },
      /** The start at a million blocks as measured (null when the curve stops short of it). */
      measured1M: atMillion ? { startMs: atMillion.startMs, startCpuMs: atMillion.startCpuMs, bytesPerBlock: atMillion.heapBytesPerBlock, buildMs: atMillion.buildMs } : null,
      /** The start at 200,000 blocks: the largest size of earlier runs, for comparison with them. */
      at200k: at200k ? { startMs: at200k.startMs, startCpuMs: at200k.startCpuMs } : null,
      goals: TARGET,
      meetsGoals: last.heapBytesPerBlock < TARGET.bytesPerBlock && (atMillion?.startMs ?? startMsAt1M) < TARGET.startMsAt1M,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const at = process.argv.indexOf('--measure');
  const heights = process.argv.indexOf('--heights');
  if (at >= 0) console.log(JSON.stringify(await measure(process.argv[at + 1]!)));
  else console.log(JSON.stringify(await runLongchainBench(heights >= 0 ? { heights: process.argv[heights + 1]!.split(',').map(Number) } : {}), null, 2));
  process.exit(0);
}
