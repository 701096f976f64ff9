/** Positions and account balances as plain, serialisable values. */
import type { InstrumentId } from './instrument';

export interface Position {
  readonly instrumentId: InstrumentId;
  readonly strategyId: string;
  /** Signed raw quantity: > 0 long, < 0 short. */
  readonly netRaw: number;
  /** Volume-weighted entry price (decimal). */
  readonly avgEntryPx: number;
  /** Realized PnL in quote currency, raw at quotePrecision. */
  readonly realizedRaw: number;
  readonly quotePrecision: number;
  readonly openedAt: number | null;
  readonly updatedAt: number;
}

export interface Balance {
  readonly currency: string;
  /** Raw at `precision`. */
  readonly totalRaw: number;
  readonly lockedRaw: number;
  readonly precision: number;
  /** The account (venue) holding it; "" for the shared account of backtests and replays. */
  readonly account: string;
}
