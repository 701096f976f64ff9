/** Price alerts (kept and fired by the host; the window only shows them). */
import { createEntityAdapter, createSelector, createSlice, prepareAutoBatched } from '@reduxjs/toolkit';
import type { PayloadAction } from '@reduxjs/toolkit';
import type { AlertView } from '../../../shared/ipc/views';
import { snapshotReceived } from '../session/session-slice';

const alerts = createEntityAdapter<AlertView, string>({ selectId: (a) => a.id, sortComparer: (a, b) => Number(b.id.slice(1)) - Number(a.id.slice(1)) });

export const alertsSlice = createSlice({
  name: 'alerts',
  initialState: alerts.getInitialState(),
  reducers: {
    alertUpdated: {
      reducer(state, action: PayloadAction<AlertView>) {
        alerts.setOne(state, action.payload);
      },
      prepare: prepareAutoBatched<AlertView>(),
    },
    alertRemoved: {
      reducer(state, action: PayloadAction<string>) {
        alerts.removeOne(state, action.payload);
      },
      prepare: prepareAutoBatched<string>(),
    },
  },
  extraReducers: (b) => b.addCase(snapshotReceived, (state, { payload }) => alerts.setAll(state, payload.alerts)),
});

export const { alertUpdated, alertRemoved } = alertsSlice.actions;

type WithAlerts = { alerts: ReturnType<typeof alerts.getInitialState> };
const sel = alerts.getSelectors((s: WithAlerts) => s.alerts);
export const selectAllAlerts = sel.selectAll;
export const selectActiveAlertsFor = createSelector([selectAllAlerts, (_s: WithAlerts, id: string) => id], (all, id) =>
  all.filter((a) => a.instrumentId === id && a.status === 'active'),
);
