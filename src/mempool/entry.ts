/** Mempool entries and the fee-rate arithmetic that ranks them. */
import type { Transaction } from '../primitives/tx.js';
import type { MempoolEntry } from './interface.js';

/** The pool's own, mutable view of an entry; callers only ever see it as {@link MempoolEntry}. */
export type PoolEntry = { -readonly [K in keyof MempoolEntry]: MempoolEntry[K] } & {
  parents: Set<string>;
  children: Set<string>;
};

/**
 * Rough memory cost of one entry beyond its serialized bytes: the entry object,
 * the Transaction and its cached encodings and hashes, and the map slots that
 * index it. Measured loosely in V8; what matters is that the cap scales with
 * the number of transactions as well as their size, as Core's
 * DynamicMemoryUsage does.
 */
const ENTRY_OVERHEAD = 640;
/** Per input or output: the object, its byte arrays and (for inputs) a spender-index slot. */
const IO_OVERHEAD = 160;

/** Estimated bytes of memory `tx` occupies in the pool. */
export function estimateUsage(tx: Transaction): number {
  // The encodings are held twice (with and without witness) once txid and wtxid are computed.
  return tx.totalSize + tx.baseSize + ENTRY_OVERHEAD + IO_OVERHEAD * (tx.inputs.length + tx.outputs.length);
}

/** What is known about a transaction when it is admitted. */
export interface NewEntryFields {
  tx: Transaction;
  fee: bigint;
  feeDelta: bigint;
  time: number;
  height: number;
  spendsCoinbase: boolean;
}

/** A fresh entry whose package statistics cover only itself (the pool fills them in). */
export function createEntry(f: NewEntryFields): PoolEntry {
  const vsize = f.tx.vsize;
  const modifiedFee = f.fee + f.feeDelta;
  return {
    tx: f.tx,
    txid: f.tx.txid,
    wtxid: f.tx.wtxid,
    fee: f.fee,
    modifiedFee,
    vsize,
    weight: f.tx.weight,
    usage: estimateUsage(f.tx),
    time: f.time,
    height: f.height,
    spendsCoinbase: f.spendsCoinbase,
    parents: new Set(),
    children: new Set(),
    ancestorCount: 1,
    ancestorSize: vsize,
    ancestorFees: modifiedFee,
    descendantCount: 1,
    descendantSize: vsize,
    descendantFees: modifiedFee,
  };
}

/** Satoshis per 1000 vbytes, the integer unit Core's CFeeRate keeps. */
export function toSatPerKvB(satPerVb: number): bigint {
  return BigInt(Math.round(satPerVb * 1000));
}

/** Fee that `satPerVb` asks of `vsize` virtual bytes, rounded up so that a minimum is never undercut. */
export function feeForVsize(satPerVb: number, vsize: number): bigint {
  const perKvB = toSatPerKvB(satPerVb);
  return (perKvB * BigInt(vsize) + 999n) / 1000n;
}

/** Fee rate in sat/vB, for display and for the estimator's buckets. */
export function feeRate(fee: bigint, vsize: number): number {
  return vsize > 0 ? Number(fee) / vsize : 0;
}

/** Exact comparison of `feeA/sizeA` with `feeB/sizeB`: negative, zero or positive. */
export function compareFeeRates(feeA: bigint, sizeA: number, feeB: bigint, sizeB: number): number {
  const left = feeA * BigInt(sizeB);
  const right = feeB * BigInt(sizeA);
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * Core's descendant score, by which the size cap evicts: the better of the
 * entry's own rate and its package-with-descendants rate, so that a
 * high-paying child protects its parent (CPFP) but a cheap child does not
 * drag down a well-paying parent.
 */
export function descendantScore(e: MempoolEntry): { fee: bigint; size: number } {
  if (compareFeeRates(e.modifiedFee, e.vsize, e.descendantFees, e.descendantSize) > 0) return { fee: e.modifiedFee, size: e.vsize };
  return { fee: e.descendantFees, size: e.descendantSize };
}
