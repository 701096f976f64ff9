import { describe, expect, it } from 'vitest';
import { compactCount, createProgressBar, formatEta } from './progress';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 100, write: (s: string) => writes.push(s) } };
}

describe('progress bar', () => {
  it('is silent when the stream is not a TTY, unless forced', () => {
    const { writes, stream } = fakeStream(false);
    const bar = createProgressBar({ stream, total: 10 });
    bar.tick(5);
    bar.finish();
    expect(bar.enabled).toBe(false);
    expect(writes).toEqual([]);
    const forced = fakeStream(false);
    createProgressBar({ stream: forced.stream, total: 10, force: true }).finish();
    expect(forced.writes.length).toBe(2);
  });

  it('shows %, counts, rate and ETA, throttled by the clock', () => {
    let t = 0;
    const { writes, stream } = fakeStream(true);
    const bar = createProgressBar({ stream, total: 1000, label: 'Backtest', unit: 'bars', width: 10, throttleMs: 100, now: () => t });
    t = 1000;
    bar.update(250); // 250 bars in 1 s → 250/s, 750 left → ETA 3s
    expect(writes).toHaveLength(1);
    expect(writes[0]).toBe('\rBacktest [###.......]  25.0%  250/1.0k bars  250/s  ETA 3s');
    t = 1050;
    bar.update(260); // within 100 ms of the last draw: skipped
    expect(writes).toHaveLength(1);
    t = 2000;
    bar.update(500);
    expect(writes[1]).toContain(' 50.0%');
    bar.finish();
    expect(writes.at(-2)).toContain('100.0%');
    expect(writes.at(-1)).toBe('\n');
    bar.finish();
    bar.tick();
    expect(writes.at(-1)).toBe('\n');
  });

  it('unknown total shows counts and rate only', () => {
    let t = 0;
    const { writes, stream } = fakeStream(true);
    const bar = createProgressBar({ stream, total: 0, unit: 'rows', now: () => t });
    t = 2000;
    bar.update(40_000);
    expect(writes[0]).toBe('\r40k rows  20k/s  2s');
  });

  it('helpers', () => {
    expect(compactCount(999)).toBe('999');
    expect(compactCount(1234)).toBe('1.2k');
    expect(compactCount(2_900_000)).toBe('2.9M');
    expect(formatEta(5)).toBe('5s');
    expect(formatEta(200)).toBe('3m 20s');
    expect(formatEta(7500)).toBe('2h 05m');
    expect(formatEta(Number.POSITIVE_INFINITY)).toBe('--');
  });
});
