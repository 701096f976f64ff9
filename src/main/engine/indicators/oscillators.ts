/**
 * Momentum oscillators: RSI, MACD, Stochastic, StochRSI, CCI, ROC, MOM, Williams %R.
 *
 * All mirror TA-Lib 0.6 (first valid index = TA-Lib lookback, same seeding, same formulas and
 * zero-denominator fallbacks) and are streaming: O(1) per update except CCI, whose mean absolute
 * deviation needs one pass over its window (O(period), period is small; this is the one documented
 * exception, as in TA-Lib itself). Windows use ring buffers; highest-high/lowest-low windows use
 * one `RollingRange` (both extremes in one block-based structure, see buffers.ts). No allocation
 * happens in `update`; `update(bar)` reads each bar field once.
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
import { assertInt, isZero, TA_EPSILON } from './types';
import { RollingRange } from './buffers';
import { Ema } from './moving-averages';

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

/**
 * %K = SMA(fast %K, kSmooth) and %D = SMA(%K, dPeriod) of Stochastic and StochRSI, in one object
 * with one ring: the SMA's operations in its order — (sum − oldest) + newest, then sum / period
 * (TA-Lib's) — so the same numbers as two `Sma`s, with one call and one ready check per bar. The
 * divisions are off the loop-carried chains (the sums), so they cost throughput, not latency.
 */
class KdSmoother {
  /** Rings of the two SMAs: [0, kSmooth) fast %K values, [kSmooth, kSmooth + dPeriod) %K values. */
  private readonly ring: Float64Array;
  /** Fast %K values pushed. */
  count = 0;
  k = NaN;
  d = NaN;
  private kPos = 0;
  private dPos = 0;
  private kSum = 0;
  private dSum = 0;

  constructor(
    private readonly kSmooth: number,
    private readonly dPeriod: number,
  ) {
    this.ring = new Float64Array(kSmooth + dPeriod);
  }

  get ready(): boolean {
    return this.count >= this.kSmooth + this.dPeriod - 1;
  }

  push(fastK: number): void {
    const count = ++this.count;
    const ring = this.ring;
    const ks = this.kSmooth;
    const kPos = this.kPos;
    let kSum = this.kSum;
    if (count > ks) kSum -= ring[kPos]!;
    kSum += fastK;
    ring[kPos] = fastK;
    this.kSum = kSum;
    this.kPos = kPos + 1 === ks ? 0 : kPos + 1;
    if (count < ks) return;
    const k = kSum / ks;
    const dp = this.dPeriod;
    const dPos = this.dPos;
    const kCount = count - ks + 1;
    let dSum = this.dSum;
    if (kCount > dp) dSum -= ring[ks + dPos]!;
    dSum += k;
    ring[ks + dPos] = k;
    this.dSum = dSum;
    this.dPos = dPos + 1 === dp ? 0 : dPos + 1;
    if (kCount < dp) return;
    this.k = k;
    this.d = dSum / dp;
  }

  reset(): void {
    this.ring.fill(0);
    this.count = 0;
    this.kPos = this.dPos = 0;
    this.kSum = this.dSum = 0;
    this.k = this.d = NaN;
  }
}

export class Stoch implements Indicator<KdValue> {
  readonly name: string;
  readonly warmup: number;
  readonly outputs = ['k', 'd'] as const;
  private readonly range: RollingRange;
  private readonly kd: KdSmoother;

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
    this.range = new RollingRange(kPeriod);
    this.kd = new KdSmoother(kSmooth, dPeriod);
  }

  update(bar: IndicatorInput): void {
    const close = bar.close;
    const range = this.range;
    range.push(bar.high, bar.low);
    if (range.pushed < this.kPeriod) return;
    const lowest = range.low;
    const diff = (range.high - lowest) / 100;
    this.kd.push(diff !== 0 ? (close - lowest) / diff : 0);
  }

  get ready(): boolean {
    return this.kd.ready;
  }
  value(): KdValue {
    return { k: this.kd.k, d: this.kd.d };
  }
  output(index: number): number {
    return index === 0 ? this.kd.k : this.kd.d;
  }
  reset(): void {
    this.range.reset();
    this.kd.reset();
  }
}

/**
 * StochRSI fused into one update (RSI inline, rolling range, the `KdSmoother`) because it is the
 * longest chain of the set: the composed version spent most of its time in seven serial divisions
 * and a data-dependent gain/loss branch. Here the Wilder divisions are multiplications by a
 * precomputed reciprocal (a rounding difference of an ulp or so, far inside the TA-Lib parity
 * tolerance), the gain/loss split is branchless and exact (`(d + |d|)·0.5`, `up − d`), and what
 * still divides (RSI, the stochastic, the SMAs) is off the loop-carried chains.
 */
