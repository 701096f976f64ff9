/**
 * Momentum oscillators: RSI, MACD, Stochastic, StochRSI, CCI, ROC, MOM, Williams %R.
 *
 * All mirror TA-Lib 0.6 (first valid index = TA-Lib lookback, same seeding, same formulas and
 * zero-denominator fallbacks) and are streaming: O(1) per update except CCI, whose mean absolute
 * deviation needs one pass over its window (O(period), period is small; this is the one documented
 * exception, as in TA-Lib itself). Windows use ring buffers and monotonic deques; no allocation
 * happens in `update`.
 *
 * - RSI: Wilder smoothing; the first average gain/loss is the plain mean of the first `period`
 *   changes (bars 1..period), first output at index `period`. gain+loss ≈ 0 → 0 (TA-Lib).
 * - MACD: TA-Lib's seeding — the slow EMA is seeded on bars 0..slow−1 and the fast EMA on bars
 *   slow−fast..slow−1 (both first valid at slow−1); the signal EMA is seeded with the SMA of the
 *   first `signal` MACD values; all three outputs start at slow+signal−2.
 * - Stochastic: fast %K = 100·(C−LL)/(HH−LL) over `kPeriod` bars (0 when HH=LL), %K = SMA(fast
 *   %K, kSmooth), %D = SMA(%K, dPeriod); both outputs start at kPeriod+kSmooth+dPeriod−3
 *   (TA-Lib STOCH with SMA; `stoch:14:1:3` is TA-Lib STOCHF).
 * - StochRSI: the stochastic of RSI(rsiPeriod) over `stochPeriod`, smoothed: k = SMA(raw, kSmooth),
 *   d = SMA(k, dPeriod). `stochrsi:14:14:1:3` is exactly TA-Lib STOCHRSI(14,14,3) fastk/fastd.
 */
import type { IndicatorInput, Indicator, SingleInputIndicator } from './types';
import { assertInt, isZero } from './types';
import { RollingExtreme } from './buffers';
import { Ema, Sma } from './moving-averages';

const VALUE = ['value'] as const;

export class Rsi implements SingleInputIndicator<number> {
  readonly name: string;
  readonly warmup: number;
  readonly outputs = VALUE;
  private n = 0;
  private prev = NaN;
  private gain = 0;
  private loss = 0;
  private cur = NaN;

  constructor(readonly period: number) {
    assertInt('rsi', 'period', period);
    this.name = `rsi_${period}`;
    this.warmup = period;
  }

  update(bar: IndicatorInput): void {
    this.updateValue(bar.close);
  }

  updateValue(x: number): void {
    const n = this.n++;
    if (n === 0) {
      this.prev = x;
      return;
    }
    const d = x - this.prev;
    this.prev = x;
    const p = this.period;
    if (n <= p) {
      if (d < 0) this.loss -= d;
      else this.gain += d;
      if (n < p) return;
      this.loss /= p;
      this.gain /= p;
    } else {
      this.loss *= p - 1;
      this.gain *= p - 1;
      if (d < 0) this.loss -= d;
      else this.gain += d;
      this.loss /= p;
      this.gain /= p;
    }
    const s = this.gain + this.loss;
    this.cur = isZero(s) ? 0 : 100 * (this.gain / s);
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
    this.prev = NaN;
    this.gain = 0;
    this.loss = 0;
    this.cur = NaN;
  }
}

export interface MacdValue {
  macd: number;
  signal: number;
  hist: number;
}

export class Macd implements SingleInputIndicator<MacdValue> {
  readonly name: string;
  readonly warmup: number;
  readonly outputs = ['macd', 'signal', 'hist'] as const;
  private readonly fastEma: Ema;
  private readonly slowEma: Ema;
  private readonly signalEma: Ema;
  private readonly fastStart: number;
  private n = 0;
  private m = NaN;
  private s = NaN;
  private h = NaN;

  constructor(
    readonly fast: number,
    readonly slow: number,
    readonly signal: number,
  ) {
    assertInt('macd', 'fast period', fast);
    assertInt('macd', 'slow period', slow);
    assertInt('macd', 'signal period', signal);
    if (fast > slow) throw new Error(`macd fast period (${fast}) must not exceed slow period (${slow})`);
    this.name = `macd_${fast}_${slow}_${signal}`;
    this.warmup = slow + signal - 2;
    this.fastEma = new Ema(fast);
    this.slowEma = new Ema(slow);
    this.signalEma = new Ema(signal);
    this.fastStart = slow - fast;
  }

  update(bar: IndicatorInput): void {
    this.updateValue(bar.close);
  }

  updateValue(x: number): void {
    const n = this.n++;
    this.slowEma.updateValue(x);
    if (n >= this.fastStart) this.fastEma.updateValue(x);
    if (!this.slowEma.ready) return;
    const macd = this.fastEma.current - this.slowEma.current;
    const sig = this.signalEma;
    sig.updateValue(macd);
    if (sig.ready) {
      this.m = macd;
      this.s = sig.current;
      this.h = macd - this.s;
    }
  }

