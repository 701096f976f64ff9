/** Risk panel: trading state, the last denials (with the gate's reason) and risk events. */
import { createSlice, prepareAutoBatched } from '@reduxjs/toolkit';
import type { PayloadAction } from '@reduxjs/toolkit';
import type { DenialView, RiskEventView, RiskView, TradingStateView } from '../../../shared/ipc/views';
import { snapshotReceived } from '../session/session-slice';

export const MAX_DENIALS = 20;
const initialState: RiskView = { tradingState: 'ACTIVE', denials: [], events: [] };

export const riskSlice = createSlice({
  name: 'risk',
  initialState,
  reducers: {
    tradingStateChanged: {
      reducer(state, action: PayloadAction<TradingStateView>) {
        state.tradingState = action.payload;
      },
      prepare: prepareAutoBatched<TradingStateView>(),
    },
    orderDenied: {
      reducer(state, action: PayloadAction<DenialView>) {
        state.denials = [action.payload, ...state.denials].slice(0, MAX_DENIALS);
      },
      prepare: prepareAutoBatched<DenialView>(),
    },
    riskEventReceived: {
      reducer(state, action: PayloadAction<RiskEventView>) {
        state.events = [action.payload, ...state.events].slice(0, 20);
      },
      prepare: prepareAutoBatched<RiskEventView>(),
    },
  },
  extraReducers: (b) => b.addCase(snapshotReceived, (_s, { payload }) => payload.risk),
  selectors: {
    selectTradingState: (s) => s.tradingState,
    selectDenials: (s) => s.denials,
    selectRiskEvents: (s) => s.events,
  },
});

export const { tradingStateChanged, orderDenied, riskEventReceived } = riskSlice.actions;
export const { selectTradingState, selectDenials, selectRiskEvents } = riskSlice.selectors;
