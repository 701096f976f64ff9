/** Positions with unrealized PnL at the host's mark (normalised by strategy|instrument). */
import { createEntityAdapter, createSelector, createSlice, prepareAutoBatched } from '@reduxjs/toolkit';
import type { PayloadAction } from '@reduxjs/toolkit';
import type { PositionView } from '../../../shared/ipc/views';
import { snapshotReceived } from '../session/session-slice';

const positions = createEntityAdapter<PositionView, string>({ selectId: (p) => p.key });

export const positionsSlice = createSlice({
  name: 'positions',
  initialState: positions.getInitialState(),
  reducers: {
    positionUpdated: {
      reducer(state, action: PayloadAction<PositionView>) {
        positions.setOne(state, action.payload);
      },
      prepare: prepareAutoBatched<PositionView>(),
    },
  },
  extraReducers: (b) => b.addCase(snapshotReceived, (state, { payload }) => positions.setAll(state, payload.positions)),
});

export const { positionUpdated } = positionsSlice.actions;

type WithPositions = { positions: ReturnType<typeof positions.getInitialState> };
const sel = positions.getSelectors((s: WithPositions) => s.positions);
export const selectAllPositions = sel.selectAll;
export const selectOpenPositions = createSelector([selectAllPositions], (all) => all.filter((p) => p.quantity !== 0));
export const selectTotalUnrealized = createSelector([selectAllPositions], (all) => all.reduce((sum, p) => sum + p.unrealized, 0));
