// An address's history, newest first, a page at a time, read from the insight-style
// address index (getaddressdeltas pages oldest first, by height range): a page walks
// height windows down from a position, widening them where the address is quiet
// and narrowing them where a window holds more than one request may return.

export const PAGE = 25;
/** Deltas one request may return; a fuller window is asked again, narrower. */
const LIMIT = 2000;
const FIRST_SPAN = 64;

/** A position in the history: before block `height`'s transaction `index` (exclusive). */
export const parsePosition = (text) => {
  const m = /^(\d+)-(\d+)$/.exec(text ?? '');
  return m ? { height: Number(m[1]), index: Number(m[2]) } : undefined;
};
export const positionText = (height, index) => `${height}-${index}`;

/** Deltas (one per input or output touching the address) as one entry per transaction, in the order given. */
export function groupByTx(deltas) {
  const byTxid = new Map();
  for (const d of deltas) {
    let g = byTxid.get(d.txid);
    if (!g) {
      g = { txid: d.txid, height: d.height, blockindex: d.blockindex, satoshis: 0, ins: 0, outs: 0, time: d.timestamp };
      byTxid.set(d.txid, g);
    }
    g.satoshis += d.satoshis;
    if (d.satoshis < 0) g.ins++;
    else g.outs++;
  }
  return [...byTxid.values()];
}

/** in (received), out (spent) or self (the address paid itself: only the fee left it). */
export const direction = (satoshis) => (satoshis > 0 ? 'in' : satoshis < 0 ? 'out' : 'self');

const before = (d, pos) => d.height < pos.height || (d.height === pos.height && d.blockindex < pos.index);

/**
 * Up to PAGE confirmed transactions of `address` strictly before `pos`, newest first,
 * and whether older ones exist. `call` is the RPC function.
 */
export async function olderPage(call, address, pos) {
  const found = [];
  let hi = pos.height;
  let span = FIRST_SPAN;
  while (found.length <= PAGE && hi >= 1) {
    const lo = Math.max(1, hi - span + 1);
    const r = await call('getaddressdeltas', { addresses: [address], start: lo, end: hi, limit: LIMIT });
    if (r.next !== null && span > 1) {
      span = Math.max(1, Math.floor(span / 8));
      continue;
    }
    found.push(...groupByTx(r.deltas.filter((d) => before(d, pos))).reverse());
    hi = lo - 1;
    span *= 4;
  }
  return { txs: found.slice(0, PAGE), older: found.length > PAGE };
}

/** The position that shows the PAGE transactions newer than `pos` (undefined: the newest page). */
export async function newerPosition(call, address, pos, tip) {
  if (pos.height > tip) return undefined;
  const r = await call('getaddressdeltas', { addresses: [address], start: Math.max(1, pos.height), end: tip, limit: LIMIT });
  const newer = groupByTx(r.deltas.filter((d) => !before(d, pos)));
  if (newer.length <= PAGE) return undefined;
  const top = newer[PAGE - 1];
  return positionText(top.height, top.blockindex + 1);
}
