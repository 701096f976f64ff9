import { describe, expect, it } from 'vitest';
import type { Delta } from '../../shared/ipc/state-stream';
import type { OrderView, Snapshot } from '../../shared/ipc/views';
import { selectRecentBars } from '../features/market/market-slice';
import { selectDoneOrders, selectWorkingOrders } from '../features/orders/orders-slice';
import { selectTotalUnrealized } from '../features/positions/positions-slice';
import { selectDenials } from '../features/risk/risk-slice';
import { snapshotReceived } from '../features/session/session-slice';
import { buildTicket } from '../features/orders/order-ticket';
import { deltaToAction } from './listeners';
import { makeStore } from './store';

const order = (id: string, status: OrderView['status'], working: boolean): OrderView => ({
  clientOrderId: id, instrumentId: 'BTC/USD@X', symbol: 'BTC/USD', side: 'BUY', type: 'LIMIT', quantity: 1, filled: 0, price: 100,
  triggerPrice: null, timeInForce: 'GTC', postOnly: false, reduceOnly: false, status, working, avgPx: 0, reason: null, createdAt: Number(id.slice(2)), updatedAt: 0,
});

const snapshot: Snapshot = {
  instruments: [], quotes: [], orders: [order('P-1', 'ACCEPTED', true)], fills: [],
  positions: [{ key: 'manual|BTC/USD@X', instrumentId: 'BTC/USD@X', symbol: 'BTC/USD', strategyId: 'manual', quantity: 1, avgEntry: 100, mark: 110, unrealized: 10, realized: 0 }],
  account: { balances: [], equity: 0, currency: 'USD' }, risk: { tradingState: 'ACTIVE', denials: [], events: [] }, alerts: [],
  replay: { speed: 2, running: true, timeframe: '4h', simTime: 0 }, indicators: ['sma:20'],
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
});
