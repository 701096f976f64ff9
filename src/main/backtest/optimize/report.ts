/**
 * Reports of a parameter search: the terminal table of the top sets, the JSON
 * (`{ "results": [{ "params", "stats" }] }` best first, plus walk-forward and Monte Carlo when
 * run) and a self-contained HTML page (no script, no external resource) with a heatmap of the
 * objective over two grid parameters (the best value over the other axes in each cell).
 */
import { escapeHtml, fmtNumber, fmtPercent, fmtTime } from '../report';
import type { GridAxis } from './grid';
import type { OptimizeOutcome, RankedSet } from './optimize';

function paramText(p: RankedSet['params']): string {
  return Object.entries(p).map(([k, v]) => `${k}=${String(v)}`).join(' ');
}

function num(v: number | null, d = 3): string {
  return v === null ? 'n/a' : fmtNumber(v, d);
}

/** The top `top` sets as a text table. */
export function formatOptimizeTable(o: OptimizeOutcome, top = 10): string {
  const rows = o.results.slice(0, top).map((r, i) => [String(i + 1), paramText(r.params), num(r.score), fmtPercent(r.stats.totalReturn), num(r.stats.sharpe, 2), fmtPercent(r.stats.maxDrawdown), String(r.stats.trades)]);
  const head = ['#', 'params', o.objective, 'return', 'sharpe', 'max dd', 'trades'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] as string).length)));
  const line = (cells: readonly string[]): string => cells.map((s, c) => (c === 1 ? s.padEnd(widths[c] as number) : s.padStart(widths[c] as number))).join('  ');
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  const wf = o.walkForward;
  if (wf) {
    out.push('', `walk-forward, ${wf.folds.length} folds (in-sample best → next window out-of-sample):`);
    wf.folds.forEach((f, i) => out.push(`  ${i + 1}. ${fmtTime(f.outOfSample.from)} → ${fmtTime(f.outOfSample.to)}  ${paramText(f.params)}  in-sample ${o.objective} ${num(f.inSampleScore)}  out-of-sample ${num(f.outOfSampleScore)}  return ${fmtPercent(f.outOfSampleStats.totalReturn)}`));
    out.push(`  stitched out-of-sample: return ${fmtPercent(wf.totalReturn)}, max drawdown ${fmtPercent(wf.maxDrawdown)}`);
  }
  const mc = o.monteCarlo;
  if (mc) {
    out.push('', `Monte Carlo of trade order (best set, ${mc.trades} trades, ${mc.runs} runs, seed ${mc.seed}): max drawdown p50 ${fmtPercent(mc.maxDrawdown.p50)}, p95 ${fmtPercent(mc.maxDrawdown.p95)}, p99 ${fmtPercent(mc.maxDrawdown.p99)}, worst ${fmtPercent(mc.maxDrawdown.worst)}; actual order ${fmtPercent(mc.actualMaxDrawdown)} (${fmtPercent(mc.worseThanActual, 0)} of runs deeper)`);
  }
  return out.join('\n');
}

/** The JSON report: results best first, then what else was run. */
export function optimizeJson(o: OptimizeOutcome): string {
  const body = {
    objective: o.objective,
    instrument: o.instrument.id,
    timeframeMs: o.timeframeMs,
    bars: o.bars,
    results: o.results.map((r) => ({ params: r.params, score: r.score, stats: r.stats })),
    skipped: o.skipped,
    failed: o.failed,
    ...(o.walkForward ? { walkForward: o.walkForward } : {}),
    ...(o.monteCarlo ? { monteCarlo: { ...o.monteCarlo, distribution: undefined } } : {}),
    barEvaluations: o.barEvaluations,
    elapsedMs: o.elapsedMs,
  };
  return `${JSON.stringify(body, null, 1)}\n`;
}

/** The heatmap's cells: the best score over the other axes for each (x, y) value pair. */
export function heatmapCells(o: OptimizeOutcome, x: GridAxis, y: GridAxis): (number | null)[][] {
  const cells: (number | null)[][] = y.values.map(() => x.values.map(() => null));
  for (const r of o.results) {
    const xi = x.values.findIndex((v) => String(v) === String(r.params[x.name]));
    const yi = y.values.findIndex((v) => String(v) === String(r.params[y.name]));
    if (xi < 0 || yi < 0 || r.score === null) continue;
    const row = cells[yi] as (number | null)[];
    const cur = row[xi] ?? null;
    if (cur === null || r.score > cur) row[xi] = r.score;
  }
  return cells;
}

function color(v: number | null, lo: number, hi: number): string {
  if (v === null) return '#eee';
  const t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
  // Red (worst) → yellow → green (best).
  const hue = Math.round(t * 120);
  return `hsl(${hue} 70% 60%)`;
}

