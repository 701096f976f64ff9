/**
 * Volume indicators: OBV, MFI, VWAP. Streaming, O(1) amortised per update, allocation-free.
 *
 * - OBV (TA-Lib): starts at the first bar's volume (Skender starts at 0: the two differ by that
 *   constant), then ± volume when the close rises/falls, unchanged when equal. Valid from bar 0.
 * - MFI (TA-Lib): typical price (H+L+C)/3, raw money flow TP·volume classified positive/negative by
 *   the change of TP (unchanged TP → neither); MFI = 100·pos/(pos+neg) over the last `period`
 *   flows (bars 1..period for the first value, index `period`). Deviation from TA-Lib, on purpose:
 *   TA-Lib outputs 0 whenever pos+neg < 1.0 (an absolute threshold that zeroes MFI on every
 *   low-notional market); we output 0 only when pos+neg ≈ 0 (|x| < 1e-14). The running sums are
 *   recomputed exactly once per `period` updates so they cannot drift.
 * - VWAP: Σ(TP·volume)/Σvolume with TP = (H+L+C)/3. `sessionMinutes = 0` (default) accumulates from
 *   the first bar (Skender's VWAP); `sessionMinutes > 0` restarts the sums whenever `bar.time`
 *   (epoch ms) enters a new UTC-aligned session of that length (1440 = daily VWAP). NaN while the
 *   session's volume is 0. Valid from bar 0.
 */
import type { Indicator, IndicatorInput } from './types';
import { assertInt, isZero, volumeOf } from './types';

const VALUE = ['value'] as const;

export class Obv implements Indicator<number> {
  readonly name = 'obv';
  readonly warmup = 0;
  readonly outputs = VALUE;
  private n = 0;
  private prevClose = NaN;
  private cur = NaN;

  update(bar: IndicatorInput): void {
    const v = volumeOf('obv', bar);
    const c = bar.close;
    if (this.n++ === 0) this.cur = v;
    else if (c > this.prevClose) this.cur += v;
    else if (c < this.prevClose) this.cur -= v;
    this.prevClose = c;
  }

  get ready(): boolean {
    return this.n > 0;
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
    this.cur = NaN;
  }
}

export class Mfi implements Indicator<number> {
  readonly name: string;
  readonly warmup: number;
  readonly outputs = VALUE;
  private readonly posRing: Float64Array;
  private readonly negRing: Float64Array;
  private pos = 0;
  private n = 0;
  private prevTp = NaN;
  private posSum = 0;
  private negSum = 0;
  private cur = NaN;

  constructor(readonly period: number) {
    assertInt('mfi', 'period', period);
    this.name = `mfi_${period}`;
    this.warmup = period;
    this.posRing = new Float64Array(period);
    this.negRing = new Float64Array(period);
  }

  update(bar: IndicatorInput): void {
    const v = volumeOf('mfi', bar);
    const tp = (bar.high + bar.low + bar.close) / 3;
    const n = this.n++;
    const diff = tp - this.prevTp;
    this.prevTp = tp;
    if (n === 0) return;
    const p = this.period;
    const i = this.pos;
    if (n > p) {
      this.posSum -= this.posRing[i]!;
      this.negSum -= this.negRing[i]!;
    }
    const mf = tp * v;
    let pf = 0;
    let nf = 0;
    if (diff < 0) nf = mf;
    else if (diff > 0) pf = mf;
    this.posRing[i] = pf;
    this.negRing[i] = nf;
    this.posSum += pf;
    this.negSum += nf;
    const next = i + 1 === p ? 0 : i + 1;
    this.pos = next;
    if (n < p) return;
    if (next === 0) this.resum();
    const s = this.posSum + this.negSum;
    this.cur = isZero(s) ? 0 : 100 * (this.posSum / s);
  }

  private resum(): void {
    let ps = 0;
    let ns = 0;
    for (let k = 0; k < this.period; k++) {
      ps += this.posRing[k]!;
      ns += this.negRing[k]!;
    }
    this.posSum = ps;
    this.negSum = ns;
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
    this.posRing.fill(0);
    this.negRing.fill(0);
    this.pos = 0;
    this.n = 0;
    this.prevTp = NaN;
    this.posSum = 0;
    this.negSum = 0;
    this.cur = NaN;
  }
}

export class Vwap implements Indicator<number> {
  readonly name: string;
  readonly warmup = 0;
  readonly outputs = VALUE;
  private readonly sessionMs: number;
  private session = NaN;
  private n = 0;
  private pv = 0;
  private vol = 0;
  private cur = NaN;

  constructor(readonly sessionMinutes = 0) {
    assertInt('vwap', 'session minutes', sessionMinutes, 0);
    this.name = sessionMinutes === 0 ? 'vwap' : `vwap_${sessionMinutes}`;
    this.sessionMs = sessionMinutes * 60_000;
  }

  update(bar: IndicatorInput): void {
    const v = volumeOf('vwap', bar);
    if (this.sessionMs > 0) {
      const t = bar.time;
      if (t === undefined) throw new Error(`${this.name} needs bar.time (epoch ms) to find sessions, which is missing`);
      const s = Math.floor(t / this.sessionMs);
      if (s !== this.session) {
        this.session = s;
        this.pv = 0;
        this.vol = 0;
      }
    }
    this.n++;
    this.pv += ((bar.high + bar.low + bar.close) / 3) * v;
    this.vol += v;
    this.cur = this.vol !== 0 ? this.pv / this.vol : NaN;
  }

  get ready(): boolean {
    return this.n > 0;
  }
  value(): number {
    return this.cur;
  }
  output(_index: number): number {
    return this.cur;
  }
  reset(): void {
    this.session = NaN;
    this.n = 0;
    this.pv = 0;
    this.vol = 0;
    this.cur = NaN;
  }
}
