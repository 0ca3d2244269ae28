/**
 * Swarm sync across capped links, measured from outside: source `tally node`
 * processes in the namespaces of a {@link NetnsLab}, each source's egress
 * capped with `tbf` (the kernels here have no netem), and a fresh node that
 * syncs from some of them with `--connect`, so that it never finds the others.
 *
 * What a run measures: the time from the fresh node's first handshake to its
 * tip block, the bytes each source's link carried (its qdisc's counters, so
 * Ethernet, IP and TCP headers included), the fresh node's CPU time, and what
 * its sync log said (timeouts, reassignments, endgame, reconnects).
 */
import { execFileSync } from 'node:child_process';
import { setPriority } from 'node:os';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { netnsSupport, type LabHost, type NetnsLab } from './netns.js';
import { CLI, type LogLine, type NodeProcess } from './node-process.js';
import { NsNode } from '../e2e/netns/cluster.js';
import { copyChain } from './swarm-chain.js';

/**
 * Why this machine cannot run `tally node` processes in namespaces (no root, no `ip`, no built
 * dist/), or undefined when it can: the skip reason of the benchmarks and scripts that do.
 */
export function nodeLabSkipReason(): string | undefined {
  const support = netnsSupport();
  if (!support.ok) return support.reason;
  if (!existsSync(CLI)) return `${CLI} is missing: run \`npm run build\` first`;
  return undefined;
}

/** Bytes of Ethernet, IPv4 and TCP (with timestamps) headers on each packet of a bulk TCP flow. */
export const HEADER_BYTES_PER_PACKET = 14 + 20 + 32;

/** Counters of a host's egress qdisc. */
export interface EgressCounters {
  bytes: number;
  packets: number;
  drops: number;
}

