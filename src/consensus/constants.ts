/** Consensus constants shared by every network. Values follow Bitcoin's where Tally keeps its rules. */

/** Satoshis in one coin. */
export const COIN = 100_000_000n;
/** No amount, and no sum of amounts, may exceed this (Bitcoin's 21 million coins). */
export const MAX_MONEY = 21_000_000n * COIN;
/** BIP141 block weight limit. */
export const MAX_BLOCK_WEIGHT = 4_000_000;
/** Blocks a coinbase output must wait before it can be spent. */
export const COINBASE_MATURITY = 100;
/** A block's time may be at most this many seconds ahead of the validating node's clock. */
export const MAX_FUTURE_BLOCK_TIME = 2 * 60 * 60;
/** Blocks whose times form the median-time-past. */
export const MEDIAN_TIME_SPAN = 11;
/** Locktimes below this are block heights, at or above it Unix times. */
export const LOCKTIME_THRESHOLD = 500_000_000;
/** A sequence of this value opts an input out of locktime. */
export const SEQUENCE_FINAL = 0xffffffff;
/** Coinbase scriptSig length bounds. */
export const MIN_COINBASE_SCRIPT = 2;
export const MAX_COINBASE_SCRIPT = 100;
/** BIP141 witness scale factor: base bytes weigh 4, witness bytes 1. */
export const WITNESS_SCALE = 4;
