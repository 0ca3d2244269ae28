/**
 * Real nodes (LevelDB, mempool, on-demand miner) with a WalletManager wired to
 * their events the way the composition root will wire it: the node itself is
 * the WalletNode and the event source.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { pino } from 'pino';
import { TallyNode } from '../../../src/node/node.js';
import { resolveConfig } from '../../../src/node/config.js';
import { addressToScriptPubKey } from '../../../src/primitives/address.js';
import { WalletManager } from '../../../src/wallet/manager.js';
import type { WalletNode, WalletEventSource } from '../../../src/wallet/interface.js';
import { scriptFromSecret } from '../../../src/primitives/sign.js';
import { testKey } from '../../helpers/chain.js';
import { tempDir } from '../../helpers/tmp.js';

/** Blocks mined to nobody we track. */
export const OTHER = scriptFromSecret(testKey(99));

export interface Harness {
  node: TallyNode;
  manager: WalletManager;
  datadir: string;
}

export class WalletHarness {
  private readonly root: string;
  private count = 0;
  private readonly running: Harness[] = [];
  private readonly bare: TallyNode[] = [];

  constructor(label: string) {
    this.root = tempDir(label);
    afterEach(async () => {
      while (this.running.length) {
        const h = this.running.pop()!;
        await h.manager.stop();
        await h.node.stop();
      }
      while (this.bare.length) await this.bare.pop()!.stop();
    });
  }

  /** A node without wallets (to build a competing branch). */
  async node(datadir = join(this.root, `n${this.count++}`)): Promise<TallyNode> {
    mkdirSync(datadir, { recursive: true });
    const config = resolveConfig({ network: 'regtest', datadir, options: { 'miner-threads': ['0'] } });
    const node = new TallyNode(config, { logger: pino({ level: 'silent' }) });
    await node.start();
    this.bare.push(node);
    return node;
  }

  /** A node with a started WalletManager (scrypt cost lowered for speed). */
  async start(datadir = join(this.root, `n${this.count++}`)): Promise<Harness> {
    const node = await this.node(datadir);
    this.bare.splice(this.bare.indexOf(node), 1);
    const walletNode: WalletNode = node;
    const events: WalletEventSource = node;
    const manager = new WalletManager({ datadir, scryptN: 1 << 10, lookahead: 20 }, { node: walletNode, events, clock: node.clock });
    await manager.start();
    const h = { node, manager, datadir };
    this.running.push(h);
    return h;
  }

  /** Stops a harness's wallets and node now (to reopen its datadir). */
  async stop(h: Harness): Promise<void> {
    this.running.splice(this.running.indexOf(h), 1);
    await h.manager.stop();
    await h.node.stop();
  }
}

/** Mines `n` blocks to `to` (an address or a script) and waits until every wallet applied them. */
export async function mine(h: Harness, n: number, to: string | Uint8Array = OTHER): Promise<string[]> {
  const script = typeof to === 'string' ? addressToScriptPubKey(h.node.config.network.addressPrefix, to) : to;
  const hashes = await h.node.generate(n, script);
  await h.manager.settled();
  return hashes;
}

export const COIN = 100_000_000n;
