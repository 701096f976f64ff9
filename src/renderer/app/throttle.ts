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

export function throttleLatest<T>(intervalMs: number, emit: (v: T) => void, clock: ThrottleClock = browserClock): { push(v: T): void; dispose(): void } {
  if (!(intervalMs > 0) || !Number.isFinite(intervalMs)) throw new RangeError(`throttle interval must be a positive number of ms, got ${intervalMs}`);
  let last = -Infinity;
  let cancel: (() => void) | null = null;
  let latest: { v: T } | null = null;
  const flush = (): void => {
    cancel = null;
    if (!latest) return;
    const { v } = latest;
    latest = null;
    last = clock.now();
    emit(v);
  };
  return {
    push(v) {
      latest = { v };
      if (cancel) return;
      const wait = last + intervalMs - clock.now();
      if (wait <= 0) flush();
      else cancel = clock.schedule(wait, flush);
    },
    dispose() {
      cancel?.();
      cancel = null;
      latest = null;
    },
  };
}
