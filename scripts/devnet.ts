/**
 * A local devnet in one command: N `tally node` processes (the built CLI,
 * dist/bundle/tally.js) on 127.0.0.1 with OS-chosen ports, each bootstrapping to
 * every node started before it, two of them mining paced regtest blocks. It
 * prints a table of the nodes, then one line per event (blocks connected and
 * disconnected, peers, reorganizations, warnings); Ctrl-C stops every node
 * cleanly and exits 0.
 *
 *   npm run devnet                                             # 4 nodes, a block every 5 s from each of 2 miners
 *   npm run devnet -- --nodes 6 --block-interval 1 --dir ./devnet
 *   npx tsx scripts/devnet.ts --help
 *
 * Without `--dir` the datadirs live in a fresh temporary folder that is
 * removed on exit; with it they are kept, so a second run continues the chain.
 * A node that exits on its own (or never starts listening) stops the devnet:
 * its last stderr lines are printed and the exit status is 1.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const CLI = fileURLToPath(new URL('../dist/bundle/tally.js', import.meta.url));
/** How long a node may take to print its addresses. */
const START_TIMEOUT_MS = 30_000;
/** How long the nodes get to shut down after SIGTERM before they are killed. */
const STOP_TIMEOUT_MS = 10_000;
/** Signals closer together than this count as one Ctrl-C. */
const SIGNAL_DEBOUNCE_MS = 1_000;
/** Lines of a node's stderr kept for the report when it dies. */
const STDERR_TAIL = 20;

const USAGE = `usage: tsx scripts/devnet.ts [options]
  --nodes <n>             nodes to run, 1..32 (default 4)
  --miners <n>            how many of them mine (default 2, at most --nodes)
  --network <name>        regtest (default) or testnet
  --block-interval <s>    seconds between each miner's paced regtest blocks (default 5)
  --dir <path>            base folder for the datadirs (default: a temporary folder, removed on exit)
  -h, --help              this text`;

interface DevnetOptions {
  nodes: number;
  miners: number;
  network: 'regtest' | 'testnet';
  blockInterval: number;
  /** Base folder given by the user (kept), or undefined for a temporary one (removed). */
  dir: string | undefined;
}

class UsageError extends Error {}

function parseOptions(argv: string[]): DevnetOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      nodes: { type: 'string' }, miners: { type: 'string' }, network: { type: 'string' },
      'block-interval': { type: 'string' }, dir: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const nodes = integer('--nodes', values.nodes ?? '4', 1, 32);
  const miners = integer('--miners', values.miners ?? String(Math.min(2, nodes)), 0, nodes);
  const network = values.network ?? 'regtest';
  if (network !== 'regtest' && network !== 'testnet') throw new UsageError(`--network expects regtest or testnet, got "${network}"`);
  const blockInterval = Number(values['block-interval'] ?? '5');
  if (!Number.isFinite(blockInterval) || blockInterval < 0) throw new UsageError(`--block-interval expects seconds >= 0, got "${values['block-interval']}"`);
  return { nodes, miners, network, blockInterval, dir: values.dir === undefined ? undefined : resolve(values.dir) };
}

function integer(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${name} expects an integer in ${min}..${max}, got "${text}"`);
  return n;
}

/** One JSON log line of a node (pino fields). */
interface LogLine {
  level?: number;
  time?: number;
  msg?: string;
  [key: string]: unknown;
}

/** A `tally node` child process and what it has told us. */
class DevnetNode {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  readonly stderrTail: string[] = [];
  address?: string;
  /** `http://127.0.0.1:PORT/`, once the node printed it. */
  rpcUrl?: string;
  metricsUrl?: string;
  private printedAddresses = false;
  private readyWaiter?: () => void;

  constructor(readonly name: string, readonly datadir: string, readonly mining: boolean, private readonly expectRpc: boolean,
    args: string[], onLog: (node: DevnetNode, line: LogLine) => void) {
    // Own process group: a terminal's Ctrl-C reaches only the devnet, which then stops each node exactly once.
    this.child = spawn(process.execPath, [CLI, 'node', ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.exited = new Promise((done) => this.child.on('exit', (code, signal) => done(signal ? null : code)));
    createInterface({ input: this.child.stdout! }).on('line', (text) => {
      if (text.startsWith('{')) {
        let line: LogLine;
        try {
          line = JSON.parse(text) as LogLine;
        } catch {
          return; // a line cut short at exit: nothing to report
        }
        // Logged before the node dials anyone, so peers can be named from their first connection.
        if (line.msg === 'p2p listening' && Array.isArray(line.addresses) && line.addresses.length > 0) this.setAddress(String(line.addresses[0]));
        onLog(this, line);
      } else if (text.startsWith('P2P addresses: ')) {
        this.setAddress(text.slice('P2P addresses: '.length).split(' ')[0]!);
        this.printedAddresses = true;
        this.checkReady();
      } else if (text.startsWith('Metrics: ')) {
        this.metricsUrl = text.slice('Metrics: '.length).trim();
      } else if (text.startsWith('RPC: ')) {
        this.rpcUrl = text.slice('RPC: '.length).split(' ')[0];
        this.checkReady();
      }
    });
    createInterface({ input: this.child.stderr! }).on('line', (text) => {
      this.stderrTail.push(text);
      if (this.stderrTail.length > STDERR_TAIL) this.stderrTail.shift();
    });
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get peerId(): string | undefined {
    return this.address?.split('/p2p/')[1];
  }

  setAddress(address: string): void {
    this.address ??= address;
  }

  /** The node printed its P2P address (and its RPC address, when it has an RPC server): it is fully started. */
  private get ready(): boolean {
    return this.printedAddresses && this.address !== undefined && (!this.expectRpc || this.rpcUrl !== undefined);
  }

  private checkReady(): void {
    if (this.ready) this.readyWaiter?.();
  }

  /** Resolves once the node is fully started; rejects if it exits or stays silent for `ms`. */
  waitUntilReady(ms: number): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`${this.name} did not print its addresses within ${ms / 1000} s`)), ms);
      this.readyWaiter = () => {
        clearTimeout(timer);
        done();
      };
      void this.exited.then((code) => {
        clearTimeout(timer);
        fail(new Error(`${this.name} exited (code ${code}) before listening`));
      });
    });
  }
}

