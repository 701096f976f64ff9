/**
 * Latest-value throttle: `push(v)` hands values in at any rate; `emit` sees at most one value per
 * `intervalMs` — the first at once (leading edge), then the latest of each interval at its end
 * (trailing edge), so the last value pushed is always emitted and none older after it.
 */
export interface ThrottleClock {
  now(): number;
  schedule(ms: number, fn: () => void): () => void;
}

export const browserClock: ThrottleClock = {
  now: () => performance.now(),
  schedule: (ms, fn) => {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

export interface Throttled<T> {
  push(v: T): void;
  dispose(): void;
}

/**
 * Latest-value throttles that share one clock: each channel keeps its own latest value, but all
 * of them emit in the same flush — at most one flush per `intervalMs`, the first at once, then
 * the channels that changed meanwhile together at the interval's end. Panels fed at the same rate
 * (the order book and the tape) then redraw in one task: one React render and one layout, not
 * each on its own phase.
 */
export function throttleGroup(intervalMs: number, clock: ThrottleClock = browserClock): { channel<T>(emit: (v: T) => void): Throttled<T> } {
  if (!(intervalMs > 0) || !Number.isFinite(intervalMs)) throw new RangeError(`throttle interval must be a positive number of ms, got ${intervalMs}`);
  let last = -Infinity;
  let cancel: (() => void) | null = null;
  /** Channels with a value not emitted yet, in the order they first changed. */
  const pending = new Set<() => void>();
  const flush = (): void => {
    cancel = null;
    if (pending.size === 0) return;
    last = clock.now();
    const due = [...pending];
    pending.clear();
    for (const emitLatest of due) emitLatest();
  };
  return {
    channel<T>(emit: (v: T) => void): Throttled<T> {
      let latest: { v: T } | null = null;
      const emitLatest = (): void => {
        if (!latest) return;
        const { v } = latest;
        latest = null;
        emit(v);
      };
      return {
        push(v) {
          latest = { v };
          pending.add(emitLatest);
          if (cancel) return;
          const wait = last + intervalMs - clock.now();
          if (wait <= 0) flush();
          else cancel = clock.schedule(wait, flush);
        },
        dispose() {
          latest = null;
          pending.delete(emitLatest);
          if (pending.size === 0) {
            cancel?.();
            cancel = null;
          }
        },
      };
    },
  };
}

/** One throttle on its own clock (a group of one). */
export function throttleLatest<T>(intervalMs: number, emit: (v: T) => void, clock: ThrottleClock = browserClock): Throttled<T> {
  return throttleGroup(intervalMs, clock).channel(emit);
}
