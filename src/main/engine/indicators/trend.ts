/**
 * Trend indicators: ADX / directional movement (+DI, −DI), Parabolic SAR, SuperTrend, Ichimoku.
 *
 * Streaming, O(1) amortised per update, allocation-free in `update`.
 * - Directional movement follows TA-Lib exactly: +DM/−DM/TR are summed raw over bars 1..period−1,
 *   then Wilder-smoothed as s − s/period + x from bar `period` on. +DI/−DI = 100·DM/TR (0 when
 *   TR ≈ 0) are valid from index `period` (TA-Lib PLUS_DI/MINUS_DI). ADX: the mean of the DX of
 *   bars period..2·period−1 (first ADX at 2·period−1), then Wilder (adx·(p−1)+dx)/p; a bar whose
 *   DX is undefined (TR ≈ 0 or +DI+−DI ≈ 0) leaves ADX unchanged, as in TA-Lib.
 * - Parabolic SAR: a port of TA-Lib SAR (initial direction from −DM of bars 0–1, first output at
 *   index 1, SAR clamped by the last two bars' extremes).
 * - SuperTrend (no TA-Lib equivalent; Skender convention): mid = (H+L)/2, basic bands mid ±
 *   multiplier·ATR(period) (Wilder ATR seeded like TA-Lib); a band only tightens unless the
 *   previous close crossed it; the trend flips when the close crosses the active band (close ≤
 *   lower band ends an uptrend, close > upper band ends a downtrend). Output `value` is the active
 *   band, `direction` is +1 (up, value = lower band) or −1 (down, value = upper band). First valid
 *   at index `period`.
 * - Ichimoku (no TA-Lib equivalent; Skender convention with offset = kijun period): tenkan/kijun
 *   = midpoint of the highest high and lowest low over the last tenkan/kijun bars (incl. current);
 *   senkouA at bar t = (tenkan+kijun)/2 computed at t−kijun; senkouB at t = midpoint over `senkou`
 *   bars computed at t−kijun (i.e. the values plotted at t). Streaming cannot see the future, so
 *   `chikou` at bar t is the current close, which belongs to the chart `kijun` bars back: our
 *   chikou[t] equals Skender's chikouSpan[t−kijun]. Each Ichimoku output is NaN until it is itself
 *   valid (tenkan from tenkan−1, kijun from kijun−1, senkouA from 2·kijun−1, senkouB from
 *   senkou+kijun−1, chikou from 0); `ready`/`warmup` refer to all of them.
 */
import type { Indicator, IndicatorInput } from './types';
import { assertInt, assertPositive, isZero, trueRange } from './types';
import { RollingRange } from './buffers';
import { Atr } from './volatility';

/** TA-Lib directional-movement state shared by Dmi and Adx. */
class DirectionalMovement {
  n = 0;
  plusDi = NaN;
  minusDi = NaN;
  /** DX of the last bar, NaN when undefined. */
  dx = NaN;
  private prevHigh = 0;
  private prevLow = 0;
  private prevClose = 0;
  private pdm = 0;
  private mdm = 0;
  private tr = 0;

  constructor(readonly period: number) {}

  update(high: number, low: number, close: number): void {
    const n = this.n++;
    if (n === 0) {
      this.prevHigh = high;
      this.prevLow = low;
      this.prevClose = close;
      return;
    }
    const diffP = high - this.prevHigh;
    const diffM = this.prevLow - low;
    this.prevHigh = high;
    this.prevLow = low;
    const tr = trueRange(high, low, this.prevClose);
    this.prevClose = close;
    const p = this.period;
    if (n < p) {
      if (diffM > 0 && diffP < diffM) this.mdm += diffM;
      else if (diffP > 0 && diffP > diffM) this.pdm += diffP;
      this.tr += tr;
      return;
    }
    this.mdm -= this.mdm / p;
    this.pdm -= this.pdm / p;
    if (diffM > 0 && diffP < diffM) this.mdm += diffM;
    else if (diffP > 0 && diffP > diffM) this.pdm += diffP;
    this.tr = this.tr - this.tr / p + tr;
    if (isZero(this.tr)) {
      this.plusDi = 0;
      this.minusDi = 0;
      this.dx = NaN;
      return;
    }
    const minusDi = 100 * (this.mdm / this.tr);
    const plusDi = 100 * (this.pdm / this.tr);
    this.minusDi = minusDi;
    this.plusDi = plusDi;
    const s = minusDi + plusDi;
    this.dx = isZero(s) ? NaN : 100 * (Math.abs(minusDi - plusDi) / s);
  }

