/**
 * Text forms of a report: the fixed-width terminal table and the JSON document. Number and time
 * formatting is locale-independent (a report must read the same on every machine and in CI).
 */
import { formatTimeframe } from '../../../shared/messages/market-data';
import { moneyDecimals } from '../../../shared/messages/report';
import { monthlyReturns } from './monthly';
import type { Benchmark, IndicatorLine, MonthlyReturn, OrderIssues, ReportInput, ReportInstrument, ReportStats } from './types';

/** `1,234,567.89`: fixed decimals with thousands separators; NaN/∞ shown as such. */
export function fmtNumber(v: number, decimals = 2): string {
  if (!Number.isFinite(v)) return String(v);
  const s = Math.abs(v).toFixed(decimals);
  const [int = '0', frac] = s.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const sign = v < 0 && Number(s) !== 0 ? '-' : '';
  return `${sign}${grouped}${frac === undefined ? '' : `.${frac}`}`;
}

/** A price or quantity: its shortest exact form when short, else 10 significant digits. */
export function fmtDecimal(v: number | null): string {
  if (v === null) return '—';
  const s = String(v);
  return s.length <= 14 && !s.includes('e') ? s : Number(v.toPrecision(10)).toString();
}

/** An axis value: whole numbers from 1 000, 2 decimals from 1, else 4 significant digits (a price of 0.00029 ETH is not 0.00). */
export function fmtAxis(v: number): string {
  const a = Math.abs(v);
  if (a >= 1000) return fmtNumber(v, 0);
  if (a >= 1 || a === 0) return fmtNumber(v, 2);
  return String(Number(v.toPrecision(4)));
}

export function fmtPercent(v: number | null, decimals = 2): string {
  return v === null ? 'n/a' : `${fmtNumber(v * 100, decimals)} %`;
}

export function fmtRatio(v: number | null): string {
  return v === null ? 'n/a' : fmtNumber(v, 2);
}

/** `2018-01-10 04:55` (UTC; seconds shown only when non-zero). */
export function fmtTime(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  const iso = new Date(ms).toISOString();
  return iso.slice(17, 19) === '00' && iso.slice(20, 23) === '000' ? iso.slice(0, 16).replace('T', ' ') : iso.slice(0, 19).replace('T', ' ');
}

/** `12d 4h 30m` — the two or three largest units, for durations. */
export function fmtDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return '0';
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1_000]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.length === 0 ? `${ms}ms` : parts.slice(0, 3).join(' ');
}

/** Label / value rows shared by the terminal table and the HTML page. */
export function statRows(s: ReportStats): [string, string][] {
  // Money in the quote currency at the account's scale (a 1-ETH account's P&L is not −0.00).
  const d = moneyDecimals(s.initialCapital);
  const money = (v: number | null): string => (v === null ? 'n/a' : fmtNumber(v, d));
  return [
    ['Start', fmtTime(s.startTime)],
    ['End', fmtTime(s.endTime)],
    ['Duration', fmtDuration(s.endTime - s.startTime)],
    ['Timeframe', formatTimeframe(s.timeframeMs)],
    ['Initial capital', money(s.initialCapital)],
    ['Final equity', money(s.finalEquity)],
    ['Total return', fmtPercent(s.totalReturn)],
    ['CAGR', fmtPercent(s.cagr)],
    ['Sharpe ratio', fmtRatio(s.sharpe)],
    ['Sortino ratio', fmtRatio(s.sortino)],
    ['Max drawdown', fmtPercent(s.maxDrawdown === 0 ? 0 : -s.maxDrawdown)],
    ['Max drawdown duration', s.maxDrawdownDurationMs > 0 ? `${fmtDuration(s.maxDrawdownDurationMs)}${s.maxDrawdownRecoveryTime === null && s.maxDrawdown > 0 ? ' (not recovered)' : ''}` : '0'],
    ['Trades', s.openTrades > 0 ? `${s.trades} (${s.openTrades} open)` : String(s.trades)],
    ['Win rate', fmtPercent(s.winRate)],
    ['Profit factor', s.profitFactor === null ? (s.grossProfit > 0 ? 'n/a (no losses)' : 'n/a') : fmtNumber(s.profitFactor, 2)],
    ['Avg trade P&L', money(s.avgTradePnl)],
    ['Best trade', money(s.bestTradePnl)],
    ['Worst trade', money(s.worstTradePnl)],
    ['Exposure', fmtPercent(s.exposure)],
    ['Fees paid', money(s.feesPaid)],
  ];
}

/** A boxed, fixed-width two-column table for the terminal (plain ASCII: safe in any console). */
export function formatReportTable(stats: ReportStats, title = 'Backtest report'): string {
  const rows = statRows(stats);
  const lw = Math.max(...rows.map(([l]) => l.length));
  const vw = Math.max(...rows.map(([, v]) => v.length));
  const inner = Math.max(lw + vw + 5, title.length + 2);
  const pad = inner - (lw + vw + 5);
  const line = `+${'-'.repeat(inner)}+`;
  const out = [line, `| ${title.padEnd(inner - 1)}|`, line];
  for (const [l, v] of rows) out.push(`| ${l.padEnd(lw)} : ${' '.repeat(pad)}${v.padStart(vw)} |`);
  out.push(line);
  return out.join('\n');
}

export interface ReportJson {
  readonly stats: ReportStats;
  readonly trades: ReadonlyArray<{
    entryTime: number;
    exitTime: number | null;
    side: string;
    quantity: number;
    entryPrice: number;
    exitPrice: number | null;
    pnl: number;
    fees: number;
  }>;
  readonly equity: ReadonlyArray<readonly [number, number]>;
  /** The instrument traded (symbol as named: from --symbol, the sample index or the file name). */
  readonly instrument?: ReportInstrument;
  /** Orders cancelled, rejected and denied with their reasons, and the warning when they keep failing. */
  readonly orders?: OrderIssues;
  /** Buy-and-hold over the same bars: its equity line and statistics. */
  readonly benchmark?: Benchmark | null;
  /** Close of the instrument at each equity point (the price chart; entries and exits are the trades). */
  readonly prices?: ReadonlyArray<readonly [number, number]> | null;
  /** The strategy's indicators on that instrument (`[[time, value], …]` once warm), drawn over the price. */
  readonly indicators?: readonly IndicatorLine[];
  readonly monthlyReturns: readonly MonthlyReturn[];
}

/** The JSON document: stats, trades (fixed key order) and the full equity curve; times in ms. */
export function toReportJson(input: ReportInput, stats: ReportStats): ReportJson {
  return {
    stats,
    trades: input.trades.map((t) => ({ entryTime: t.entryTime, exitTime: t.exitTime, side: t.side, quantity: t.quantity, entryPrice: t.entryPrice, exitPrice: t.exitPrice, pnl: t.pnl, fees: t.fees })),
    equity: input.equity.map(([t, v]) => [t, v] as const),
    ...(input.instrument ? { instrument: input.instrument } : {}),
    ...(input.orderIssues ? { orders: input.orderIssues } : {}),
    ...(input.benchmark !== undefined ? { benchmark: input.benchmark } : {}),
    ...(input.prices !== undefined ? { prices: input.prices } : {}),
    ...(input.indicators !== undefined ? { indicators: input.indicators } : {}),
    monthlyReturns: monthlyReturns(input.equity, input.initialCapital),
  };
}

export function reportJsonString(input: ReportInput, stats: ReportStats): string {
  return JSON.stringify(toReportJson(input, stats));
}
