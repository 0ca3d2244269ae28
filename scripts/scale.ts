/**
 * `npm run scale`: a testnet in a box (issue 16). N real `tally node`
 * processes, each in its own network namespace on one bridge, every link
 * capped with tbf (both directions), all given one bootstrap address. It
 * measures, and writes to `<out>/scale.json` with SVG plots beside it:
 *
 * - discovery: time from the last start until every node has `--min-peers`
 *   peers and the peer graph (getpeerinfo) is connected;
 * - blocks of about `--block-kb` built from transactions gossiped first,
 *   mined by a few nodes in turn: time to 50/90/100% of the nodes, p50/p95
 *   over blocks, compact relay, then every node restarted with
 *   `--blockrelay full` and the same again; wire bytes per node per block
 *   (getnettotals) and RSS per node (/proc);
 * - churn: kill -9 of `--churn` of the nodes (the bootstrap node first),
 *   blocks among the survivors, and the killed nodes restarted with no
 *   bootstrap address: the time until they are back in a connected graph at
 *   the tip.
 *
 * Every wait is bounded; namespaces, processes and datadirs are removed at
 * the end, on error and on SIGINT/SIGTERM. Needs root, `ip` and a built
 * dist/ (`npm run scale` builds); elsewhere it prints why and exits 0.
 *
 *   npm run scale -- --nodes 30 --blocks 3 --out /tmp/scale
 */
// Before anything that loads libp2p (Promise.withResolvers on Node 20), as the CLI does.
import '../src/polyfills.js';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { buildScaleSeed, coinsNeeded } from '../test/helpers/scale-chain.js';
import { peerGraph, quantile } from '../test/helpers/scale-measure.js';
import { ScaleNet } from '../test/helpers/scale-net.js';
import { nodeLabSkipReason } from '../test/helpers/swarm-lab.js';
import { churn, discover, relayBlocks, restartWith, warmUp, type ScaleRunOptions } from '../test/helpers/scale-run.js';
import { parseScaleArgs, type ScaleArgs } from './scale/args.js';
import { scaleSpecs, writePlots } from './scale/plots.js';
import { scaleReport, type ScaleMeasurements } from './scale/report.js';

/**
 * Arguments of every node, sized for a hundred nodes sharing two cores and 24 GB, as a small
 * machine's node would be configured: one verify thread (worker threads add memory, not speed,
 * when every core is busy; a 1 MB block of a dozen transactions verifies inline anyway) and the
 * smallest chain-state cache Core allows (4 MB; the default of 100 MB would hold a run's coins).
 */
const NODE_ARGS = ['--verify-threads', '1', '--dbcache', '4'];
/**
 * V8 flags of every node (NODE_OPTIONS), the small-node setup of docs/OPERATING.md: young
 * generation capped at 2 MB a semi-space (startup and block handling otherwise grow it to 16 MB,
 * 32 MB committed, that an idle node keeps), and the old generation at 160 MB. Without that cap
 * V8 sizes its heap for this machine's 24 GB and collects so seldom that each 1 MB block leaves
 * ~100 MB of garbage (and the native buffers it holds) in every node; a 1 MB block needs about
 * 100 MB live at its peak, so 160 leaves room. The price is more collection: about 1.5x the
 * CPU per block.
 */
const NODE_V8_OPTIONS = '--max-semi-space-size=2 --max-old-space-size=160';
/**
 * glibc malloc settings of every node: two arenas instead of eight per core (threads of the
 * libuv pool, V8's GC helpers and LevelDB would each grow one); allocations of 4 kB and more
 * in their own mappings, returned when freed, and free memory above 1 MB at the heap's top
 * returned at once (glibc's defaults grow both thresholds up to 32 MB, which a node then keeps).
 * The 4 kB threshold is for LevelDB's memtable, built of 4 kB blocks on libuv's threads: a
 * block's chain-state flush (coins and address records of a 1 MB block, about 4 MB) is freed
 * once written (chain/memtable-flush.ts), but blocks scattered among live ones stay resident.
 * Measured on 8 nodes after five 990 kB blocks, median RSS 20 s after them: 102 MB with a
 * 64 kB threshold, 87 MB with 4 kB (111 MB before the memtable was written out).
 */
