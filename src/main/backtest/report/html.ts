/**
 * The self-contained HTML report: one file, no script, no external resource (so it opens from
 * disk, attaches to an e-mail, and cannot phone home). Charts are inline SVG drawn here.
 *
 * Size: an equity curve of 1 M points is reduced to at most two points (the min and the max,
 * in time order) per horizontal pixel before drawing, so the page stays ~100 KB whatever the
 * backtest length; drawdown is computed on the full curve first, then reduced the same way, so
 * the deepest trough is always drawn. The trades table is capped (first and last rows kept).
 * Every string that reaches the page goes through escapeHtml.
 */
import { moneyDecimals } from '../../../shared/messages/report';
import { statRows, fmtAxis, fmtDecimal, fmtNumber, fmtTime } from './format';
import { monthlyReturns } from './monthly';
import type { EquityPoint, ReportInput, ReportStats } from './types';

export interface HtmlReportOptions {
  readonly title?: string;
  /** A line under the title, e.g. strategy, instrument and parameters. */
  readonly subtitle?: string;
  /** Chart width in px, also the number of downsampling buckets (default 1100). */
  readonly chartWidth?: number;
  /** Trades shown in the table; beyond, the first and last halves are shown (default 1000). */
  readonly maxTradeRows?: number;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/**
 * Keeps, for each of `buckets` equal time slices, the lowest and the highest point (in time
 * order), plus the first and last points of the curve. Curves already small are returned as is.
 */
export function downsampleMinMax(points: readonly EquityPoint[], buckets: number): EquityPoint[] {
  const n = points.length;
  if (n <= 2 * buckets + 2 || buckets < 1) return points.slice();
  const t0 = (points[0] as EquityPoint)[0];
  const span = (points[n - 1] as EquityPoint)[0] - t0 || 1;
  const out: EquityPoint[] = [points[0] as EquityPoint];
  let bucket = -1;
  let lo: EquityPoint | undefined;
  let hi: EquityPoint | undefined;
  const flush = (): void => {
    if (!lo || !hi) return;
    if (lo === hi) out.push(lo);
    else if (lo[0] <= hi[0]) out.push(lo, hi);
    else out.push(hi, lo);
  };
  for (let i = 1; i < n - 1; i++) {
    const p = points[i] as EquityPoint;
    const b = Math.min(buckets - 1, Math.floor(((p[0] - t0) / span) * buckets));
    if (b !== bucket) {
      flush();
      bucket = b;
      lo = p;
      hi = p;
    } else {
      if (p[1] < (lo as EquityPoint)[1]) lo = p;
      if (p[1] > (hi as EquityPoint)[1]) hi = p;
    }
  }
  flush();
  out.push(points[n - 1] as EquityPoint);
  return out;
}

/** Drawdown curve (0 or negative fractions) of an equity curve. */
export function drawdownCurve(points: readonly EquityPoint[]): EquityPoint[] {
  let peak = Number.NEGATIVE_INFINITY;
  return points.map(([t, v]) => {
    peak = Math.max(peak, v);
    return [t, peak > 0 ? v / peak - 1 : 0] as const;
  });
}

/** About `count` round tick values covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag);
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

interface ChartSpec {
  readonly points: readonly EquityPoint[];
  readonly width: number;
  readonly height: number;
  readonly t0: number;
  readonly t1: number;
  readonly yFormat: (v: number) => string;
  readonly kind: 'line' | 'area';
  readonly baseline?: number;
  readonly label: string;
  /** A second line (the buy-and-hold benchmark), drawn dashed. */
  readonly extra?: readonly EquityPoint[];
  /** More lines (indicators over the price), each in its own colour. */
  readonly lines?: readonly (readonly EquityPoint[])[];
  /** Entries (▲) and exits (▼) on a price line. */
  readonly markers?: readonly { readonly t: number; readonly v: number; readonly kind: 'entry' | 'exit' }[];
}

const M = { left: 84, right: 16, top: 12, bottom: 28 };

