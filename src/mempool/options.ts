/**
 * Mempool options: plain, cloneable data with Bitcoin Core's defaults.
 * Fee rates are in satoshis per virtual byte (sat/vB) and may be fractional
 * (0.1 sat/vB); amounts stay bigint satoshis.
 */

/** Policy knobs of the {@link Mempool}, named after Bitcoin Core's settings. */
export interface MempoolOptions {
  /** Cap on the usage estimate, in bytes (Core's -maxmempool, 300 MB). */
  maxMempoolBytes: number;
  /** Entries older than this are dropped with their descendants (Core's -mempoolexpiry, 336 hours). */
  expiryHours: number;
  /** Seconds between periodic expiry sweeps while started; 0 disables the timer (adds still sweep). */
  sweepIntervalSeconds: number;
  /** Minimum fee rate to enter the pool (Core's -minrelaytxfee, 1 sat/vB). */
  minRelayFeeRate: number;
  /** Extra fee rate a replacement must pay for its own size, and the step of the rolling minimum (Core's -incrementalrelayfee). */
  incrementalRelayFeeRate: number;
  /** Fee rate that defines dust: an output worth less than spending it costs (Core's -dustrelayfee, 3 sat/vB). */
  dustRelayFeeRate: number;
  /** Largest standard transaction weight (Core's MAX_STANDARD_TX_WEIGHT). */
  maxStandardTxWeight: number;
  /** Smallest standard size without witness, against CVE-2017-12842 (Core's MIN_STANDARD_TX_NONWITNESS_SIZE). */
  minStandardTxNonWitnessSize: number;
  /** In-mempool ancestors, counting the transaction itself (Core's -limitancestorcount). */
  ancestorLimit: number;
  /** In-mempool descendants of any ancestor, counting itself (Core's -limitdescendantcount). */
  descendantLimit: number;
  /** Virtual size of a transaction with its ancestors, or of an ancestor with its descendants (Core's -limitancestorsize, 101 kvB). */
  ancestorSizeLimitVbytes: number;
  descendantSizeLimitVbytes: number;
  /** Allow replacing conflicting transactions (full RBF as in Core 28: no BIP125 signal needed). */
  replaceByFee: boolean;
  /** Most transactions one replacement may evict (BIP125 rule 5). */
  maxReplacementEvictions: number;
  /** Orphan pool bound in entries (Core's DEFAULT_MAX_ORPHAN_TRANSACTIONS). */
  maxOrphans: number;
  /** Heaviest orphan kept (Core keeps none above the standard weight). */
  maxOrphanWeight: number;
  /** Orphans are forgotten after this many seconds (Core's ORPHAN_TX_EXPIRE_TIME, 20 minutes). */
  orphanExpirySeconds: number;
}

/** Bitcoin Core's defaults (v28). */
export const defaultMempoolOptions: Readonly<MempoolOptions> = Object.freeze({
  maxMempoolBytes: 300_000_000,
  expiryHours: 336,
  sweepIntervalSeconds: 60,
  minRelayFeeRate: 1,
  incrementalRelayFeeRate: 1,
  dustRelayFeeRate: 3,
  maxStandardTxWeight: 400_000,
  minStandardTxNonWitnessSize: 65,
  ancestorLimit: 25,
  descendantLimit: 25,
  ancestorSizeLimitVbytes: 101_000,
  descendantSizeLimitVbytes: 101_000,
  replaceByFee: true,
  maxReplacementEvictions: 100,
  maxOrphans: 100,
  maxOrphanWeight: 400_000,
  orphanExpirySeconds: 20 * 60,
});

/** Defaults overlaid with `opts`. */
export function resolveMempoolOptions(opts: Partial<MempoolOptions> = {}): MempoolOptions {
  return { ...defaultMempoolOptions, ...opts };
}
