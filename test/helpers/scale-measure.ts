/**
 * What a scale run measures, over RPC and the nodes' logs: the peer graph
 * (getpeerinfo), how long a block takes to reach 50/90/100% of the nodes
 * (each node's `block connected` log line against the miner's, one clock for
 * all since every node runs on this machine), and bytes on the wire
 * (getnettotals). The pure parts (percentiles, connectivity) are exported for
 * the report and for unit checks.
 */
import type { Transaction } from '../../src/primitives/tx.js';
import { addressOf, type NsNode } from '../e2e/netns/cluster.js';
import type { ScaleNode } from './scale-net.js';
import { waitUntil } from './wait.js';

/** Connection-level RPC failures retried by {@link retried}, each after {@link RETRY_PAUSE_MS}. */
const RPC_RETRIES = 3;
const RETRY_PAUSE_MS = 1_000;

/**
 * Runs an idempotent RPC call, again when it fails before any answer (undici's `fetch failed`: a
 * reset or refused connection, which a node busy with its share of a 2-core machine now and then
 * gives). Other errors, and the last failure, are thrown with the node's name.
 */
export async function retried<T>(name: string, call: () => Promise<T>, retries = RPC_RETRIES): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const atConnection = err instanceof TypeError && err.message === 'fetch failed';
      if (!atConnection || attempt >= retries) {
        const cause = err instanceof Error && err.cause instanceof Error ? ` (${err.cause.message})` : '';
        throw new Error(`${name}: ${err instanceof Error ? err.message : String(err)}${cause}`, { cause: err });
      }
      await new Promise((r) => setTimeout(r, RETRY_PAUSE_MS));
    }
  }
}

