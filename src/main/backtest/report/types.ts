/**
 * Input and output types of the backtest report. Values are decimals as JS numbers (the
 * engine's fixed-point amounts converted at this edge); times are epoch milliseconds, UTC.
 */

export type TradeSideLabel = 'LONG' | 'SHORT';

export interface ReportTrade {
  readonly entryTime: number;
  /** null while the trade is still open at the end of the backtest. */
  readonly exitTime: number | null;
  readonly side: TradeSideLabel;
  readonly quantity: number;
  readonly entryPrice: number;
  readonly exitPrice: number | null;
  /** Net of fees. */
  readonly pnl: number;
  readonly fees: number;
}

/** `[time ms, equity]`, one point per bar (marked to market at the bar's close). */
export type EquityPoint = readonly [time: number, value: number];

export interface ReportInput {
  readonly initialCapital: number;
  readonly trades: readonly ReportTrade[];
  readonly equity: readonly EquityPoint[];
  readonly feesPaid: number;
  /** Bars with an open position, when the runner counted them; otherwise derived from trades. */
  readonly exposureBars?: number;
  /** Bars replayed; defaults to the number of equity points. */
  readonly bars?: number;
  readonly startTime: number;
  readonly endTime: number;
  readonly timeframeMs: number;
}

export interface ReportStats {
  readonly startTime: number;
  readonly endTime: number;
  readonly timeframeMs: number;
  readonly initialCapital: number;
  readonly finalEquity: number;
  /** final / initial − 1. */
  readonly totalReturn: number;
  /** null when the equity spans no time. */
  readonly cagr: number | null;
  /** null when undefined (fewer than 2 returns, or zero volatility). */
  readonly sharpe: number | null;
  /** null when undefined (fewer than 2 returns, or no downside at all). */
  readonly sortino: number | null;
  /** Largest peak-to-trough fall as a fraction of the peak (0.25 = −25 %); 0 when never below a peak. */
  readonly maxDrawdown: number;
  /** From the peak before the deepest trough to the recovery of that peak, or to the last equity point. */
  readonly maxDrawdownDurationMs: number;
  readonly maxDrawdownPeakTime: number | null;
  readonly maxDrawdownTroughTime: number | null;
  /** Time the peak was regained, null when it never was. */
  readonly maxDrawdownRecoveryTime: number | null;
  readonly trades: number;
  readonly closedTrades: number;
  readonly openTrades: number;
  /** Winning closed trades (pnl > 0) / closed trades; null with no closed trade. */
  readonly winRate: number | null;
  /** Gross profit / gross loss over closed trades; null when there is no loss (∞ or 0/0). */
  readonly profitFactor: number | null;
  readonly grossProfit: number;
  /** Positive number: the sum of the losing trades' |pnl|. */
  readonly grossLoss: number;
  readonly avgTradePnl: number | null;
  readonly bestTradePnl: number | null;
  readonly worstTradePnl: number | null;
  /** Fraction of bars with an open position; null with no bars. */
  readonly exposure: number | null;
  readonly feesPaid: number;
}
