/**
 * The Prometheus endpoint against real nodes in this process: every metric is
 * exposed with values that match the node (height, reorg depth, validation
 * count, RPC calls, mempool, signature checks, peers and gossip), other paths
 * get 404, and stop() leaves no listener or socket behind.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsServer } from '../../src/metrics/index.js';
import { metricsOptionsFromConfig } from '../../src/node/options/metrics.js';
import { resolveConfig } from '../../src/node/config.js';
import { TallyNode } from '../../src/node/node.js';
import { encodeAddress } from '../../src/primitives/address.js';
import { outputKeyFromSecret, scriptFromSecret, signTaprootInputs } from '../../src/primitives/sign.js';
import { Transaction } from '../../src/primitives/tx.js';
import { payTo, testKey } from '../helpers/chain.js';
import { TestNetwork, waitUntil } from '../helpers/network.js';
import { startRpcNode, type RpcTestNode } from '../helpers/rpc.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('tally-metrics');
const logger = pino({ level: 'silent' });

/** The value of the sample `name` whose labels include `labels`, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = m[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => have.includes(`${k}="${v}"`))) return Number(m[3]);
  }
  return undefined;
}

async function scrape(server: MetricsServer, path = '/metrics'): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(`http://127.0.0.1:${server.address.port}${path}`);
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

async function startPlainNode(name: string): Promise<TallyNode> {
  const datadir = join(root, name);
  mkdirSync(datadir, { recursive: true });
  const node = new TallyNode(resolveConfig({ network: 'regtest', datadir, options: { 'miner-threads': ['0'] } }), { logger });
  await node.start();
  return node;
}

/** A signed spend of the coinbase at `height`, which pays testKey(keyIndex). */
async function spendCoinbase(node: TallyNode, height: number, keyIndex: number): Promise<Transaction> {
  const block = await node.chain.getBlock(node.chain.getEntryAtHeight(height)!.hashHex);
  const coinbase = block!.transactions[0]!;
  const output = coinbase.outputs[0]!;
  const unsigned = new Transaction({
    version: 2,
    inputs: [{ prevout: { txid: coinbase.txidBytes, vout: 0 }, scriptSig: new Uint8Array(0), sequence: 0xfffffffd, witness: [] }],
    outputs: [payTo(keyIndex + 1, output.value - 10_000n)],
    locktime: 0,
  });
  return signTaprootInputs(unsigned, [output], [testKey(keyIndex)]);
}

