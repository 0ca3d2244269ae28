/**
 * Mempool queries, shaped like Bitcoin Core's: getmempoolinfo, getrawmempool,
 * getmempoolentry, getmempoolancestors, getmempooldescendants. The pool keeps
 * fee rates in sat/vB; Core reports them in coins per kvB.
 */
import type { MempoolEntry } from '../../mempool/index.js';
import type { MempoolReader } from '../../node/interface.js';
import { RPC, RpcError } from '../errors.js';
import { formatAmount } from '../format.js';
import { defineMethod, type RpcMethod, type RpcParam } from '../types.js';

/** A sat/vB rate as coins per 1000 vbytes. */
export function feeRateToCoinsPerKvB(satPerVb: number): number {
  return formatAmount(BigInt(Math.round(satPerVb * 1000)));
}

/** Core's entryToJSON; `fullRbf` is the pool's replace-by-fee policy (info().fullrbf). */
export function entryToJson(e: MempoolEntry, fullRbf: boolean): Record<string, unknown> {
  return {
    vsize: e.vsize,
    weight: e.weight,
    time: e.time,
    height: e.height,
    descendantcount: e.descendantCount,
    descendantsize: e.descendantSize,
    ancestorcount: e.ancestorCount,
    ancestorsize: e.ancestorSize,
    wtxid: e.wtxid,
    fees: {
      base: formatAmount(e.fee),
      modified: formatAmount(e.modifiedFee),
      ancestor: formatAmount(e.ancestorFees),
      descendant: formatAmount(e.descendantFees),
    },
    depends: [...e.parents].sort(),
    spentby: [...e.children].sort(),
    // Full RBF: every pool transaction may be replaced, signalled or not; without RBF, none may.
    'bip125-replaceable': fullRbf,
    unbroadcast: false,
  };
}

/** `txid → entry` objects, or the txids alone. */
function listEntries(entries: readonly MempoolEntry[], verbose: boolean, pool: MempoolReader): unknown {
  if (!verbose) return entries.map((e) => e.txid);
  const fullRbf = pool.info().fullrbf;
  return Object.fromEntries(entries.map((e) => [e.txid, entryToJson(e, fullRbf)]));
}

/** The pool entry of `txid`. @throws RpcError -5 'Transaction not in mempool' */
function entryOf(pool: MempoolReader, txid: string): MempoolEntry {
  const entry = pool.get(txid);
  if (!entry) throw new RpcError(RPC.INVALID_ADDRESS_OR_KEY, 'Transaction not in mempool');
  return entry;
}

const TXID: RpcParam = { name: 'txid', type: 'hash', required: true, description: 'the transaction id' };
const VERBOSE: RpcParam = { name: 'verbose', type: 'boolean', default: false, description: 'objects with each entry instead of txids' };

export const mempoolMethods: RpcMethod[] = [
  defineMethod({
    name: 'getmempoolinfo',
    category: 'mempool',
    description: 'The state of the memory pool; fee rates in coins per kvB.',
    params: [],
    result: '{ loaded, size, bytes, usage, total_fee, maxmempool, mempoolminfee, minrelaytxfee, incrementalrelayfee, unbroadcastcount, fullrbf }',
    handler: (_args, ctx) => {
      const info = ctx.mempool.info();
      return {
        loaded: info.loaded,
        size: info.size,
        bytes: info.bytes,
        usage: info.usage,
        total_fee: formatAmount(info.totalFee),
        maxmempool: info.maxmempool,
        mempoolminfee: feeRateToCoinsPerKvB(info.mempoolminfee),
        minrelaytxfee: feeRateToCoinsPerKvB(info.minrelaytxfee),
        incrementalrelayfee: feeRateToCoinsPerKvB(info.incrementalrelayfee),
        unbroadcastcount: 0,
        fullrbf: info.fullrbf,
      };
    },
  }),
  defineMethod({
    name: 'getrawmempool',
    category: 'mempool',
    description: 'Txids in the mempool (parents before children), or with verbose an object of entries; with mempool_sequence, the txids and the pool\'s sequence number.',
    params: [
      VERBOSE,
      { name: 'mempool_sequence', type: 'boolean', default: false, description: 'also return the sequence number (not with verbose)' },
    ],
    result: '[txid] | { txid: entry } | { txids, mempool_sequence }',
    handler: ({ verbose, mempool_sequence }, ctx) => {
      const pool = ctx.mempool;
      if (verbose && mempool_sequence) throw new RpcError(RPC.INVALID_PARAMETER, 'Verbose results cannot contain mempool sequence values.');
      // Read synchronously, so the list and the sequence number describe the same pool.
      const listed = listEntries(pool.entries(), verbose as boolean, pool);
      return mempool_sequence ? { txids: listed, mempool_sequence: pool.sequence } : listed;
    },
  }),
  defineMethod({
    name: 'getmempoolentry',
    category: 'mempool',
    description: 'The mempool entry of a transaction.',
    params: [TXID],
    result: '{ vsize, weight, time, height, descendantcount, descendantsize, ancestorcount, ancestorsize, wtxid, fees: { base, modified, ancestor, descendant }, depends, spentby, bip125-replaceable, unbroadcast }',
    handler: ({ txid }, ctx) => entryToJson(entryOf(ctx.mempool, txid as string), ctx.mempool.info().fullrbf),
  }),
  defineMethod({
    name: 'getmempoolancestors',
    category: 'mempool',
    description: 'In-mempool ancestors of a mempool transaction, parents first.',
    params: [TXID, VERBOSE],
    result: '[txid] | { txid: entry }',
    handler: ({ txid, verbose }, ctx) => {
      const pool = ctx.mempool;
      entryOf(pool, txid as string);
      return listEntries(pool.getAncestors(txid as string), verbose as boolean, pool);
    },
  }),
  defineMethod({
    name: 'getmempooldescendants',
    category: 'mempool',
    description: 'In-mempool descendants of a mempool transaction, parents first.',
    params: [TXID, VERBOSE],
    result: '[txid] | { txid: entry }',
    handler: ({ txid, verbose }, ctx) => {
      const pool = ctx.mempool;
      entryOf(pool, txid as string);
      return listEntries(pool.getDescendants(txid as string), verbose as boolean, pool);
    },
  }),
];
