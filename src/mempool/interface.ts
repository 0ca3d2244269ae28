/**
 * What the mempool needs from the rest of the node, kept narrow so that tests
 * can supply it from an in-memory chain and the node from LevelDB.
 */
import type { Coin } from '../consensus/coins.js';
import type { NetworkParams } from '../consensus/params.js';
import type { FeeEstimator } from './fee-estimator.js';
import type { SignatureVerifier } from '../primitives/signature.js';
import type { OutPoint, Transaction } from '../primitives/tx.js';
import type { LogWriter } from '../util/logger.js';

/** The active chain as the mempool sees it. */
export interface MempoolChain {
  readonly params: NetworkParams;
  /** Height of the current tip. */
  tipHeight(): number;
  /** Median time past of the tip (BIP113: finality of the next block is judged against it). */
  medianTimePast(): number;
  /** An unspent output of the confirmed UTXO set (LevelDB behind it, hence async). */
  getCoin(prevout: OutPoint): Promise<Coin | undefined>;
}

/** The part of the shared logger the mempool writes to. */
/** The mempool only writes lines. */
export type MempoolLogger = LogWriter;

/** Injected collaborators. */
export interface MempoolModules {
  chain: MempoolChain;
  /** Schnorr verification backend; `getVerifier()` by default. */
  verifier?: SignatureVerifier;
  logger?: MempoolLogger;
  /** Current time in seconds; the system clock by default. The node passes its own; tests pass a fake. */
  clock?: () => number;
  /** Fee estimator to feed (one with default options by default); injected so a node can share or persist it. */
  feeEstimator?: FeeEstimator;
}

/** Why an entry left the pool (Core's MemPoolRemovalReason). */
export type RemovalReason = 'block' | 'conflict' | 'replaced' | 'expiry' | 'sizelimit' | 'reorg';

/** A transaction in the pool with its cached package statistics. Sizes are virtual bytes; fees include prioritisation. */
export interface MempoolEntry {
  readonly tx: Transaction;
  readonly txid: string;
  readonly wtxid: string;
  /** The fee the transaction pays (inputs minus outputs). */
  readonly fee: bigint;
  /** `fee` plus any prioritisation delta: what policy and mining rank by. */
  readonly modifiedFee: bigint;
  readonly vsize: number;
  readonly weight: number;
  /** Estimated memory this entry costs, what the size cap counts. */
  readonly usage: number;
  /** Seconds when it entered the pool. */
  readonly time: number;
  /** Tip height when it entered the pool. */
  readonly height: number;
  /** It spends a confirmed coinbase output (a reorg may make that immature again). */
  readonly spendsCoinbase: boolean;
  /** Txids of in-mempool parents and children. */
  readonly parents: ReadonlySet<string>;
  readonly children: ReadonlySet<string>;
  /** Counts, sizes and modified fees including the entry itself. */
  readonly ancestorCount: number;
  readonly ancestorSize: number;
  readonly ancestorFees: bigint;
  readonly descendantCount: number;
  readonly descendantSize: number;
  readonly descendantFees: bigint;
}

/** Events the pool emits, for p2p relay, wallets and the fee estimator. */
export interface MempoolEvents {
  added: [entry: MempoolEntry];
  removed: [entry: MempoolEntry, reason: RemovalReason];
}

/** Options of {@link Mempool.acceptTransaction}. */
export interface AcceptOptions {
  /**
   * Keep a transaction with missing inputs in the orphan pool and report
   * `{ status: 'orphan' }` instead of throwing. Core does so only for
   * transactions from peers, so p2p passes true and RPC false (the default).
   */
  allowOrphan?: boolean;
  /**
   * The peer that sent it: an orphan is charged to its sender, so that when the
   * orphan pool is full the peer holding the most loses one, and a peer's orphans
   * can be dropped when it disconnects ({@link Mempool.removeOrphansFrom}).
   */
  peer?: string;
}

/** Result of an accepted transaction. */
export interface AcceptedResult {
  status: 'accepted';
  entry: MempoolEntry;
  /** Entries evicted by replace-by-fee. */
  replaced: MempoolEntry[];
  /** Txids of orphans that entered the pool because this one supplied their inputs. */
  resolvedOrphans: string[];
}

/** Result of a transaction kept as an orphan. */
export interface OrphanResult {
  status: 'orphan';
  txid: string;
  /** Txids of the parents it is waiting for. */
  missingParents: string[];
}

/** What {@link Mempool.acceptTransaction} resolves to. */
export type AcceptResult = AcceptedResult | OrphanResult;

/** Counters in the shape of `getmempoolinfo`; fee rates in sat/vB (the RPC adapter converts to BTC/kvB). */
export interface MempoolInfo {
  loaded: boolean;
  size: number;
  /** Sum of virtual sizes. */
  bytes: number;
  usage: number;
  totalFee: bigint;
  maxmempool: number;
  mempoolminfee: number;
  minrelaytxfee: number;
  incrementalrelayfee: number;
  fullrbf: boolean;
  orphans: number;
}

/** A transaction ready for a block template; parents always come earlier in the list. */
export interface BlockCandidate {
  tx: Transaction;
  txid: string;
  fee: bigint;
  /** Fee plus prioritisation: what selection ranks by. The coinbase must claim `fee`. */
  modifiedFee: bigint;
  weight: number;
  /** Txids of in-mempool parents (each earlier in the list). */
  parents: string[];
}

/** `estimatesmartfee`'s answer: a fee rate in sat/vB and the target it holds for, or errors. */
export interface FeeEstimate {
  feerate?: number;
  blocks: number;
  errors?: string[];
}
