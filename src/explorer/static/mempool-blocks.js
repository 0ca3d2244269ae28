// Pure functions over getrawmempool's verbose entries: the fee-rate histogram and
// the next blocks a miner would make, filled greedily by ancestor fee rate (as
// Core's block assembly and mempool.space's projection do), parents before children.

/** Core's default -blockmaxweight: the consensus limit less room for the coinbase. */
export const DEFAULT_BLOCK_WEIGHT = 3_996_000;
/** Bucket edges in sat/vB; the last bucket is open-ended. */
export const FEE_EDGES = [0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 30, 40, 50, 60, 70, 80, 90, 100, 125, 150, 200, 300, 500, 1000];

const sats = (coins) => Math.round(coins * 1e8);
/** A transaction's own fee rate, sat/vB. */
export const feeRateOf = (e) => sats(e.fees.base) / e.vsize;
/** What a miner sorts by: the fee rate of the transaction with its unconfirmed ancestors. */
const ancestorRate = (e) => (e.fees.ancestor !== undefined && e.ancestorsize ? sats(e.fees.ancestor) / e.ancestorsize : feeRateOf(e));
const weightOf = (e) => e.weight ?? e.vsize * 4;

/** Entries by fee-rate bucket: `[{ lo, hi, count, vsize }]` from the lowest to the highest non-empty bucket. */
export function histogram(entries, edges = FEE_EDGES) {
  const buckets = edges.map((lo, i) => ({ lo, hi: edges[i + 1], count: 0, vsize: 0 }));
  for (const e of entries) {
    const rate = feeRateOf(e);
    let i = edges.length - 1;
    while (i > 0 && rate < edges[i]) i--;
    buckets[i].count++;
    buckets[i].vsize += e.vsize;
  }
  const used = buckets.map((b, i) => (b.count ? i : -1)).filter((i) => i >= 0);
  return used.length ? buckets.slice(used[0], used[used.length - 1] + 1) : [];
}

/** The transaction and its ancestors not yet placed, ancestors first. */
function packageOf(txid, byId, placed, out = [], seen = new Set()) {
  if (placed.has(txid) || seen.has(txid)) return out;
  seen.add(txid);
  const e = byId.get(txid);
  if (!e) return out; // a parent already confirmed
  for (const parent of e.depends ?? []) packageOf(parent, byId, placed, out, seen);
  out.push(e);
  return out;
}

function summary(txs) {
  const rates = txs.map(feeRateOf).sort((a, b) => a - b);
  return {
    txids: txs.map((e) => e.txid),
    count: txs.length,
    weight: txs.reduce((a, e) => a + weightOf(e), 0),
    vsize: txs.reduce((a, e) => a + e.vsize, 0),
    fees: txs.reduce((a, e) => a + sats(e.fees.base), 0),
    minRate: rates[0] ?? 0,
    medianRate: rates[Math.floor(rates.length / 2)] ?? 0,
    maxRate: rates[rates.length - 1] ?? 0,
  };
}

/**
 * The next `count` blocks: each filled in ancestor-fee-rate order with every
 * package that still fits in `maxWeight`; what is left over is `rest`.
 * @param entries `[{ txid, vsize, weight, fees: { base, ancestor }, ancestorsize, depends }]`
 * @returns {{ blocks: ReturnType<typeof summary>[], rest: ReturnType<typeof summary> }}
 */
export function projectBlocks(entries, { maxWeight = DEFAULT_BLOCK_WEIGHT, count = 4 } = {}) {
  const byId = new Map(entries.map((e) => [e.txid, e]));
  let queue = [...entries].sort((a, b) => ancestorRate(b) - ancestorRate(a) || feeRateOf(b) - feeRateOf(a) || (a.txid < b.txid ? -1 : 1));
  const placed = new Set();
  const blocks = [];
  while (blocks.length < count && queue.length) {
    const chosen = [];
    let weight = 0;
    const skipped = [];
    for (const e of queue) {
      const pkg = packageOf(e.txid, byId, placed);
      if (pkg.length === 0) continue;
      const w = pkg.reduce((a, p) => a + weightOf(p), 0);
      if (weight + w > maxWeight) {
        skipped.push(e);
        continue;
      }
      for (const p of pkg) placed.add(p.txid);
      chosen.push(...pkg);
      weight += w;
    }
    if (chosen.length === 0) break; // nothing fits an empty block: a package heavier than a block
    blocks.push(summary(chosen));
    queue = skipped.filter((e) => !placed.has(e.txid));
  }
  return { blocks, rest: summary(queue.filter((e) => !placed.has(e.txid))) };
}
