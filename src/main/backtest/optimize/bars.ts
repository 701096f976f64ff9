/**
 * Bars packed in one Float64Array (7 numbers a bar: openTime, ts, open, high, low, close,
 * volume), so a series is read once and shared with every worker thread through a
 * SharedArrayBuffer instead of being copied per worker; trades likewise (4 numbers a trade: ts,
 * price, size, aggressor side), their ids beside them.
 */
import type { Bar, TradeTick } from '../../../shared/messages/market-data';

export const PACK_STRIDE = 7;

export function packBars(bars: readonly Bar[]): Float64Array {
  const out = new Float64Array(new SharedArrayBuffer(bars.length * PACK_STRIDE * 8));
  bars.forEach((b, i) => {
    const o = i * PACK_STRIDE;
    out[o] = b.openTime;
    out[o + 1] = b.ts;
    out[o + 2] = b.open;
    out[o + 3] = b.high;
    out[o + 4] = b.low;
    out[o + 5] = b.close;
    out[o + 6] = b.volume;
  });
  return out;
}

export function unpackBars(packed: Float64Array, instrumentId: string, timeframeMs: number): Bar[] {
  const n = Math.floor(packed.length / PACK_STRIDE);
  const out: Bar[] = new Array<Bar>(n);
  for (let i = 0; i < n; i++) {
    const o = i * PACK_STRIDE;
    out[i] = { instrumentId, timeframeMs, openTime: packed[o] as number, ts: packed[o + 1] as number, open: packed[o + 2] as number, high: packed[o + 3] as number, low: packed[o + 4] as number, close: packed[o + 5] as number, volume: packed[o + 6] as number };
  }
  return out;
}

/** All bars of a feed's chunks, in order. */
export async function collectBars(chunks: AsyncIterable<readonly Bar[]>): Promise<Bar[]> {
  const out: Bar[] = [];
  for await (const chunk of chunks) for (const b of chunk) out.push(b);
  return out;
}

export const TRADE_STRIDE = 4;

/** Trades of a trades file, packed for the worker threads: the numbers shared, the ids copied. */
export interface PackedTrades {
  readonly packed: Float64Array;
  readonly ids: readonly string[];
}

const SIDE_CODE = { BUY: 1, SELL: 2 } as const;

export function packTrades(trades: readonly TradeTick[]): PackedTrades {
  const packed = new Float64Array(new SharedArrayBuffer(trades.length * TRADE_STRIDE * 8));
  const ids = new Array<string>(trades.length);
  trades.forEach((t, i) => {
    const o = i * TRADE_STRIDE;
    packed[o] = t.ts;
    packed[o + 1] = t.price;
    packed[o + 2] = t.size;
    packed[o + 3] = t.side === undefined ? 0 : SIDE_CODE[t.side];
    ids[i] = t.tradeId;
  });
  return { packed, ids };
}

export function unpackTrades(p: PackedTrades, instrumentId: string): TradeTick[] {
  const n = p.ids.length;
  const out: TradeTick[] = new Array<TradeTick>(n);
  for (let i = 0; i < n; i++) {
    const o = i * TRADE_STRIDE;
    const code = p.packed[o + 3];
    const base = { instrumentId, ts: p.packed[o] as number, price: p.packed[o + 1] as number, size: p.packed[o + 2] as number, tradeId: p.ids[i] as string };
    out[i] = code === 1 ? { ...base, side: 'BUY' } : code === 2 ? { ...base, side: 'SELL' } : base;
  }
  return out;
}

/** All trades of a feed's chunks, in order. */
export async function collectTrades(chunks: AsyncIterable<readonly TradeTick[]>): Promise<TradeTick[]> {
  const out: TradeTick[] = [];
  for await (const chunk of chunks) for (const t of chunk) out.push(t);
  return out;
}