const NODE_MALLOC_ENV = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '4096', MALLOC_TRIM_THRESHOLD_: '1048576' };

/** Quiet time after the compact blocks before RSS is read again. */
const SETTLE_MS = 20_000;

const median = (values: number[]) => quantile(values, 0.5);

function progress(line: string): void {
  process.stderr.write(`scale: ${line}\n`);
}

/**
 * Longest wait for a block (or its transactions) to reach every node: every node validates it,
 * so on two cores the time grows with the node count (about 1.5 s of CPU per node for 1 MB).
 */
function blockWaitMs(nodes: number): number {
  return Math.max(120_000, nodes * 3_000);
}

/**
 * Copies dist/ (with package.json, and node_modules linked) under `root` and returns its CLI: every
 * node of a run, restarts included, then runs the code that was built when the run began, even if
 * dist/ is rebuilt meanwhile (a node started while tsc rewrites dist/ fails to load).
 */
function snapshotDist(root: string, dist?: string): string {
  const repo = resolve(import.meta.dirname, '..');
  const app = join(root, 'app');
  cpSync(dist ? resolve(dist) : join(repo, 'dist'), join(app, 'dist'), { recursive: true });
  cpSync(join(repo, 'package.json'), join(app, 'package.json'));
  symlinkSync(join(repo, 'node_modules'), join(app, 'node_modules'));
  // A build from before the bundle (scripts/bundle.js) has only the unbundled CLI.
  const bundled = join(app, 'dist', 'bundle', 'tally.js');
  return existsSync(bundled) ? bundled : join(app, 'dist', 'cli', 'index.js');
}

/** Idle time measured by `--idle-only`: two of the nodes' 30 s status and ping rounds. */
const IDLE_ONLY_MS = 60_000;

/** Share of a core each node used over `ms` with nothing to do (the mesh formed, no blocks, no transactions). */
async function idleCpu(net: ScaleNet, ms = SETTLE_MS): Promise<number[]> {
  const before = net.cpuMs();
  await new Promise((r) => setTimeout(r, ms));
  return net.cpuMs().map((used, i) => Math.round(((used - before[i]!) / ms) * 1000) / 10);
}

/**
 * `--cpu-prof <dir>`: every node preloads scale/cpu-prof.mjs, which profiles between two SIGUSR2
 * (Node refuses --cpu-prof in NODE_OPTIONS, and a whole-life profile would be mostly the start).
 */
function enableCpuProf(dir: string): void {
  mkdirSync(dir, { recursive: true });
  process.env.TALLY_CPU_PROF_DIR = resolve(dir);
  const preload = resolve(import.meta.dirname, 'scale', 'cpu-prof.mjs');
  process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, `--import=${preload}`].filter(Boolean).join(' ');
}

/** Starts or ends (and writes) the CPU profile of every alive node. */
function toggleCpuProf(net: ScaleNet): void {
  for (const n of net.alive()) n.node.proc.child.kill('SIGUSR2');
}

/** Pause between the two idle windows of `--idle-only`: the first catches the end of discovery, the second a settled network. */
const IDLE_SETTLE_MS = 60_000;

/** What the nodes logged since `from` (line counts per node), by message, over all nodes: dials, evictions and DHT rounds show up here. */
function loggedSince(net: ScaleNet, from: number[]): Record<string, number> {
  const logged: Record<string, number> = {};
  net.alive().forEach((n, i) => {
    for (const line of n.node.proc.lines.slice(from[i])) logged[String(line.msg)] = (logged[String(line.msg)] ?? 0) + 1;
  });
  return logged;
}

/** One idle window: CPU per node, load, and what was logged meanwhile. */
async function idleWindow(net: ScaleNet, profile: boolean) {
  const lines = net.alive().map((n) => n.node.proc.lines.length);
  const loadBefore = loadavg().map((x) => Math.round(x * 100) / 100);
  if (profile) toggleCpuProf(net);
  const cpu = await idleCpu(net, IDLE_ONLY_MS);
  if (profile) toggleCpuProf(net);
  const sorted = [...cpu].sort((a, b) => a - b);
  const load = loadavg().map((x) => Math.round(x * 100) / 100);
  return { cpuPercent: cpu, median: median(cpu), max: sorted.at(-1), loadBefore, loadAfter: load, logged: loggedSince(net, lines) };
}