function chartSvg(c: ChartSpec): string {
  const pw = c.width - M.left - M.right;
  const ph = c.height - M.top - M.bottom;
  let vmin = Number.POSITIVE_INFINITY;
  let vmax = Number.NEGATIVE_INFINITY;
  for (const [, v] of [...c.points, ...(c.extra ?? []), ...(c.lines ?? []).flat()]) {
    vmin = Math.min(vmin, v);
    vmax = Math.max(vmax, v);
  }
  if (c.baseline !== undefined) {
    vmin = Math.min(vmin, c.baseline);
    vmax = Math.max(vmax, c.baseline);
  }
  if (!(vmax > vmin)) {
    const pad = Math.abs(vmax) * 0.01 || 1;
    vmin -= pad;
    vmax += pad;
  }
  const span = c.t1 - c.t0 || 1;
  const x = (t: number): number => M.left + ((t - c.t0) / span) * pw;
  const y = (v: number): number => M.top + ((vmax - v) / (vmax - vmin)) * ph;
  const r = (n: number): string => n.toFixed(1);
  const parts: string[] = [];
  parts.push(`<svg class="chart" viewBox="0 0 ${c.width} ${c.height}" role="img" aria-label="${escapeHtml(c.label)}" xmlns="http://www.w3.org/2000/svg">`);
  for (const v of niceTicks(vmin, vmax, c.height > 200 ? 6 : 4)) {
    parts.push(`<line class="grid" x1="${M.left}" x2="${c.width - M.right}" y1="${r(y(v))}" y2="${r(y(v))}"/><text class="ylab" x="${M.left - 6}" y="${r(y(v) + 4)}">${escapeHtml(c.yFormat(v))}</text>`);
  }
  const xticks = 6;
  const withTime = span < 3 * 86_400_000;
  for (let i = 0; i <= xticks; i++) {
    const t = c.t0 + (span * i) / xticks;
    // Interior labels on the minute: a sixth of 2d 11h 19m is not a time anyone reads to the second.
    const label = withTime ? fmtTime(i === 0 || i === xticks ? Math.round(t) : Math.round(t / 60_000) * 60_000) : new Date(t).toISOString().slice(0, 10);
    const anchor = i === 0 ? 'start' : i === xticks ? 'end' : 'middle';
    parts.push(`<text class="xlab" text-anchor="${anchor}" x="${r(x(t))}" y="${c.height - 8}">${escapeHtml(label)}</text>`);
  }
  if (c.baseline !== undefined) parts.push(`<line class="base" x1="${M.left}" x2="${c.width - M.right}" y1="${r(y(c.baseline))}" y2="${r(y(c.baseline))}"/>`);
  if (c.points.length > 0) {
    const d = c.points.map(([t, v], i) => `${i === 0 ? 'M' : 'L'}${r(x(t))} ${r(y(v))}`).join('');
    if (c.kind === 'area') {
      const z = r(y(0));
      const first = c.points[0] as EquityPoint;
      const last = c.points[c.points.length - 1] as EquityPoint;
      parts.push(`<path class="area" d="M${r(x(first[0]))} ${z}${d.replace(/^M/, 'L')}L${r(x(last[0]))} ${z}Z"/>`);
    } else parts.push(`<path class="line" d="${d}"/>`);
  }
  if (c.extra && c.extra.length > 0) {
    parts.push(`<path class="line2" d="${c.extra.map(([t, v], i) => `${i === 0 ? 'M' : 'L'}${r(x(t))} ${r(y(v))}`).join('')}"/>`);
  }
  (c.lines ?? []).forEach((line, i) => {
    if (line.length > 0) parts.push(`<path class="ind ind${i % 4}" d="${line.map(([t, v], j) => `${j === 0 ? 'M' : 'L'}${r(x(t))} ${r(y(v))}`).join('')}"/>`);
  });
  for (const m of c.markers ?? []) {
    const px = x(m.t);
    const py = y(m.v);
    parts.push(m.kind === 'entry' ? `<path class="entry" d="M${r(px)} ${r(py)}l-4 7h8z"/>` : `<path class="exit" d="M${r(px)} ${r(py)}l-4 -7h8z"/>`);
  }
  parts.push(`<rect class="frame" x="${M.left}" y="${M.top}" width="${pw}" height="${ph}"/></svg>`);
  return parts.join('');
}

