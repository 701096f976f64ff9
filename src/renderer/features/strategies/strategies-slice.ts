/**
 * Strategies panel state: strategies running (or stopped) in the live paper session, the
 * parameter spec of the strategy being loaded, and the last error, shown inline.
 */
import { createSlice } from '@reduxjs/toolkit';
import type { PayloadAction } from '@reduxjs/toolkit';
import type { IpcError } from '../../../shared/ipc/result';
import type { RunningStrategyView, StrategyInfoView } from '../../../shared/ipc/views';

export interface StrategiesState {
  readonly list: readonly RunningStrategyView[];
  readonly loaded: StrategyInfoView | null;
  readonly error: IpcError | null;
}

const initialState: StrategiesState = { list: [], loaded: null, error: null };

export const strategiesSlice = createSlice({
  name: 'strategies',
  initialState,
  reducers: {
    strategiesListed: (state, action: PayloadAction<readonly RunningStrategyView[]>): StrategiesState => ({ ...state, list: action.payload }),
    strategyDescribed: (state, action: PayloadAction<StrategyInfoView>): StrategiesState => ({ ...state, loaded: action.payload, error: null }),
    strategyChanged: (state, action: PayloadAction<RunningStrategyView>): StrategiesState => {
      const s = action.payload;
      const has = state.list.some((x) => x.id === s.id);
      return { ...state, error: null, list: has ? state.list.map((x) => (x.id === s.id ? s : x)) : [...state.list, s] };
    },
    strategyFailed: (state, action: PayloadAction<IpcError>): StrategiesState => ({ ...state, error: action.payload }),
    strategyUnloaded: (state): StrategiesState => ({ ...state, loaded: null }),
  },
});

export const { strategiesListed, strategyDescribed, strategyChanged, strategyFailed, strategyUnloaded } = strategiesSlice.actions;

type WithStrategies = { strategies: StrategiesState };
export const selectStrategies = (s: WithStrategies) => s.strategies.list;
export const selectLoadedStrategy = (s: WithStrategies) => s.strategies.loaded;
export const selectStrategyError = (s: WithStrategies) => s.strategies.error;
export const selectRunningCount = (s: WithStrategies) => s.strategies.list.filter((x) => x.state === 'running').length;
