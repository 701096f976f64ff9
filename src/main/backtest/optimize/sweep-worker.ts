/**
 * The optimizer's worker thread: unpacks the shared series and loads the strategy class once,
 * then evaluates the parameter sets of each batch it is sent, in order, with one indicator cache
 * for all of them (`ctx.indicator` series computed once per worker, shared between sets).
 * Loaded through sweep-worker-entry.mjs, which registers tsx first.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadStrategyClass } from '../../config/strategy-loader';
import { unpackBars, unpackTrades } from './bars';
import { evaluateSet, tradeSeries } from './evaluate';
import type { SeriesData } from './evaluate';
import { IndicatorCache } from './indicator-cache';
import type { CacheCounts, FromWorker, SweepTask, SweepWorkerData, ToWorker } from './protocol';

const port = parentPort;
if (!port) throw new Error('sweep-worker.ts runs inside a worker thread');
const post = (m: FromWorker): void => port.postMessage(m);
const wd = workerData as SweepWorkerData;
const errorText = (error: unknown): { message: string; name: string } => ({ message: error instanceof Error ? error.message : String(error), name: error instanceof Error ? error.name : 'Error' });

try {
  const { cls } = await loadStrategyClass(wd.strategy, wd.cwd);
  const bars = unpackBars(wd.packed, wd.instrument.id, wd.timeframeMs);
  const data: SeriesData = { instrument: wd.instrument, timeframeMs: wd.timeframeMs, bars, ...(wd.trades ? { trades: tradeSeries(bars, unpackTrades(wd.trades, wd.instrument.id)) } : {}) };
  const indicators = wd.shareIndicators === false ? undefined : new IndicatorCache(wd.instrument.id, data.bars);
  const counts = (): { cache?: CacheCounts } => (indicators ? { cache: { shared: indicators.hits, computed: indicators.misses } } : {});
  const runBatch = async (tasks: readonly SweepTask[]): Promise<void> => {
    for (const task of tasks) {
      try {
        const result = await evaluateSet(data, cls, task.params, wd.costs, { from: task.from, to: task.to, detail: task.detail, ...(indicators ? { indicators } : {}) });
        post({ t: 'done', id: task.id, result, ...counts() });
      } catch (error) {
        post({ t: 'error', id: task.id, ...errorText(error), ...counts() });
      }
    }
  };
  // One batch at a time: the parent sends the next one when this one is done.
  port.on('message', (m: ToWorker) => {
    if (m.t === 'close') {
      port.close();
      return;
    }
    void runBatch(m.tasks);
  });
  post({ t: 'ready' });
} catch (error) {
  post({ t: 'fatal', ...errorText(error) });
}
