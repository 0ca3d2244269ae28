/**
 * JSON-RPC throughput: requests per second of
 * - `getblockcount` (the per-request floor: auth, parsing, dispatch, JSON), and
 * - `getblock <hash> 2` of a block of 1,000 transactions (serialization cost),
 * served by Tally's RPC server, against a bare node:http server in the same
 * process that answers the same request bodies with precomputed response
 * strings, so the ratio shows what Tally adds on top of HTTP itself.
 *
 * The client runs in a worker thread (its own event loop, like a separate
 * process) with `concurrency` keep-alive request loops for `durationMs` per
 * measurement; the servers stay on the main thread.
 *
 *   npx tsx scripts/bench/rpc.ts        # prints JSON; progress on stderr
 *
 * `runRpcBench()` is exported for the top-level runner (scripts/bench.ts).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { pino } from 'pino';
import { resolveConfig } from '../../src/node/config.js';
import { TallyNode } from '../../src/node/node.js';
import { RpcServer } from '../../src/rpc/server.js';
import { defaultRpcOptions } from '../../src/rpc/options.js';
import { ownedOutput, payTo, spend } from '../../test/helpers/chain.js';

export interface RpcBenchOptions {
  /** Transactions (besides the coinbase) in the block `getblock` returns. Default 1,000. */
  transactions?: number;
  /** Concurrent keep-alive request loops of the client. Default 8. */
  concurrency?: number;
  /** Milliseconds per measurement. Default 3,000. */
  durationMs?: number;
}

interface LoadResult {
  requests: number;
  errors: number;
  bytes: number;
  ms: number;
}

interface Pair {
  tallyRps: number;
  bareRps: number;
  /** Tally's rate as a fraction of the bare server's. */
  ratio: number;
  responseBytes: number;
  errors: number;
}

function progress(message: string): void {
  process.stderr.write(`rpc: ${message}\n`);
}

/**
 * The client: `concurrency` loops POSTing `body` over keep-alive connections
 * until `durationMs` passed. Plain JavaScript, evaluated in a worker.
 */
