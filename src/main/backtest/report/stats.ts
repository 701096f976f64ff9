/**
 * Backtest statistics, from the equity curve and the trade list. Formulas (all testable by hand):
 *
 *   totalReturn = E_last / C0 − 1                  (C0 = initialCapital; E_last = C0 without points)
 *   CAGR        = (E_last / C0)^(1 / years) − 1,   years = (t_last − t_first) / (365 × 86 400 000)
 *                 null when years = 0; −1 when E_last ≤ 0.
 *   r_i         = E_i / E_{i−1} − 1 for consecutive equity points (one per bar); a period whose
 *                 previous equity is ≤ 0 has no defined return and is skipped.
 *   periods/yr  P = 365 × 86 400 000 / timeframeMs  (crypto trades every day: 365, not 252)
 *   Sharpe      = mean(r) / stdev(r) × √P          stdev with n − 1 (sample); risk-free rate 0
 *   Sortino     = mean(r) / DD × √P,               DD = √( Σ min(r_i, 0)² / n ) over ALL n periods
 *                 (the target-downside deviation, target 0, so quiet periods count as zero risk).
 *   Both are null when n < 2 or their denominator is 0 (no volatility / no down period): an
 *   infinite ratio says nothing useful and would not survive JSON.
 *   Drawdown    = 1 − E_t / max_{s≤t} E_s; maxDrawdown is its maximum. Its duration runs from the
 *                 time of that peak to the first point back at or above the peak, or to the last
 *                 equity point when the peak is never regained.
 *   Win rate, profit factor, avg/best/worst use CLOSED trades only (exitTime ≠ null): an open
 *   trade's pnl is not final. Profit factor = Σ pnl⁺ / |Σ pnl⁻|, null when there is no loss.
 *   Exposure    = exposureBars / bars when the runner gives them; otherwise the fraction of
 *                 equity points t with an open trade: entryTime ≤ t < exitTime (open → ∞).
 */
import type { EquityPoint, ReportInput, ReportStats, ReportTrade } from './types';

export const YEAR_MS = 365 * 86_400_000;

export function computeStats(input: ReportInput): ReportStats {
  const { equity, initialCapital: c0 } = input;
  if (!(input.timeframeMs > 0)) throw new RangeError(`timeframeMs must be positive, got ${input.timeframeMs}`);
  const first = equity[0];
  const last = equity[equity.length - 1];
  const finalEquity = last ? last[1] : c0;
  const totalReturn = c0 > 0 ? finalEquity / c0 - 1 : 0;

  let cagr: number | null = null;
  if (first && last && last[0] > first[0] && c0 > 0) {
    const years = (last[0] - first[0]) / YEAR_MS;
    cagr = finalEquity <= 0 ? -1 : (finalEquity / c0) ** (1 / years) - 1;
  }

  const { sharpe, sortino } = ratios(equity, YEAR_MS / input.timeframeMs);
  const dd = maxDrawdown(equity);
  const t = tradeStats(input.trades);

  const bars = input.bars ?? equity.length;
  let exposure: number | null = null;
  if (input.exposureBars !== undefined && bars > 0) exposure = input.exposureBars / bars;
  else if (equity.length > 0) exposure = exposedPoints(equity, input.trades) / equity.length;

  return {
    startTime: input.startTime,
    endTime: input.endTime,
    timeframeMs: input.timeframeMs,
    initialCapital: c0,
    finalEquity,
    totalReturn,
    cagr,
    sharpe,
    sortino,
    ...dd,
    ...t,
    exposure,
    feesPaid: input.feesPaid,
  };
}

/** Per-period returns of an equity curve (periods whose previous value is ≤ 0 are skipped). */
export function periodReturns(equity: readonly EquityPoint[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < equity.length; i++) {
    const prev = (equity[i - 1] as EquityPoint)[1];
    if (prev > 0) out.push((equity[i] as EquityPoint)[1] / prev - 1);
  }
  return out;
}

