/**
 * Bar aggregation (resampling): coarser bars built from finer ones, e.g. 12h or 1d bars from
 * released 4h bars. Buckets are aligned on UTC (a 1d bar opens at 00:00 UTC): open = first
 * constituent's open, close = last's close, high = max, low = min, volume = sum.
 *
 * A coarse bar is *closed* only once its last constituent is known (or, when the data has a
 * gap there, once a bar of a later bucket arrives). Until then it is *forming*: a chart may
 * draw it, but indicators, alerts and strategies must not treat it as a finished bar. Pure.
 */
import type { Bar } from '../../../shared/messages/market-data';

const DAY_MS = 86_400_000;

/** A coarse bar and whether it is finished. */
export interface AggregatedBar {
  readonly bar: Bar;
  readonly closed: boolean;
}

/** Open time of the `timeframeMs` bucket holding a bar that opens at `openTime` (UTC aligned). */
export function bucketStart(openTime: number, timeframeMs: number): number {
  return Math.floor(openTime / timeframeMs) * timeframeMs;
}

/**
 * Whether `coarseMs` bars can be built from `baseMs` bars: a whole multiple of the base that
 * divides a UTC day (so buckets line up with calendar days: 8h, 12h, 1d from 4h…).
 */
export function canResample(baseMs: number, coarseMs: number): boolean {
  return baseMs > 0 && coarseMs >= baseMs && coarseMs % baseMs === 0 && DAY_MS % coarseMs === 0;
}

/** Incremental aggregation of base bars (fed in time order) into one coarser timeframe. */
export class BarAggregator {
  private current: Bar | null = null;
  private lastOpen = -Infinity;

  constructor(
    readonly timeframeMs: number,
    readonly baseTimeframeMs: number,
  ) {
    if (!canResample(baseTimeframeMs, timeframeMs)) {
      throw new RangeError(`cannot build ${timeframeMs} ms bars from ${baseTimeframeMs} ms bars (need a whole multiple that divides a day)`);
    }
  }

  /** The bar of the current bucket while it is not finished, else null. */
  get forming(): Bar | null {
    return this.current;
  }

  /**
   * Feeds the next base bar. Returns the coarse bars that changed, oldest first: the previous
   * bucket when this bar starts a new one before that bucket saw its last constituent (a gap:
   * it is closed now), then the bucket this bar went into (closed when this bar was its last).
   */
  push(bar: Bar): AggregatedBar[] {
    if (bar.timeframeMs !== this.baseTimeframeMs) throw new RangeError(`expected ${this.baseTimeframeMs} ms bars, got ${bar.timeframeMs} ms`);
    if (bar.openTime <= this.lastOpen) throw new RangeError(`bars must arrive in time order: ${bar.openTime} after ${this.lastOpen}`);
    this.lastOpen = bar.openTime;
    const out: AggregatedBar[] = [];
    const start = bucketStart(bar.openTime, this.timeframeMs);
    const end = start + this.timeframeMs;
    let cur = this.current;
    if (cur && cur.openTime !== start) {
      out.push({ bar: { ...cur, ts: cur.openTime + this.timeframeMs }, closed: true });
      cur = null;
    }
    const next: Bar = cur
      ? { ...cur, high: Math.max(cur.high, bar.high), low: Math.min(cur.low, bar.low), close: bar.close, volume: cur.volume + bar.volume, ts: bar.ts }
      : { instrumentId: bar.instrumentId, timeframeMs: this.timeframeMs, openTime: start, ts: bar.ts, open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: bar.volume };
    const closed = bar.openTime + this.baseTimeframeMs >= end;
    this.current = closed ? null : next;
    out.push({ bar: closed ? { ...next, ts: end } : next, closed });
    return out;
  }
}

/** Aggregates a time-ordered run of base bars: the finished coarse bars and the forming one. */
export function aggregateBars(bars: readonly Bar[], timeframeMs: number, baseTimeframeMs: number): { closed: Bar[]; forming: Bar | null } {
  const agg = new BarAggregator(timeframeMs, baseTimeframeMs);
  const closed: Bar[] = [];
  for (const b of bars) for (const u of agg.push(b)) if (u.closed) closed.push(u.bar);
  return { closed, forming: agg.forming };
}

/**
 * Coarser bars from a stream of finer ones (chunk by chunk), each released once it is closed;
 * the one still forming when the stream ends is released then, stamped at its bucket's end.
 */
export async function* resampleStream(chunks: AsyncIterable<readonly Bar[]>, timeframeMs: number, baseTimeframeMs: number): AsyncGenerator<Bar[]> {
  const agg = new BarAggregator(timeframeMs, baseTimeframeMs);
  for await (const chunk of chunks) {
    const out: Bar[] = [];
    for (const b of chunk) for (const u of agg.push(b)) if (u.closed) out.push(u.bar);
    if (out.length > 0) yield out;
  }
  const last = agg.forming;
  if (last) yield [{ ...last, ts: last.openTime + timeframeMs }];
}
