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

  /**
   * `add(times[i], values[i])` for i in [from, to) — of every value (`skip` 'none'), of those not
   * NaN ('nan') or of the finite ones ('nonFinite'): the same points kept, with the countdown
   * held in locals and the skipped runs jumped over (a long run adds a block of samples at a
   * time, see runner.ts).
   */
  addBlock(times: Float64Array, values: Float64Array, from: number, to: number, skipValues: 'none' | 'nan' | 'nonFinite'): void {
    const finiteOnly = skipValues === 'nonFinite';
    const checked = skipValues !== 'none';
    let skip = this.skip;
    let added = this.added;
    /** Index of the last value added, or −1. */
    let lastAt = -1;
    let i = from;
    while (i < to) {
      if (skip > 0) {
        // A run of skipped adds: counted, only the last of them remembered.
        if (checked) {
          for (; i < to && skip > 0; i++) {
            const v = values[i] as number;
            // Added: not NaN, or finite (Number.isFinite without the call: NaN and ±Infinity fail v − v = 0).
            if (finiteOnly ? v - v === 0 : v === v) {
              skip--;
              added++;
              lastAt = i;
            }
          }
        } else {
          const k = Math.min(skip, to - i);
          skip -= k;
          added += k;
          i += k;
          lastAt = i - 1;
        }
        continue;
      }
      const v = values[i] as number;
      if (checked && (finiteOnly ? v - v !== 0 : v !== v)) {
        i++;
        continue;
      }
      // Kept: every stride-th add (a decimation in grow() doubles the stride from this point on).
      added++;
      lastAt = i;
      if (this.len === this.times.length) this.grow();
      this.times[this.len] = times[i] as number;
      this.values[this.len] = v;
      this.len++;
      skip = this.stride - 1;
      i++;
    }
    if (lastAt >= 0) {
      this.lastTime = times[lastAt] as number;
      this.last = values[lastAt] as number;
    }
    this.skip = skip;
    this.added = added;
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

  /**
   * `sample(times[i], values[i], inPosition[i] !== 0)` for i in [0, n), skipping the samples
   * whose `present[i]` is NaN when `present` is given; `inPosition` null means always in a
   * position. The same arithmetic in the same order as `sample` (so the same statistics to the
   * last bit), with the running state held in locals over the block.
   */
  sampleBlock(times: Float64Array, values: Float64Array, inPosition: Uint8Array | null, present: Float64Array | null, n: number): void {
    let count = this.n;
    let last = this.last;
    let lastTime = this.lastTime;
    let mean = this.mean;
    let m2 = this.m2;
    let downSq = this.downSq;
    let returns = this.returns;
    let peak = this.peak;
    let peakTime = this.peakTime;
    let maxDd = this.maxDd;
    let maxDdDuration = this.maxDdDuration;
    let openPeak = this.maxDdOpenPeak;
    let exposed = this.exposed;
    let runFrom = 0;
    for (let i = 0; i < n; i++) {
      if (present !== null && (present[i] as number) !== (present[i] as number)) {
        // Not sampled: the kept curve gets the run of samples before it.
        if (this.kept !== null && i > runFrom) this.kept.addBlock(times, values, runFrom, i, 'none');
        runFrom = i + 1;
        continue;
      }
      const time = times[i] as number;
      const equity = values[i] as number;
      if (count === 0) {
        this.first = equity;
        this.firstTime = time;
      } else {
        const r = last !== 0 ? equity / last - 1 : 0;
        returns++;
        const d = r - mean;
        mean += d / returns;
        m2 += d * (r - mean);
        if (r < 0) downSq += r * r;
      }
      count++;
      if (inPosition === null || inPosition[i] !== 0) exposed++;
      if (equity >= peak) {
        if (openPeak === openPeak) {
          maxDdDuration = time - openPeak;
          openPeak = NaN;
        }
        peak = equity;
        peakTime = time;
      } else {
        const dd = 1 - equity / peak;
        if (dd > maxDd) {
          maxDd = dd;
          openPeak = peakTime;
        }
      }
      last = equity;
      lastTime = time;
    }
    if (this.kept !== null && n > runFrom) this.kept.addBlock(times, values, runFrom, n, 'none');
    this.n = count;
    this.last = last;
    this.lastTime = lastTime;
    this.mean = mean;
    this.m2 = m2;
    this.downSq = downSq;
    this.returns = returns;
    this.peak = peak;
    this.peakTime = peakTime;
    this.maxDd = maxDd;
    this.maxDdDuration = maxDdDuration;
    this.maxDdOpenPeak = openPeak;
    this.exposed = exposed;
  }

  /**
   * `a.sampleBlock(times, aValues, aInPosition, null, n)` and `b.sampleBlock(times, bValues,
   * null, null, n)` in one loop: the same arithmetic for each (so the same statistics to the last
   * bit), the two trackers' dependency chains (a division each per sample) overlapping.
   */
  static sampleBlocks(a: EquityTracker, aValues: Float64Array, aInPosition: Uint8Array, b: EquityTracker, bValues: Float64Array, times: Float64Array, n: number): void {
    if (n === 0) return;
    let aCount = a.n;
    let aLast = a.last;
    let aMean = a.mean;
    let aM2 = a.m2;
    let aDown = a.downSq;
    let aRet = a.returns;
    let aPeak = a.peak;
    let aPeakTime = a.peakTime;
    let aMaxDd = a.maxDd;
    let aDur = a.maxDdDuration;
    let aOpen = a.maxDdOpenPeak;
    let aExp = a.exposed;
    let bCount = b.n;
    let bLast = b.last;
    let bMean = b.mean;
    let bM2 = b.m2;
    let bDown = b.downSq;
    let bRet = b.returns;
    let bPeak = b.peak;
    let bPeakTime = b.peakTime;
    let bMaxDd = b.maxDd;
    let bDur = b.maxDdDuration;
    let bOpen = b.maxDdOpenPeak;
    let bExp = b.exposed;
    for (let i = 0; i < n; i++) {
      const time = times[i] as number;
      const ea = aValues[i] as number;
      const eb = bValues[i] as number;
      if (aCount === 0) {
        a.first = ea;
        a.firstTime = time;
      } else {
        const r = aLast !== 0 ? ea / aLast - 1 : 0;
        aRet++;
        const d = r - aMean;
        aMean += d / aRet;
        aM2 += d * (r - aMean);
        if (r < 0) aDown += r * r;
      }
      if (bCount === 0) {
        b.first = eb;
        b.firstTime = time;
      } else {
        const r = bLast !== 0 ? eb / bLast - 1 : 0;
        bRet++;
        const d = r - bMean;
        bMean += d / bRet;
        bM2 += d * (r - bMean);
        if (r < 0) bDown += r * r;
      }
      aCount++;
      bCount++;
      if (aInPosition[i] !== 0) aExp++;
      bExp++;
      if (ea >= aPeak) {
        if (aOpen === aOpen) {
          aDur = time - aOpen;
          aOpen = NaN;
        }
        aPeak = ea;
        aPeakTime = time;
      } else {
        const dd = 1 - ea / aPeak;
        if (dd > aMaxDd) {
          aMaxDd = dd;
          aOpen = aPeakTime;
        }
      }
      if (eb >= bPeak) {
        if (bOpen === bOpen) {
          bDur = time - bOpen;
          bOpen = NaN;
        }
        bPeak = eb;
        bPeakTime = time;
      } else {
        const dd = 1 - eb / bPeak;
        if (dd > bMaxDd) {
          bMaxDd = dd;
          bOpen = bPeakTime;
        }
      }
      aLast = ea;
      bLast = eb;
    }
    const lastTime = times[n - 1] as number;
    a.n = aCount;
    a.last = aLast;
    a.lastTime = lastTime;
    a.mean = aMean;
    a.m2 = aM2;
    a.downSq = aDown;
    a.returns = aRet;
    a.peak = aPeak;
    a.peakTime = aPeakTime;
    a.maxDd = aMaxDd;
    a.maxDdDuration = aDur;
    a.maxDdOpenPeak = aOpen;
    a.exposed = aExp;
    b.n = bCount;
    b.last = bLast;
    b.lastTime = lastTime;
    b.mean = bMean;
    b.m2 = bM2;
    b.downSq = bDown;
    b.returns = bRet;
    b.peak = bPeak;
    b.peakTime = bPeakTime;
    b.maxDd = bMaxDd;
    b.maxDdDuration = bDur;
    b.maxDdOpenPeak = bOpen;
    b.exposed = bExp;
    if (a.kept !== null) a.kept.addBlock(times, aValues, 0, n, 'none');
    if (b.kept !== null) b.kept.addBlock(times, bValues, 0, n, 'none');
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
