// #/chain: the block tree over a window of heights that the reader pans and
// zooms (buttons, arrow keys, +/-, a drag or a horizontal scroll, ctrl+scroll to
// zoom), an overview strip of the whole chain with every side branch on it, the
// chain tips each with "jump to fork point", and the reorganizations seen.
import { wireChainInput } from './chain-input.js';
import { DEFAULT_SPAN, loadTree, MAX_SPAN, MIN_SPAN, windowOf } from './chain-tree.js';
import { ChainView } from './chain-view.js';
import { blockLink, dateTime, errorBox, html, num, shortHash } from './format.js';

const POLL_MS = 4000;

/** Reorganizations reported by /ws since the page was opened, newest first. */
export const reorgLog = [];

export function recordReorg(r) {
  reorgLog.unshift({ at: Date.now() / 1000, ...r });
  reorgLog.length = Math.min(reorgLog.length, 20);
}

const STATUS_TEXT = {
  active: 'best chain', 'valid-fork': 'side branch', 'valid-headers': 'side branch, unvalidated', 'headers-only': 'headers only', invalid: 'invalid',
};

function tipsTable(tips) {
  return html`<table class="list" id="chain-tips"><thead><tr><th class="num">Height</th><th>Tip</th><th class="num">Length</th><th class="num">Fork point</th><th>Status</th><th></th></tr></thead>
    <tbody>${tips.slice(0, 50).map((t) => html`<tr data-hash="${t.hash}"><td class="num">${t.height}</td><td>${blockLink(t.hash, shortHash(t.hash, 10))}</td>
      <td class="num">${t.branchlen}</td><td class="num">${t.status === 'active' ? '—' : num(t.fork)}</td>
      <td><span class="status ${t.status}" title="${t.status}">${STATUS_TEXT[t.status] ?? t.status}</span></td>
      <td>${t.status === 'active' ? '' : html`<button type="button" class="jump-fork" data-fork="${t.fork}" data-len="${t.branchlen}">Jump to fork point</button>`}</td></tr>`)}</tbody></table>`;
}

function reorgList() {
  if (reorgLog.length === 0) return html`<p class="muted">None since this page was opened. When a heavier branch arrives, its blocks rise to the top lane and the old ones drop to a side lane.</p>`;
  return html`<ul class="plain events">${reorgLog.map((r) => html`<li><span class="muted">${dateTime(r.at)}</span>
    depth ${r.depth} at height ${r.forkheight}: tip ${blockLink(r.oldTip.hash, `#${r.oldTip.height} ${shortHash(r.oldTip.hash, 4)}`)}
    → ${blockLink(r.newTip.hash, `#${r.newTip.height} ${shortHash(r.newTip.hash, 4)}`)}</li>`)}</ul>`;
}

/** The whole chain as a strip: each side branch where it forks, and the window shown; a click centres the window there. */
function overview(tree) {
  const total = Math.max(1, tree.tipHeight + 1);
  const pct = (h) => ((100 * h) / total).toFixed(3);
  const branches = tree.tips.filter((t) => t.status !== 'active');
  return html`<div class="map-track">${branches.slice(0, 50).map((t) => html`<button type="button" class="map-branch jump-fork ${t.status}" data-fork="${t.fork}" data-len="${t.branchlen}"
      data-l="${pct(t.fork + 1)}" data-w="${pct(Math.max(t.branchlen, total / 300))}" title="Side branch of ${t.branchlen} block${t.branchlen === 1 ? '' : 's'} forking after height ${t.fork}: jump there"></button>`)}
    <span class="map-window" data-l="${pct(tree.low)}" data-w="${pct(Math.min(tree.high, tree.tipHeight) - tree.low + 1)}"></span></div>
    <div class="map-scale muted small"><span>0</span><span>${num(tree.tipHeight)}</span></div>`;
}

/** Positions from data-l/data-w percentages (the page's policy refuses inline style attributes). */
function placeMarks(root) {
  for (const el of root.querySelectorAll('[data-l]')) {
    el.style.left = `${el.dataset.l}%`;
    el.style.width = `${el.dataset.w}%`;
  }
}