const CSS = `
:root{color-scheme:light;--fg:#1d2330;--muted:#667085;--line:#2563eb;--dd:#dc2626;--grid:#e5e7eb;--pos:#15803d;--neg:#b91c1c}
*{box-sizing:border-box}body{margin:0;padding:24px 32px;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}.sub{color:var(--muted);margin:0 0 16px}
.chart{width:100%;height:auto;display:block}.grid{stroke:var(--grid);stroke-width:1}.base{stroke:#9ca3af;stroke-dasharray:4 4}
.frame{fill:none;stroke:#d1d5db}.line{fill:none;stroke:var(--line);stroke-width:1.5;stroke-linejoin:round}
.area{fill:rgba(220,38,38,.25);stroke:var(--dd);stroke-width:1}.ylab{font-size:11px;fill:var(--muted);text-anchor:end}.xlab{font-size:11px;fill:var(--muted)}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}td,th{padding:3px 10px;border-bottom:1px solid var(--grid);text-align:right;white-space:nowrap}
th{background:#f9fafb;font-weight:600}td:first-child,th:first-child{text-align:left}.stats td:first-child{color:var(--muted)}
.stats{float:left;margin-right:32px}.pos{color:var(--pos)}.neg{color:var(--neg)}.note{color:var(--muted);font-size:12px}
.trades{clear:both;padding-top:12px}.line2{fill:none;stroke:#9ca3af;stroke-width:1.2;stroke-dasharray:5 3}
.ind{fill:none;stroke-width:1}.ind0{stroke:#f59e0b}.ind1{stroke:#8b5cf6}.ind2{stroke:#06b6d4}.ind3{stroke:#ec4899}.entry{fill:#16a34a}.exit{fill:#dc2626}.warn{background:#fef3c7;border:1px solid #f59e0b;padding:8px 12px;border-radius:4px}.legend{color:var(--muted);font-size:12px;margin:0}.wrap{overflow-x:auto}footer{margin-top:24px;color:var(--muted);font-size:12px}
`;

