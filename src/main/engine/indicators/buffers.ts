/**
 * Fixed-size numeric buffers used by the streaming indicators.
 *
 * - `RollingRange`: the sliding-window maximum of one series and minimum of another (a bar's high
 *   and low, or the same series twice) in one structure — what Stochastic, Williams %R, Donchian
 *   and Ichimoku need. Block-based (van Herk / Gil-Werman): the stream is cut into blocks of
 *   `window` values; a window ending at offset j of the current block is the previous block's
 *   suffix from offset j+1 joined with the current block's prefix up to j, so its extremes are
 *   max(suffixMax[j+1], prefixMax) / min(suffixMin[j+1], prefixMin). Per push: two compares for
 *   the prefix, two loads and two compares for the result, no data-dependent loop; the prefix
 *   and suffix compares feed branch-free selects (see `push`); when a block
 *   completes, one backward pass (2·window compares) turns it, in place, into the suffix extremes
 *   the next block reads. That is O(1) amortised (≤ 2 compares per value on average) and O(window)
 *   worst case once every `window` pushes, with no branch whose count depends on the data (the
 *   monotonic deque pops a data-dependent number of entries and mispredicts). Results are exact:
 *   a max/min is one of the inputs, whatever the algorithm. Invariant of the interleaved buffer
 *   `buf` ([2k] high side, [2k+1] low side) with `j` values of the current block pushed: offsets
 *   < j hold the current block's raw values, offsets ≥ j hold the previous block's suffix
 *   extremes (±Infinity before the first block completes, so partial windows see only what was
 *   pushed).
 * - `RollingExtreme`: sliding-window maximum (or minimum) with a monotonic deque: O(1) amortised
 *   per push (each value enters and leaves the deque once; at most one value leaves through the
 *   front per push), no allocation after construction. Invariant: the deque holds (index, value)
 *   pairs with strictly increasing indices and strictly decreasing values from front to back
 *   (for max; the min variant stores negated values — negation is exact), and only indices inside
 *   the window. Storage is a power-of-two ring addressed with a mask. Kept for single-extreme
 *   callers; the indicators use `RollingRange`.
 */

export class RollingRange {
  private readonly buf: Float64Array;
  /** Scratch of the branch-free selects: [0, 1] the high side's pair, [2, 3] the low side's. */
  private readonly sel = new Float64Array(4);
  private readonly win: number;
  /** Offset in the current block of the next push. */
  private j = 0;
  private prefHigh = -Infinity;
  private prefLow = Infinity;
  private hi = NaN;
  private lo = NaN;
  private n = 0;

  constructor(window: number) {
    this.win = window;
    this.buf = new Float64Array(2 * window);
    this.clear();
  }

  get window(): number {
    return this.win;
  }

  /** Number of pushes since construction/reset. */
  get pushed(): number {
    return this.n;
  }

  /** Maximum of the `high` values in the window (NaN before the first push). */
  get high(): number {
    return this.hi;
  }

  /** Minimum of the `low` values in the window (NaN before the first push). */
  get low(): number {
    return this.lo;
  }

  /**
   * Push the next pair (`push(x, x)` for one series); the window then covers the last `window`
   * pairs pushed. The prefix and suffix compares are branch-free: on a price stream whether a new
   * value beats the running extreme is a coin flip often enough that a jump mispredicts, which
   * measured costlier than the select `sel[+(a > b)]` with sel = [b, a] (two stores, a setcc and
   * an indexed load; exact, as any select).
   */
  push(high: number, low: number): void {
    const buf = this.buf;
    const sel = this.sel;
    const j = this.j;
    const k = 2 * j;
    const ph0 = this.prefHigh;
    const pl0 = this.prefLow;
    sel[0] = ph0;
    sel[1] = high;
    sel[2] = pl0;
    sel[3] = low;
    const ph = sel[+(high > ph0)]!;
    const pl = sel[2 + +(low < pl0)]!;
    buf[k] = high;
    buf[k + 1] = low;
    this.n++;
    if (j + 1 < this.win) {
      // within a block the previous block's suffix extreme only shrinks and the prefix's only
      // grows, so which one wins switches at most once a block: a jump predicts well here
      const sh = buf[k + 2]!;
      const sl = buf[k + 3]!;
      this.hi = sh > ph ? sh : ph;
      this.lo = sl < pl ? sl : pl;
      this.j = j + 1;
      this.prefHigh = ph;
      this.prefLow = pl;
      return;
    }
    // the block is complete: the window is exactly this block
    this.hi = ph;
    this.lo = pl;
    this.j = 0;
    this.prefHigh = -Infinity;
    this.prefLow = Infinity;
    this.toSuffix(k);
  }

