/**
 * One loaded wallet (Core's CWallet): its LevelDB at `<datadir>/wallets/<name>/`,
 * fed by the node's chain and mempool events, answering the wallet RPC's
 * questions. Every change runs through one queue, so events and calls apply
 * in order and each is one atomic batch.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import type { Block } from '../primitives/block.js';
import { equalBytes } from '../primitives/bytes.js';
import type { Transaction } from '../primitives/tx.js';
import type { LogWriter } from '../util/logger.js';
import { WalletCore } from './core.js';
import { newWalletKeys, importDescriptor, type CreateOptions, type ImportRequest, type ImportResult } from './create.js';
import { walletError, WalletError } from './errors.js';
import type { WalletBlockEntry, WalletEventSink, WalletNode, WalletRemovalReason } from './interface.js';
import { setLabel } from './label-book.js';
import { checkLabel } from './labels.js';
import { walletKeys } from './layout.js';
import type { WalletOptions } from './options.js';
import * as pay from './payments.js';
import type { PaymentRequest } from './spend.js';
import { changePassphrase, encryptWallet, lockWallet, readSecrets, unlockWallet } from './secrets.js';
import { WalletBatch, WalletStore } from './store.js';
import { catchUp, connectBlock, disconnectBlock, firstBlockAfter, rescan, resubmit } from './sync.js';
import { WalletReads } from './reads.js';

/** The longest delay setTimeout honours. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Folders of wallets being created end with this and the process id; listwalletdir skips them. */
export const CREATING_SUFFIX = '.creating-';

export interface WalletModules {
  node: WalletNode;
  /** Seconds since the epoch. */
  clock: () => number;
  logger?: LogWriter;
}

export class Wallet extends WalletReads implements WalletEventSink {
  private queue: Promise<unknown> = Promise.resolve();
  private relock?: ReturnType<typeof setTimeout>;

  private constructor(core: WalletCore) {
    super(core);
  }

  /** Opens an existing wallet and replays the blocks it missed. @throws WalletError `not-found`, `wallet-error` */
  static async open(path: string, name: string, opts: WalletOptions, modules: WalletModules): Promise<Wallet> {
    const store = new WalletStore(path);
    await store.open({ create: false });
    try {
      const meta = await store.meta();
      if (!meta) throw walletError('wallet-error', `${path} has no wallet metadata`);
      if (meta.network !== modules.node.chain.params.name) throw walletError('wallet-error', `wallet ${name} is for ${meta.network}, not ${modules.node.chain.params.name}`);
      const wallet = new Wallet(new WalletCore(name, store, modules.node, opts, meta, modules.clock, modules.logger));
      await wallet.core.load();
      await wallet.serial(async () => {
        await catchUp(wallet.core);
        await resubmit(wallet.core);
      });
      return wallet;
    } catch (err) {
      await store.close();
      throw err;
    }
  }

  /**
   * Creates a wallet: built in a temporary folder beside `path` and renamed into
   * place once complete, so a crash during creation leaves no half wallet.
   * @throws WalletError `already-exists`, `invalid-parameter`
   */
  static async create(path: string, name: string, opts: WalletOptions, modules: WalletModules, create: CreateOptions = {}): Promise<Wallet> {
    if (existsSync(path)) throw walletError('already-exists', `Wallet file verification failed. Failed to create database path '${path}'. Database already exists.`);
    const made = await newWalletKeys(create, modules.clock(), opts.scryptN);
    const building = `${path}${CREATING_SUFFIX}${process.pid}`;
    rmSync(building, { recursive: true, force: true });
    const store = new WalletStore(building);
    await store.open({ create: true });
    const meta = { network: modules.node.chain.params.name, watchOnly: create.watchOnly === true, blank: create.blank === true, createdAt: modules.clock() };
    const batch = new WalletBatch().putJson(walletKeys.meta(), meta);
    if (made.secrets) batch.putJson(walletKeys.secrets(), made.secrets);
    for (const d of made.descriptors) batch.putJson(walletKeys.descriptor(d.id), d);
    // A new key has no history: the wallet starts at the tip. A restored one rescans from genesis.
    if (!made.restored) batch.bestBlock(modules.node.chain.tip);
    await store.write(batch);
    await store.close();
    renameSync(building, path);
    return Wallet.open(path, name, opts, modules);
  }

