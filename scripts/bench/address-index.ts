/**
 * Memory of the address index's RPC reads on an address with 100,000
 * transactions: the heap the node's process adds while a client pages through
 * the whole history (getaddresstxids, getaddressdeltas, getaddressutxos with
 * `limit`), reads getaddressbalance (which streams every record), and, for
 * contrast, asks for the whole history in one unpaged answer.
 *
 * Signing 100,000 real transactions takes this machine most of an hour (about
 * 17 ms a Schnorr signature in pure JS), so the address's index records are
 * written straight into the node's LevelDB with the index's own key and value
 * encoders (layout.ts, indexers/address-index.ts), spread over real blocks'
 * heights; the reads under test are exactly those of a real history. The
 * integration test test/integration/rpc/address-dialect.test.ts checks the
 * same reads on 2,000 real transactions.
 *
 *   node --expose-gc --import tsx scripts/bench/address-index.ts [transactions]   # prints JSON
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Level } from 'level';
import { pino } from 'pino';
import { encodeAddrDelta, encodeAddrUnspent } from '../../src/chain/indexers/address-index.js';
import { keys } from '../../src/chain/layout.js';
import { encodeAddress } from '../../src/primitives/address.js';
import { sha256 } from '../../src/primitives/hashes.js';
import { outputKeyFromSecret, scriptFromSecret } from '../../src/primitives/sign.js';
import { resolveConfig } from '../../src/node/config.js';
import { TallyNode } from '../../src/node/node.js';
import { RpcServer } from '../../src/rpc/server.js';
import { defaultRpcOptions } from '../../src/rpc/options.js';

const TXS = Number(process.argv[2] ?? 100_000);
const BLOCKS = 20;
const PAGE = 1_000;
const KEY = new Uint8Array(32).fill(7);
const SCRIPT = scriptFromSecret(KEY);
const logger = pino({ level: 'silent' });

function progress(message: string): void {
  process.stderr.write(`address-index: ${message}\n`);
}

/** Writes TXS transactions' records for SCRIPT: each pays it once; every other one also spends an earlier coin; half stay unspent. */
async function writeHistory(datadir: string): Promise<void> {
  const db = new Level<Uint8Array, Uint8Array>(join(datadir, 'chain'), { keyEncoding: 'view', valueEncoding: 'view' });
  await db.open();
  let batch = db.batch();
  for (let i = 0; i < TXS; i++) {
    const height = 1 + (i % BLOCKS);
    const position = 1 + Math.floor(i / BLOCKS);
    const txid = sha256(new TextEncoder().encode(`tx ${i}`));
    batch.put(keys.addrDelta(SCRIPT, { height, position, txid, spending: false, index: 0 }), encodeAddrDelta(10_000n));
    if (i % 2 === 1) batch.put(keys.addrDelta(SCRIPT, { height, position, txid, spending: true, index: 0 }), encodeAddrDelta(-10_000n));
    else batch.put(keys.addrUnspent(SCRIPT, height, txid, 0), encodeAddrUnspent(10_000n, false));
    if (batch.length >= 20_000) {
      await batch.write();
      batch = db.batch();
    }
  }
  await batch.write();
  await db.close();
}

async function startNode(datadir: string) {
  const config = resolveConfig({ network: 'regtest', datadir, options: { 'miner-threads': ['0'] } });
  const node = new TallyNode(config, { logger });
  await node.start();
  const rpc = new RpcServer({ ...defaultRpcOptions(config.network), port: 0, rateLimit: 0 }, { node, logger });
  await rpc.start();
  const auth = `Basic ${Buffer.from(readFileSync(join(datadir, '.cookie'), 'utf8')).toString('base64')}`;
  const call = async (method: string, params: unknown[]): Promise<{ result: unknown; bytes: number }> => {
    const res = await fetch(`http://127.0.0.1:${rpc.address.port}/`, { method: 'POST', headers: { authorization: auth }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
    const text = await res.text();
    const body = JSON.parse(text) as { result: unknown; error?: { message: string } };
    if (body.error) throw new Error(`${method}: ${body.error.message}`);
    return { result: body.result, bytes: text.length };
  };
  return { node, rpc, call, stop: async () => { await rpc.stop(); await node.stop(); } };
}

/** Runs `fn` while sampling the heap every 2 ms; the most it rose above where it started, in MiB. */
async function peakHeap<T>(fn: () => Promise<T>): Promise<{ value: T; peakMiB: number; ms: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().heapUsed); }, 2);
  const started = performance.now();
  const value = await fn();
  const ms = performance.now() - started;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  return { value, peakMiB: Math.round(((peak - base) / 2 ** 20) * 10) / 10, ms: Math.round(ms) };
}

