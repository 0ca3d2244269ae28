/**
 * The network of a scale run: `tally node` processes, one per namespace of a
 * {@link NetnsLab} on one bridge, each link capped with tbf in both
 * directions, every node seeded with the same chain. Nodes start in waves
 * (a 2-core machine cannot start 100 at once), every wait is bounded, and
 * {@link ScaleNet.close} kills every process and removes every namespace;
 * the caller makes sure it runs (finally, and on signals).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NetnsLab, type LabHost } from './netns.js';
import type { NodeProcess } from './node-process.js';
import { capEgress, tbfQdisc } from './swarm-lab.js';
import { copyChain } from './swarm-chain.js';
import { NsNode, killAll } from '../e2e/netns/cluster.js';

/** A node answering RPC on a machine running 100 of them can take a while. */
const RPC_TIMEOUT_MS = 180_000;
/** Longest wait for a node to listen: a wave of starts on a busy 2-core machine is slow. */
const START_TIMEOUT_MS = 120_000;

/** Available memory under which the nodes are killed, to protect the rest of the machine. */
const MIN_AVAILABLE_BYTES = 1_500_000_000;

/**
 * Neighbour (ARP) table limits while a run lasts. The kernel's table is one for all namespaces,
 * and its default hard limit (gc_thresh3, 1024 entries) is what 30 nodes that each talk to 30
 * others need: past it no new neighbour is resolved, and connections to the nodes' RPC and
 * between nodes time out. Raised, never lowered.
 */
const NEIGHBOUR_LIMITS = { gc_thresh1: 4096, gc_thresh2: 8192, gc_thresh3: 16384 };

/** Raises the neighbour table limits (left raised after the run: a concurrent lab may need them too). */
function raiseNeighbourLimits(): void {
  const path = (name: string) => `/proc/sys/net/ipv4/neigh/default/${name}`;
  const old = Object.fromEntries(Object.keys(NEIGHBOUR_LIMITS).map((k) => [k, Number(readFileSync(path(k), 'utf8'))]));
  // gc_thresh3 first: the kernel refuses thresholds that would fall out of order.
  for (const name of ['gc_thresh3', 'gc_thresh2', 'gc_thresh1'] as const) {
    writeFileSync(path(name), String(Math.max(old[name]!, NEIGHBOUR_LIMITS[name])));
  }
}

/** How the nodes of a scale run start. */
export interface ScaleNetOptions {
  nodes: number;
  /** Link cap, bits per second, each direction of every node's link; 0 leaves links uncapped. */
  rateBits: number;
  /** Folder for the datadirs (removed by close()). */
  root: string;
  /** Seed datadir whose chain every node starts from. */
  seedDir: string;
  /** Nodes started at once. */
  wave: number;
  /** More `tally node` arguments for every node. */
  args: readonly string[];
  /** Progress lines go here. */
  log: (line: string) => void;
}

/** A node of the run with what the run needs to restart it. */
export interface ScaleNode {
  index: number;
  node: NsNode;
  /** Arguments it was last started with (besides the common ones). */
  args: string[];
  alive: boolean;
}

/** Nodes in namespaces; node 0 is the one bootstrap address every other node is given. */
export class ScaleNet {
  readonly lab: NetnsLab;
  readonly nodes: ScaleNode[] = [];
  /** Every process started, for the kill at close(). */
  readonly running: NodeProcess[] = [];
  private closed = false;
  private readonly watchdog: ReturnType<typeof setInterval>;

  private constructor(readonly opts: ScaleNetOptions) {
    raiseNeighbourLimits();
    this.lab = new NetnsLab([opts.nodes]);
    this.watchdog = setInterval(() => this.checkMemory(), 2_000).unref();
  }

  /**
   * The machine is shared: when its available memory falls under {@link MIN_AVAILABLE_BYTES},
   * every node is killed (the run then fails on its next wait) before the kernel's OOM killer
   * picks some other process.
   */
  private checkMemory(): void {
    const available = Number(/MemAvailable:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? Infinity) * 1024;
    if (available >= MIN_AVAILABLE_BYTES || this.closed) return;
    this.opts.log(`only ${Math.round(available / 1e6)} MB of memory left: killing every node`);
    void killAll(this.running);
  }

