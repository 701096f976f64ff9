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

/** The statistics live in src/shared so the windows show exactly what the report computes. */
export type { ReportStats } from '../../../shared/messages/report';
