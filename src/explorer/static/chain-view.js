// The chain view: the block tree of a window of heights as SVG, the best chain
// on the top lane and each side branch on a lane of its own below it. Blocks are
// keyed by hash and moved with CSS transitions, so a reorganization shows as the
// old blocks sliding down to a side lane while the new branch rises. The window
// may span 8 to 400 heights: the columns narrow to fit the card's width, and
// boxes too narrow for their height label draw without it.
import { assignLanes } from './chain-tree.js';

const MAX_PITCH = 48;
const LANE = 52;
const BH = 24;
const MX = 16;
const MY = 24;
/** Narrower boxes than this hide their labels. */
const LABEL_MIN_WIDTH = 24;
/** Columns narrower than this drop the short hash under each box (it would run into the next one). */
const HASH_MIN_PITCH = 42;
const AXIS_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000];
const SVG = 'http://www.w3.org/2000/svg';
/** How long a block that left the best chain stays marked as just disconnected. */
const ORPHAN_MARK_MS = 8000;

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

/** Column pitch and box width for `span` heights across `width` pixels. */
export function geometry(span, width) {
  const pitch = Math.min(MAX_PITCH, (width - 2 * MX) / span);
  const bw = Math.max(2, Math.min(32, pitch - Math.max(2, pitch / 5)));
  return { pitch, bw, labels: bw >= LABEL_MIN_WIDTH, hashes: pitch >= HASH_MIN_PITCH };
}

export class ChainView {
  constructor(container) {
    this.container = container;
    this.svg = svgEl('svg', { class: 'chain-svg', role: 'img', 'aria-label': 'Block tree' });
    this.edgeLayer = svgEl('g', { class: 'edges' });
    this.blockLayer = svgEl('g', { class: 'blocks' });
    this.marker = svgEl('g', { class: 'tip-marker' });
    this.markerLabel = svgEl('text', { y: -8, 'text-anchor': 'middle' });
    this.markerLabel.textContent = 'best tip ▼';
    this.marker.append(this.markerLabel);
    this.axis = svgEl('g', { class: 'axis' });
    this.svg.append(this.axis, this.edgeLayer, this.blockLayer, this.marker);
    container.append(this.svg);
    /** hash → { g, rect, labels, title, x, y, height, kind } */
    this.nodes = new Map();
    /** child hash → path */
    this.edges = new Map();
    this.geo = geometry(30, 1000);
  }

  /** Forgets what is drawn, so that the next render draws at once instead of animating from here (after a jump or a zoom). */
  reset() {
    for (const node of this.nodes.values()) {
      clearTimeout(node.orphanTimer);
      node.g.remove();
    }
    for (const path of this.edges.values()) path.remove();
    this.nodes.clear();
    this.edges.clear();
  }

  /** Draws `tree`, moving what was drawn before to its new place. */
  render(tree) {
    const span = tree.high - tree.low + 1;
    const width = Math.max(320, this.container.clientWidth || 1000);
    this.geo = geometry(span, width);
    const { pitch } = this.geo;
    const { laneOf, count } = assignLanes(tree.side);
    this.svg.setAttribute('viewBox', `0 0 ${width} ${MY + (count - 1) * LANE + BH + 22}`);
    this.svg.classList.toggle('compact', !this.geo.labels);
    this.svg.classList.toggle('no-hash', !this.geo.hashes);
    const xOf = (height) => MX + (height - tree.low) * pitch;
    const targets = new Map([...tree.blocks.values()].map((b) => [b.hash, { x: xOf(b.height), y: MY + laneOf.get(b.branch) * LANE, b }]));

    for (const [hash, node] of this.nodes) {
      if (targets.has(hash)) continue;
      // Left the window (slides out to its side) or the tree (fades where it is).
      node.x = xOf(node.height);
      this.remove(hash, node);
    }
    const tips = new Set(tree.tips.map((t) => t.hash));
    const forks = new Set(tree.side.map((t) => t.fork));
    for (const [hash, t] of targets) {
      this.placeBlock(hash, t, tips);
      this.nodes.get(hash).g.classList.toggle('fork', t.b.branch === 0 && forks.has(t.b.height));
    }
    for (const [hash, t] of targets) this.placeEdge(hash, t, targets);
    for (const [hash, path] of this.edges) {
      if (targets.has(hash)) continue;
      this.edges.delete(hash);
      path.classList.add('leaving');
      setTimeout(() => path.remove(), 700);
    }
    this.drawAxis(tree, xOf, MY + (count - 1) * LANE + BH + 14);
    const tip = targets.get(tree.tip);
    this.marker.style.display = tip ? '' : 'none';
    this.markerLabel.setAttribute('x', String(this.geo.bw / 2));
    if (tip) this.marker.style.transform = `translate(${tip.x}px, ${tip.y}px)`;
  }

