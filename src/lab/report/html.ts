/**
 * report.html: one self-contained page (no scripts, no external styles) with
 * the parameters, the results as a table, the plot inline and a link to its
 * SVG file, and a short explanation.
 */

/** What a report page shows. */
export interface ReportPage {
  title: string;
  /** Parameter name → value. */
  params: Record<string, unknown>;
  /** The result table: a header row's names, then rows of cells. */
  table: { columns: string[]; rows: unknown[][] };
  /** The plot's SVG text and the file name it was also written to. */
  plot: { svg: string; file: string };
  explanation: string;
}

const STYLE = 'body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}'
  + 'table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.25rem .6rem;text-align:right}'
  + 'th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}figure{margin:1rem 0}';

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A cell as text: numbers to 6 significant digits, intervals as [lo, hi]. */
export function formatCell(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  if (Array.isArray(value)) return `[${value.map(formatCell).join(', ')}]`;
  if (value === undefined || value === null) return '';
  return String(value);
}

function tableHtml(columns: readonly string[], rows: readonly unknown[][]): string {
  const head = `<tr>${columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(formatCell(c))}</td>`).join('')}</tr>`).join('\n');
  return `<table>\n${head}\n${body}\n</table>`;
}

/** The whole page. */
export function reportHtml(page: ReportPage): string {
  const params = Object.entries(page.params).map(([k, v]) => [k, v]);
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(page.title)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    `<h1>${escapeHtml(page.title)}</h1>`,
    '<h2>Parameters</h2>',
    tableHtml(['parameter', 'value'], params),
    '<h2>Results</h2>',
    tableHtml(page.table.columns, page.table.rows),
    '<h2>Plot</h2>',
    `<figure>${page.plot.svg}<figcaption><a href="${escapeHtml(page.plot.file)}">${escapeHtml(page.plot.file)}</a></figcaption></figure>`,
    `<p>${escapeHtml(page.explanation)}</p>`,
    '</body></html>',
    '',
  ].join('\n');
}