  reset(): void {
    this.n = 0;
    this.plusDi = this.minusDi = this.dx = NaN;
    this.prevHigh = this.prevLow = this.prevClose = 0;
    this.pdm = this.mdm = this.tr = 0;
  }
}

export interface DmiValue {
  plus: number;
  minus: number;
}

/** +DI / −DI (TA-Lib PLUS_DI / MINUS_DI), first valid at index `period`. */
export class Dmi implements Indicator<DmiValue> {
  readonly name: string;
  readonly warmup: number;
  readonly outputs = ['plus', 'minus'] as const;
  private readonly dm: DirectionalMovement;

  constructor(readonly period: number) {
    assertInt('dmi', 'period', period);
    this.name = `dmi_${period}`;
    this.warmup = period;
    this.dm = new DirectionalMovement(period);
  }

  update(bar: IndicatorInput): void {
    this.dm.update(bar.high, bar.low, bar.close);
  }
  get ready(): boolean {
    return this.dm.n > this.period;
  }
  value(): DmiValue {
    return { plus: this.dm.plusDi, minus: this.dm.minusDi };
  }
  output(index: number): number {
    return index === 0 ? this.dm.plusDi : this.dm.minusDi;
  }
  reset(): void {
    this.dm.reset();
  }
}

export interface AdxValue {
  adx: number;
  plusDi: number;
  minusDi: number;
}

/** ADX (TA-Lib ADX), first valid at 2·period−1; also exposes +DI/−DI (aligned to the ADX). */
export class Adx implements Indicator<AdxValue> {
  readonly name: string;
  readonly warmup: number;
  readonly outputs = ['adx', 'plusDi', 'minusDi'] as const;
  private readonly dm: DirectionalMovement;
  private sumDx = 0;
  private adx = NaN;

  constructor(readonly period: number) {
    assertInt('adx', 'period', period);
    this.name = `adx_${period}`;
    this.warmup = 2 * period - 1;
    this.dm = new DirectionalMovement(period);
  }

  update(bar: IndicatorInput): void {
    const dm = this.dm;
    dm.update(bar.high, bar.low, bar.close);
    const i = dm.n - 1;
    const p = this.period;
    if (i < p) return;
    const dx = dm.dx;
    if (i < 2 * p) {
      if (dx === dx) this.sumDx += dx;
      if (i === 2 * p - 1) this.adx = this.sumDx / p;
    } else if (dx === dx) {
      this.adx = (this.adx * (p - 1) + dx) / p;
    }
  }

  get ready(): boolean {
    return this.dm.n >= 2 * this.period;
  }
  value(): AdxValue {
    return { adx: this.adx, plusDi: this.output(1), minusDi: this.output(2) };
  }
  output(index: number): number {
    if (index === 0) return this.adx;
    if (!this.ready) return NaN;
    return index === 1 ? this.dm.plusDi : this.dm.minusDi;
  }
  reset(): void {
    this.dm.reset();
    this.sumDx = 0;
    this.adx = NaN;
  }
}

/** Parabolic SAR, a port of TA-Lib SAR (acceleration, maximum). */
export class Psar implements Indicator<number> {
  readonly name: string;
  readonly warmup = 1;
  readonly outputs = ['value'] as const;
  private n = 0;
  private isLong = true;
  private sar = 0;
  private ep = 0;
  private af = 0;
  private newHigh = 0;
  private newLow = 0;
  private cur = NaN;

  constructor(
    readonly acceleration: number,
    readonly maximum: number,
  ) {
    assertPositive('psar', 'acceleration', acceleration);
    assertPositive('psar', 'maximum', maximum);
    if (acceleration > maximum) {
      throw new Error(`psar acceleration must be ≤ maximum, got ${String(acceleration)} > ${String(maximum)}`);
    }
    this.name = `psar_${acceleration}_${maximum}`;
  }

