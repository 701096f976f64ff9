/**
 * The backtest worker thread: runs one job (workerData) and posts progress, then the result or
 * an error, to its parent. Loaded through worker-entry.mjs, which registers tsx first.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerMessage } from './protocol';
import { runJob } from './run-job';
import type { BacktestJob } from './run-job';

const port = parentPort;
if (!port) throw new Error('backtest-worker.ts runs inside a worker thread');
const post = (m: WorkerMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

try {
  const { output, bars } = await runJob(workerData as BacktestJob, (p) => post({ t: 'progress', ...p }));
  post({ t: 'result', output, bars }, bars ? [bars.buffer as ArrayBuffer] : []);
} catch (error) {
  post({ t: 'error', message: error instanceof Error ? error.message : String(error) });
}
