/**
 * Keeping the pool consistent with the chain: blocks connected (confirmed
 * and conflicting transactions leave) and blocks disconnected (their
 * transactions come back where still valid; entries the shorter chain makes
 * invalid leave). Unlocked: the Mempool runs these inside its queue.
 */
import type { Block } from '../primitives/block.js';
import { hashToHex } from '../primitives/bytes.js';
import type { Transaction } from '../primitives/tx.js';
import { isFinalTx } from '../consensus/tx-checks.js';
import { describeError, type PoolCore } from './core.js';
import type { PoolEntry } from './entry.js';

/** Core's removeForBlock: confirmed entries leave alone (their children stay), conflicting ones with descendants. */
export async function removeForBlock(core: PoolCore, block: Block, height: number): Promise<void> {
  const mined = block.transactions.filter((tx) => !tx.isCoinbase());
  const confirmed = mined.map((tx) => tx.txid).filter((txid) => core.graph.get(txid));
  core.removeEntries(confirmed, 'block');
  core.feeEstimator.processBlock(height, confirmed);
  const conflicting = new Set<string>();
  for (const tx of mined) {
    for (const input of tx.inputs) {
      const spender = core.graph.spenderOf(input.prevout);
      if (spender !== undefined && spender !== tx.txid) conflicting.add(spender);
    }
  }
  if (conflicting.size > 0) core.removeWithDescendants(conflicting, 'conflict');
  core.rollingMin.onBlock(core.now());
  core.orphans.removeForBlock(block);
  // Orphans waiting on a transaction that went straight into a block can now be judged.
  for (const tx of mined) await core.retryOrphans(tx.txid);
}

/**
 * Returns disconnected transactions to the pool (Core's MaybeUpdateMempoolForReorg).
 * A transaction that fails is dropped, logged at debug, along with pool
 * transactions spending its outputs, which no longer exist anywhere.
 */
export async function reinsert(core: PoolCore, txs: readonly Transaction[]): Promise<void> {
  const time = core.now();
  for (const tx of sortParentsFirst(txs)) {
    if (tx.isCoinbase() || core.graph.get(tx.txid)) continue;
    try {
      await core.admit(tx, { allowOrphan: false, bypassLimits: true, time });
    } catch (err) {
      core.logger.debug(`disconnected tx ${tx.txid} not returned to the mempool: ${describeError(err)}`);
      await removeSpendersOf(core, tx);
    }
  }
  await removeForReorg(core);
  core.trim();
}

/**
 * Removes pool transactions spending outputs of `tx` that exist nowhere now.
 * A transaction refused because the new chain confirmed it too (txn-already-known)
 * still has its outputs in the UTXO set, and their spenders stay.
 */
async function removeSpendersOf(core: PoolCore, tx: Transaction): Promise<void> {
  const spenders: string[] = [];
  for (let vout = 0; vout < tx.outputs.length; vout++) {
    const prevout = { txid: tx.txidBytes, vout };
    const spender = core.graph.spenderOf(prevout);
    if (spender !== undefined && !(await core.chain.getCoin(prevout))) spenders.push(spender);
  }
  if (spenders.length > 0) core.removeWithDescendants(spenders, 'reorg');
}

/**
 * Core's removeForReorg: after the tip moved back, entries that are no longer
 * final for the next block, or that spend a coinbase output now immature or
 * gone, leave with their descendants.
 */
export async function removeForReorg(core: PoolCore): Promise<void> {
  const tip = core.chain.tipHeight();
  const mtp = core.chain.medianTimePast();
  const stale: string[] = [];
  for (const entry of [...core.graph.entries.values()]) {
    if (!isFinalTx(entry.tx, tip + 1, mtp) || (entry.spendsCoinbase && !(await coinbaseSpendsMature(core, entry, tip)))) {
      stale.push(entry.txid);
    }
  }
  if (stale.length > 0) core.removeWithDescendants(stale, 'reorg');
}

async function coinbaseSpendsMature(core: PoolCore, entry: PoolEntry, tip: number): Promise<boolean> {
  for (const input of entry.tx.inputs) {
    if (core.graph.get(hashToHex(input.prevout.txid))) continue;
    const coin = await core.chain.getCoin(input.prevout);
    if (!coin) return false;
    if (coin.coinbase && tip + 1 - coin.height < core.chain.params.coinbaseMaturity) return false;
  }
  return true;
}

/** prioritisetransaction: the delta applies now if the transaction is in the pool, and later if it arrives. */
export function prioritise(core: PoolCore, txid: string, delta: bigint): void {
  const total = (core.deltas.get(txid) ?? 0n) + delta;
  if (total === 0n) core.deltas.delete(txid);
  else core.deltas.set(txid, total);
  const entry = core.graph.get(txid);
  if (entry) core.graph.setModifiedFee(txid, entry.fee + total);
}

/**
 * `txs` reordered so that each comes after any of them it spends, keeping
 * the given order otherwise. Callers may hand over several blocks' worth,
 * newest block first, as they are disconnected.
 */
export function sortParentsFirst(txs: readonly Transaction[]): Transaction[] {
  const byTxid = new Map(txs.map((tx) => [tx.txid, tx]));
  const out: Transaction[] = [];
  const done = new Set<string>();
  const visit = (tx: Transaction): void => {
    if (done.has(tx.txid)) return;
    done.add(tx.txid);
    for (const input of tx.inputs) {
      const parent = byTxid.get(hashToHex(input.prevout.txid));
      if (parent) visit(parent);
    }
    out.push(tx);
  };
  for (const tx of txs) visit(tx);
  return out;
}