const CLIENT_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { url, body, auth, concurrency, durationMs } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: auth };
let requests = 0, errors = 0, bytes = 0;
const started = performance.now();
const deadline = started + durationMs;
function once() {
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'POST', agent, headers }, (res) => {
      res.on('data', (c) => { bytes += c.length; });
      res.on('end', () => { if (res.statusCode === 200) requests++; else errors++; resolve(); });
    });
    req.on('error', () => { errors++; resolve(); });
    req.end(body);
  });
}
async function loop() { while (performance.now() < deadline) await once(); }
Promise.all(Array.from({ length: concurrency }, loop)).then(() => {
  agent.destroy();
  parentPort.postMessage({ requests, errors, bytes, ms: performance.now() - started });
});
`;

function load(url: string, body: string, auth: string, concurrency: number, durationMs: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(CLIENT_SOURCE, { eval: true, workerData: { url, body, auth, concurrency, durationMs } });
    worker.once('message', (r: LoadResult) => resolve(r));
    worker.once('error', reject);
  });
}

/** A server that answers each known body with its precomputed response, and nothing else. */
async function bareServer(responses: ReadonlyMap<string, string>): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = responses.get(Buffer.concat(chunks).toString('utf8'));
      if (text === undefined) {
        res.writeHead(404, { 'Content-Length': 0 });
        res.end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** Mines mature coins, fans one out to `count` outputs, then mines a block of `count` one-input spends of them. */
export async function buildBigBlock(node: TallyNode, count: number): Promise<string> {
  const started = performance.now();
  const maturity = node.config.network.coinbaseMaturity;
  const [first] = await node.generate(maturity + 1, payTo(0, 0n).scriptPubKey);
  const coinbase = (await node.chain.getBlock(first!))!.transactions[0]!;
  const coin = ownedOutput(coinbase, 0, 0);
  const fee = 1000n;
  const fanOutFee = 500n * BigInt(count);
  const each = (coin.output.value - fanOutFee) / BigInt(count);
  const fanOut = spend([coin], Array.from({ length: count }, () => payTo(1, each)));
  const accepted = await node.sendTransaction(fanOut);
  if (accepted.status !== 'accepted') throw new Error(`fan-out refused: ${JSON.stringify(accepted)}`);
  await node.generate(1, payTo(0, 0n).scriptPubKey);
  progress(`fan-out of ${count} outputs mined at height ${node.chain.height}; signing ${count} spends`);
  for (let i = 0; i < count; i++) {
    const tx = spend([ownedOutput(fanOut, i, 1)], [payTo(2, each - fee)]);
    const r = await node.sendTransaction(tx);
    if (r.status !== 'accepted') throw new Error(`spend ${i} refused: ${JSON.stringify(r)}`);
    if ((i + 1) % Math.ceil(count / 5) === 0) progress(`signed and accepted ${i + 1}/${count} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
  const [hash] = await node.generate(1, payTo(0, 0n).scriptPubKey);
  const block = (await node.chain.getBlock(hash!))!;
  if (block.transactions.length !== count + 1) throw new Error(`the block holds ${block.transactions.length - 1} transactions, not ${count}`);
  progress(`block ${hash} with ${count} transactions at height ${node.chain.height} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  return hash!;
}

export async function runRpcBench(opts: RpcBenchOptions = {}): Promise<object> {
  const transactions = opts.transactions ?? 1000;
  const concurrency = opts.concurrency ?? 8;
  const durationMs = opts.durationMs ?? 3000;
  const datadir = await mkdtemp(join(tmpdir(), 'tally-rpc-bench-'));
  const logger = pino({ level: 'silent' });
  const config = resolveConfig({ network: 'regtest', datadir, options: { 'miner-threads': ['0'] } });
  const node = new TallyNode(config, { logger });
  let rpc: RpcServer | undefined;
  let bare: Server | undefined;
  try {
    await node.start();
    const buildStarted = performance.now();
    const blockHash = await buildBigBlock(node, transactions);
    const buildMs = Math.round(performance.now() - buildStarted);
    rpc = new RpcServer({ ...defaultRpcOptions(config.network), port: 0, maxConcurrent: Math.max(16, concurrency * 2) }, { node, logger });
    await rpc.start();
    const tallyUrl = `http://127.0.0.1:${rpc.address.port}/`;
    const auth = `Basic ${Buffer.from(await readFile(join(datadir, '.cookie'), 'utf8')).toString('base64')}`;
    const bodies = {
      getblockcount: JSON.stringify({ jsonrpc: '1.0', id: 'bench', method: 'getblockcount', params: [] }),
      getblock2: JSON.stringify({ jsonrpc: '1.0', id: 'bench', method: 'getblock', params: [blockHash, 2] }),
    };
    // The bare server's answers are Tally's own, byte for byte.
    const responses = new Map<string, string>();
    for (const body of Object.values(bodies)) {
      const res = await fetch(tallyUrl, { method: 'POST', body, headers: { authorization: auth } });
      const text = await res.text();
      if (res.status !== 200 || (JSON.parse(text) as { error: unknown }).error !== null) throw new Error(`${body} failed: ${text.slice(0, 200)}`);
      responses.set(body, text);
    }
    bare = await bareServer(responses);
    const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`;
    const results: Record<string, Pair> = {};
    for (const [name, body] of Object.entries(bodies)) {
      progress(`${name}: ${concurrency} loops, ${durationMs} ms against Tally, then the bare server`);
      const t = await load(tallyUrl, body, auth, concurrency, durationMs);
      const b = await load(bareUrl, body, auth, concurrency, durationMs);
      const tallyRps = (t.requests / t.ms) * 1000;
      const bareRps = (b.requests / b.ms) * 1000;
      results[name] = {
        tallyRps: round1(tallyRps), bareRps: round1(bareRps), ratio: round3(tallyRps / bareRps),
        responseBytes: Buffer.byteLength(responses.get(body)!), errors: t.errors + b.errors,
      };
      progress(`${name}: Tally ${round1(tallyRps)} req/s, bare ${round1(bareRps)} req/s`);
    }
    return { transactions, concurrency, durationMs, buildMs, ...results };
  } finally {
    if (bare) await new Promise<void>((resolve) => { bare!.closeAllConnections(); bare!.close(() => resolve()); });
    await rpc?.stop();
    await node.stop();
    await rm(datadir, { recursive: true, force: true });
  }
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runRpcBench();
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.exit(0);
}
