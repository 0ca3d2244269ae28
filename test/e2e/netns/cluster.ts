/**
 * `tally node` processes inside the namespaces of a {@link NetnsLab}: p2p on
 * each host's data address, JSON-RPC on its management address (reached from
 * the test process through the lab's management bridge, so RPC keeps working
 * while the data link is cut), plus signing helpers for raw transactions.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { NodeProcess } from '../../helpers/node-process.js';
import type { LabHost, NetnsLab } from '../../helpers/netns.js';
import { payTo, testKey } from '../../helpers/chain.js';
import { encodeAddress } from '../../../src/primitives/address.js';
import { Block } from '../../../src/primitives/block.js';
import { outputKeyFromSecret, signTaprootInputs } from '../../../src/primitives/sign.js';
import { Transaction, type TxOutput } from '../../../src/primitives/tx.js';
import { regtest } from '../../../src/consensus/params.js';
import { loadOrCreatePeerKey } from '../../../src/network/peer-key.js';

/** Inside its own namespace every node can use the same ports. */
export const P2P_PORT = 28444;
export const RPC_PORT = 28443;

export class RpcCallError extends Error {
  constructor(readonly method: string, readonly code: number, message: string) {
    super(`${method}: ${message} (${code})`);
  }
}

export class NsNode {
  /** Full multiaddr with the peer id, for others' `--bootstrap` and `addnode`. */
  readonly address: string;
  /** How long {@link rpc} waits for an answer (a crowded machine, as in a scale run, needs longer). */
  rpcTimeoutMs = 15_000;
  private process?: NodeProcess;
  private auth = '';

  private constructor(readonly name: string, readonly lab: NetnsLab, readonly host: LabHost, readonly datadir: string, readonly peerId: string) {
    this.address = `/ip4/${host.ip}/tcp/${P2P_PORT}/p2p/${peerId}`;
  }

  /** Makes the datadir and the node's libp2p key, so its peer id is known before it starts. */
  static async create(lab: NetnsLab, host: LabHost, name: string, datadir: string): Promise<NsNode> {
    mkdirSync(datadir, { recursive: true });
    const key = await loadOrCreatePeerKey(datadir);
    return new NsNode(name, lab, host, datadir, peerIdFromPrivateKey(key).toString());
  }

  get proc(): NodeProcess {
    if (!this.process) throw new Error(`${this.name} is not started`);
    return this.process;
  }

  /** Starts `tally node` in the host's namespace; resolves once both its p2p host and its RPC server listen. */
  async start(running: NodeProcess[], opts: { bootstrap?: readonly string[]; args?: readonly string[]; listenTimeoutMs?: number } = {}): Promise<void> {
    const args = [
      '--network', 'regtest', '--datadir', this.datadir, '--miner-threads', '0',
      '--listen', `/ip4/${this.host.ip}/tcp/${P2P_PORT}`,
      '--rpc-bind', this.host.mgmtIp, '--rpc-port', String(RPC_PORT), '--rpc-allow-ip', `${this.lab.mgmtGateway}/32`,
      ...(opts.bootstrap ?? []).flatMap((b) => ['--bootstrap', b]),
      ...(opts.args ?? []),
    ];
    this.process = new NodeProcess(args, { prefix: this.lab.prefix(this.host) });
    running.push(this.process);
    await this.process.waitFor((l) => l.msg === 'p2p listening', opts.listenTimeoutMs ?? 30_000);
    await this.process.waitFor((l) => l.msg === 'rpc listening', opts.listenTimeoutMs ?? 30_000);
    this.auth = `Basic ${Buffer.from(readFileSync(join(this.datadir, '.cookie'), 'utf8')).toString('base64')}`;
  }

  /** Calls a JSON-RPC method over the management segment; throws {@link RpcCallError} on an RPC error. */
  async rpc<T = unknown>(method: string, ...params: unknown[]): Promise<T> {
    const res = await fetch(`http://${this.host.mgmtIp}:${RPC_PORT}/`, {
      method: 'POST',
      headers: { authorization: this.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ method, params, id: 1 }),
      signal: AbortSignal.timeout(this.rpcTimeoutMs),
    });
    const body = (await res.json()) as { result?: T; error?: { code: number; message: string } | null };
    if (body.error) throw new RpcCallError(method, body.error.code, body.error.message);
    return body.result as T;
  }

  tip(): Promise<string> {
    return this.rpc<string>('getbestblockhash');
  }

  height(): Promise<number> {
    return this.rpc<number>('getblockcount');
  }

  mempool(): Promise<string[]> {
    return this.rpc<string[]>('getrawmempool');
  }

  /** Peer ids this node has completed the status handshake with. */
  async peers(): Promise<string[]> {
    const info = await this.rpc<{ peer_id: string }[]>('getpeerinfo');
    return info.map((p) => p.peer_id);
  }

  /** Txids of the best chain's blocks from `from` to the tip, coinbases left out, with the height of each. */
  async chainTxids(from: number): Promise<Map<string, number>> {
    const txids = new Map<string, number>();
    const tip = await this.height();
    for (let h = from; h <= tip; h++) {
      const block = await this.rpc<{ tx: string[] }>('getblock', await this.rpc<string>('getblockhash', h), 1);
      for (const txid of block.tx.slice(1)) txids.set(txid, h);
    }
    return txids;
  }

  /** The best chain's block at `height`, decoded. */
  async blockAt(height: number): Promise<Block> {
    return Block.fromHex(await this.rpc<string>('getblock', await this.rpc<string>('getblockhash', height), 0));
  }
}

