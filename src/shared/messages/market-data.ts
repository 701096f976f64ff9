/**
 * Market data events. Values are decimals carried as JS numbers — the nearest double of the
 * venue's decimal string, which is lossless for the ≤ 15 significant digits venues publish.
 * Anything that accrues (orders, fills, positions, money) is fixed-point; see domain/fixed.ts.
 *
 * `ts` is when the information became known (a bar's close time), so replay never shows a
 * strategy something stamped after the simulated now.
 */
import type { InstrumentId } from '../domain/instrument';
import type { OrderSide } from '../domain/order';

export interface Bar {
  readonly instrumentId: InstrumentId;
  /** Timeframe in ms (60_000 for 1m). */
  readonly timeframeMs: number;
  /** Bar open time, ms. */
  readonly openTime: number;
  /** Close time = openTime + timeframeMs; the moment the bar is known. */
  readonly ts: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

export interface TradeTick {
  readonly instrumentId: InstrumentId;
  readonly ts: number;
  readonly price: number;
  readonly size: number;
  /** Aggressor side, when the venue says. */
  readonly side?: OrderSide;
  readonly tradeId: string;
}

export interface QuoteTick {
  readonly instrumentId: InstrumentId;
  readonly ts: number;
  readonly bid: number;
  readonly bidSize: number;
  readonly ask: number;
  readonly askSize: number;
}

export type BookAction = 'SNAPSHOT' | 'DELTA';

export interface BookLevel {
  readonly price: number;
  /** 0 removes the level in a delta. */
  readonly size: number;
}

export interface BookUpdate {
  readonly instrumentId: InstrumentId;
  readonly ts: number;
  readonly action: BookAction;
  /** Venue sequence of the last update included. */
  readonly sequence: number;
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
}

export const TIMEFRAMES: Readonly<Record<string, number>> = {
  '1s': 1_000,
  '1m': 60_000,
  '3m': 180_000,
  '5m': 300_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '2h': 7_200_000,
  '4h': 14_400_000,
  '6h': 21_600_000,
  '8h': 28_800_000,
  '12h': 43_200_000,
  '1d': 86_400_000,
  '1w': 604_800_000,
};

/** Parses `5m`, `1h`, `1d`, `90s`… into ms; throws a clear error otherwise. */
export function parseTimeframe(tf: string): number {
  const m = /^(\d+)([smhdw])$/.exec(tf.trim());
  if (!m?.[1] || !m[2]) throw new RangeError(`timeframe must look like 1m, 5m, 1h, 1d (got "${tf}")`);
  const n = Number(m[1]);
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2] as 's' | 'm' | 'h' | 'd' | 'w'];
  if (n <= 0) throw new RangeError(`timeframe must be positive (got "${tf}")`);
  return n * unit;
}

export function formatTimeframe(ms: number): string {
  for (const [unit, size] of [['w', 604_800_000], ['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1_000]] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