describe('MetricsServer with a node and its RPC server', () => {
  let t: RpcTestNode;
  let rival: TallyNode;
  let metrics: MetricsServer;
  const listeners = () => ['block', 'reorg', 'blockProcessed'].map((e) => t.node.listenerCount(e as 'block'));
  let before: number[];

  beforeAll(async () => {
    t = await startRpcNode(join(root, 'main'), { rpc: { port: 0 } });
    rival = await startPlainNode('rival');
    before = listeners();
    metrics = new MetricsServer({ bind: '127.0.0.1', port: 0 }, { node: t.node, rpc: t.rpc, logger });
    await metrics.start();
  });

  afterAll(async () => {
    await metrics.stop();
    await rival.stop();
    await t.stop();
  });

  it('binds 127.0.0.1 on an OS-chosen port', () => {
    expect(metrics.address.host).toBe('127.0.0.1');
    expect(metrics.address.port).toBeGreaterThan(0);
  });

  it('reports chain, reorg, validation, RPC, mempool, sync, miner and process metrics', async () => {
    const key = testKey(1);
    const address = encodeAddress(t.node.config.network.addressPrefix, outputKeyFromSecret(key));
    await t.result('generatetoaddress', 3, address);
    // A longer rival branch from genesis: the fourth block turns it into the best chain, a reorg 3 deep.
    const rivalHashes = await rival.generate(5, scriptFromSecret(testKey(2)));
    for (const hash of rivalHashes) await t.node.submitBlock((await rival.chain.getBlock(hash))!);
    await t.node.submitBlock((await rival.chain.getBlock(rivalHashes[0]!))!);
    await t.node.generate(100, scriptFromSecret(key));
    expect(t.node.chain.height).toBe(105);
    const tx = await spendCoinbase(t.node, 6, 1);
    expect((await t.node.sendTransaction(tx)).status).toBe('accepted');
    expect(await t.result('getblockcount')).toBe(105);

    const first = await scrape(metrics);
    expect(first.status).toBe(200);
    expect(first.type).toContain('text/plain');
    const m = first.text;
    expect(sample(m, 'tally_chain_height')).toBe(105);
    expect(sample(m, 'tally_chain_work')).toBe(Number(t.node.chain.tip.chainWork));
    expect(sample(m, 'tally_chain_work_log2')).toBeCloseTo(Math.log2(Number(t.node.chain.tip.chainWork)), 9);
    expect(sample(m, 'tally_chain_reorgs_total')).toBe(1);
    expect(sample(m, 'tally_chain_reorg_depth_blocks_count')).toBe(1);
    expect(sample(m, 'tally_chain_reorg_depth_blocks_sum')).toBe(3);
    // 3 RPC blocks, 5 rival blocks (the first three arrive as side-chain blocks), 100 more.
    expect(sample(m, 'tally_block_validation_seconds_count', { status: 'connected' })).toBe(3 + 2 + 100);
    expect(sample(m, 'tally_block_validation_seconds_count', { status: 'side' })).toBe(3);
    expect(sample(m, 'tally_block_validation_seconds_count', { status: 'duplicate' })).toBe(1);
    expect(sample(m, 'tally_block_validation_seconds_sum', { status: 'connected' })).toBeGreaterThan(0);
    expect(sample(m, 'tally_block_validation_seconds_bucket', { status: 'connected', le: '+Inf' })).toBe(105);
    expect(sample(m, 'tally_signature_checks_total')).toBe(0);
    expect(sample(m, 'tally_rpc_requests_total', { method: 'generatetoaddress', status: '200' })).toBe(1);
    expect(sample(m, 'tally_rpc_requests_total', { method: 'getblockcount', status: '200' })).toBe(1);
    expect(sample(m, 'tally_mempool_transactions')).toBe(1);
    expect(sample(m, 'tally_mempool_bytes')).toBe(t.node.mempool.info().bytes);
    expect(sample(m, 'tally_mempool_bytes')).toBeGreaterThan(0);
    expect(sample(m, 'tally_mempool_usage_bytes')).toBeGreaterThan(0);
    expect(sample(m, 'tally_peers', { direction: 'inbound' })).toBe(0);
    expect(sample(m, 'tally_peers', { direction: 'outbound' })).toBe(0);
    for (const result of ['accept', 'ignore', 'reject']) expect(sample(m, 'tally_gossip_messages_total', { result })).toBe(0);
    expect(sample(m, 'tally_sync_height')).toBe(105);
    expect(sample(m, 'tally_sync_best_height')).toBe(105);
    expect(sample(m, 'tally_sync_syncing')).toBe(0);
    expect(sample(m, 'tally_miner_hashes_total')).toBe(t.node.miner.stats.hashes);
    expect(sample(m, 'tally_miner_hashes_total')).toBeGreaterThan(0);
    expect(sample(m, 'tally_miner_blocks_found_total')).toBe(t.node.miner.stats.blocksFound);
    expect(sample(m, 'tally_miner_hashrate')).toBeGreaterThanOrEqual(0);
    expect(sample(m, 'tally_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sample(m, 'tally_nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(m, 'tally_nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    // Everything is prefixed.
    const names = m.split('\n').filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2]!);
    expect(names.length).toBeGreaterThan(20);
    expect(names.filter((n) => !n.startsWith('tally_'))).toEqual([]);
    // Every metric the Grafana dashboard queries exists.
    const dashboard = readFileSync(new URL('../../docs/grafana-dashboard.json', import.meta.url), 'utf8');
    const queried = new Set([...dashboard.matchAll(/tally_\w+/g)].map(([n]) => n.replace(/_(bucket|count|sum)$/, '')));
    expect([...queried].filter((n) => !names.includes(n))).toEqual([]);

    // Confirming the spend verifies its one signature and empties the mempool.
    await t.node.generate(1, scriptFromSecret(key));
    const second = (await scrape(metrics)).text;
    expect(sample(second, 'tally_signature_checks_total')).toBe(1);
    expect(sample(second, 'tally_mempool_transactions')).toBe(0);
    expect(sample(second, 'tally_chain_height')).toBe(106);
    expect(sample(second, 'tally_rpc_requests_total', { method: 'generatetoaddress', status: '200' })).toBe(1);
  });

  it('answers 404 off /metrics and 405 to other methods', async () => {
    expect((await scrape(metrics, '/')).status).toBe(404);
    expect((await scrape(metrics, '/metrics/extra')).status).toBe(404);
    expect((await scrape(metrics, '/metrics?x=1')).status).toBe(200);
    const post = await fetch(`http://127.0.0.1:${metrics.address.port}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
    await post.text();
  });

  it('stop() closes the port and unsubscribes from the node; start() works again', async () => {
    const port = metrics.address.port;
    expect(listeners()).toEqual(before.map((n) => n + 1));
    await metrics.stop();
    expect(listeners()).toEqual(before);
    expect((await metrics.metrics()).trim()).toBe('');
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
    await metrics.start();
    expect(sample((await scrape(metrics)).text, 'tally_chain_height')).toBe(t.node.chain.height);
  });
});

describe('MetricsServer with p2p', () => {
  const net = new TestNetwork(join(root, 'p2p'));
  const servers: MetricsServer[] = [];

  afterAll(async () => {
    for (const s of servers) await s.stop();
    await net.stopAll();
  });

  it('counts peers by direction and gossip by result, one registry per node', async () => {
    const a = await net.start({ name: 'a' });
    const b = await net.start({ name: 'b', bootstrap: [a.address] });
    for (const n of [a, b]) {
      const s = new MetricsServer({ bind: '127.0.0.1', port: 0 }, { node: n.node, p2p: n.p2p, logger });
      await s.start();
      servers.push(s);
    }
    const [ma, mb] = servers as [MetricsServer, MetricsServer];
    await waitUntil(async () => sample((await scrape(mb)).text, 'tally_peers', { direction: 'outbound' }) === 1, 'b to count a as outbound');
    await waitUntil(async () => sample((await scrape(ma)).text, 'tally_peers', { direction: 'inbound' }) === 1, 'a to count b as inbound');
    await a.node.generate(1, scriptFromSecret(testKey(3)));
    await waitUntil(() => b.node.chain.height === 1, 'b to get the block');
    const gossipOf = (text: string) => ['accept', 'ignore', 'reject'].map((result) => sample(text, 'tally_gossip_messages_total', { result })!);
    // The block reaches b by gossip (accept), or by sync first and then gossip (ignore).
    await waitUntil(async () => gossipOf((await scrape(mb)).text).reduce((x, y) => x + y) >= 1, 'b to count the block gossip');
    const text = (await scrape(mb)).text;
    expect(gossipOf(text)).toEqual(Object.values(b.p2p.totals().gossip));
    expect(sample(text, 'tally_sync_height')).toBe(1);
    expect(sample((await scrape(ma)).text, 'tally_chain_height')).toBe(1);
  });
});

describe('metricsOptionsFromConfig', () => {
  const config = (options: Record<string, string[]>) => resolveConfig({ network: 'regtest', datadir: join(root, 'cfg'), options });

  it('is off by default and with metrics-port alone', () => {
    expect(metricsOptionsFromConfig(config({}))).toBeUndefined();
    expect(metricsOptionsFromConfig(config({ 'metrics-port': ['9000'] }))).toBeUndefined();
    expect(metricsOptionsFromConfig(config({ metrics: ['false'] }))).toBeUndefined();
  });

  it('binds loopback on the network default or the given port', () => {
    expect(metricsOptionsFromConfig(config({ metrics: ['true'] }))).toEqual({ bind: '127.0.0.1', port: 28449 });
    expect(metricsOptionsFromConfig(config({ metrics: ['true'], 'metrics-port': ['0'] }))).toEqual({ bind: '127.0.0.1', port: 0 });
  });

  it('rejects a bad port with bad-option', () => {
    expect(() => metricsOptionsFromConfig(config({ metrics: ['true'], 'metrics-port': ['70000'] }))).toThrow(expect.objectContaining({ code: 'bad-option' }));
  });
});
