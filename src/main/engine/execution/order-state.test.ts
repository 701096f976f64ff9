import { describe, expect, it } from 'vitest';
import { ORDER_STATUSES } from '../../../shared/domain/order';
import type { Order, OrderStatus } from '../../../shared/domain/order';
import { canTransition, InvalidTransitionError, transition } from './order-state';
import type { OrderEvent, OrderEventType } from './order-state';

const order = (status: OrderStatus, filledRaw = 0): Order => ({
  clientOrderId: 'C1',
  strategyId: 'S',
  instrumentId: 'BTC/USDT@SIM',
  side: 'BUY',
  type: 'LIMIT',
  quantityRaw: 100,
  priceRaw: 5000,
  timeInForce: 'GTC',
  postOnly: false,
  reduceOnly: false,
  status,
  filledRaw,
  avgPx: filledRaw > 0 ? 50 : 0,
  createdAt: 0,
  updatedAt: 0,
});

const events: Record<OrderEventType, OrderEvent> = {
  DENY: { type: 'DENY', ts: 1, reason: 'r' },
  SUBMIT: { type: 'SUBMIT', ts: 1 },
  ACCEPT: { type: 'ACCEPT', ts: 1, venueOrderId: 'V1' },
  REJECT: { type: 'REJECT', ts: 1, reason: 'r' },
  TRIGGER: { type: 'TRIGGER', ts: 1 },
  REQUEST_CANCEL: { type: 'REQUEST_CANCEL', ts: 1 },
  CANCEL: { type: 'CANCEL', ts: 1 },
  CANCEL_REJECTED: { type: 'CANCEL_REJECTED', ts: 1, reason: 'r' },
  REQUEST_UPDATE: { type: 'REQUEST_UPDATE', ts: 1 },
  UPDATED: { type: 'UPDATED', ts: 1, priceRaw: 5100 },
  UPDATE_REJECTED: { type: 'UPDATE_REJECTED', ts: 1, reason: 'r' },
  FILL: { type: 'FILL', ts: 1, quantityRaw: 40, price: 50 },
  EXPIRE: { type: 'EXPIRE', ts: 1 },
  REPLY_LOST: { type: 'REPLY_LOST', ts: 1, reason: 'timeout' },
};

// The expected table, written independently of the implementation: status → events allowed.
const W = ['REQUEST_CANCEL', 'CANCEL', 'FILL', 'EXPIRE', 'REQUEST_UPDATE', 'UPDATED'];
const allowed: Record<OrderStatus, readonly OrderEventType[]> = {
  INITIALIZED: ['DENY', 'SUBMIT'],
  DENIED: [],
  SUBMITTED: ['ACCEPT', 'REJECT', 'REQUEST_CANCEL', 'CANCEL', 'FILL', 'REPLY_LOST'],
  ACCEPTED: [...W, 'TRIGGER'] as OrderEventType[],
  REJECTED: [],
  TRIGGERED: W as OrderEventType[],
  PENDING_UPDATE: ['UPDATED', 'UPDATE_REJECTED', 'TRIGGER', 'REQUEST_CANCEL', 'CANCEL', 'FILL', 'EXPIRE', 'REPLY_LOST'],
  PENDING_CANCEL: ['ACCEPT', 'REJECT', 'TRIGGER', 'UPDATED', 'CANCEL', 'CANCEL_REJECTED', 'FILL', 'EXPIRE', 'REPLY_LOST'],
  PARTIALLY_FILLED: W as OrderEventType[],
  FILLED: [],
  CANCELED: [],
  EXPIRED: [],
  UNKNOWN: ['ACCEPT', 'REJECT', 'TRIGGER', 'REQUEST_CANCEL', 'CANCEL', 'FILL', 'EXPIRE', 'UPDATED'],
};