/**
 * Whether this build of `tally node` runs a JSON-RPC server (`--rpc-port` in its help): every
 * node then needs a port of its own, and `--rpc-port 0` lets the OS pick one.
 */
function hasRpc(): boolean {
  const help = spawnSync(process.execPath, [CLI, 'node', '--help'], { encoding: 'utf8', timeout: 15_000 }).stdout ?? '';
  return help.includes('--rpc-port');
}

class Devnet {
  readonly nodes: DevnetNode[] = [];
  private stopping = false;

  constructor(private readonly opts: DevnetOptions, private readonly baseDir: string, private readonly removeBaseDir: boolean) {}

  /** Starts node 0, then each further node bootstrapping to all the nodes before it. */
  async start(): Promise<void> {
    const rpc = hasRpc();
    for (let i = 0; i < this.opts.nodes && !this.stopping; i++) {
      const name = `node${i}`;
      const datadir = join(this.baseDir, name);
      mkdirSync(datadir, { recursive: true });
      const mining = i < this.opts.miners;
      const node = new DevnetNode(name, datadir, mining, rpc, this.nodeArgs(datadir, mining, rpc), (n, line) => this.onLog(n, line));
      this.nodes.push(node);
      void node.exited.then((code) => this.onExit(node, code));
      await node.waitUntilReady(START_TIMEOUT_MS);
    }
  }

  private nodeArgs(datadir: string, mining: boolean, rpc: boolean): string[] {
    const args = ['--network', this.opts.network, '--datadir', datadir, '--listen', '/ip4/127.0.0.1/tcp/0', '--log-format', 'json', '--log-level', 'info'];
    for (const earlier of this.nodes) args.push('--bootstrap', earlier.address!);
    // Regtest proof of work is trivial: mining on the node's main thread costs less than waking workers.
    if (mining) args.push('--mine', '--block-interval', String(this.opts.blockInterval), ...(this.opts.network === 'regtest' ? ['--miner-threads', '0'] : []));
    if (rpc) args.push('--rpc-bind', '127.0.0.1', '--rpc-port', '0', '--explorer', '--metrics', '--metrics-port', '0');
    return args;
  }

  printTable(): void {
    const rows = [['name', 'pid', 'role', 'P2P address', 'datadir', 'RPC']];
    for (const n of this.nodes) {
      rows.push([n.name, String(n.child.pid), n.mining ? 'miner' : 'relay', n.address ?? '-', n.datadir, n.rpcUrl ?? '-']);
    }
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
    for (const row of rows) out(row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd());
    const first = this.nodes.find((n) => n.rpcUrl);
    for (const n of this.nodes) if (n.metricsUrl) out(`${n.name} metrics: ${n.metricsUrl}   explorer: ${n.rpcUrl ?? '-'}`);
    if (first) out(`RPC (credentials in each datadir's .cookie): curl --user "$(cat ${join(first.datadir, '.cookie')})" --data '{"jsonrpc":"2.0","id":1,"method":"help"}' ${first.rpcUrl}`);
    else out('RPC: not available in this build of `tally node`');
    const every = this.opts.network === 'regtest' ? ` every ${this.opts.blockInterval} s` : '';
    out(`devnet: ${this.nodes.length} nodes up, ${this.opts.miners} mining${every}; data in ${this.baseDir}; Ctrl-C stops them`);
  }

  /** One compact line per interesting log event. */
  private onLog(node: DevnetNode, line: LogLine): void {
    const text = this.describe(line);
    if (text === undefined) return;
    const time = new Date(typeof line.time === 'number' ? line.time : Date.now()).toISOString().slice(11, 23);
    out(`${time} ${node.name.padEnd(6)} ${text}`);
  }

