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

/** A deterministic series with the awkward values: runs up and down, a zero, NaN, ±Infinity (`odd`). */
function series(n: number, seed0: number, odd: boolean): Float64Array {
  let seed = seed0;
  let v = 1000;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    seed = (seed * 1_103_515_245 + 12_345) >>> 0;
    v *= 1 + (seed / 2 ** 32 - 0.5) * 0.02;
    out[i] = v;
    if (odd && seed % 97 === 0) out[i] = [0, NaN, Infinity, -Infinity][seed % 4] as number;
  }
  return out;
}

/** Calls `f(from, to)` over [0, n) in blocks of varying sizes (1, 2, 3, … up to 1100). */
function inBlocks(n: number, f: (from: number, to: number) => void): void {
  for (let from = 0, size = 1; from < n; from += size, size = (size * 7 + 3) % 1100 || 1) f(from, Math.min(n, from + size));
}

describe('the block paths the runner folds its columns with give the per-sample results, bit for bit', () => {
  it('EquityTracker.sampleBlock = sample, with in-position flags and rows skipped where `present` is NaN', () => {
    for (const odd of [false, true]) {
      const n = 20_000;
      const times = Float64Array.from({ length: n }, (_, i) => i * 60_000);
      const values = series(n, 11, odd);
      const pos = Uint8Array.from({ length: n }, (_, i) => ((i * 13) % 7 < 3 ? 1 : 0));
      const present = Float64Array.from({ length: n }, (_, i) => (i % 53 === 0 || i < 40 ? NaN : 1));
      for (const withPresent of [false, true]) {
        const one = new EquityTracker(365, 1000);
        for (let i = 0; i < n; i++) if (!withPresent || present[i] === present[i]) one.sample(times[i] as number, values[i] as number, pos[i] !== 0);
        const block = new EquityTracker(365, 1000);
        inBlocks(n, (from, to) => block.sampleBlock(times.subarray(from, to), values.subarray(from, to), pos.subarray(from, to), withPresent ? present.subarray(from, to) : null, to - from));
        expect(block.stats(), `odd ${odd}, present ${withPresent}`).toEqual(one.stats());
        expect(block.curve()).toEqual(one.curve());
      }
    }
  });

  it('EquityTracker.sampleBlocks (two trackers in one loop) = each one on its own', () => {
    const n = 30_000;
    const times = Float64Array.from({ length: n }, (_, i) => 1_600_000_000_000 + i * 300_000);
    const a = series(n, 5, true);
    const b = series(n, 8, false);
    const pos = Uint8Array.from({ length: n }, (_, i) => (i % 5 < 2 ? 1 : 0));
    const a1 = new EquityTracker(1000);
    const b1 = new EquityTracker(1000, undefined, false);
    const a2 = new EquityTracker(1000);
    const b2 = new EquityTracker(1000, undefined, false);
    inBlocks(n, (from, to) => {
      a1.sampleBlock(times.subarray(from, to), a.subarray(from, to), pos.subarray(from, to), null, to - from);
      b1.sampleBlock(times.subarray(from, to), b.subarray(from, to), null, null, to - from);
      EquityTracker.sampleBlocks(a2, a.subarray(from, to), pos.subarray(from, to), b2, b.subarray(from, to), times.subarray(from, to), to - from);
    });
    expect(a2.stats()).toEqual(a1.stats());
    expect(b2.stats()).toEqual(b1.stats());
    expect(a2.curve()).toEqual(a1.curve());
    expect(b2.curve()).toEqual([]);
  });

  it("DecimatedCurve.addBlock = add of every value ('none'), of those not NaN ('nan'), of the finite ones ('nonFinite')", () => {
    const keep = { none: (_v: number) => true, nan: (v: number) => v === v, nonFinite: (v: number) => Number.isFinite(v) };
    for (const cap of [2, 3, 8, 64, 1000]) {
      for (const n of [0, 1, 5, 64, 65, 4097, 20_011]) {
        const times = Float64Array.from({ length: n }, (_, i) => i * 60);
        const values = series(n, cap + n, true);
        for (const mode of ['none', 'nan', 'nonFinite'] as const) {
          const one = new DecimatedCurve(cap);
          for (let i = 0; i < n; i++) if (keep[mode](values[i] as number)) one.add(times[i] as number, values[i] as number);
          const block = new DecimatedCurve(cap);
          inBlocks(n, (from, to) => block.addBlock(times, values, from, to, mode));
          expect(block.points(), `cap ${cap}, ${n} values, ${mode}`).toEqual(one.points());
        }
      }
    }
  });
});
