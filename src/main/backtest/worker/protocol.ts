/** Messages of the backtest worker (worker → parent). The job itself travels as workerData. */
import type { JobOutput, JobProgress } from './run-job';

export type WorkerMessage =
  | ({ readonly t: 'progress' } & JobProgress)
  | { readonly t: 'result'; readonly output: JobOutput; readonly bars: Float64Array | null }
  | { readonly t: 'error'; readonly message: string };