export function renderOptimizeHtml(o: OptimizeOutcome, opts: { readonly title?: string; readonly subtitle?: string; readonly top?: number } = {}): string {
  const title = opts.title ?? 'LIBRA optimisation';
  const parts: string[] = [];
  const [x, y] = o.axes;
  if (x && y) {
    const cells = heatmapCells(o, x, y);
    const vals = cells.flat().filter((v): v is number => v !== null);
    const lo = Math.min(...vals);
    const hi = Math.max(...vals);
    const headRow = `<tr><th>${escapeHtml(y.name)} \\ ${escapeHtml(x.name)}</th>${x.values.map((v) => `<th>${escapeHtml(String(v))}</th>`).join('')}</tr>`;
    const body = cells.map((row, yi) => `<tr><th>${escapeHtml(String(y.values[yi]))}</th>${row.map((v) => `<td style="background:${color(v, lo, hi)}" title="${escapeHtml(num(v))}">${escapeHtml(num(v, 2))}</td>`).join('')}</tr>`).join('\n');
    parts.push(`<h2>${escapeHtml(o.objective)} over ${escapeHtml(x.name)} × ${escapeHtml(y.name)}</h2>`, `<table class="heat">${headRow}\n${body}</table>`);
  } else {
    parts.push('<p>One grid parameter: no heatmap (give two --grid flags for one).</p>');
  }
  const top = o.results.slice(0, opts.top ?? 50);
  parts.push(
    `<h2>Top ${top.length} of ${o.results.length} sets</h2>`,
    `<table><tr><th>#</th><th>params</th><th>${escapeHtml(o.objective)}</th><th>return</th><th>CAGR</th><th>sharpe</th><th>sortino</th><th>max dd</th><th>trades</th><th>win rate</th><th>profit factor</th></tr>`,
    ...top.map((r, i) => `<tr><td>${i + 1}</td><td>${escapeHtml(paramText(r.params))}</td><td>${num(r.score)}</td><td>${fmtPercent(r.stats.totalReturn)}</td><td>${fmtPercent(r.stats.cagr)}</td><td>${num(r.stats.sharpe, 2)}</td><td>${num(r.stats.sortino, 2)}</td><td>${fmtPercent(r.stats.maxDrawdown)}</td><td>${r.stats.trades}</td><td>${fmtPercent(r.stats.winRate)}</td><td>${num(r.stats.profitFactor, 2)}</td></tr>`),
    '</table>',
  );
  const wf = o.walkForward;
  if (wf) {
    parts.push(
      `<h2>Walk-forward (${wf.folds.length} folds)</h2><p>Stitched out-of-sample return ${fmtPercent(wf.totalReturn)}, max drawdown ${fmtPercent(wf.maxDrawdown)}.</p>`,
      '<table><tr><th>fold</th><th>in-sample</th><th>out-of-sample</th><th>params</th><th>in-sample score</th><th>out-of-sample score</th><th>out-of-sample return</th></tr>',
      ...wf.folds.map((f, i) => `<tr><td>${i + 1}</td><td>${fmtTime(f.inSample.from)} → ${fmtTime(f.inSample.to)}</td><td>${fmtTime(f.outOfSample.from)} → ${fmtTime(f.outOfSample.to)}</td><td>${escapeHtml(paramText(f.params))}</td><td>${num(f.inSampleScore)}</td><td>${num(f.outOfSampleScore)}</td><td>${fmtPercent(f.outOfSampleStats.totalReturn)}</td></tr>`),
      '</table>',
    );
  }
  const mc = o.monteCarlo;
  if (mc) {
    parts.push(`<h2>Monte Carlo of trade order</h2><p>${mc.runs} shuffles of the best set's ${mc.trades} trades (seed ${mc.seed}). Max drawdown: p5 ${fmtPercent(mc.maxDrawdown.p5)}, median ${fmtPercent(mc.maxDrawdown.p50)}, p95 ${fmtPercent(mc.maxDrawdown.p95)}, p99 ${fmtPercent(mc.maxDrawdown.p99)}, worst ${fmtPercent(mc.maxDrawdown.worst)}; in the real order ${fmtPercent(mc.actualMaxDrawdown)}.</p>`);
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>body{font:14px system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0 24px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f4f4f4}.heat td{min-width:48px;text-align:center}</style>
</head><body><h1>${escapeHtml(title)}</h1>${opts.subtitle ? `<p>${escapeHtml(opts.subtitle)}</p>` : ''}
<p>${o.results.length} sets over ${o.bars} bars of ${escapeHtml(o.instrument.id)}, ranked by ${escapeHtml(o.objective)}; ${o.skipped.length} refused by the strategy, ${o.failed.length} failed; ${o.barEvaluations} bar evaluations in ${fmtNumber(o.elapsedMs / 1000, 1)} s on ${o.workers} worker(s).</p>
${parts.join('\n')}
</body></html>
`;
}
