/**
 * Network namespaces for partition and bad-network tests: real Linux network
 * stacks joined by veth pairs and bridges, so `tally node` processes talk over
 * TCP through a kernel path that a test can cut (a link down) or shape (`tc`).
 *
 * Layout of a lab with groups [2, 2]:
 *
 *   ns h0 ─┐                ┌─ ns h2        data: 10.X.Y.0/24, one L2 segment
 *   ns h1 ─┴─ bridge b0 ══ bridge b1 ─┴─ ns h3      (the ══ link is what
 *                  l0a   l0b                         partition() takes down)
 *
 *   every ns ── mgmt bridge (root ns holds 10.X.Y+1.1): RPC from the test,
 *   which keeps working while the data link is down.
 *
 * Nodes listen for peers only on their data address, so the management
 * segment never carries p2p traffic. Everything is named after the test
 * process's pid plus a counter, and {@link NetnsLab.cleanup} (also run at
 * process exit, and by the next lab for labs of dead processes) deletes it.
 */
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';

/** Whether this machine can run namespace tests; `reason` says why not. */
export interface Support {
  ok: boolean;
  reason?: string;
}

export interface LabHost {
  index: number;
  group: number;
  /** Namespace name. */
  ns: string;
  /** Address on the data segment (p2p). */
  ip: string;
  /** Address on the management segment (RPC from the test process). */
  mgmtIp: string;
  /** The interface inside the namespace that carries `ip`. */
  dev: string;
}

/** Counters of one qdisc, from `tc -s`. */
export interface QdiscStats {
  dev: string;
  kind: string;
  packets: number;
  bytes: number;
  drops: number;
  overlimits: number;
}

const NS_PREFIX = 'tally-';
const DATA_DEV = 'eth0';
const MGMT_DEV = 'mgmt0';
let labCounter = 0;

function ip(args: string[]): string {
  try {
    return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim();
    throw new Error(`ip ${args.join(' ')} failed: ${stderr || (err as Error).message}`);
  }
}

function tryIp(args: string[]): boolean {
  try {
    ip(args);
    return true;
  } catch {
    return false;
  }
}

