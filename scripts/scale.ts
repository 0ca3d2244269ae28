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
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { buildScaleSeed, coinsNeeded } from '../test/helpers/scale-chain.js';
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
 * V8 flags of every node (NODE_OPTIONS): young generation capped at 2 MB a semi-space. Startup
 * and block handling otherwise grow it to 16 MB (32 MB committed) that an idle node keeps.
 */
const NODE_V8_OPTIONS = '--max-semi-space-size=2';

function progress(line: string): void {
  process.stderr.write(`scale: ${line}\n`);
}

/** The measuring part of a run, on a network already created. */
async function measure(net: ScaleNet, args: ScaleArgs, run: ScaleRunOptions, coins: Parameters<typeof relayBlocks>[1]) {
  const discovery = await discover(net, 'compact', run);
  progress(`mesh: ${discovery.graphConnected ? 'connected' : 'NOT connected'}, fewest peers ${discovery.minPeers}, after ${discovery.connectedAfterMs ?? 'no'} ms`);
  const rssAfterDiscoveryMb = net.rssMb();
  await warmUp(net, net.nodes, run);
  const compact = await relayBlocks(net, coins, args.blocks, run, progress);
  const rssAfterBlocksMb = net.rssMb();
  const churned = await churn(net, coins, args.churnShare, args.churnBlocks, run, progress);
  progress(`churn: survivors ${churned.survivorsConnected ? 'connected' : 'NOT connected'}; restarted nodes rejoined after ${churned.rejoinedAfterMs ?? 'no'} ms`);
  const fullRestart = await restartWith(net, 'full', run);
  progress(`restarted with --blockrelay full: mesh after ${fullRestart.connectedAfterMs ?? 'no'} ms`);
  const full = await relayBlocks(net, coins, args.blocks, run, progress);
  return { discovery, compact, full, churn: churned, fullRestart, rssAfterDiscoveryMb, rssAfterBlocksMb };
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
  const out = resolve(args.out);
  mkdirSync(out, { recursive: true });
  const root = mkdtempSync(join(tmpdir(), 'tally-scale-'));
  const run: ScaleRunOptions = { minPeers: args.minPeers, meshMs: args.meshS * 1000, blockBytes: args.blockKb * 1000, blockMs: 120_000, miners: args.miners };
  let net: ScaleNet | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    progress(`${signal}: cleaning up`);
    void (net?.close() ?? Promise.resolve()).finally(() => {
      rmSync(root, { recursive: true, force: true });
      process.exit(130);
    });
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  try {
    const seed = await buildScaleSeed(join(root, 'seed'), coinsNeeded(2 * args.blocks + args.churnBlocks, run.blockBytes));
    net = await ScaleNet.create({ nodes: args.nodes, rateBits: args.rateMbit * 1e6, root: join(root, 'nodes'), seedDir: seed.dir, wave: args.wave, args: NODE_ARGS, log: progress });
    const measured = await measure(net, args, run, seed.coins);
    const settings = { ...args, nodeArgs: NODE_ARGS, nodeOptions: process.env.NODE_OPTIONS, cpus: availableParallelism(), memoryGb: Math.round(totalmem() / 1e9), loadAvgAtEnd: loadavg().map((x) => Math.round(x * 100) / 100) };
    const m: ScaleMeasurements = { nodes: args.nodes, settings, ...measured, seconds: Math.round((performance.now() - started) / 1000) };
    const plots = await writePlots(out, scaleSpecs({ compact: m.compact, full: m.full }, m.discovery.degrees, m.rssAfterBlocksMb));
    const report = scaleReport(m, plots);
    writeFileSync(join(out, 'scale.json'), JSON.stringify(report, null, 2) + '\n');
    console.log(`scale.json: ${join(out, 'scale.json')}`);
    for (const [name, path] of Object.entries(plots)) console.log(`plot ${name}: ${path}`);
  } catch (err) {
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
