/**
 * The transaction index (btcd's indexers/txindex.go): txid -> the block that
 * confirmed it and the position there. Written in the same batch as the block's
 * UTXO changes, so it is never ahead of or behind the best chain.
 */
import type { Block } from '../../primitives/block.js';
import type { BatchOp, ChainDB } from '../chaindb.js';
import type { ChainEntry } from '../entry.js';
import { keys } from '../layout.js';
import { decodeTxIndex, encodeTxIndex } from '../records.js';

export interface TxLocation {
  blockHash: Uint8Array;
  position: number;
}

/** Index records for every transaction of `block`, connected as `entry`. */
export function txIndexConnectOps(block: Block, entry: ChainEntry): BatchOp[] {
  return block.transactions.map((tx, position) => ({ type: 'put', key: keys.txIndex(tx.txidBytes), value: encodeTxIndex(entry.hash, position) }));
}

/** Deletes the index record of every transaction of a disconnected `block`. */
export function txIndexDisconnectOps(block: Block): BatchOp[] {
  return block.transactions.map((tx) => ({ type: 'del', key: keys.txIndex(tx.txidBytes) }));
}

/** Where a confirmed transaction is, by its internal-order txid. */
export async function getTxLocation(db: ChainDB, txid: Uint8Array): Promise<TxLocation | undefined> {
  const bytes = await db.getRecord(keys.txIndex(txid));
  return bytes ? decodeTxIndex(bytes) : undefined;
}
