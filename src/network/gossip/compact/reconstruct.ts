/**
 * Rebuilding a block from its compact form (BIP152's PartiallyDownloadedBlock),
 * pure: the prefilled transactions go to their indexes, and every transaction
 * we hold whose short id matches one of the block's fills that slot. Two of
 * ours with the same short id leave the slot empty, to be fetched: guessing
 * could only give a block whose merkle root fails. A block whose own short ids
 * repeat cannot be rebuilt at all and is fetched whole.
 */
import { Block } from '../../../primitives/block.js';
import type { Transaction } from '../../../primitives/tx.js';
import type { CompactErrorCode } from './errors.js';
import { txCount, type CompactBlock } from './message.js';
import { shortId, shortIdKey } from './short-ids.js';

export type Reconstruction =
  /** `txs` has a slot per transaction; `missing` lists the empty slots, increasing. */
  | { status: 'partial'; txs: (Transaction | undefined)[]; missing: number[] }
  /** The block's short ids repeat: only the full block will do. */
  | { status: 'duplicate-ids' };

/** The slots of the block that short ids stand for: every index not prefilled, in order. */
function shortIdSlots(compact: CompactBlock): number[] {
  const prefilled = new Set(compact.prefilled.map((p) => p.index));
  const slots: number[] = [];
  for (let i = 0; slots.length < compact.shortIds.length; i++) if (!prefilled.has(i)) slots.push(i);
  return slots;
}

/** Fills what `pool` (mempool and other transactions we hold) can of the block `compact` describes. */
export function reconstruct(compact: CompactBlock, pool: Iterable<Transaction>): Reconstruction {
  const slots = shortIdSlots(compact);
  const slotOf = new Map<number, number>();
  compact.shortIds.forEach((id, i) => slotOf.set(id, slots[i]!));
  if (slotOf.size !== compact.shortIds.length) return { status: 'duplicate-ids' };
  const txs: (Transaction | undefined)[] = new Array(txCount(compact)).fill(undefined);
  for (const { index, tx } of compact.prefilled) txs[index] = tx;
  const key = shortIdKey(compact.header, compact.nonce);
  const ambiguous = new Set<number>();
  for (const tx of pool) {
    const slot = slotOf.get(shortId(key, tx.wtxidBytes));
    if (slot === undefined) continue;
    if (txs[slot] !== undefined && txs[slot]!.wtxid !== tx.wtxid) ambiguous.add(slot);
    txs[slot] = tx;
  }
  for (const slot of ambiguous) txs[slot] = undefined;
  const missing = txs.flatMap((tx, i) => (tx === undefined ? [i] : []));
  return { status: 'partial', txs, missing };
}

/** The block, once `given` holds the transactions of the `missing` slots in order. */
export function fill(compact: CompactBlock, txs: readonly (Transaction | undefined)[], missing: readonly number[], given: readonly Transaction[]): Block {
  const all = [...txs];
  missing.forEach((slot, i) => (all[slot] = given[i]));
  if (all.some((tx) => tx === undefined)) throw new RangeError('fill: a transaction is still missing');
  return new Block(compact.header, all as Transaction[]);
}

/** What a peer answered to getblocktxn: the indexes asked for and the transactions given for them. */
export interface Answered {
  indexes: readonly number[];
  txs: readonly Transaction[];
}

/**
 * Why a rebuilt block failed, now that the full block `block` (same header, merkle root
 * checked) is known: the compact block or the blocktxn answer did not describe it, which
 * no honest sender does; or undefined when both did, so the failure was a short-id
 * collision among our own transactions (nobody's fault).
 */
export function diagnose(compact: CompactBlock, answered: Answered | undefined, block: Block): CompactErrorCode | undefined {
  const txs = block.transactions;
  if (txs.length !== txCount(compact)) return 'cmpctblock-mismatch';
  if (compact.prefilled.some(({ index, tx }) => txs[index]!.wtxid !== tx.wtxid)) return 'cmpctblock-mismatch';
  const key = shortIdKey(compact.header, compact.nonce);
  const slots = shortIdSlots(compact);
  if (compact.shortIds.some((id, i) => shortId(key, txs[slots[i]!]!.wtxidBytes) !== id)) return 'cmpctblock-mismatch';
  if (answered?.indexes.some((index, i) => txs[index]?.wtxid !== answered.txs[i]?.wtxid)) return 'blocktxn-mismatch';
  return undefined;
}
