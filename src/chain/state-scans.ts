/**
 * Reads and writes over the whole chain state: the UTXO digest (gettxoutsetinfo)
 * and the clearing that `--reindex` starts with. Both go through ChainDB's
 * `iterate`, which flushes the state cache first, so they see every change.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import type { BatchOp, ChainDB } from './chaindb.js';
import { keys, PREFIX } from './layout.js';
import { decodeCoin } from './records.js';

/** Summary of the UTXO set, like Core's gettxoutsetinfo with hash_type "hash_serialized". */
export interface UtxoDigest {
  /** sha256 over every coin's key and value, in key order. */
  hash: string;
  txouts: number;
  /** Transactions with at least one unspent output (Core's gettxoutsetinfo `transactions`). */
  transactions: number;
  totalAmount: bigint;
}

/** Deterministic digest of the UTXO set: equal sets give equal digests on any node. */
export async function utxoDigest(db: ChainDB): Promise<UtxoDigest> {
  const hasher = sha256.create();
  let txouts = 0;
  let transactions = 0;
  let totalAmount = 0n;
  let lastTxid: Uint8Array | undefined;
  for await (const [key, value] of db.iterate(keys.prefixRange(Uint8Array.of(PREFIX.coin)))) {
    hasher.update(key);
    hasher.update(value);
    txouts++;
    totalAmount += decodeCoin(value).value;
    // Keys sort by txid (layout.ts: `c` txid vout), so a transaction's coins are adjacent.
    const txid = key.subarray(1, 33);
    if (!lastTxid || Buffer.compare(txid, lastTxid) !== 0) transactions++;
    lastTxid = txid;
  }
  return { hash: Buffer.from(hasher.digest()).toString('hex'), txouts, transactions, totalAmount };
}

/** Deletes every chain-state record (coins, undo, indexes, heights, tips) and the cached ones, keeping blocks and headers. For --reindex. */
export async function clearChainState(db: ChainDB): Promise<void> {
  await db.cache.discard();
  const prefixes = [PREFIX.coin, PREFIX.undo, PREFIX.txIndex, PREFIX.addrUtxo, PREFIX.addrHistory, PREFIX.addrUnspent, PREFIX.addrDelta, PREFIX.height, PREFIX.tip, PREFIX.blockTip];
  for (const prefix of prefixes) {
    let ops: BatchOp[] = [];
    for await (const [key] of db.iterate(keys.prefixRange(Uint8Array.of(prefix)))) {
      ops.push({ type: 'del', key });
      if (ops.length >= 10_000) {
        await db.batch(ops);
        ops = [];
      }
    }
    await db.batch(ops);
  }
}
