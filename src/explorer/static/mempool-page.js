// #/mempool: the fee-rate histogram, the next projected blocks and the transactions by fee rate.
import { feeRate, more } from './bits.js';
import { ago, coins, html, num, satsToCoins, shortHash, txLink } from './format.js';
import { DEFAULT_BLOCK_WEIGHT, feeRateOf, histogram, projectBlocks } from './mempool-blocks.js';
import { batchOrThrow } from './rpc.js';

const MAX_ROWS = 300;
const rate = (r) => `${r < 10 ? r.toFixed(1) : Math.round(r)}`;

function histogramView(buckets) {
  if (buckets.length === 0) return html`<p class="muted">No transactions to chart.</p>`;
  const top = Math.max(...buckets.map((b) => b.vsize));
  return html`<div id="fee-histogram" class="histogram" role="table" aria-label="Virtual size of the mempool by fee rate">
    ${[...buckets].reverse().map((b) => html`<div class="hist-row" role="row" data-lo="${b.lo}">
      <span class="hist-label" role="cell">${b.hi === undefined ? `≥ ${b.lo}` : `${b.lo}–${b.hi}`} sat/vB</span>
      <span class="hist-bar" role="cell"><i data-w="${((100 * b.vsize) / top).toFixed(1)}"></i></span>
      <span class="hist-value muted" role="cell">${num(b.vsize)} vB · ${num(b.count)} tx</span></div>`)}</div>`;
}

function projectedView({ blocks, rest }) {
  if (blocks.length === 0) return html`<p class="muted">Nothing to mine: the next block would hold only its coinbase.</p>`;
  const card = (b, i) => html`<div class="projected" data-index="${i}" data-count="${b.count}">
    <div class="label">${i === 0 ? 'Next block' : `In ${i + 1} blocks`}</div>
    <div class="value">~${rate(b.medianRate)} <span class="small">sat/vB</span></div>
    <div class="sub">${rate(b.minRate)} – ${rate(b.maxRate)} sat/vB</div>
    <div class="sub">${num(b.count)} tx · ${satsToCoins(b.fees)}</div>
    <div class="fill" title="${num(b.weight)} WU"><i data-w="${Math.min(100, (100 * b.weight) / DEFAULT_BLOCK_WEIGHT).toFixed(1)}"></i></div></div>`;
  return html`<div id="projected-blocks" class="projected-row">${blocks.map(card)}
    ${rest.count ? html`<div class="projected later"><div class="label">Later</div><div class="value">${num(rest.count)} tx</div><div class="sub">${num(rest.vsize)} vB waiting</div></div>` : ''}</div>`;
}

export const mempool = {
  nav: 'mempool',
  title: () => 'Mempool',
  refreshOn: ['tx', 'txremoved', 'block', 'reorg'],
  every: 15_000,
  async load() {
    const [info, entries] = await batchOrThrow([['getmempoolinfo'], ['getrawmempool', true]]);
    const list = Object.entries(entries).map(([txid, e]) => ({ txid, ...e }));
    return { info, list, buckets: histogram(list), projection: projectBlocks(list) };
  },
  view({ info, list, buckets, projection }) {
    const byRate = [...list].sort((a, b) => feeRateOf(b) - feeRateOf(a)).slice(0, MAX_ROWS);
    return html`
      <h1>Mempool</h1>
      <div class="stats">
        <div class="stat"><div class="label">Transactions</div><div class="value">${num(info.size)}</div></div>
        <div class="stat"><div class="label">Virtual size</div><div class="value">${num(info.bytes)}</div><div class="sub">vbytes</div></div>
        <div class="stat"><div class="label">Fees</div><div class="value">${coins(info.total_fee)}</div></div>
        <div class="stat"><div class="label">Min. fee rate</div><div class="value">${feeRate((info.mempoolminfee ?? 0) / 1000, 1)}</div></div>
      </div>
      <section class="card"><h2>Next blocks <span class="muted small">projected: the mempool filled into blocks by fee rate, parents first</span></h2>${projectedView(projection)}</section>
      <section class="card"><h2>Fee rates <span class="muted small">virtual size waiting at each fee rate</span></h2>${histogramView(buckets)}</section>
      <section class="card"><h2>Transactions <span class="muted small">highest fee rate first</span></h2>
        ${byRate.length ? html`<table class="list" id="mempool-txs"><thead><tr><th>Txid</th><th class="num">Fee rate</th><th class="num">Fee</th><th class="num">vsize</th><th class="num">Parents</th><th>Age</th></tr></thead><tbody>
          ${byRate.map((e) => html`<tr><td>${txLink(e.txid, shortHash(e.txid, 16))}</td><td class="num">${feeRate(e.fees.base, e.vsize)}</td>
            <td class="num">${coins(e.fees.base)}</td><td class="num">${num(e.vsize)}</td><td class="num">${e.depends.length}</td><td>${ago(e.time)}</td></tr>`)}
        </tbody></table>` : html`<p class="muted">The mempool is empty.</p>`}
        ${more(list.length, byRate.length)}
      </section>`;
  },
};