/** Polls `check` every 100 ms until it returns something other than `false`; throws after `ms` with `what` and the last error. */
export async function waitUntil<T>(check: () => Promise<T | false>, what: string, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until every node reports the same best block (`expected`, when given); returns its hash. */
export function waitForSameTip(nodes: readonly NsNode[], what: string, ms: number, expected?: string): Promise<string> {
  return waitUntil(async () => {
    const tips = await Promise.all(nodes.map((n) => n.tip()));
    const same = tips.every((t) => t === tips[0]) && (expected === undefined || tips[0] === expected);
    return same ? tips[0]! : false;
  }, what, ms);
}

/** Waits until every node has every txid in its mempool. */
export function waitForMempool(nodes: readonly NsNode[], txids: readonly string[], what: string, ms: number): Promise<true> {
  return waitUntil(async () => {
    const pools = await Promise.all(nodes.map((n) => n.mempool()));
    return pools.every((pool) => txids.every((t) => pool.includes(t))) || false;
  }, what, ms);
}

/** The regtest address of `testKey(n)`. */
export function addressOf(n: number): string {
  return encodeAddress(regtest.addressPrefix, outputKeyFromSecret(testKey(n)));
}

/** A coin the test can spend: where it is, what it holds, and the test key index that owns it. */
export interface Spendable {
  txid: Uint8Array;
  vout: number;
  output: TxOutput;
  key: number;
}

/** The coinbase output of the block at `height` on `node`'s best chain, owned by `testKey(key)`. */
export async function coinbaseAt(node: NsNode, height: number, key: number): Promise<Spendable> {
  const coinbase = (await node.blockAt(height)).transactions[0]!;
  return { txid: coinbase.txidBytes, vout: 0, output: coinbase.outputs[0]!, key };
}

/** Spends `coin` whole, less `fee` (about 4.5 sat/vB by default), to `testKey(toKey)`, signed. */
export function spend(coin: Spendable, toKey: number, fee = 500n): Transaction {
  const unsigned = new Transaction({
    version: 2,
    inputs: [{ prevout: { txid: coin.txid, vout: coin.vout }, scriptSig: new Uint8Array(0), sequence: 0xfffffffd, witness: [] }],
    outputs: [payTo(toKey, coin.output.value - fee)],
    locktime: 0,
  });
  return signTaprootInputs(unsigned, [coin.output], [testKey(coin.key)]);
}

/** Output 0 of `tx`, owned by `testKey(key)`. */
export function outputOf(tx: Transaction, key: number): Spendable {
  return { txid: tx.txidBytes, vout: 0, output: tx.outputs[0]!, key };
}

/** SIGKILLs every process (they hold nothing the test needs afterwards) and waits, bounded, for each to exit. */
export async function killAll(procs: readonly NodeProcess[]): Promise<void> {
  await Promise.all(procs.map((p) => Promise.race([p.kill('SIGKILL'), new Promise((r) => setTimeout(r, 5_000))])));
}

/** SIGKILLs plain child processes and waits, bounded, for each to exit. */
export async function killChildren(procs: readonly ChildProcess[]): Promise<void> {
  await Promise.all(procs.map((c) => {
    if (c.exitCode !== null || c.signalCode !== null) return undefined;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    return Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
  }));
}

/**
 * A bulk TCP flow from `from` to `to` (a sink in `to`'s namespace, a sender in `from`'s writing as fast as
 * TCP lets it), to keep a shaped link's queue full: what a busy, lossy uplink looks like to the node's traffic.
 * Both processes go into `children`; {@link BulkFlow.stop} ends them and returns the bytes the sink received.
 */
export async function startBulkFlow(lab: NetnsLab, from: LabHost, to: LabHost, port: number, children: ChildProcess[]): Promise<BulkFlow> {
  const sinkScript = `let n=0;require('node:net').createServer((s)=>s.on('data',(d)=>{n+=d.length}).on('error',()=>{}))`
    + `.listen(${port},'${to.ip}',()=>console.log('ready'));process.on('SIGTERM',()=>{console.log('bytes '+n);process.exit(0)})`;
  const senderScript = `const c=require('node:net').connect(${port},'${to.ip}');const b=Buffer.alloc(65536);`
    + `const go=()=>{while(c.write(b));};c.on('connect',go).on('drain',go).on('error',()=>process.exit(0))`;
  const sink = spawn(lab.prefix(to)[0]!, [...lab.prefix(to).slice(1), process.execPath, '-e', sinkScript], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(sink);
  const lines = createInterface({ input: sink.stdout! });
  const output: string[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bulk flow sink did not start within 15 s')), 15_000);
    lines.on('line', (l) => {
      output.push(l);
      if (l === 'ready') {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  await ready;
  const sender = spawn(lab.prefix(from)[0]!, [...lab.prefix(from).slice(1), process.execPath, '-e', senderScript], { stdio: 'ignore' });
  children.push(sender);
  return {
    stop: async () => {
      sender.kill('SIGKILL');
      const exited = new Promise((r) => sink.once('exit', r));
      sink.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      const last = output.find((l) => l.startsWith('bytes '));
      return last ? Number(last.slice(6)) : 0;
    },
  };
}

export interface BulkFlow {
  /** Ends the flow; resolves to the bytes that crossed. */
  stop(): Promise<number>;
}
