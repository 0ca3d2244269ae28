/**
 * The test bed of the p2p flood tests (test/e2e/p2p/floods*.test.ts): honest
 * nodes B — A with A serving JSON-RPC, flooders (EvilPeers) connected to A
 * only, honest traffic to send during a flood, the state a flood must leave
 * alone, and measurements: the largest value a gauge reached, the heap after
 * a forced garbage collection, B's headers requests to A timed.
 */
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect } from 'vitest';
import { regtest } from '../../src/consensus/params.js';
import type { Block } from '../../src/primitives/block.js';
import type { Transaction } from '../../src/primitives/tx.js';
import { payTo, spend, TestChain } from './chain.js';
import { EvilPeer } from './evil-peer.js';
import { blast } from './floods.js';
import { waitUntil, type TestNetwork, type TestNode } from './network.js';
import { RpcProbe } from './rpc-probe.js';

/** Records the largest value of each gauge, read every `intervalMs` until stopped. */
export class Sampler<K extends string> {
  readonly max: Record<K, number>;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly gauges: Record<K, () => number>, intervalMs = 20) {
    this.max = Object.fromEntries(Object.keys(gauges).map((k) => [k, Number.NEGATIVE_INFINITY])) as Record<K, number>;
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  private sample(): void {
    for (const key of Object.keys(this.gauges) as K[]) this.max[key] = Math.max(this.max[key], this.gauges[key]());
  }

  stop(): Record<K, number> {
    clearInterval(this.timer);
    this.sample();
    return this.max;
  }
}

let gcFn: (() => void) | undefined;

/**
 * heapUsed in bytes after a full garbage collection. V8's `gc` is exposed at
 * run time (vitest's workers are not started with --expose-gc), so what is
 * measured is what is still referenced, not what is merely not collected yet.
 */
export async function heapAfterGc(): Promise<number> {
  // Twice, with a turn of the event loop between, so that finalizers and weak callbacks settle.
  collect();
  await new Promise((r) => setImmediate(r));
  return collect();
}

/** Runs a full GC (twice) and returns the heap in use, without giving the event loop a turn. */
function collect(): number {
  if (!gcFn) {
    setFlagsFromString('--expose-gc');
    gcFn = runInNewContext('gc') as () => void;
  }
  gcFn();
  gcFn();
  return process.memoryUsage().heapUsed;
}

/**
 * Heap bytes that holding `make()`'s result takes (measured after GC both ways):
 * what keeping a flood's objects would cost, to show a memory bound is meaningful.
 * Measured without an event-loop turn between the two readings, so that a node running in
 * this process (freeing its gossip caches, say) cannot move the figure: in CI a turn there
 * once let 27 MB of the node's garbage go and halved the result.
 */
export function retainedSize(make: () => unknown): number {
  const before = collect();
  const held = make();
  const after = collect();
  // Keep `held` alive across the second measurement.
  return held === undefined ? 0 : after - before;
}

/** Bytes as megabytes with one decimal, for the reliability log. */
export function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** A change in bytes as signed megabytes ("+2.1 MB", "-0.4 MB"). */
export function mbChange(bytes: number): string {
  return `${bytes >= 0 ? '+' : '-'}${mb(Math.abs(bytes))}`;
}

/** The parts of a node's state a flood must leave alone. */
export interface NodeState {
  tip: string;
  height: number;
  utxo: string;
  mempool: string[];
}

export async function stateOf(n: TestNode): Promise<NodeState> {
  const digest = await n.node.chain.utxoDigest();
  return { tip: n.node.chain.tip.hashHex, height: n.node.chain.height, utxo: digest.hash, mempool: n.node.mempool.txids().sort() };
}

/** The honest nodes and chain of a flood test: B — A — flooders, A serving JSON-RPC. */
export interface FloodBed {
  net: TestNetwork;
  a: TestNode;
  b: TestNode;
  chain: TestChain;
  evils: EvilPeer[];
  /** Coinbase coins of `chain` already spent by {@link honestTx}. */
  coinsSpent: number;
}

/** `n` EvilPeers connected to A and handshaken as regtest peers at genesis. */
export async function flooders(bed: FloodBed, n: number): Promise<EvilPeer[]> {
  const started: EvilPeer[] = [];
  for (let i = 0; i < n; i++) {
    const evil = await EvilPeer.start();
    bed.evils.push(evil);
    await evil.connect(bed.a.address);
    await evil.handshake();
    started.push(evil);
  }
  await waitUntil(() => started.every((e) => bed.a.p2p.peers().some((p) => p.id === e.peerId)), 'A to count every flooder as a peer', 10_000);
  return started;
}

/** A valid transaction: the next unspent mature coinbase coin of the bed's chain, paid to key 1. */
export function honestTx(bed: FloodBed): Transaction {
  const { chain } = bed;
  const index = bed.coinsSpent++;
  const coin = chain.coinbaseCoins[index];
  if (!coin || chain.height + 1 - (index + 1) < chain.params.coinbaseMaturity) throw new Error('honestTx: no mature coin left; mine more blocks first');
  return spend([coin], [payTo(1, coin.output.value - 10_000n)]);
}