  /** Height labels under the lanes every few columns, when the boxes are too narrow for their own. */
  drawAxis(tree, xOf, y) {
    this.axis.replaceChildren();
    if (this.geo.labels) return;
    const step = AXIS_STEPS.find((s) => s * this.geo.pitch >= 44) ?? AXIS_STEPS[AXIS_STEPS.length - 1];
    for (let h = Math.ceil(tree.low / step) * step; h <= tree.high; h += step) {
      const label = svgEl('text', { x: xOf(h) + this.geo.bw / 2, y, 'text-anchor': 'middle', 'data-height': h });
      label.textContent = String(h);
      this.axis.append(label);
    }
  }

  placeBlock(hash, t, tips) {
    const kind = kindOf(t.b.status);
    let node = this.nodes.get(hash);
    if (!node) {
      node = this.createBlock(hash, t.b);
      // A new block grows out of its parent when the parent is drawn already.
      const parent = this.nodes.get(t.b.prev);
      const from = parent ? { x: parent.x, y: parent.y } : { x: t.x + this.geo.pitch / 2, y: t.y };
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
    this.size(node);
    node.g.classList.remove('active', 'stale', 'headers', 'invalid');
    node.g.classList.add(kind);
    node.g.classList.toggle('tip', tips.has(hash));
    node.kind = kind;
    node.x = t.x;
    node.y = t.y;
    node.g.style.transform = `translate(${t.x}px, ${t.y}px)`;
    node.title.textContent = `Block ${t.b.height}\n${hash}\n${t.b.status === 'active' ? 'best chain' : t.b.status}`;
  }

  /** Fits a block's box and labels to the current column width. */
  size(node) {
    const { bw } = this.geo;
    node.rect.setAttribute('width', String(bw));
    for (const label of node.labels) label.setAttribute('x', String(bw / 2));
    const h = node.labels[0];
    if (h.textContent.length > 4) h.setAttribute('textLength', String(Math.max(1, bw - 4)));
  }

  placeEdge(hash, t, targets) {
    const { pitch, bw } = this.geo;
    const parent = targets.get(t.b.prev);
    const y = t.y + BH / 2;
    // A block whose parent is outside the window gets a stub; genesis gets nothing to draw.
    const d = parent ? edgePath(parent.x + bw, parent.y + BH / 2, t.x, y) : t.b.height > 0 ? edgePath(t.x - (pitch - bw), y, t.x, y) : undefined;
    let path = this.edges.get(hash);
    if (!d) {
      path?.remove();
      this.edges.delete(hash);
      return;
    }
    if (!path) {
      path = svgEl('path', { class: 'edge' });
      const old = parent && this.nodes.get(t.b.prev);
      setPath(path, old ? edgePath(old.x + bw, old.y + BH / 2, old.x + bw, old.y + BH / 2) : d);
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
    const rect = svgEl('rect', { height: BH, rx: 4 });
    const h = svgEl('text', { class: 'h', y: BH / 2 + 4, 'text-anchor': 'middle', lengthAdjust: 'spacingAndGlyphs' });
    h.textContent = String(b.height);
    const short = svgEl('text', { class: 'hash', y: BH + 12, 'text-anchor': 'middle' });
    short.textContent = hash.slice(0, 6);
    a.append(title, rect, h, short);
    g.append(a);
    return { g, rect, labels: [h, short], title, x: 0, y: 0, height: b.height, kind: kindOf(b.status) };
  }

  remove(hash, node) {
    this.nodes.delete(hash);
    clearTimeout(node.orphanTimer);
    node.g.style.transform = `translate(${node.x}px, ${node.y}px)`;
    node.g.classList.add('leaving');
    setTimeout(() => node.g.remove(), 900);
  }
}
