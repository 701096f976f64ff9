/** Messages between the optimizer and its worker threads. */
import type { Instrument } from '../../../shared/domain/instrument';
import type { PackedTrades } from './bars';
import type { CostSettings, SetResult } from './evaluate';
import type { ParamSet } from './grid';

/** What every worker gets once: the series (shared memory), the strategy and the costs. */
export interface SweepWorkerData {
  readonly packed: Float64Array;
  /** A trades file's trades (the bars are built from them): orders fill against these. */
  readonly trades?: PackedTrades;
  readonly instrument: Instrument;
  readonly timeframeMs: number;
  readonly strategy: string;
  readonly cwd: string;
  readonly costs: CostSettings;
  /** Share `ctx.indicator` series between the sets a worker runs (default true). */
  readonly shareIndicators?: boolean;
}

export interface SweepTask {
  readonly id: number;
  readonly params: ParamSet;
  readonly from: number;
  readonly to: number;
  readonly detail: boolean;
}

/** A batch of sets, run in order; each answers with its own done/error message. */
export type ToWorker = { readonly t: 'run'; readonly tasks: readonly SweepTask[] } | { readonly t: 'close' };

export type FromWorker =
  | { readonly t: 'ready' }
  | { readonly t: 'done'; readonly id: number; readonly result: SetResult; readonly cache?: CacheCounts }
  | { readonly t: 'error'; readonly id: number; readonly message: string; readonly name: string; readonly cache?: CacheCounts }
  | { readonly t: 'fatal'; readonly message: string; readonly name: string };

/** The worker's indicator-cache counters so far: series handed out shared, and computed. */
export interface CacheCounts {
  readonly shared: number;
  readonly computed: number;
}