  get name(): string {
    return this.core.name;
  }

  /** Runs `fn` after everything queued before it. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    if (this.relock) clearTimeout(this.relock);
    await this.serial(async () => {
      this.core.keys.lock();
      await this.core.store.close();
    });
  }

  /** backupwallet: a consistent copy of the wallet's database at `dest`. @throws WalletError `wallet-error` when it cannot be written */
  backup(dest: string): Promise<void> {
    return this.serial(async () => {
      if (existsSync(dest)) throw walletError('wallet-error', `Error: Wallet backup failed! ${dest} already exists`);
      await this.core.store.backup(dest).catch((err: Error) => {
        throw walletError('wallet-error', `Error: Wallet backup failed! ${err.message}`);
      });
    });
  }

  /** Resolves when every queued event has been applied. */
  async settled(): Promise<void> {
    await this.serial(async () => undefined);
  }

  // --- node events (WalletEventSink) ---

  /** A block that does not extend the last synced one means events were missed: replay from the chain instead. */
  blockConnected(block: Block, entry: WalletBlockEntry): Promise<void> {
    return this.serial(async () => {
      const best = this.core.best;
      if (best && !equalBytes(block.header.prevHashBytes, best.hash)) await catchUp(this.core);
      else await connectBlock(this.core, block, entry);
    });
  }

  blockDisconnected(block: Block, entry: WalletBlockEntry): Promise<void> {
    return this.serial(async () => {
      const best = this.core.best;
      if (best && !equalBytes(entry.hash, best.hash)) await catchUp(this.core);
      else await disconnectBlock(this.core, block, entry);
    });
  }

  /** Replays whatever the chain did since the last synced block (the manager calls it once a wallet is registered). */
  sync(): Promise<void> {
    return this.serial(() => catchUp(this.core));
  }

  transactionAdded(tx: Transaction): Promise<void> {
    return this.serial(() => this.core.change((c) => this.core.tracker.addMempool(tx, c)));
  }

  transactionRemoved(txid: string, reason: WalletRemovalReason): Promise<void> {
    return this.serial(() => this.core.change((c) => this.core.tracker.removeMempool(txid, reason, c)));
  }

  // --- keys and addresses ---

  /**
   * getnewaddress / getrawchangeaddress; a receiving address goes into the
   * address book with its label ("" by default, as Core), in the same batch.
   * @throws WalletError `keypool-ran-out` for a wallet without an active descriptor, `invalid-label`
   */
  newAddress(change = false, label = ''): Promise<string> {
    return this.serial(async () => {
      if (!change) checkLabel(label);
      const next = this.core.keys.nextAddress(change);
      const batch = new WalletBatch().putJson(walletKeys.descriptor(next.record.id), next.record);
      if (!change) setLabel(this.core, next.address, label, batch);
      await this.core.store.write(batch);
      return next.address;
    });
  }

  /** setlabel: `receive` for our addresses, `send` for others' (Core). @throws WalletError `invalid-address`, `invalid-label` */
  setLabel(address: string, label: string): Promise<void> {
    return this.serial(async () => {
      const batch = new WalletBatch();
      setLabel(this.core, address, checkLabel(label), batch);
      await this.core.store.write(batch);
    });
  }

  /** importdescriptors: each request succeeds or fails alone; then one rescan from the earliest timestamp. */
  importDescriptors(requests: readonly ImportRequest[]): Promise<ImportResult[]> {
    return this.serial(async () => {
      const results: ImportResult[] = [];
      for (const req of requests) {
        try {
          const record = await importDescriptor(this.core, req);
          results.push({ success: true, record, timestamp: record.timestamp });
        } catch (err) {
          if (!(err instanceof WalletError)) throw err;
          results.push({ success: false, error: { code: err.rpcCode, message: err.message } });
        }
      }
      const stamps = results.flatMap((r, i) => (r.success && requests[i]!.timestamp !== 'now' ? [r.timestamp] : []));
      if (stamps.length) await rescan(this.core, firstBlockAfter(this.core.node.chain, Math.min(...stamps)));
      return results;
    });
  }

