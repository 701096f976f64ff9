/** Connection, stream sequence and session-wide facts (which session, venue states, instruments, indicator overlays, chart timeframes). */
import { createAction, createSlice } from '@reduxjs/toolkit';
import type { PayloadAction } from '@reduxjs/toolkit';
import type { ConnectionStatus } from '../../../shared/ipc/state-stream';
import type { InstrumentView, SessionView, Snapshot, VenueView } from '../../../shared/ipc/views';

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
  readonly session: SessionView;
  /** Per venue connection state, in the session's order. */
  readonly venues: readonly VenueView[];
}

const initialState: SessionState = {
  status: 'connecting',
  snapshots: 0,
  resyncs: 0,
  instruments: [],
  indicators: [],
  timeframes: [],
  session: { kind: 'replay', label: '', recording: false },
  venues: [],
};

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
    venueUpdated(state, action: PayloadAction<VenueView>) {
      const i = state.venues.findIndex((v) => v.venue === action.payload.venue);
      if (i >= 0) state.venues[i] = action.payload;
      else state.venues.push(action.payload);
    },
  },
  extraReducers: (b) =>
    b.addCase(snapshotReceived, (state, { payload }) => {
      state.snapshots++;
      state.instruments = [...payload.instruments];
      state.indicators = [...payload.indicators];
      state.timeframes = [...payload.timeframes];
      state.session = payload.session;
      state.venues = [...payload.venues];
      state.status = 'open';
    }),
  selectors: {
    selectStatus: (s) => s.status,
    selectInstruments: (s) => s.instruments,
    selectIndicators: (s) => s.indicators,
    selectTimeframes: (s) => s.timeframes,
    selectSnapshots: (s) => s.snapshots,
    selectSession: (s) => s.session,
    selectVenues: (s) => s.venues,
  },
});

export const { connectionChanged, gapDetected, venueUpdated } = sessionSlice.actions;
export const { selectStatus, selectInstruments, selectIndicators, selectTimeframes, selectSnapshots, selectSession, selectVenues } = sessionSlice.selectors;

/** One instrument of the session by id (its tick and lot format every number shown of it). */
export const selectInstrumentById = (s: { session: SessionState }, id: string): InstrumentView | undefined => s.session.instruments.find((i) => i.id === id);