/**
 * Follows `next` through every page: the number of items and pages, the most one page's call raised
 * the heap (collected before each), and the heap left after the walk over where it began.
 */
async function pageThrough(call: Awaited<ReturnType<typeof startNode>>['call'], method: string, key: string) {
  const address = encodeAddress('tlr', outputKeyFromSecret(KEY));
  (globalThis as { gc?: () => void }).gc?.();
  const start = process.memoryUsage().heapUsed;
  let cursor: string | null = null;
  let items = 0;
  let pages = 0;
  let pagePeakMiB = 0;
  const started = performance.now();
  do {
    const run = await peakHeap(() => call(method, [{ addresses: [address], limit: PAGE, ...(cursor ? { cursor } : {}) }]));
    const page = run.value.result as Record<string, unknown> & { next: string | null };
    items += (page[key] as unknown[]).length;
    cursor = page.next;
    pages++;
    pagePeakMiB = Math.max(pagePeakMiB, run.peakMiB);
  } while (cursor !== null);
  const ms = Math.round(performance.now() - started);
  (globalThis as { gc?: () => void }).gc?.();
  const retainedMiB = Math.round(((process.memoryUsage().heapUsed - start) / 2 ** 20) * 10) / 10;
  return { items, pages, pagePeakHeapMiB: pagePeakMiB, retainedHeapMiB: retainedMiB, ms };
}

export async function runAddressIndexBench(): Promise<Record<string, unknown>> {
  const datadir = await mkdtemp(join(tmpdir(), 'tally-address-bench-'));
  try {
    const first = await startNode(datadir);
    await first.node.generate(BLOCKS, scriptFromSecret(new Uint8Array(32).fill(9)));
    await first.stop();
    progress(`writing ${TXS} transactions' index records`);
    await writeHistory(datadir);
    const { call, stop } = await startNode(datadir);
    const address = encodeAddress('tlr', outputKeyFromSecret(KEY));
    const out: Record<string, unknown> = { transactions: TXS, page: PAGE, heapBeforeMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20) };
    for (const [method, key] of [['getaddresstxids', 'txids'], ['getaddressdeltas', 'deltas'], ['getaddressutxos', 'utxos']] as const) {
      progress(`paging ${method}`);
      out[`${method} paged`] = await pageThrough(call, method, key);
    }
    progress('getaddressbalance');
    const balance = await peakHeap(() => call('getaddressbalance', [{ addresses: [address] }]));
    out.getaddressbalance = { result: balance.value.result, peakHeapMiB: balance.peakMiB, ms: balance.ms };
    progress('unpaged getaddresstxids, for contrast');
    const whole = await peakHeap(() => call('getaddresstxids', [{ addresses: [address] }]));
    out['getaddresstxids unpaged'] = { items: (whole.value.result as unknown[]).length, responseMiB: Math.round((whole.value.bytes / 2 ** 20) * 10) / 10, peakHeapMiB: whole.peakMiB, ms: whole.ms };
    out.rssMiB = Math.round(process.memoryUsage().rss / 2 ** 20);
    await stop();
    return out;
  } finally {
    await rm(datadir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (!(globalThis as { gc?: unknown }).gc) progress('run with node --expose-gc for steadier figures');
  process.stdout.write(`${JSON.stringify(await runAddressIndexBench(), null, 2)}\n`);
}
