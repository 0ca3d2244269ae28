/**
 * The state of one loaded wallet, shared by the modules that change it: its
 * database, keys, transactions and last synced block, and the one place that
 * writes a change (`commit`), so every event becomes one atomic batch.
 */
import { hashToHex } from '../primitives/bytes.js';
import type { NetworkParams } from '../consensus/params.js';
import { silentLogger, type LogWriter } from '../util/logger.js';
import type { WalletBlockEntry, WalletNode } from './interface.js';
import { KeyRing } from './keyring.js';
import { Ledger, outpointId } from './ledger.js';
import { walletKeys } from './layout.js';
import type { WalletOptions } from './options.js';
import type { AddressBookEntry, SecretsRecord, WalletMeta, WalletSecrets } from './records.js';
import { WalletBatch, type BestBlock, type WalletStore } from './store.js';
import { Changes, Tracker } from './tracker.js';
import type { WalletView } from './view.js';

export class WalletCore {
  readonly keys: KeyRing;
  readonly ledger = new Ledger();
  readonly tracker: Tracker;
  /** lockunspent's locks (`txid:vout`); the persistent ones are also stored. */
  readonly locked = new Set<string>();
  /** Labels by address (Core's m_address_book). */
  readonly addressBook = new Map<string, AddressBookEntry>();
  best?: BestBlock;
  secrets?: SecretsRecord;
  /** The decrypted secrets while an encrypted wallet is unlocked. */
  plainSecrets?: WalletSecrets;
  /** Seconds when an unlocked encrypted wallet locks again (0: locked or not encrypted). */
  unlockedUntil = 0;

  constructor(
    readonly name: string,
    readonly store: WalletStore,
    readonly node: WalletNode,
    readonly opts: WalletOptions,
    public meta: WalletMeta,
    readonly clock: () => number,
    readonly log: LogWriter = silentLogger,
  ) {
    this.keys = new KeyRing(this.params.addressPrefix, opts.lookahead);
    this.tracker = new Tracker(this.ledger, this.keys, clock);
  }

  get params(): NetworkParams {
    return this.node.chain.params;
  }

  /** The wallet's reads see the node's tip: confirmations count from it. */
  view(): WalletView {
    return { ledger: this.ledger, keys: this.keys, tipHeight: this.node.chain.tip.height, coinbaseMaturity: this.params.coinbaseMaturity, locked: this.locked, addressBook: this.addressBook };
  }

  get encrypted(): boolean {
    return this.secrets?.encrypted === true;
  }

  /** Loads what the database holds into memory. */
  async load(): Promise<void> {
    this.secrets = await this.store.secrets();
    for (const record of await this.store.descriptors()) this.keys.add(record);
    this.ledger.load(await this.store.transactions());
    for (const [txid, vout] of await this.store.locks()) this.locked.add(outpointId(hashToHex(txid), vout));
    for (const [address, entry] of await this.store.addressBook()) this.addressBook.set(address, entry);
    this.best = await this.store.bestBlock();
    if (this.secrets && !this.secrets.encrypted) this.keys.unlock(this.secrets.plain);
  }

  /** Writes what `changes` touched, and the new last synced block when given, in one batch. */
  async commit(changes: Changes, best?: WalletBlockEntry | BestBlock): Promise<void> {
    const batch = new WalletBatch();
    for (const txid of changes.txs) {
      const wtx = this.ledger.get(txid)!;
      batch.putJson(walletKeys.tx(wtx.tx.txidBytes), wtx.record);
    }
    for (const record of changes.descriptors.values()) batch.putJson(walletKeys.descriptor(record.id), record);
    if (best) {
      this.best = { hash: best.hash, height: best.height };
      batch.bestBlock(this.best);
    }
    await this.store.write(batch);
  }

  /** Runs `step` on a fresh change set and commits it. */
  async change(step: (changes: Changes) => void, best?: WalletBlockEntry | BestBlock): Promise<void> {
    const changes = new Changes();
    step(changes);
    if (!changes.empty || best) await this.commit(changes, best);
  }
}
