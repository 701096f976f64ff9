/**
 * Moving averages: SMA, EMA, WMA, DEMA, TEMA (streaming, O(1) per update, allocation-free).
 *
 * Numerics follow TA-Lib 0.6 so outputs match it to ~1e-15 relative:
 * - SMA: running sum, updated as (sum − oldest) + newest (TA-Lib's order); first value at period−1.
 * - EMA: k = 2/(period+1), seeded with the SMA of the first `period` inputs (TA-Lib default
 *   compatibility); first value at period−1; then ema = (x − ema)·k + ema.
 * - WMA: weights 1..period (newest heaviest), running weighted sum and running plain sum.
 * - DEMA = 2·EMA − EMA(EMA), first value at 2·(period−1); TEMA = 3·e1 − 3·e2 + e3, first at
 *   3·(period−1); the inner EMAs are seeded with the SMA of the outer EMA's first values.
 * Invariant: `cur` is NaN until ready, so `output()` needs no branch.
 */
import type { IndicatorInput, SingleInputIndicator } from './types';
import { assertInt } from './types';

const VALUE = ['value'] as const;

export class Sma implements SingleInputIndicator<number> {
  readonly name: string;
  readonly warmup: number;
  readonly outputs = VALUE;
  private readonly ring: Float64Array;
  private pos = 0;
  private n = 0;
  private sum = 0;
  private cur = NaN;

  constructor(readonly period: number) {
    assertInt('sma', 'period', period);
    this.name = `sma_${period}`;
    this.warmup = period - 1;
    this.ring = new Float64Array(period);
  }

  update(bar: IndicatorInput): void {
    this.updateValue(bar.close);
  }

  updateValue(x: number): void {
    const p = this.period;
    const pos = this.pos;
    if (this.n >= p) this.sum -= this.ring[pos]!;
    this.sum += x;
    this.ring[pos] = x;
    this.pos = pos + 1 === p ? 0 : pos + 1;
    if (++this.n >= p) this.cur = this.sum / p;
  }

  get ready(): boolean {
    return this.n >= this.period;
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
    this.ring.fill(0);
    this.pos = 0;
    this.n = 0;
    this.sum = 0;
    this.cur = NaN;
  }
}

export class Ema implements SingleInputIndicator<number> {
  readonly name: string;
  readonly warmup: number;
  readonly outputs = VALUE;
  readonly k: number;
  private n = 0;
  private seed = 0;
  private cur = NaN;

  constructor(readonly period: number) {
    assertInt('ema', 'period', period);
    this.name = `ema_${period}`;
    this.warmup = period - 1;
    this.k = 2 / (period + 1);
  }

  update(bar: IndicatorInput): void {
    this.updateValue(bar.close);
  }

  updateValue(x: number): void {
    const n = ++this.n;
    if (n > this.period) {
      this.cur = (x - this.cur) * this.k + this.cur;
    } else {
      this.seed += x;
      if (n === this.period) this.cur = this.seed / this.period;
    }
  }

  get ready(): boolean {
    return this.n >= this.period;
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
    this.seed = 0;
    this.cur = NaN;
  }
}

export class Wma implements SingleInputIndicator<number> {
  readonly name: string;
  readonly warmup: number;
  readonly outputs = VALUE;
  private readonly ring: Float64Array;
  private readonly divider: number;
  private pos = 0;
  private n = 0;
  /** Σ w_i·x_i over the window (newest weight = period once full, = n while filling). */
  private wsum = 0;
  /** Σ x_i over the window. */
  private sum = 0;
  private cur = NaN;

  constructor(readonly period: number) {
    assertInt('wma', 'period', period);
    this.name = `wma_${period}`;
    this.warmup = period - 1;
    this.ring = new Float64Array(period);
    this.divider = (period * (period + 1)) / 2;
  }

  update(bar: IndicatorInput): void {
    this.updateValue(bar.close);
  }

  updateValue(x: number): void {
    const p = this.period;
    const pos = this.pos;
    if (this.n >= p) {
      // every weight drops by one (the oldest to 0), the newest enters with weight p
      this.wsum = this.wsum - this.sum + x * p;
      this.sum = this.sum - this.ring[pos]! + x;
    } else {
      this.wsum += x * (this.n + 1);
      this.sum += x;
    }
    this.ring[pos] = x;
    this.pos = pos + 1 === p ? 0 : pos + 1;
    if (++this.n >= p) this.cur = this.wsum / this.divider;
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
    this.wsum = 0;
    this.sum = 0;
    this.cur = NaN;
  }
}

export class Dema implements SingleInputIndicator<number> {
  readonly name: string;
  readonly warmup: number;
  readonly outputs = VALUE;
  private readonly e1: Ema;
  private readonly e2: Ema;
  private cur = NaN;

  constructor(readonly period: number) {
    assertInt('dema', 'period', period);
    this.name = `dema_${period}`;
    this.warmup = 2 * (period - 1);
    this.e1 = new Ema(period);
    this.e2 = new Ema(period);
  }

  update(bar: IndicatorInput): void {
    this.updateValue(bar.close);
  }

  updateValue(x: number): void {
    const e1 = this.e1;
    e1.updateValue(x);
    if (!e1.ready) return;
    const v1 = e1.current;
    this.e2.updateValue(v1);
    if (this.e2.ready) this.cur = 2 * v1 - this.e2.current;
  }

  get ready(): boolean {
    return this.e2.ready;
  }
  value(): number {
    return this.cur;
  }
  output(_index: number): number {
    return this.cur;
  }
  reset(): void {
    this.e1.reset();
    this.e2.reset();
    this.cur = NaN;
  }
}

export class Tema implements SingleInputIndicator<number> {
  readonly name: string;
  readonly warmup: number;
  readonly outputs = VALUE;
  private readonly e1: Ema;
  private readonly e2: Ema;
  private readonly e3: Ema;
  private cur = NaN;

  constructor(readonly period: number) {
    assertInt('tema', 'period', period);
    this.name = `tema_${period}`;
    this.warmup = 3 * (period - 1);
    this.e1 = new Ema(period);
    this.e2 = new Ema(period);
    this.e3 = new Ema(period);
  }

  update(bar: IndicatorInput): void {
    this.updateValue(bar.close);
  }

  updateValue(x: number): void {
    this.e1.updateValue(x);
    if (!this.e1.ready) return;
    const v1 = this.e1.current;
    this.e2.updateValue(v1);
    if (!this.e2.ready) return;
    const v2 = this.e2.current;
    this.e3.updateValue(v2);
    if (this.e3.ready) this.cur = 3 * v1 - 3 * v2 + this.e3.current;
  }

  get ready(): boolean {
    return this.e3.ready;
  }
  value(): number {
    return this.cur;
  }
  output(_index: number): number {
    return this.cur;
  }
  reset(): void {
    this.e1.reset();
    this.e2.reset();
    this.e3.reset();
    this.cur = NaN;
  }
}
