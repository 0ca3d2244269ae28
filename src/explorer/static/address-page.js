// #/address/<address>[/<position>]: balance, and the history newest first with
// amount, direction, date and confirmations, a page at a time.
import { direction, groupByTx, newerPosition, olderPage, PAGE, parsePosition, positionText } from './address-history.js';
import { badge, pager } from './bits.js';
import { html, num, PageError, satsToCoins, shortHash, txLink, when } from './format.js';
import { batch, rpc, RpcError } from './rpc.js';

function parseArg(arg) {
  const [address, position] = arg.split('/');
  return { address, position: parsePosition(position) };
}

/** Block times by height, for the dates of a page's transactions. */
async function timesOf(heights) {
  const unique = [...new Set(heights)];
  const hashes = await batch(unique.map((h) => ['getblockhash', h]));
  const headers = await batch(hashes.map((h) => (h instanceof RpcError ? ['getblockcount'] : ['getblockheader', h, true])));
  return new Map(unique.map((h, i) => [h, headers[i]?.time]));
}

async function load(arg) {
  const { address, position } = parseArg(arg);
  const [valid, tip, balance] = await batch([['validateaddress', address], ['getblockcount'], ['getaddressbalance', { addresses: [address] }]]);
  if (valid instanceof RpcError || !valid.isvalid) throw new PageError('Not an address', `"${address}" is not an address of this network.`);
  if (balance instanceof RpcError) throw balance;
  const pos = position ?? { height: tip + 1, index: 0 };
  const [page, pool, newer] = await Promise.all([
    olderPage(rpc, address, pos),
    position ? [] : rpc('getaddressmempool', { addresses: [address] }).catch(() => []),
    position ? newerPosition(rpc, address, pos, tip) : undefined,
  ]);
  const times = await timesOf(page.txs.map((t) => t.height));
  for (const t of page.txs) t.time = times.get(t.height);
  const unconfirmed = groupByTx(pool).map((t) => ({ ...t, height: undefined }));
  return { address, tip, balance, position, txs: [...unconfirmed, ...page.txs], older: page.older, newer };
}

function txRow(t, tip, now) {
  const dir = direction(t.satoshis);
  const confirmations = t.height === undefined ? 0 : tip - t.height + 1;
  return html`<tr data-txid="${t.txid}" class="dir-${dir}">
    <td>${txLink(t.txid, shortHash(t.txid, 12))}</td>
    <td>${badge(dir === 'in' ? 'in' : dir === 'out' ? 'out' : 'self', dir === 'in' ? 'ok' : dir === 'out' ? 'warn' : 'muted')}</td>
    <td class="num amount">${t.satoshis > 0 ? '+' : ''}${satsToCoins(t.satoshis)}</td>
    <td>${t.time ? when(t.time, now) : '—'}</td>
    <td class="num confirmations">${confirmations === 0 ? badge('unconfirmed', 'warn') : num(confirmations)}</td>
    <td class="num">${t.height === undefined ? 'mempool' : num(t.height)}</td></tr>`;
}

function history({ address, tip, position, txs, older, newer }) {
  const now = Date.now() / 1000;
  const last = txs[txs.length - 1];
  const nav = pager({
    newer: position ? `#/address/${address}${newer ? `/${newer}` : ''}` : undefined,
    latest: position ? `#/address/${address}` : undefined,
    older: older && last?.height !== undefined ? `#/address/${address}/${positionText(last.height, last.blockindex)}` : undefined,
    label: position ? `Older transactions, ${PAGE} a page` : `Newest first, ${PAGE} a page`,
  });
  if (txs.length === 0) return html`<p class="muted">${position ? 'No older transactions.' : 'No transactions yet.'}</p>${position ? nav : ''}`;
  return html`${nav}<table class="list" id="address-txs"><thead><tr><th>Transaction</th><th>Direction</th><th class="num">Amount</th><th>Date</th>
    <th class="num">Confirmations</th><th class="num">Height</th></tr></thead>
    <tbody>${txs.map((t) => txRow(t, tip, now))}</tbody></table>${nav}`;
}

export const address = {
  nav: '',
  title: (arg) => `Address ${shortHash(parseArg(arg).address, 10)}`,
  refreshOn: ['address', 'block', 'reorg'],
  watchAddress: (arg) => parseArg(arg).address,
  load,
  view(data) {
    const { address: a, balance } = data;
    const stat = (label, value, sub) => html`<div class="stat"><div class="label">${label}</div><div class="value">${value}</div><div class="sub">${sub}</div></div>`;
    return html`
      <h1>Address</h1>
      <p class="mono hash-line">${a}</p>
      <div class="stats" id="address-stats">
        ${stat('Balance', satsToCoins(balance.balance), 'confirmed')}
        ${balance.immature !== undefined ? stat('Spendable', satsToCoins(balance.spendable ?? balance.balance - balance.immature), html`${satsToCoins(balance.immature)} immature (coinbase)`) : ''}
        ${stat('Received', satsToCoins(balance.received), 'all time')}
      </div>
      <section class="card"><h2>Transactions</h2>${history(data)}</section>`;
  },
};
