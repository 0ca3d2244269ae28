// #/blocks[/<top height>]: the block list, a page of heights at a time; #/block/<hash or height>: one block.
import { badge, more, pager } from './bits.js';
import { blockLink, chainWork, coins, facts, html, num, satsToCoins, shortHash, txLink, when } from './format.js';
import { blockOf } from './lookup.js';
import { batch, rpc, RpcError } from './rpc.js';

const PAGE = 20;
const MAX_ROWS = 300;
const MAX_WEIGHT = 4_000_000;

// ---- block list ------------------------------------------------------------------

/** The blocks at heights top, top-1, ... with their size, weight and fees. */
async function loadBlocks(arg) {
  const tip = await rpc('getblockcount');
  const asked = /^\d+$/.test(arg) ? Number(arg) : tip;
  const top = Math.min(asked, tip);
  const heights = [];
  for (let h = top; h >= Math.max(0, top - PAGE + 1); h--) heights.push(h);
  const hashes = await batch(heights.map((h) => ['getblockhash', h]));
  const known = hashes.filter((h) => !(h instanceof RpcError));
  const stats = ['totalfee', 'feerate_percentiles'];
  const replies = await batch(known.flatMap((h) => [['getblock', h, 1], ['getblockstats', h, stats]]));
  const rows = known.map((hash, i) => ({ block: replies[2 * i], stats: replies[2 * i + 1] })).filter((r) => !(r.block instanceof RpcError));
  return { tip, top, rows };
}

function blockRow({ block: b, stats }, now) {
  const s = stats instanceof RpcError ? undefined : stats;
  const fill = (100 * b.weight) / MAX_WEIGHT;
  return html`<tr data-height="${b.height}" data-hash="${b.hash}">
    <td class="narrow"><a href="#/block/${b.hash}"><strong>${b.height}</strong></a></td><td>${blockLink(b.hash, shortHash(b.hash, 10))}</td>
    <td class="narrow">${when(b.time, now)}</td><td class="num">${num(b.nTx)}</td>
    <td class="num size">${num(b.size)} B</td><td class="num weight" title="${fill.toFixed(3)} % of the ${num(MAX_WEIGHT)} WU limit">${num(b.weight)} WU</td>
    <td class="num fees">${s ? satsToCoins(s.totalfee) : '—'}</td><td class="num">${s && b.nTx > 1 ? `${num(s.feerate_percentiles[2])} sat/vB` : '—'}</td></tr>`;
}

export const blocks = {
  nav: 'blocks',
  title: (arg) => (arg ? `Blocks to ${arg}` : 'Blocks'),
  refreshOn: ['block', 'reorg'],
  load: loadBlocks,
  view({ tip, top, rows }) {
    const now = Date.now() / 1000;
    const bottom = Math.max(0, top - PAGE + 1);
    const nav = pager({
      newer: top < tip ? `#/blocks/${Math.min(tip, top + PAGE)}` : undefined,
      latest: top < tip ? '#/blocks' : undefined,
      older: bottom > 0 ? `#/blocks/${bottom - 1}` : undefined,
      label: `Heights ${num(bottom)} to ${num(top)} of ${num(tip + 1)} blocks`,
    });
    return html`
      <h1>Blocks</h1>
      <section class="card">
        ${nav}
        <table class="list" id="block-list"><thead><tr><th>Height</th><th>Hash</th><th>Time</th><th class="num">Txs</th><th class="num">Size</th>
          <th class="num">Weight</th><th class="num">Fees</th><th class="num">Median fee rate</th></tr></thead>
        <tbody>${rows.map((r) => blockRow(r, now))}</tbody></table>
        ${nav}
      </section>`;
  },
};

// ---- one block -------------------------------------------------------------------

export const block = {
  nav: 'blocks',
  title: (arg) => (/^\d+$/.test(arg) ? `Block ${arg}` : `Block ${shortHash(arg)}`),
  refreshOn: ['block', 'reorg'],
  async load(arg) {
    const b = await blockOf(arg, 2);
    const [stats] = await batch([['getblockstats', b.hash, ['totalfee']]]);
    return { b, fees: stats instanceof RpcError ? undefined : stats.totalfee };
  },
  view({ b, fees }) {
    const main = b.confirmations >= 0;
    const shown = b.tx.slice(0, MAX_ROWS);
    return html`
      <h1>Block <span class="num">#${b.height}</span> ${main ? badge('best chain', 'ok') : badge('side branch', 'warn')}</h1>
      <p class="mono hash-line">${b.hash}</p>
      <div class="grid2">
        <section class="card">${facts([
          ['Confirmations', main ? num(b.confirmations) : 'none: not on the best chain'],
          ['Time', when(b.time)],
          ['Median time past', when(b.mediantime)],
          ['Previous block', b.previousblockhash ? blockLink(b.previousblockhash) : 'none (genesis)'],
          ['Next block', b.nextblockhash ? blockLink(b.nextblockhash) : main ? 'none yet (this is the tip)' : undefined],
        ])}</section>
        <section class="card">${facts([
          ['Transactions', num(b.nTx)],
          ['Size / weight', `${num(b.size)} B / ${num(b.weight)} WU (${((100 * b.weight) / MAX_WEIGHT).toFixed(2)} % of the limit)`],
          ['Fees', fees === undefined ? undefined : satsToCoins(fees)],
          ['Difficulty', `${Number(b.difficulty).toPrecision(4)} (bits ${b.bits})`],
          ['Nonce', num(b.nonce)],
          ['Merkle root', html`<span class="mono small">${b.merkleroot}</span>`],
          ['Chain work', html`<span id="chainwork" title="0x${b.chainwork.replace(/^0+(?=.)/, '')}">${chainWork(b.chainwork)}</span>`],
        ])}</section>
      </div>
      <section class="card">
        <h2>Transactions</h2>
        <table class="list" id="block-txs"><thead><tr><th class="num">#</th><th>Txid</th><th class="num">In</th><th class="num">Out</th><th class="num">Output total</th><th class="num">Fee</th></tr></thead>
        <tbody>${shown.map((t, i) => html`<tr>
          <td class="num">${i}</td>
          <td>${txLink(t.txid, shortHash(t.txid, 16))} ${i === 0 ? badge('coinbase') : ''}</td>
          <td class="num">${i === 0 ? '—' : t.vin.length}</td><td class="num">${t.vout.length}</td>
          <td class="num">${coins(t.vout.reduce((a, o) => a + o.value, 0))}</td>
          <td class="num">${i === 0 ? '—' : coins(t.fee)}</td></tr>`)}</tbody></table>
        ${more(b.tx.length, shown.length)}
      </section>`;
  },
};
