/**
 * The phases of a scale run, shared by `npm run scale` (scripts/scale.ts)
 * and its 12-node test: discovery from one bootstrap address, blocks of
 * gossiped transactions relayed compact or full, and churn (kill -9 a share
 * of the nodes, keep mining, restart them without a bootstrap address).
 */
import { addressOf } from '../e2e/netns/cluster.js';
import type { OwnedCoin } from './chain.js';
import { largeTransactions } from './scale-chain.js';
import { mineAndFollow, peerGraph, pollMs, quantile, retried, spreadTransactions, waitForMesh, type BlockTrip, type PeerGraph } from './scale-measure.js';
import type { ScaleNet, ScaleNode } from './scale-net.js';
import { waitUntil } from './wait.js';

/** Block relay modes of `--blockrelay`. */
export type RelayMode = 'compact' | 'full';

/** Sizes and bounds of a run. */
export interface ScaleRunOptions {
  /** Peers each node must reach (capped at nodes - 1). */
  minPeers: number;
  /** Longest wait for the mesh after the last node started. */
  meshMs: number;
  /** Bytes of each measured block. */
  blockBytes: number;
  /** Longest wait for a block to reach every node, and for transactions to reach every mempool. */
  blockMs: number;
  /** Nodes that mine, taking turns (nodes 1..miners; node 0 is the bootstrap). */
  miners: number;
}

/** What discovery measured. */
export interface Discovery {
  connectedAfterMs: number | null;
  minPeers: number;
  graphConnected: boolean;
  degrees: number[];
}

/** Starts every node with the bootstrap address and relay `mode`, then waits for the mesh. */
export async function discover(net: ScaleNet, mode: RelayMode, opts: ScaleRunOptions): Promise<Discovery> {
  const lastStart = await net.start(net.nodes, (n) => [...net.bootstrapArgs(n), '--blockrelay', mode]);
  const mesh = await waitForMesh(net.nodes, Math.min(opts.minPeers, net.nodes.length - 1), opts.meshMs);
  return { connectedAfterMs: mesh.ok ? Date.now() - lastStart : null, minPeers: Math.min(...mesh.degrees), graphConnected: mesh.connected, degrees: mesh.degrees };
}

/** The miner of block `round`: miners take turns. */
export function minerFor(net: ScaleNet, round: number, opts: ScaleRunOptions): ScaleNode {
  const miners = Math.max(1, Math.min(opts.miners, net.nodes.length - 1));
  return net.nodes[1 + (round % miners)]!;
}

/**
 * Mines one empty block with the wall-clock time and waits until `nodes` have it: the seed's
 * chain is old, and a node leaves initial block download (and relays transactions) once its tip is recent.
 */
export async function warmUp(net: ScaleNet, nodes: readonly ScaleNode[], opts: ScaleRunOptions): Promise<void> {
  const miner = minerFor(net, 0, opts);
  // Retried: a second block, if the first call did mine one, only moves the tip one further.
  const [hash] = await retried(miner.node.name, () => miner.node.rpc<string[]>('generatetoaddress', 1, addressOf(3)));
  let behind = [...nodes];
  await waitUntil(async () => {
    const tips = await Promise.all(behind.map((n) => retried(n.node.name, () => n.node.tip())));
    behind = behind.filter((_, i) => tips[i] !== hash);
    return behind.length === 0;
  }, 'the warm-up block on every node', opts.blockMs, pollMs(nodes.length));
}

/** `blocks` blocks of gossiped transactions, each mined by the next miner and followed to every other alive node. */
export async function relayBlocks(net: ScaleNet, coins: OwnedCoin[], blocks: number, opts: ScaleRunOptions, log: (l: string) => void): Promise<BlockTrip[]> {
  const trips: BlockTrip[] = [];
  for (let round = 0; round < blocks; round++) {
    const alive = net.alive();
    const miner = minerFor(net, round, opts);
    const { txids, toppedUp } = await spreadTransactions(alive, largeTransactions(coins, opts.blockBytes), round, opts.blockMs);
    const trip = { ...(await mineAndFollow(miner, alive.filter((n) => n !== miner), txids, opts.blockMs)), toppedUp };
    trips.push(trip);
    const topUps = toppedUp > 0 ? ` (${toppedUp} transactions handed by RPC to nodes gossip had missed)` : '';
    log(`block ${round + 1}/${blocks} (${Math.round(trip.bytes / 1000)} kB) by ${miner.node.name}: 50% ${trip.t50} ms, 90% ${trip.t90} ms, all ${trip.t100} ms${topUps}`);
  }
  return trips;
}

