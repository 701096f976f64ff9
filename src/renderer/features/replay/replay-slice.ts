/** The paper replay's pace and simulated time. */
import { createSlice, prepareAutoBatched } from '@reduxjs/toolkit';
import type { PayloadAction } from '@reduxjs/toolkit';
import type { ReplayView } from '../../../shared/ipc/views';
import { snapshotReceived } from '../session/session-slice';

const initialState: ReplayView = { speed: 0, running: false, timeframe: '', simTime: 0 };

export const replaySlice = createSlice({
  name: 'replay',
  initialState,
  reducers: {
    replayUpdated: {
      reducer: (_s, action: PayloadAction<ReplayView>) => action.payload,
      prepare: prepareAutoBatched<ReplayView>(),
    },
  },
  extraReducers: (b) => b.addCase(snapshotReceived, (_s, { payload }) => payload.replay),
  selectors: { selectReplay: (s) => s },
});

export const { replayUpdated } = replaySlice.actions;
export const { selectReplay } = replaySlice.selectors;
