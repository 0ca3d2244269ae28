// The chain view: the block tree of the last heights as SVG, the best chain on
// the top lane and every side branch from getchaintips below it. Blocks are
// keyed by hash and moved with CSS transitions, so a reorganization shows as
// the old blocks sliding down to a side lane while the new branch rises.
import { batchOrThrow, rpc } from './rpc.js';

export const WINDOW = 30;
const MAX_BRANCHES = 12;
/** At least this many columns wide, so that the scale stays the same while a young chain grows. */
const MIN_COLUMNS = WINDOW;
const PITCH = 40;
const LANE = 52;
const BW = 32;
const BH = 24;
const MX = 16;
const MY = 24;
const SVG = 'http://www.w3.org/2000/svg';
/** How long a block that left the best chain stays marked as just disconnected. */
const ORPHAN_MARK_MS = 8000;

/** Headers already read: hash → { height, prev }. A header never changes. */
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

/**
 * The tree of the last `size` heights: the best chain (getblockhash per height)
 * and each side branch of getchaintips walked back to where it joins a block
 * already placed, or leaves the window.
 * @returns {{ low, high, tips, tip, blocks: Map<string, { hash, height, prev, branch, status }> }}
 */
export async function loadTree(size = WINDOW) {
  const [tips, high] = await batchOrThrow([['getchaintips'], ['getblockcount']]);
  const low = Math.max(0, high - size + 1);
  const heights = Array.from({ length: high - low + 1 }, (_, i) => low + i);
  const hashes = await batchOrThrow(heights.map((h) => ['getblockhash', h]));
  const blocks = new Map();
  hashes.forEach((hash, i) => blocks.set(hash, { hash, height: low + i, prev: i > 0 ? hashes[i - 1] : null, branch: 0, status: 'active' }));
  const side = tips.filter((t) => t.status !== 'active' && t.height >= low)
    .sort((a, b) => b.height - a.height || a.hash.localeCompare(b.hash))
    .slice(0, MAX_BRANCHES);
  side.forEach((tip, i) => {
    tip.branch = i + 1;
  });
  for (const tip of side) {
    for (let hash = tip.hash; hash && !blocks.has(hash);) {
      const h = await headerOf(hash);
      if (h.height < low) break;
      blocks.set(hash, { hash, height: h.height, prev: h.prev, branch: tip.branch, status: tip.status });
      hash = h.prev;
    }
  }
  return { low, high, tips, tip: hashes[hashes.length - 1], blocks };
}

/** Lane per branch: the best chain on lane 0, side branches on the first lane below where they do not overlap another. */
function assignLanes(blocks) {
  const spans = new Map();
  for (const b of blocks.values()) {
    if (b.branch === 0) continue;
    const s = spans.get(b.branch) ?? { min: Infinity, max: -Infinity };
    s.min = Math.min(s.min, b.height);
    s.max = Math.max(s.max, b.height);
    spans.set(b.branch, s);
  }
  const lanes = [[]];
  const laneOf = new Map([[0, 0]]);
  for (const [branch, span] of [...spans].sort((a, b) => a[1].min - b[1].min || a[0] - b[0])) {
    let lane = 1;
    while (lanes[lane] && lanes[lane].some((o) => span.min <= o.max + 1 && o.min <= span.max + 1)) lane++;
    (lanes[lane] ??= []).push(span);
    laneOf.set(branch, lane);
  }
  return { laneOf, count: Math.max(2, lanes.length) };
}

