/**
 * Real Tally nodes in this process for p2p tests: each has its own datadir,
 * LevelDB, worker pools and libp2p host listening on 127.0.0.1 with an
 * OS-chosen port. `stopAll()` in afterAll/afterEach cleans everything up.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { peerIdFromString } from '@libp2p/peer-id';
import { TallyNode } from '../../src/node/node.js';
import { resolveConfig } from '../../src/node/config.js';
import { P2PService } from '../../src/network/network.js';
import { defaultP2POptions, type P2POptions } from '../../src/network/options.js';
import { getNetwork } from '../../src/consensus/params.js';
import { RpcServer } from '../../src/rpc/server.js';
import { defaultRpcOptions } from '../../src/rpc/options.js';
import { Transaction } from '../../src/primitives/tx.js';
import { signTaprootInputs } from '../../src/primitives/sign.js';
import { payTo, testKey } from './chain.js';
import { waitUntil } from './wait.js';

export { waitUntil };

export interface TestNode {
  name: string;
  node: TallyNode;
  p2p: P2PService;
  /** Full multiaddr with peer id. */
  address: string;
  /** The JSON-RPC server, when started with `rpc: true`. */
  rpc?: RpcServer;
}

export interface StartOptions {
  name?: string;
  datadir?: string;
  bootstrap?: string[];
  p2p?: Partial<P2POptions>;
  logLevel?: 'silent' | 'debug' | 'info';
  /** Network name (default `regtest`); the p2p defaults follow it. */
  network?: string;
  /** Also serve JSON-RPC on 127.0.0.1 (an OS-chosen port), as `tally node` does; see {@link RpcProbe}. */
  rpc?: boolean;
  /**
   * The node's clock, in seconds (the wall clock unless given). Tests that build blocks at
   * fixed times (a TestChain) must pass the same clock they build with, e.g. `() => chain.now`,
   * so that the verdicts do not depend on the date the suite runs.
   */
  clock?: () => number;
}

export class TestNetwork {
  readonly nodes: TestNode[] = [];
  private count = 0;

  /** `clock`: the default clock of every node started here (see {@link StartOptions.clock}). */
  constructor(
    private readonly root: string,
    private readonly defaults: { clock?: () => number } = {},
  ) {}

  async start(opts: StartOptions = {}): Promise<TestNode> {
    const name = opts.name ?? `node${this.count++}`;
    const datadir = opts.datadir ?? join(this.root, name);
    mkdirSync(datadir, { recursive: true });
    const config = resolveConfig({ network: opts.network ?? 'regtest', datadir, options: { 'miner-threads': ['0'] } });
    const logger = pino({ level: opts.logLevel ?? 'silent', base: { node: name } });
    const clock = opts.clock ?? this.defaults.clock;
    const node = new TallyNode(config, { logger, ...(clock ? { clock } : {}) });
    await node.start();
    const p2pOpts: P2POptions = {
      ...defaultP2POptions(getNetwork(opts.network ?? 'regtest')),
      listen: ['/ip4/127.0.0.1/tcp/0'],
      bootstrap: opts.bootstrap ?? [],
      // Tests build their topology by hand; those of DHT discovery turn it on (test/e2e/p2p/discovery.test.ts).
      dht: false,
      statusIntervalSeconds: 2,
      requestTimeoutMs: 5_000,
      ...opts.p2p,
    };
    const p2p = new P2PService(p2pOpts, { node, logger });
    await p2p.start();
    let rpc: RpcServer | undefined;
    if (opts.rpc) {
      rpc = new RpcServer({ ...defaultRpcOptions(config.network), port: 0 }, { node, p2p, logger });
      await rpc.start();
    }
    const entry: TestNode = { name, node, p2p, address: p2p.localAddresses()[0]!, ...(rpc ? { rpc } : {}) };
    this.nodes.push(entry);
    return entry;
  }

  async stop(target: TestNode): Promise<void> {
    const i = this.nodes.indexOf(target);
    if (i >= 0) this.nodes.splice(i, 1);
    await target.rpc?.stop();
    await target.p2p.stop();
    await target.node.stop();
  }

  /** Stops `target` and starts it again on the same datadir (a fresh libp2p host, a new port). */
  async restart(target: TestNode, opts: Omit<StartOptions, 'name' | 'datadir'> = {}): Promise<TestNode> {
    const datadir = target.node.config.datadir;
    await this.stop(target);
    return this.start({ clock: target.node.clock, ...opts, name: target.name, datadir, network: opts.network ?? target.node.config.network.name });
  }

  async stopAll(): Promise<void> {
    for (const n of this.nodes.splice(0).reverse()) {
      await n.rpc?.stop().catch(() => undefined);
      await n.p2p.stop().catch(() => undefined);
      await n.node.stop().catch(() => undefined);
    }
  }
}

/** Whether `a`'s libp2p host has an open connection to `b` (either direction). */
export function isConnected(a: TestNode, b: TestNode): boolean {
  return a.p2p.libp2p.getConnections(peerIdFromString(b.p2p.peerId)).length > 0;
}

/** Whether `a` counts `b` among its handshaken peers. */
export function hasPeer(a: TestNode, b: TestNode): boolean {
  return a.p2p.peers().some((p) => p.id === b.p2p.peerId);
}

/** Waits until every node has the same tip as `nodes[0]`. */
export async function waitForSameTip(nodes: readonly TestNode[], ms = 20_000): Promise<void> {
  const [first, ...rest] = nodes;
  if (!first) return;
  await waitUntil(
    () => rest.every((n) => n.node.chain.tip.hashHex === first.node.chain.tip.hashHex),
    `${nodes.map((n) => n.name).join(', ')} to share ${first.name}'s tip`,
    ms,
  );
}

/**
 * A signed spend of the coinbase of the main-chain block at `height` on `on`,
 * which must pay the BIP86 key of `testKey(keyIndex)` (as `generate(n, scriptFromSecret(testKey(keyIndex)))` does).
 * Pays everything but `fee` to `testKey(to)`.
 */
export async function spendCoinbase(on: TestNode, height: number, keyIndex: number, opts: { to?: number; fee?: bigint } = {}): Promise<Transaction> {
  const entry = on.node.chain.getEntryAtHeight(height);
  if (!entry) throw new RangeError(`${on.name} has no block at height ${height}`);
  const block = await on.node.chain.getBlock(entry.hashHex);
  const coinbase = block!.transactions[0]!;
  const output = coinbase.outputs[0]!;
  const unsigned = new Transaction({
    version: 2,
    inputs: [{ prevout: { txid: coinbase.txidBytes, vout: 0 }, scriptSig: new Uint8Array(0), sequence: 0xfffffffd, witness: [] }],
    outputs: [payTo(opts.to ?? keyIndex + 1, output.value - (opts.fee ?? 10_000n))],
    locktime: 0,
  });
  return signTaprootInputs(unsigned, [output], [testKey(keyIndex)]);
}
