/**
 * Volatility and channel indicators: ATR, NATR, Bollinger Bands, Keltner Channels, Donchian Channels.
 *
 * Streaming, O(1) amortised per update, allocation-free in `update`.
 * - ATR (TA-Lib): true range needs the previous close, so TR starts at bar 1; the first ATR is the
 *   mean of TR[1..period] (index `period`), then Wilder: atr = (atr·(period−1) + tr)/period.
 * - NATR = 100·ATR/close (0 when close ≈ 0), TA-Lib.
 * - Bollinger (TA-Lib BBANDS, SMA middle, population σ, same multiplier up and down). Variance is
 *   computed from running sums of (x − shift) and (x − shift)² where `shift` is re-based on the
 *   oldest window value and the sums are recomputed exactly every `period` updates: this avoids
 *   both the catastrophic cancellation of E[x²] − E[x]² at high price levels and drift on endless
 *   streams (amortised O(1)); it agrees with TA-Lib to ~1e-12 relative. σ² ≤ 1e-14·… → σ = 0.
 * - Keltner (Skender convention, no TA-Lib equivalent): middle = EMA(close, emaPeriod) (SMA-seeded),
 *   bands = middle ± multiplier·ATR(atrPeriod) (Wilder, as above); valid once both are valid.
 * - Donchian (Skender convention, no TA-Lib equivalent): upper/lower = highest high / lowest low of
 *   the `period` bars BEFORE the current bar (the current bar is excluded, so a close above `upper`
 *   is a breakout), middle = (upper+lower)/2; first valid at index `period`.
 */
import type { Indicator, IndicatorInput } from './types';
import { assertInt, assertPositive, isZero, trueRange } from './types';
import { RollingRange } from './buffers';
import { Ema } from './moving-averages';

const VALUE = ['value'] as const;

export class Atr implements Indicator<number> {
  readonly name: string;
  readonly warmup: number;
  readonly outputs = VALUE;
  private n = 0;
  private prevClose = NaN;
  private sum = 0;
  private cur = NaN;

  constructor(readonly period: number) {
    assertInt('atr', 'period', period);
    this.name = `atr_${period}`;
    this.warmup = period;
  }

  update(bar: IndicatorInput): void {
    const n = this.n++;
    const prevClose = this.prevClose;
    this.prevClose = bar.close;
    if (n === 0) return;
    const tr = trueRange(bar.high, bar.low, prevClose);
    const p = this.period;
    if (n < p) {
      this.sum += tr;
    } else if (n === p) {
      this.sum += tr;
      this.cur = this.sum / p;
    } else {
      this.cur = (this.cur * (p - 1) + tr) / p;
    }
  }

  get ready(): boolean {
    return this.n > this.period;
  }
  get current(): number {
    return this.cur;
  }
  value(): number {
    return this.cur;
  }
  output(_index: number): number {
    return this.cur;
  }
  reset(): void {
    this.n = 0;
    this.prevClose = NaN;
    this.sum = 0;
    this.cur = NaN;
  }
}

export class Natr implements Indicator<number> {
  readonly name: string;
  readonly warmup: number;
  readonly outputs = VALUE;
  private readonly atr: Atr;
  private cur = NaN;

  constructor(readonly period: number) {
    assertInt('natr', 'period', period);
    this.name = `natr_${period}`;
    this.warmup = period;
    this.atr = new Atr(period);
  }

  update(bar: IndicatorInput): void {
    const atr = this.atr;
    atr.update(bar);
    if (atr.ready) this.cur = isZero(bar.close) ? 0 : (atr.current / bar.close) * 100;
  }

  get ready(): boolean {
    return this.atr.ready;
  }
  value(): number {
    return this.cur;
  }
  output(_index: number): number {
    return this.cur;
  }
  reset(): void {
    this.atr.reset();
    this.cur = NaN;
  }
}

export interface BandsValue {
  upper: number;
  middle: number;
  lower: number;
}

const BANDS = ['upper', 'middle', 'lower'] as const;

export class BollingerBands implements Indicator<BandsValue> {
  readonly name: string;
  readonly warmup: number;
  readonly outputs = BANDS;
  private readonly ring: Float64Array;
  private pos = 0;
  private n = 0;
  private shift = 0;
  private s1 = 0;
  private s2 = 0;
  private u = NaN;
  private m = NaN;
  private l = NaN;

  constructor(
    readonly period: number,
    readonly multiplier: number,
  ) {
    assertInt('bb', 'period', period);
    assertPositive('bb', 'multiplier', multiplier);
    this.name = `bb_${period}_${multiplier}`;
    this.warmup = period - 1;
    this.ring = new Float64Array(period);
  }