  /**
   * Turns the completed block (its last pair at offset `last`) into its suffix extremes, in place.
   * A method of its own, called once a block: it keeps `push` small enough for TurboFan to inline
   * into the indicators' `update` (a call that is not inlined boxes its two double arguments, an
   * allocation per push), and takes no double argument itself.
   */
  private toSuffix(last: number): void {
    const buf = this.buf;
    const sel = this.sel;
    let sh = buf[last]!;
    let sl = buf[last + 1]!;
    for (let i = last - 2; i >= 0; i -= 2) {
      const h = buf[i]!;
      const l = buf[i + 1]!;
      sel[0] = sh;
      sel[1] = h;
      sel[2] = sl;
      sel[3] = l;
      sh = sel[+(h > sh)]!;
      sl = sel[2 + +(l < sl)]!;
      buf[i] = sh;
      buf[i + 1] = sl;
    }
  }

  reset(): void {
    this.clear();
  }

  private clear(): void {
    const buf = this.buf;
    for (let i = 0; i < buf.length; i += 2) {
      buf[i] = -Infinity;
      buf[i + 1] = Infinity;
    }
    this.j = 0;
    this.prefHigh = -Infinity;
    this.prefLow = Infinity;
    this.hi = NaN;
    this.lo = NaN;
    this.n = 0;
  }
}

export class RollingExtreme {
  private readonly vals: Float64Array;
  private readonly idxs: Float64Array;
  private readonly mask: number;
  private readonly win: number;
  /** +1 for a rolling max, -1 for a rolling min (values stored negated). */
  private readonly sign: number;
  private head = 0;
  private count = 0;
  private n = 0;

  constructor(window: number, kind: 'max' | 'min') {
    let cap = 1;
    while (cap < window + 1) cap *= 2;
    this.vals = new Float64Array(cap);
    this.idxs = new Float64Array(cap);
    this.mask = cap - 1;
    this.win = window;
    this.sign = kind === 'max' ? 1 : -1;
  }

  get window(): number {
    return this.win;
  }

  /** Number of values pushed since construction/reset. */
  get pushed(): number {
    return this.n;
  }

  /** Push the next value; the window then covers the last `window` values pushed. */
  push(value: number): void {
    const v = value * this.sign;
    const vals = this.vals;
    const mask = this.mask;
    const head = this.head;
    let count = this.count;
    // drop dominated values from the back
    while (count > 0 && vals[(head + count - 1) & mask]! <= v) count--;
    const slot = (head + count) & mask;
    const n = this.n;
    vals[slot] = v;
    this.idxs[slot] = n;
    count++;
    this.n = n + 1;
    // the window moved by one: at most the front value can fall out
    if (this.idxs[head]! <= n - this.win) {
      this.head = (head + 1) & mask;
      count--;
    }
    this.count = count;
  }

  /** Extreme of the current window (NaN before the first push). */
  get current(): number {
    return this.count === 0 ? NaN : this.vals[this.head]! * this.sign;
  }

  reset(): void {
    this.head = 0;
    this.count = 0;
    this.n = 0;
  }
}
