/**
 * Clocks. The engine never reads the wall clock: it asks an injected Clock. The simulated clock
 * is advanced by the backtest replay and fires timers in time order (ties in creation order),
 * so a backtest is deterministic. The live clock takes its time source and scheduler from the
 * kernel (the engine layer may not touch Date.now/setTimeout).
 */

export type TimerCallback = (name: string, ts: number) => void;

export interface Clock {
  now(): number;
  /** One-shot timer at `at` (ms); returns a cancel function. */
  setTimer(name: string, at: number, callback: TimerCallback): () => void;
  /** Repeating timer every `intervalMs`, first at now + interval. */
  setInterval(name: string, intervalMs: number, callback: TimerCallback): () => void;
}

interface PendingTimer {
  readonly name: string;
  at: number;
  readonly seq: number;
  readonly interval: number;
  readonly callback: TimerCallback;
  cancelled: boolean;
}

export class SimulatedClock implements Clock {
  /**
   * Initialised here, not only in the constructor: a class field declared without a value starts
   * undefined, and V8 then stores every later number in it as a new heap object (once per bar).
   */
  private t = 0;
  private seq = 0;
  private readonly heap: PendingTimer[] = [];

  constructor(start = 0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimer(name: string, at: number, callback: TimerCallback): () => void {
    if (!Number.isFinite(at)) throw new RangeError(`timer ${name}: time must be finite`);
    const timer: PendingTimer = { name, at: Math.max(at, this.t), seq: this.seq++, interval: 0, callback, cancelled: false };
    this.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  setInterval(name: string, intervalMs: number, callback: TimerCallback): () => void {
    if (!(intervalMs > 0)) throw new RangeError(`timer ${name}: interval must be > 0 ms`);
    const timer: PendingTimer = { name, at: this.t + intervalMs, seq: this.seq++, interval: intervalMs, callback, cancelled: false };
    this.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  /** Time of the next pending timer, or Infinity. */
  nextTimerAt(): number {
    while (this.heap.length > 0 && this.heap[0]?.cancelled) this.pop();
    return this.heap[0]?.at ?? Infinity;
  }

  /**
   * Moves to `ts` when that fires nothing (no timer due by then, time not going back) and says
   * whether it did; otherwise `advanceTo(ts)` has the work to do. Per event in a backtest: it
   * makes no call, so the number passed is not boxed (V8 boxes the arguments of an inlined
   * function that calls out on a cold path).
   */
  tryAdvance(ts: number): boolean {
    const next = this.heap[0];
    const idle = ts >= this.t && (next === undefined || next.at > ts);
    if (idle) this.t = ts;
    return idle;
  }

  /** Advances to `ts`, firing every timer due at or before it in order. Time never goes back. */
  advanceTo(ts: number): void {
    if (ts < this.t) throw new RangeError(`simulated time cannot go back: ${ts} < ${this.t}`);
    for (;;) {
      const next = this.heap[0];
      if (next === undefined || next.at > ts) break;
      this.pop();
      if (next.cancelled) continue;
      this.t = next.at;
      next.callback(next.name, next.at);
      if (next.interval > 0 && !next.cancelled) {
        next.at += next.interval;
        this.push(next);
      }
    }
    this.t = ts;
  }

  private less(a: PendingTimer, b: PendingTimer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(timer: PendingTimer): void {
    const h = this.heap;
    h.push(timer);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i] as PendingTimer, h[p] as PendingTimer)) break;
      [h[i], h[p]] = [h[p] as PendingTimer, h[i] as PendingTimer];
      i = p;
    }
  }

  private pop(): PendingTimer | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last !== undefined) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l] as PendingTimer, h[m] as PendingTimer)) m = l;
        if (r < h.length && this.less(h[r] as PendingTimer, h[m] as PendingTimer)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m] as PendingTimer, h[i] as PendingTimer];
        i = m;
      }
    }
    return top;
  }
}

/** What the kernel hands the live clock: a time source and a scheduler. */
export interface TimeSource {
  now(): number;
  schedule(delayMs: number, fn: () => void): () => void;
}

export class LiveClock implements Clock {
  constructor(private readonly source: TimeSource) {}

  now(): number {
    return this.source.now();
  }

  setTimer(name: string, at: number, callback: TimerCallback): () => void {
    return this.source.schedule(Math.max(0, at - this.source.now()), () => callback(name, this.source.now()));
  }

  setInterval(name: string, intervalMs: number, callback: TimerCallback): () => void {
    if (!(intervalMs > 0)) throw new RangeError(`timer ${name}: interval must be > 0 ms`);
    let cancel: () => void = () => undefined;
    let stopped = false;
    const arm = (): void => {
      cancel = this.source.schedule(intervalMs, () => {
        if (stopped) return;
        callback(name, this.source.now());
        arm();
      });
    };
    arm();
    return () => {
      stopped = true;
      cancel();
    };
  }
}