  /** rescanblockchain. */
  rescan(from?: number, to?: number): Promise<{ startHeight: number; stopHeight: number }> {
    return this.serial(() => rescan(this.core, from, to));
  }

  // --- passphrase ---

  encrypt(passphrase: string): Promise<void> {
    return this.serial(() => encryptWallet(this.core, passphrase));
  }

  /** walletpassphrase: unlocked for `timeoutSeconds`, then locked again by a timer. */
  unlock(passphrase: string, timeoutSeconds: number): Promise<void> {
    return this.serial(async () => {
      const seconds = await unlockWallet(this.core, passphrase, timeoutSeconds);
      if (this.relock) clearTimeout(this.relock);
      this.scheduleRelock(seconds * 1000);
    });
  }

  /** Timers hold at most 2^31-1 ms (about 24.8 days); a longer unlock re-arms until it is due. */
  private scheduleRelock(ms: number): void {
    const step = Math.min(ms, MAX_TIMER_MS);
    const due = (): void => void this.serial(async () => this.core.encrypted && lockWallet(this.core));
    this.relock = setTimeout(() => (ms > MAX_TIMER_MS ? this.scheduleRelock(ms - MAX_TIMER_MS) : due()), step);
    this.relock.unref();
  }

  lock(): Promise<void> {
    return this.serial(async () => {
      if (this.relock) clearTimeout(this.relock);
      lockWallet(this.core);
    });
  }

  changePassphrase(oldPassphrase: string, newPassphrase: string): Promise<void> {
    return this.serial(() => changePassphrase(this.core, oldPassphrase, newPassphrase));
  }

  /** listdescriptors(private=true)'s secrets and the mnemonic. @throws WalletError `unlock-needed` */
  secrets(): Promise<{ mnemonic?: string; descriptors: Record<string, string> }> {
    return this.serial(() => readSecrets(this.core));
  }

  // --- coins and payments ---

  /** lockunspent: `unlock` true releases the outpoints (all of them when none are given). */
  lockUnspent(unlock: boolean, outpoints: readonly { txid: string; vout: number }[] = [], persistent = false): Promise<boolean> {
    return this.serial(() => pay.lockUnspent(this.core, unlock, outpoints, persistent));
  }

  createTransaction(req: PaymentRequest, sign = true): Promise<pay.CreatedTransaction> {
    return this.serial(() => pay.createTransaction(this.core, req, sign));
  }

  send(req: PaymentRequest): Promise<{ txid: string; fee: bigint; tx: Transaction }> {
    return this.serial(() => pay.send(this.core, req));
  }

  /** Core's `send`: broadcast, or a PSBT when preselected inputs are not the wallet's. */
  sendOrPsbt(req: PaymentRequest): ReturnType<typeof pay.sendOrPsbt> {
    return this.serial(() => pay.sendOrPsbt(this.core, req));
  }

  /** Broadcasts a transaction signed elsewhere (a finalized PSBT, say) and records it. */
  broadcast(tx: Transaction): Promise<string> {
    return this.serial(() => pay.broadcast(this.core, tx));
  }

  bumpFee(txid: string, feeRate?: number, confTarget?: number): Promise<{ txid: string; origFee: bigint; fee: bigint }> {
    return this.serial(() => pay.bumpFee(this.core, txid, feeRate, confTarget));
  }

  /** abandontransaction. @throws WalletError `tx-not-found`, `not-eligible` */
  abandonTransaction(txid: string): Promise<void> {
    return this.serial(() => this.core.change((c) => this.core.tracker.abandon(txid, this.core.view().tipHeight, c)));
  }

  signRawTransaction(tx: Transaction): Transaction {
    return pay.signRawTransaction(this.core, tx);
  }

  createPsbt(req: PaymentRequest): Promise<{ psbt: string; fee: bigint; changePosition: number }> {
    return this.serial(() => pay.createPsbt(this.core, req));
  }

  processPsbt(psbt: string, opts: { sign?: boolean; finalize?: boolean } = {}): { psbt: string; complete: boolean; hex?: string } {
    return pay.processPsbt(this.core, psbt, opts);
  }
}
