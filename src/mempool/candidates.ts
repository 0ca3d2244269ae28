/**
 * Transactions for a block template, best first by ancestor fee rate (the
 * package a miner must take to include each one, as Core's BlockAssembler
 * ranks), with every parent placed before its children so that a miner can
 * walk the list once, skipping what does not fit along with its descendants.
 */
import { compareFeeRates, type PoolEntry } from './entry.js';
import type { TxGraph } from './graph.js';
import type { BlockCandidate } from './interface.js';

function byAncestorScore(a: PoolEntry, b: PoolEntry): number {
  const cmp = compareFeeRates(b.ancestorFees, b.ancestorSize, a.ancestorFees, a.ancestorSize);
  if (cmp !== 0) return cmp;
  // Fewer ancestors first, then txid: a total order so templates are reproducible.
  return a.ancestorCount - b.ancestorCount || (a.txid < b.txid ? -1 : a.txid > b.txid ? 1 : 0);
}

/** Every pool transaction, parents before children, otherwise by descending ancestor fee rate. */
export function blockCandidates(graph: TxGraph): BlockCandidate[] {
  const sorted = [...graph.entries.values()].sort(byAncestorScore);
  const out: BlockCandidate[] = [];
  const placed = new Set<string>();
  const place = (entry: PoolEntry): void => {
    if (placed.has(entry.txid)) return;
    placed.add(entry.txid);
    const parents = [...entry.parents].map((t) => graph.get(t)!).sort(byAncestorScore);
    for (const parent of parents) place(parent);
    out.push({ tx: entry.tx, txid: entry.txid, fee: entry.fee, modifiedFee: entry.modifiedFee, weight: entry.weight, parents: [...entry.parents] });
  };
  for (const entry of sorted) place(entry);
  return out;
}
