/**
 * Swarm sync benchmark (issue 15): does sync get faster with more peers when
 * the links, not the cores, are the bottleneck?
 *
 * Sources and a fresh node run as real `tally node` processes (dist/), each in
 * its own network namespace with a veth pair to one bridge; each source's
 * egress is capped with `tbf`. The chain is made of ~100 KB blocks that are
 * cheap to validate (one signature each, the bulk a signed taproot annex), so
 * that the links bound the sync; the rate at which the node's own `Chain`
 * validates and stores it is reported beside the runs to show that.
 *
 * Runs (the fresh node `--connect`s only to the sources of the run):
 * - 1, 2, 3 and 8 sources, each capped at the same rate (4 Mbit/s, see FULL);
 * - mixed: 1 source at an eighth of the rate plus 2 at the full rate;
 * - stalling: 3 sources, one of which is SIGSTOPped right after its handshake
 *   (its kernel still takes requests; nothing ever answers them);
 * - big blocks: a chain of ~1 MB blocks at 16 Mbit/s, from 1 and from 3 sources.
 *
 * Time runs from the fresh node's first handshake to its tip block (both from
 * its log); bytes come from each source's qdisc counters. Every node process
 * runs at nice -10 (TALLY_SWARM_NICE), and each run reports how busy the
 * machine was and how long the fresh node waited for a core, since a busy
 * 2-core machine, not the links, can bound a sync.
 *
 *   npx tsx scripts/bench/swarm.ts [--quick]   # prints JSON; progress on stderr
 *   TALLY_SWARM_QUICK=1 npx tsx scripts/bench.ts --only swarm
 *   TALLY_SWARM_LOGS=/tmp/logs ...              # also writes each fresh node's log there (JSON lines)
 *   TALLY_SWARM_FRESH_ARGS='--sync-max-queued-blocks 1024' ...   # sync options for every fresh node
 *
 * Needs root and `ip` (it prints `skipped` with the reason otherwise) and a built dist/.
 */
// Before anything that loads libp2p (Promise.withResolvers on Node 20), as the CLI does.
import '../../src/polyfills.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { NetnsLab } from '../../test/helpers/netns.js';
import type { NodeProcess } from '../../test/helpers/node-process.js';
import { buildSwarmChain, seedDatadir, type SwarmChain, type ValidationRate } from '../../test/helpers/swarm-chain.js';
import { capEgress, nodeLabSkipReason, startSource, syncFresh } from '../../test/helpers/swarm-lab.js';
import { killAll, type NsNode } from '../../test/e2e/netns/cluster.js';
import { headline, round2, runReport, type RunReport, type SwarmRuns } from './swarm/report.js';

export interface SwarmBenchOptions {
  /** A smaller chain in every run (about a third of the time); also TALLY_SWARM_QUICK=1. */
  quick?: boolean;
}

/**
 * Sizes of the two chains and the links. The 100 KB-block runs cap each source at 4 Mbit/s: at
 * 8 Mbit/s the 8-source run asked the fresh node for 8 MB/s, which, at its ~165 ms of CPU per MB
 * (noise, decoding, checks, storage) beside 8 serving processes, needs more than this 2-core
 * machine has: the cores, not the links, bounded it. 8 × 4 Mbit/s stays below that
 * (`chain.validation` and each run's `freshCpuCores` show the headroom).
 */
const FULL = { largeBlocks: 300, blockBytes: 100_000, capBits: 4_000_000, bigBlocks: 40, bigBlockBytes: 1_000_000, bigCapBits: 16_000_000 };
const QUICK = { ...FULL, largeBlocks: 100, bigBlocks: 12 };
/** Longest wait for one sync after the first handshake; a run that takes longer is reported as not completed. */
const SYNC_TIMEOUT_MS = 150_000;
const SOURCES = 8;
/**
 * Nice value of every node process of the runs (TALLY_SWARM_NICE overrides; 0 leaves them be): on a
 * machine that other work keeps busy, the nodes keep their cores, as they would on a quiet machine.
 */
const NICE = Number(process.env.TALLY_SWARM_NICE ?? -10);
/** More arguments for every fresh node (TALLY_SWARM_FRESH_ARGS, split on spaces), to try sync options. */
const FRESH_ARGS = (process.env.TALLY_SWARM_FRESH_ARGS ?? '').split(' ').filter((a) => a !== '');

function progress(message: string): void {
  process.stderr.write(`swarm: ${message}\n`);
}

/** Everything a phase needs: the lab, a temp folder, the processes to kill. */
interface Bed {
  lab: NetnsLab;
  root: string;
  running: NodeProcess[];
}

function describeChain(chain: SwarmChain, validation: ValidationRate) {
  return { blocks: chain.height, largeBlocks: chain.largeBlocks, MB: round2(chain.bytes / 1e6), buildMs: chain.buildMs, validation };
}

/** Builds `chain`'s seed datadir, timed (the validation rate). */
async function seed(bed: Bed, name: string, chain: SwarmChain): Promise<{ dir: string; validation: ValidationRate }> {
  const dir = join(bed.root, name);
  const validation = await seedDatadir(chain, dir);
  progress(`${name}: ${chain.height} blocks, ${round2(chain.bytes / 1e6)} MB built in ${chain.buildMs} ms, validated and stored at ${validation.MBps} MB/s`);
  return { dir, validation };
}

/** Starts `count` sources on hosts 1..count serving the seed's chain, each capped at `capBits`. */
async function startSources(bed: Bed, prefix: string, seedDir: string, count: number, capBits: number): Promise<NsNode[]> {
  const hosts = bed.lab.hosts.slice(1, 1 + count);
  const sources = await Promise.all(hosts.map((h, i) => startSource(bed.lab, h, `${prefix}${i}`, join(bed.root, `${prefix}${i}`), seedDir, bed.running, NICE)));
  for (const h of hosts) capEgress(h, capBits);
  return sources;
}