  update(bar: IndicatorInput): void {
    this.updateValue(bar.close);
  }

  updateValue(x: number): void {
    const p = this.period;
    const ring = this.ring;
    const pos = this.pos;
    if (this.n === 0) this.shift = x;
    const sh = this.shift;
    if (this.n >= p) {
      const o = ring[pos]! - sh;
      this.s1 -= o;
      this.s2 -= o * o;
    }
    const d = x - sh;
    this.s1 += d;
    this.s2 += d * d;
    ring[pos] = x;
    const next = pos + 1 === p ? 0 : pos + 1;
    this.pos = next;
    this.n++;
    if (this.n < p) return;
    const mean1 = this.s1 / p;
    const mean = sh + mean1;
    const variance = this.s2 / p - mean1 * mean1;
    const sd = variance > 0 && !isZero(variance) ? Math.sqrt(variance) : 0;
    const w = sd * this.multiplier;
    this.m = mean;
    this.u = mean + w;
    this.l = mean - w;
    if (next === 0) this.rebase();
  }

  /** Exact recomputation of the sums around the oldest window value (every `period` updates). */
  private rebase(): void {
    const ring = this.ring;
    const p = this.period;
    const sh = ring[this.pos]!;
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < p; i++) {
      const d = ring[i]! - sh;
      s1 += d;
      s2 += d * d;
    }
    this.shift = sh;
    this.s1 = s1;
    this.s2 = s2;
  }

  get ready(): boolean {
    return this.n >= this.period;
  }
  value(): BandsValue {
    return { upper: this.u, middle: this.m, lower: this.l };
  }
  output(index: number): number {
    return index === 0 ? this.u : index === 1 ? this.m : this.l;
  }
  reset(): void {
    this.ring.fill(0);
    this.pos = 0;
    this.n = 0;
    this.shift = 0;
    this.s1 = 0;
    this.s2 = 0;
    this.u = this.m = this.l = NaN;
  }
}

export class Keltner implements Indicator<BandsValue> {
  readonly name: string;
  readonly warmup: number;
  readonly outputs = BANDS;
  private readonly ema: Ema;
  private readonly atr: Atr;
  private u = NaN;
  private m = NaN;
  private l = NaN;

  constructor(
    readonly emaPeriod: number,
    readonly multiplier: number,
    readonly atrPeriod: number,
  ) {
    assertInt('keltner', 'ema period', emaPeriod);
    assertPositive('keltner', 'multiplier', multiplier);
    assertInt('keltner', 'atr period', atrPeriod);
    this.name = `keltner_${emaPeriod}_${multiplier}_${atrPeriod}`;
    this.warmup = Math.max(emaPeriod - 1, atrPeriod);
    this.ema = new Ema(emaPeriod);
    this.atr = new Atr(atrPeriod);
  }

  update(bar: IndicatorInput): void {
    this.ema.updateValue(bar.close);
    this.atr.update(bar);
    if (!this.ema.ready || !this.atr.ready) return;
    const mid = this.ema.current;
    const span = this.atr.current * this.multiplier;
    this.m = mid;
    this.u = mid + span;
    this.l = mid - span;
  }

  get ready(): boolean {
    return this.ema.ready && this.atr.ready;
  }
  value(): BandsValue {
    return { upper: this.u, middle: this.m, lower: this.l };
  }
  output(index: number): number {
    return index === 0 ? this.u : index === 1 ? this.m : this.l;
  }
  reset(): void {
    this.ema.reset();
    this.atr.reset();
    this.u = this.m = this.l = NaN;
  }
}

export class Donchian implements Indicator<BandsValue> {
  readonly name: string;
  readonly warmup: number;
  readonly outputs = BANDS;
  private readonly range: RollingRange;
  private u = NaN;
  private m = NaN;
  private l = NaN;

  constructor(readonly period: number) {
    assertInt('donchian', 'period', period);
    this.name = `donchian_${period}`;
    this.warmup = period;
    this.range = new RollingRange(period);
  }

  update(bar: IndicatorInput): void {
    const range = this.range;
    // the channel of the previous `period` bars, read before the current bar enters the window
    if (range.pushed >= this.period) {
      const u = range.high;
      const l = range.low;
      this.u = u;
      this.l = l;
      this.m = (u + l) / 2;
    }
    range.push(bar.high, bar.low);
  }

  get ready(): boolean {
    return this.range.pushed > this.period;
  }
  value(): BandsValue {
    return { upper: this.u, middle: this.m, lower: this.l };
  }
  output(index: number): number {
    return index === 0 ? this.u : index === 1 ? this.m : this.l;
  }
  reset(): void {
    this.range.reset();
    this.u = this.m = this.l = NaN;
  }
}
