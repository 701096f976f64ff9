import { describe, expect, it } from 'vitest';
import { computeStats } from './report';
import { DecimatedCurve, EquityTracker } from './equity-tracker';

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

  it('keeps the same points as the modulo rule it replaced (keep when adds since the last decimation % stride = 0)', () => {
    // The former rule, verbatim: sinceKept counts adds (reset to 1 by a decimation), kept when sinceKept % stride === 0.
    const reference = (n: number, cap: number): [number, number][] => {
      let times: number[] = [];
      let values: number[] = [];
      let stride = 1;
      let sinceKept = 0;
      for (let i = 0; i < n; i++) {
        if (sinceKept++ % stride !== 0) continue;
        if (times.length === cap) {
          times = times.filter((_, k) => k % 2 === 0);
          values = values.filter((_, k) => k % 2 === 0);
          stride *= 2;
          sinceKept = 1;
        }
        times.push(i * 60);
        values.push(i * 0.5 + 1);
      }
      const out = times.map((t, k) => [t, values[k] as number] as [number, number]);
      if (n > 0 && (out.length === 0 || out[out.length - 1]?.[0] !== (n - 1) * 60)) out.push([(n - 1) * 60, (n - 1) * 0.5 + 1]);
      return out;
    };
    for (const cap of [2, 3, 8, 64, 1000]) {
      for (const n of [0, 1, 2, 3, 7, 8, 9, 63, 64, 65, 129, 1000, 4097, 20_011]) {
        const c = new DecimatedCurve(cap);
        for (let i = 0; i < n; i++) c.add(i * 60, i * 0.5 + 1);
        expect(c.points(), `cap ${cap}, ${n} adds`).toEqual(reference(n, cap));
      }
    }
  });
});