  /** Builds the namespaces, caps the links and makes each node's datadir and key (nothing runs yet). */
  static async create(opts: ScaleNetOptions): Promise<ScaleNet> {
    const net = new ScaleNet(opts);
    try {
      for (const host of net.lab.hosts) {
        if (opts.rateBits > 0) net.cap(host);
        const datadir = join(opts.root, `n${host.index}`);
        copyChain(opts.seedDir, datadir);
        const node = await NsNode.create(net.lab, host, `n${host.index}`, datadir);
        node.rpcTimeoutMs = RPC_TIMEOUT_MS;
        net.nodes.push({ index: host.index, node, args: [], alive: false });
      }
    } catch (err) {
      await net.close();
      throw err;
    }
    return net;
  }

  /** tbf on the namespace's end (what the node sends) and on the bridge's end (what it receives). */
  private cap(host: LabHost): void {
    capEgress(host, this.opts.rateBits);
    const rootEnd = `${this.lab.id}d${host.index}`;
    execFileSync('tc', ['qdisc', 'replace', 'dev', rootEnd, 'root', ...tbfQdisc(this.opts.rateBits)], { stdio: 'ignore', timeout: 10_000 });
  }

  get bootstrap(): ScaleNode {
    return this.nodes[0]!;
  }

  alive(): ScaleNode[] {
    return this.nodes.filter((n) => n.alive);
  }

  /**
   * Starts `which` in waves of `opts.wave`, each with `args(node)` besides the common
   * arguments; resolves when all listen. Returns the time the last one was listening.
   */
  async start(which: readonly ScaleNode[], args: (n: ScaleNode) => string[]): Promise<number> {
    for (let i = 0; i < which.length; i += this.opts.wave) {
      const wave = which.slice(i, i + this.opts.wave);
      await Promise.all(wave.map(async (n) => {
        n.args = args(n);
        await n.node.start(this.running, { args: [...this.opts.args, ...n.args], listenTimeoutMs: START_TIMEOUT_MS });
        n.alive = true;
      }));
      this.opts.log(`started ${Math.min(i + wave.length, which.length)}/${which.length} nodes`);
    }
    return Date.now();
  }

  /** The `--bootstrap` arguments every node but node 0 gets. */
  bootstrapArgs(n: ScaleNode): string[] {
    return n.index === 0 ? [] : ['--bootstrap', this.bootstrap.node.address];
  }

  /** SIGKILLs `which` (as a crash would) and waits, bounded, for them to exit. */
  async kill(which: readonly ScaleNode[]): Promise<void> {
    await killAll(which.map((n) => n.node.proc));
    for (const n of which) n.alive = false;
  }

  /** Stops `which` gracefully (SIGTERM; SIGKILL after 20 s) so that they save their state. */
  async stop(which: readonly ScaleNode[]): Promise<void> {
    await Promise.all(which.map(async (n) => {
      const proc = n.node.proc;
      const timer = setTimeout(() => void proc.kill('SIGKILL'), 20_000);
      await proc.kill('SIGTERM');
      clearTimeout(timer);
      n.alive = false;
    }));
  }

  /** Resident set of each alive node's process (MB), from /proc. */
  rssMb(): number[] {
    return this.alive().map((n) => {
      const status = readFileSync(`/proc/${n.node.proc.child.pid}/status`, 'utf8');
      return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
    });
  }

  /** CPU time (user plus system, ms) each alive node's process has used so far, from /proc. */
  cpuMs(): number[] {
    return this.alive().map((n) => {
      // Fields after the command name: utime and stime are the 12th and 13th, in clock ticks (100 a second).
      const fields = readFileSync(`/proc/${n.node.proc.child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) * 10;
    });
  }

  /**
   * Proportional set size of each alive node (MB): its resident memory with pages shared between
   * processes (the node binary's ~40 MB of code) divided among them, so that the sum over nodes
   * is what they take from the machine.
   */
  pssMb(): number[] {
    return this.alive().map((n) => {
      const rollup = readFileSync(`/proc/${n.node.proc.child.pid}/smaps_rollup`, 'utf8');
      return Math.round(Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0) / 1024);
    });
  }

  /** The last `lines` log lines and stderr of every node that started, for a report of what went wrong. */
  tails(lines: number): string {
    return this.nodes.filter((n) => n.args.length > 0 || n.alive).map((n) => {
      const proc = n.node.proc;
      const state = proc.child.exitCode !== null || proc.child.signalCode !== null ? `exited ${proc.child.exitCode ?? proc.child.signalCode}` : 'running';
      return [`== ${n.node.name} (${state})`, ...proc.lines.slice(-lines).map((l) => JSON.stringify(l)), ...proc.stderr.slice(-lines)].join('\n');
    }).join('\n');
  }

  /** Kills every process, deletes the namespaces and the datadirs. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.watchdog);
    await killAll(this.running);
    this.lab.cleanup();
    rmSync(this.opts.root, { recursive: true, force: true });
  }
}
