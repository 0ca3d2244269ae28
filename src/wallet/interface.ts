/**
 * What the wallet needs from the node, and nothing more: the best chain
 * (tip, entries by hash and height, blocks), the mempool (membership, fee
 * estimate, relay floor), a way to submit a transaction, and the events that
 * move the wallet (block connected/disconnected, mempool added/removed).
 * `TallyNode` satisfies these structurally (its chain, mempool and
 * `sendTransaction`); the composition root passes them in, so the wallet never
 * imports the node.
 */
import type { Block } from '../primitives/block.js';
import type { OutPoint, Transaction } from '../primitives/tx.js';
import type { NetworkParams } from '../consensus/params.js';

/** A block of the header index: what the chain's ChainEntry offers the wallet. */
export interface WalletBlockEntry {
  /** Internal byte order. */
  readonly hash: Uint8Array;
  readonly hashHex: string;
  readonly height: number;
  readonly header: { readonly time: number };
  readonly prev: WalletBlockEntry | null;
}

/** Read access to the chain (a subset of the node's ChainReader). */
export interface WalletChain {
  readonly params: NetworkParams;
  readonly tip: WalletBlockEntry;
  getEntry(hash: string): WalletBlockEntry | undefined;
  getEntryAtHeight(height: number): WalletBlockEntry | undefined;
  getBlock(hash: string): Promise<Block | undefined>;
  /** An unspent output of the UTXO set, for preselected inputs that are not the wallet's (Core's findCoins). */
  getCoin?(prevout: OutPoint): Promise<{ readonly value: bigint; readonly scriptPubKey: Uint8Array } | undefined>;
}

/** Read access to the mempool (a subset of the node's MempoolReader). */
export interface WalletMempool {
  has(txid: string): boolean;
  /** sat/vB; `feerate` absent when there is no estimate yet. */
  estimateSmartFee(targetBlocks: number): { feerate?: number; blocks: number; errors?: string[] };
  /** The pool's current floor, sat/vB. */
  minFeeRate(): number;
  /** Every transaction in the pool, parents before children (Core's requestMempoolTransactions at load). */
  entries(): readonly { readonly tx: Transaction }[];
  /** A pool transaction, for preselected inputs spending unconfirmed outputs that are not the wallet's. */
  get?(txid: string): { readonly tx: Transaction } | undefined;
}

/** Why a transaction left the mempool (the node's RemovalReason). */
export type WalletRemovalReason = 'block' | 'conflict' | 'replaced' | 'expiry' | 'sizelimit' | 'reorg';

/** Everything the wallet reads and asks of the node. */
export interface WalletNode {
  readonly chain: WalletChain;
  readonly mempool: WalletMempool;
  /** Offers a transaction to the mempool and relay. @throws the mempool's or consensus' error when refused */
  sendTransaction(tx: Transaction): Promise<unknown>;
}

/**
 * The chain and mempool events a wallet follows, in the order the node emits
 * them. The manager subscribes one of these per node (see WalletManager.attach).
 */
export interface WalletEventSink {
  blockConnected(block: Block, entry: WalletBlockEntry): Promise<void>;
  blockDisconnected(block: Block, entry: WalletBlockEntry): Promise<void>;
  transactionAdded(tx: Transaction): Promise<void>;
  transactionRemoved(txid: string, reason: WalletRemovalReason): Promise<void>;
}

/** A source of node events in the node's shape (`block`, `disconnect`, `tx`, `txRemoved`), as TallyNode emits them. */
export interface WalletEventSource {
  on(event: 'block' | 'disconnect', fn: (block: Block, entry: WalletBlockEntry) => void): unknown;
  on(event: 'tx', fn: (entry: { tx: Transaction }) => void): unknown;
  on(event: 'txRemoved', fn: (entry: { txid: string }, reason: WalletRemovalReason) => void): unknown;
  off(event: string, fn: (...args: never[]) => void): unknown;
}
