// Tally faucet page: public, no RPC credentials; talks to /faucet/info and /faucet/request only.
import { coins, html, shortHash, when } from './format.js';

const $ = (id) => document.getElementById(id);

/** Seconds in words: "24 h", "1 h 30 min", "10 min". */
function duration(seconds) {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds >= 3600) return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}

function limitsText(l) {
  const perAddress = l.address_interval > 0 ? `one payout per address every ${duration(l.address_interval)}` : 'no limit per address';
  const perIp = l.ip_limit > 0 ? `${l.ip_limit} per computer every ${duration(l.ip_window)}` : 'no limit per computer';
  return `${perAddress}; ${perIp}`;
}

const txLink = (txid) => html`<a class="mono" href="/#/tx/${txid}" title="${txid}">${shortHash(txid, 10)}</a>`;

function payoutsTable(payouts) {
  if (payouts.length === 0) return html`<p class="muted">No payouts yet.</p>`;
  return html`<table class="list payouts"><thead><tr><th>Transaction</th><th>Address</th><th class="num">Amount</th><th>Time</th></tr></thead><tbody>${
    payouts.map((p) => html`<tr><td>${txLink(p.txid)}</td><td class="mono">${p.address}</td><td class="num">${coins(p.amount)}</td><td>${when(p.time)}</td></tr>`)
  }</tbody></table>`;
}

async function load() {
  const res = await fetch('/faucet/info', { headers: { accept: 'application/json' } });
  const info = await res.json();
  if (!res.ok) throw new Error(info.error?.message ?? `The faucet answered ${res.status}`);
  $('network').textContent = info.network;
  $('amount').textContent = coins(info.amount);
  $('balance').textContent = coins(info.balance);
  $('limits').textContent = limitsText(info.limits);
  $('payouts').innerHTML = payoutsTable(info.payouts).text;
}

function show(kind, markup) {
  const box = $('result');
  box.className = kind;
  box.innerHTML = markup.text;
}

async function ask(address) {
  const res = await fetch('/faucet/request', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ address }) });
  const body = await res.json().catch(() => ({ error: { message: `The faucet answered ${res.status}` } }));
  if (!res.ok) return show('error', html`<strong>Not sent.</strong> ${body.error?.message ?? 'The faucet refused.'}`);
  show('sent', html`<strong>Sent ${coins(body.amount)}</strong> to <span class="mono">${body.address}</span> in transaction ${txLink(body.txid)}. It is in the mempool; the next block confirms it.`);
}

async function start() {
  $('faucet-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const button = $('send');
    button.disabled = true;
    ask($('address').value.trim())
      .catch(() => show('error', html`<strong>No answer.</strong> The node did not answer: is it still running?`))
      .then(load)
      .catch((err) => show('error', html`${err.message}`))
      .finally(() => { button.disabled = false; });
  });
  try {
    await load();
  } catch (err) {
    show('error', html`<strong>The faucet is not available.</strong> ${err.message}`);
  }
}

void start();
