/**
 * The optimizer's pure parts: grid parsing and expansion (with the errors a user sees), the
 * objectives, the Monte Carlo of trade order (seeded), and where the look-ahead detector cuts.
 */
import { describe, expect, it } from 'vitest';
import { expandGrid, GridError, parseGridAxis } from './grid';
import { chooseCuts } from './lookahead';
import { monteCarloTrades, seededRandom, tradeDrawdown, tradeReturns } from './monte-carlo';
import { objectiveValue, rankBy } from './objective';
import type { ReportStats } from '../report';

describe('grid', () => {
  it('expands inclusive start:stop:step ranges, first axis slowest', () => {
    const sets = expandGrid([parseGridAxis('fast=5:15:5'), parseGridAxis('slow=40:60:20')]);
    expect(sets).toEqual([
      { fast: '5', slow: '40' },
      { fast: '5', slow: '60' },
      { fast: '10', slow: '40' },
      { fast: '10', slow: '60' },
      { fast: '15', slow: '40' },
      { fast: '15', slow: '60' },
    ]);
  });

  it('keeps decimal steps exact and accepts lists', () => {
    expect(parseGridAxis('k=0.1:0.5:0.2').values).toEqual([0.1, 0.3, 0.5]);
    expect(parseGridAxis('mode=fast,slow').values).toEqual(['fast', 'slow']);
    expect(parseGridAxis('n=3:4:5').values).toEqual([3]);
  });

  it('adds fixed parameters to every set and refuses one both fixed and gridded', () => {
    expect(expandGrid([parseGridAxis('a=1:2:1')], { b: '7' })).toEqual([{ a: '1', b: '7' }, { a: '2', b: '7' }]);
    expect(() => expandGrid([parseGridAxis('a=1:2:1')], { a: '7' })).toThrow('a is both a --grid and a --param');
    expect(() => expandGrid([parseGridAxis('a=1:2:1'), parseGridAxis('a=3:4:1')])).toThrow('--grid a is given twice');
  });

  it.each([
    ['fast', '--grid "fast": expected name=start:stop:step or name=v1,v2,…'],
    ['fast=5:25', '--grid fast: "5:25" must be start:stop:step'],
    ['fast=5:x:5', '--grid fast: stop "x" is not a number'],
    ['fast=5:25:0', '--grid fast: step must be > 0, got 0'],
    ['fast=25:5:5', '--grid fast: stop 5 is below start 25'],
    ['fast=', '--grid fast: no values after "="'],
    ['9x=1:2:1', '--grid "9x=1:2:1": "9x" is not a parameter name'],
    ['fast=1,,2', '--grid fast: empty value in "1,,2"'],
    ['fast=0:1e9:1', '--grid fast: 1000000001 values is too many (at most 1000000)'],
  ])('refuses %s with a message naming the flag', (text, message) => {
    expect(() => parseGridAxis(text)).toThrow(GridError);
    expect(() => parseGridAxis(text)).toThrow(message);
  });
});

describe('objectives', () => {
  const stats = (s: Partial<ReportStats>): ReportStats => ({ totalReturn: 0, cagr: null, sharpe: null, sortino: null, maxDrawdown: 0, profitFactor: null, ...s }) as ReportStats;

  it('computes calmar as CAGR over max drawdown, null without a drawdown', () => {
    expect(objectiveValue(stats({ cagr: 0.3, maxDrawdown: 0.15 }), 'calmar')).toBeCloseTo(2);
    expect(objectiveValue(stats({ cagr: 0.3, maxDrawdown: 0 }), 'calmar')).toBeNull();
  });

  it('ranks best first and puts undefined values last, in grid order', () => {
    const items = [{ id: 'a', stats: stats({ sharpe: null }) }, { id: 'b', stats: stats({ sharpe: 0.5 }) }, { id: 'c', stats: stats({ sharpe: 1.5 }) }, { id: 'd', stats: stats({ sharpe: null }) }];
    expect(rankBy(items, 'sharpe').map((i) => i.id)).toEqual(['c', 'b', 'a', 'd']);
  });
});

describe('Monte Carlo of trade order', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const pnls = [500, -300, 800, -1200, 400, -100, 900, -700, 300, 250];
    const a = monteCarloTrades(10_000, pnls, 200, 7);
    expect(monteCarloTrades(10_000, pnls, 200, 7)).toEqual(a);
    expect(monteCarloTrades(10_000, pnls, 200, 8).distribution).not.toEqual(a.distribution);
    expect(a.maxDrawdown.p5).toBeLessThanOrEqual(a.maxDrawdown.p50);
    expect(a.maxDrawdown.p50).toBeLessThanOrEqual(a.maxDrawdown.p95);
    expect(a.maxDrawdown.worst).toBe(a.distribution[a.distribution.length - 1]);
  });

  it('measures the drawdown of compounded trade returns in order', () => {
    const r = tradeReturns(1000, [100, -550, 45]);
    expect(r).toEqual([0.1, -0.5, 45 / 550]);
    expect(tradeDrawdown(r)).toBeCloseTo(0.5);
    // Every order ends at the same equity: the sorted-best order has the smallest drawdown.
    expect(tradeDrawdown([0.1, 45 / 550, -0.5])).toBeCloseTo(0.5);
  });

  it('draws uniform numbers in [0, 1)', () => {
    const rand = seededRandom(1);
    const xs = Array.from({ length: 10_000 }, rand);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.reduce((s, x) => s + x, 0) / xs.length).toBeCloseTo(0.5, 1);
  });
});

describe('look-ahead cuts', () => {
  it('cuts after the bars that decided, then evenly, never after the last bar', () => {
    const times = Array.from({ length: 100 }, (_, i) => (i + 1) * 10);
    const cuts = chooseCuts(times, [55, 300, 300, 990], 10);
    // A decision at t is taken on the last bar closed at or before t.
    expect(cuts).toEqual(expect.arrayContaining([4, 29, 98]));
    expect(cuts.length).toBeLessThanOrEqual(10);
    expect(Math.max(...cuts)).toBeLessThan(99);
    expect(cuts).toEqual([...cuts].sort((a, b) => a - b));
  });
});
