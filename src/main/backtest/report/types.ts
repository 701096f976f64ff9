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
  readonly instrument?: ReportInstrument;
  readonly orderIssues?: OrderIssues;
  readonly benchmark?: Benchmark | null;
  /** Close of the first instrument at each equity point, for the price chart. */
  readonly prices?: readonly EquityPoint[] | null;
  /** The strategy's indicators on that instrument, drawn over the price. */
  readonly indicators?: readonly IndicatorLine[];
}

export interface IndicatorLine {
  readonly name: string;
  readonly points: readonly EquityPoint[];
}

/** The statistics live in src/shared so the windows show exactly what the report computes. */
export type { ReportStats } from '../../../shared/messages/report';

/** An order that ended without trading as asked: cancelled, rejected by the venue, or denied by the risk gate. */
export interface OrderIssue {
  readonly time: number;
  readonly clientOrderId: string;
  readonly side: string;
  readonly status: 'CANCELED' | 'REJECTED' | 'DENIED';
  readonly reason: string;
}

export interface OrderIssues {
  /** Orders the strategy asked for (submitted to the venue or denied by the gate). */
  readonly orders: number;
  readonly cancelled: number;
  readonly rejected: number;
  readonly denied: number;
  /** The first ones (at most `ORDER_ISSUES_LISTED`), in time order. */
  readonly list: readonly OrderIssue[];
  /** Set when the strategy's orders keep failing: says how often and the most common reason. */
  readonly warning: string | null;
}

/** Buy-and-hold of the first instrument over the same bars: all capital at the first close, fee paid. */
export interface Benchmark {
  readonly name: string;
  readonly equity: readonly EquityPoint[];
  readonly finalEquity: number;
  readonly totalReturn: number;
  readonly cagr: number | null;
  readonly sharpe: number | null;
  readonly maxDrawdown: number;
}

/** Return of the strategy's equity over one calendar month (UTC), `month` as YYYY-MM. */
export interface MonthlyReturn {
  readonly month: string;
  readonly return: number;
}

/** What the report says about the instrument traded. */
export interface ReportInstrument {
  readonly symbol: string;
  readonly venue: string;
  readonly base: string;
  readonly quote: string;
  readonly tickSize: number;
  readonly lotSize: number;
}
