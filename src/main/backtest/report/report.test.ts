/**
 * Report tests on small equity curves whose statistics are worked out by hand in the comments.
 */
import { describe, expect, it } from 'vitest';
import type { EquityPoint, ReportInput, ReportJson, ReportTrade } from './index';
import { moneyDecimals } from '../../../shared/messages/report';
import { fmtAxis } from './format';
import { computeStats, downsampleMinMax, drawdownCurve, escapeHtml, fmtNumber, formatReportTable, niceTicks, renderReportHtml, reportJsonString } from './index';

const D = 86_400_000;
const curve = (...values: number[]): EquityPoint[] => values.map((v, i) => [i * D, v] as const);
const input = (equity: EquityPoint[], trades: ReportTrade[] = [], extra: Partial<ReportInput> = {}): ReportInput => ({
  initialCapital: 100,
  trades,
  equity,
  feesPaid: 1.5,
  startTime: 0,
  endTime: equity.length * D,
  timeframeMs: D,
  ...extra,
});
const trade = (entryTime: number, exitTime: number | null, pnl: number): ReportTrade => ({ entryTime, exitTime, side: 'LONG', quantity: 1, entryPrice: 100, exitPrice: exitTime === null ? null : 100 + pnl, pnl, fees: 0.1 });

describe('computeStats', () => {
  // Equity 100 → 110 → 99 → 108.9: returns +10 %, −10 %, +10 %.
  //   mean = 0.1/3; sample sd = √((2·(0.2/3)² + (0.4/3)²)/2) = 0.2/√3, so mean/sd = √3/6.
  //   downside deviation = √(0.1²/3) = 0.1/√3, so mean/DD = √3/3. Daily bars: × √365.
  //   Max drawdown: peak 110 (day 1) → trough 99 (day 2) = 10 %; never regained → to day 3: 2 days.
  const s = computeStats(input(curve(100, 110, 99, 108.9)));

  it('returns, CAGR', () => {
    expect(s.finalEquity).toBe(108.9);
    expect(s.totalReturn).toBeCloseTo(0.089, 12);
    expect(s.cagr).toBeCloseTo(1.089 ** (365 / 3) - 1, 9);
  });

  it('Sharpe and Sortino', () => {
    expect(s.sharpe).toBeCloseTo((Math.sqrt(3) / 6) * Math.sqrt(365), 10);
    expect(s.sortino).toBeCloseTo((Math.sqrt(3) / 3) * Math.sqrt(365), 10);
  });

  it('max drawdown and its duration (not recovered → to the end)', () => {
    expect(s.maxDrawdown).toBeCloseTo(0.1, 12);
    expect(s.maxDrawdownPeakTime).toBe(D);
    expect(s.maxDrawdownTroughTime).toBe(2 * D);
    expect(s.maxDrawdownRecoveryTime).toBeNull();
    expect(s.maxDrawdownDurationMs).toBe(2 * D);
  });

  it('drawdown duration ends at recovery; the deepest drawdown is the one reported', () => {
    // 100 → 110 → 99 (−10 %) → 110 (recovered day 3) → 120 → 90 (−25 %, from day 4) → 95.
    const r = computeStats(input(curve(100, 110, 99, 110, 120, 90, 95)));
    expect(r.maxDrawdown).toBeCloseTo(0.25, 12);
    expect(r.maxDrawdownPeakTime).toBe(4 * D);
    expect(r.maxDrawdownDurationMs).toBe(2 * D);
    const first = computeStats(input(curve(100, 110, 99, 110, 111)));
    expect(first.maxDrawdownRecoveryTime).toBe(3 * D);
    expect(first.maxDrawdownDurationMs).toBe(2 * D);
  });

  it('hourly bars annualise by 8760 periods', () => {
    const h = computeStats(input(curve(100, 110, 99, 108.9), [], { timeframeMs: 3_600_000 }));
    expect(h.sharpe).toBeCloseTo((Math.sqrt(3) / 6) * Math.sqrt(8760), 10);
  });

  it('trade statistics use closed trades; open trades are counted apart', () => {
    // Closed pnl 10, −5, 20 → win rate 2/3, profit factor 30/5 = 6, avg 25/3, best 20, worst −5.
    const r = computeStats(input(curve(100, 101, 102, 103), [trade(D, 2 * D, 10), trade(0, D, -5), trade(2 * D, 3 * D, 20), trade(3 * D, null, 3)]));
    expect(r).toMatchObject({ trades: 4, closedTrades: 3, openTrades: 1, grossProfit: 30, grossLoss: 5, profitFactor: 6, bestTradePnl: 20, worstTradePnl: -5 });
    expect(r.winRate).toBeCloseTo(2 / 3, 12);
    expect(r.avgTradePnl).toBeCloseTo(25 / 3, 12);
  });

  it('profit factor is null without losses; win rate null without closed trades', () => {
    expect(computeStats(input(curve(100, 101), [trade(0, D, 1)])).profitFactor).toBeNull();
    const none = computeStats(input(curve(100, 101), [trade(0, null, 1)]));
    expect(none.winRate).toBeNull();
    expect(none.profitFactor).toBeNull();
    expect(formatReportTable(computeStats(input(curve(100, 101), [trade(0, D, 1)])))).toContain('n/a (no losses)');
  });

  it('exposure: from the runner when given, else equity points inside a trade', () => {
    // Points at days 0..3; trade A [1, 2) covers day 1; trade B from day 3 (open) covers day 3 → 2/4.
    const r = computeStats(input(curve(100, 101, 102, 103), [trade(D, 2 * D, 1), trade(3 * D, null, 1)]));
    expect(r.exposure).toBe(0.5);
    expect(computeStats(input(curve(100, 101), [], { exposureBars: 3, bars: 10 })).exposure).toBe(0.3);
  });

  it('degenerate curves: empty, flat, never up', () => {
    const e = computeStats(input([]));
    expect(e).toMatchObject({ finalEquity: 100, totalReturn: 0, cagr: null, sharpe: null, sortino: null, maxDrawdown: 0, maxDrawdownDurationMs: 0, exposure: null });
    const flat = computeStats(input(curve(100, 100, 100)));
    expect(flat).toMatchObject({ sharpe: null, sortino: null, maxDrawdown: 0, cagr: 0 });
    const up = computeStats(input(curve(100, 101, 102.01)));
    expect(up.sharpe).toBeNull(); // identical returns: zero volatility
    expect(up.sortino).toBeNull(); // no down period
    expect(computeStats(input(curve(100, 50, 0))).cagr).toBe(-1);
  });
});

