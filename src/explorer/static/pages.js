// The pages, each `{ nav, title, load(arg), view(data, arg), refreshOn, every, watchAddress }`:
// load reads the node over JSON-RPC, view returns markup, refreshOn names the
// notifications after which the page reloads, every is a polling period (ms).
import { addressLink, ago, blockLink, coins, dateTime, facts, html, num, satsToCoins, shortHash, txLink } from './format.js';
import { batch, batchOrThrow, rpc, RpcError } from './rpc.js';

const LATEST = 10;
const MAX_ROWS = 300;

/** Block hashes the overview has shown, so that a new one can be highlighted. */
const shownBlocks = new Set();

const badge = (text, kind = '') => html`<span class="badge ${kind}">${text}</span>`;
const more = (total, shown) => (total > shown ? html`<p class="muted">Showing ${num(shown)} of ${num(total)}.</p>` : '');
const feeRate = (feeCoins, vsize) => (typeof feeCoins === 'number' && vsize ? `${((feeCoins * 1e8) / vsize).toFixed(1)} sat/vB` : '—');

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
        <div class="card-head"><h2>Latest blocks</h2><a href="#/chain">Block tree →</a></div>
        <table class="list" id="latest-blocks"><thead><tr><th>Height</th><th>Hash</th><th class="num">Txs</th><th>Time</th><th>Age</th></tr></thead>
        <tbody>${rows}</tbody></table>
      </section>`;
  },
};

// ---- block ---------------------------------------------------------------------

export const block = {
  nav: 'chain',
  title: (hash) => `Block ${shortHash(hash)}`,
  refreshOn: ['block', 'reorg'],
  load: (hash) => rpc('getblock', hash, 2),
  view(b) {
    const main = b.confirmations >= 0;
    const shown = b.tx.slice(0, MAX_ROWS);
    return html`
      <h1>Block <span class="num">#${b.height}</span> ${main ? badge('best chain', 'ok') : badge('side branch', 'warn')}</h1>
      <p class="mono hash-line">${b.hash}</p>
      <div class="grid2">
        <section class="card">${facts([
          ['Confirmations', main ? num(b.confirmations) : 'none: not on the best chain'],
          ['Time', html`${dateTime(b.time)} <span class="muted">(${ago(b.time)})</span>`],
          ['Median time past', dateTime(b.mediantime)],
          ['Previous block', b.previousblockhash ? blockLink(b.previousblockhash) : 'none (genesis)'],
          ['Next block', b.nextblockhash ? blockLink(b.nextblockhash) : main ? 'none yet (this is the tip)' : undefined],
        ])}</section>
        <section class="card">${facts([
          ['Transactions', num(b.nTx)],
          ['Size / weight', `${num(b.size)} B / ${num(b.weight)} WU`],
          ['Difficulty', `${Number(b.difficulty).toPrecision(4)} (bits ${b.bits})`],
          ['Nonce', num(b.nonce)],
          ['Merkle root', html`<span class="mono small">${b.merkleroot}</span>`],
          ['Chain work', html`<span class="mono small">${b.chainwork.replace(/^0+(?=.)/, '')}</span> (hex)`],
        ])}</section>
      </div>
      <section class="card">
        <h2>Transactions</h2>
        <table class="list" id="block-txs"><thead><tr><th class="num">#</th><th>Txid</th><th class="num">In</th><th class="num">Out</th><th class="num">Output total</th><th class="num">Fee</th></tr></thead>
        <tbody>${shown.map((tx, i) => html`<tr>
          <td class="num">${i}</td>
          <td>${txLink(tx.txid, shortHash(tx.txid, 16))} ${i === 0 ? badge('coinbase') : ''}</td>
          <td class="num">${i === 0 ? '—' : tx.vin.length}</td><td class="num">${tx.vout.length}</td>
          <td class="num">${coins(tx.vout.reduce((a, o) => a + o.value, 0))}</td>
          <td class="num">${i === 0 ? '—' : coins(tx.fee)}</td></tr>`)}</tbody></table>
        ${more(b.tx.length, shown.length)}
      </section>`;
  },
};

// ---- transaction -----------------------------------------------------------------

export const tx = {
  nav: '',
  title: (txid) => `Transaction ${shortHash(txid)}`,
  refreshOn: ['block', 'reorg', 'txremoved'],
  async load(txid) {
    const t = await rpc('getrawtransaction', txid, 2);
    const confirmed = Boolean(t.blockhash);
    // An unconfirmed spend's coins are still in the UTXO set: read them there (without the mempool, which has them spent).
    const inputs = confirmed || t.vin[0]?.coinbase !== undefined ? [] : t.vin.slice(0, MAX_ROWS);
    const [extra, ...rest] = await batch([
      confirmed ? ['getblockheader', t.blockhash, true] : ['getmempoolentry', txid],
      ...t.vout.slice(0, MAX_ROWS).map((o) => ['gettxout', txid, o.n, true]),
      ...inputs.map((i) => ['gettxout', i.txid, i.vout, false]),
    ]);
    const outs = rest.slice(0, Math.min(t.vout.length, MAX_ROWS));
    rest.slice(outs.length).forEach((coin, i) => {
      if (coin && !(coin instanceof RpcError)) inputs[i].prevout = { value: coin.value, scriptPubKey: coin.scriptPubKey };
    });
    const ok = !(extra instanceof RpcError);
    return { t, pool: !confirmed && ok ? extra : null, head: confirmed && ok ? extra : null, outs };
  },
  view({ t, pool, head, outs }) {
    const coinbase = Boolean(t.vin[0]?.coinbase);
    const fee = t.fee ?? pool?.fees?.base;
    const status = head
      ? html`${num(t.confirmations)} confirmation${t.confirmations === 1 ? '' : 's'}, in block ${blockLink(t.blockhash, `#${head.height}`)} (${ago(t.blocktime)})`
      : pool ? html`unconfirmed: in the mempool since ${ago(pool.time)}` : 'unconfirmed';
    const spent = (o, i) => {
      if (o.scriptPubKey.type === 'nulldata') return badge('data', 'muted');
      const r = outs[i];
      if (r === undefined || r instanceof RpcError) return '';
      return r === null ? badge('spent', 'muted') : badge('unspent', 'ok');
    };
    return html`
      <h1>Transaction ${coinbase ? badge('coinbase') : ''} ${head ? badge('confirmed', 'ok') : badge('unconfirmed', 'warn')}</h1>
      <p class="mono hash-line" id="txid">${t.txid}</p>
      <section class="card">${facts([
        ['Status', status],
        ['Fee', coinbase ? 'none (a coinbase creates coins)' : fee !== undefined ? html`${coins(fee)} <span class="muted">(${feeRate(fee, t.vsize)})</span>` : undefined],
        ['Size', `${num(t.size)} B, ${num(t.vsize)} vB, ${num(t.weight)} WU`],
        ['Witness txid', t.hash !== t.txid ? html`<span class="mono small">${t.hash}</span>` : undefined],
        ['Version / locktime', `${t.version} / ${t.locktime}`],
      ])}</section>
      <div class="grid2 io">
        <section class="card"><h2>Inputs <span class="muted">${t.vin.length}</span></h2>
          <ol class="io-list">${t.vin.slice(0, MAX_ROWS).map((i) => (i.coinbase !== undefined
            ? html`<li><strong>Newly generated coins</strong><div class="muted small mono">coinbase ${shortHash(i.coinbase, 20)}</div></li>`
            : html`<li>${txLink(i.txid, `${shortHash(i.txid, 10)}:${i.vout}`)}
                ${i.prevout ? html`<div>${i.prevout.scriptPubKey.address ? addressLink(i.prevout.scriptPubKey.address) : i.prevout.scriptPubKey.type}</div>
                  <div><span class="amount">${coins(i.prevout.value)}</span></div>` : ''}</li>`))}</ol>
          ${more(t.vin.length, Math.min(t.vin.length, MAX_ROWS))}
        </section>
        <section class="card"><h2>Outputs <span class="muted">${t.vout.length}</span></h2>
          <ol class="io-list" start="0">${t.vout.slice(0, MAX_ROWS).map((o, i) => html`<li>
            ${o.scriptPubKey.address ? addressLink(o.scriptPubKey.address) : html`<span class="muted">${o.scriptPubKey.type}</span>`}
            <div><span class="amount">${coins(o.value)}</span> ${spent(o, i)}</div></li>`)}</ol>
          ${more(t.vout.length, Math.min(t.vout.length, MAX_ROWS))}
        </section>
      </div>`;
  },
};

// ---- address -----------------------------------------------------------------------

export const address = {
  nav: '',
  title: (a) => `Address ${shortHash(a, 10)}`,
  refreshOn: ['address', 'block', 'reorg'],
  watchAddress: true,
  async load(a) {
    const arg = { addresses: [a] };
    const [balance, utxos, txids] = await batchOrThrow([['getaddressbalance', arg], ['getaddressutxos', arg], ['getaddresstxids', arg, true]]);
    return { balance, utxos, txids: [...txids].reverse() };
  },
  view({ balance, utxos, txids }, a) {
    const recent = txids.slice(0, 100);
    const coinsShown = [...utxos].reverse().slice(0, 100);
    return html`
      <h1>Address</h1>
      <p class="mono hash-line">${a}</p>
      <div class="stats">
        <div class="stat"><div class="label">Balance</div><div class="value">${satsToCoins(balance.balance)}</div><div class="sub">confirmed</div></div>
        <div class="stat"><div class="label">Received</div><div class="value">${satsToCoins(balance.received)}</div><div class="sub">all time</div></div>
        <div class="stat"><div class="label">Transactions</div><div class="value">${num(txids.length)}</div><div class="sub">incl. mempool</div></div>
        <div class="stat"><div class="label">Unspent outputs</div><div class="value">${num(utxos.length)}</div><div class="sub">confirmed</div></div>
      </div>
      <div class="grid2">
        <section class="card"><h2>Transactions</h2>
          ${recent.length ? html`<ul class="plain">${recent.map((t) => html`<li>${txLink(t, shortHash(t, 16))}</li>`)}</ul>` : html`<p class="muted">None yet.</p>`}
          ${more(txids.length, recent.length)}</section>
        <section class="card"><h2>Unspent outputs</h2>
          ${coinsShown.length ? html`<table class="list"><thead><tr><th>Output</th><th class="num">Amount</th><th class="num">Height</th></tr></thead><tbody>
            ${coinsShown.map((u) => html`<tr><td>${txLink(u.txid, `${shortHash(u.txid, 10)}:${u.outputIndex}`)}</td><td class="num">${satsToCoins(u.satoshis)}</td><td class="num">${u.height}</td></tr>`)}
          </tbody></table>` : html`<p class="muted">None.</p>`}
          ${more(utxos.length, coinsShown.length)}</section>
      </div>`;
  },
};

// ---- mempool -------------------------------------------------------------------------

export const mempool = {
  nav: 'mempool',
  title: () => 'Mempool',
  refreshOn: ['tx', 'txremoved', 'block', 'reorg'],
  every: 15_000,
  async load() {
    const [info, entries] = await batchOrThrow([['getmempoolinfo'], ['getrawmempool', true]]);
    const list = Object.entries(entries).map(([txid, e]) => ({ txid, ...e })).sort((a, b) => b.time - a.time);
    return { info, list };
  },
  view({ info, list }) {
    const shown = list.slice(0, MAX_ROWS);
    return html`
      <h1>Mempool</h1>
      <div class="stats">
        <div class="stat"><div class="label">Transactions</div><div class="value">${num(info.size)}</div></div>
        <div class="stat"><div class="label">Virtual size</div><div class="value">${num(info.bytes)}</div><div class="sub">vbytes</div></div>
        <div class="stat"><div class="label">Fees</div><div class="value">${coins(info.total_fee)}</div></div>
        <div class="stat"><div class="label">Min. fee rate</div><div class="value">${feeRate((info.mempoolminfee ?? 0) / 1000, 1)}</div></div>
      </div>
      <section class="card">
        ${shown.length ? html`<table class="list" id="mempool-txs"><thead><tr><th>Txid</th><th class="num">Fee rate</th><th class="num">Fee</th><th class="num">vsize</th><th class="num">Parents</th><th>Age</th></tr></thead><tbody>
          ${shown.map((e) => html`<tr><td>${txLink(e.txid, shortHash(e.txid, 16))}</td><td class="num">${feeRate(e.fees.base, e.vsize)}</td>
            <td class="num">${coins(e.fees.base)}</td><td class="num">${num(e.vsize)}</td><td class="num">${e.depends.length}</td><td>${ago(e.time)}</td></tr>`)}
        </tbody></table>` : html`<p class="muted">The mempool is empty.</p>`}
        ${more(list.length, shown.length)}
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