/** One fresh node's sync from `sources`, whose caps are `capsBits` (set by the caller). */
async function run(bed: Bed, label: string, chain: SwarmChain, sources: readonly NsNode[], capsBits: readonly number[], stall?: readonly NsNode[]): Promise<RunReport> {
  const result = await syncFresh(`fresh-${label}`, {
    lab: bed.lab, host: bed.lab.hosts[0]!, datadir: join(bed.root, `fresh-${label}`), sources, tipHeight: chain.height, tipHash: chain.tipHash,
    timeoutMs: SYNC_TIMEOUT_MS, running: bed.running, nice: NICE, args: FRESH_ARGS, ...(stall ? { stall } : {}),
    ...(process.env.TALLY_SWARM_LOGS ? { logFile: join(process.env.TALLY_SWARM_LOGS, `fresh-${label}.jsonl`) } : {}),
  });
  const report = runReport(chain, result, capsBits);
  const events = Object.entries(report.events).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ');
  progress(`${label}: ${report.completed ? '' : `NOT COMPLETED (height ${report.height}/${chain.height}) `}${report.MB} MB in ${report.seconds} s = ${report.MBps} MB/s; `
    + `sent ${report.sentMB.join('/')} MB (waste ${report.wasteRatio}); fresh node ${report.freshCpuCores} cores, waited ${report.freshRunQueueShare} for one; machine ${report.machineBusy} busy; ${events}`);
  return report;
}

/** The 100 KB-block runs: 1, 2, 3 and 8 sources, mixed, stalling. */
async function smallBlockRuns(bed: Bed, chain: SwarmChain, seedDir: string, capBits: number) {
  const sources = await startSources(bed, 'source', seedDir, SOURCES, capBits);
  const [s0, s1, s2] = [sources[0]!, sources[1]!, sources[2]!];
  const caps = (n: number) => Array<number>(n).fill(capBits);
  const one = await run(bed, '1-source', chain, [s0], caps(1));
  const fastPair = await run(bed, '2-sources', chain, [s1, s2], caps(2));
  const three = await run(bed, '3-sources', chain, [s0, s1, s2], caps(3));
  const eight = await run(bed, '8-sources', chain, sources, caps(SOURCES));
  capEgress(s0.host, capBits / 8);
  const mixed = await run(bed, 'mixed', chain, [s0, s1, s2], [capBits / 8, capBits, capBits]);
  capEgress(s0.host, capBits);
  const stalling = await run(bed, 'stalling', chain, [s0, s1, s2], caps(3), [s0]);
  await killAll(bed.running.splice(0));
  return { one, fastPair, three, eight, mixed, stalling };
}

/** The 1 MB-block runs from 1 and from 3 sources. */
async function bigBlockRuns(bed: Bed, chain: SwarmChain, seedDir: string, capBits: number) {
  const sources = await startSources(bed, 'big', seedDir, 3, capBits);
  const bigOne = await run(bed, 'big-1-source', chain, sources.slice(0, 1), [capBits]);
  const bigThree = await run(bed, 'big-3-sources', chain, sources, [capBits, capBits, capBits]);
  await killAll(bed.running.splice(0));
  return { bigOne, bigThree };
}

/** Runs every swarm run (see the module comment) and reports their figures. */
export async function runSwarmBench(opts: SwarmBenchOptions = {}): Promise<object> {
  const skipped = nodeLabSkipReason();
  if (skipped) {
    progress(`skipped: ${skipped}`);
    return { bench: 'swarm', skipped };
  }
  const quick = opts.quick ?? process.env.TALLY_SWARM_QUICK === '1';
  const size = quick ? QUICK : FULL;
  const started = performance.now();
  const loadBefore = loadavg().map(round2);
  const small = buildSwarmChain(size.largeBlocks, size.blockBytes);
  const big = buildSwarmChain(size.bigBlocks, size.bigBlockBytes);
  const bed: Bed = { lab: new NetnsLab([1 + SOURCES]), root: mkdtempSync(join(tmpdir(), 'tally-bench-swarm-')), running: [] };
  try {
    const smallSeed = await seed(bed, 'seed-small', small);
    const bigSeed = await seed(bed, 'seed-big', big);
    const runs: SwarmRuns = { ...(await smallBlockRuns(bed, small, smallSeed.dir, size.capBits)), ...(await bigBlockRuns(bed, big, bigSeed.dir, size.bigCapBits)) };
    return {
      bench: 'swarm',
      unit: 'MB/s of blocks connected by a fresh node, from its first handshake to its tip block; caps are tbf on each source\'s egress',
      quick,
      nice: NICE,
      freshArgs: FRESH_ARGS,
      capMbit: size.capBits / 1e6,
      capNote: 'the 100 KB-block runs cap each source at 4 Mbit/s (8 Mbit/s before 2026-12-07): 8 sources at 8 Mbit/s asked the fresh node for 8 MB/s, more than its CPU per MB allows beside 8 serving processes on 2 cores',
      bigBlockCapMbit: size.bigCapBits / 1e6,
      chain: describeChain(small, smallSeed.validation),
      bigBlockChain: describeChain(big, bigSeed.validation),
      ...headline(runs, size.capBits),
      runs,
      loadAvg: { before: loadBefore, after: loadavg().map(round2) },
      totalSeconds: Math.round((performance.now() - started) / 1000),
    };
  } finally {
    await killAll(bed.running);
    bed.lab.cleanup();
    rmSync(bed.root, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await runSwarmBench({ quick: process.argv.includes('--quick') }), null, 2));
  process.exit(0);
}
