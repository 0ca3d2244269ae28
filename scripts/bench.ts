/**
 * Runs the benchmarks in sequence and prints one JSON object on stdout:
 * `{ machine, mining, verify, connect, rpc, propagation, sync, lab, swarm, compact, longchain }`. Progress goes to stderr.
 *
 *   npm run bench                                  # all sections
 *   npx tsx scripts/bench.ts --only connect        # one section (mining | verify | connect | rpc | propagation | sync | lab | swarm | compact | longchain)
 *
 * Exits 1 with a message on stderr when a section throws, 2 on a bad argument.
 */
// Before anything that loads libp2p (Promise.withResolvers on Node 20), as the CLI does.
import '../src/polyfills.js';
import { availableParallelism, loadavg } from 'node:os';
import { runCompactBench } from './bench/compact.js';
import { runConnectBench } from './bench/connect.js';
import { runLabBench } from './bench/lab.js';
import { runLongchainBench } from './bench/longchain.js';
import { runMiningBench } from './bench/mining.js';
import { runPropagationBench } from './bench/propagation.js';
import { runRpcBench } from './bench/rpc.js';
import { runSwarmBench } from './bench/swarm.js';
import { runSyncBench } from './bench/sync.js';
import { runVerifyBench } from './bench/verify.js';

const SECTIONS = {
  mining: runMiningBench,
  verify: runVerifyBench,
  connect: runConnectBench,
  rpc: runRpcBench,
  propagation: runPropagationBench,
  sync: runSyncBench,
  lab: runLabBench,
  swarm: runSwarmBench,
  compact: runCompactBench,
  longchain: runLongchainBench,
} as const satisfies Record<string, () => Promise<object>>;

type Section = keyof typeof SECTIONS;

function isSection(name: string): name is Section {
  return Object.hasOwn(SECTIONS, name);
}

/** The sections asked for by `--only NAME` (or `--only=NAME`); all of them without it. */
function parseArgs(argv: readonly string[]): Section[] {
  let only: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--only') only = argv[++i] ?? '';
    else if (arg.startsWith('--only=')) only = arg.slice('--only='.length);
    else throw new UsageError(`unknown argument "${arg}"`);
  }
  if (only === undefined) return Object.keys(SECTIONS) as Section[];
  if (!isSection(only)) throw new UsageError(`--only expects one of ${Object.keys(SECTIONS).join(', ')}, got "${only}"`);
  return [only];
}

class UsageError extends Error {}

function machine(): object {
  return {
    cpus: availableParallelism(),
    loadAvg: loadavg().map((x) => Math.round(x * 100) / 100),
    node: process.version,
  };
}

async function main(): Promise<number> {
  let sections: Section[];
  try {
    sections = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`bench: ${err.message}\nusage: tsx scripts/bench.ts [--only ${Object.keys(SECTIONS).join('|')}]\n`);
    return 2;
  }
  const report: Record<string, object> = { machine: machine() };
  for (const name of sections) {
    process.stderr.write(`bench: ${name}…\n`);
    try {
      report[name] = await SECTIONS[name]();
    } catch (err) {
      process.stderr.write(`bench: section "${name}" failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      return 1;
    }
  }
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  return 0;
}

// Exit explicitly: a section that failed part-way may have left worker threads running.
const code = await main();
process.exit(code);
