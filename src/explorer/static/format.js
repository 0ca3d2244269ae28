// HTML building with escaping, and the formats the pages share.

/** Trusted markup (built by `html`), inserted as is. */
export class Raw {
  constructor(text) { this.text = text; }
  toString() { return this.text; }
}

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (value) => String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);

function part(value) {
  if (value instanceof Raw) return value.text;
  if (Array.isArray(value)) return value.map(part).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(value);
}

/** A tagged template: every interpolated value is escaped unless it is itself `html` (or an array of them). */
export function html(strings, ...values) {
  let out = strings[0];
  values.forEach((v, i) => { out += part(v) + strings[i + 1]; });
  return new Raw(out);
}

/** `0000abcd…89ef`: enough of a hash to tell blocks apart. */
export const shortHash = (hash, n = 8) => (hash && hash.length > 2 * n + 1 ? `${hash.slice(0, n)}…${hash.slice(-n)}` : hash ?? '');

export const blockLink = (hash, text = hash) => html`<a class="mono" href="#/block/${hash}">${text}</a>`;
export const txLink = (txid, text = txid) => html`<a class="mono" href="#/tx/${txid}">${text}</a>`;
export const addressLink = (address, text = address) => html`<a class="mono" href="#/address/${address}">${text}</a>`;

/** Coin amounts (the RPC gives coins as numbers with 8 decimals). */
export const coins = (value) => (typeof value === 'number' ? `${value.toFixed(8).replace(/\.?0+$/, '') || '0'} TLY` : '—');
export const satsToCoins = (sats) => coins(sats / 1e8);
export const num = (n) => (typeof n === 'number' ? n.toLocaleString('en-US') : '—');

/** "12 s ago", "3 min ago", ... for a unix time. */
export function ago(time, now = Date.now() / 1000) {
  const s = Math.max(0, Math.round(now - time));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

export const dateTime = (time) => new Date(time * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');

/** The one time format of every page: `2026-12-06 23:05:12 UTC (3 min ago)`. */
export const when = (time, now) => html`<span class="when" title="unix time ${time}">${dateTime(time)} <span class="muted">(${ago(time, now)})</span></span>`;

const SUPERSCRIPT = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };
const sup = (n) => String(n).replace(/./g, (c) => SUPERSCRIPT[c] ?? c);

/**
 * Chain work (getblock's 64 hex digits, the expected number of hashes behind the chain)
 * in human units: `2.1 × 10⁹ hashes (2^31.0)`, small values as plain numbers.
 */
export function chainWork(hex) {
  const work = BigInt(`0x${hex || '0'}`);
  const bits = work === 0n ? 0 : Math.log2(Number(work));
  if (work < 1_000_000n) return `${num(Number(work))} hashes (2^${bits.toFixed(1)})`;
  const digits = work.toString();
  const exp = digits.length - 1;
  return `${digits[0]}.${digits.slice(1, 3)} × 10${sup(exp)} hashes (2^${bits.toFixed(1)})`;
}

/** A page's failure explained in words: the page shows `title` and `message` instead of the node's error text. */
export class PageError extends Error {
  constructor(title, message) {
    super(message);
    this.title = title;
  }
}

/** A key/value table. Rows whose value is undefined are left out. */
export function facts(rows) {
  return html`<table class="facts">${rows.filter(([, v]) => v !== undefined).map(([k, v]) => html`<tr><th>${k}</th><td>${v}</td></tr>`)}</table>`;
}

export const errorBox = (err) => html`<div class="error"><strong>${err.title ?? 'Error'}</strong> ${err.message ?? String(err)}</div>`;
