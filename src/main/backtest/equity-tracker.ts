/**
 * Streaming equity statistics: one sample per bar, O(1) memory for the statistics and a bounded
 * equity curve (a DecimatedCurve: decimated by 2 whenever it reaches its cap), so a backtest's memory stays flat
 * however many bars it replays.
 *
 * Definitions (returns r_i = e_i / e_{i−1} − 1 per bar; P = bars per year = 365 d / timeframe):
 *   Sharpe  = mean(r) / stdev(r, n−1) · √P            (risk-free rate 0)
 *   Sortino = mean(r) / √(Σ min(r,0)² / n) · √P        (downside deviation over all periods)
 *   max drawdown = max over t of 1 − e_t / max_{s≤t} e_s; its duration is that of the deepest
 *   drawdown: from its peak to the first sample back at or above the peak (or to the last sample
 *   when it never recovers).
 *   exposure = share of samples taken while a position was open.
 */

export interface EquityStats {
  readonly samples: number;
  readonly startTime: number;
  readonly endTime: number;
  readonly initialEquity: number;
  readonly finalEquity: number;
  readonly sharpe: number | null;
  readonly sortino: number | null;
  readonly maxDrawdown: number;
  readonly maxDrawdownDurationMs: number;
  readonly exposure: number;
}

/**
 * A bounded [time, value] curve: every point until `cap` points are kept, then every other one
 * is dropped and the stride doubles, so memory stays flat however many points are added.
 * `points` always ends with the last point added.
 */
export class DecimatedCurve {
  private times: Float64Array;
  private values: Float64Array;
  private len = 0;
  private stride = 1;
  /** Adds still to skip before the next kept point (a countdown: no modulo per add). */
  private skip = 0;
  private added = 0;
  private lastTime = NaN;
  private last = NaN;

  constructor(private readonly cap = 1 << 17) {
    // Start small and double: a short run (an optimizer's set) does not pay for a long one's buffer.
    this.times = new Float64Array(Math.min(cap, 1 << 10));
    this.values = new Float64Array(Math.min(cap, 1 << 10));
  }

  add(time: number, value: number): void {
    this.added++;
    this.lastTime = time;
    this.last = value;
    if (this.skip > 0) {
      this.skip--;
      return;
    }
    // Kept: every stride-th add (a decimation in grow() doubles the stride from this point on).
    if (this.len === this.times.length) this.grow();
    this.times[this.len] = time;
    this.values[this.len] = value;
    this.len++;
    this.skip = this.stride - 1;
  }

  /** The kept points as [time, value] pairs (always including the last one added). */
  points(): [number, number][] {
    const tail = this.added > 0 && (this.len === 0 || this.times[this.len - 1] !== this.lastTime) ? 1 : 0;
    // Sized once: up to 131 072 points per curve at the end of a long run.
    const out = new Array<[number, number]>(this.len + tail);
    for (let i = 0; i < this.len; i++) out[i] = [this.times[i] as number, this.values[i] as number];
    if (tail === 1) out[this.len] = [this.lastTime, this.last];
    return out;
  }

  private grow(): void {
    if (this.len < this.cap) {
      const size = Math.min(this.cap, this.len * 2);
      const t = new Float64Array(size);
      const v = new Float64Array(size);
      t.set(this.times);
      v.set(this.values);
      this.times = t;
      this.values = v;
      return;
    }
    // Decimate: keep every other point and double the stride.
    let j = 0;
    for (let i = 0; i < this.len; i += 2) {
      this.times[j] = this.times[i] as number;
      this.values[j] = this.values[i] as number;
      j++;
    }
    this.len = j;
    this.stride *= 2;
  }
}

export class EquityTracker {
  private readonly kept: DecimatedCurve | null;
  private n = 0;
  private first = NaN;
  private firstTime = NaN;
  private last = NaN;
  private lastTime = NaN;
  private mean = 0;
  private m2 = 0;
  private downSq = 0;
  private returns = 0;
  private peak = -Infinity;
  private peakTime = NaN;
  private maxDd = 0;
  private maxDdDuration = 0;
  /** Peak time of the deepest drawdown while it has not recovered, else NaN. */
  private maxDdOpenPeak = NaN;
  private exposed = 0;

  /** `keepCurve: false` keeps the statistics only (`curve()` is then empty). */
  constructor(
    private readonly periodsPerYear: number,
    cap = 1 << 17,
    keepCurve = true,
  ) {
    this.kept = keepCurve ? new DecimatedCurve(cap) : null;
  }

  sample(time: number, equity: number, inPosition: boolean): void {
    if (this.n === 0) {
      this.first = equity;
      this.firstTime = time;
    } else {
      const r = this.last !== 0 ? equity / this.last - 1 : 0;
      this.returns++;
      const d = r - this.mean;
      this.mean += d / this.returns;
      this.m2 += d * (r - this.mean);
      if (r < 0) this.downSq += r * r;
    }
    this.n++;
    if (inPosition) this.exposed++;
    if (equity >= this.peak) {
      if (this.maxDdOpenPeak === this.maxDdOpenPeak) {
        this.maxDdDuration = time - this.maxDdOpenPeak;
        this.maxDdOpenPeak = NaN;
      }
      this.peak = equity;
      this.peakTime = time;
    } else {
      const dd = 1 - equity / this.peak;
      if (dd > this.maxDd) {
        this.maxDd = dd;
        this.maxDdOpenPeak = this.peakTime;
      }
    }
    this.last = equity;
    this.lastTime = time;
    if (this.kept !== null) this.kept.add(time, equity);
  }

  stats(): EquityStats {
    const std = this.returns > 1 ? Math.sqrt(this.m2 / (this.returns - 1)) : 0;
    const down = this.returns > 0 ? Math.sqrt(this.downSq / this.returns) : 0;
    const ann = Math.sqrt(this.periodsPerYear);
    return {
      samples: this.n,
      startTime: this.firstTime,
      endTime: this.lastTime,
      initialEquity: this.first,
      finalEquity: this.last,
      sharpe: std > 0 ? (this.mean / std) * ann : null,
      sortino: down > 0 ? (this.mean / down) * ann : null,
      maxDrawdown: this.maxDd,
      maxDrawdownDurationMs: this.maxDdOpenPeak === this.maxDdOpenPeak ? this.lastTime - this.maxDdOpenPeak : this.maxDdDuration,
      exposure: this.n > 0 ? this.exposed / this.n : 0,
    };
  }

  /** The equity curve kept so far, as [time, value] pairs (always including the last sample). */
  curve(): [number, number][] {
    return this.kept === null ? [] : this.kept.points();
  }
}
