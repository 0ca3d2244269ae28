/**
 * Block propagation benchmark: 10 real nodes in this process (TestNetwork:
 * own LevelDB, worker pools and libp2p host on 127.0.0.1 each) joined in a
 * random mesh, each bootstrapping to 2 or 3 random earlier nodes. Blocks are
 * then mined one at a time on a random node, and the time from the block
 * joining the miner's chain to it joining every other node's chain is taken
 * from each node's 'block' event (timestamps, no polling). Reported: that
 * time to all nodes (median, p95, min, max), the same per hop distance from
 * the miner, and as the baseline measured in the same run the miner's own
 * time to make and connect the block.
 *
 * All nodes share this machine's cores, so the figures are an upper bound on
 * what the protocol costs on loopback, not a network measurement.
 *
 *   npx tsx scripts/bench/propagation.ts        # prints JSON; progress on stderr
 */
// Before anything that loads libp2p (Promise.withResolvers on Node 20), as the CLI does.
import '../../src/polyfills.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { scriptFromSecret } from '../../src/primitives/sign.js';
import { testKey } from '../../test/helpers/chain.js';
import { TestNetwork, waitUntil, type StartOptions, type TestNode } from '../../test/helpers/network.js';
import { seededRandom } from '../../test/helpers/random.js';

export interface PropagationBenchOptions {
  /** Nodes in the mesh. Default 10. */
  nodes?: number;
  /** Timed blocks. Default 20. */
  blocks?: number;
  /** Untimed blocks first, so gossipsub meshes have formed and code paths are warm. Default 3. */
  warmupBlocks?: number;
  /** Seed of the mesh and miner choices, for a reproducible layout. Default 1. */
  seed?: number;
  /** Longest wait for one block to reach every node (ms). Default 20,000. */
  blockTimeoutMs?: number;
}

/** Median, p95 (nearest rank), min, max and mean of some milliseconds, to 0.1 ms. */
export interface Stats {
  samples: number;
  medianMs: number;
  p95Ms: number;
  minMs: number;
  maxMs: number;
  meanMs: number;
}

export function stats(values: readonly number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  return {
    samples: sorted.length,
    medianMs: round1(rank(0.5)),
    p95Ms: round1(rank(0.95)),
    minMs: round1(sorted[0]!),
    maxMs: round1(sorted[sorted.length - 1]!),
    meanMs: round1(sorted.reduce((a, b) => a + b, 0) / sorted.length),
  };
}


function progress(message: string): void {
  process.stderr.write(`propagation: ${message}\n`);
}

/** When each node saw each block join its best chain (performance.now()), fed by 'block' events. */
class Arrivals {
  private readonly seen: Map<string, number>[];
  private waiter?: { hash: string; resolve: () => void };

  constructor(private readonly nodes: readonly TestNode[]) {
    this.seen = nodes.map(() => new Map());
    nodes.forEach((n, i) => n.node.on('block', (block) => this.record(i, block.hash)));
  }

  private record(index: number, hash: string): void {
    if (!this.seen[index]!.has(hash)) this.seen[index]!.set(hash, performance.now());
    if (this.waiter?.hash === hash && this.everyone(hash)) this.waiter.resolve();
  }

  private everyone(hash: string): boolean {
    return this.seen.every((m) => m.has(hash));
  }

  /** Resolves when every node has connected `hash`; rejects after `ms`, naming the nodes that have not. */
  waitForAll(hash: string, ms: number): Promise<number[]> {
    const times = () => this.seen.map((m) => m.get(hash)!);
    if (this.everyone(hash)) return Promise.resolve(times());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        const missing = this.nodes.filter((_, i) => !this.seen[i]!.has(hash)).map((n) => n.name);
        reject(new Error(`block ${hash} did not reach ${missing.join(', ')} within ${ms} ms`));
      }, ms);
      this.waiter = { hash, resolve: () => { clearTimeout(timer); this.waiter = undefined; resolve(times()); } };
    });
  }
}

/** Starts the nodes, each bootstrapping to 2-3 random earlier ones; `options(i)` adds to node i's start options. */
export async function buildMesh(net: TestNetwork, count: number, random: () => number, options: (i: number) => StartOptions = (i) => ({ name: `node${i}` })): Promise<TestNode[]> {
  const nodes: TestNode[] = [];
  for (let i = 0; i < count; i++) {
    const want = Math.min(i, 2 + Math.floor(random() * 2));
    const earlier = nodes.map((_, j) => j);
    const picks: number[] = [];
    while (picks.length < want) picks.push(earlier.splice(Math.floor(random() * earlier.length), 1)[0]!);
    nodes.push(await net.start({ ...options(i), bootstrap: picks.map((j) => nodes[j]!.address) }));
  }
  return nodes;
}