function nsTc(host: LabHost, args: readonly string[]): string {
  try {
    return execFileSync('ip', ['netns', 'exec', host.ns, 'tc', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim();
    throw new Error(`tc ${args.join(' ')} in ${host.ns} failed: ${stderr || (err as Error).message}`);
  }
}

/**
 * Caps what `host` sends on its data link at `bitsPerSecond` with a token bucket: a burst of
 * 10 ms of the rate (at least 32 KB) and a queue of 100 ms, so TCP keeps the link busy.
 */
export function capEgress(host: LabHost, bitsPerSecond: number): void {
  nsTc(host, ['qdisc', 'replace', 'dev', host.dev, 'root', ...tbfQdisc(bitsPerSecond)]);
}

/** The `tc` words of {@link capEgress}'s token bucket (`tbf rate … burst … latency …`), for shaping other devices alike. */
export function tbfQdisc(bitsPerSecond: number): string[] {
  const burst = Math.max(32_000, Math.round(bitsPerSecond / 8 / 100));
  return ['tbf', 'rate', `${bitsPerSecond}bit`, 'burst', String(burst), 'latency', '100ms'];
}

/** What `host`'s egress qdisc has sent and dropped so far. */
export function egressCounters(host: LabHost): EgressCounters {
  const [q] = JSON.parse(nsTc(host, ['-s', '-j', 'qdisc', 'show', 'dev', host.dev, 'root'])) as Record<string, unknown>[];
  return { bytes: Number(q?.bytes ?? 0), packets: Number(q?.packets ?? 0), drops: Number(q?.drops ?? 0) };
}

function minus(a: EgressCounters, b: EgressCounters): EgressCounters {
  return { bytes: a.bytes - b.bytes, packets: a.packets - b.packets, drops: a.drops - b.drops };
}

/** Starts a source on `host` serving a copy of the seed's chain (it validates nothing, so no verify workers). */
export async function startSource(lab: NetnsLab, host: LabHost, name: string, datadir: string, seedDatadir: string, running: NodeProcess[], nice?: number): Promise<NsNode> {
  copyChain(seedDatadir, datadir);
  const node = await NsNode.create(lab, host, name, datadir);
  await node.start(running, { args: ['--verify-threads', '0'] });
  if (nice !== undefined) setNice(node.proc.child.pid!, nice);
  return node;
}

/** How a fresh node syncs in one run. */
export interface SyncRunOptions {
  lab: NetnsLab;
  host: LabHost;
  /** A datadir that does not exist yet; removed after the run. */
  datadir: string;
  sources: readonly NsNode[];
  tipHeight: number;
  tipHash: string;
  /** Longest wait for the tip after the first handshake. */
  timeoutMs: number;
  running: NodeProcess[];
  /** Sources to SIGSTOP as soon as the fresh node completed its handshake with them: peers that take requests and never answer. */
  stall?: readonly NsNode[];
  /** More `tally node` arguments for the fresh node (sync options, for an experiment). */
  args?: readonly string[];
  /** Nice value for the fresh node's threads once it started (see {@link setNice}); unchanged when absent. */
  nice?: number;
  /** Where to write the fresh node's log (JSON lines) after the run, for a closer look. */
  logFile?: string;
}

/** What one run measured. */
export interface SyncRun {
  completed: boolean;
  /** Height the fresh node reached. */
  height: number;
  /** From the first handshake to the tip block connected (or to the give-up). */
  ms: number;
  /** What each source's link carried during the run, in `sources` order. */
  sent: EgressCounters[];
  /** CPU time the fresh node used over `ms`. */
  cpuMs: number;
  /** Time the fresh node's main thread spent runnable but waiting for a core over `ms`. */
  runQueueMs: number;
  /** Share of the machine's cores busy over the run (every process, not only the nodes). */
  machineBusy: number;
  /** CPU time the sources used over `ms`, all together. */
  sourcesCpuMs: number;
  /** Counts of the fresh node's sync log lines that say where time went. */
  events: Record<string, number>;
  /** Block requests that timed out, per source name. */
  timeoutsBySource: Record<string, number>;
  /** Largest per-block timeout of a timed-out request (ms), 0 when none timed out. */
  longestTimeoutMs: number;
}

/** Log lines counted into {@link SyncRun.events}. */
const EVENTS: Record<string, string> = {
  'block request timed out; reassigning': 'timeouts',
  'block request failed; reassigning': 'failures',
  'endgame: asking a faster peer too': 'endgame',
  'moving a queued range to a faster peer': 'steals',
  'peer connected': 'connects',
  'peer disconnected': 'disconnects',
  'penalizing peer': 'penalties',
  'headers request failed': 'headerFailures',
};

let clockTicks: number | undefined;

/** User plus system CPU time of process `pid` so far (ms), from /proc. */
export function cpuTimeMs(pid: number): number {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
}

/** Time `pid`'s main thread (its event loop) has spent runnable but waiting for a core so far (ms), from schedstat. */
export function runQueueMs(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[1] ?? 0) / 1e6;
}

/**
 * Sets the nice value of every thread of `pid` (Linux applies a nice value per thread, and threads
 * made later inherit their maker's): with a negative value, the processes of a run keep their cores
 * on a machine that other work keeps busy.
 */
export function setNice(pid: number, nice: number): void {
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      setPriority(Number(tid), nice);
    } catch {
      // the thread ended meanwhile
    }
  }
}

/** Busy and total jiffies of all cores so far, from /proc/stat. */
export function machineJiffies(): { busy: number; total: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = cpu.reduce((a, b) => a + b, 0);
  return { busy: total - (cpu[3] ?? 0) - (cpu[4] ?? 0), total };
}

/** Counters of the fresh process, the sources and the machine, taken at the start and the end of a run. */
function sample(pid: number, sources: readonly NsNode[]) {
  const sourcesCpuMs = sources.reduce((n, s) => n + cpuTimeMs(s.proc.child.pid!), 0);
  return { cpuMs: cpuTimeMs(pid), runQueueMs: runQueueMs(pid), machine: machineJiffies(), sourcesCpuMs };
}

