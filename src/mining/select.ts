/**
 * Transaction selection by ancestor fee rate, a simplified form of Bitcoin
 * Core's `BlockAssembler::addPackageTxs` (src/node/miner.cpp).
 *
 * A candidate's package is the candidate plus its in-mempool ancestors not yet
 * selected; its score is package fees / package weight. The best package is
 * added whole (ancestors first), the scores of the descendants of what was
 * added are recomputed, and so on until nothing else fits. This is what lets a
 * high-fee child pay for its low-fee parent (CPFP). Packages that do not fit
 * the remaining weight are skipped, as in Core.
 *
 * Differences from Core: no sigop limit (Tally has no script interpreter), no
 * minimum fee rate (the mempool already enforces its relay floor) and no early
 * stop after repeated failures (a lazy heap keeps the whole pass O(n log n)).
 */
import type { Transaction } from '../primitives/tx.js';

/** A mempool transaction offered to the block assembler. */
export interface TemplateCandidate {
  readonly tx: Transaction;
  /** Fee in satoshis. */
  readonly fee: bigint;
  /** BIP141 weight. */
  readonly weight: number;
  /**
   * Display txids (`tx.txid`) of the candidate's parents that are themselves
   * unconfirmed. A parent missing from the candidate list (or listed after
   * its child) keeps the candidate and its descendants out of the block.
   */
  readonly parents: readonly string[];
}

/** What the block assembler reads from the mempool; the node adapts its mempool to this. */
export interface TemplateSource {
  /** Candidate transactions in an order where parents come before children. */
  getCandidates(): readonly TemplateCandidate[];
}

/** The transactions chosen for a block, in block order, with their totals. */
export interface Selection {
  readonly transactions: readonly Transaction[];
  readonly fees: bigint;
  readonly weight: number;
}

interface Entry {
  readonly candidate: TemplateCandidate;
  /** Position in the candidate list; ties and block order follow it. */
  readonly order: number;
  readonly fee: number;
  readonly ancestors: Set<Entry>;
  readonly descendants: Entry[];
  /** Fees and weight of the entry and its ancestors not yet selected. */
  packageFee: number;
  packageWeight: number;
  /** Bumped on every package change, so stale heap items can be recognised. */
  version: number;
  state: 'open' | 'selected' | 'skipped';
}

interface HeapItem {
  readonly entry: Entry;
  readonly version: number;
  readonly fee: number;
  readonly weight: number;
}

/**
 * Picks transactions for a block of at most `maxWeight` (excluding the header
 * and coinbase, which the caller reserves), best ancestor fee rate first,
 * parents always before their children.
 */
export function selectTransactions(candidates: readonly TemplateCandidate[], maxWeight: number): Selection {
  const heap = new PackageHeap();
  for (const entry of buildEntries(candidates)) heap.push(itemOf(entry));
  const chosen: Entry[] = [];
  let weight = 0;
  let fees = 0n;
  for (let item = heap.pop(); item; item = heap.pop()) {
    const { entry } = item;
    if (entry.state !== 'open' || item.version !== entry.version) continue;
    if (weight + entry.packageWeight > maxWeight) {
      entry.state = 'skipped';
      continue;
    }
    // A skipped ancestor still belongs to the package: a child never goes in without its parents.
    const pkg = [...entry.ancestors].filter((a) => a.state !== 'selected');
    pkg.push(entry);
    pkg.sort((a, b) => a.order - b.order);
    for (const member of pkg) {
      member.state = 'selected';
      chosen.push(member);
      weight += member.candidate.weight;
      fees += member.candidate.fee;
    }
    for (const member of pkg) updateDescendants(member, heap);
  }
  return { transactions: chosen.map((e) => e.candidate.tx), fees, weight };
}

/** Links candidates to their in-list ancestors, dropping those with a missing parent. */
function buildEntries(candidates: readonly TemplateCandidate[]): Entry[] {
  const byTxid = new Map<string, Entry>();
  const entries: Entry[] = [];
  candidates.forEach((candidate, order) => {
    const txid = candidate.tx.txid;
    if (byTxid.has(txid)) return;
    const ancestors = new Set<Entry>();
    for (const parentId of candidate.parents) {
      const parent = byTxid.get(parentId);
      // Unknown parent (not offered, listed later, or itself dropped): the candidate cannot be mined.
      if (!parent) return;
      ancestors.add(parent);
      for (const a of parent.ancestors) ancestors.add(a);
    }
    // Satoshi amounts are below 2^53, so fee sums are exact as numbers and cheap to compare.
    const fee = Number(candidate.fee);
    let packageFee = fee;
    let packageWeight = candidate.weight;
    for (const a of ancestors) {
      packageFee += a.fee;
      packageWeight += a.candidate.weight;
    }
    const entry: Entry = { candidate, order, fee, ancestors, descendants: [], packageFee, packageWeight, version: 0, state: 'open' };
    for (const a of ancestors) a.descendants.push(entry);
    byTxid.set(txid, entry);
    entries.push(entry);
  });
  return entries;
}

/** Removes a newly selected entry from its descendants' packages and requeues them with their new score. */
function updateDescendants(selected: Entry, heap: PackageHeap): void {
  for (const d of selected.descendants) {
    if (d.state !== 'open') continue;
    d.packageFee -= selected.fee;
    d.packageWeight -= selected.candidate.weight;
    d.version++;
    heap.push(itemOf(d));
  }
}

function itemOf(entry: Entry): HeapItem {
  return { entry, version: entry.version, fee: entry.packageFee, weight: entry.packageWeight };
}

/** True when `a` should be mined before `b`: higher fee rate, then earlier in the list. */
function better(a: HeapItem, b: HeapItem): boolean {
  // Cross-multiplied to compare fee rates without dividing; exact while fee x weight stays below 2^53
  // (package fees under about 20 BTC), and beyond that only the order of near-ties can blur.
  const lhs = a.fee * b.weight;
  const rhs = b.fee * a.weight;
  if (lhs !== rhs) return lhs > rhs;
  return a.entry.order < b.entry.order;
}

/** A binary max-heap of packages by score. */
class PackageHeap {
  private readonly items: HeapItem[] = [];

  push(item: HeapItem): void {
    const items = this.items;
    let i = items.push(item) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!better(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): HeapItem | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || !last) return top;
    items[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < items.length && better(items[l]!, items[best]!)) best = l;
      if (r < items.length && better(items[r]!, items[best]!)) best = r;
      if (best === i) return top;
      [items[i], items[best]] = [items[best]!, items[i]!];
      i = best;
    }
  }
}
