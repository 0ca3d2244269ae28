// The pages, each `{ nav, title, load(arg), view(data, arg), refreshOn, every, watchAddress(arg) }`:
// load reads the node over JSON-RPC, view returns markup, refreshOn names the
// notifications after which the page reloads, every is a polling period (ms),
// watchAddress names an address whose notifications the page wants.
// Here: the overview and the peers; the others have a file each.
import { ago, blockLink, dateTime, html, num, shortHash } from './format.js';
import { batch, batchOrThrow, RpcError } from './rpc.js';

const LATEST = 10;

/** Block hashes the overview has shown, so that a new one can be highlighted. */
const shownBlocks = new Set();


// ---- overview ----------------------------------------------------------------

export const home = {
  nav: 'home',
  title: () => 'Overview',
  refreshOn: ['block', 'reorg', 'tx', 'txremoved'],
  every: 15_000,
  async load() {
    const [info, mempool, net] = await batch([['getblockchaininfo'], ['getmempoolinfo'], ['getnetworkinfo']]);
    if (info instanceof RpcError) throw info;
    const heights = [];
    for (let h = info.blocks; h >= Math.max(0, info.blocks - LATEST + 1); h--) heights.push(h);
    const hashes = await batchOrThrow(heights.map((h) => ['getblockhash', h]));
    const blocks = await batchOrThrow(hashes.map((h) => ['getblockheader', h, true]));
    return { info, mempool, net, blocks };
  },
  view({ info, mempool, net, blocks }) {
    const first = shownBlocks.size === 0;
    const rows = blocks.map((b) => {
      const fresh = !first && !shownBlocks.has(b.hash);
      shownBlocks.add(b.hash);
      return html`<tr class="${fresh ? 'fresh' : ''}" data-hash="${b.hash}">
        <td class="narrow"><a href="#/block/${b.hash}"><strong>${b.height}</strong></a></td><td>${blockLink(b.hash, shortHash(b.hash, 16))}</td>
        <td class="num narrow">${num(b.nTx)}</td><td class="narrow">${dateTime(b.time)}</td><td class="narrow muted">${ago(b.time)}</td></tr>`;
    });
    const stat = (label, value, sub = '') => html`<div class="stat"><div class="label">${label}</div><div class="value">${value}</div><div class="sub">${sub}</div></div>`;
    const pool = mempool instanceof RpcError ? undefined : mempool;
    const peers = net instanceof RpcError ? undefined : net;
    return html`
      <h1>Overview</h1>
      <div class="stats">
        ${stat('Height', html`<a href="#/block/${info.bestblockhash}" id="tip-height">${num(info.blocks)}</a>`, html`${blockLink(info.bestblockhash, shortHash(info.bestblockhash))}`)}
        ${stat('Last block', blocks[0] ? ago(blocks[0].time) : '—', blocks[0] ? dateTime(blocks[0].time) : '')}
        ${stat('Mempool', html`<a href="#/mempool">${pool ? num(pool.size) : '—'} tx</a>`, pool ? `${num(pool.bytes)} vbytes` : '')}
        ${stat('Peers', html`<a href="#/peers">${peers ? num(peers.connections) : '—'}</a>`, peers && !peers.networkactive ? 'p2p off' : '')}
        ${stat('Difficulty', Number(info.difficulty).toPrecision(4), `bits ${blocks[0]?.bits ?? ''}`)}
      </div>
      <section class="card">
        <div class="card-head"><h2>Latest blocks</h2><span><a href="#/blocks">All blocks →</a> · <a href="#/chain">Block tree →</a></span></div>
        <table class="list" id="latest-blocks"><thead><tr><th>Height</th><th>Hash</th><th class="num">Txs</th><th>Time</th><th>Age</th></tr></thead>
        <tbody>${rows}</tbody></table>
      </section>`;
  },
};

// ---- peers -----------------------------------------------------------------------------

export const peers = {
  nav: 'peers',
  title: () => 'Peers',
  every: 5_000,
  async load() {
    const [net, list] = await batch([['getnetworkinfo'], ['getpeerinfo']]);
    return { net: net instanceof RpcError ? null : net, list };
  },
  view({ net, list }) {
    const head = html`<h1>Peers</h1>${net ? html`<p class="muted">${net.subversion ?? ''} · ${num(net.connections)} connection${net.connections === 1 ? '' : 's'} (${num(net.connections_in ?? 0)} inbound)</p>` : ''}`;
    if (list instanceof RpcError) {
      return html`${head}<section class="card"><p>${list.code === -9 || list.code === -31 ? 'This node runs without peer-to-peer networking.' : list.message}</p></section>`;
    }
    if (list.length === 0) return html`${head}<section class="card"><p class="muted">No peers connected.</p></section>`;
    const now = Date.now() / 1000;
    return html`${head}<section class="card"><table class="list" id="peer-list">
      <thead><tr><th class="num">Id</th><th>Address</th><th>Direction</th><th class="num">Height</th><th class="num">Ping</th><th>Connected</th><th class="num">Ban score</th></tr></thead>
      <tbody>${list.map((p) => html`<tr><td class="num">${p.id}</td><td class="mono small" title="${p.peer_id ?? ''}">${p.addr || p.peer_id || '—'}</td>
        <td>${p.inbound ? 'inbound' : 'outbound'}</td><td class="num">${num(p.synced_blocks ?? p.startingheight)}</td>
        <td class="num">${typeof p.pingtime === 'number' ? `${Math.round(p.pingtime * 1000)} ms` : '—'}</td>
        <td>${p.conntime ? ago(p.conntime, now).replace(' ago', '') : '—'}</td><td class="num">${p.banscore ?? '—'}</td></tr>`)}</tbody></table></section>`;
  },
};
