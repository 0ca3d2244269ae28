/**
 * Metrics read from the services on each scrape: mempool, peers, gossip,
 * sync, miner and RPC. Running totals kept by a service are mirrored into
 * counters, so Prometheus' rate() and reset detection work on them.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { MetricsModules } from './interface.js';

type Labels<L extends string> = Partial<Record<L, string>>;

/** A counter whose value is a total kept elsewhere, copied on each scrape. */
function mirrorCounter<L extends string>(
  registry: Registry, name: string, help: string, labelNames: readonly L[], read: () => Iterable<[Labels<L>, number]>,
): void {
  new Counter<L>({
    name, help, labelNames, registers: [registry],
    collect() {
      this.reset();
      for (const [labels, value] of read()) this.inc(labels, value);
    },
  });
}

export function registerMempoolMetrics(registry: Registry, { node }: MetricsModules): void {
  const registers = [registry];
  new Gauge({ name: 'tally_mempool_transactions', help: 'Transactions in the mempool.', registers, collect() { this.set(node.mempool.info().size); } });
  new Gauge({ name: 'tally_mempool_bytes', help: 'Sum of the mempool transactions\' virtual sizes (getmempoolinfo bytes).', registers, collect() { this.set(node.mempool.info().bytes); } });
  new Gauge({ name: 'tally_mempool_usage_bytes', help: 'Estimated memory the mempool uses (getmempoolinfo usage).', registers, collect() { this.set(node.mempool.info().usage); } });
}

/** Peers and gossip; zeros when the node runs without p2p. */
export function registerP2PMetrics(registry: Registry, { p2p }: MetricsModules): void {
  new Gauge({
    name: 'tally_peers', help: 'Handshaken peers by connection direction.', labelNames: ['direction'] as const, registers: [registry],
    collect() {
      const counts = { inbound: 0, outbound: 0 } as Record<string, number>;
      for (const peer of p2p?.peerInfo() ?? []) counts[peer.direction] = (counts[peer.direction] ?? 0) + 1;
      for (const [direction, n] of Object.entries(counts)) this.set({ direction }, n);
    },
  });
  mirrorCounter(registry, 'tally_gossip_messages_total', 'Gossip messages validated, by result (accept, ignore, reject).', ['result'], () => {
    const gossip = p2p?.totals().gossip ?? { accept: 0, ignore: 0, reject: 0 };
    return [[{ result: 'accept' }, gossip.accept], [{ result: 'ignore' }, gossip.ignore], [{ result: 'reject' }, gossip.reject]];
  });
}

/** Sync progress from the p2p sync manager, or from the chain's own headers without p2p. */
export function registerSyncMetrics(registry: Registry, { node, p2p }: MetricsModules): void {
  const registers = [registry];
  const status = () => {
    const s = p2p?.syncStatus();
    if (s) return s;
    const tip = node.chain.tip;
    const best = node.chain.bestHeader;
    return { syncing: best.chainWork > tip.chainWork, height: tip.height, bestHeight: best.height };
  };
  new Gauge({ name: 'tally_sync_height', help: 'Height of the best connected block, as sync sees it.', registers, collect() { this.set(status().height); } });
  new Gauge({ name: 'tally_sync_best_height', help: 'Height of the best known valid header.', registers, collect() { this.set(status().bestHeight); } });
  new Gauge({ name: 'tally_sync_syncing', help: '1 while a better header chain than the tip is known, else 0.', registers, collect() { this.set(status().syncing ? 1 : 0); } });
}

/** Shortest window for the hash-rate gauge: workers report hashes when they finish a range. */
const HASHRATE_MIN_WINDOW_MS = 1000;

export function registerMinerMetrics(registry: Registry, { node }: MetricsModules): void {
  const miner = node.miner;
  mirrorCounter(registry, 'tally_miner_hashes_total', 'Header hashes tried by this node\'s miner.', [], () => [[{}, miner.stats.hashes]]);
  mirrorCounter(registry, 'tally_miner_blocks_found_total', 'Blocks found by this node\'s miner.', [], () => [[{}, miner.stats.blocksFound]]);
  let last = { hashes: miner.stats.hashes, at: performance.now() };
  new Gauge({
    name: 'tally_miner_hashrate', registers: [registry],
    help: 'Hashes per second since the previous scrape (at least 1 s); rate(tally_miner_hashes_total) is steadier.',
    collect() {
      const now = { hashes: miner.stats.hashes, at: performance.now() };
      if (now.at - last.at < HASHRATE_MIN_WINDOW_MS) return;
      this.set(((now.hashes - last.hashes) * 1000) / (now.at - last.at));
      last = now;
    },
  });
}

export function registerRpcMetrics(registry: Registry, { rpc }: MetricsModules): void {
  mirrorCounter(registry, 'tally_rpc_requests_total', 'JSON-RPC requests by method and HTTP status ("-" when no method was read).', ['method', 'status'], () => {
    const out: [Labels<'method' | 'status'>, number][] = [];
    for (const [key, n] of rpc?.requestCounts() ?? []) {
      const space = key.lastIndexOf(' ');
      out.push([{ method: key.slice(0, space), status: key.slice(space + 1) }, n]);
    }
    return out;
  });
}
