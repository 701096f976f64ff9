/**
 * Market data for the windows: the watchlist (one quote per instrument) and the most recent
 * live bars per instrument/timeframe, which chart components apply with `series.update`.
 * Full history is not kept in the store: charts page it in from the host (`chart.history`).
 */
import { createEntityAdapter, createSlice, prepareAutoBatched } from '@reduxjs/toolkit';
import type { PayloadAction } from '@reduxjs/toolkit';
import type { BarView, QuoteView } from '../../../shared/ipc/views';
import { snapshotReceived } from '../session/session-slice';

export const RECENT_BARS = 200;

const quotes = createEntityAdapter<QuoteView, string>({ selectId: (q) => q.instrumentId });

export interface MarketState {
  readonly quotes: ReturnType<typeof quotes.getInitialState>;
  /** Key `${instrumentId}|${timeframe}` → last bars, oldest first. */
  readonly recentBars: Readonly<Record<string, readonly BarView[]>>;
}

export const barKey = (instrumentId: string, timeframe: string): string => `${instrumentId}|${timeframe}`;

const initialState: MarketState = { quotes: quotes.getInitialState(), recentBars: {} };

export const marketSlice = createSlice({
  name: 'market',
  initialState,
  reducers: {
    quoteReceived: {
      reducer(state, action: PayloadAction<QuoteView>) {
        quotes.setOne(state.quotes, action.payload);
      },
      prepare: prepareAutoBatched<QuoteView>(),
    },
    barReceived: {
      reducer(state, { payload: bar }: PayloadAction<BarView>) {
        const key = barKey(bar.instrumentId, bar.timeframe);
        const list = [...(state.recentBars[key] ?? [])];
        const last = list.at(-1);
        if (last && last.time === bar.time) list[list.length - 1] = bar;
        else if (!last || bar.time > last.time) list.push(bar);
        else return; // out of order: a snapshot will bring the chart back in line
        if (list.length > RECENT_BARS) list.splice(0, list.length - RECENT_BARS);
        state.recentBars[key] = list;
      },
      prepare: prepareAutoBatched<BarView>(),
    },
  },
  extraReducers: (b) =>
    b.addCase(snapshotReceived, (state, { payload }) => {
      quotes.setAll(state.quotes, payload.quotes);
      state.recentBars = {};
    }),
});

export const { quoteReceived, barReceived } = marketSlice.actions;

type WithMarket = { market: MarketState };
const quoteSelectors = quotes.getSelectors((s: WithMarket) => s.market.quotes);
export const selectQuotes = quoteSelectors.selectAll;
export const selectQuote = quoteSelectors.selectById;
const NO_BARS: readonly BarView[] = [];
export const selectRecentBars = (s: WithMarket, instrumentId: string, timeframe: string): readonly BarView[] =>
  s.market.recentBars[barKey(instrumentId, timeframe)] ?? NO_BARS;
