// Tally explorer: hash routes over the node's JSON-RPC and /ws notifications.
import { chain, recordReorg } from './chain-page.js';
import { address } from './address-page.js';
import { block, blocks } from './block-pages.js';
import { errorBox, html, PageError, shortHash } from './format.js';
import { hashAtHeight } from './lookup.js';
import { mempool } from './mempool-page.js';
import { home, peers } from './pages.js';
import { batch, Live, rpc, RpcError } from './rpc.js';
import { tx } from './tx-page.js';

const PAGES = { '': home, blocks, block, tx, address, mempool, peers, chain };
/** Without the WebSocket, how often to look for a new tip. */
const FALLBACK_POLL_MS = 5000;

const main = document.getElementById('main');
const live = new Live();
let current;

/** `#/block/<hash>` → { name: 'block', arg: '<hash>' } */
function parseRoute() {
  const [name = '', ...rest] = location.hash.replace(/^#\/?/, '').split('/');
  return { name, arg: decodeURIComponent(rest.join('/')) };
}

function show() {
  current?.dispose();
  // A banner belongs to the page it was raised on: navigating clears it.
  notice('');
  const { name, arg } = parseRoute();
  const page = PAGES[name];
  for (const a of document.querySelectorAll('[data-nav]')) a.classList.toggle('current', page !== undefined && a.dataset.nav === page.nav);
  if (!page) {
    main.innerHTML = errorBox({ title: 'Not found', message: `No page "${name}".` }).text;
    current = undefined;
    return;
  }
  document.title = `${page.title(arg)} · Tally explorer`;
  main.innerHTML = html`<p class="muted loading">Loading…</p>`.text;
  current = page.mount ? page.mount(main, arg, { live }) : mountPage(page, arg);
  window.scrollTo(0, 0);
}

/** Loads and shows a page, and again after the notifications it listens to (a burst of them reloads once). */
function mountPage(page, arg) {
  let disposed = false;
  let running = false;
  let again = false;
  let shown = false;
  const refresh = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      const data = await page.load(arg);
      if (!disposed) {
        main.innerHTML = page.view(data, arg).text;
        sizeBars(main);
        if (!shown) notice('');
        shown = true;
      }
    } catch (err) {
      // A failed reload keeps what is shown; a failed first load says why.
      if (!disposed && !shown) main.innerHTML = errorBox(explain(err)).text;
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
    timer = setTimeout(refresh, 120);
  };
  const events = [...(page.refreshOn ?? []), 'resync'];
  for (const e of events) live.addEventListener(e, soon);
  const poll = page.every ? setInterval(() => {
    if (!document.hidden) void refresh();
  }, page.every) : undefined;
  const watched = page.watchAddress?.(arg);
  if (watched) live.watchAddress(watched);
  void refresh();
  return {
    dispose() {
      disposed = true;
      clearTimeout(timer);
      clearInterval(poll);
      for (const e of events) live.removeEventListener(e, soon);
      if (watched) live.unwatchAddress(watched);
    },
  };
}

/** Bar widths come as `data-w` percentages: the page's policy refuses inline style attributes, not styles set from script. */
function sizeBars(root) {
  for (const el of root.querySelectorAll('[data-w]')) el.style.width = `${el.dataset.w}%`;
}

/** An error as the reader should see it: in words, not as the node's code. */
function explain(err) {
  if (err instanceof PageError) return { title: err.title, message: err.message };
  if (err instanceof RpcError && err.code === -5) return { title: 'Not found', message: err.message };
  if (err instanceof RpcError && err.code === -401) return { title: 'Not signed in', message: err.message };
  if (err instanceof TypeError) return { title: 'No answer', message: 'The node did not answer: is it still running? The page retries when it is back.' };
  return { title: 'Error', message: err.message ?? String(err) };
}

// ---- header: tip, live status, search --------------------------------------------

function showTip(height, hash) {
  const tip = document.getElementById('tip');
  tip.innerHTML = html`<a href="#/block/${hash}" title="${hash}">#${height} <span class="mono">${shortHash(hash, 4)}</span></a>`.text;
  tip.classList.remove('bump');
  void tip.offsetWidth;
  tip.classList.add('bump');
}

function showLive(connected) {
  const dot = document.getElementById('live');
  dot.classList.toggle('on', connected);
  dot.classList.toggle('off', !connected);
  dot.title = connected ? 'Live: notifications from /ws' : 'Not connected to /ws: reconnecting (polling meanwhile)';
  dot.textContent = connected ? 'live' : 'offline';
}

function notice(text) {
  const el = document.getElementById('notice');
  el.textContent = text;
  el.hidden = !text;
  clearTimeout(notice.timer);
  if (text) notice.timer = setTimeout(() => { el.hidden = true; }, 5000);
}

/** Height → block; 64 hex digits → block, else transaction; anything else → address. */
async function search(text) {
  const q = text.trim();
  if (!q) return;
  try {
    if (/^\d+$/.test(q)) {
      location.hash = `#/block/${await hashAtHeight(Number(q))}`;
    } else if (/^[0-9a-fA-F]{64}$/.test(q)) {
      const id = q.toLowerCase();
      const [header, transaction] = await batch([['getblockheader', id, true], ['getrawtransaction', id, 0]]);
      if (!(header instanceof RpcError)) location.hash = `#/block/${id}`;
      else if (!(transaction instanceof RpcError)) location.hash = `#/tx/${id}`;
      else notice(`No block or transaction ${shortHash(id)} (transactions are found in the mempool and on the best chain).`);
    } else {
      const v = await rpc('validateaddress', q);
      if (v.isvalid) location.hash = `#/address/${v.address ?? q}`;
      else notice(`"${q}" is not a height, a block hash, a txid or an address of this network.`);
    }
  } catch (err) {
    notice(explain(err).message);
  }
}

/** The faucet's link shows only when the node runs one (`--faucet`); otherwise getfaucetinfo answers -32601 (over JSON-RPC 2.0, HTTP 200: no console error). */
function showFaucetLink() {
  rpc('getfaucetinfo').then(() => { document.getElementById('faucet-link').hidden = false; }, () => undefined);
}

async function start() {
  showFaucetLink();
  document.getElementById('search').addEventListener('submit', (e) => {
    e.preventDefault();
    const input = document.getElementById('q');
    void search(input.value).then(() => input.blur());
  });
  window.addEventListener('hashchange', show);
  live.addEventListener('status', (e) => showLive(e.detail.connected));
  live.addEventListener('block', (e) => showTip(e.detail.height, e.detail.hash));
  live.addEventListener('reorg', (e) => recordReorg(e.detail));
  showLive(false);
  let lastTip;
  let tipFailed = false;
  const checkTip = async () => {
    try {
      const info = await rpc('getblockchaininfo');
      document.getElementById('network').textContent = info.chain;
      if (info.bestblockhash !== lastTip) {
        if (lastTip !== undefined) live.dispatchEvent(new CustomEvent('resync'));
        lastTip = info.bestblockhash;
        showTip(info.blocks, info.bestblockhash);
      }
      if (tipFailed) notice('');
      tipFailed = false;
    } catch (err) {
      tipFailed = true;
      notice(explain(err).message);
    }
  };
  live.addEventListener('block', (e) => { lastTip = e.detail.hash; });
  live.addEventListener('resync', () => void checkTip());
  await checkTip();
  setInterval(() => {
    if (!live.connected && !document.hidden) void checkTip();
  }, FALLBACK_POLL_MS);
  live.start();
  show();
}

void start();