function tc(ns: string | null, args: string[]): string {
  const argv = ns ? ['netns', 'exec', ns, 'tc', ...args] : args;
  try {
    return execFileSync(ns ? 'ip' : 'tc', argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim();
    throw new Error(`tc ${args.join(' ')} failed: ${stderr || (err as Error).message}`);
  }
}

function commandExists(cmd: string): boolean {
  try {
    execFileSync(cmd, ['-V'], { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

/** Can this process create network namespaces (root, `ip` present, the kernel allows it)? */
export function netnsSupport(): Support {
  if (process.platform !== 'linux') return { ok: false, reason: `network namespaces need Linux (this is ${process.platform})` };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'network namespaces need root (run the tests as root)' };
  if (!commandExists('ip')) return { ok: false, reason: 'the `ip` command (iproute2) is missing' };
  const probe = `${NS_PREFIX}probe-${process.pid}-${labCounter++}`;
  try {
    ip(['netns', 'add', probe]);
  } catch (err) {
    return { ok: false, reason: `cannot create a network namespace: ${(err as Error).message}` };
  }
  try {
    ip(['-n', probe, 'link', 'add', 'vprobe0', 'type', 'veth', 'peer', 'name', 'vprobe1']);
  } catch (err) {
    return { ok: false, reason: `cannot create a veth pair in a namespace: ${(err as Error).message}` };
  } finally {
    tryIp(['netns', 'del', probe]);
  }
  return { ok: true };
}

/** Does the kernel have the `netem` qdisc (delay, loss)? Tried on `lo` of a throwaway namespace. */
export function netemSupport(): Support {
  if (!commandExists('tc')) return { ok: false, reason: 'the `tc` command is missing' };
  const probe = `${NS_PREFIX}probe-${process.pid}-${labCounter++}`;
  try {
    ip(['netns', 'add', probe]);
  } catch (err) {
    return { ok: false, reason: `cannot create a network namespace to try netem in: ${(err as Error).message}` };
  }
  try {
    tc(probe, ['qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'delay', '1ms']);
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: `this kernel has no netem qdisc (tc: ${(err as Error).message.replace(/^tc .*? failed: /, '')})` };
  } finally {
    tryIp(['netns', 'del', probe]);
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Deletes namespaces and links of labs whose process is gone (a run that crashed before cleaning up). */
function sweepDeadLabs(): void {
  const deadPid = (pid36: string) => !pidAlive(parseInt(pid36, 36));
  for (const line of ip(['netns', 'list']).split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const m = /^tally-(?:t([0-9a-z]+)-[0-9a-z]+-h\d+|probe-(\d+)-\d+)$/.exec(name);
    if (m && (m[1] ? deadPid(m[1]) : !pidAlive(Number(m[2])))) tryIp(['netns', 'del', name]);
  }
  for (const line of ip(['-o', 'link', 'show']).split('\n')) {
    const name = /^\d+: ([^:@\s]+)/.exec(line)?.[1] ?? '';
    const m = /^t([0-9a-z]{1,6})-[0-9a-z]{1,3}(?:d\d+|m\d+|b\d+|bm|l\d+[ab])$/.exec(name);
    if (m && deadPid(m[1]!)) tryIp(['link', 'del', name]);
  }
}

interface Cidr { base: number; bits: number }

function parseCidr(text: string): Cidr | null {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)(?:\/(\d+))?$/.exec(text);
  if (!m) return null;
  const base = ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
  return { base, bits: m[5] === undefined ? 32 : Number(m[5]) };
}

function overlaps(a: Cidr, b: Cidr): boolean {
  const bits = Math.min(a.bits, b.bits);
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return ((a.base & mask) >>> 0) === ((b.base & mask) >>> 0);
}

/** Picks 10.X.Y.0/23 (data /24 + management /24) that no route or address of the root namespace touches. */
function pickSubnet(): { data: string; mgmt: string } {
  const taken: Cidr[] = [];
  for (const line of [...ip(['-4', '-o', 'route', 'show', 'table', 'all']).split('\n'), ...ip(['-4', '-o', 'addr', 'show']).split('\n')]) {
    for (const word of line.split(/\s+/)) {
      const c = parseCidr(word);
      if (c && c.bits > 0) taken.push(c);
    }
  }
  for (let attempt = 0; attempt < 50; attempt++) {
    const x = randomInt(64, 251);
    const y = randomInt(0, 127) * 2;
    const pair = parseCidr(`10.${x}.${y}.0/23`)!;
    if (!taken.some((c) => overlaps(c, pair))) return { data: `10.${x}.${y}`, mgmt: `10.${x}.${y + 1}` };
  }
  throw new Error('no free 10.x.y.0/23 found for the namespace lab');
}

/**
 * A set of namespaces in groups: hosts of a group share a bridge, and the
 * group bridges are joined in a line by veth links that {@link partition}
 * takes down and {@link heal} brings back.
 */
export class NetnsLab {
  readonly id: string;
  readonly hosts: LabHost[] = [];
  /** The root namespace's address on the management segment (RPC clients come from here). */
  readonly mgmtGateway: string;
  /** Root-namespace ends of the links between group bridges, `[a, b]` per link. */
  readonly links: [string, string][] = [];
  private readonly bridges: string[] = [];
  /** Root-namespace ends of every veth pair (deleting one end deletes the pair). */
  private readonly rootLinks: string[] = [];
  private cleaned = false;
  private readonly onExit = () => this.cleanup();

  /** @param groups hosts per group, e.g. `[2, 2]` */
  constructor(groups: readonly number[]) {
    sweepDeadLabs();
    this.id = `t${process.pid.toString(36)}-${(labCounter++).toString(36)}`;
    process.on('exit', this.onExit);
    const subnet = pickSubnet();
    this.mgmtGateway = `${subnet.mgmt}.1`;
    try {
      this.build(groups, subnet);
    } catch (err) {
      this.cleanup();
      throw err;
    }
  }

  private addBridge(name: string): void {
    ip(['link', 'add', name, 'type', 'bridge']);
    this.bridges.push(name);
    ip(['link', 'set', name, 'up']);
  }

  private build(groups: readonly number[], subnet: { data: string; mgmt: string }): void {
    const mgmtBridge = `${this.id}bm`;
    this.addBridge(mgmtBridge);
    ip(['addr', 'add', `${this.mgmtGateway}/24`, 'dev', mgmtBridge]);
    groups.forEach((_, g) => this.addBridge(`${this.id}b${g}`));
    for (let g = 0; g + 1 < groups.length; g++) {
      const [a, b] = [`${this.id}l${g}a`, `${this.id}l${g}b`];
      ip(['link', 'add', a, 'type', 'veth', 'peer', 'name', b]);
      this.rootLinks.push(a);
      ip(['link', 'set', a, 'master', `${this.id}b${g}`, 'up']);
      ip(['link', 'set', b, 'master', `${this.id}b${g + 1}`, 'up']);
      this.links.push([a, b]);
    }
    let index = 0;
    groups.forEach((size, group) => {
      for (let k = 0; k < size; k++, index++) this.addHost(index, group, subnet, mgmtBridge);
    });
  }

  private addHost(index: number, group: number, subnet: { data: string; mgmt: string }, mgmtBridge: string): void {
    const ns = `${NS_PREFIX}${this.id}-h${index}`;
    ip(['netns', 'add', ns]);
    const host: LabHost = { index, group, ns, ip: `${subnet.data}.${10 + index}`, mgmtIp: `${subnet.mgmt}.${10 + index}`, dev: DATA_DEV };
    this.hosts.push(host);
    ip(['-n', ns, 'link', 'set', 'lo', 'up']);
    for (const [rootEnd, inner, bridge, addr] of [
      [`${this.id}d${index}`, DATA_DEV, `${this.id}b${group}`, host.ip],
      [`${this.id}m${index}`, MGMT_DEV, mgmtBridge, host.mgmtIp],
    ] as const) {
      ip(['link', 'add', rootEnd, 'type', 'veth', 'peer', 'name', inner, 'netns', ns]);
      this.rootLinks.push(rootEnd);
      ip(['link', 'set', rootEnd, 'master', bridge, 'up']);
      ip(['-n', ns, 'addr', 'add', `${addr}/24`, 'dev', inner]);
      ip(['-n', ns, 'link', 'set', inner, 'up']);
    }
  }

  /** argv prefix that runs a command inside `host`'s namespace. */
  prefix(host: LabHost): string[] {
    return ['ip', 'netns', 'exec', host.ns];
  }

  /** Cuts every link between groups: frames between the group bridges are dropped from now on. */
  partition(): void {
    for (const [a, b] of this.links) {
      ip(['link', 'set', a, 'down']);
      ip(['link', 'set', b, 'down']);
    }
  }

  /** Restores every link between groups. */
  heal(): void {
    for (const [a, b] of this.links) {
      ip(['link', 'set', a, 'up']);
      ip(['link', 'set', b, 'up']);
    }
  }

  /**
   * Destroys `host`'s TCP sockets to `peers` in the kernel (`ss -K`, SOCK_DESTROY):
   * the node sees them fail as after a timeout, and the reset it sends is lost
   * if the link is down. Returns how many sockets went; 0 also where the kernel
   * lacks SOCK_DESTROY (CONFIG_INET_DIAG_DESTROY).
   */
  killConnections(host: LabHost, peers: readonly LabHost[]): number {
    let killed = 0;
    for (const peer of peers) {
      try {
        const out = execFileSync('ip', ['netns', 'exec', host.ns, 'ss', '-K', '-t', '-n', 'dst', peer.ip], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
        killed += out.split('\n').filter((l) => l.includes(`${peer.ip}:`)).length;
      } catch {
        // No ss, or no SOCK_DESTROY: nothing was killed.
      }
    }
    return killed;
  }

  /** Puts a root qdisc (`tc qdisc replace … root <qdisc>`) on both ends of every link between groups, shaping both directions. */
  shapeLinks(qdisc: readonly string[]): void {
    for (const pair of this.links) for (const dev of pair) tc(null, ['qdisc', 'replace', 'dev', dev, 'root', ...qdisc]);
  }

  /** Counters of the root qdiscs on the links between groups. */
  linkStats(): QdiscStats[] {
    return this.links.flat().map((dev) => {
      const [q] = JSON.parse(tc(null, ['-s', '-j', 'qdisc', 'show', 'dev', dev, 'root'])) as Record<string, unknown>[];
      return { dev, kind: String(q?.kind), packets: Number(q?.packets ?? 0), bytes: Number(q?.bytes ?? 0), drops: Number(q?.drops ?? 0), overlimits: Number(q?.overlimits ?? 0) };
    });
  }

  /**
   * Deletes every veth pair by its root-namespace end (at once: a deleted
   * namespace frees its interfaces later, in a kernel work queue, and not
   * before the last process in it has exited), then the bridges and the
   * namespaces. Kill the processes running in the namespaces first.
   */
  cleanup(): void {
    if (this.cleaned) return;
    this.cleaned = true;
    process.off('exit', this.onExit);
    for (const link of this.rootLinks) tryIp(['link', 'del', link]);
    for (const bridge of this.bridges) tryIp(['link', 'del', bridge]);
    for (const host of this.hosts) tryIp(['netns', 'del', host.ns]);
  }

  /** Names of this lab's namespaces and links still present (for asserting that cleanup left nothing). */
  static leftovers(id: string): string[] {
    const names = [
      ...ip(['netns', 'list']).split('\n').map((l) => l.split(' ')[0] ?? ''),
      ...ip(['-o', 'link', 'show']).split('\n').map((l) => /^\d+: ([^:@\s]+)/.exec(l)?.[1] ?? ''),
    ];
    return names.filter((n) => n.startsWith(id) || n.startsWith(`${NS_PREFIX}${id}-`));
  }
}
