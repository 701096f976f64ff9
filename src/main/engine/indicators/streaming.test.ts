/**
 * Streaming-contract tests: batch == streaming (bit for bit), reset() == fresh instance, warm-up
 * reporting through values()/ready, single-input updateValue == update(close), the monotonic
 * deque and the block-based high/low range against a naive window scan, and the session VWAP
 * against a direct per-day computation.
 */
import { describe, expect, it } from 'vitest';
import { batch, batchIndicator } from './batch';
import { RollingExtreme, RollingRange } from './buffers';
import { KNOWN_INDICATORS, createIndicator } from './registry';
import { loadTalibReference } from './reference-data';
import { Dema, Ema, Sma, Tema, Wma } from './moving-averages';
import { Cci, Macd, Roc, Rsi, StochRsi } from './oscillators';
import { BollingerBands } from './volatility';
import type { IndicatorInput, SingleInputIndicator } from './types';

const bars = loadTalibReference().bars;

/** Deterministic pseudo-random numbers (engine code may not use Math.random). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('streaming contract', () => {
  for (const name of KNOWN_INDICATORS) {
    it(`gives identical numbers in batch and bar-by-bar streaming for ${name}`, () => {
      const b = batch(name, bars);
      const h = createIndicator(name);
      for (let i = 0; i < bars.length; i++) {
        h.update(bars[i]!);
        const row = h.values();
        for (let c = 0; c < row.length; c++) {
          const v = b[c]![i]!;
          const r = row[c];
          if (r === null || r === undefined) expect(Number.isNaN(v), `${h.columns[c]} #${i}`).toBe(true);
          else expect(Object.is(r, v), `${h.columns[c]} #${i}`).toBe(true);
        }
      }
    });

    it(`reports nulls before warm-up and numbers from it on, and reset() reproduces a fresh run, for ${name}`, () => {
      const h = createIndicator(name);
      const first = bars.slice(0, 300);
      const runs: (number | null)[][][] = [];
      for (let run = 0; run < 2; run++) {
        const rows: (number | null)[][] = [];
        for (const bar of first) {
          h.update(bar);
          rows.push(h.values());
        }
        runs.push(rows);
        h.reset();
        expect(h.ready).toBe(false);
      }
      expect(runs[1]).toEqual(runs[0]);
      const rows = runs[0]!;
      expect(rows.every((r) => r.length === h.columns.length)).toBe(true);
      for (let i = 0; i < rows.length; i++) {
        if (i >= h.warmup) expect(rows[i]!.every((v) => v !== null), `row ${i}`).toBe(true);
      }
      // all columns are null before warm-up except Ichimoku, whose lines have their own warm-ups
      if (name !== 'ichimoku' && h.warmup > 0) expect(rows[h.warmup - 1]!.every((v) => v === null)).toBe(true);
    });
  }

  it('computes the same values through updateValue(x) as through update(bar) with close = x', () => {
    const makers: (() => SingleInputIndicator<unknown>)[] = [
      () => new Sma(20),
      () => new Ema(20),
      () => new Wma(20),
      () => new Dema(20),
      () => new Tema(20),
      () => new Rsi(14),
      () => new Roc(10),
      () => new Macd(12, 26, 9),
      () => new StochRsi(14, 14, 3, 3),
    ];
    for (const make of makers) {
      const a = make();
      const b = make();
      const k = a.outputs.length;
      for (const bar of bars.slice(0, 500)) {
        a.update(bar);
        b.updateValue(bar.close);
        for (let c = 0; c < k; c++) expect(Object.is(a.output(c), b.output(c))).toBe(true);
      }
    }
  });

  it('flips ready exactly after warmup + 1 updates', () => {
    for (const name of KNOWN_INDICATORS) {
      const h = createIndicator(name);
      for (let i = 0; i < 200; i++) {
        h.update(bars[i]!);
        expect(h.ready, `${name} after bar ${i}`).toBe(i >= h.warmup);
      }
    }
  });

  it('computes Ichimoku like a naive window scan for periods on and off its fast paths', () => {
    // 9/26/52 and 7/20/40 take the covered-kijun and senkou = 2·kijun paths, 5/20/30 a kijun
    // range of its own (kijun > 3·tenkan) and a senkou range, 26/9/52 tenkan > kijun.
    const mid = (from: number, to: number): number => {
      let hi = -Infinity;
      let lo = Infinity;
      for (let k = Math.max(0, from); k <= to; k++) {
        hi = Math.max(hi, bars[k]!.high);
        lo = Math.min(lo, bars[k]!.low);
      }
      return (hi + lo) / 2;
    };
    for (const [t, k, s] of [[9, 26, 52], [7, 20, 40], [5, 20, 30], [26, 9, 52], [3, 9, 18]] as const) {
      const h = createIndicator(`ichimoku:${t}:${k}:${s}`);
      for (let run = 0; run < 2; run++) {
        for (let i = 0; i < 1200; i++) {
          h.update(bars[i]!);
          const row = h.values();
          const tenkan = i >= t - 1 ? mid(i - t + 1, i) : null;
          const kijun = i >= k - 1 ? mid(i - k + 1, i) : null;
          const j = i - k; // the leading spans plotted at i were computed at i − kijun
          const spanA = j >= Math.max(t, k) - 1 ? (mid(j - t + 1, j) + mid(j - k + 1, j)) / 2 : null;
          const spanB = j >= s - 1 ? mid(j - s + 1, j) : null;
          expect(row.slice(0, 4), `ichimoku ${t}/${k}/${s} bar ${i}`).toEqual([tenkan, kijun, spanA, spanB]);
          expect(row[4]).toBe(bars[i]!.close);
        }
        h.reset();
      }
    }
  });

  it("computes CCI like TA-Lib's loop (serial sums, two divisions): the same mean bit for bit, the same zeros, a few ulps apart elsewhere", () => {
    // TA-Lib CCI as written: slots summed left to right for the mean, then serially for the deviation
    const taLibCci = (input: readonly IndicatorInput[], p: number): number[] => {
      const ring = new Float64Array(p);
      return input.map((bar, t) => {
        const tp = (bar.high + bar.low + bar.close) / 3;
        ring[t % p] = tp;
        if (t < p - 1) return NaN;
        let sum = 0;
        for (let i = 0; i < p; i++) sum += ring[i]!;
        const avg = sum / p;
        let dev = 0;
        for (let i = 0; i < p; i++) dev += Math.abs(ring[i]! - avg);
        const num = tp - avg;
        return num !== 0 && dev !== 0 ? num / (0.015 * (dev / p)) : 0;
      });
    };
    const rnd = lcg(11);
    let allZeros = 0;
    for (const p of [1, 2, 3, 5, 14, 20, 33]) {
      // prices on a tick grid with flat stretches: exact ties with the mean, flat windows (TA-Lib's
      // dev is then 0, or tiny when the rounded mean is off the flat price: ±66.67), real bars
      const input: IndicatorInput[] = [];
      let px = 0.095865;
      for (let i = 0; i < 3000; i++) {
        if (i % 500 < 60) px = 0.1;
        else if (i % 500 < 120) px = 0.1 + 1e-6 * Math.floor(rnd() * 3);
        else px += 1e-6 * Math.floor(rnd() * 7 - 3);
        input.push(i % 500 >= 400 ? bars[i]! : { high: px + 2e-6, low: px - 1e-6, close: px });
      }
      const want = taLibCci(input, p);
      const cci = new Cci(p);
      let zeros = 0;
      let flats = 0;
      input.forEach((bar, t) => {
        cci.update(bar);
        const got = cci.output(0);
        const w = want[t]!;
        if (Number.isNaN(w)) expect(got, `p=${p} #${t}`).toBeNaN();
        else if (w === 0) {
          zeros++;
          expect(got, `p=${p} #${t}`).toBe(0);
        } else {
          if (Math.abs(Math.abs(w) - 200 / 3) < 1e-9) flats++; // a flat window, its mean rounded off the price
          expect(Math.abs(got - w) / Math.abs(w), `p=${p} #${t}: ${got} vs ${w}`).toBeLessThan(1e-13);
        }
      });
      // the edge cases are there: exact zeros (tp equal to the mean, or a dev of 0) and flat windows
      if (p > 1) expect(zeros + flats, `p=${p}: zeros and flat windows`).toBeGreaterThan(100);
      allZeros += zeros;
    }
    expect(allZeros).toBeGreaterThan(3000);
  });

  it('tracks a rolling maximum and minimum like a naive window scan', () => {
    const rnd = lcg(42);
    for (const w of [1, 2, 3, 7, 20]) {
      const mx = new RollingExtreme(w, 'max');
      const mn = new RollingExtreme(w, 'min');
      const xs: number[] = [];
      for (let i = 0; i < 2000; i++) {
        const x = Math.floor(rnd() * 10); // many ties on purpose
        xs.push(x);
        mx.push(x);
        mn.push(x);
        const win = xs.slice(Math.max(0, xs.length - w));
        expect(mx.current).toBe(Math.max(...win));
        expect(mn.current).toBe(Math.min(...win));
      }
    }
  });

  it('tracks a rolling high/low range (block-based) like a naive window scan, also after reset()', () => {
    const rnd = lcg(43);
    for (const w of [1, 2, 3, 7, 14, 20, 52]) {
      const r = new RollingRange(w);
      const one = new RollingRange(w); // one series, both extremes
      for (let run = 0; run < 2; run++) {
        const hs: number[] = [];
        const ls: number[] = [];
        for (let i = 0; i < 1500; i++) {
          const h = Math.floor(rnd() * 10); // many ties on purpose
          const l = h - Math.floor(rnd() * 4);
          hs.push(h);
          ls.push(l);
          r.push(h, l);
          one.push(h, h);
          expect(r.pushed).toBe(i + 1);
          expect(r.high).toBe(Math.max(...hs.slice(Math.max(0, hs.length - w))));
          expect(r.low).toBe(Math.min(...ls.slice(Math.max(0, ls.length - w))));
          expect([one.high, one.low]).toEqual([Math.max(...hs.slice(Math.max(0, hs.length - w))), Math.min(...hs.slice(Math.max(0, hs.length - w)))]);
        }
        r.reset();
        one.reset();
        expect(r.pushed).toBe(0);
        expect(r.high).toBeNaN();
      }
    }
  });

  it('keeps Bollinger bands exact on a long stream at a high price level (no drift, no cancellation)', () => {
    const rnd = lcg(7);
    const bb = new BollingerBands(20, 2);
    const xs: number[] = [];
    let price = 60_000;
    for (let i = 0; i < 200_000; i++) {
      price += (rnd() - 0.5) * 10;
      xs.push(price);
      bb.updateValue(price);
    }
    const win = xs.slice(-20);
    const mean = win.reduce((a, b) => a + b, 0) / 20;
    const sd = Math.sqrt(win.reduce((a, b) => a + (b - mean) ** 2, 0) / 20);
    expect(Math.abs(bb.output(1) - mean) / mean).toBeLessThan(1e-12);
    expect(Math.abs(bb.output(0) - (mean + 2 * sd)) / (2 * sd)).toBeLessThan(1e-8);
  });

  it('restarts the session VWAP at each UTC day and matches a direct per-day computation', () => {
    const out = batch('vwap:1440', bars)[0]!;
    let day = NaN;
    let pv = 0;
    let v = 0;
    for (let i = 0; i < bars.length; i++) {
      const b = bars[i]!;
      const d = Math.floor(b.time / 86_400_000);
      if (d !== day) {
        day = d;
        pv = 0;
        v = 0;
      }
      pv += ((b.high + b.low + b.close) / 3) * b.volume;
      v += b.volume;
      expect(Math.abs(out[i]! - pv / v) / (pv / v)).toBeLessThan(1e-12);
    }
    expect(() => createIndicator('vwap:1440').update({ high: 1, low: 1, close: 1, volume: 1 })).toThrow(/bar\.time/);
  });

  it('throws a clear error when a volume indicator gets a bar without volume', () => {
    for (const spec of ['obv', 'mfi', 'vwap']) {
      expect(() => createIndicator(spec).update({ high: 1, low: 1, close: 1 })).toThrow(/needs bar\.volume/);
    }
  });

  it('runs batchIndicator on an instance the same way as batch on its spec', () => {
    const a = batchIndicator(new Macd(12, 26, 9), bars);
    const b = batch('macd:12:26:9', bars);
    for (let c = 0; c < 3; c++) expect(Array.from(a[c]!)).toEqual(Array.from(b[c]!));
  });

  it('gives Ichimoku senkou span B as the naive midpoint of the senkou window, delayed kijun bars, on the fast (52 = 2·26) and general paths', () => {
    for (const spec of ['ichimoku:9:26:52', 'ichimoku:9:26:60', 'ichimoku:7:11:22']) {
      const [, kijun, senkou] = spec.split(':').slice(1).map(Number) as [number, number, number];
      const spanB = batch(spec, bars)[3]!;
      for (let i = 0; i < bars.length; i++) {
        const end = i - kijun; // the bar whose window the span shows now
        let want = NaN;
        if (end >= senkou - 1) {
          let hi = -Infinity;
          let lo = Infinity;
          for (let k = end - senkou + 1; k <= end; k++) {
            hi = Math.max(hi, bars[k]!.high);
            lo = Math.min(lo, bars[k]!.low);
          }
          want = (hi + lo) / 2;
        }
        if (Number.isNaN(want)) expect(spanB[i], `${spec} #${i}`).toBeNaN();
        else expect(spanB[i], `${spec} #${i}`).toBe(want);
      }
    }
  });
});
