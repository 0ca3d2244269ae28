/**
 * The Prometheus metrics adapter: `new MetricsServer(opts, modules)`, `start()`,
 * `stop()`; `GET /metrics` on 127.0.0.1 when `tally node --metrics` is given.
 *
 * Metrics (all prefixed `tally_`; a Grafana dashboard is in docs/grafana-dashboard.json):
 * - `tally_chain_height`, `tally_chain_work` (expected hashes as a float64), `tally_chain_work_log2`
 * - `tally_chain_reorgs_total`, `tally_chain_reorg_depth_blocks` (histogram)
 * - `tally_block_validation_seconds{status}` (histogram of Chain.processBlock wall time per submitted block)
 * - `tally_signature_checks_total` (one per non-coinbase input of each connected block; use rate())
 * - `tally_mempool_transactions`, `tally_mempool_bytes` (virtual size), `tally_mempool_usage_bytes`
 * - `tally_peers{direction}`, `tally_gossip_messages_total{result}`
 * - `tally_sync_height`, `tally_sync_best_height`, `tally_sync_syncing`
 * - `tally_miner_hashes_total`, `tally_miner_blocks_found_total`, `tally_miner_hashrate`
 * - `tally_rpc_requests_total{method,status}`
 * - prom-client's default process and Node.js metrics, e.g. `tally_process_resident_memory_bytes`,
 *   `tally_nodejs_eventloop_lag_seconds`, `tally_nodejs_heap_size_used_bytes`
 */
export { MetricsServer, METRICS_PREFIX } from './server.js';
export { defaultMetricsOptions, DEFAULT_METRICS_PORTS, type MetricsOptions } from './options.js';
export type { MetricsModules, MetricsNode, MetricsP2P, MetricsRpc } from './interface.js';
