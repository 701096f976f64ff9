import { describe, expect, it } from 'vitest';
import { HOTKEYS, hotkeyOf } from './hotkeys';
import type { KeyLike } from './hotkeys';
import type { InstrumentView } from '../../../shared/ipc/views';
import type { Snapshot } from '../../../shared/ipc/views';
import { makeStore } from '../../app/store';
import { bookReceived } from '../../features/book/book-slice';
import { snapshotReceived } from '../../features/session/session-slice';
import { hotkeyBook, touchTicket, trimZeros } from './use-hotkeys';

const press = (key: string, over: Partial<KeyLike> = {}): KeyLike => ({ key, ctrlKey: false, metaKey: false, altKey: false, repeat: false, target: { tagName: 'BODY' }, ...over });

describe('hotkeys', () => {
  it('maps each listed key to its action', () => {
    for (const h of HOTKEYS) for (const k of h.keys) expect(hotkeyOf(press(k))).toBe(h.action);
    expect(hotkeyOf(press('C'))).toBe('cancelAll');
    expect(hotkeyOf(press('c'))).toBe('cancelLast');
  });

  it('does nothing while typing in an input, a select, a text area or an editable element', () => {
    for (const tagName of ['INPUT', 'TEXTAREA', 'SELECT']) expect(hotkeyOf(press('b', { target: { tagName } }))).toBeNull();
    expect(hotkeyOf(press('b', { target: { tagName: 'DIV', isContentEditable: true } }))).toBeNull();
  });

  it('leaves Ctrl, Cmd and Alt combinations and auto-repeat alone', () => {
    expect(hotkeyOf(press('b', { ctrlKey: true }))).toBeNull();
    expect(hotkeyOf(press('s', { metaKey: true }))).toBeNull();
    expect(hotkeyOf(press('x', { altKey: true }))).toBeNull();
    expect(hotkeyOf(press('b', { repeat: true }))).toBeNull();
    expect(hotkeyOf(press('q'))).toBeNull();
  });
});

describe('hotkey order tickets', () => {
  const inst = { id: 'SIM:BTC/USD', symbol: 'BTC/USD', pricePrecision: 2, lotSize: 0.0001 } as unknown as InstrumentView;
  it('buys at the best ask and sells at the best bid (limit IOC), at market without a book', () => {
    const book = { instrumentId: inst.id, ts: 1, bids: [{ price: 99.5, size: 1 }], asks: [{ price: 100.25, size: 2 }] };
    expect(touchTicket(inst, 'BUY', '0.1', book)).toEqual({ instrumentId: inst.id, side: 'BUY', type: 'LIMIT', quantity: '0.1', price: '100.25', timeInForce: 'IOC' });
    expect(touchTicket(inst, 'SELL', '0.1', book)).toMatchObject({ type: 'LIMIT', price: '99.50' });
    expect(touchTicket(inst, 'BUY', '0.1', undefined)).toEqual({ instrumentId: inst.id, side: 'BUY', type: 'MARKET', quantity: '0.1' });
    expect(touchTicket(inst, 'SELL', '0.1', { ...book, bids: [] })).toMatchObject({ type: 'MARKET' });
  });
  it('trade at the book read at the key press, except in the replay (its recorded ladder is for display): at market there', () => {
    const snap = (kind: 'replay' | 'run'): Snapshot => ({
      session: { kind, label: 's', recording: false }, venues: [], instruments: [], quotes: [], orders: [], fills: [], positions: [],
      account: { balances: [], equity: 0, currency: 'USD' }, risk: { tradingState: 'ACTIVE', denials: [], events: [] }, alerts: [],
      replay: { speed: 2, running: false, timeframe: '4h', simTime: 0 }, indicators: [], timeframes: ['4h'],
    });
    const book = { instrumentId: inst.id, ts: 1, bids: [{ price: 99.5, size: 1 }], asks: [{ price: 100.25, size: 2 }] };
    const store = makeStore();
    store.dispatch(snapshotReceived(snap('run')));
    store.dispatch(bookReceived(book));
    expect(hotkeyBook(store.getState(), inst.id)).toEqual(book);
    store.dispatch(bookReceived({ ...book, asks: [{ price: 101, size: 1 }] }));
    expect(hotkeyBook(store.getState(), inst.id)?.asks[0]?.price).toBe(101);
    store.dispatch(snapshotReceived(snap('replay')));
    store.dispatch(bookReceived(book));
    expect(hotkeyBook(store.getState(), inst.id)).toBeUndefined();
  });
  it('trims trailing zeros of decimals only', () => {
    expect(trimZeros('0.01000000')).toBe('0.01');
    expect(trimZeros('10')).toBe('10');
    expect(trimZeros('2.000')).toBe('2');
  });
});
