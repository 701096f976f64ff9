import { describe, expect, it } from 'vitest';
import { computeStats } from './report';
import { EquityTracker } from './equity-tracker';

function curve(n: number): [number, number][] {
  let seed = 7;
  let v = 1000;
  const out: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    seed = (seed * 1_103_515_245 + 12_345) >>> 0;
    v *= 1 + (seed / 2 ** 32 - 0.5) * 0.02;
    out.push([i * 60_000, v]);
  }
  return out;
}

describe('EquityTracker', () => {
  it('computes the same Sharpe, Sortino and drawdown streaming as the report does from the whole curve', () => {
    const pts = curve(5000);
    const t = new EquityTracker((365 * 86_400_000) / 60_000);
    for (const [time, v] of pts) t.sample(time, v, false);
    const s = t.stats();
    const batch = computeStats({ initialCapital: 1000, trades: [], equity: pts, feesPaid: 0, startTime: 0, endTime: pts.at(-1)?.[0] ?? 0, timeframeMs: 60_000 });
    expect(s.sharpe).toBeCloseTo(batch.sharpe ?? NaN, 9);
    expect(s.sortino).toBeCloseTo(batch.sortino ?? NaN, 9);
    expect(s.maxDrawdown).toBeCloseTo(batch.maxDrawdown, 12);
    expect(s.maxDrawdownDurationMs).toBe(batch.maxDrawdownDurationMs);
  });

  it('keeps a bounded curve by decimation, always ending at the last sample', () => {
    const t = new EquityTracker(365, 1024);
    for (let i = 0; i < 100_000; i++) t.sample(i, 1000 + (i % 7), i % 2 === 0);
    const c = t.curve();
    expect(c.length).toBeLessThanOrEqual(1025);
    expect(c.at(-1)).toEqual([99_999, 1000 + (99_999 % 7)]);
    expect(t.stats().exposure).toBeCloseTo(0.5, 9);
    expect(t.stats().samples).toBe(100_000);
  });
});