  get ready(): boolean {
    return this.signalEma.ready;
  }
  value(): MacdValue {
    return { macd: this.m, signal: this.s, hist: this.h };
  }
  output(index: number): number {
    return index === 0 ? this.m : index === 1 ? this.s : this.h;
  }
  reset(): void {
    this.fastEma.reset();
    this.slowEma.reset();
    this.signalEma.reset();
    this.n = 0;
    this.m = this.s = this.h = NaN;
  }
}

export interface KdValue {
  k: number;
  d: number;
}

export class Stoch implements Indicator<KdValue> {
  readonly name: string;
  readonly warmup: number;
  readonly outputs = ['k', 'd'] as const;
  private readonly hh: RollingExtreme;
  private readonly ll: RollingExtreme;
  private readonly kSma: Sma;
  private readonly dSma: Sma;
  private k = NaN;
  private d = NaN;

  constructor(
    readonly kPeriod: number,
    readonly kSmooth: number,
    readonly dPeriod: number,
  ) {
    assertInt('stoch', 'k period', kPeriod);
    assertInt('stoch', 'k smoothing', kSmooth);
    assertInt('stoch', 'd period', dPeriod);
    this.name = `stoch_${kPeriod}_${kSmooth}_${dPeriod}`;
    this.warmup = kPeriod + kSmooth + dPeriod - 3;
    this.hh = new RollingExtreme(kPeriod, 'max');
    this.ll = new RollingExtreme(kPeriod, 'min');
    this.kSma = new Sma(kSmooth);
    this.dSma = new Sma(dPeriod);
  }

  update(bar: IndicatorInput): void {
    this.hh.push(bar.high);
    this.ll.push(bar.low);
    if (this.hh.pushed < this.kPeriod) return;
    const lowest = this.ll.current;
    const diff = (this.hh.current - lowest) / 100;
    const fastK = diff !== 0 ? (bar.close - lowest) / diff : 0;
    this.kSma.updateValue(fastK);
    if (!this.kSma.ready) return;
    const k = this.kSma.current;
    this.dSma.updateValue(k);
    if (this.dSma.ready) {
      this.k = k;
      this.d = this.dSma.current;
    }
  }

  get ready(): boolean {
    return this.dSma.ready;
  }
  value(): KdValue {
    return { k: this.k, d: this.d };
  }
  output(index: number): number {
    return index === 0 ? this.k : this.d;
  }
  reset(): void {
    this.hh.reset();
    this.ll.reset();
    this.kSma.reset();
    this.dSma.reset();
    this.k = this.d = NaN;
  }
}

export class StochRsi implements SingleInputIndicator<KdValue> {
  readonly name: string;
  readonly warmup: number;
  readonly outputs = ['k', 'd'] as const;
  private readonly rsi: Rsi;
  private readonly hh: RollingExtreme;
  private readonly ll: RollingExtreme;
  private readonly kSma: Sma;
  private readonly dSma: Sma;
  private k = NaN;
  private d = NaN;

  constructor(
    readonly rsiPeriod: number,
    readonly stochPeriod: number,
    readonly kSmooth: number,
    readonly dPeriod: number,
  ) {
    assertInt('stochrsi', 'rsi period', rsiPeriod);
    assertInt('stochrsi', 'stoch period', stochPeriod);
    assertInt('stochrsi', 'k smoothing', kSmooth);
    assertInt('stochrsi', 'd period', dPeriod);
    this.name = `stochrsi_${rsiPeriod}_${stochPeriod}_${kSmooth}_${dPeriod}`;
    this.warmup = rsiPeriod + stochPeriod + kSmooth + dPeriod - 3;
    this.rsi = new Rsi(rsiPeriod);
    this.hh = new RollingExtreme(stochPeriod, 'max');
    this.ll = new RollingExtreme(stochPeriod, 'min');
    this.kSma = new Sma(kSmooth);
    this.dSma = new Sma(dPeriod);
  }

  update(bar: IndicatorInput): void {
    this.updateValue(bar.close);
  }

  updateValue(x: number): void {
    const rsi = this.rsi;
    rsi.updateValue(x);
    if (!rsi.ready) return;
    const r = rsi.current;
    this.hh.push(r);
    this.ll.push(r);
    if (this.hh.pushed < this.stochPeriod) return;
    const lowest = this.ll.current;
    const diff = (this.hh.current - lowest) / 100;
    this.kSma.updateValue(diff !== 0 ? (r - lowest) / diff : 0);
    if (!this.kSma.ready) return;
    const k = this.kSma.current;
    this.dSma.updateValue(k);
    if (this.dSma.ready) {
      this.k = k;
      this.d = this.dSma.current;
    }
  }

  get ready(): boolean {
    return this.dSma.ready;
  }
  value(): KdValue {
    return { k: this.k, d: this.d };
  }
  output(index: number): number {
    return index === 0 ? this.k : this.d;
  }
  reset(): void {
    this.rsi.reset();
    this.hh.reset();
    this.ll.reset();
    this.kSma.reset();
    this.dSma.reset();
    this.k = this.d = NaN;
  }
}