/**
 * Honest traffic during a flood: B sends a real transaction (`tx`, or a new one) and
 * then a real (empty) block; both must reach A. Returns them for checking the final state.
 */
export async function honestTraffic(bed: FloodBed, waitMs: number, tx = honestTx(bed)): Promise<{ tx: Transaction; block: Block }> {
  const { a, b, chain } = bed;
  expect((await b.node.sendTransaction(tx)).status).toBe('accepted');
  await waitUntil(() => a.node.mempool.has(tx.txid), 'the honest transaction to reach A', waitMs);
  const block = chain.add(chain.buildBlock());
  expect((await b.node.submitBlock(block)).status).toBe('connected');
  await waitUntil(() => a.node.chain.tip.hashHex === block.hash, 'the honest block to reach A', waitMs);
  return { tx, block };
}

/**
 * Starts the bed: a chain with `matureCoins` spendable coinbase coins, A (JSON-RPC on, and
 * `requestsPerSecond` if given) and B bootstrapping to A; the chain is fed to A and B follows it.
 */
export async function startFloodBed(net: TestNetwork, opts: { matureCoins: number; requestsPerSecond?: number }): Promise<FloodBed> {
  const chain = new TestChain();
  chain.matureCoin(opts.matureCoins - 1);
  const p2p = opts.requestsPerSecond === undefined ? {} : { requestsPerSecond: opts.requestsPerSecond };
  const a = await net.start({ name: 'a', rpc: true, p2p });
  const b = await net.start({ name: 'b', bootstrap: [a.address] });
  await waitUntil(() => a.p2p.peers().length === 1 && b.p2p.peers().length === 1, 'A and B to handshake', 10_000);
  for (const block of chain.blocks.slice(1)) await a.node.submitBlock(block);
  await waitUntil(() => b.node.chain.tip.hashHex === chain.tip.hash, 'B to follow A to the honest tip', 30_000);
  return { net, a, b, chain, evils: [], coinsSpent: 0 };
}

/** Stops every flooder of the bed (each test's afterEach). */
export async function stopFlooders(bed: FloodBed | undefined): Promise<void> {
  for (const evil of bed?.evils.splice(0) ?? []) await evil.stop();
}

/** Stops the flooders and nodes, then waits until no TCP socket or listener of them is left. */
export async function stopFloodBed(bed: FloodBed | undefined, net: TestNetwork): Promise<void> {
  await stopFlooders(bed);
  await net.stopAll();
  const sockets = () => process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP'));
  await waitUntil(() => sockets().length === 0, 'every socket and listener to close', 5_000);
}

/**
 * A small flood of the given kinds from a throwaway peer, before anything is measured:
 * V8 compiles the code a flood runs on first use (megabytes of code and sources), which
 * would otherwise count as memory growth of the first measured flood.
 */
export async function warmUp(bed: FloodBed, payloads: { blocks?: Uint8Array[]; txs?: Uint8Array[] }): Promise<void> {
  // The probe's first fetch loads Node's HTTP client (undici), megabytes of code and sources.
  const probe = new RpcProbe(bed.a);
  const [evil] = await flooders(bed, 1);
  const count = () => Object.values(bed.a.p2p.totals().gossip).reduce((x, y) => x + y, 0);
  const before = count();
  const blocks = await blast(evil!, 'blocks', payloads.blocks ?? []);
  const txs = await blast(evil!, 'txs', payloads.txs ?? []);
  await waitUntil(() => count() - before >= blocks.sent + txs.sent, 'A to handle the warm-up flood', 20_000);
  await stopFlooders(bed);
  await waitUntil(() => !bed.a.p2p.peers().some((p) => p.id === evil!.peerId), 'A to drop the warm-up peer', 10_000);
  const { answers } = await probe.stop();
  if (answers === 0) throw new Error('warmUp: the RPC probe got no answer');
}

/**
 * B asks A for headers every `intervalMs` until stopped, timing each answer: a peer
 * flooded with requests must keep serving honest peers. An answer that fails, or
 * does not hold A's whole chain, counts as a failure.
 */
export class HeadersProbe {
  private readonly latencies: number[] = [];
  private failures = 0;
  private running = true;
  private readonly loop: Promise<void>;

  constructor(bed: FloodBed, intervalMs = 100) {
    this.loop = (async () => {
      while (this.running) {
        const started = performance.now();
        const heightBefore = bed.a.node.chain.height;
        const headers = await bed.b.p2p.getHeaders(bed.a.p2p.peerId, [regtest.genesisHash]).catch(() => []);
        // A's chain may grow while the request is out (the honest traffic mines a block): either height is an answer.
        const complete = headers.length > 0 && headers.length >= heightBefore && headers.length <= bed.a.node.chain.height;
        if (complete) this.latencies.push(performance.now() - started);
        else this.failures++;
        await new Promise((r) => setTimeout(r, intervalMs));
      }
    })();
  }

  /** Stops probing; resolves to the number of answers, failures and the slowest answer in ms. */
  async stop(): Promise<{ answers: number; failures: number; maxMs: number }> {
    this.running = false;
    await this.loop;
    return { answers: this.latencies.length, failures: this.failures, maxMs: Math.max(0, ...this.latencies) };
  }
}
