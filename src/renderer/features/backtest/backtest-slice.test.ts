import { describe, expect, it } from 'vitest';
import type { BacktestRunView } from '../../../shared/ipc/views';
import { makeStore } from '../../app/store';
import { progressFraction, runSelected, runStarted, runUpdated, selectRunningIds, selectRuns, selectSelectedRun, selectStartError, startRejected, startRequested } from './backtest-slice';

const run = (id: string, over: Partial<BacktestRunView> = {}): BacktestRunView => ({
  id, label: 'sma-cross on x.csv', status: 'running', progress: null, startedAt: 1, finishedAt: null, error: null, report: null, ...over,
});

describe('backtest slice', () => {
  it('selects a started run, lists newest first and tracks which runs still run', () => {
    const store = makeStore();
    store.dispatch(runStarted(run('BT-1')));
    store.dispatch(runStarted(run('BT-2')));
    expect(selectRuns(store.getState()).map((r) => r.id)).toEqual(['BT-2', 'BT-1']);
    expect(selectSelectedRun(store.getState())?.id).toBe('BT-2');
    store.dispatch(runUpdated(run('BT-2', { status: 'done' })));
    expect(selectRunningIds(store.getState())).toEqual(['BT-1']);
    store.dispatch(runSelected('BT-1'));
    expect(selectSelectedRun(store.getState())?.id).toBe('BT-1');
  });

  it('keeps a received report when a later update carries none, and ignores unknown runs', () => {
    const store = makeStore();
    store.dispatch(runStarted(run('BT-1')));
    const report = { symbol: 'BTC/USD' } as unknown as NonNullable<BacktestRunView['report']>;
    store.dispatch(runUpdated(run('BT-1', { status: 'done', report })));
    store.dispatch(runUpdated(run('BT-1', { status: 'done' })));
    expect(selectSelectedRun(store.getState())?.report).toBe(report);
    store.dispatch(runUpdated(run('BT-9')));
    expect(selectRuns(store.getState())).toHaveLength(1);
  });

  it('shows a start rejection until the next start', () => {
    const store = makeStore();
    store.dispatch(startRequested());
    store.dispatch(startRejected({ code: 'DATA_NOT_FOUND', message: 'no file at /x' }));
    expect(selectStartError(store.getState())).toEqual({ code: 'DATA_NOT_FOUND', message: 'no file at /x' });
    store.dispatch(startRequested());
    expect(selectStartError(store.getState())).toBeNull();
  });

  it('computes the progress fraction', () => {
    expect(progressFraction(run('a'))).toBeNull();
    expect(progressFraction(run('a', { progress: { done: 50, total: 200, simTime: 0 } }))).toBe(0.25);
    expect(progressFraction(run('a', { status: 'done' }))).toBe(1);
  });
});
