/**
 * The simulated network: who is linked to whom (a full mesh, or a random graph
 * of a given degree), each link's latency (fixed, uniform, or drawn from a
 * measured sample) and bandwidth. A message of `size` bytes on a link arrives
 * after the link finishes sending what it was already sending, plus
 * size / bandwidth, plus the link's latency; so messages on one link arrive in
 * the order they were sent, as over TCP.
 */
import { LabError } from './errors.js';
import type { Random } from './random.js';

/** How each link's one-way latency is drawn (once per link, when the network is built). */
export type LatencyModel =
  | { kind: 'fixed'; ms: number }
  | { kind: 'uniform'; minMs: number; maxMs: number }
  /** Measured one-way latencies, ms: each link takes one of them at random. */
  | { kind: 'sample'; ms: readonly number[] };

/** `mesh`: every node linked to every other; `random:<d>`: see {@link randomGraph}. */
export type Topology = 'mesh' | `random:${number}`;

export interface NetworkSpec {
  nodes: number;
  topology: Topology | string;
  latency: LatencyModel;
  /** Bytes per second on each link; 0 for unlimited. */
  bandwidth: number;
}

/** One direction of a link. */
export interface Link {
  to: number;
  /** Seconds. */
  latency: number;
  /** Bytes per second, 0 for unlimited. */
  bandwidth: number;
  /** Simulated time when the link finishes sending what it was given so far. */
  busyUntil: number;
}

/** Parses a topology string; throws LabError('lab-bad-network') naming what is wrong. */
export function parseTopology(text: string, nodes: number): { kind: 'mesh' } | { kind: 'random'; degree: number } {
  if (text === 'mesh') return { kind: 'mesh' };
  const m = /^random:(\d+)$/.exec(text);
  if (!m) throw new LabError('lab-bad-network', `topology must be "mesh" or "random:<degree>", got "${text}"`);
  const degree = Number(m[1]);
  if (degree < 2 || degree > nodes - 1) throw new LabError('lab-bad-network', `random:<degree> needs 2 ≤ degree ≤ nodes − 1 (${nodes - 1}), got ${degree}`);
  return { kind: 'random', degree };
}

/** Parses `fixed`, `uniform:<min>:<max>` or `sample:<ms>,<ms>,...` (ms); `fixed` takes `defaultMs`. */
export function parseLatency(text: string, defaultMs: number): LatencyModel {
  if (text === 'fixed') return { kind: 'fixed', ms: defaultMs };
  const uniform = /^uniform:([\d.]+):([\d.]+)$/.exec(text);
  if (uniform) {
    const [minMs, maxMs] = [Number(uniform[1]), Number(uniform[2])];
    if (!(minMs <= maxMs)) throw new LabError('lab-bad-network', `uniform:<min>:<max> needs min ≤ max, got "${text}"`);
    return { kind: 'uniform', minMs, maxMs };
  }
  const sample = /^sample:([\d.]+(?:,[\d.]+)*)$/.exec(text);
  if (sample) return { kind: 'sample', ms: sample[1]!.split(',').map(Number) };
  throw new LabError('lab-bad-network', `latency must be "fixed", "uniform:<min>:<max>" or "sample:<ms>,<ms>,...", got "${text}"`);
}

/** Undirected edges of a random connected graph where every node has degree at least `degree`. */
export function randomGraph(nodes: number, degree: number, rng: Random): Array<[number, number]> {
  const adj = Array.from({ length: nodes }, () => new Set<number>());
  const link = (a: number, b: number) => {
    adj[a]!.add(b);
    adj[b]!.add(a);
  };
  // A ring through a random order keeps the graph connected; random chords then raise every degree.
  const order = rng.shuffle([...Array(nodes).keys()]);
  for (let i = 0; i < nodes; i++) link(order[i]!, order[(i + 1) % nodes]!);
  for (let a = 0; a < nodes; a++) {
    while (adj[a]!.size < degree) {
      const b = rng.integer(nodes);
      if (b !== a) link(a, b);
    }
  }
  const edges: Array<[number, number]> = [];
  for (let a = 0; a < nodes; a++) for (const b of adj[a]!) if (a < b) edges.push([a, b]);
  return edges;
}

function drawLatency(model: LatencyModel, rng: Random): number {
  if (model.kind === 'fixed') return model.ms / 1000;
  if (model.kind === 'uniform') return rng.between(model.minMs, model.maxMs) / 1000;
  return rng.choice(model.ms) / 1000;
}

/** Each node's outgoing links (both directions of an edge share its latency). */
export function buildLinks(spec: NetworkSpec, rng: Random): Link[][] {
  const topo = parseTopology(spec.topology, spec.nodes);
  const edges: Array<[number, number]> = [];
  if (topo.kind === 'mesh') {
    for (let a = 0; a < spec.nodes; a++) for (let b = a + 1; b < spec.nodes; b++) edges.push([a, b]);
  } else {
    edges.push(...randomGraph(spec.nodes, topo.degree, rng));
  }
  const out: Link[][] = Array.from({ length: spec.nodes }, () => []);
  for (const [a, b] of edges) {
    const latency = drawLatency(spec.latency, rng);
    out[a]!.push({ to: b, latency, bandwidth: spec.bandwidth, busyUntil: 0 });
    out[b]!.push({ to: a, latency, bandwidth: spec.bandwidth, busyUntil: 0 });
  }
  return out;
}

/** When a message of `size` bytes sent at `now` arrives over `link`; marks the link busy meanwhile. */
export function arrivalTime(link: Link, now: number, size: number): number {
  if (link.bandwidth <= 0) return now + link.latency;
  const start = Math.max(now, link.busyUntil);
  link.busyUntil = start + size / link.bandwidth;
  return link.busyUntil + link.latency;
}
