/**
 * Bars built from trades: each `timeframeMs` bucket (UTC aligned) that holds at least one trade
 * becomes a bar — open = its first trade's price, close = its last's, high/low the extremes,
 * volume the summed sizes. A bucket without trades has no bar (as venues send none for a quiet
 * minute). A bar is released only once it is finished: when a trade of a later bucket arrives, or
 * when the trades end; its `ts` is its close time, so a strategy reading it at `ts` sees nothing
 * that happened after. Pure.
 */
import type { Bar, TradeTick } from '../../../shared/messages/market-data';

export class TradeOrderError extends Error {
  override readonly name = 'TradeOrderError';
}

/** Incremental: `push` trades in time order, collect the bars it returns, `flush` at the end. */
export class TradeBarBuilder {
  private openTime = NaN;
  private open = 0;
  private high = 0;
  private low = 0;
  private close = 0;
  private volume = 0;
  private lastTs = -Infinity;

  constructor(
    readonly instrumentId: string,
    readonly timeframeMs: number,
  ) {
    if (!(Number.isInteger(timeframeMs) && timeframeMs > 0)) throw new RangeError(`bar timeframe must be a whole number of ms > 0, got ${timeframeMs}`);
  }

  /** Adds one trade; returns the bar it finished (the previous bucket's), if any. */
  push(t: TradeTick): Bar | null {
    if (t.ts < this.lastTs) throw new TradeOrderError(`trades go back in time at ${t.ts} < ${this.lastTs}: bars need trades in time order`);
    this.lastTs = t.ts;
    const bucket = Math.floor(t.ts / this.timeframeMs) * this.timeframeMs;
    if (bucket !== this.openTime) {
      const done = this.flush();
      this.openTime = bucket;
      this.open = this.high = this.low = this.close = t.price;
      this.volume = t.size;
      return done;
    }
    if (t.price > this.high) this.high = t.price;
    if (t.price < this.low) this.low = t.price;
    this.close = t.price;
    this.volume += t.size;
    return null;
  }

  /** The bar being built, finished (at the end of the trades); null when there is none. */
  flush(): Bar | null {
    if (this.openTime !== this.openTime) return null;
    const bar: Bar = {
      instrumentId: this.instrumentId,
      timeframeMs: this.timeframeMs,
      openTime: this.openTime,
      ts: this.openTime + this.timeframeMs,
      open: this.open,
      high: this.high,
      low: this.low,
      close: this.close,
      volume: this.volume,
    };
    this.openTime = NaN;
    return bar;
  }
}

/** The finished bars of a stream of trade chunks, chunk by chunk (memory stays flat). */
export async function* barsFromTrades(chunks: AsyncIterable<readonly TradeTick[]>, instrumentId: string, timeframeMs: number): AsyncGenerator<Bar[]> {
  const b = new TradeBarBuilder(instrumentId, timeframeMs);
  for await (const chunk of chunks) {
    const out: Bar[] = [];
    for (const t of chunk) {
      const bar = b.push(t);
      if (bar !== null) out.push(bar);
    }
    if (out.length > 0) yield out;
  }
  const last = b.flush();
  if (last !== null) yield [last];
}
