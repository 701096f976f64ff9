import { describe, expect, it } from 'vitest';
import { makeStore } from '../../app/store';
import type { Snapshot } from '../../../shared/ipc/views';
import { snapshotReceived } from '../session/session-slice';
import { bookReceived, ladderRows, selectBook, selectTape, TAPE_LENGTH, tradeReceived } from './book-slice';

const book = { instrumentId: 'X', ts: 1, bids: [{ price: 100, size: 1 }, { price: 99, size: 3 }], asks: [{ price: 101, size: 2 }, { price: 102, size: 6 }] };

describe('book slice', () => {
  it('lays the ladder out asks over bids with cumulative size and depth against the deeper side', () => {
    expect(ladderRows(book, 10)).toEqual([
      { side: 'ask', price: 102, size: 6, cumulative: 8, depth: 1 },
      { side: 'ask', price: 101, size: 2, cumulative: 2, depth: 0.25 },
      { side: 'bid', price: 100, size: 1, cumulative: 1, depth: 0.125 },
      { side: 'bid', price: 99, size: 3, cumulative: 4, depth: 0.5 },
    ]);
  });

  it('keeps the latest book and the newest trades first, each trade once, up to the tape length', () => {
    const store = makeStore();
    store.dispatch(bookReceived(book));
    expect(selectBook(store.getState(), 'X')?.asks[0]?.price).toBe(101);
    for (let i = 0; i < TAPE_LENGTH + 5; i++) store.dispatch(tradeReceived({ instrumentId: 'X', tradeId: String(i), ts: i, price: 100 + i, size: 1, side: 'BUY' }));
    store.dispatch(tradeReceived({ instrumentId: 'X', tradeId: String(TAPE_LENGTH + 4), ts: 0, price: 1, size: 1, side: null }));
    const tape = selectTape(store.getState(), 'X');
    expect(tape).toHaveLength(TAPE_LENGTH);
    expect(tape[0]?.tradeId).toBe(String(TAPE_LENGTH + 4));
    expect(tape[0]?.price).toBe(100 + TAPE_LENGTH + 4);
    expect(selectTape(store.getState(), 'Y')).toEqual([]);
  });

  it('replaces a book without drafting or deep-freezing its levels, and keeps the other books as they were', () => {
    const store = makeStore();
    store.dispatch(bookReceived({ ...book, instrumentId: 'Y' }));
    const other = selectBook(store.getState(), 'Y');
    const next = { ...book, ts: 2, bids: [{ price: 100, size: 5 }], asks: [{ price: 101, size: 7 }] };
    store.dispatch(bookReceived(next));
    const shown = selectBook(store.getState(), 'X');
    expect(shown).toEqual(next);
    expect(shown?.bids[0]).toBe(next.bids[0]); // the payload's own level, not a copy
    expect(Object.isFrozen(next.bids[0])).toBe(false); // immer did not walk the 2 × 40 levels to freeze them
    expect(Object.isFrozen(store.getState().book)).toBe(true);
    expect(Object.isFrozen(shown?.bids)).toBe(true);
    expect(selectBook(store.getState(), 'Y')).toBe(other);
  });

  it('a snapshot (a reconnect, a restarted server) drops every book and trade of before', () => {
    const store = makeStore();
    store.dispatch(bookReceived(book));
    store.dispatch(tradeReceived({ instrumentId: 'X', tradeId: 't1', ts: 1, price: 100, size: 1, side: 'SELL' }));
    const snap: Snapshot = {
      session: { kind: 'replay', label: 'paper replay', recording: false }, venues: [], instruments: [], quotes: [], orders: [], fills: [], positions: [],
      account: { balances: [], equity: 0, currency: 'USD' }, risk: { tradingState: 'ACTIVE', denials: [], events: [] }, alerts: [],
      replay: { speed: 2, running: false, timeframe: '4h', simTime: 0 }, indicators: [], timeframes: ['4h'],
    };
    store.dispatch(snapshotReceived(snap));
    expect(selectBook(store.getState(), 'X')).toBeUndefined();
    expect(selectTape(store.getState(), 'X')).toEqual([]);
    store.dispatch(bookReceived(book)); // the host's last book, sent after the snapshot
    expect(selectBook(store.getState(), 'X')?.bids[0]?.price).toBe(100);
  });
});
