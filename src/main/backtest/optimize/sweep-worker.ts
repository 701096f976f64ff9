/**
 * The optimizer's worker thread: unpacks the shared series and loads the strategy class once,
 * then evaluates one parameter set per task it is sent, in the order they come.
 * Loaded through sweep-worker-entry.mjs, which registers tsx first.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadStrategyClass } from '../../config/strategy-loader';
import { unpackBars } from './bars';
import { evaluateSet } from './evaluate';
import type { SeriesData } from './evaluate';
import type { FromWorker, SweepWorkerData, ToWorker } from './protocol';

const port = parentPort;
if (!port) throw new Error('sweep-worker.ts runs inside a worker thread');
const post = (m: FromWorker): void => port.postMessage(m);
const wd = workerData as SweepWorkerData;

try {
  const { cls } = await loadStrategyClass(wd.strategy, wd.cwd);
  const data: SeriesData = { instrument: wd.instrument, timeframeMs: wd.timeframeMs, bars: unpackBars(wd.packed, wd.instrument.id, wd.timeframeMs) };
  // One task at a time: the parent sends the next one when this one is done.
  port.on('message', (m: ToWorker) => {
    if (m.t === 'close') {
      port.close();
      return;
    }
    const { task } = m;
    evaluateSet(data, cls, task.params, wd.costs, { from: task.from, to: task.to, detail: task.detail }).then(
      (result) => post({ t: 'done', id: task.id, result }),
      (error: unknown) => post({ t: 'error', id: task.id, message: error instanceof Error ? error.message : String(error), name: error instanceof Error ? error.name : 'Error' }),
    );
  });
  post({ t: 'ready' });
} catch (error) {
  post({ t: 'fatal', message: error instanceof Error ? error.message : String(error), name: error instanceof Error ? error.name : 'Error' });
}