function ratios(equity: readonly EquityPoint[], periodsPerYear: number): { sharpe: number | null; sortino: number | null } {
  // periodReturns' values, computed in place twice rather than stored (an optimizer ranks
  // thousands of curves): the same divisions in the same order, so the same sums.
  let n = 0;
  let sum = 0;
  for (let i = 1; i < equity.length; i++) {
    const prev = (equity[i - 1] as EquityPoint)[1];
    if (prev > 0) {
      sum += (equity[i] as EquityPoint)[1] / prev - 1;
      n++;
    }
  }
  if (n < 2) return { sharpe: null, sortino: null };
  const mean = sum / n;
  let sq = 0;
  let down = 0;
  for (let i = 1; i < equity.length; i++) {
    const prev = (equity[i - 1] as EquityPoint)[1];
    if (!(prev > 0)) continue;
    const x = (equity[i] as EquityPoint)[1] / prev - 1;
    sq += (x - mean) ** 2;
    if (x < 0) down += x * x;
  }
  const sd = Math.sqrt(sq / (n - 1));
  const dd = Math.sqrt(down / n);
  const k = Math.sqrt(periodsPerYear);
  // A curve of identical returns has sd ≈ 1e-17 from rounding, not 0: treat it as flat.
  const tiny = 1e-12 * Math.max(1, Math.abs(mean));
  return { sharpe: sd > tiny ? (mean / sd) * k : null, sortino: dd > 0 ? (mean / dd) * k : null };
}

export interface DrawdownStats {
  readonly maxDrawdown: number;
  readonly maxDrawdownDurationMs: number;
  readonly maxDrawdownPeakTime: number | null;
  readonly maxDrawdownTroughTime: number | null;
  readonly maxDrawdownRecoveryTime: number | null;
}

export function maxDrawdown(equity: readonly EquityPoint[]): DrawdownStats {
  let peak = Number.NEGATIVE_INFINITY;
  let peakTime: number | null = null;
  let best = 0;
  let bestPeak: number | null = null;
  let bestPeakValue = 0;
  let trough: number | null = null;
  let troughIndex = -1;
  for (let i = 0; i < equity.length; i++) {
    const point = equity[i] as EquityPoint;
    const t = point[0];
    const v = point[1];
    if (v > peak) {
      peak = v;
      peakTime = t;
    }
    const d = peak > 0 ? 1 - v / peak : 0;
    if (d > best) {
      best = d;
      bestPeak = peakTime;
      bestPeakValue = peak;
      trough = t;
      troughIndex = i;
    }
  }
  if (bestPeak === null || troughIndex < 0) {
    return { maxDrawdown: 0, maxDrawdownDurationMs: 0, maxDrawdownPeakTime: null, maxDrawdownTroughTime: null, maxDrawdownRecoveryTime: null };
  }
  let recovery: number | null = null;
  for (let i = troughIndex + 1; i < equity.length; i++) {
    const [t, v] = equity[i] as EquityPoint;
    if (v >= bestPeakValue) {
      recovery = t;
      break;
    }
  }
  const end = recovery ?? (equity[equity.length - 1] as EquityPoint)[0];
  return { maxDrawdown: best, maxDrawdownDurationMs: end - bestPeak, maxDrawdownPeakTime: bestPeak, maxDrawdownTroughTime: trough, maxDrawdownRecoveryTime: recovery };
}

function tradeStats(trades: readonly ReportTrade[]) {
  let closed = 0;
  let wins = 0;
  let grossProfit = 0;
  let grossLoss = 0;
  let sum = 0;
  let best: number | null = null;
  let worst: number | null = null;
  for (const tr of trades) {
    if (tr.exitTime === null) continue;
    closed++;
    sum += tr.pnl;
    if (tr.pnl > 0) {
      wins++;
      grossProfit += tr.pnl;
    } else if (tr.pnl < 0) grossLoss -= tr.pnl;
    best = best === null ? tr.pnl : Math.max(best, tr.pnl);
    worst = worst === null ? tr.pnl : Math.min(worst, tr.pnl);
  }
  return {
    trades: trades.length,
    closedTrades: closed,
    openTrades: trades.length - closed,
    winRate: closed > 0 ? wins / closed : null,
    profitFactor: grossLoss > 0 ? grossProfit / grossLoss : null,
    grossProfit,
    grossLoss,
    avgTradePnl: closed > 0 ? sum / closed : null,
    bestTradePnl: best,
    worstTradePnl: worst,
  };
}

/** Equity points with an open trade (entry ≤ t < exit), by a sweep over sorted events. */
function exposedPoints(equity: readonly EquityPoint[], trades: readonly ReportTrade[]): number {
  const events: [number, number][] = [];
  for (const tr of trades) {
    events.push([tr.entryTime, 1]);
    if (tr.exitTime !== null) events.push([tr.exitTime, -1]);
  }
  events.sort((a, b) => a[0] - b[0]);
  let open = 0;
  let k = 0;
  let exposed = 0;
  for (const [t] of equity) {
    while (k < events.length && (events[k] as [number, number])[0] <= t) open += (events[k++] as [number, number])[1];
    if (open > 0) exposed++;
  }
  return exposed;
}