describe('formatting', () => {
  it('numbers are locale-independent', () => {
    expect(fmtNumber(1234567.891)).toBe('1,234,567.89');
    expect(fmtNumber(-0.001)).toBe('0.00');
    expect(fmtNumber(-1500, 0)).toBe('-1,500');
  });

  it('money at the account\'s scale: a 1-ETH account\'s trade of −0.0016 is not −0.00; prices on axes keep their digits', () => {
    expect([10_000, 100, 99, 1, 0.5, 0.01, 1e-9, 0, NaN].map(moneyDecimals)).toEqual([2, 2, 3, 4, 5, 6, 8, 2, 2]);
    const eth = { ...input(curve(1, 0.9984), [trade(0, D, -0.0016)]), initialCapital: 1, feesPaid: 0.0002 };
    const table = formatReportTable(computeStats(eth));
    expect(table).toMatch(/Initial capital\s+:\s+1\.0000 \|/);
    expect(table).toMatch(/Avg trade P&L\s+:\s+-0\.0016 \|/);
    expect(table).toMatch(/Fees paid\s+:\s+0\.0002 \|/);
    const html = renderReportHtml(eth, computeStats(eth));
    expect(html).toContain('<td class="neg">-0.0016</td><td>0.1000</td>');
    expect([1234.5, 12.345, 0.000291234, 0, -0.5].map(fmtAxis)).toEqual(['1,235', '12.35', '0.0002912', '0.00', '-0.5']);
  });

  it('terminal table: fixed width, every stat present', () => {
    const t = formatReportTable(computeStats(input(curve(100, 110, 99, 108.9))));
    const lines = t.split('\n');
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
    for (const label of ['Total return', 'CAGR', 'Sharpe ratio', 'Sortino ratio', 'Max drawdown', 'Max drawdown duration', 'Trades', 'Win rate', 'Profit factor', 'Exposure', 'Fees paid', 'Final equity']) {
      expect(t).toContain(label);
    }
    expect(t).toMatch(/Total return\s+:\s+8\.90 %/);
    expect(t).toMatch(/Max drawdown\s+:\s+-10\.00 %/);
    expect(t).toContain('2d (not recovered)');
  });

  it('JSON: stats, trades with fixed keys, equity as [time, value]', () => {
    const inp = input(curve(100, 110), [trade(0, D, 10)]);
    const doc = JSON.parse(reportJsonString(inp, computeStats(inp))) as ReportJson;
    expect(Object.keys(doc)).toEqual(['stats', 'trades', 'equity', 'monthlyReturns']);
    expect(Object.keys(doc.trades[0] as object)).toEqual(['entryTime', 'exitTime', 'side', 'quantity', 'entryPrice', 'exitPrice', 'pnl', 'fees']);
    expect(doc.equity).toEqual([[0, 100], [D, 110]]);
    expect(doc.stats.profitFactor).toBeNull();
    expect(doc.stats.totalReturn).toBeCloseTo(0.1, 12);
  });
});

