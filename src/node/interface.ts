/**
 * What adapters (RPC, notifications, explorer, metrics, the network layer) may
 * read of the node: narrow views of the chain and the mempool, and the node's
 * events. Adapters depend on these, not on the concrete Chain, Mempool or
 * TallyNode, and never on the chain's storage (btcd's RPC server likewise
 * reaches the chain only through blockchain methods and indexers/).
 */
import type { EventEmitter } from 'node:events';
import type { Block, BlockHeader } from '../primitives/block.js';
import type { OutPoint, Transaction } from '../primitives/tx.js';
import type { Coin } from '../consensus/coins.js';
import type { NetworkParams } from '../consensus/params.js';
import type { ProcessResult } from '../chain/types.js';
import type { ChainEntry } from '../chain/entry.js';
import type { HeadersResult } from '../chain/accept-headers.js';
import type { ChainError } from '../chain/errors.js';
import type { UtxoDigest } from '../chain/chaindb.js';
import type { AddressDelta, AddressHistoryItem, AddressRange, AddressUtxo, Cursored, TxLocation } from '../chain/indexers/index.js';
import type { BlockSpentCoins } from '../chain/spent-coins.js';
import type { AcceptOptions, AcceptResult, FeeEstimate, MempoolEntry, MempoolInfo, RemovalReason, BlockCandidate } from '../mempool/interface.js';
import type { TestAcceptResult } from '../mempool/test-accept.js';
import type { BlockTemplate } from '../mining/template.js';
import type { NodeConfig } from './config.js';

export type { AddressDelta, AddressHistoryItem, AddressRange, AddressUtxo, Cursored, TxLocation } from '../chain/indexers/index.js';
export type { BlockSpentCoins } from '../chain/spent-coins.js';

/** Read access to the chain: the one implementation is `Chain` (src/chain). */
export interface ChainReader {
  readonly params: NetworkParams;
  /** The best valid block. */
  readonly tip: ChainEntry;
  readonly height: number;
  /** The known header with the most work not known to be invalid. */
  readonly bestHeader: ChainEntry;
  readonly orphanCount: number;
  isMain(entry: ChainEntry): boolean;
  getEntry(hash: string): ChainEntry | undefined;
  getEntryAtHeight(height: number): ChainEntry | undefined;
  allEntries(): IterableIterator<ChainEntry>;
  getBlock(hash: string): Promise<Block | undefined>;
  hasBlock(hash: string): boolean;
  /** A stored block's bytes as stored; undefined when not stored. */
  getBlockBytes(hash: string): Promise<Uint8Array | undefined>;
  /** The coins a stored block's inputs spent; undefined off the best chain. */
  spentCoins(entry: ChainEntry): Promise<BlockSpentCoins | undefined>;
  /** A confirmed unspent output. */
  getCoin(prevout: OutPoint): Promise<Coin | undefined>;
  findTransaction(txid: string): Promise<{ block: Block; entry: ChainEntry; position: number } | undefined>;
  getTxLocation(txid: Uint8Array): Promise<TxLocation | undefined>;
  getAddressUtxos(script: Uint8Array): Promise<AddressUtxo[]>;
  getAddressHistory(script: Uint8Array): Promise<AddressHistoryItem[]>;
  /** Unspent outputs paying `script`, oldest first, read lazily: pages stay bounded however large the address. */
  addressUnspent(script: Uint8Array, range?: AddressRange): AsyncIterable<Cursored<AddressUtxo>>;
  /** Changes confirmed transactions made to `script`, in block order, read lazily. */
  addressDeltas(script: Uint8Array, range?: AddressRange): AsyncIterable<Cursored<AddressDelta>>;
  utxoDigest(): Promise<UtxoDigest>;
  /** Bytes the chain database takes on disk. */
  sizeOnDisk(): Promise<number>;
  /** The reject reason of a solved block on the tip, or null when valid; nothing is stored. */
  testBlockValidity(block: Block): Promise<string | null>;
  locator(from?: ChainEntry): string[];
}

