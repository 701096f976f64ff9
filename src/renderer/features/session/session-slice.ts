/** Connection, stream sequence and session-wide facts (instruments, indicator overlays, chart timeframes). */
import { createAction, createSlice } from '@reduxjs/toolkit';
import type { PayloadAction } from '@reduxjs/toolkit';
import type { ConnectionStatus } from '../../../shared/ipc/state-stream';
import type { InstrumentView, Snapshot } from '../../../shared/ipc/views';

/** Every slice resets itself from a snapshot (first connect, reload, resync). */
export const snapshotReceived = createAction<Snapshot>('session/snapshotReceived');

export interface SessionState {
  readonly status: ConnectionStatus;
  readonly snapshots: number;
  readonly resyncs: number;
  readonly instruments: readonly InstrumentView[];
  readonly indicators: readonly string[];
  /** Chart timeframes the host serves (the replay's own first). */
  readonly timeframes: readonly string[];
}

const initialState: SessionState = { status: 'connecting', snapshots: 0, resyncs: 0, instruments: [], indicators: [], timeframes: [] };

export const sessionSlice = createSlice({
  name: 'session',
  initialState,
  reducers: {
    connectionChanged(state, action: PayloadAction<ConnectionStatus>) {
      state.status = action.payload;
    },
    gapDetected(state) {
      state.resyncs++;
    },
  },
  extraReducers: (b) =>
    b.addCase(snapshotReceived, (state, { payload }) => {
      state.snapshots++;
      state.instruments = [...payload.instruments];
      state.indicators = [...payload.indicators];
      state.timeframes = [...payload.timeframes];
      state.status = 'open';
    }),
  selectors: {
    selectStatus: (s) => s.status,
    selectInstruments: (s) => s.instruments,
    selectIndicators: (s) => s.indicators,
    selectTimeframes: (s) => s.timeframes,
    selectSnapshots: (s) => s.snapshots,
  },
});

export const { connectionChanged, gapDetected } = sessionSlice.actions;
export const { selectStatus, selectInstruments, selectIndicators, selectTimeframes, selectSnapshots } = sessionSlice.selectors;