/** The `q` quantile (0..1) of `values` by nearest rank; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** True when every id in `ids` reaches every other through `edges` (edges to ids outside `ids` are ignored). */
export function isConnected(ids: readonly string[], edges: ReadonlyMap<string, readonly string[]>): boolean {
  if (ids.length === 0) return true;
  const inside = new Set(ids);
  const seen = new Set([ids[0]!]);
  const queue = [ids[0]!];
  while (queue.length > 0) {
    for (const next of edges.get(queue.pop()!) ?? []) {
      if (inside.has(next) && !seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen.size === inside.size;
}

/** The peer graph of `nodes` as each reports it. */
export interface PeerGraph {
  edges: Map<string, string[]>;
  /** Peers each node reports, in `nodes` order. */
  degrees: number[];
  connected: boolean;
}

/** Asks each node for its peers; an edge counts from either end (a connection is one edge). */
export async function peerGraph(nodes: readonly ScaleNode[]): Promise<PeerGraph> {
  const lists = await Promise.all(nodes.map((n) => retried(n.node.name, () => n.node.peers()).catch((err: Error) => {
    process.stderr.write(`scale: getpeerinfo failed: ${err.message}\n`);
    return [] as string[];
  })));
  const edges = new Map<string, string[]>(nodes.map((n) => [n.node.peerId, []]));
  nodes.forEach((n, i) => {
    for (const peer of lists[i]!) {
      edges.get(n.node.peerId)!.push(peer);
      edges.get(peer)?.push(n.node.peerId);
    }
  });
  const ids = nodes.map((n) => n.node.peerId);
  return { edges, degrees: lists.map((l) => l.length), connected: isConnected(ids, edges) };
}

/** Polls the peer graph every second until each node has `minPeers` and the graph is connected, or `ms` pass. */
export async function waitForMesh(nodes: readonly ScaleNode[], minPeers: number, ms: number): Promise<PeerGraph & { ok: boolean }> {
  const deadline = Date.now() + ms;
  for (;;) {
    const graph = await peerGraph(nodes);
    const ok = graph.connected && Math.min(...graph.degrees) >= minPeers;
    if (ok || Date.now() > deadline) return { ...graph, ok };
    await new Promise((r) => setTimeout(r, pollMs(nodes.length)));
  }
}

/** After this long, a node that gossip has not given every transaction gets the missing ones by RPC. */
export const TOP_UP_AFTER_MS = 60_000;

/** What spreading a block's transactions took: their ids, and how many a node got by RPC because gossip missed it. */
export interface Spread {
  txids: string[];
  /** Transactions handed to nodes by RPC after {@link TOP_UP_AFTER_MS} (0 when gossip reached every mempool). */
  toppedUp: number;
}

/**
 * Submits each transaction to a different node of `nodes` and waits, bounded, until every mempool
 * holds them all. Block relay is measured with synced mempools, as the issue asks; gossip can miss a
 * node while connections churn (a message is offered again only for a few heartbeats), so after
 * {@link TOP_UP_AFTER_MS} the nodes still short get the missing transactions by RPC, once, and the
 * count is reported (`toppedUp`) rather than hidden.
 */
export async function spreadTransactions(nodes: readonly ScaleNode[], txs: readonly Transaction[], offset: number, ms: number): Promise<Spread> {
  // Retried like the polls below: a loaded node can drop a connection, and a resend is harmless
  // (a transaction already in the mempool is answered with its txid, as Core does).
  const submit = (n: ScaleNode, hex: string) => retried(n.node.name, () => n.node.rpc<string>('sendrawtransaction', hex));
  const hexes = txs.map((tx) => tx.toHex());
  const txids = await Promise.all(hexes.map((hex, i) => submit(nodes[(offset + i * 7) % nodes.length]!, hex)));
  const hexOf = new Map(txids.map((txid, i) => [txid, hexes[i]!]));
  const topUpAt = Date.now() + TOP_UP_AFTER_MS;
  let toppedUp = 0;
  // Only nodes still short of a transaction are asked again: 100 nodes polled at once load the machine being measured.
  let waiting = [...nodes];
  await waitUntil(async () => {
    const pools = await Promise.all(waiting.map((n) => retried(n.node.name, () => n.node.mempool())));
    const short = waiting.map((node, i) => ({ node, missing: txids.filter((t) => !pools[i]!.includes(t)) })).filter((s) => s.missing.length > 0);
    waiting = short.map((s) => s.node);
    if (short.length > 0 && toppedUp === 0 && Date.now() >= topUpAt) {
      toppedUp = short.reduce((sum, s) => sum + s.missing.length, 0);
      await Promise.all(short.map((s) => Promise.all(s.missing.map((t) => submit(s.node, hexOf.get(t)!)))));
    }
    return waiting.length === 0;
  }, `${txids.length} transactions in ${nodes.length} mempools`, ms, pollMs(nodes.length));
  return { txids, toppedUp };
}

/** How often to poll `nodes` nodes over RPC: twice a second for a few, every 2 s for a hundred. */
export function pollMs(nodes: number): number {
  return Math.min(2_000, Math.max(500, nodes * 20));
}

/** Bytes on the wire so far, per node, in `nodes` order. */
export async function netTotals(nodes: readonly ScaleNode[]): Promise<{ sent: number; recv: number }[]> {
  return Promise.all(nodes.map(async (n) => {
    const t = await retried(n.node.name, () => n.node.rpc<{ totalbytessent: number; totalbytesrecv: number }>('getnettotals'));
    return { sent: t.totalbytessent, recv: t.totalbytesrecv };
  }));
}

/** One block's journey: when it reached each node after its miner connected it. */
export interface BlockTrip {
  hash: string;
  bytes: number;
  /** Index of each receiving node, in the order of `delays` and `wireBytes`. */
  receivers: number[];
  /** Milliseconds after the miner connected it, per receiving node; null where it did not arrive in time. */
  delays: (number | null)[];
  /** Time for 50%, 90% and all of the receivers; null when that share never got it. */
  t50: number | null;
  t90: number | null;
  t100: number | null;
  /** Wire bytes per receiving node during the trip (sent plus received), in receiver order. */
  wireBytes: number[];
  /** Transactions of the block handed to nodes by RPC because gossip missed them (spreadTransactions). */
  toppedUp?: number;
}

/** The time by which share `q` of the receivers had the block, or null. */
function reachedBy(delays: readonly (number | null)[], q: number): number | null {
  const need = Math.ceil(q * delays.length);
  const arrived = delays.filter((d): d is number => d !== null).sort((a, b) => a - b);
  return arrived.length >= need ? (arrived[need - 1] ?? 0) : null;
}

function connectedLine(node: NsNode, hash: string, ms: number): Promise<number | null> {
  return node.proc.waitFor((l) => l.msg === 'block connected' && l.hash === hash, ms).then((l) => Number(l.time), () => null);
}

/**
 * Mines one block on `miner` holding exactly `txids`, and follows it to each of `receivers`
 * (bounded by `ms`); wire bytes are counted from just before the block to its last arrival.
 */
export async function mineAndFollow(miner: ScaleNode, receivers: readonly ScaleNode[], txids: readonly string[], ms: number): Promise<BlockTrip> {
  const before = await netTotals(receivers);
  const { hash } = await miner.node.rpc<{ hash: string }>('generateblock', addressOf(3), txids);
  const minedAt = await connectedLine(miner.node, hash, ms);
  if (minedAt === null) throw new Error(`miner ${miner.node.name} did not log block ${hash}`);
  const arrivals = await Promise.all(receivers.map((r) => connectedLine(r.node, hash, ms)));
  const after = await netTotals(receivers);
  const bytes = (await miner.node.rpc<{ size: number }>('getblock', hash, 1)).size;
  const delays = arrivals.map((t) => (t === null ? null : Math.max(0, t - minedAt)));
  return {
    hash, bytes, delays, receivers: receivers.map((r) => r.index),
    t50: reachedBy(delays, 0.5), t90: reachedBy(delays, 0.9), t100: reachedBy(delays, 1),
    wireBytes: after.map((a, i) => a.sent - before[i]!.sent + a.recv - before[i]!.recv),
  };
}
