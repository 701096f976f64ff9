import { describe, expect, it } from 'vitest';
import type { RunningStrategyView } from '../../../shared/ipc/views';
import { makeStore } from '../../app/store';
import { selectLoadedStrategy, selectRunningCount, selectStrategies, selectStrategyError, strategiesListed, strategyChanged, strategyDescribed, strategyFailed } from './strategies-slice';

const s = (id: string, state: RunningStrategyView['state'] = 'running'): RunningStrategyView => ({
  id, strategy: 'sma-cross', params: { fast: 5, slow: 12 }, state, instrumentId: 'BTC/USD@COINBASE', timeframe: '4h', startedAt: 1, stoppedAt: null, position: 0, realized: 0, unrealized: 0, orders: 0, error: null,
});

describe('strategies slice', () => {
  it('adds, replaces and counts running strategies', () => {
    const store = makeStore();
    store.dispatch(strategyChanged(s('sma-cross-1')));
    store.dispatch(strategyChanged(s('sma-cross-2')));
    store.dispatch(strategyChanged(s('sma-cross-1', 'stopped')));
    expect(selectStrategies(store.getState()).map((x) => `${x.id}:${x.state}`)).toEqual(['sma-cross-1:stopped', 'sma-cross-2:running']);
    expect(selectRunningCount(store.getState())).toBe(1);
    store.dispatch(strategiesListed([s('sma-cross-3')]));
    expect(selectStrategies(store.getState())).toHaveLength(1);
  });

  it('shows an error inline until the next success', () => {
    const store = makeStore();
    store.dispatch(strategyFailed({ code: 'PARAM_INVALID', message: 'parameter fast must be a number, got "x"' }));
    expect(selectStrategyError(store.getState())?.code).toBe('PARAM_INVALID');
    store.dispatch(strategyDescribed({ name: 'sma-cross', params: [] }));
    expect(selectStrategyError(store.getState())).toBeNull();
    expect(selectLoadedStrategy(store.getState())?.name).toBe('sma-cross');
  });
});
