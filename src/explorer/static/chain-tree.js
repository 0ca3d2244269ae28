// The block tree within a window of heights: the best chain (getblockhash per
// height) and every side branch of getchaintips that reaches into the window,
// walked back from its tip through headers, which are cached (a header never
// changes), so panning along a long branch reads each header once.
import { batchOrThrow, rpc } from './rpc.js';

export const MIN_SPAN = 8;
export const MAX_SPAN = 400;
export const DEFAULT_SPAN = 30;
/** Side branches drawn at once, the highest first; the others stay in the tips table and the overview strip. */
const MAX_BRANCHES = 16;

/** Headers already read: hash → { height, prev }. */
const headers = new Map();

async function headerOf(hash) {
  let h = headers.get(hash);
  if (!h) {
    const r = await rpc('getblockheader', hash, true);
    h = { height: r.height, prev: r.previousblockhash ?? null };
    headers.set(hash, h);
  }
  return h;
}

/** getchaintips with each tip's fork point: the height of the last block its branch shares with the best chain. */
export const withForkPoints = (tips) => tips.map((t) => ({ ...t, fork: t.height - t.branchlen }));

/** The window a view state stands for, given the tip height: `{ low, high }`, following the tip when asked. */
export function windowOf({ low, span, follow }, tipHeight) {
  const start = follow ? tipHeight - span + 1 : low;
  const clamped = Math.max(0, Math.min(start, tipHeight));
  return { low: clamped, high: clamped + span - 1 };
}

/** Adds the blocks of one side branch that lie in [low, high], walking down from its tip. */
async function addBranch(blocks, tip, low, high) {
  for (let hash = tip.hash; hash && !blocks.has(hash);) {
    const h = await headerOf(hash);
    if (h.height < low) break;
    if (h.height <= high) blocks.set(hash, { hash, height: h.height, prev: h.prev, branch: tip.branch, status: tip.status });
    hash = h.prev;
  }
}

/**
 * The tree of the window `state` stands for.
 * @returns {{ low, high, tipHeight, tips, tip, side, blocks: Map<string, { hash, height, prev, branch, status }> }}
 */
export async function loadTree(state) {
  const [rawTips, tipHeight] = await batchOrThrow([['getchaintips'], ['getblockcount']]);
  const tips = withForkPoints(rawTips);
  const { low, high } = windowOf(state, tipHeight);
  const top = Math.min(high, tipHeight);
  const heights = Array.from({ length: top - low + 1 }, (_, i) => low + i);
  const hashes = await batchOrThrow(heights.map((h) => ['getblockhash', h]));
  const blocks = new Map();
  hashes.forEach((hash, i) => blocks.set(hash, { hash, height: low + i, prev: i > 0 ? hashes[i - 1] : null, branch: 0, status: 'active' }));
  const side = tips.filter((t) => t.status !== 'active' && t.height >= low && t.fork + 1 <= high)
    .sort((a, b) => b.height - a.height || a.hash.localeCompare(b.hash))
    .slice(0, MAX_BRANCHES)
    .map((t, i) => ({ ...t, branch: i + 1 }));
  for (const tip of side) await addBranch(blocks, tip, low, high);
  return { low, high, tipHeight, tips, tip: top === tipHeight ? hashes[hashes.length - 1] : undefined, side, blocks };
}

/** Lane per branch: the best chain on lane 0, then each side branch on a lane of its own, the one forking first on top. */
export function assignLanes(side) {
  const laneOf = new Map([[0, 0]]);
  [...side].sort((a, b) => a.fork - b.fork || a.branch - b.branch).forEach((t, i) => laneOf.set(t.branch, i + 1));
  return { laneOf, count: Math.max(2, side.length + 1) };
}
