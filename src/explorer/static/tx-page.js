// #/tx/<txid>: a transaction, its inputs and outputs, and for students its raw
// bytes, every script with its asm and every witness item with its role.
import { badge, feeRate, more } from './bits.js';
import { addressLink, blockLink, coins, facts, html, num, shortHash, txLink, when } from './format.js';
import { transactionOf } from './lookup.js';
import { anatomy } from './tx-anatomy.js';
import { batch, RpcError } from './rpc.js';
import { readWitness } from './witness.js';

const MAX_ROWS = 300;

/** The outputs the inputs spend, where getrawtransaction did not give them (`prevout`): read from the funding transactions. */
async function addPrevouts(vin) {
  const missing = vin.slice(0, MAX_ROWS).filter((i) => i.coinbase === undefined && !i.prevout);
  const funding = await batch(missing.map((i) => ['getrawtransaction', i.txid, 1]));
  missing.forEach((input, k) => {
    const f = funding[k];
    const out = f instanceof RpcError ? undefined : f?.vout?.[input.vout];
    if (out) input.prevout = { value: out.value, scriptPubKey: out.scriptPubKey };
  });
}

async function load(txid) {
  const t = await transactionOf(txid);
  const confirmed = Boolean(t.blockhash);
  const [extra, ...outs] = await batch([
    confirmed ? ['getblockheader', t.blockhash, true] : ['getmempoolentry', txid],
    ...t.vout.slice(0, MAX_ROWS).map((o) => ['gettxout', txid, o.n, true]),
  ]);
  await addPrevouts(t.vin);
  const ok = !(extra instanceof RpcError);
  return { t, pool: !confirmed && ok ? extra : null, head: confirmed && ok ? extra : null, outs };
}

const scriptBox = (label, spk) => html`<div class="script"><span class="muted">${label}</span>
  <code class="asm">${spk.asm || '(empty)'}</code>
  <div class="small muted">${spk.type ? `type ${spk.type} · ` : ''}${spk.desc ? html`descriptor <span class="mono">${spk.desc}</span> · ` : ''}hex <span class="mono">${spk.hex || '(empty)'}</span></div></div>`;

function witnessList(input) {
  const w = readWitness(input.txinwitness);
  if (w.items.length === 0) return html`<p class="muted small">No witness.</p>`;
  return html`<ol class="witness" start="0" data-path="${w.path}">${w.items.map((item) => html`<li>
    <strong>${item.role}</strong> <span class="muted">${item.bytes} bytes</span>
    ${item.sighash ? html`<div class="sighash" data-sighash="${item.sighash.name ?? 'invalid'}">${item.sighash.name ?? `hash type 0x${item.sighash.byte.toString(16)}`}
      ${item.bytes === 65 ? html`<span class="muted">(last byte 0x${item.sighash.byte.toString(16).padStart(2, '0')})</span>` : html`<span class="muted">(64 bytes: no hash-type byte)</span>`}: signs ${item.sighash.signs}</div>` : ''}
    <div class="mono small hex">${item.hex}</div></li>`)}</ol>`;
}

function inputDetail(i, n) {
  if (i.coinbase !== undefined) {
    return html`<li><h3>Input ${n}: coinbase</h3><div class="script"><span class="muted">coinbase data (starts with the height, BIP34)</span><code class="mono">${i.coinbase}</code></div>${witnessList(i)}</li>`;
  }
  return html`<li><h3>Input ${n}: spends ${txLink(i.txid, `${shortHash(i.txid, 10)}:${i.vout}`)}</h3>
    ${i.prevout ? scriptBox('locking script of the spent output (scriptPubKey)', i.prevout.scriptPubKey) : ''}
    ${scriptBox(i.scriptSig?.hex ? 'scriptSig' : 'scriptSig (empty: a taproot spend unlocks with its witness)', i.scriptSig ?? { asm: '', hex: '' })}
    <div class="muted small">witness (txinwitness), sequence 0x${i.sequence.toString(16)}</div>${witnessList(i)}</li>`;
}

const LEGEND = [['version', 'version'], ['marker', 'segwit marker'], ['count', 'counts and lengths'], ['prevout', 'spent output'], ['script', 'scripts'],
  ['sequence', 'sequence'], ['value', 'amounts'], ['witness', 'witness items'], ['locktime', 'locktime']];

/** The raw hex with each field in a span of its own (the plain hex where it cannot be cut). */
function rawParts(hex) {
  let parts;
  try {
    parts = anatomy(hex);
  } catch {
    return hex;
  }
  return parts.map((p) => html`<span class="seg ${p.field}" data-field="${p.field}" title="${p.label}">${p.hex}</span>`);
}

function studentView(t) {
  return html`<section class="card" id="tx-scripts"><h2>Scripts and witnesses</h2>
    <ol class="io-detail plain">${t.vin.slice(0, MAX_ROWS).map(inputDetail)}</ol>
    <ol class="io-detail plain">${t.vout.slice(0, MAX_ROWS).map((o) => html`<li><h3>Output ${o.n}: ${coins(o.value)}</h3>${scriptBox('scriptPubKey', o.scriptPubKey)}</li>`)}</ol>
  </section>
  <section class="card"><h2>Raw transaction <span class="muted small">${num(t.size)} bytes, as sent over the network (hex); point at a part to see what it is</span></h2>
    <pre class="hex" id="raw-hex">${rawParts(t.hex)}</pre>
    <div class="legend hex-legend">${LEGEND.map(([field, text]) => html`<span><i class="seg ${field}">··</i>${text}</span>`)}</div></section>`;
}

function status(t, head, pool) {
  if (head) return html`${num(t.confirmations)} confirmation${t.confirmations === 1 ? '' : 's'}, in block ${blockLink(t.blockhash, `#${head.height}`)} at ${when(t.blocktime)}`;
  return pool ? html`unconfirmed: in the mempool since ${when(pool.time)}` : 'unconfirmed';
}

export const tx = {
  nav: '',
  title: (txid) => `Transaction ${shortHash(txid)}`,
  refreshOn: ['block', 'reorg', 'txremoved'],
  load,
  view({ t, pool, head, outs }) {
    const coinbase = t.vin[0]?.coinbase !== undefined;
    const fee = t.fee ?? pool?.fees?.base;
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
        ['Status', status(t, head, pool)],
        ['Fee', coinbase ? 'none (a coinbase creates coins)' : fee !== undefined ? html`${coins(fee)} <span class="muted">(${feeRate(fee, t.vsize)})</span>` : undefined],
        ['Size', `${num(t.size)} B, ${num(t.vsize)} vB, ${num(t.weight)} WU`],
        ['Witness txid', t.hash !== t.txid ? html`<span class="mono small">${t.hash}</span>` : undefined],
        ['Version / locktime', `${t.version} / ${t.locktime}`],
      ])}</section>
      <div class="grid2 io">
        <section class="card"><h2>Inputs <span class="muted">${t.vin.length}</span></h2>
          <ol class="io-list" start="0">${t.vin.slice(0, MAX_ROWS).map((i) => (i.coinbase !== undefined
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
      </div>
      ${studentView(t)}`;
  },
};
