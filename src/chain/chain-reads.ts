/**
 * The chain's queries (what node/interface.ts's ChainReader offers adapters):
 * entries, blocks, coins, the spent coins of a block, and the address and
 * transaction indexes. Only the chain touches its database; adapters read here.
 */
import { EventEmitter } from 'node:events';
import type { Block } from '../primitives/block.js';
import { hashFromHex, hashToHex } from '../primitives/bytes.js';
import type { OutPoint } from '../primitives/tx.js';
import type { Coin } from '../consensus/coins.js';
import type { BlockIndex } from './block-index.js';
import type { BlockStore } from './block-store.js';
import type { ChainDB } from './chaindb.js';
import { folderSize } from './db-files.js';
import type { ChainEntry } from './entry.js';
import type { AddressDelta } from './indexers/address-index.js';
import {
  addressDeltas, addressUnspent, getAddressHistory, getAddressUtxos,
  type AddressHistoryItem, type AddressRange, type AddressUtxo, type Cursored,
} from './indexers/address-reads.js';
import { getTxLocation, type TxLocation } from './indexers/tx-index.js';
import { resolveSpentCoins, type BlockSpentCoins } from './spent-coins.js';
import type { ChainEvents } from './types.js';

export abstract class ChainReads extends EventEmitter<ChainEvents> {
  protected constructor(
    protected readonly db: ChainDB,
    protected readonly index: BlockIndex,
    protected readonly store: BlockStore,
  ) {
    super();
  }

  /** The best valid block. */
  get tip(): ChainEntry {
    return this.index.tip;
  }

  get height(): number {
    return this.tip.height;
  }

  /** The known header with the most work that is not known to be invalid (what sync aims for). */
  get bestHeader(): ChainEntry {
    return this.index.bestHeader;
  }

  /**
   * Blocks to download next: the entries without data on the way from the best
   * chain to `target` (the best header by default), oldest first, at most `limit`.
   */
  blocksToDownload(limit: number, target: ChainEntry = this.bestHeader): ChainEntry[] {
    return this.index.blocksToDownload(limit, target);
  }

  isMain(entry: ChainEntry): boolean {
    return this.index.isMain(entry);
  }

  getEntry(hash: string): ChainEntry | undefined {
    return this.index.get(hash);
  }

  getEntryAtHeight(height: number): ChainEntry | undefined {
    return this.index.mainChain[height];
  }

  /** Every known entry (for getchaintips). */
  allEntries(): IterableIterator<ChainEntry> {
    return this.index.values();
  }

  async getBlock(hash: string): Promise<Block | undefined> {
    const entry = this.index.get(hash);
    if (!entry?.haveData) return undefined;
    return this.store.get(entry);
  }

  /** Whether the whole block is stored. */
  hasBlock(hash: string): boolean {
    return this.index.get(hash)?.haveData === true;
  }

  /**
   * A stored block's bytes as they were stored, neither decoded nor checked again (they
   * were checked on the way in), nor cached: for serving blocks to peers. Undefined when
   * the block is not stored.
   * @throws ChainError db-corrupt when the record is not the block, db-blocks-lost when it is gone
   */
  async getBlockBytes(hash: string): Promise<Uint8Array | undefined> {
    const entry = this.index.get(hash);
    if (!entry?.haveData) return undefined;
    return this.store.bytes(entry);
  }

  /** A confirmed unspent output. */
  getCoin(prevout: OutPoint): Promise<Coin | undefined> {
    return this.db.getCoin(prevout);
  }

  /** The block and position of a confirmed transaction (display txid). */
  async findTransaction(txid: string): Promise<{ block: Block; entry: ChainEntry; position: number } | undefined> {
    const loc = await getTxLocation(this.db, hashFromHex(txid));
    if (!loc) return undefined;
    const entry = this.index.get(hashToHex(loc.blockHash));
    if (!entry) return undefined;
    return { block: await this.store.get(entry), entry, position: loc.position };
  }

  /** Where a confirmed transaction is (internal-order txid), from the transaction index. */
  getTxLocation(txid: Uint8Array): Promise<TxLocation | undefined> {
    return getTxLocation(this.db, txid);
  }

  /** Unspent outputs paying to `script`, from the address index. */
  getAddressUtxos(script: Uint8Array): Promise<AddressUtxo[]> {
    return getAddressUtxos(this.db, script);
  }

  /** Confirmed transactions touching `script`, oldest first, from the address index. */
  getAddressHistory(script: Uint8Array): Promise<AddressHistoryItem[]> {
    return getAddressHistory(this.db, script);
  }

  /** Unspent outputs paying `script`, oldest first, read lazily (bounded memory; see address-reads.ts). */
  addressUnspent(script: Uint8Array, range?: AddressRange): AsyncIterable<Cursored<AddressUtxo>> {
    return addressUnspent(this.db, script, range);
  }

  /** Every change confirmed transactions made to `script`, in block order, read lazily. */
  addressDeltas(script: Uint8Array, range?: AddressRange): AsyncIterable<Cursored<AddressDelta>> {
    return addressDeltas(this.db, script, range);
  }

  /** Bytes the chain database takes on disk (Core's size_on_disk). */
  sizeOnDisk(): Promise<number> {
    return folderSize(this.db.path);
  }

  /**
   * The coin spent by every input of every non-coinbase transaction of a
   * stored block (see {@link resolveSpentCoins}). Undefined when that needs
   * undo data the block lacks: off the best chain, or not downloaded.
   * @throws ChainError db-corrupt when the undo record does not match the block
   */
  async spentCoins(entry: ChainEntry): Promise<BlockSpentCoins | undefined> {
    if (!entry.haveData) return undefined;
    const block = await this.store.get(entry);
    // A block of only a coinbase spends nothing, on any branch.
    if (block.transactions.length === 1) return [[]];
    if (!this.isMain(entry)) return undefined;
    // A reorganization may disconnect the block, deleting its undo record, between the two reads.
    const undo = await this.db.getUndo(entry.hash).catch((err: unknown) => {
      if (this.isMain(entry)) throw err;
      return undefined;
    });
    return undo && resolveSpentCoins(block, entry.height, undo);
  }

  /** Bitcoin's block locator from the tip: dense near the tip, then exponentially sparser, ending at genesis. */
  locator(from: ChainEntry = this.tip): string[] {
    return this.index.locator(from);
  }
}