describe('order state machine', () => {
  for (const status of ORDER_STATUSES) {
    for (const type of Object.keys(events) as OrderEventType[]) {
      const ok = allowed[status].includes(type);
      it(`${ok ? 'allows' : 'rejects'} ${type} in ${status}`, () => {
        expect(canTransition(status, type)).toBe(ok);
        if (ok) expect(() => transition(order(status), events[type])).not.toThrow();
        else expect(() => transition(order(status), events[type])).toThrow(InvalidTransitionError);
      });
    }
  }

  it('fills partially then completely and keeps a weighted average price', () => {
    let o = transition(order('ACCEPTED'), { type: 'FILL', ts: 2, quantityRaw: 40, price: 50 });
    expect(o.status).toBe('PARTIALLY_FILLED');
    o = transition(o, { type: 'FILL', ts: 3, quantityRaw: 60, price: 60 });
    expect(o.status).toBe('FILLED');
    expect(o.filledRaw).toBe(100);
    expect(o.avgPx).toBeCloseTo(56, 12);
  });

  it('refuses an overfill as an invariant violation', () => {
    expect(() => transition(order('ACCEPTED'), { type: 'FILL', ts: 2, quantityRaw: 101, price: 50 })).toThrow(/overfill/);
  });

  it('returns a partially filled order to PARTIALLY_FILLED when a cancel is rejected', () => {
    const o = transition(order('PENDING_CANCEL', 40), { type: 'CANCEL_REJECTED', ts: 2, reason: 'too late' });
    expect(o.status).toBe('PARTIALLY_FILLED');
  });

  it('returns a triggered stop to TRIGGERED when an update is rejected', () => {
    const triggered = transition(order('ACCEPTED'), { type: 'TRIGGER', ts: 2 });
    const pending = transition(triggered, { type: 'REQUEST_UPDATE', ts: 3 });
    expect(transition(pending, { type: 'UPDATE_REJECTED', ts: 4, reason: 'x' }).status).toBe('TRIGGERED');
  });

  it('marks an order whose reply was lost UNKNOWN, and lets the venue resolve it', () => {
    const lost = transition(order('SUBMITTED'), { type: 'REPLY_LOST', ts: 2, reason: 'timeout' });
    expect(lost.status).toBe('UNKNOWN');
    expect(transition(lost, { type: 'ACCEPT', ts: 3, venueOrderId: 'V9' }).venueOrderId).toBe('V9');
  });

  it('never mutates the order it is given', () => {
    const o = Object.freeze(order('ACCEPTED'));
    transition(o, events.FILL);
    expect(o.status).toBe('ACCEPTED');
  });

  describe('races between our requests and the venue', () => {
    it('keeps an amend pending through a partial fill, then applies the venue UPDATED', () => {
      let o = transition(order('ACCEPTED'), { type: 'REQUEST_UPDATE', ts: 2 });
      o = transition(o, { type: 'FILL', ts: 3, quantityRaw: 40, price: 50 });
      expect(o.status).toBe('PENDING_UPDATE');
      o = transition(o, { type: 'UPDATED', ts: 4, quantityRaw: 80, priceRaw: 5100 });
      expect(o).toMatchObject({ status: 'PARTIALLY_FILLED', quantityRaw: 80, filledRaw: 40, priceRaw: 5100 });
    });

    it('finishes an order whose amended quantity is at or below what already filled', () => {
      let o = transition(order('ACCEPTED'), { type: 'REQUEST_UPDATE', ts: 2 });
      o = transition(o, { type: 'FILL', ts: 3, quantityRaw: 60, price: 50 });
      o = transition(o, { type: 'UPDATED', ts: 4, quantityRaw: 50 });
      expect(o).toMatchObject({ status: 'FILLED', quantityRaw: 60, filledRaw: 60 });
    });

    it('accepts an UPDATED that arrives after the fill already returned the order to working', () => {
      const o = transition(order('PARTIALLY_FILLED', 40), { type: 'UPDATED', ts: 4, priceRaw: 5200 });
      expect(o).toMatchObject({ status: 'PARTIALLY_FILLED', priceRaw: 5200 });
    });

    it('keeps a cancel pending through a partial fill and an amend that overtook it', () => {
      let o = transition(order('ACCEPTED'), { type: 'REQUEST_CANCEL', ts: 2 });
      o = transition(o, { type: 'FILL', ts: 3, quantityRaw: 10, price: 50 });
      expect(o.status).toBe('PENDING_CANCEL');
      o = transition(o, { type: 'UPDATED', ts: 4, priceRaw: 5100 });
      expect(o.status).toBe('PENDING_CANCEL');
      expect(transition(o, { type: 'CANCEL', ts: 5 }).status).toBe('CANCELED');
    });

    it('lets the placement answer a cancel of an unconfirmed order: accepted stays pending, rejected ends it', () => {
      const pending = transition(order('SUBMITTED'), { type: 'REQUEST_CANCEL', ts: 2 });
      const accepted = transition(pending, { type: 'ACCEPT', ts: 3, venueOrderId: 'V7' });
      expect(accepted).toMatchObject({ status: 'PENDING_CANCEL', venueOrderId: 'V7' });
      expect(transition(pending, { type: 'REJECT', ts: 3, reason: 'NOT_PLACED' }).status).toBe('REJECTED');
    });

    it('completes an order filled in full while a cancel is pending', () => {
      const pending = transition(order('ACCEPTED'), { type: 'REQUEST_CANCEL', ts: 2 });
      expect(transition(pending, { type: 'FILL', ts: 3, quantityRaw: 100, price: 50 }).status).toBe('FILLED');
    });
  });
});
