import { describe, expect, it } from 'vitest';
import type { InstrumentView, OrderView } from '../../../shared/ipc/views';
import { toastState } from './toast-state';
import type { Toast } from './toasts-slice';

const BTC: InstrumentView = { id: 'BTC/USD@X', symbol: 'BTC/USD', venue: 'X', base: 'BTC', quote: 'USD', pricePrecision: 2, sizePrecision: 8, tickSize: 0.01, lotSize: 0.00000001, minQty: 0.00000001 };
const toast: Toast = { id: 1, label: 'Buy 0.5 BTC', clientOrderId: 'P-1', error: null, amend: false };
const order = (o: Partial<OrderView>): OrderView => ({
  clientOrderId: 'P-1', instrumentId: BTC.id, symbol: 'BTC/USD', side: 'BUY', type: 'LIMIT', quantity: 0.5, filled: 0, price: 600, triggerPrice: null, timeInForce: 'GTC',
  postOnly: false, reduceOnly: false, status: 'ACCEPTED', working: true, avgPx: 0, reason: null, createdAt: 1, updatedAt: 1, ...o,
});

describe('toastState', () => {
  it('is pending, never filled, until the venue answers', () => {
    expect(toastState(toast, undefined, BTC)).toEqual({ kind: 'pending', text: 'sent, waiting for the venue' });
    expect(toastState(toast, order({ status: 'SUBMITTED' }), BTC).kind).toBe('pending');
  });
  it('follows the order to a fill, with size at the lot and price at the tick', () => {
    expect(toastState(toast, order({ status: 'ACCEPTED' }), BTC)).toEqual({ kind: 'working', text: 'ACCEPTED at 600.00' });
    expect(toastState(toast, order({ status: 'FILLED', filled: 0.5, avgPx: 601.5 }), BTC)).toEqual({ kind: 'filled', text: 'FILLED 0.50000000 @ 601.50' });
  });
  it('says why an order was rejected, and that a cancel is not a fill', () => {
    expect(toastState(toast, order({ status: 'REJECTED', working: false, reason: 'insufficient balance' }), BTC)).toEqual({ kind: 'failed', text: 'REJECTED: insufficient balance' });
    expect(toastState(toast, order({ status: 'CANCELED', working: false, filled: 0.1, reason: 'cancelled by the user' }), BTC)).toEqual({ kind: 'cancelled', text: 'CANCELED after 0.10000000 filled: cancelled by the user' });
  });
  it('shows a refusal of the host at once', () => {
    expect(toastState({ ...toast, clientOrderId: null, error: 'MAX_NOTIONAL_EXCEEDED: 60000 > 50000 USD' }, undefined, BTC)).toEqual({ kind: 'failed', text: 'MAX_NOTIONAL_EXCEEDED: 60000 > 50000 USD' });
  });
  it('reports an amend once the venue confirmed the new terms', () => {
    expect(toastState({ ...toast, amend: true }, order({ status: 'PENDING_UPDATE' }), BTC).kind).toBe('pending');
    expect(toastState({ ...toast, amend: true }, order({ status: 'ACCEPTED', price: 590 }), BTC)).toEqual({ kind: 'working', text: 'amended: ACCEPTED 0.50000000 at 590.00' });
  });
});
