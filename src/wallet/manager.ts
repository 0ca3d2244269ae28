/**
 * The wallet service (Core's WalletContext): several named wallets under
 * `<datadir>/wallets/<name>/`, loaded and unloaded at run time, all fed by the
 * node's events. The RPC layer asks it for the wallet a request names
 * (`/wallet/<name>`), or for the only one loaded (Core's -19 otherwise).
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Block } from '../primitives/block.js';
import type { Transaction } from '../primitives/tx.js';
import { systemClock } from '../util/clock.js';
import { silentLogger, type LogWriter } from '../util/logger.js';
import type { CreateOptions } from './create.js';
import { walletError } from './errors.js';
import type { WalletBlockEntry, WalletEventSource, WalletNode, WalletRemovalReason } from './interface.js';
import { WALLET_DEFAULTS, type WalletOptions } from './options.js';
import { CREATING_SUFFIX, Wallet } from './wallet.js';

export interface WalletManagerOptions extends Partial<WalletOptions> {
  /** The node's datadir: wallets live in its `wallets/` folder. */
  datadir: string;
  /** Wallets to load at start (Core's -wallet). */
  load?: readonly string[];
}

export interface WalletManagerModules {
  node: WalletNode;
  /** The node's events; the manager subscribes on start and unsubscribes on stop. */
  events?: WalletEventSource;
  clock?: () => number;
  logger?: LogWriter;
}

/** A wallet name is a folder name: no separators, nothing that climbs out of `wallets/`. */
function checkName(name: string): void {
  if (name.length > 255 || /[/\\\0]/.test(name) || name === '.' || name === '..') throw walletError('invalid-parameter', `Invalid wallet name "${name}"`);
}

export class WalletManager {
  private readonly wallets = new Map<string, Wallet>();
  private readonly opts: WalletOptions;
  private readonly clock: () => number;
  private readonly log: LogWriter;
  private readonly handlers = {
    block: (block: Block, entry: WalletBlockEntry) => this.each((w) => w.blockConnected(block, entry)),
    disconnect: (block: Block, entry: WalletBlockEntry) => this.each((w) => w.blockDisconnected(block, entry)),
    tx: (entry: { tx: Transaction }) => this.each((w) => w.transactionAdded(entry.tx)),
    txRemoved: (entry: { txid: string }, reason: WalletRemovalReason) => this.each((w) => w.transactionRemoved(entry.txid, reason)),
  };

  constructor(private readonly managerOpts: WalletManagerOptions, private readonly modules: WalletManagerModules) {
    const { datadir: _d, load: _l, ...rest } = managerOpts;
    this.opts = { ...WALLET_DEFAULTS, ...rest };
    this.clock = modules.clock ?? systemClock;
    this.log = modules.logger ?? silentLogger;
  }

  /** `<datadir>/wallets`. */
  get walletDir(): string {
    return join(this.managerOpts.datadir, 'wallets');
  }

  private each(fn: (w: Wallet) => Promise<void>): void {
    for (const w of this.wallets.values()) {
      fn(w).catch((err: Error) => this.log.error({ module: 'wallet', wallet: w.name, err: err.message }, 'wallet could not apply a node event'));
    }
  }

  /** Subscribes to the node's events and loads the configured wallets. */
  async start(): Promise<void> {
    mkdirSync(this.walletDir, { recursive: true });
    const events = this.modules.events;
    if (events) {
      events.on('block', this.handlers.block);
      events.on('disconnect', this.handlers.disconnect);
      events.on('tx', this.handlers.tx);
      events.on('txRemoved', this.handlers.txRemoved);
    }
    for (const name of this.managerOpts.load ?? []) await this.load(name);
  }

  async stop(): Promise<void> {
    const events = this.modules.events;
    if (events) for (const [event, fn] of Object.entries(this.handlers)) events.off(event, fn as (...args: never[]) => void);
    for (const name of [...this.wallets.keys()]) await this.unload(name);
  }

  private path(name: string): string {
    checkName(name);
    return join(this.walletDir, name);
  }

  /** createwallet. @throws WalletError `already-exists`, `invalid-parameter` */
  async create(name: string, opts: CreateOptions = {}): Promise<Wallet> {
    const path = this.path(name);
    if (this.wallets.has(name) || existsSync(path)) throw walletError('already-exists', `Wallet file verification failed. Failed to create database path '${path}'. Database already exists.`);
    const wallet = await Wallet.create(path, name, this.opts, { node: this.modules.node, clock: this.clock, logger: this.log }, opts);
    this.wallets.set(name, wallet);
    // Blocks connected between its last catch-up and joining the map reached no handler.
    await wallet.sync();
    this.log.info({ module: 'wallet', wallet: name }, 'wallet created');
    return wallet;
  }

  /** loadwallet. @throws WalletError `already-loaded`, `not-found` */
  async load(name: string): Promise<Wallet> {
    const path = this.path(name);
    if (this.wallets.has(name)) throw walletError('already-loaded', `Wallet "${name}" is already loaded.`);
    if (!existsSync(path)) throw walletError('not-found', `Wallet file verification failed. Failed to load database path '${path}'. Path does not exist.`);
    const wallet = await Wallet.open(path, name, this.opts, { node: this.modules.node, clock: this.clock, logger: this.log });
    this.wallets.set(name, wallet);
    await wallet.sync();
    return wallet;
  }

  /** unloadwallet. @throws WalletError `not-loaded` */
  async unload(name: string): Promise<void> {
    const wallet = this.wallets.get(name);
    if (!wallet) throw walletError('not-loaded', 'Requested wallet does not exist or is not loaded');
    this.wallets.delete(name);
    await wallet.close();
  }

  /** listwallets. */
  list(): string[] {
    return [...this.wallets.keys()].sort();
  }

  /** listwalletdir: the wallet folders present, loaded or not. */
  listDir(): string[] {
    if (!existsSync(this.walletDir)) return [];
    return readdirSync(this.walletDir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.includes(CREATING_SUFFIX))
      .map((d) => d.name)
      .sort();
  }

  /**
   * The wallet a request addresses: by name (`/wallet/<name>`), or the only one loaded.
   * @throws WalletError `not-loaded` (-18), `not-specified` (-19)
   */
  get(name?: string): Wallet {
    if (name !== undefined) {
      const wallet = this.wallets.get(name);
      if (!wallet) throw walletError('not-loaded', 'Requested wallet does not exist or is not loaded');
      return wallet;
    }
    if (this.wallets.size === 1) return [...this.wallets.values()][0]!;
    if (this.wallets.size === 0) throw walletError('not-loaded', 'No wallet is loaded. Load a wallet using loadwallet or create a new one with createwallet. (Note: A default wallet is no longer automatically created)');
    throw walletError('not-specified', 'Wallet file not specified (must request wallet RPC through /wallet/<filename> uri-path).');
  }

  /** Resolves when every loaded wallet has applied the events queued so far. */
  async settled(): Promise<void> {
    for (const w of this.wallets.values()) await w.settled();
  }
}
