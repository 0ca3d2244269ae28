/**
 * Real Tally nodes in this process for p2p tests: each has its own datadir,
 * LevelDB, worker pools and libp2p host listening on 127.0.0.1 with an
 * OS-chosen port. `stopAll()` in afterAll/afterEach cleans everything up.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { TallyNode } from '../../src/node/node.js';
import { resolveConfig } from '../../src/node/config.js';
import { P2PService } from '../../src/p2p/p2p.js';
import { defaultP2POptions, type P2POptions } from '../../src/p2p/options.js';
import { regtest } from '../../src/consensus/params.js';

export interface TestNode {
  name: string;
  node: TallyNode;
  p2p: P2PService;
  /** Full multiaddr with peer id. */
  address: string;
}

export interface StartOptions {
  name?: string;
  datadir?: string;
  bootstrap?: string[];
  p2p?: Partial<P2POptions>;
  logLevel?: 'silent' | 'debug' | 'info';
}

export class TestNetwork {
  readonly nodes: TestNode[] = [];
  private count = 0;

  constructor(private readonly root: string) {}

  async start(opts: StartOptions = {}): Promise<TestNode> {
    const name = opts.name ?? `node${this.count++}`;
    const datadir = opts.datadir ?? join(this.root, name);
    mkdirSync(datadir, { recursive: true });
    const config = resolveConfig({ network: 'regtest', datadir, options: { 'miner-threads': ['0'] } });
    const logger = pino({ level: opts.logLevel ?? 'silent', base: { node: name } });
    const node = new TallyNode(config, { logger });
    await node.start();
    const p2pOpts: P2POptions = {
      ...defaultP2POptions(regtest),
      listen: ['/ip4/127.0.0.1/tcp/0'],
      bootstrap: opts.bootstrap ?? [],
      statusIntervalSeconds: 2,
      requestTimeoutMs: 5_000,
      ...opts.p2p,
    };
    const p2p = new P2PService(p2pOpts, { node, logger });
    await p2p.start();
    const entry = { name, node, p2p, address: p2p.localAddresses()[0]! };
    this.nodes.push(entry);
    return entry;
  }

  async stop(target: TestNode): Promise<void> {
    const i = this.nodes.indexOf(target);
    if (i >= 0) this.nodes.splice(i, 1);
    await target.p2p.stop();
    await target.node.stop();
  }

  async stopAll(): Promise<void> {
    for (const n of this.nodes.splice(0).reverse()) {
      await n.p2p.stop().catch(() => undefined);
      await n.node.stop().catch(() => undefined);
    }
  }
}

/** Polls `check` every 50 ms until it is true; throws after `ms` with `what` in the message. */
export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}
