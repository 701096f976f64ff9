import { describe, expect, it } from 'vitest';
import type { Bar } from '../../../shared/messages/market-data';
import { aggregateBars, BarAggregator, bucketStart, canResample } from './resample';

const H = 3_600_000;
const H4 = 4 * H;
const DAY = 24 * H;
const T0 = Date.UTC(2024, 0, 1); // a UTC midnight

function bar(i: number, o: number, h: number, l: number, c: number, v = 1): Bar {
  const openTime = T0 + i * H4;
  return { instrumentId: 'X', timeframeMs: H4, openTime, ts: openTime + H4, open: o, high: h, low: l, close: c, volume: v };
}

describe('bar aggregation', () => {
  it('aligns buckets on UTC and accepts only whole multiples that divide a day', () => {
    expect(bucketStart(T0 + 5 * H4, DAY)).toBe(T0);
    expect(bucketStart(T0 + 5 * H4, 12 * H)).toBe(T0 + 12 * H);
    expect(canResample(H4, 12 * H)).toBe(true);
    expect(canResample(H4, DAY)).toBe(true);
    expect(canResample(H4, H4)).toBe(true);
    expect(canResample(H4, 6 * H)).toBe(false); // not a multiple of 4h
    expect(canResample(H4, 7 * DAY)).toBe(false); // weeks do not align on the epoch
    expect(canResample(H4, H)).toBe(false); // finer than the base
    expect(() => new BarAggregator(6 * H, H4)).toThrow(RangeError);
  });

  it('open first, close last, high max, low min, volume sum', () => {
    const day = [bar(0, 10, 12, 9, 11, 1), bar(1, 11, 15, 10, 14, 2), bar(2, 14, 14, 8, 9, 3), bar(3, 9, 10, 9, 10, 4), bar(4, 10, 11, 7, 8, 5), bar(5, 8, 9, 8, 9, 6)];
    const { closed, forming } = aggregateBars(day, DAY, H4);
    expect(forming).toBeNull();
    expect(closed).toEqual([{ instrumentId: 'X', timeframeMs: DAY, openTime: T0, ts: T0 + DAY, open: 10, high: 15, low: 7, close: 9, volume: 21 }]);
    const halves = aggregateBars(day, 12 * H, H4).closed;
    expect(halves.map((b) => [b.openTime - T0, b.open, b.high, b.low, b.close, b.volume])).toEqual([
      [0, 10, 15, 8, 9, 6],
      [12 * H, 9, 11, 7, 9, 15],
    ]);
  });

  it('keeps a bucket forming until its last constituent is released, updating the same bar', () => {
    const agg = new BarAggregator(DAY, H4);
    const seen: [number, number, boolean][] = [];
    for (let i = 0; i < 6; i++) for (const u of agg.push(bar(i, 100 + i, 101 + i, 99 + i, 100.5 + i))) seen.push([u.bar.openTime - T0, u.bar.close, u.closed]);
    // Same open time (the chart updates the forming bar in place), closed only with the 6th bar.
    expect(seen).toEqual([
      [0, 100.5, false],
      [0, 101.5, false],
      [0, 102.5, false],
      [0, 103.5, false],
      [0, 104.5, false],
      [0, 105.5, true],
    ]);
    expect(agg.forming).toBeNull();
    const [next] = agg.push(bar(6, 1, 2, 0.5, 1.5));
    expect(next).toMatchObject({ closed: false, bar: { openTime: T0 + DAY, open: 1, close: 1.5, ts: T0 + DAY + H4 } });
    expect(agg.forming?.openTime).toBe(T0 + DAY);
  });

  it('closes a bucket whose last constituent is missing (a data gap) when a later bucket starts', () => {
    const agg = new BarAggregator(12 * H, H4);
    agg.push(bar(0, 1, 2, 1, 2));
    agg.push(bar(1, 2, 3, 2, 3)); // bar 2 (08:00) is missing
    const out = agg.push(bar(3, 3, 4, 3, 4));
    expect(out).toEqual([
      { closed: true, bar: { instrumentId: 'X', timeframeMs: 12 * H, openTime: T0, ts: T0 + 12 * H, open: 1, high: 3, low: 1, close: 3, volume: 2 } },
      { closed: false, bar: { instrumentId: 'X', timeframeMs: 12 * H, openTime: T0 + 12 * H, ts: T0 + 16 * H, open: 3, high: 4, low: 3, close: 4, volume: 1 } },
    ]);
  });

  it('starts mid-bucket (a partial first bar) and refuses out-of-order or foreign bars', () => {
    const { closed, forming } = aggregateBars([bar(1, 5, 6, 4, 5), bar(2, 5, 7, 5, 6)], 12 * H, H4);
    expect(closed).toHaveLength(1);
    expect(closed[0]).toMatchObject({ openTime: T0, open: 5, high: 7, low: 4, close: 6, volume: 2 });
    expect(forming).toBeNull();
    const agg = new BarAggregator(DAY, H4);
    agg.push(bar(3, 1, 1, 1, 1));
    expect(() => agg.push(bar(3, 1, 1, 1, 1))).toThrow(/time order/);
    expect(() => agg.push({ ...bar(4, 1, 1, 1, 1), timeframeMs: H })).toThrow(/expected/);
  });
});
