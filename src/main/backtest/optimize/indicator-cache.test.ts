/**
 * Indicator sharing between parameter sets: a shared series reads, bar by bar, exactly what the
 * library's streaming indicator gives; sets fed from one cache give exactly the statistics of
 * their own full backtest (sma-cross, and a user strategy mixing shared and self-registered
 * indicators); a bad spec fails like it does in the host.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadStrategyClass } from '../../config/strategy-loader';
import { createIndicator } from '../../engine/indicators/registry';
import { createRiskGate } from '../../native';
import { openFileFeed, runFeedBacktest } from '../file-backtest';
import { collectBars } from './bars';
import { evaluateSet, instantiate } from './evaluate';
import type { CostSettings, SeriesData } from './evaluate';
import type { ParamSet } from './grid';
import { IndicatorCache } from './indicator-cache';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');
const SAMPLE = join(ROOT, 'resources/sample-data/BTC-USD_coinbase_4h_2016-2025.csv');
const MACD_RSI = join(ROOT, 'test/fixtures/strategies/macd-rsi.ts');
const costs: CostSettings = { capital: 10_000, makerFeeBps: 10, takerFeeBps: 10, slippageBps: 2, latencyMs: 0, risk: { defaults: {} } };

async function sample(): Promise<SeriesData> {
  const source = await openFileFeed(SAMPLE);
  if (source.feed.kind !== 'bar') throw new Error('the sample holds bars');
  return { instrument: source.instrument, timeframeMs: source.timeframeMs, bars: await collectBars(source.feed.chunks) };
}

describe('indicator cache', () => {
  it('a shared series reads what the streaming indicator gives at every bar, from any first bar', async () => {
    const data = await sample();
    const cache = new IndicatorCache(data.instrument.id, data.bars);
    for (const spec of ['sma:20', 'ema:7', 'macd:12:26:9', 'bb:20:2', 'atr:14', 'stoch']) {
      for (const from of [0, 1000]) {
        const shared = cache.series(spec, from);
        const own = createIndicator(spec);
        expect(shared.ready).toBe(false);
        expect(shared.current).toBeNaN();
        let readyBars = 0;
        const differ: string[] = [];
        for (let i = from; i < data.bars.length; i++) {
          const bar = data.bars[i];
          if (!bar) throw new Error('gap');
          own.update(bar);
          shared.update();
          if (shared.ready !== own.ready) differ.push(`${spec}@${from} bar ${i}: ready ${shared.ready}`);
          for (let c = 0; c < own.columns.length; c++) if (!Object.is(shared.output(c), own.column(c))) differ.push(`${spec}@${from} bar ${i} column ${c}: ${shared.output(c)} ≠ ${own.column(c)}`);
          if (!Object.is(shared.current, own.column(0))) differ.push(`${spec}@${from} bar ${i}: current`);
          if (own.ready) readyBars++;
        }
        expect(differ.slice(0, 5)).toEqual([]);
        expect(readyBars).toBeGreaterThan(data.bars.length - from - 100); // the series were compared once warm, not only NaN
        expect(shared.output(own.columns.length)).toBeNaN();
      }
    }
    // Second cursors of the same (spec, first bar) come from the store.
    const before = cache.misses;
    cache.series('sma:20', 0);
    cache.series('SMA:20', 0); // the canonical spec is the key
    expect(cache.misses).toBe(before);
    expect(cache.hits).toBe(2);
  });

  it('drops the oldest series beyond its size limit and recomputes them when asked again', async () => {
    const data = await sample();
    const cache = new IndicatorCache(data.instrument.id, data.bars, data.bars.length * 2 + 2);
    cache.series('sma:5', 0);
    cache.series('sma:6', 0);
    cache.series('sma:7', 0); // over the limit: sma:5 goes
    cache.series('sma:7', 0);
    expect([cache.hits, cache.misses]).toEqual([1, 3]);
    cache.series('sma:5', 0);
    expect(cache.misses).toBe(4);
  });

  const cases: readonly (readonly [string, readonly ParamSet[]])[] = [
    ['sma-cross', [{ fast: '5', slow: '40' }, { fast: '10', slow: '40' }, { fast: '5', slow: '100' }, { fast: '20', slow: '100' }]],
    [MACD_RSI, [{ fast: '12', slow: '26', rsiMax: '70' }, { fast: '8', slow: '26', rsiMax: '60' }, { fast: '12', slow: '40', rsiMax: '70' }]],
  ];
  for (const [strategy, sets] of cases) {
    it(`sets fed from one cache equal their own full backtests (${strategy === MACD_RSI ? 'a user strategy with shared and self-registered indicators' : strategy})`, async () => {
      const data = await sample();
      const { cls } = await loadStrategyClass(strategy, ROOT);
      const cache = new IndicatorCache(data.instrument.id, data.bars);
      for (const from of [0, 3000]) {
        for (const set of sets) {
          const lean = await evaluateSet(data, cls, set, costs, { from, indicators: cache });
          const source = await openFileFeed(SAMPLE);
          if (source.feed.kind !== 'bar') throw new Error('bars');
          const { hooks } = instantiate(cls, set);
          const bars = (await collectBars(source.feed.chunks)).slice(from);
          const feed = { ...source, total: bars.length, feed: { ...source.feed, chunks: (async function* () { yield bars; })() } };
          const { result, stats } = await runFeedBacktest(feed, { hooks }, { ...costs, risk: createRiskGate(costs.risk, 'typescript') });
          expect(result.trades.length).toBeGreaterThan(3); // the set trades: the comparison means something
          expect(lean.stats).toEqual(stats);
        }
      }
      expect(cache.hits).toBeGreaterThan(0); // series were shared, not only computed
    });
  }

  it('an unknown spec fails the set with the registry error, as in the host', async () => {
    const data = await sample();
    const cls = class {
      static readonly params = {};
      onStart(ctx: { instruments(): readonly { id: string }[]; indicator(id: string, spec: string): unknown }): void {
        ctx.indicator(ctx.instruments()[0]?.id ?? '', 'smaa:20');
      }
    };
    const cache = new IndicatorCache(data.instrument.id, data.bars);
    await expect(evaluateSet(data, cls, {}, costs, { indicators: cache })).rejects.toThrow(/unknown indicator "smaa".*did you mean "sma"/);
    await expect(evaluateSet(data, cls, {}, costs)).rejects.toThrow(/unknown indicator "smaa".*did you mean "sma"/);
  });
});
