/**
 * Backtest report statistics: computed by the engine side (main/backtest/report/stats.ts),
 * printed by the CLI and shown by the windows — one type for all of them. Decimals; times in
 * epoch ms; ratios null where undefined (see stats.ts for the formulas).
 */
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

/**
 * Decimals of the money amounts of a report (equity, trade P&L, fees), in the quote currency,
 * from the account's size: 2 for 100 and more (10 000 USD: 2), one more per tenth below (1 ETH:
 * 4, 0.01 BTC: 6; at most 8), so a 1-ETH account's trade of −0.0016 ETH does not read −0.00.
 */
export function moneyDecimals(initialCapital: number): number {
  if (!(initialCapital > 0) || !Number.isFinite(initialCapital)) return 2;
  return Math.min(8, Math.max(2, 4 - Math.floor(Math.log10(initialCapital))));
}