/**
 * `--idle-only`: the mesh, then two windows of {@link IDLE_ONLY_MS} with nothing to do, into
 * `<out>/idle.json`: one at once (the end of discovery) and one after {@link IDLE_SETTLE_MS} more.
 * With `--cpu-prof` each node profiles the second and writes `<dir>/<pid>.cpuprofile`.
 */
async function measureIdle(net: ScaleNet, args: ScaleArgs, run: ScaleRunOptions, out: string): Promise<void> {
  const discovery = await discover(net, 'compact', run);
  progress(`mesh: ${discovery.graphConnected ? 'connected' : 'NOT connected'}, fewest peers ${discovery.minPeers}, after ${discovery.connectedAfterMs ?? 'no'} ms`);
  const early = await idleWindow(net, false);
  progress(`idle at once: cpu median ${early.median}%, max ${early.max}% of a core per node, load ${early.loadAfter.join(' ')}`);
  await new Promise((r) => setTimeout(r, IDLE_SETTLE_MS));
  const settled = await idleWindow(net, args.cpuProfDir !== undefined);
  const rssMb = net.rssMb();
  progress(`idle settled: cpu median ${settled.median}%, max ${settled.max}% of a core per node, load ${settled.loadAfter.join(' ')}, rss median ${median(rssMb)} MB`);
  // Time for the nodes to write their profiles.
  if (args.cpuProfDir) await new Promise((r) => setTimeout(r, 5_000));
  const degrees = (await peerGraph(net.alive())).degrees;
  const report = { nodes: args.nodes, discovery, idleMs: IDLE_ONLY_MS, settleMs: IDLE_SETTLE_MS, early, settled, degreesAtEnd: degrees, rssMb, pids: net.alive().map((n) => n.node.proc.child.pid), cpuProfDir: args.cpuProfDir };
  writeFileSync(join(out, 'idle.json'), JSON.stringify(report, null, 2) + '\n');
  console.log(`idle.json: ${join(out, 'idle.json')}`);
}

/** The measuring part of a run, on a network already created. */
async function measure(net: ScaleNet, args: ScaleArgs, run: ScaleRunOptions, coins: Parameters<typeof relayBlocks>[1], sofar: Record<string, unknown>) {
  const discovery = await discover(net, 'compact', run);
  progress(`mesh: ${discovery.graphConnected ? 'connected' : 'NOT connected'}, fewest peers ${discovery.minPeers}, after ${discovery.connectedAfterMs ?? 'no'} ms`);
  const rssAfterDiscoveryMb = net.rssMb();
  Object.assign(sofar, { discovery, rssAfterDiscoveryMb });
  const idleCpuPercent = await idleCpu(net);
  sofar.idleCpuPercent = idleCpuPercent;
  progress(`idle: rss ${median(rssAfterDiscoveryMb)} MB, cpu ${median(idleCpuPercent)}% of a core per node (median)`);
  await warmUp(net, net.nodes, run);
  const compact = await relayBlocks(net, coins, args.blocks, run, progress);
  const rssAfterBlocksMb = net.rssMb();
  const pssAfterBlocksMb = net.pssMb();
  Object.assign(sofar, { compact, rssAfterBlocksMb, pssAfterBlocksMb });
  // V8 gives back what a block left behind once the node has been idle a few seconds (its memory reducer).
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const rssSettledMb = net.rssMb();
  progress(`rss after the blocks ${median(rssAfterBlocksMb)} MB (pss ${median(pssAfterBlocksMb)}), ${SETTLE_MS / 1000} s later ${median(rssSettledMb)} MB`);
  sofar.rssSettledMb = rssSettledMb;
  const churned = await churn(net, coins, args.churnShare, args.churnBlocks, run, progress);
  sofar.churn = churned;
  progress(`churn: survivors ${churned.survivorsConnected ? 'connected' : 'NOT connected'}; restarted nodes rejoined after ${churned.rejoinedAfterMs ?? 'no'} ms`);
  const fullRestart = await restartWith(net, 'full', run);
  progress(`restarted with --blockrelay full: mesh after ${fullRestart.connectedAfterMs ?? 'no'} ms`);
  const full = await relayBlocks(net, coins, args.blocks, run, progress);
  return { discovery, compact, full, churn: churned, fullRestart, rssAfterDiscoveryMb, idleCpuPercent, rssAfterBlocksMb, pssAfterBlocksMb, rssSettledMb };
}

