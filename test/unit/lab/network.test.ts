/** Topologies, latency models and link delays of the simulated network. */
import { describe, expect, it } from 'vitest';
import { arrivalTime, buildLinks, parseLatency, parseTopology, randomGraph } from '../../../src/lab/network.js';
import { Random } from '../../../src/lab/random.js';
import { isTallyError } from '../../../src/primitives/errors.js';

function connected(nodes: number, edges: Array<[number, number]>): boolean {
  const adj = Array.from({ length: nodes }, () => [] as number[]);
  for (const [a, b] of edges) {
    adj[a]!.push(b);
    adj[b]!.push(a);
  }
  const seen = new Set([0]);
  const stack = [0];
  while (stack.length) {
    for (const n of adj[stack.pop()!]!) {
      if (seen.has(n)) continue;
      seen.add(n);
      stack.push(n);
    }
  }
  return seen.size === nodes;
}

describe('topology', () => {
  it('builds a full mesh with every link both ways', () => {
    const links = buildLinks({ nodes: 5, topology: 'mesh', latency: { kind: 'fixed', ms: 100 }, bandwidth: 0 }, new Random(1));
    for (const [i, out] of links.entries()) {
      expect(out.map((l) => l.to).sort()).toEqual([0, 1, 2, 3, 4].filter((n) => n !== i));
      expect(out.every((l) => l.latency === 0.1)).toBe(true);
    }
  });

  it('builds connected random graphs where every node has at least the degree', () => {
    for (const seed of [1, 2, 3]) {
      const edges = randomGraph(30, 3, new Random(seed));
      expect(connected(30, edges)).toBe(true);
      const degree = new Array(30).fill(0);
      for (const [a, b] of edges) {
        degree[a]++;
        degree[b]++;
      }
      expect(Math.min(...degree)).toBeGreaterThanOrEqual(3);
      expect(edges.every(([a, b]) => a !== b)).toBe(true);
    }
  });

  it('refuses what it cannot build, with lab-bad-network', () => {
    expect(parseTopology('random:4', 10)).toEqual({ kind: 'random', degree: 4 });
    for (const bad of ['ring', 'random:1', 'random:10', 'random:x']) {
      expect(() => parseTopology(bad, 10)).toThrow(expect.objectContaining({ code: 'lab-bad-network' }));
    }
  });
});

describe('latency and bandwidth', () => {
  it('parses fixed, uniform and sampled latency', () => {
    expect(parseLatency('fixed', 250)).toEqual({ kind: 'fixed', ms: 250 });
    expect(parseLatency('uniform:10:90', 0)).toEqual({ kind: 'uniform', minMs: 10, maxMs: 90 });
    expect(parseLatency('sample:12,40.5,300', 0)).toEqual({ kind: 'sample', ms: [12, 40.5, 300] });
    let code = '';
    try {
      parseLatency('uniform:9:1', 0);
    } catch (err) {
      if (isTallyError(err, 'lab-bad-network')) code = err.code;
    }
    expect(code).toBe('lab-bad-network');
  });

  it('draws each link latency from the model, the same both ways', () => {
    const sample = [5, 50, 500];
    const links = buildLinks({ nodes: 12, topology: 'mesh', latency: { kind: 'sample', ms: sample }, bandwidth: 0 }, new Random(4));
    const drawn = new Set(links.flat().map((l) => l.latency * 1000));
    expect([...drawn].every((ms) => sample.some((s) => Math.abs(s - ms) < 1e-9))).toBe(true);
    expect(drawn.size).toBe(3);
    for (const [a, out] of links.entries()) for (const l of out) expect(links[l.to]!.find((r) => r.to === a)!.latency).toBe(l.latency);
    const uniform = buildLinks({ nodes: 12, topology: 'mesh', latency: { kind: 'uniform', minMs: 10, maxMs: 20 }, bandwidth: 0 }, new Random(4));
    expect(uniform.flat().every((l) => l.latency >= 0.01 && l.latency < 0.02)).toBe(true);
  });

  it('delays a message by latency plus size over bandwidth, queued behind the previous one', () => {
    const link = { to: 1, latency: 0.05, bandwidth: 1000, busyUntil: 0 };
    expect(arrivalTime(link, 0, 500)).toBeCloseTo(0.55, 12);
    // Sent at once: waits for the first to finish sending (0.5 s), then its own 0.5 s.
    expect(arrivalTime(link, 0, 500)).toBeCloseTo(1.05, 12);
    expect(arrivalTime(link, 5, 100)).toBeCloseTo(5.15, 12);
    expect(arrivalTime({ to: 1, latency: 0.05, bandwidth: 0, busyUntil: 0 }, 2, 1e6)).toBeCloseTo(2.05, 12);
  });
});