const TEMPLATE = html`
  <h1>Block tree <span class="muted small" id="chain-range"></span></h1>
  <section class="card chain-card">
    <div class="chain-controls" role="toolbar" aria-label="Move through the chain">
      <button type="button" id="chain-older" title="Older heights (←)">◀ Older</button>
      <button type="button" id="chain-newer" title="Newer heights (→)">Newer ▶</button>
      <button type="button" id="chain-zoom-in" title="Fewer heights (+)">+ Zoom in</button>
      <button type="button" id="chain-zoom-out" title="More heights (−)">− Zoom out</button>
      <button type="button" id="chain-follow" title="Back to the best tip, following it (End)">Follow the tip</button>
      <span class="muted small">Drag or scroll sideways to pan; ctrl + scroll zooms.</span>
    </div>
    <div id="chain-map" class="chain-map" title="The whole chain: side branches marked where they fork"></div>
    <div id="chain-svg" tabindex="0" aria-label="Block tree; arrow keys pan, + and - zoom"></div>
    <div class="legend">
      <span><i class="key active"></i>best chain</span><span><i class="key stale"></i>side branch</span>
      <span><i class="key fork"></i>fork point</span><span><i class="key orphaned"></i>just disconnected</span><span><i class="key headers"></i>headers only</span><span><i class="key invalid"></i>invalid</span>
      <span class="muted">Each box is a block (its height; its hash below). Click one to open it.</span>
    </div>
    <div id="chain-error"></div>
  </section>
  <section class="card"><h2>Chain tips <span class="muted small">every branch the node knows; the fork point is the last block a branch shares with the best chain</span></h2><div id="tips"></div></section>
  <section class="card"><h2>Reorganizations</h2><div id="reorgs"></div></section>`;

export const chain = {
  nav: 'chain',
  title: () => 'Chain',
  /** Kept mounted between refreshes, so that the SVG can animate from one state to the next. */
  mount(main, _arg, { live }) {
    main.innerHTML = TEMPLATE.text;
    const card = main.querySelector('.chain-card');
    const view = new ChainView(main.querySelector('#chain-svg'));
    const state = { low: 0, span: DEFAULT_SPAN, follow: true };
    let last;
    let disposed = false;
    let running = false;
    let again = false;
    const show = (tree) => {
      view.render(tree);
      last = tree;
      main.querySelector('#tips').innerHTML = tipsTable(tree.tips).text;
      main.querySelector('#reorgs').innerHTML = reorgList().text;
      const map = main.querySelector('#chain-map');
      map.innerHTML = overview(tree).text;
      placeMarks(map);
      main.querySelector('#chain-error').innerHTML = '';
      main.querySelector('#chain-range').textContent = `heights ${num(tree.low)} to ${num(tree.high)}${state.follow ? ', following the tip' : ''}`;
      Object.assign(card.dataset, { low: tree.low, high: tree.high, tip: tree.tipHeight, follow: state.follow });
      main.querySelector('#chain-follow').disabled = state.follow;
    };
    const refresh = async () => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        const tree = await loadTree(state);
        if (!disposed) show(tree);
      } catch (err) {
        if (!disposed) main.querySelector('#chain-error').innerHTML = errorBox(err).text;
      } finally {
        running = false;
        if (again && !disposed) {
          again = false;
          void refresh();
        }
      }
    };
    /** Moves the window; `redraw` drops what is drawn first (a jump or a zoom, where sliding every box would only blur). */
    const move = (next, redraw = false) => {
      const tip = last?.tipHeight ?? 0;
      state.span = Math.max(MIN_SPAN, Math.min(MAX_SPAN, Math.round(next.span ?? state.span)));
      state.follow = next.follow ?? false;
      state.low = windowOf({ low: Math.round(next.low ?? state.low), span: state.span, follow: state.follow }, tip).low;
      if (redraw) view.reset();
      void refresh();
    };
    const current = () => (last ? { low: last.low, span: last.high - last.low + 1 } : { low: 0, span: state.span });
    const unwire = wireChainInput(main, view, { move, current });
    let timer;
    const soon = () => {
      clearTimeout(timer);
      timer = setTimeout(refresh, 80);
    };
    const events = ['block', 'reorg', 'disconnected', 'resync'];
    for (const e of events) live.addEventListener(e, soon);
    // Side-branch blocks that do not change the tip send no notification: poll for them.
    const poll = setInterval(() => {
      if (!document.hidden) void refresh();
    }, POLL_MS);
    void refresh();
    return {
      dispose() {
        disposed = true;
        clearTimeout(timer);
        clearInterval(poll);
        unwire();
        for (const e of events) live.removeEventListener(e, soon);
      },
    };
  },
};