  update(bar: IndicatorInput): void {
    const n = this.n++;
    const high = bar.high;
    const low = bar.low;
    if (n === 0) {
      this.newHigh = high;
      this.newLow = low;
      return;
    }
    if (n === 1) {
      // initial direction: short iff −DM(1) > 0 (TA-Lib uses MINUS_DM over bars 0–1)
      const diffP = high - this.newHigh;
      const diffM = this.newLow - low;
      this.isLong = !(diffM > 0 && diffP < diffM);
      if (this.isLong) {
        this.ep = high;
        this.sar = this.newLow;
      } else {
        this.ep = low;
        this.sar = this.newHigh;
      }
      this.af = this.acceleration;
      // TA-Lib "cheats" so that on the first iteration the previous bar is the current one
      this.newLow = low;
      this.newHigh = high;
    }
    const prevLow = this.newLow;
    const prevHigh = this.newHigh;
    this.newLow = low;
    this.newHigh = high;
    const accel = this.acceleration;
    const max = this.maximum;
    let sar = this.sar;
    if (this.isLong) {
      if (low <= sar) {
        this.isLong = false;
        sar = this.ep;
        if (sar < prevHigh) sar = prevHigh;
        if (sar < high) sar = high;
        this.cur = sar;
        this.af = accel;
        this.ep = low;
        sar = sar + this.af * (this.ep - sar);
        if (sar < prevHigh) sar = prevHigh;
        if (sar < high) sar = high;
      } else {
        this.cur = sar;
        if (high > this.ep) {
          this.ep = high;
          this.af += accel;
          if (this.af > max) this.af = max;
        }
        sar = sar + this.af * (this.ep - sar);
        if (sar > prevLow) sar = prevLow;
        if (sar > low) sar = low;
      }
    } else if (high >= sar) {
      this.isLong = true;
      sar = this.ep;
      if (sar > prevLow) sar = prevLow;
      if (sar > low) sar = low;
      this.cur = sar;
      this.af = accel;
      this.ep = high;
      sar = sar + this.af * (this.ep - sar);
      if (sar > prevLow) sar = prevLow;
      if (sar > low) sar = low;
    } else {
      this.cur = sar;
      if (low < this.ep) {
        this.ep = low;
        this.af += accel;
        if (this.af > max) this.af = max;
      }
      sar = sar + this.af * (this.ep - sar);
      if (sar < prevHigh) sar = prevHigh;
      if (sar < high) sar = high;
    }
    this.sar = sar;
  }

  get ready(): boolean {
    return this.n > 1;
  }
  value(): number {
    return this.cur;
  }
  output(_index: number): number {
    return this.cur;
  }
  reset(): void {
    this.n = 0;
    this.isLong = true;
    this.sar = this.ep = this.af = 0;
    this.newHigh = this.newLow = 0;
    this.cur = NaN;
  }
}

export interface SuperTrendValue {
  value: number;
  /** +1 uptrend (value is the lower band), −1 downtrend (value is the upper band). */
  direction: number;
}

export class SuperTrend implements Indicator<SuperTrendValue> {
  readonly name: string;
  readonly warmup: number;
  readonly outputs = ['value', 'direction'] as const;
  private readonly atr: Atr;
  private n = 0;
  private prevClose = NaN;
  private upper = NaN;
  private lower = NaN;
  private bullish = true;
  private cur = NaN;
  private dir = NaN;

  constructor(
    readonly period: number,
    readonly multiplier: number,
  ) {
    assertInt('supertrend', 'period', period);
    assertPositive('supertrend', 'multiplier', multiplier);
    this.name = `supertrend_${period}_${multiplier}`;
    this.warmup = period;
    this.atr = new Atr(period);
  }

