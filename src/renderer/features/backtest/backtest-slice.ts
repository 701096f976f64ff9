/**
 * Backtest panel state: the catalog (samples, strategies, defaults), the runs this window
 * started (status, throttled progress, report once done) and the start error shown inline.
 * Runs live in the host's worker threads; this is only what the window was told about them.
 */
import { createSelector, createSlice } from '@reduxjs/toolkit';
import type { PayloadAction } from '@reduxjs/toolkit';
import type { IpcError } from '../../../shared/ipc/result';
import type { BacktestCatalogView, BacktestRunView } from '../../../shared/ipc/views';

export interface BacktestState {
  readonly catalog: BacktestCatalogView | null;
  /** Newest first. */
  readonly order: readonly string[];
  readonly runs: Readonly<Record<string, BacktestRunView>>;
  readonly selected: string | null;
  readonly startError: IpcError | null;
  readonly starting: boolean;
}

const initialState: BacktestState = { catalog: null, order: [], runs: {}, selected: null, startError: null, starting: false };

export const backtestSlice = createSlice({
  name: 'backtest',
  initialState,
  // Reducers return new objects: the views are deeply readonly (they are never mutated).
  reducers: {
    catalogReceived: (state, action: PayloadAction<BacktestCatalogView>): BacktestState => ({ ...state, catalog: action.payload }),
    startRequested: (state): BacktestState => ({ ...state, starting: true, startError: null }),
    startRejected: (state, action: PayloadAction<IpcError>): BacktestState => ({ ...state, starting: false, startError: action.payload }),
    runStarted: (state, action: PayloadAction<BacktestRunView>): BacktestState => {
      const run = action.payload;
      return { ...state, starting: false, runs: { ...state.runs, [run.id]: run }, order: [run.id, ...state.order.filter((id) => id !== run.id)], selected: run.id };
    },
    runUpdated: (state, action: PayloadAction<BacktestRunView>): BacktestState => {
      const run = action.payload;
      const old = state.runs[run.id];
      if (!old) return state;
      // A later poll without the report must not drop one already received.
      const next = run.report === null && old.report !== null ? { ...run, report: old.report } : run;
      return { ...state, runs: { ...state.runs, [run.id]: next } };
    },
    /** A result the host kept (a past session's): shown like a finished run of this window. */
    savedOpened: (state, action: PayloadAction<BacktestRunView>): BacktestState => {
      const run = action.payload;
      return { ...state, runs: { ...state.runs, [run.id]: run }, order: [run.id, ...state.order.filter((id) => id !== run.id)], selected: run.id };
    },
    runSelected: (state, action: PayloadAction<string>): BacktestState => (state.runs[action.payload] ? { ...state, selected: action.payload } : state),
  },
});

export const { catalogReceived, startRequested, startRejected, runStarted, runUpdated, runSelected, savedOpened } = backtestSlice.actions;

type WithBacktest = { backtest: BacktestState };
export const selectBacktestCatalog = (s: WithBacktest) => s.backtest.catalog;
export const selectStartError = (s: WithBacktest) => s.backtest.startError;
export const selectStarting = (s: WithBacktest) => s.backtest.starting;
export const selectSelectedRun = (s: WithBacktest): BacktestRunView | null => (s.backtest.selected ? (s.backtest.runs[s.backtest.selected] ?? null) : null);
export const selectRuns = createSelector([(s: WithBacktest) => s.backtest.order, (s: WithBacktest) => s.backtest.runs], (order, runs) =>
  order.flatMap((id) => (runs[id] ? [runs[id]] : [])),
);
/** Ids of runs still running (the panel polls these). */
export const selectRunningIds = createSelector([selectRuns], (runs) => runs.filter((r) => r.status === 'running').map((r) => r.id));

/** Fraction done in [0, 1] (null before the first progress). */
export function progressFraction(run: BacktestRunView): number | null {
  const p = run.progress;
  if (!p || p.total <= 0) return run.status === 'done' ? 1 : null;
  return Math.min(1, Math.max(0, p.done / p.total));
}