/** Hop distances from `origin` over the handshaken peer graph (-1: unreachable). */
function hopsFrom(nodes: readonly TestNode[], origin: number): number[] {
  const index = new Map(nodes.map((n, i) => [n.p2p.peerId, i]));
  const hops = nodes.map(() => -1);
  hops[origin] = 0;
  const queue = [origin];
  for (let q = 0; q < queue.length; q++) {
    const at = queue[q]!;
    for (const peer of nodes[at]!.p2p.peers()) {
      const j = index.get(peer.id);
      if (j !== undefined && hops[j] === -1) {
        hops[j] = hops[at]! + 1;
        queue.push(j);
      }
    }
  }
  return hops;
}

/** Builds the mesh, then mines and times blocks one at a time (see the module comment). */
export async function runPropagationBench(opts: PropagationBenchOptions = {}): Promise<object> {
  const count = opts.nodes ?? 10;
  const blocks = opts.blocks ?? 20;
  const seed = opts.seed ?? 1;
  const timeoutMs = opts.blockTimeoutMs ?? 20_000;
  const random = seededRandom(seed);
  const dir = await mkdtemp(join(tmpdir(), 'tally-bench-propagation-'));
  const net = new TestNetwork(dir);
  try {
    const nodes = await buildMesh(net, count, random);
    await waitUntil(() => nodes.every((n) => n.p2p.peers().length > 0) && hopsFrom(nodes, 0).every((h) => h >= 0), 'a connected mesh', 30_000);
    const arrivals = new Arrivals(nodes);
    const script = scriptFromSecret(testKey(7));
    const mineOn = async (origin: number) => {
      const started = performance.now();
      const [hash] = await nodes[origin]!.node.generate(1, script);
      const times = await arrivals.waitForAll(hash!, timeoutMs);
      for (const n of nodes) if (n.node.chain.tip.hashHex !== hash) throw new Error(`${n.name} has tip ${n.node.chain.tip.hashHex}, not ${hash}`);
      return { times, started };
    };
    for (let w = 0; w < (opts.warmupBlocks ?? 3); w++) await mineOn(Math.floor(random() * count));
    const degrees = nodes.map((n) => n.p2p.peers().length);
    progress(`${count} nodes, ${degrees.reduce((a, b) => a + b, 0) / 2} links (degrees ${degrees.join(' ')}); timing ${blocks} blocks`);

    const toAll: number[] = [];
    const produce: number[] = [];
    const byHop = new Map<number, number[]>();
    for (let b = 0; b < blocks; b++) {
      const origin = Math.floor(random() * count);
      const hops = hopsFrom(nodes, origin);
      const { times, started } = await mineOn(origin);
      const at = times[origin]!;
      produce.push(at - started);
      toAll.push(Math.max(...times) - at);
      times.forEach((t, i) => {
        if (i !== origin) byHop.set(hops[i]!, [...(byHop.get(hops[i]!) ?? []), t - at]);
      });
      progress(`block ${b + 1}/${blocks} from node${origin}: all nodes in ${(Math.max(...times) - at).toFixed(1)} ms`);
      // Let gossip's duplicate deliveries settle, so that one block's traffic does not delay the next.
      await new Promise((r) => setTimeout(r, 100));
    }
    const hopStats = Object.fromEntries([...byHop.entries()].sort(([a], [b]) => a - b).map(([h, v]) => [String(h), stats(v)]));
    return {
      bench: 'propagation',
      unit: 'milliseconds from the block joining the miner\'s chain to it joining the other nodes\' chains',
      nodes: count,
      links: degrees.reduce((a, b) => a + b, 0) / 2,
      degrees,
      seed,
      blocks,
      toAllNodes: stats(toAll),
      /** Per node, by hop distance from the miner over the peer graph. */
      byHops: hopStats,
      /** Baseline: the miner's own template, proof of work and connect (what every hop repeats, less the work). */
      minerProduceAndConnect: stats(produce),
    };
  } finally {
    await net.stopAll();
    await rm(dir, { recursive: true, force: true });
  }
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await runPropagationBench(), null, 2));
  process.exit(0);
}
