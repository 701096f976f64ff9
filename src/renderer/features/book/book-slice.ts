/**
 * Order books and time & sales per instrument, as the venue streams them (live sessions: L2 and
 * trades from ccxt). The latest book replaces the previous one; the tape keeps the newest trades.
 * Books come up to 1 000 times a second with 2 × 40 levels each: the reducers never draft them.
 * They build the next state from the previous one (`original`) and freeze it, so immer neither
 * proxies the levels nor walks them to freeze them on every update (see `replaced`).
 */
import { createSlice, original, prepareAutoBatched } from '@reduxjs/toolkit';
import type { Draft } from '@reduxjs/toolkit';
import type { PayloadAction } from '@reduxjs/toolkit';
import type { BookView, TradeView } from '../../../shared/ipc/views';
import { snapshotReceived } from '../session/session-slice';

export const TAPE_LENGTH = 100;

export interface BookState {
  readonly books: Readonly<Record<string, BookView>>;
  /** Newest first. */
  readonly tapes: Readonly<Record<string, readonly TradeView[]>>;
}

const initialState: BookState = { books: {}, tapes: {} };

/** The state before this action: the reducers read it, never the draft (reading a draft proxies what it reads). */
const before = (state: Draft<BookState>): BookState => original(state) ?? initialState;

/**
 * A new state, frozen at its top: immer returns a frozen result as it is (no walk, no deep
 * freeze). The books, tapes and arrays are frozen too (one level each); the level and trade
 * objects are the payload's own, fresh from the wire and never written.
 */
function replaced(books: BookState['books'], tapes: BookState['tapes']): BookState {
  return Object.freeze({ books: Object.freeze(books), tapes: Object.freeze(tapes) });
}

export const bookSlice = createSlice({
  name: 'book',
  initialState,
  reducers: {
    bookReceived: {
      reducer(state, action: PayloadAction<BookView>) {
        const b = action.payload;
        const prev = before(state);
        const book: BookView = Object.freeze({ instrumentId: b.instrumentId, ts: b.ts, bids: Object.freeze([...b.bids]), asks: Object.freeze([...b.asks]) });
        return replaced({ ...prev.books, [b.instrumentId]: book }, prev.tapes);
      },
      prepare: prepareAutoBatched<BookView>(),
    },
    tradeReceived: {
      reducer(state, action: PayloadAction<TradeView>) {
        const t = action.payload;
        const prev = before(state);
        const tape = prev.tapes[t.instrumentId] ?? [];
        if (tape.some((x) => x.tradeId === t.tradeId)) return;
        return replaced(prev.books, { ...prev.tapes, [t.instrumentId]: Object.freeze([t, ...tape].slice(0, TAPE_LENGTH)) });
      },
      prepare: prepareAutoBatched<TradeView>(),
    },
  },
  // A snapshot starts over (a reconnect, a restarted server: maybe another session): no book or
  // trade of before stays; the host sends its last books right after the snapshot.
  extraReducers: (b) =>
    b.addCase(snapshotReceived, () => initialState),
});

export const { bookReceived, tradeReceived } = bookSlice.actions;

type WithBook = { book: BookState };
export const selectBook = (s: WithBook, instrumentId: string): BookView | undefined => s.book.books[instrumentId];
const NO_TRADES: readonly TradeView[] = [];
export const selectTape = (s: WithBook, instrumentId: string): readonly TradeView[] => s.book.tapes[instrumentId] ?? NO_TRADES;

export interface LadderRow {
  readonly side: 'bid' | 'ask';
  readonly price: number;
  readonly size: number;
  /** Size from the best level to this one, inclusive. */
  readonly cumulative: number;
  /** cumulative / the deeper side's total, 0..1 (the depth bar's length). */
  readonly depth: number;
}

/** The ladder, top to bottom: asks from the worst shown down to the best, then bids from the best down. */
export function ladderRows(book: BookView, levels: number): LadderRow[] {
  const cum = (rows: BookView['bids']): number[] => {
    let c = 0;
    return rows.slice(0, levels).map((l) => (c += l.size));
  };
  const askCum = cum(book.asks);
  const bidCum = cum(book.bids);
  const max = Math.max(askCum.at(-1) ?? 0, bidCum.at(-1) ?? 0) || 1;
  const asks = book.asks.slice(0, levels).map((l, i): LadderRow => ({ side: 'ask', price: l.price, size: l.size, cumulative: askCum[i] ?? 0, depth: (askCum[i] ?? 0) / max }));
  const bids = book.bids.slice(0, levels).map((l, i): LadderRow => ({ side: 'bid', price: l.price, size: l.size, cumulative: bidCum[i] ?? 0, depth: (bidCum[i] ?? 0) / max }));
  return [...asks.reverse(), ...bids];
}