export function renderReportHtml(input: ReportInput, stats: ReportStats, opts: HtmlReportOptions = {}): string {
  const width = Math.max(200, Math.round(opts.chartWidth ?? 1100));
  const buckets = width - M.left - M.right;
  const title = opts.title ?? 'Backtest report';
  const equity = downsampleMinMax(input.equity, buckets);
  const dd = downsampleMinMax(drawdownCurve(input.equity), buckets);
  const first = input.equity[0];
  const last = input.equity[input.equity.length - 1];
  const t0 = first ? first[0] : stats.startTime;
  const t1 = last ? last[0] : stats.endTime;

  const statsRows = statRows(stats)
    .map(([l, v]) => `<tr><td>${escapeHtml(l)}</td><td>${escapeHtml(v)}</td></tr>`)
    .join('');

  const body: string[] = [];
  body.push(`<h1>${escapeHtml(title)}</h1>`);
  if (opts.subtitle) body.push(`<p class="sub">${escapeHtml(opts.subtitle)}</p>`);
  const warning = input.orderIssues?.warning;
  if (warning) body.push(`<p class="warn">Warning: ${escapeHtml(warning)}</p>`);
  if (input.equity.length === 0) body.push('<p class="note">No equity data.</p>');
  else {
    const bench = input.benchmark ? downsampleMinMax(input.benchmark.equity, buckets) : undefined;
    const legend = bench ? '<p class="legend">solid: strategy · dashed: buy-and-hold</p>' : '';
    body.push(`<h2>Equity</h2>${legend}${chartSvg({ points: equity, width, height: 340, t0, t1, yFormat: fmtAxis, kind: 'line', baseline: input.initialCapital, label: 'Equity curve', ...(bench ? { extra: bench } : {}) })}`);
    if (input.prices && input.prices.length > 0) body.push(priceChart(input, width, buckets, t0, t1));
    body.push(`<h2>Drawdown</h2>${chartSvg({ points: dd, width, height: 170, t0, t1, yFormat: (v) => `${fmtNumber(v * 100, Math.abs(v) < 0.1 && v !== 0 ? 1 : 0)} %`, kind: 'area', label: 'Drawdown' })}`);
    if (equity.length < input.equity.length) body.push(`<p class="note">Charts drawn from ${fmtNumber(equity.length, 0)} of ${fmtNumber(input.equity.length, 0)} equity points (min/max per pixel).</p>`);
  }
  body.push(`<h2>Statistics</h2><table class="stats"><tbody>${statsRows}</tbody></table>${benchmarkTable(input)}`);
  body.push(monthlyTable(input));
  body.push(ordersSection(input));
  body.push(tradesTable(input, opts.maxTradeRows ?? 1000));
  body.push(`<footer>Generated by LIBRA. Times in UTC.</footer>`);

  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title><style>${CSS}</style></head>
<body>${body.join('\n')}</body></html>
`;
}

function tradesTable(input: ReportInput, maxRows: number): string {
  const trades = input.trades;
  const head = '<tr><th>#</th><th>Side</th><th>Entry time</th><th>Exit time</th><th>Quantity</th><th>Entry price</th><th>Exit price</th><th>P&amp;L</th><th>Fees</th></tr>';
  const d = moneyDecimals(input.initialCapital);
  const row = (i: number): string => {
    const t = trades[i];
    if (!t) return '';
    const cls = t.pnl > 0 ? 'pos' : t.pnl < 0 ? 'neg' : '';
    return `<tr><td>${i + 1}</td><td>${escapeHtml(t.side)}</td><td>${escapeHtml(fmtTime(t.entryTime))}</td><td>${t.exitTime === null ? 'open' : escapeHtml(fmtTime(t.exitTime))}</td><td>${escapeHtml(fmtDecimal(t.quantity))}</td><td>${escapeHtml(fmtDecimal(t.entryPrice))}</td><td>${escapeHtml(fmtDecimal(t.exitPrice))}</td><td class="${cls}">${escapeHtml(fmtNumber(t.pnl, d))}</td><td>${escapeHtml(fmtNumber(t.fees, d))}</td></tr>`;
  };
  const rows: string[] = [];
  let note = '';
  if (trades.length <= maxRows) for (let i = 0; i < trades.length; i++) rows.push(row(i));
  else {
    const half = Math.floor(maxRows / 2);
    for (let i = 0; i < half; i++) rows.push(row(i));
    rows.push(`<tr><td colspan="9" class="note">… ${fmtNumber(trades.length - 2 * half, 0)} trades not shown (see the JSON report) …</td></tr>`);
    for (let i = trades.length - half; i < trades.length; i++) rows.push(row(i));
    note = `<p class="note">Showing the first and last ${half} of ${fmtNumber(trades.length, 0)} trades.</p>`;
  }
  if (trades.length === 0) return '<div class="trades"><h2>Trades</h2><p class="note">No trades.</p></div>';
  return `<div class="trades"><h2>Trades</h2>${note}<div class="wrap"><table><thead>${head}</thead><tbody>${rows.join('')}</tbody></table></div></div>`;
}

const MAX_MARKERS = 2000;

function priceChart(input: ReportInput, width: number, buckets: number, t0: number, t1: number): string {
  const prices = downsampleMinMax(input.prices ?? [], buckets);
  const markers: { t: number; v: number; kind: 'entry' | 'exit' }[] = [];
  for (const t of input.trades) {
    if (markers.length >= MAX_MARKERS) break;
    markers.push({ t: t.entryTime, v: t.entryPrice, kind: 'entry' });
    if (t.exitTime !== null && t.exitPrice !== null) markers.push({ t: t.exitTime, v: t.exitPrice, kind: 'exit' });
  }
  const sym = input.instrument ? ` — ${escapeHtml(input.instrument.symbol)}` : '';
  const capped = input.trades.length * 2 > MAX_MARKERS ? `<p class="note">Markers of the first ${MAX_MARKERS / 2} trades.</p>` : '';
  const inds = input.indicators ?? [];
  const colours = ['orange', 'violet', 'cyan', 'pink'];
  const legend = ['close', ...inds.map((l, i) => `${escapeHtml(l.name)} (${colours[i % 4] ?? ''})`), '▲ entry', '▼ exit'].join(' · ');
  const lines = inds.map((l) => downsampleMinMax(l.points, buckets));
  return `<h2>Price${sym}</h2><p class="legend">${legend}</p>${chartSvg({ points: prices, width, height: 300, t0, t1, yFormat: fmtAxis, kind: 'line', label: 'Price with the strategy indicators, entries and exits', markers, lines })}${capped}`;
}

function benchmarkTable(input: ReportInput): string {
  const b = input.benchmark;
  if (!b) return '';
  const pct = (v: number | null): string => (v === null ? 'n/a' : `${fmtNumber(v * 100)} %`);
  const rows: [string, string][] = [
    ['Final equity', fmtNumber(b.finalEquity, moneyDecimals(input.initialCapital))],
    ['Total return', pct(b.totalReturn)],
    ['CAGR', pct(b.cagr)],
    ['Sharpe ratio', b.sharpe === null ? 'n/a' : fmtNumber(b.sharpe, 2)],
    ['Max drawdown', pct(b.maxDrawdown === 0 ? 0 : -b.maxDrawdown)],
  ];
  return `<table class="stats"><thead><tr><th colspan="2">Buy and hold</th></tr></thead><tbody>${rows.map(([l, v]) => `<tr><td>${escapeHtml(l)}</td><td>${escapeHtml(v)}</td></tr>`).join('')}</tbody></table>`;
}

function monthlyTable(input: ReportInput): string {
  const months = monthlyReturns(input.equity, input.initialCapital);
  if (months.length === 0) return '';
  const byYear = new Map<string, Map<number, number>>();
  for (const m of months) {
    const [y, mm] = m.month.split('-');
    const row = byYear.get(y as string) ?? new Map<number, number>();
    row.set(Number(mm), m.return);
    byYear.set(y as string, row);
  }
  const names = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const cell = (v: number | undefined): string => (v === undefined ? '<td></td>' : `<td class="${v > 0 ? 'pos' : v < 0 ? 'neg' : ''}">${escapeHtml(fmtNumber(v * 100, 1))}</td>`);
  const rows = [...byYear].map(([y, row]) => {
    let year = 1;
    for (const v of row.values()) year *= 1 + v;
    return `<tr><td>${escapeHtml(y)}</td>${names.map((_, i) => cell(row.get(i + 1))).join('')}${cell(year - 1)}</tr>`;
  });
  return `<div class="trades"><h2>Monthly returns (%)</h2><div class="wrap"><table><thead><tr><th>Year</th>${names.map((n) => `<th>${n}</th>`).join('')}<th>Year</th></tr></thead><tbody>${rows.join('')}</tbody></table></div></div>`;
}

const MAX_ISSUE_ROWS = 200;

function ordersSection(input: ReportInput): string {
  const o = input.orderIssues;
  if (!o) return '';
  const head = `<p>${fmtNumber(o.orders, 0)} orders: ${fmtNumber(o.cancelled, 0)} cancelled, ${fmtNumber(o.rejected, 0)} rejected, ${fmtNumber(o.denied, 0)} denied by the risk gate.</p>`;
  if (o.list.length === 0) return `<div class="trades"><h2>Orders</h2>${head}</div>`;
  const rows = o.list
    .slice(0, MAX_ISSUE_ROWS)
    .map((i) => `<tr><td>${escapeHtml(fmtTime(i.time))}</td><td>${escapeHtml(i.clientOrderId)}</td><td>${escapeHtml(i.side)}</td><td>${escapeHtml(i.status)}</td><td style="text-align:left">${escapeHtml(i.reason)}</td></tr>`)
    .join('');
  const more = o.list.length > MAX_ISSUE_ROWS ? `<p class="note">First ${MAX_ISSUE_ROWS} shown; the JSON report lists up to ${o.list.length}.</p>` : '';
  return `<div class="trades"><h2>Orders</h2>${head}<div class="wrap"><table><thead><tr><th>Time</th><th>Order</th><th>Side</th><th>Status</th><th>Reason</th></tr></thead><tbody>${rows}</tbody></table></div>${more}</div>`;
}