describe('HTML report', () => {
  it('downsampleMinMax keeps extremes, ends and time order within 2 points per bucket', () => {
    const pts: EquityPoint[] = Array.from({ length: 10_000 }, (_, i) => [i * 1000, Math.sin(i / 50) * 100 + i / 100] as const);
    pts[4321] = [4321 * 1000, -1000];
    pts[7777] = [7777 * 1000, 5000];
    const out = downsampleMinMax(pts, 50);
    expect(out.length).toBeLessThanOrEqual(2 * 50 + 2);
    expect(out[0]).toEqual(pts[0]);
    expect(out.at(-1)).toEqual(pts.at(-1));
    expect(out).toContainEqual(pts[4321]);
    expect(out).toContainEqual(pts[7777]);
    for (let i = 1; i < out.length; i++) expect((out[i] as EquityPoint)[0]).toBeGreaterThan((out[i - 1] as EquityPoint)[0]);
    expect(downsampleMinMax(pts.slice(0, 50), 50)).toHaveLength(50);
  });

  it('drawdown curve and ticks', () => {
    expect(drawdownCurve(curve(100, 110, 99)).map(([, v]) => v)).toEqual([0, 0, 99 / 110 - 1]);
    expect(niceTicks(0, 1000, 5)).toEqual([0, 200, 400, 600, 800, 1000]);
    expect(niceTicks(-0.7, 0, 4)).toEqual([-0.6, -0.4, -0.2, 0].map((v) => expect.closeTo(v, 12) as unknown as number));
  });

  it('is self-contained and escapes every string', () => {
    const inp = input(curve(100, 110, 99, 108.9), [trade(0, D, 10), trade(D, null, -2)]);
    const html = renderReportHtml(inp, computeStats(inp), { title: '<script>alert("x")</script>', subtitle: `a & b 'c'` });
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\s(src|href)=/i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('a &amp; b &#39;c&#39;');
    expect(html).toContain('<svg');
    expect(html).toContain('Max drawdown');
    expect(html).toContain('>open<');
    expect(escapeHtml(`<>&"'`)).toBe('&lt;&gt;&amp;&quot;&#39;');
  });

  it('a 1 M point curve and 5 000 trades give a small file', () => {
    const big: EquityPoint[] = [];
    let v = 1e6;
    for (let i = 0; i < 1_000_000; i++) {
      v *= 1 + (((i * 7919) % 1000) / 1000 - 0.5) * 0.002;
      big.push([1.5e12 + i * 60_000, v]);
    }
    const trades = Array.from({ length: 5000 }, (_, i) => trade(1.5e12 + i * 60_000, 1.5e12 + (i + 1) * 60_000, i % 3 === 0 ? -1 : 2));
    const inp = input(big, trades, { initialCapital: 1e6, timeframeMs: 60_000 });
    const html = renderReportHtml(inp, computeStats(inp), { maxTradeRows: 200 });
    expect(html.length).toBeLessThan(300_000);
    expect(html).toContain('trades not shown');
    expect(html).toContain('of 1,000,000 equity points');
  });

  it('handles no equity and no trades', () => {
    const inp = input([]);
    const html = renderReportHtml(inp, computeStats(inp));
    expect(html).toContain('No equity data.');
    expect(html).toContain('No trades.');
  });
});

describe('monthly returns', () => {
  it('compounds each UTC month from the last equity of the month before (the capital for the first)', async () => {
    const { monthlyReturns } = await import('./index');
    const t = (iso: string): number => Date.parse(iso);
    const eq: EquityPoint[] = [
      [t('2024-01-05T00:00:00Z'), 100],
      [t('2024-01-31T23:59:00Z'), 110],
      [t('2024-02-01T00:00:00Z'), 120],
      [t('2024-02-29T00:00:00Z'), 99],
      [t('2024-04-01T00:00:00Z'), 99],
    ];
    // Jan: 110 / 100 − 1; Feb: 99 / 110 − 1; no sample in March; Apr: 99 / 99 − 1.
    const m = monthlyReturns(eq, 100);
    expect(m.map((x) => x.month)).toEqual(['2024-01', '2024-02', '2024-04']);
    expect(m[0]?.return).toBeCloseTo(0.1, 12);
    expect(m[1]?.return).toBeCloseTo(-0.1, 12);
    expect(m[2]?.return).toBe(0);
    const json = JSON.parse(reportJsonString(input(eq), computeStats(input(eq)))) as ReportJson;
    expect(json.monthlyReturns).toEqual(m);
    expect(renderReportHtml(input(eq), computeStats(input(eq)))).toMatch(/Monthly returns \(%\)/);
  });
});