  private describe(line: LogLine): string | undefined {
    const hash = (value: unknown) => String(value ?? '').slice(0, 12);
    switch (line.msg) {
      case 'block connected':
        return `block   #${line.height} ${hash(line.hash)} ${line.txs} tx`;
      case 'block disconnected':
        return `unblock #${line.height} ${hash(line.hash)}`;
      case 'reorganized':
        return `reorg   fork at #${line.fork}, depth ${line.depth}, new tip ${hash(line.newTip)}`;
      case 'peer connected':
        return `peer+   ${this.peerName(line.peer)} (${line.direction}, ${line.peers} peers)`;
      case 'peer disconnected':
        return `peer-   ${this.peerName(line.peer)} (${line.peers} peers)`;
      default:
        return (line.level ?? 0) >= 40 ? `${(line.level ?? 0) >= 50 ? 'error' : 'warn '}   ${line.msg}${line.err ? `: ${String(line.err)}` : ''}` : undefined;
    }
  }

  private peerName(peer: unknown): string {
    return this.nodes.find((n) => n.peerId === peer)?.name ?? `${String(peer).slice(0, 16)}…`;
  }

  private onExit(node: DevnetNode, code: number | null): void {
    if (this.stopping) return;
    err(`devnet: ${node.name} (pid ${node.child.pid}) exited unexpectedly with ${code === null ? `signal ${node.child.signalCode}` : `code ${code}`}`);
    for (const line of node.stderrTail) err(`  ${node.name}! ${line}`);
    void this.stop(1);
  }

  /** SIGTERM to every node, a bounded wait, SIGKILL to stragglers, then exit with `code`. Idempotent. */
  async stop(code: number): Promise<never> {
    if (this.stopping) return new Promise<never>(() => undefined);
    this.stopping = true;
    const alive = this.nodes.filter((n) => n.alive);
    if (alive.length > 0) err(`devnet: stopping ${alive.length} node${alive.length === 1 ? '' : 's'}…`);
    for (const n of alive) n.child.kill('SIGTERM');
    const all = Promise.all(alive.map((n) => n.exited));
    const timedOut = await Promise.race([all.then(() => false), sleep(STOP_TIMEOUT_MS).then(() => true)]);
    if (timedOut) {
      for (const n of this.nodes.filter((x) => x.alive)) {
        err(`devnet: ${n.name} did not stop within ${STOP_TIMEOUT_MS / 1000} s; killing it`);
        n.child.kill('SIGKILL');
      }
      await Promise.race([all, sleep(2_000)]);
      code = code || 1;
    }
    if (this.removeBaseDir) rmSync(this.baseDir, { recursive: true, force: true });
    err(`devnet: stopped${this.removeBaseDir ? '' : `; data kept in ${this.baseDir}`}`);
    process.exit(code);
  }

  /** Last resort when the process exits without stop(): no node outlives the devnet. */
  killAll(): void {
    for (const n of this.nodes) if (n.alive) n.child.kill('SIGKILL');
  }

  /** After killAll(): a temporary base folder goes too (best effort; a killed node may still be closing files). */
  removeTemporaryDir(): void {
    if (this.removeBaseDir) rmSync(this.baseDir, { recursive: true, force: true, maxRetries: 3 });
  }
}

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

function err(line: string): void {
  process.stderr.write(`${line}\n`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

async function main(): Promise<void> {
  let opts;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (e) {
    err(`devnet: ${(e as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (opts === 'help') {
    out(USAGE);
    return;
  }
  if (!existsSync(CLI)) {
    err(`devnet: ${CLI} is missing; run \`npm run build\` first (npm run devnet does)`);
    process.exit(1);
  }
  const baseDir = opts.dir ?? mkdtempSync(join(tmpdir(), 'tally-devnet-'));
  const devnet = new Devnet(opts, baseDir, opts.dir === undefined);
  let firstSignalAt: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstSignalAt === undefined) {
      firstSignalAt = Date.now();
      void devnet.stop(0);
      return;
    }
    // Ctrl-C under `npm run` can arrive twice at once (from the terminal and relayed by tsx): only a
    // later, deliberate second one stops waiting for the nodes.
    if (Date.now() - firstSignalAt < SIGNAL_DEBOUNCE_MS) return;
    err(`devnet: ${signal} again; killing the nodes`);
    devnet.killAll();
    devnet.removeTemporaryDir();
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', () => devnet.killAll());
  try {
    await devnet.start();
  } catch (e) {
    err(`devnet: ${(e as Error).message}`);
    for (const n of devnet.nodes.filter((x) => x.stderrTail.length > 0)) for (const line of n.stderrTail) err(`  ${n.name}! ${line}`);
    await devnet.stop(1);
  }
  devnet.printTable();
}

await main();
