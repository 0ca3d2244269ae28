// Small pieces of markup the pages share.
import { html, num } from './format.js';

export const badge = (text, kind = '') => html`<span class="badge ${kind}">${text}</span>`;
export const more = (total, shown) => (total > shown ? html`<p class="muted">Showing ${num(shown)} of ${num(total)}.</p>` : '');
export const feeRate = (feeCoins, vsize) => (typeof feeCoins === 'number' && vsize ? `${((feeCoins * 1e8) / vsize).toFixed(1)} sat/vB` : '—');

/** Newer / latest / older links around a page of a list; a missing link is shown disabled. */
export function pager({ newer, latest, older, label }) {
  const link = (href, text, rel) => (href ? html`<a class="page-link" rel="${rel}" href="${href}">${text}</a>` : html`<span class="page-link disabled">${text}</span>`);
  return html`<div class="pager">${link(newer, '← Newer', 'prev')} ${latest ? link(latest, 'Latest', 'first') : ''} <span class="muted">${label}</span> ${link(older, 'Older →', 'next')}</div>`;
}
