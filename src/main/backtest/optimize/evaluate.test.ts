/**
 * The optimizer ranks sets with the lean statistics path (no buy-and-hold, price or indicator
 * curves) in worker threads; every set's statistics must equal a full per-set backtest of the
 * same parameters on the same bars (what `libra backtest` reports).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');
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

  it('sets batched to one worker share its indicator series and each still equals its full backtest', async () => {
    const source = await openFileFeed(SAMPLE);
    // 12 sets on 1 worker: batches of 3, then smaller as the queue drains.
    const outcome = await optimizeFeed(source, { strategy: 'sma-cross', cwd: process.cwd(), axes: [parseGridAxis('fast=5:20:5'), parseGridAxis('slow=40:100:30')], objective: 'total-return', workers: 1, costs });
    expect(outcome.results).toHaveLength(12);
    expect(outcome.failed).toEqual([]);
    // Each distinct SMA computed once (4 fast + 3 slow), every other request served shared.
    expect(outcome.indicatorSeries).toEqual({ computed: 7, shared: 12 * 2 - 7 });
    for (const r of outcome.results) {
      const { stats } = await fullBacktest(Number(r.params.fast), Number(r.params.slow));
      expect(r.stats).toEqual(stats);
    }
  });

  it('a set that throws inside a batch fails alone; the sets batched with it still rank', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'libra-opt-'));
    try {
      const file = join(dir, 'boom.ts');
      const strategyModule = JSON.stringify(join(ROOT, 'src/main/engine/strategy/strategy.ts'));
      writeFileSync(
        file,
        `import { Strategy } from ${strategyModule};
export default class Boom extends Strategy<{ boom: number }> {
  static override readonly params = { boom: { type: 'int' as const, default: 1 } };
  private n = 0;
  onBar(): void {
    if (++this.n === 100 && this.params.boom === 2) throw new Error('boom at bar 100');
  }
}
`,
      );
      const source = await openFileFeed(SAMPLE);
      const outcome = await optimizeFeed(source, { strategy: file, cwd: dir, axes: [parseGridAxis('boom=1:12:1')], objective: 'total-return', workers: 1, costs });
      expect(outcome.failed).toEqual([{ params: { boom: '2' }, reason: expect.stringMatching(/threw: boom at bar 100$/) as unknown }]);
      expect(outcome.results.map((r) => r.params.boom).sort((a, b) => Number(a) - Number(b))).toEqual([1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
