/**
 * A regtest node built by the composition root (planNode/startNode, as
 * `tally node` does) for the faucet's end-to-end tests, a raw JSON-RPC caller,
 * and the setup they share: a wallet `fw` funded by mining to it, and a
 * wallet `student` to pay.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { resolveConfig } from '../../src/node/config.js';
import { planNode, startNode, type WiredNode } from '../../src/node/wire.js';

export interface RpcReply<T = unknown> {
  result: T;
  error: { code: number; message: string; data?: Record<string, unknown> } | null;
}

export interface FaucetTestNode {
  wired: WiredNode;
  /** `http://127.0.0.1:<port>` */
  host: string;
  /** `__cookie__:<password>` */
  cookie: string;
  call<T = unknown>(method: string, params?: unknown[], path?: string): Promise<RpcReply<T>>;
  /** Calls and returns the result, throwing on an RPC error. */
  result<T = unknown>(method: string, params?: unknown[], path?: string): Promise<T>;
  stop(): Promise<void>;
}

/** Starts a regtest node (no p2p, no miner threads, RPC on an OS-chosen port) with extra node options. */
export async function startFaucetNode(datadir: string, options: Record<string, string[]> = {}): Promise<FaucetTestNode> {
  const config = resolveConfig({ network: 'regtest', datadir, options: { 'miner-threads': ['0'], 'rpc-port': ['0'], ...options } });
  const plan = await planNode(config, { p2p: false });
  // Cheaper passphrase hashing and key lookahead keep the test fast; everything else is the node's own wiring.
  if (plan.wallet) plan.wallet = { ...plan.wallet, scryptN: 1 << 10, lookahead: 20 };
  const wired = await startNode(config, plan, { logger: pino({ level: 'silent' }) });
  const host = `http://127.0.0.1:${wired.rpc!.address.port}`;
  const cookie = readFileSync(join(datadir, '.cookie'), 'utf8');
  const call = async <T>(method: string, params: unknown[] = [], path = '/'): Promise<RpcReply<T>> => {
    const res = await fetch(`${host}${path}`, {
      method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', method, params, id: 1 }),
      headers: { authorization: `Basic ${Buffer.from(cookie).toString('base64')}`, 'content-type': 'application/json' },
    });
    const body = (await res.json()) as { result?: T; error?: RpcReply['error'] };
    return { result: body.result as T, error: body.error ?? null };
  };
  const result = async <T>(method: string, params: unknown[] = [], path = '/'): Promise<T> => {
    const r = await call<T>(method, params, path);
    if (r.error) throw Object.assign(new Error(`${method}: ${r.error.message}`), { code: r.error.code });
    return r.result;
  };
  return { wired, host, cookie, call, result, stop: () => wired.stop() };
}

/**
 * Creates wallets `fw` and `student` and mines `blocks` blocks to `fw` (101: one
 * mature coinbase), then stops the node: the faucet starts on a wallet that exists.
 * @returns a `student` address
 */
export async function prepareFaucetWallets(datadir: string, blocks = 101): Promise<string> {
  const node = await startFaucetNode(datadir);
  try {
    await node.result('createwallet', ['fw']);
    await node.result('createwallet', ['student']);
    const fw = await node.result<string>('getnewaddress', [], '/wallet/fw');
    await node.result('generatetoaddress', [blocks, fw]);
    return await node.result<string>('getnewaddress', [], '/wallet/student');
  } finally {
    await node.stop();
  }
}