/**
 * Commodity Channel Index over the typical price (H+L+C)/3: (TP − SMA(TP)) / (0.015 · meanDev).
 * TA-Lib recomputes the window mean from the buffer on every bar (no drift) and returns 0 when
 * either the deviation or the numerator is exactly 0; we do the same. O(period) per update.
 */
export class Cci implements Indicator<number> {
  readonly name: string;
  readonly warmup: number;
  readonly outputs = VALUE;
  private readonly ring: Float64Array;
  private pos = 0;
  private n = 0;
  private cur = NaN;

  constructor(readonly period: number) {
    assertInt('cci', 'period', period);
    this.name = `cci_${period}`;
    this.warmup = period - 1;
    this.ring = new Float64Array(period);
  }

  update(bar: IndicatorInput): void {
    const tp = (bar.high + bar.low + bar.close) / 3;
    const p = this.period;
    const ring = this.ring;
    ring[this.pos] = tp;
    this.pos = this.pos + 1 === p ? 0 : this.pos + 1;
    if (++this.n < p) return;
    let avg = 0;
    for (let i = 0; i < p; i++) avg += ring[i]!;
    avg /= p;
    let dev = 0;
    for (let i = 0; i < p; i++) dev += Math.abs(ring[i]! - avg);
    const num = tp - avg;
    this.cur = num !== 0 && dev !== 0 ? num / (0.015 * (dev / p)) : 0;
  }

  get ready(): boolean {
    return this.n >= this.period;
  }
  value(): number {
    return this.cur;
  }
  output(_index: number): number {
    return this.cur;
  }
  reset(): void {
    this.ring.fill(0);
    this.pos = 0;
    this.n = 0;
    this.cur = NaN;
  }
}

/** Shared ring for ROC/MOM: compares x with the value `period` updates ago. */
abstract class LagIndicator implements SingleInputIndicator<number> {
  abstract readonly name: string;
  readonly warmup: number;
  readonly outputs = VALUE;
  private readonly ring: Float64Array;
  private pos = 0;
  private n = 0;
  private cur = NaN;

  constructor(
    indicator: string,
    readonly period: number,
  ) {
    assertInt(indicator, 'period', period);
    this.warmup = period;
    this.ring = new Float64Array(period);
  }

  protected abstract compute(x: number, old: number): number;

  update(bar: IndicatorInput): void {
    this.updateValue(bar.close);
  }

  updateValue(x: number): void {
    const pos = this.pos;
    const old = this.ring[pos]!;
    this.ring[pos] = x;
    this.pos = pos + 1 === this.period ? 0 : pos + 1;
    if (this.n++ >= this.period) this.cur = this.compute(x, old);
  }

  get ready(): boolean {
    return this.n > this.period;
  }
  value(): number {
    return this.cur;
  }
  output(_index: number): number {
    return this.cur;
  }
  reset(): void {
    this.ring.fill(0);
    this.pos = 0;
    this.n = 0;
    this.cur = NaN;
  }
}

/** Rate of change in percent: (x / x[−period] − 1)·100; 0 when x[−period] is 0 (TA-Lib ROC). */
export class Roc extends LagIndicator {
  override readonly name: string;
  constructor(period: number) {
    super('roc', period);
    this.name = `roc_${period}`;
  }
  protected override compute(x: number, old: number): number {
    return old !== 0 ? (x / old - 1) * 100 : 0;
  }
}

/** Momentum: x − x[−period] (TA-Lib MOM). */
export class Mom extends LagIndicator {
  override readonly name: string;
  constructor(period: number) {
    super('mom', period);
    this.name = `mom_${period}`;
  }
  protected override compute(x: number, old: number): number {
    return x - old;
  }
}

/** Williams %R in [−100, 0]: (HH − C)/(HH − LL)·(−100) over `period` bars incl. the current; 0 when HH=LL (TA-Lib WILLR). */
export class WillR implements Indicator<number> {
  readonly name: string;
  readonly warmup: number;
  readonly outputs = VALUE;
  private readonly hh: RollingExtreme;
  private readonly ll: RollingExtreme;
  private cur = NaN;

  constructor(readonly period: number) {
    assertInt('willr', 'period', period);
    this.name = `willr_${period}`;
    this.warmup = period - 1;
    this.hh = new RollingExtreme(period, 'max');
    this.ll = new RollingExtreme(period, 'min');
  }

  update(bar: IndicatorInput): void {
    this.hh.push(bar.high);
    this.ll.push(bar.low);
    if (this.hh.pushed < this.period) return;
    const highest = this.hh.current;
    const diff = (highest - this.ll.current) / -100;
    this.cur = diff !== 0 ? (highest - bar.close) / diff : 0;
  }

  get ready(): boolean {
    return this.hh.pushed >= this.period;
  }
  value(): number {
    return this.cur;
  }
  output(_index: number): number {
    return this.cur;
  }
  reset(): void {
    this.hh.reset();
    this.ll.reset();
    this.cur = NaN;
  }
}