  update(bar: IndicatorInput): void {
    this.atr.update(bar);
    const n = this.n++;
    const close = bar.close;
    const prevClose = this.prevClose;
    this.prevClose = close;
    if (n < this.period) return;
    const mid = (bar.high + bar.low) / 2;
    const span = this.multiplier * this.atr.current;
    const upperEval = mid + span;
    const lowerEval = mid - span;
    if (n === this.period) {
      this.bullish = close >= mid;
      this.upper = upperEval;
      this.lower = lowerEval;
    }
    if (upperEval < this.upper || prevClose > this.upper) this.upper = upperEval;
    if (lowerEval > this.lower || prevClose < this.lower) this.lower = lowerEval;
    if (close <= (this.bullish ? this.lower : this.upper)) {
      this.cur = this.upper;
      this.bullish = false;
      this.dir = -1;
    } else {
      this.cur = this.lower;
      this.bullish = true;
      this.dir = 1;
    }
  }

  get ready(): boolean {
    return this.n > this.period;
  }
  value(): SuperTrendValue {
    return { value: this.cur, direction: this.dir };
  }
  output(index: number): number {
    return index === 0 ? this.cur : this.dir;
  }
  reset(): void {
    this.atr.reset();
    this.n = 0;
    this.prevClose = NaN;
    this.upper = this.lower = NaN;
    this.bullish = true;
    this.cur = this.dir = NaN;
  }
}

export interface IchimokuValue {
  tenkan: number;
  kijun: number;
  senkouA: number;
  senkouB: number;
  chikou: number;
}

/** Numbers per slot of Ichimoku's ring. */
const SLOT = 6;

export class Ichimoku implements Indicator<IchimokuValue> {
  readonly name: string;
  readonly warmup: number;
  readonly outputs = ['tenkan', 'kijun', 'senkouA', 'senkouB', 'chikou'] as const;
  private readonly tRange: RollingRange;
  /** Only when the kijun window is not covered by three tenkan windows (see `ring`). */
  private readonly kRange: RollingRange | null;
  /** Only when senkou ≠ 2·kijun. */
  private readonly sRange: RollingRange | null;
  /**
   * One ring of `kijun` slots, SLOT numbers each, all at the same position: [0, 1] the tenkan
   * window's high/low at that bar, [2, 3] the kijun window's high/low at that bar, [4, 5] the
   * delay lines of the leading spans (NaN until written). One typed array rather than four: each
   * typed array touched costs its own backing-store and bounds loads.
   *
   * Kijun from tenkan windows: when tenkan < kijun ≤ 3·tenkan (the default 9/26), the kijun
   * window [t−kijun+1, t] is covered by the tenkan windows ending at t, t−lag1 and t−lag2 (lag1 =
   * tenkan, lag2 = kijun−tenkan; they may overlap, which a max/min does not mind), so its extremes
   * are two loads and selects of past tenkan extremes instead of a second rolling range (exact: a
   * max of maxima of windows covering it). Other periods keep a rolling range for the kijun.
   * Senkou from kijun windows: when senkou = 2·kijun (the default 9/26/52), the senkou window is
   * the kijun window `kijun` bars ago joined with the current one: two more compares.
   */
  private readonly ring: Float64Array;
  /** Lags (bars) of the two past tenkan windows covering the kijun window. */
  private readonly lag1: number;
  private readonly lag2: number;
  /** Scratch of the branch-free selects. */
  private readonly sel = new Float64Array(4);
  private pos = 0;
  private n = 0;
  /**
   * The outputs in `outputs` order. A typed array, not five number fields: a number field holds a
   * boxed double, so each store is a load of the box and a store into it (measured ≈ 5 ns of the
   * update for the five).
   */
  private readonly out = new Float64Array(5).fill(NaN);

  constructor(
    readonly tenkan: number,
    readonly kijun: number,
    readonly senkou: number,
  ) {
    assertInt('ichimoku', 'tenkan period', tenkan);
    assertInt('ichimoku', 'kijun period', kijun);
    assertInt('ichimoku', 'senkou period', senkou);
    this.name = `ichimoku_${tenkan}_${kijun}_${senkou}`;
    this.warmup = Math.max(tenkan, kijun, senkou) - 1 + kijun;
    this.tRange = new RollingRange(tenkan);
    const covered = tenkan < kijun && kijun <= 3 * tenkan;
    this.lag1 = Math.min(tenkan, kijun - tenkan);
    this.lag2 = kijun - tenkan;
    this.kRange = covered ? null : new RollingRange(kijun);
    this.sRange = senkou === 2 * kijun ? null : new RollingRange(senkou);
    this.ring = new Float64Array(SLOT * kijun);
    this.clearRing();
  }

