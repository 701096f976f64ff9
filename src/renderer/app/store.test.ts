import { describe, expect, it } from 'vitest';
import type { Delta } from '../../shared/ipc/state-stream';
import type { OrderView, Snapshot } from '../../shared/ipc/views';
import { selectQuotes, selectRecentBars } from '../features/market/market-slice';
import { selectDoneOrders, selectWorkingOrders } from '../features/orders/orders-slice';
import { selectTotalUnrealized } from '../features/positions/positions-slice';
import { selectDenials } from '../features/risk/risk-slice';
import { selectSession, selectTimeframes, selectVenues, snapshotReceived } from '../features/session/session-slice';
import { buildTicket } from '../features/orders/order-ticket';
import { pickTimeframe, readChartParams, withChartParams, withIndicators } from '../windows/chart/chart-window';
import { deltaToAction } from './listeners';
import { makeStore } from './store';

const order = (id: string, status: OrderView['status'], working: boolean): OrderView => ({
  clientOrderId: id, instrumentId: 'BTC/USD@X', symbol: 'BTC/USD', side: 'BUY', type: 'LIMIT', quantity: 1, filled: 0, price: 100,
  triggerPrice: null, timeInForce: 'GTC', postOnly: false, reduceOnly: false, status, working, avgPx: 0, reason: null, createdAt: Number(id.slice(2)), updatedAt: 0,
});

const snapshot: Snapshot = {
  session: { kind: 'run', label: 'live.json', recording: true },
  venues: [{ venue: 'BINANCE', mode: 'live', state: 'CONNECTED', reason: null, ts: 0 }],
  instruments: [], quotes: [], orders: [order('P-1', 'ACCEPTED', true)], fills: [],
  positions: [{ key: 'manual|BTC/USD@X', instrumentId: 'BTC/USD@X', symbol: 'BTC/USD', strategyId: 'manual', quantity: 1, avgEntry: 100, mark: 110, unrealized: 10, realized: 0 }],
  account: { balances: [], equity: 0, currency: 'USD' }, risk: { tradingState: 'ACTIVE', denials: [], events: [] }, alerts: [],
  replay: { speed: 2, running: true, timeframe: '4h', simTime: 0 }, indicators: ['sma:20'], timeframes: ['4h', '12h', '1d'],
};