/** Read access to the mempool: the one implementation is `Mempool` (src/mempool). */
export interface MempoolReader {
  readonly size: number;
  readonly sequence: number;
  has(txid: string): boolean;
  hasWtxid(wtxid: string): boolean;
  get(txid: string): MempoolEntry | undefined;
  getAncestors(txid: string): MempoolEntry[];
  getDescendants(txid: string): MempoolEntry[];
  txids(): string[];
  entries(): MempoolEntry[];
  feeDelta(txid: string): bigint;
  minFeeRate(): number;
  info(): MempoolInfo;
  getCandidates(): BlockCandidate[];
  estimateSmartFee(targetBlocks: number): FeeEstimate;
  /** Whether the pool would accept `txs` as a package, changing nothing (testmempoolaccept). */
  testAccept(txs: readonly Transaction[]): Promise<TestAcceptResult[]>;
  /** The fee estimator's settings: `maxTarget` is the highest target it tracks (estimatesmartfee clamps longer targets to it). */
  readonly feeEstimator: { readonly opts: { readonly maxTarget: number } };
}

/**
 * The few state changes an adapter may ask of the node (RPC: submitblock,
 * sendrawtransaction, generate*). `TallyNode` implements it; each goes through
 * the node so that its side effects (events, template refresh) stay in one place.
 */
export interface NodeControl {
  /** Offers a solved block to the chain. @throws RuleError when invalid */
  submitBlock(block: Block): Promise<ProcessResult>;
  /** Offers a transaction to the mempool. @throws MempoolError or RuleError when refused */
  sendTransaction(tx: Transaction, opts?: AcceptOptions): Promise<AcceptResult>;
  /** A block template on the tip paying `payoutScript`, from the mempool's candidates. */
  template(payoutScript: Uint8Array): BlockTemplate;
}

export interface NodeEvents {
  /** A block joined the best chain. */
  block: [block: Block, entry: ChainEntry];
  /** A block left the best chain in a reorganization. */
  disconnect: [block: Block, entry: ChainEntry];
  reorg: [info: { oldTip: ChainEntry; newTip: ChainEntry; fork: ChainEntry }];
  /** A transaction entered the mempool. */
  tx: [entry: MempoolEntry];
  txRemoved: [entry: MempoolEntry, reason: RemovalReason];
  /**
   * `submitBlock` finished `chain.processBlock` (metrics): wall time in ms, including any
   * wait behind blocks already queued and any orphans or reorg the block set off;
   * `rejected` when processBlock threw.
   */
  blockProcessed: [info: { hash: string; ms: number; status: ProcessResult['status'] | 'rejected' }];
  /**
   * The chain hit a storage failure (a full disk, a failed write, damage; codes in
   * src/chain/storage-errors.ts) and refuses every later change: whoever runs the
   * node must stop it. Logged once at level fatal with the operator's message.
   */
  fatal: [error: ChainError];
}

/** Subscribing to the node's events (TallyNode is an EventEmitter of NodeEvents). */
export type NodeEventSource = Pick<EventEmitter<NodeEvents>, 'on' | 'off'>;

/** What sync changes in the chain besides submitting blocks: header acceptance, and what to download next. */
export interface HeaderChain {
  processHeader(header: BlockHeader): Promise<ChainEntry>;
  /** A run of headers in one chain call, stopping at the first rule broken (Chain.processHeaders). */
  processHeaders(headers: readonly BlockHeader[]): Promise<HeadersResult>;
  /** Blocks without data on the way from the best chain to `target` (the best header by default), oldest first. */
  blocksToDownload(limit: number, target?: ChainEntry): ChainEntry[];
}

/**
 * What the network layer (src/network, and through it src/sync) needs of the
 * node; TallyNode satisfies it structurally. Blocks and transactions go in
 * through `submitBlock`/`sendTransaction`, so the mempool and the miner stay
 * in step with whatever the network delivers.
 */
export interface NetworkNode extends NodeEventSource {
  readonly config: Pick<NodeConfig, 'network' | 'datadir' | 'sync'>;
  readonly chain: ChainReader & HeaderChain;
  /** `removeOrphansFrom`: a disconnected peer's orphans are dropped (Core's EraseForPeer). */
  readonly mempool: MempoolReader & { removeOrphansFrom(peer: string): Promise<number> };
  /** Seconds since the epoch: the node's one clock. */
  readonly clock: () => number;
  submitBlock(block: Block): Promise<ProcessResult>;
  sendTransaction(tx: Transaction, opts?: AcceptOptions): Promise<AcceptResult>;
}
