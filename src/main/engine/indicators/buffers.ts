/**
 * Fixed-size numeric buffers used by the streaming indicators.
 *
 * - `RollingExtreme`: sliding-window maximum (or minimum) with a monotonic deque: O(1) amortised
 *   per push (each value enters and leaves the deque once; at most one value leaves through the
 *   front per push), no allocation after construction. Invariant: the deque holds (index, value)
 *   pairs with strictly increasing indices and strictly decreasing values from front to back
 *   (for max; the min variant stores negated values — negation is exact), and only indices inside
 *   the window. Storage is a power-of-two ring addressed with a mask.
 */

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