function summarize(lines: readonly LogLine[], sources: readonly NsNode[]): Pick<SyncRun, 'events' | 'timeoutsBySource' | 'longestTimeoutMs'> {
  const events: Record<string, number> = Object.fromEntries(Object.values(EVENTS).map((k) => [k, 0]));
  const timeoutsBySource: Record<string, number> = {};
  let longestTimeoutMs = 0;
  for (const line of lines) {
    const key = EVENTS[line.msg ?? ''];
    if (!key) continue;
    events[key]!++;
    if (key !== 'timeouts') continue;
    const name = sources.find((s) => s.peerId === line.peer)?.name ?? String(line.peer);
    timeoutsBySource[name] = (timeoutsBySource[name] ?? 0) + 1;
    longestTimeoutMs = Math.max(longestTimeoutMs, Number(line.timeoutMs ?? 0));
  }
  return { events, timeoutsBySource, longestTimeoutMs };
}

/** Sends SIGSTOP to each of `stall` once the fresh node's handshake with it is logged. */
function stallAfterHandshake(fresh: NodeProcess, stall: readonly NsNode[], ms: number): void {
  for (const source of stall) {
    fresh.waitFor((l) => l.msg === 'peer connected' && l.peer === source.peerId, ms)
      .then(() => process.kill(source.proc.child.pid!, 'SIGSTOP'))
      .catch(() => undefined); // never connected: it stalls nothing, and the run's figures show it
  }
}

/**
 * Starts a fresh node on `opts.host` connecting only to `opts.sources`, waits for it to reach
 * the tip (or gives up after `opts.timeoutMs`), measures, then kills it and removes its datadir.
 */
export async function syncFresh(name: string, opts: SyncRunOptions): Promise<SyncRun> {
  const fresh = await NsNode.create(opts.lab, opts.host, name, opts.datadir);
  const before = opts.sources.map((s) => egressCounters(s.host));
  const args = [...opts.sources.flatMap((s) => ['--connect', s.address]), '--log-level', 'sync=debug,info', ...(opts.args ?? [])];
  // start() makes the process before its first await: watch for handshakes from the first line on.
  const started = fresh.start(opts.running, { args });
  const pid = fresh.proc.child.pid!;
  if (opts.stall) stallAfterHandshake(fresh.proc, opts.stall, 60_000);
  const handshake = fresh.proc.waitFor((l) => l.msg === 'peer connected', 60_000).then((line) => ({ line, at: sample(pid, opts.sources) }));
  handshake.catch(() => undefined); // awaited below, after start() (which may fail first)
  try {
    await started;
    if (opts.nice !== undefined) setNice(pid, opts.nice);
    const { line: first, at: start } = await handshake;
    let completed = true;
    const last = await fresh.proc.waitFor((l) => l.msg === 'block connected' && l.height === opts.tipHeight, opts.timeoutMs)
      .catch(() => { completed = false; return { time: Date.now() } as LogLine; });
    const end = sample(pid, opts.sources);
    const after = opts.sources.map((s) => egressCounters(s.host));
    if (completed && (await fresh.tip()) !== opts.tipHash) throw new Error(`${name} reached height ${opts.tipHeight} on another chain`);
    return {
      completed,
      height: fresh.proc.lastConnectedHeight,
      ms: Number(last.time) - Number(first.time),
      sent: after.map((a, i) => minus(a, before[i]!)),
      cpuMs: Math.round(end.cpuMs - start.cpuMs),
      runQueueMs: Math.round(end.runQueueMs - start.runQueueMs),
      machineBusy: (end.machine.busy - start.machine.busy) / (end.machine.total - start.machine.total),
      sourcesCpuMs: Math.round(end.sourcesCpuMs - start.sourcesCpuMs),
      ...summarize(fresh.proc.lines, opts.sources),
    };
  } finally {
    await Promise.race([fresh.proc.kill('SIGKILL'), new Promise((r) => setTimeout(r, 5_000))]);
    if (opts.logFile) writeFileSync(opts.logFile, fresh.proc.lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    rmSync(opts.datadir, { recursive: true, force: true });
  }
}
