import { describe, expect, it } from 'vitest';
import { throttleGroup, throttleLatest } from './throttle';
import type { ThrottleClock } from './throttle';

function fakeClock(): ThrottleClock & { advance(ms: number): void } {
  let t = 0;
  let timers: { at: number; fn: () => void }[] = [];
  return {
    now: () => t,
    schedule(ms, fn) {
      const timer = { at: t + ms, fn };
      timers.push(timer);
      return () => (timers = timers.filter((x) => x !== timer));
    },
    advance(ms) {
      const end = t + ms;
      for (;;) {
        const next = timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!next) break;
        timers = timers.filter((x) => x !== next);
        t = next.at;
        next.fn();
      }
      t = end;
    },
  };
}

describe('throttleLatest', () => {
  it('emits the first value at once, then at most one (the latest) per interval, and always the last', () => {
    const clock = fakeClock();
    const seen: { at: number; v: number }[] = [];
    const th = throttleLatest<number>(100, (v) => seen.push({ at: clock.now(), v }), clock);
    // 1 000 values a second for half a second.
    for (let i = 0; i < 500; i++) {
      th.push(i);
      clock.advance(1);
    }
    clock.advance(200);
    expect(seen[0]).toEqual({ at: 0, v: 0 });
    expect(seen.at(-1)?.v).toBe(499);
    expect(seen.length).toBeLessThanOrEqual(6);
    for (let i = 1; i < seen.length; i++) expect((seen[i] as { at: number }).at - (seen[i - 1] as { at: number }).at).toBeGreaterThanOrEqual(100);
  });

  it('emits a value after a quiet interval at once, nothing after dispose, and refuses a bad interval', () => {
    const clock = fakeClock();
    const seen: number[] = [];
    const th = throttleLatest<number>(100, (v) => seen.push(v), clock);
    th.push(1);
    clock.advance(500);
    th.push(2);
    expect(seen).toEqual([1, 2]);
    th.push(3);
    th.dispose();
    clock.advance(500);
    expect(seen).toEqual([1, 2]);
    expect(() => throttleLatest(0, () => undefined)).toThrow(/positive/);
    expect(() => throttleLatest(Number.NaN, () => undefined)).toThrow(/positive/);
  });
});

describe('throttleGroup', () => {
  it('emits the channels that changed in the same flush, each its latest value, at most one flush per interval', () => {
    const clock = fakeClock();
    const seen: { at: number; ch: string; v: number }[] = [];
    const group = throttleGroup(100, clock);
    const book = group.channel<number>((v) => seen.push({ at: clock.now(), ch: 'book', v }));
    const tape = group.channel<number>((v) => seen.push({ at: clock.now(), ch: 'tape', v }));
    book.push(1); // leading edge: at once
    clock.advance(30);
    tape.push(10); // on another phase: waits for the group's next flush
    clock.advance(20);
    book.push(2);
    book.push(3);
    clock.advance(100);
    expect(seen).toEqual([
      { at: 0, ch: 'book', v: 1 },
      { at: 100, ch: 'tape', v: 10 }, // in the order they changed since the last flush
      { at: 100, ch: 'book', v: 3 },
    ]);
    tape.push(11);
    tape.dispose();
    book.push(4);
    clock.advance(500);
    expect(seen.at(-1)).toEqual({ at: 200, ch: 'book', v: 4 });
    expect(seen).toHaveLength(4);
  });
});