function svgEl(name, attrs = {}) {
  const el = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

function setPath(path, d) {
  path.setAttribute('d', d);
  // Chromium and Firefox animate `d` as a CSS property; elsewhere the edge just jumps.
  path.style.d = `path("${d}")`;
}

/** An edge from the right side of one block to the left side of the next, as one cubic so that any two interpolate. */
function edgePath(x1, y1, x2, y2) {
  const mx = (x1 + x2) / 2;
  return `M ${x1} ${y1} C ${mx} ${y1} ${mx} ${y2} ${x2} ${y2}`;
}

const kindOf = (status) => (status === 'active' ? 'active' : status === 'invalid' ? 'invalid' : status === 'headers-only' ? 'headers' : 'stale');

export class ChainView {
  constructor(container) {
    this.svg = svgEl('svg', { class: 'chain-svg', role: 'img', 'aria-label': 'Block tree of the last heights' });
    this.edgeLayer = svgEl('g', { class: 'edges' });
    this.blockLayer = svgEl('g', { class: 'blocks' });
    this.marker = svgEl('g', { class: 'tip-marker' });
    const label = svgEl('text', { x: BW / 2, y: -8, 'text-anchor': 'middle' });
    label.textContent = 'best tip ▼';
    this.marker.append(label);
    this.svg.append(this.edgeLayer, this.blockLayer, this.marker);
    container.append(this.svg);
    /** hash → { g, x, y, kind } */
    this.nodes = new Map();
    /** child hash → path */
    this.edges = new Map();
  }

  /** Draws `tree`, moving what was drawn before to its new place. */
  render(tree) {
    const { laneOf, count } = assignLanes(tree.blocks);
    const columns = Math.max(MIN_COLUMNS, tree.high - tree.low + 1);
    this.svg.setAttribute('viewBox', `0 0 ${2 * MX + (columns - 1) * PITCH + BW} ${MY + (count - 1) * LANE + BH + 22}`);
    const place = (b) => ({ x: MX + (b.height - tree.low) * PITCH, y: MY + laneOf.get(b.branch) * LANE });
    const targets = new Map([...tree.blocks.values()].map((b) => [b.hash, { ...place(b), b }]));

    for (const [hash, node] of this.nodes) {
      if (targets.has(hash)) continue;
      // Left the window (slide out to the left) or the tree (fade where it is).
      if (node.height < tree.low) node.x = MX + (node.height - tree.low) * PITCH;
      this.remove(hash, node);
    }
    for (const [hash, t] of targets) this.placeBlock(hash, t, targets);
    for (const [hash, t] of targets) this.placeEdge(hash, t, targets);
    for (const [hash, path] of this.edges) {
      if (targets.has(hash)) continue;
      this.edges.delete(hash);
      path.classList.add('leaving');
      setTimeout(() => path.remove(), 700);
    }
    const tip = targets.get(tree.tip);
    if (tip) this.marker.style.transform = `translate(${tip.x}px, ${tip.y}px)`;
  }

  placeBlock(hash, t, targets) {
    const kind = kindOf(t.b.status);
    let node = this.nodes.get(hash);
    if (!node) {
      node = this.createBlock(hash, t.b);
      // A new block grows out of its parent when the parent is drawn already.
      const parent = this.nodes.get(t.b.prev);
      const from = parent ? { x: parent.x, y: parent.y } : { x: t.x + PITCH / 2, y: t.y };
      node.g.style.transform = `translate(${from.x}px, ${from.y}px)`;
      node.g.classList.add('entering');
      this.blockLayer.append(node.g);
      node.g.getBoundingClientRect();
      node.g.classList.remove('entering');
      this.nodes.set(hash, node);
    } else if (node.kind === 'active' && kind !== 'active') {
      node.g.classList.add('orphaned');
      clearTimeout(node.orphanTimer);
      node.orphanTimer = setTimeout(() => node.g.classList.remove('orphaned'), ORPHAN_MARK_MS);
    }
    node.g.classList.remove('active', 'stale', 'headers', 'invalid');
    node.g.classList.add(kind);
    node.g.classList.toggle('tip', !targets.has(this.childOf(hash, targets)));
    node.kind = kind;
    node.x = t.x;
    node.y = t.y;
    node.g.style.transform = `translate(${t.x}px, ${t.y}px)`;
    node.title.textContent = `Block ${t.b.height}\n${hash}\n${t.b.status === 'active' ? 'best chain' : t.b.status}`;
  }

  childOf(hash, targets) {
    for (const [h, t] of targets) if (t.b.prev === hash) return h;
    return undefined;
  }

  placeEdge(hash, t, targets) {
    const parent = targets.get(t.b.prev);
    const y = t.y + BH / 2;
    // A block whose parent is below the window gets a stub; genesis gets nothing to draw.
    const d = parent ? edgePath(parent.x + BW, parent.y + BH / 2, t.x, y) : t.b.height > 0 ? edgePath(t.x - (PITCH - BW), y, t.x, y) : undefined;
    if (!d) return;
    let path = this.edges.get(hash);
    if (!path) {
      path = svgEl('path', { class: 'edge' });
      const old = parent && this.nodes.get(t.b.prev);
      setPath(path, old ? edgePath(old.x + BW, old.y + BH / 2, old.x + BW, old.y + BH / 2) : d);
      path.classList.add('entering');
      this.edgeLayer.append(path);
      path.getBoundingClientRect();
      path.classList.remove('entering');
      this.edges.set(hash, path);
    }
    path.classList.toggle('active', t.b.status === 'active' && (!parent || parent.b.status === 'active'));
    path.classList.toggle('stub', !parent);
    setPath(path, d);
  }

  createBlock(hash, b) {
    const g = svgEl('g', { class: 'blk', 'data-hash': hash, 'data-height': b.height });
    const a = svgEl('a', { href: `#/block/${hash}` });
    const title = svgEl('title');
    const rect = svgEl('rect', { width: BW, height: BH, rx: 5 });
    const h = svgEl('text', { class: 'h', x: BW / 2, y: BH / 2 + 4, 'text-anchor': 'middle' });
    h.textContent = String(b.height);
    // Long heights are squeezed into the box rather than spilling over its neighbours.
    if (h.textContent.length > 4) {
      h.setAttribute('textLength', String(BW - 4));
      h.setAttribute('lengthAdjust', 'spacingAndGlyphs');
    }
    const short = svgEl('text', { class: 'hash', x: BW / 2, y: BH + 12, 'text-anchor': 'middle' });
    short.textContent = hash.slice(0, 6);
    a.append(title, rect, h, short);
    g.append(a);
    return { g, title, x: 0, y: 0, height: b.height, kind: kindOf(b.status) };
  }

  remove(hash, node) {
    this.nodes.delete(hash);
    clearTimeout(node.orphanTimer);
    node.g.style.transform = `translate(${node.x}px, ${node.y}px)`;
    node.g.classList.add('leaving');
    setTimeout(() => node.g.remove(), 900);
  }
}
