/**
 * The database writes that connect or disconnect one block. Without a state
 * cache each is applied as a single LevelDB batch (coins, undo, indexes, height,
 * tips), which makes a crash at any instant leave either the old tip or the new
 * one. With one (ChainDB.commit), the header entry and the block tip `B` are
 * written at once and the rest waits for the next flush, which carries the coin
 * set's tip `T` with it; a start replays the blocks from `T` to `B`.
 */
import type { Block } from '../primitives/block.js';
import { isTaprootScript } from '../primitives/script.js';
import type { BlockSpends } from '../consensus/block-spends.js';
import type { BatchOp } from './chaindb.js';
import type { ChainEntry } from './entry.js';
import { addressIndexConnectOps, addressIndexDisconnectOps } from './indexers/address-index.js';
import { txIndexConnectOps, txIndexDisconnectOps } from './indexers/tx-index.js';
import { keys } from './layout.js';
import { BlockStatus, encodeCoin, encodeHeaderRecord, encodeUndo, type UndoCoin } from './records.js';

/**
 * Writes that make `entry` (whose block is `block`) the new tip. Its header record
 * says VALID: the writes are built while its signatures are still being verified
 * (connect-pipeline.ts), and committed only once they pass.
 */
export function connectOps(block: Block, entry: ChainEntry, spends: Pick<BlockSpends, 'undo' | 'created'>): BatchOp[] {
  const ops: BatchOp[] = [];
  for (const { prevout } of spends.undo) ops.push({ type: 'del', key: keys.coin(prevout.txid, prevout.vout) });
  for (const { prevout, coin } of spends.created) ops.push({ type: 'put', key: keys.coin(prevout.txid, prevout.vout), value: encodeCoin(coin) });
  ops.push({ type: 'put', key: keys.undo(entry.hash), value: encodeUndo(spends.undo) });
  ops.push(...addressIndexConnectOps(block, entry.height, spends));
  ops.push(...txIndexConnectOps(block, entry));
  ops.push({ type: 'put', key: keys.height(entry.height), value: entry.hash });
  ops.push({ type: 'put', key: keys.header(entry.hash), value: encodeHeaderRecord({ ...entry.toRecord(), status: entry.status | BlockStatus.VALID }) });
  ops.push({ type: 'put', key: keys.tip(), value: entry.hash });
  ops.push({ type: 'put', key: keys.blockTip(), value: entry.hash });
  return ops;
}

/** Writes that undo `block` and make its parent the tip again. */
export function disconnectOps(block: Block, entry: ChainEntry, undo: readonly UndoCoin[]): BatchOp[] {
  const ops: BatchOp[] = [];
  // Deleting every spendable output is enough: any spent within the block is already absent.
  for (const tx of block.transactions) {
    tx.outputs.forEach((output, vout) => {
      if (!isTaprootScript(output.scriptPubKey)) return;
      ops.push({ type: 'del', key: keys.coin(tx.txidBytes, vout) });
    });
  }
  ops.push(...txIndexDisconnectOps(block));
  for (const { prevout, coin } of undo) ops.push({ type: 'put', key: keys.coin(prevout.txid, prevout.vout), value: encodeCoin(coin) });
  ops.push(...addressIndexDisconnectOps(block, entry.height, undo));
  ops.push({ type: 'del', key: keys.undo(entry.hash) });
  ops.push({ type: 'del', key: keys.height(entry.height) });
  ops.push({ type: 'put', key: keys.tip(), value: entry.prev!.hash });
  ops.push({ type: 'put', key: keys.blockTip(), value: entry.prev!.hash });
  return ops;
}