export class StochRsi implements SingleInputIndicator<KdValue> {
  readonly name: string;
  readonly warmup: number;
  readonly outputs = ['k', 'd'] as const;
  private readonly range: RollingRange;
  private readonly kd: KdSmoother;
  private readonly invP: number;
  private readonly keep: number;
  private n = 0;
  private prev = NaN;
  private gain = 0;
  private loss = 0;

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
    this.range = new RollingRange(stochPeriod);
    this.kd = new KdSmoother(kSmooth, dPeriod);
    this.invP = 1 / rsiPeriod;
    this.keep = rsiPeriod - 1;
  }

  update(bar: IndicatorInput): void {
    this.updateValue(bar.close);
  }

  updateValue(x: number): void {
    const n = this.n++;
    const d = x - this.prev;
    this.prev = x;
    const up = (d + Math.abs(d)) * 0.5;
    const down = up - d;
    const p = this.rsiPeriod;
    if (n > p) {
      this.gain = (this.gain * this.keep + up) * this.invP;
      this.loss = (this.loss * this.keep + down) * this.invP;
    } else {
      this.warmRsi(n, up, down);
      if (n < p) return;
    }
    const s = this.gain + this.loss;
    // gain and loss are never negative, so TA-Lib's |s| < ε is this one compare
    const r = s < TA_EPSILON ? 0 : 100 * (this.gain / s);
    const range = this.range;
    range.push(r, r);
    const m = n - p + 1; // RSI values so far
    if (m < this.stochPeriod) return;
    const lowest = range.low;
    const diff = (range.high - lowest) / 100;
    this.kd.push(diff !== 0 ? (r - lowest) / diff : 0);
  }

  /** Bars 0..period of the RSI: the first average is the plain mean of the first `period` changes. */
  private warmRsi(n: number, up: number, down: number): void {
    if (n === 0) return;
    this.gain += up;
    this.loss += down;
    if (n === this.rsiPeriod) {
      this.gain /= n;
      this.loss /= n;
    }
  }

  get ready(): boolean {
    return this.n > this.warmup;
  }
  value(): KdValue {
    return { k: this.kd.k, d: this.kd.d };
  }
  output(index: number): number {
    return index === 0 ? this.kd.k : this.kd.d;
  }
  reset(): void {
    this.range.reset();
    this.kd.reset();
    this.n = 0;
    this.prev = NaN;
    this.gain = this.loss = 0;
  }
}

/**
 * Commodity Channel Index over the typical price (H+L+C)/3: (TP − SMA(TP)) / (0.015 · meanDev).
 * TA-Lib recomputes the window mean from its circular buffer on every bar (slots summed left to
 * right, no drift) and returns 0 when either the deviation or the numerator is exactly 0.
 *
 * The mean is TA-Lib's bit for bit, because near a zero numerator (TP ≈ mean) any rounding
 * difference in it is the whole result: the window sum is `(…(ring[0] + ring[1]) + …) +
 * ring[p−1]`, TA-Lib's additions in TA-Lib's order. Writing slot `pos` leaves the prefix
 * ring[0..pos−1] unchanged, so we carry one number, `head` = the left-to-right sum of
 * ring[0..pos] (the previous update's head plus the new value, or the new value at pos 0), and
 * add only the slots after `pos`: p−1−pos dependent adds (≈ p/2 on average), no stores.
 *
 * The mean absolute deviation Σ|x_i − mean| gets a new mean every bar, so every term changes and
 * it is O(period) by definition. Its terms are all ≥ 0, so the sum is well conditioned in any
 * order: it is summed in four independent lanes (a chain of p/4 dependent adds instead of p),
 * which can differ from TA-Lib's serial sum by a few ulps (relative ≤ p·2⁻⁵³), and is 0 exactly
 * when TA-Lib's is (a sum of non-negative numbers is 0 iff every term is). The result is one
 * division, num·(p/0.015)/dev, instead of TA-Lib's two (again a few ulps).
 */
export class Cci implements Indicator<number> {
  readonly name: string;
  readonly warmup: number;
  readonly outputs = VALUE;
  private readonly ring: Float64Array;
  /** p / 0.015: the scale of num / dev. */
  private readonly scale: number;
  /** Left-to-right sum of ring[0..pos−1] (TA-Lib's order); unused when pos = 0. */
  private head = 0;
  private pos = 0;
  private n = 0;
  private cur = NaN;

  constructor(readonly period: number) {
    assertInt('cci', 'period', period);
    this.name = `cci_${period}`;
    this.warmup = period - 1;
    this.ring = new Float64Array(period);
    this.scale = period / 0.015;
  }

  update(bar: IndicatorInput): void {
    const tp = (bar.high + bar.low + bar.close) / 3;
    const ring = this.ring;
    const p = ring.length;
    const pos = this.pos;
    ring[pos] = tp;
    const head = pos === 0 ? tp : this.head + tp;
    let sum = head;
    for (let i = pos + 1; i < p; i++) sum += ring[i]!;
    this.head = head;
    this.pos = pos + 1 === p ? 0 : pos + 1;
    if (++this.n < p) return;
    const avg = sum / p;
    let d0 = 0;
    let d1 = 0;
    let d2 = 0;
    let d3 = 0;
    let i = 0;
    for (; i + 3 < p; i += 4) {
      d0 += Math.abs(ring[i]! - avg);
      d1 += Math.abs(ring[i + 1]! - avg);
      d2 += Math.abs(ring[i + 2]! - avg);
      d3 += Math.abs(ring[i + 3]! - avg);
    }
    for (; i < p; i++) d0 += Math.abs(ring[i]! - avg);
    const dev = d0 + d1 + (d2 + d3);
    const num = tp - avg;
    this.cur = num !== 0 && dev !== 0 ? (num * this.scale) / dev : 0;
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
    this.head = 0;
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
  private readonly range: RollingRange;
  private cur = NaN;

  constructor(readonly period: number) {
    assertInt('willr', 'period', period);
    this.name = `willr_${period}`;
    this.warmup = period - 1;
    this.range = new RollingRange(period);
  }

  update(bar: IndicatorInput): void {
    const close = bar.close;
    const range = this.range;
    range.push(bar.high, bar.low);
    if (range.pushed < this.period) return;
    const highest = range.high;
    const diff = (highest - range.low) / -100;
    this.cur = diff !== 0 ? (highest - close) / diff : 0;
  }

  get ready(): boolean {
    return this.range.pushed >= this.period;
  }
  value(): number {
    return this.cur;
  }
  output(_index: number): number {
    return this.cur;
  }
  reset(): void {
    this.range.reset();
    this.cur = NaN;
  }
}
