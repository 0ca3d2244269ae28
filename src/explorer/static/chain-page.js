// #/chain: the block tree, the chain tips and the reorganizations seen since the page opened.
import { ChainView, loadTree, WINDOW } from './chain-view.js';
import { blockLink, errorBox, html, shortHash } from './format.js';

const POLL_MS = 4000;

/** Reorganizations reported by /ws since the page was opened, newest first. */
export const reorgLog = [];

export function recordReorg(r) {
  reorgLog.unshift({ at: new Date(), ...r });
  reorgLog.length = Math.min(reorgLog.length, 20);
}

const STATUS_TEXT = {
  active: 'best chain', 'valid-fork': 'side branch', 'valid-headers': 'side branch, unvalidated', 'headers-only': 'headers only', invalid: 'invalid',
};

function tipsTable(tips) {
  return html`<table class="list" id="chain-tips"><thead><tr><th class="num">Height</th><th>Tip</th><th class="num">Length</th><th>Status</th></tr></thead>
    <tbody>${tips.slice(0, 20).map((t) => html`<tr><td class="num">${t.height}</td><td>${blockLink(t.hash, shortHash(t.hash, 10))}</td>
      <td class="num">${t.branchlen}</td><td><span class="status ${t.status}" title="${t.status}">${STATUS_TEXT[t.status] ?? t.status}</span></td></tr>`)}</tbody></table>`;
}

function reorgList() {
  if (reorgLog.length === 0) return html`<p class="muted">None since this page was opened. When a heavier branch arrives, its blocks rise to the top lane and the old ones drop to a side lane.</p>`;
  return html`<ul class="plain events">${reorgLog.map((r) => html`<li><span class="muted">${r.at.toLocaleTimeString()}</span>
    depth ${r.depth} at height ${r.forkheight}: tip ${blockLink(r.oldTip.hash, `#${r.oldTip.height} ${shortHash(r.oldTip.hash, 4)}`)}
    → ${blockLink(r.newTip.hash, `#${r.newTip.height} ${shortHash(r.newTip.hash, 4)}`)}</li>`)}</ul>`;
}

export const chain = {
  nav: 'chain',
  title: () => 'Chain',
  /** Kept mounted between refreshes, so that the SVG can animate from one state to the next. */
  mount(main, _arg, { live }) {
    main.innerHTML = html`
      <h1>Block tree <span class="muted small">the last ${WINDOW} heights</span></h1>
      <section class="card chain-card">
        <div id="chain-svg"></div>
        <div class="legend">
          <span><i class="key active"></i>best chain</span><span><i class="key stale"></i>side branch</span>
          <span><i class="key orphaned"></i>just disconnected</span><span><i class="key headers"></i>headers only</span><span><i class="key invalid"></i>invalid</span>
          <span class="muted">Each box is a block (its height; its hash below). Click one to open it.</span>
        </div>
        <div id="chain-error"></div>
      </section>
      <div class="grid2">
        <section class="card"><h2>Chain tips</h2><div id="tips"></div></section>
        <section class="card"><h2>Reorganizations</h2><div id="reorgs"></div></section>
      </div>`.text;
    const view = new ChainView(main.querySelector('#chain-svg'));
    const tipsEl = main.querySelector('#tips');
    const reorgsEl = main.querySelector('#reorgs');
    const errorEl = main.querySelector('#chain-error');
    let disposed = false;
    let running = false;
    let again = false;
    const refresh = async () => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        const tree = await loadTree();
        if (disposed) return;
        view.render(tree);
        tipsEl.innerHTML = tipsTable(tree.tips).text;
        reorgsEl.innerHTML = reorgList().text;
        errorEl.innerHTML = '';
        main.querySelector('.chain-card').dataset.tip = `${tree.high}`;
      } catch (err) {
        if (!disposed) errorEl.innerHTML = errorBox(err).text;
      } finally {
        running = false;
        if (again && !disposed) {
          again = false;
          void refresh();
        }
      }
    };
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
        for (const e of events) live.removeEventListener(e, soon);
      },
    };
  },
};

