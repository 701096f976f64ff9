/**
 * Bars packed in one Float64Array (7 numbers a bar: openTime, ts, open, high, low, close,
 * volume), so a series is read once and shared with every worker thread through a
 * SharedArrayBuffer instead of being copied per worker.
 */
import type { Bar } from '../../../shared/messages/market-data';

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