async function main(): Promise<void> {
  const args = parseScaleArgs(process.argv.slice(2));
  const skipped = nodeLabSkipReason();
  if (skipped) {
    console.log(`scale: skipped: ${skipped}`);
    return;
  }
  const started = performance.now();
  process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, NODE_V8_OPTIONS].filter(Boolean).join(' ');
  if (args.cpuProfDir) enableCpuProf(args.cpuProfDir);
  Object.assign(process.env, NODE_MALLOC_ENV);
  const out = resolve(args.out);
  mkdirSync(out, { recursive: true });
  const root = mkdtempSync(join(tmpdir(), 'tally-scale-'));
  process.env.TALLY_CLI = snapshotDist(root, args.dist);
  const run: ScaleRunOptions = { minPeers: args.minPeers, meshMs: args.meshS * 1000, blockBytes: args.blockKb * 1000, blockMs: blockWaitMs(args.nodes), miners: args.miners };
  let net: ScaleNet | undefined;
  const sofar: Record<string, unknown> = {};
  const onSignal = (signal: NodeJS.Signals) => {
    progress(`${signal}: cleaning up`);
    writeFileSync(join(out, 'partial.json'), JSON.stringify({ nodes: args.nodes, failed: signal, ...sofar }, null, 2) + '\n');
    void (net?.close() ?? Promise.resolve()).finally(() => {
      rmSync(root, { recursive: true, force: true });
      process.exit(130);
    });
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  try {
    const seed = await buildScaleSeed(join(root, 'seed'), coinsNeeded(2 * args.blocks + args.churnBlocks, run.blockBytes));
    net = await ScaleNet.create({ nodes: args.nodes, rateBits: args.rateMbit * 1e6, root: join(root, 'nodes'), seedDir: seed.dir, wave: args.wave, args: NODE_ARGS, log: progress });
    if (args.idleOnly) return await measureIdle(net, args, run, out);
    const measured = await measure(net, args, run, seed.coins, sofar);
    const settings = { ...args, nodeArgs: NODE_ARGS, nodeOptions: process.env.NODE_OPTIONS, nodeEnv: NODE_MALLOC_ENV, cpus: availableParallelism(), memoryGb: Math.round(totalmem() / 1e9), loadAvgAtEnd: loadavg().map((x) => Math.round(x * 100) / 100) };
    const m: ScaleMeasurements = { nodes: args.nodes, settings, ...measured, seconds: Math.round((performance.now() - started) / 1000) };
    const plots = await writePlots(out, scaleSpecs({ compact: m.compact, full: m.full }, m.discovery.degrees, m.rssAfterBlocksMb));
    const report = scaleReport(m, plots);
    writeFileSync(join(out, 'scale.json'), JSON.stringify(report, null, 2) + '\n');
    console.log(`scale.json: ${join(out, 'scale.json')}`);
    for (const [name, path] of Object.entries(plots)) console.log(`plot ${name}: ${path}`);
  } catch (err) {
    // What was measured before the failure, for the record (not the scale.json other scripts read).
    writeFileSync(join(out, 'partial.json'), JSON.stringify({ nodes: args.nodes, failed: String(err), ...sofar }, null, 2) + '\n');
    if (net) writeFileSync(join(out, 'failure-logs.txt'), net.tails(30) + '\n');
    if (net) progress(`the nodes' last log lines: ${join(out, 'failure-logs.txt')}`);
    throw err;
  } finally {
    await net?.close();
    rmSync(root, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (err: unknown) => {
  console.error(`scale: failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