/** p50 and p95 over blocks of the time to 50%, 90% and all nodes (a block that never reached a share counts as Infinity). */
export function propagationSummary(trips: readonly BlockTrip[]) {
  const over = (pick: (t: BlockTrip) => number | null) => {
    const values = trips.map((t) => pick(t) ?? Infinity);
    const fin = (x: number) => (Number.isFinite(x) ? x : null);
    return { p50: fin(quantile(values, 0.5)), p95: fin(quantile(values, 0.95)) };
  };
  const half = over((t) => t.t50);
  const most = over((t) => t.t90);
  const all = over((t) => t.t100);
  return { blocks: trips.length, p50HalfMs: half.p50, p95HalfMs: half.p95, p50NinetyMs: most.p50, p95NinetyMs: most.p95, p50AllMs: all.p50, p95AllMs: all.p95 };
}

/** What churn measured. */
export interface Churn {
  killed: number;
  survivorsConnected: boolean;
  trips: BlockTrip[];
  rejoinedAfterMs: number | null;
  /** Peers of each restarted node once rejoined (or at the give-up). */
  rejoinedDegrees: number[];
}

/**
 * Kills `share` of the nodes that do not mine (node 0, the bootstrap, among the first), checks that the
 * survivors' graph stays connected, relays `blocks` blocks among them, restarts the killed nodes without
 * any bootstrap address (peers.json and the DHT only) and times until each is at the survivors' tip with a peer.
 */
export async function churn(net: ScaleNet, coins: OwnedCoin[], share: number, blocks: number, opts: ScaleRunOptions, log: (l: string) => void): Promise<Churn> {
  const miners = new Set(Array.from({ length: opts.miners }, (_, r) => minerFor(net, r, opts)));
  const victims = net.nodes.filter((n) => !miners.has(n)).slice(0, Math.round(share * net.nodes.length));
  await net.kill(victims);
  log(`killed ${victims.length} nodes with SIGKILL`);
  const survivors = net.alive();
  const mesh = await waitForMesh(survivors, 1, opts.meshMs);
  const trips = await relayBlocks(net, coins, blocks, opts, log);
  const restartedAt = Date.now();
  await net.start(victims, (n) => n.args.filter((a, i, all) => a !== '--bootstrap' && all[i - 1] !== '--bootstrap'));
  const tip = await survivors[0]!.node.tip();
  let last: PeerGraph | undefined;
  const rejoined = await waitUntil(async () => {
    last = await peerGraph(net.nodes);
    const tips = await Promise.all(victims.map((v) => retried(v.node.name, () => v.node.tip())));
    return last.connected && tips.every((t) => t === tip) && victims.every((v) => last!.edges.get(v.node.peerId)!.length > 0);
  }, 'the restarted nodes to rejoin and catch up', opts.meshMs, pollMs(net.nodes.length)).then(() => true, () => false);
  const degrees = last ? victims.map((v) => last!.degrees[v.index]!) : [];
  return { killed: victims.length, survivorsConnected: mesh.connected, trips, rejoinedAfterMs: rejoined ? Date.now() - restartedAt : null, rejoinedDegrees: degrees };
}

/** Stops every node gracefully and starts it again with relay `mode` (its datadir, key and peers.json kept). */
export async function restartWith(net: ScaleNet, mode: RelayMode, opts: ScaleRunOptions): Promise<Discovery> {
  await net.stop(net.alive());
  const lastStart = await net.start(net.nodes, (n) => [...net.bootstrapArgs(n), '--blockrelay', mode]);
  const mesh = await waitForMesh(net.nodes, Math.min(opts.minPeers, net.nodes.length - 1), opts.meshMs);
  return { connectedAfterMs: mesh.ok ? Date.now() - lastStart : null, minPeers: Math.min(...mesh.degrees), graphConnected: mesh.connected, degrees: mesh.degrees };
}
