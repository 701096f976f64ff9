import { describe, expect, it } from 'vitest';
import { LiveClock, SimulatedClock } from './clock';

describe('SimulatedClock', () => {
  it('fires timers in time order, ties in creation order, with now at the timer time', () => {
    const c = new SimulatedClock(0);
    const got: string[] = [];
    c.setTimer('b', 20, (n, ts) => got.push(`${n}@${ts}/${c.now()}`));
    c.setTimer('a', 10, (n, ts) => got.push(`${n}@${ts}/${c.now()}`));
    c.setTimer('a2', 10, (n, ts) => got.push(`${n}@${ts}`));
    c.advanceTo(25);
    expect(got).toEqual(['a@10/10', 'a2@10', 'b@20/20']);
    expect(c.now()).toBe(25);
  });

  it('repeats interval timers and stops them on cancel', () => {
    const c = new SimulatedClock(0);
    const got: number[] = [];
    const cancel = c.setInterval('i', 10, (_n, ts) => got.push(ts));
    c.advanceTo(35);
    cancel();
    c.advanceTo(100);
    expect(got).toEqual([10, 20, 30]);
  });

  it('refuses to go back in time', () => {
    const c = new SimulatedClock(100);
    expect(() => c.advanceTo(99)).toThrow(/cannot go back/);
  });

  it('fires a timer set for the past at the next advance', () => {
    const c = new SimulatedClock(50);
    let fired = -1;
    c.setTimer('late', 10, (_n, ts) => (fired = ts));
    c.advanceTo(50);
    expect(fired).toBe(50);
  });
});

describe('SimulatedClock.tryAdvance (the per-event fast path)', () => {
  it('moves the time only when nothing would fire and time does not go back; otherwise leaves it to advanceTo', () => {
    const c = new SimulatedClock(100);
    expect(c.tryAdvance(200)).toBe(true);
    expect(c.now()).toBe(200);
    expect(c.tryAdvance(150)).toBe(false); // back in time: advanceTo throws
    expect(c.now()).toBe(200);
    expect(() => c.advanceTo(150)).toThrow(RangeError);
    let fired = 0;
    c.setTimer('t', 300, () => fired++);
    expect(c.tryAdvance(299)).toBe(true);
    expect(c.tryAdvance(300)).toBe(false); // the timer is due: not fired here
    expect(fired).toBe(0);
    expect(c.now()).toBe(299);
    c.advanceTo(300);
    expect(fired).toBe(1);
    expect(c.tryAdvance(10_000)).toBe(true);
    expect(c.now()).toBe(10_000);
  });
});

describe('LiveClock', () => {
  it('schedules through the injected time source', () => {
    let now = 1000;
    const scheduled: [number, () => void][] = [];
    const clock = new LiveClock({ now: () => now, schedule: (ms, fn) => (scheduled.push([ms, fn]), () => undefined) });
    let fired = 0;
    clock.setTimer('t', 1500, () => fired++);
    expect(scheduled[0]?.[0]).toBe(500);
    now = 1500;
    scheduled[0]?.[1]();
    expect(fired).toBe(1);
  });
});
