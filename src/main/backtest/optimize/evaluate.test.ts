/**
 * The optimizer ranks sets with the lean statistics path (no buy-and-hold, price or indicator
 * curves) in worker threads; every set's statistics must equal a full per-set backtest of the
 * same parameters on the same bars (what `libra backtest` reports).
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadStrategyClass } from '../../config/strategy-loader';
import { createRiskGate } from '../../native';
import SmaCross from '../../engine/strategy/examples/sma-cross';
import { openFileFeed, runFeedBacktest } from '../file-backtest';
import { collectBars } from './bars';
import { evaluateSet } from './evaluate';
import type { CostSettings } from './evaluate';
import { parseGridAxis } from './grid';
import { optimizeFeed } from './optimize';

const SAMPLE = join(resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../resources/sample-data'), 'BTC-USD_coinbase_4h_2016-2025.csv');
const costs: CostSettings = { capital: 10_000, makerFeeBps: 10, takerFeeBps: 10, slippageBps: 2, latencyMs: 0, risk: { defaults: {} } };

async function fullBacktest(fast: number, slow: number) {
  const source = await openFileFeed(SAMPLE);
  const { result, stats } = await runFeedBacktest(source, { hooks: new SmaCross({ fast, slow }) }, { ...costs, risk: createRiskGate(costs.risk, 'typescript') });
  return { result, stats };
}

describe('optimizer sets equal full backtests', () => {
  it('the lean in-process path gives exactly the full report statistics, and omits only the chart curves', async () => {
    const source = await openFileFeed(SAMPLE);
    if (source.feed.kind !== 'bar') throw new Error('the sample holds bars');
    const bars = await collectBars(source.feed.chunks);
    const data = { instrument: source.instrument, timeframeMs: source.timeframeMs, bars };
    const { cls } = await loadStrategyClass('sma-cross', process.cwd());
    for (const [fast, slow] of [[5, 40], [10, 30], [20, 100]] as const) {
      const lean = await evaluateSet(data, cls, { fast: String(fast), slow: String(slow) }, costs);
      const { result, stats } = await fullBacktest(fast, slow);
      expect(result.trades.length).toBeGreaterThan(3); // the set trades: the comparison means something
      expect(result.benchmark).not.toBeNull();
      expect(lean.stats).toEqual(stats);
      expect(lean.bars).toBe(result.bars);
    }
  });

  it('every set of a grid run in worker threads equals its full backtest', async () => {
    const source = await openFileFeed(SAMPLE);
    const outcome = await optimizeFeed(source, { strategy: 'sma-cross', cwd: process.cwd(), axes: [parseGridAxis('fast=5:15:10'), parseGridAxis('slow=40:80:40')], objective: 'sharpe', workers: 2, costs });
    expect(outcome.results).toHaveLength(4);
    expect(outcome.failed).toEqual([]);
    for (const r of outcome.results) {
      const { stats } = await fullBacktest(Number(r.params.fast), Number(r.params.slow));
      expect(r.stats).toEqual(stats);
    }
  });
});