  update(bar: IndicatorInput): void {
    const h = bar.high;
    const l = bar.low;
    const close = bar.close;
    const tRange = this.tRange;
    tRange.push(h, l);
    const n = ++this.n;
    const ring = this.ring;
    const kijunP = this.kijun;
    const pos = this.pos;
    const o = SLOT * pos;
    const th = tRange.high;
    const tl = tRange.low;
    ring[o] = th;
    ring[o + 1] = tl;
    let kh: number;
    let kl: number;
    const kRange = this.kRange;
    if (kRange === null) {
      // Which of the windows holds the extreme is data-dependent (a jump would mispredict
      // often): branch-free selects, `sel[+(a > b)]` with sel = [b, a] being `a > b ? a : b`.
      const sel = this.sel;
      // (the compares read registers, not the values just stored: shorter store-to-load chains)
      let q = pos - this.lag1;
      let at = SLOT * (q < 0 ? q + kijunP : q);
      let xh = ring[at]!;
      let xl = ring[at + 1]!;
      sel[0] = th;
      sel[1] = xh;
      sel[2] = tl;
      sel[3] = xl;
      kh = sel[+(xh > th)]!;
      kl = sel[2 + +(xl < tl)]!;
      q = pos - this.lag2;
      at = SLOT * (q < 0 ? q + kijunP : q);
      xh = ring[at]!;
      xl = ring[at + 1]!;
      sel[0] = kh;
      sel[1] = xh;
      sel[2] = kl;
      sel[3] = xl;
      kh = sel[+(xh > kh)]!;
      kl = sel[2 + +(xl < kl)]!;
    } else {
      kRange.push(h, l);
      kh = kRange.high;
      kl = kRange.low;
    }
    let spanB: number;
    const sRange = this.sRange;
    if (sRange === null) {
      const ph = ring[o + 2]!;
      const pl = ring[o + 3]!;
      spanB = n >= this.senkou ? ((ph > kh ? ph : kh) + (pl < kl ? pl : kl)) / 2 : NaN;
    } else {
      sRange.push(h, l);
      spanB = n >= this.senkou ? (sRange.high + sRange.low) / 2 : NaN;
    }
    ring[o + 2] = kh;
    ring[o + 3] = kl;
    const tenkan = n >= this.tenkan ? (th + tl) / 2 : NaN;
    const kijun = n >= kijunP ? (kh + kl) / 2 : NaN;
    const out = this.out;
    out[0] = tenkan;
    out[1] = kijun;
    out[2] = ring[o + 4]!;
    out[3] = ring[o + 5]!;
    out[4] = close;
    ring[o + 4] = (tenkan + kijun) / 2;
    ring[o + 5] = spanB;
    this.pos = pos + 1 === kijunP ? 0 : pos + 1;
  }

  private clearRing(): void {
    const ring = this.ring;
    for (let i = 0; i < ring.length; i += SLOT) {
      ring[i] = ring[i + 2] = -Infinity;
      ring[i + 1] = ring[i + 3] = Infinity;
      ring[i + 4] = ring[i + 5] = NaN;
    }
  }

  get ready(): boolean {
    return this.n > this.warmup;
  }
  value(): IchimokuValue {
    const out = this.out;
    return { tenkan: out[0]!, kijun: out[1]!, senkouA: out[2]!, senkouB: out[3]!, chikou: out[4]! };
  }
  output(index: number): number {
    // 0 tenkan, 1 kijun, 2 senkouA, 3 senkouB, anything else chikou (as before)
    return this.out[index >= 0 && index < 4 ? index : 4]!;
  }
  reset(): void {
    this.tRange.reset();
    this.kRange?.reset();
    this.sRange?.reset();
    this.clearRing();
    this.pos = 0;
    this.n = 0;
    this.out.fill(NaN);
  }
}