describe('store projection', () => {
  it('resets from a snapshot and applies deltas as events', () => {
    const store = makeStore();
    store.dispatch(snapshotReceived(snapshot));
    expect(selectWorkingOrders(store.getState()).map((o) => o.clientOrderId)).toEqual(['P-1']);
    const deltas: Delta[] = [
      { t: 'order', order: order('P-1', 'FILLED', false) },
      { t: 'order', order: order('P-2', 'ACCEPTED', true) },
      { t: 'position', position: { ...snapshot.positions[0]!, mark: 120, unrealized: 20 } },
      { t: 'denial', denial: { clientOrderId: 'P-3', instrumentId: 'BTC/USD@X', side: 'BUY', quantity: 1000, reason: 'MAX_NOTIONAL_EXCEEDED', message: '1 > 0', ts: 1 } },
    ];
    for (const d of deltas) store.dispatch(deltaToAction(d));
    const s = store.getState();
    expect(selectWorkingOrders(s).map((o) => o.clientOrderId)).toEqual(['P-2']);
    expect(selectDoneOrders(s).map((o) => o.status)).toEqual(['FILLED']);
    expect(selectTotalUnrealized(s)).toBe(20);
    expect(selectDenials(s)[0]?.reason).toBe('MAX_NOTIONAL_EXCEEDED');
    store.dispatch(snapshotReceived(snapshot));
    expect(selectWorkingOrders(store.getState()).map((o) => o.clientOrderId)).toEqual(['P-1']);
  });

  it('shows each venue\'s connection state from the snapshot, then from its own deltas', () => {
    const store = makeStore();
    store.dispatch(snapshotReceived(snapshot));
    expect(selectSession(store.getState())).toEqual({ kind: 'run', label: 'live.json', recording: true });
    store.dispatch(deltaToAction({ t: 'venue', venue: { venue: 'BINANCE', mode: 'live', state: 'RECONNECTING', reason: 'socket closed', ts: 1 } }));
    store.dispatch(deltaToAction({ t: 'venue', venue: { venue: 'KRAKEN', mode: 'paper', state: 'CONNECTED', reason: null, ts: 2 } }));
    expect(selectVenues(store.getState()).map((v) => [v.venue, v.state, v.reason])).toEqual([['BINANCE', 'RECONNECTING', 'socket closed'], ['KRAKEN', 'CONNECTED', null]]);
    store.dispatch(snapshotReceived(snapshot));
    expect(selectVenues(store.getState()).map((v) => v.state)).toEqual(['CONNECTED']);
  });

  it('keeps recent bars in time order: same time replaces, older is dropped', () => {
    const store = makeStore();
    const bar = (time: number, close: number) => ({ t: 'bar' as const, bar: { instrumentId: 'X', timeframe: '1m', time, open: 1, high: 1, low: 1, close, volume: 1, indicators: {} } });
    for (const d of [bar(1, 1), bar(2, 2), bar(2, 3), bar(1, 9)]) store.dispatch(deltaToAction(d));
    expect(selectRecentBars(store.getState(), 'X', '1m').map((b) => [b.time, b.close])).toEqual([[1, 1], [2, 3]]);
  });

  it('order ticket sends only the fields its type uses', () => {
    const f = { instrumentId: 'X', side: 'BUY' as const, quantity: ' 0.5 ', price: '100', trigger: '99', tif: '' as const, postOnly: true, reduceOnly: false };
    expect(buildTicket({ ...f, type: 'MARKET' })).toEqual({ instrumentId: 'X', side: 'BUY', type: 'MARKET', quantity: '0.5' });
    expect(buildTicket({ ...f, type: 'STOP_LIMIT' })).toEqual({ instrumentId: 'X', side: 'BUY', type: 'STOP_LIMIT', quantity: '0.5', price: '100', triggerPrice: '99' });
    expect(buildTicket({ ...f, type: 'LIMIT' }).postOnly).toBe(true);
  });

  it('keeps the session timeframes and the quotes of every instrument, and a forming bar updated in place', () => {
    const store = makeStore();
    const quote = (instrumentId: string, symbol: string, last: number) => ({ instrumentId, symbol, last, reference: last, change: 0, changePct: 0, ts: 1 });
    store.dispatch(snapshotReceived({ ...snapshot, quotes: [quote('BTC/USD@X', 'BTC/USD', 100), quote('ETH/USD@X', 'ETH/USD', 10)] }));
    expect(selectTimeframes(store.getState())).toEqual(['4h', '12h', '1d']);
    store.dispatch(deltaToAction({ t: 'quote', quote: quote('ETH/USD@X', 'ETH/USD', 11) }));
    expect(selectQuotes(store.getState()).map((q) => [q.symbol, q.last])).toEqual([['BTC/USD', 100], ['ETH/USD', 11]]);
    const day = (close: number, closed?: boolean) => ({ t: 'bar' as const, bar: { instrumentId: 'ETH/USD@X', timeframe: '1d', time: 86_400_000, open: 1, high: 2, low: 1, close, volume: 1, indicators: {}, ...(closed === undefined ? {} : { closed }) } });
    for (const d of [day(1.5, false), day(1.7, false), day(1.6)]) store.dispatch(deltaToAction(d));
    expect(selectRecentBars(store.getState(), 'ETH/USD@X', '1d').map((b) => [b.close, b.closed])).toEqual([[1.6, undefined]]);
  });

  it('chart windows keep their symbol and timeframe in the URL and fall back to a served timeframe', () => {
    expect(withChartParams('?token=t&instrument=BTC%2FUSD%40X&timeframe=4h&indicators=sma%3A20', { instrumentId: 'ETH/USD@X', timeframe: '1d' })).toBe(
      '?token=t&instrument=ETH%2FUSD%40X&timeframe=1d&indicators=sma%3A20',
    );
    expect(readChartParams(withChartParams('?token=t', { instrumentId: 'ETH/USD@X', timeframe: '12h' }))).toEqual({ instrumentId: 'ETH/USD@X', timeframe: '12h', indicators: null });
    expect(pickTimeframe('1d', ['4h', '12h', '1d'], '4h')).toBe('1d');
    expect(pickTimeframe('1h', ['4h', '12h', '1d'], '4h')).toBe('4h');
    expect(pickTimeframe(null, [], '4h')).toBe('4h');
  });

  it('chart windows keep their own indicator list in the URL, an emptied list included', () => {
    const q = withIndicators('?token=t&instrument=BTC%2FUSD%40X&indicators=sma%3A20', ['rsi:14', 'macd:12:26:9']);
    expect(readChartParams(q).indicators).toEqual(['rsi:14', 'macd:12:26:9']);
    expect(readChartParams(withIndicators(q, [])).indicators).toEqual([]);
    expect(readChartParams('?token=t').indicators).toBeNull();
  });
});
