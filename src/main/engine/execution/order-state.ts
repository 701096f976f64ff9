/**
 * The order state machine: every transition of an order's life. `transition` returns the new
 * order or throws `InvalidTransitionError` — an invalid transition is an invariant violation
 * (a venue report that does not fit is handled by reconciliation, not by forcing state).
 *
 *   INITIALIZED ─DENY→ DENIED
 *   INITIALIZED ─SUBMIT→ SUBMITTED ─ACCEPT→ ACCEPTED ─TRIGGER→ TRIGGERED (stops)
 *   SUBMITTED ─REJECT→ REJECTED;  SUBMITTED/PENDING_* ─REPLY_LOST→ UNKNOWN ─(venue says)→ …
 *   working ─REQUEST_CANCEL→ PENDING_CANCEL ─CANCEL→ CANCELED | ─CANCEL_REJECTED→ working
 *   working ─REQUEST_UPDATE→ PENDING_UPDATE ─UPDATED / UPDATE_REJECTED→ working
 *   working ─FILL→ PARTIALLY_FILLED | FILLED;  working ─EXPIRE→ EXPIRED
 *
 * Races with the venue: a venue's reports cross our requests, so every report the venue can send
 * while a request is outstanding is accepted in the order it arrives. A partial fill, an
 * acceptance or a trigger during PENDING_CANCEL / PENDING_UPDATE keeps the pending status (the
 * request is still outstanding); UPDATED is accepted in every working state, in UNKNOWN, and
 * while a cancel is pending (the amend reached the venue first); an UPDATED quantity at or below
 * what has filled means the venue finished the order (FILLED at the filled quantity). A cancel of
 * an order whose placement is unconfirmed (PENDING_CANCEL from SUBMITTED) may still be answered by
 * the placement: ACCEPT keeps PENDING_CANCEL, REJECT ends it.
 */
import type { Order, OrderStatus } from '../../../shared/domain/order';

export type OrderEvent =
  | { readonly type: 'DENY'; readonly ts: number; readonly reason: string }
  | { readonly type: 'SUBMIT'; readonly ts: number }
  | { readonly type: 'ACCEPT'; readonly ts: number; readonly venueOrderId?: string }
  | { readonly type: 'REJECT'; readonly ts: number; readonly reason: string }
  | { readonly type: 'TRIGGER'; readonly ts: number }
  | { readonly type: 'REQUEST_CANCEL'; readonly ts: number }
  | { readonly type: 'CANCEL'; readonly ts: number; readonly reason?: string }
  | { readonly type: 'CANCEL_REJECTED'; readonly ts: number; readonly reason: string }
  | { readonly type: 'REQUEST_UPDATE'; readonly ts: number }
  | { readonly type: 'UPDATED'; readonly ts: number; readonly quantityRaw?: number; readonly priceRaw?: number; readonly triggerPriceRaw?: number; readonly venueOrderId?: string }
  | { readonly type: 'UPDATE_REJECTED'; readonly ts: number; readonly reason: string }
  | { readonly type: 'FILL'; readonly ts: number; readonly quantityRaw: number; readonly price: number; readonly venueOrderId?: string; readonly orderQuantityRaw?: number }
  | { readonly type: 'EXPIRE'; readonly ts: number }
  | { readonly type: 'REPLY_LOST'; readonly ts: number; readonly reason: string };

export type OrderEventType = OrderEvent['type'];

const WORKING: readonly OrderStatus[] = ['ACCEPTED', 'TRIGGERED', 'PARTIALLY_FILLED'];

/** From which statuses each event is valid. Everything else is an invalid transition. */
export const VALID_FROM: Readonly<Record<OrderEventType, ReadonlySet<OrderStatus>>> = {
  DENY: new Set(['INITIALIZED']),
  SUBMIT: new Set(['INITIALIZED']),
  ACCEPT: new Set(['SUBMITTED', 'UNKNOWN', 'PENDING_CANCEL']),
  REJECT: new Set(['SUBMITTED', 'UNKNOWN', 'PENDING_CANCEL']),
  TRIGGER: new Set(['ACCEPTED', 'PENDING_UPDATE', 'PENDING_CANCEL', 'UNKNOWN']),
  REQUEST_CANCEL: new Set([...WORKING, 'SUBMITTED', 'PENDING_UPDATE', 'UNKNOWN']),
  CANCEL: new Set([...WORKING, 'SUBMITTED', 'PENDING_CANCEL', 'PENDING_UPDATE', 'UNKNOWN']),
  CANCEL_REJECTED: new Set(['PENDING_CANCEL']),
  REQUEST_UPDATE: new Set(WORKING),
  UPDATED: new Set([...WORKING, 'PENDING_UPDATE', 'PENDING_CANCEL', 'UNKNOWN']),
  UPDATE_REJECTED: new Set(['PENDING_UPDATE']),
  FILL: new Set([...WORKING, 'SUBMITTED', 'PENDING_CANCEL', 'PENDING_UPDATE', 'UNKNOWN']),
  EXPIRE: new Set([...WORKING, 'PENDING_CANCEL', 'PENDING_UPDATE', 'UNKNOWN']),
  REPLY_LOST: new Set(['SUBMITTED', 'PENDING_CANCEL', 'PENDING_UPDATE']),
};

export class InvalidTransitionError extends Error {
  override readonly name = 'InvalidTransitionError';
  constructor(
    readonly order: Order,
    readonly event: OrderEventType,
  ) {
    super(`order ${order.clientOrderId}: ${event} is not valid in state ${order.status}`);
  }
}

export function canTransition(status: OrderStatus, event: OrderEventType): boolean {
  return VALID_FROM[event].has(status);
}

/** The working status an order returns to after a pending request is answered. */
function workingStatus(order: Order, triggered: boolean): OrderStatus {
  if (order.filledRaw > 0) return 'PARTIALLY_FILLED';
  return triggered ? 'TRIGGERED' : 'ACCEPTED';
}

const PENDING: ReadonlySet<OrderStatus> = new Set(['PENDING_CANCEL', 'PENDING_UPDATE']);

/** A report that does not answer the outstanding request keeps the order pending unless it ends it. */
function keepPending(order: Order, next: OrderStatus): OrderStatus {
  return PENDING.has(order.status) && next !== 'FILLED' ? order.status : next;
}

type Draft = { -readonly [K in keyof Order]: Order[K] };

/**
 * A copy of the order with every field in one fixed order, so every order object has the same
 * shape (one hidden class: the engine's order paths stay monomorphic) and a transition costs one
 * allocation, not two spreads.
 */
function draft(o: Order, ts: number): Draft {
  return {
    clientOrderId: o.clientOrderId,
    venueOrderId: o.venueOrderId,
    strategyId: o.strategyId,
    instrumentId: o.instrumentId,
    side: o.side,
    type: o.type,
    quantityRaw: o.quantityRaw,
    quoteQuantityRaw: o.quoteQuantityRaw,
    priceRaw: o.priceRaw,
    triggerPriceRaw: o.triggerPriceRaw,
    timeInForce: o.timeInForce,
    expireTime: o.expireTime,
    postOnly: o.postOnly,
    reduceOnly: o.reduceOnly,
    status: o.status,
    filledRaw: o.filledRaw,
    avgPx: o.avgPx,
    createdAt: o.createdAt,
    updatedAt: ts,
    triggered: o.triggered,
    reason: o.reason,
    tags: o.tags,
  };
}

export function transition(order: Order, event: OrderEvent): Order {
  if (!canTransition(order.status, event.type)) throw new InvalidTransitionError(order, event.type);
  const next = draft(order, event.ts);
  switch (event.type) {
    case 'DENY':
      next.status = 'DENIED';
      next.reason = event.reason;
      return next as Order;
    case 'SUBMIT':
      next.status = 'SUBMITTED';
      return next as Order;
    case 'ACCEPT':
      next.status = keepPending(order, order.filledRaw > 0 ? 'PARTIALLY_FILLED' : 'ACCEPTED');
      next.venueOrderId = event.venueOrderId ?? order.venueOrderId;
      return next as Order;
    case 'REJECT':
      next.status = 'REJECTED';
      next.reason = event.reason;
      return next as Order;
    case 'TRIGGER':
      next.status = keepPending(order, order.filledRaw > 0 ? 'PARTIALLY_FILLED' : 'TRIGGERED');
      next.triggered = true;
      return next as Order;
    case 'REQUEST_CANCEL':
      next.status = 'PENDING_CANCEL';
      return next as Order;
    case 'CANCEL':
      next.status = 'CANCELED';
      next.reason = event.reason ?? order.reason;
      return next as Order;
    case 'CANCEL_REJECTED':
    case 'UPDATE_REJECTED':
      next.status = workingStatus(order, order.triggered === true);
      next.reason = event.reason;
      return next as Order;
    case 'REQUEST_UPDATE':
      next.status = 'PENDING_UPDATE';
      return next as Order;
    case 'UPDATED': {
      // The venue never leaves an order below its filled quantity: at or under it, the order is done.
      const quantityRaw = Math.max(event.quantityRaw ?? order.quantityRaw, order.filledRaw);
      next.quantityRaw = quantityRaw;
      next.priceRaw = event.priceRaw ?? order.priceRaw;
      next.triggerPriceRaw = event.triggerPriceRaw ?? order.triggerPriceRaw;
      // An in-place amend may give the order a new venue id (Binance's cancelReplace does).
      if (event.venueOrderId !== undefined) next.venueOrderId = event.venueOrderId;
      if (quantityRaw === order.filledRaw && order.filledRaw > 0) next.status = 'FILLED';
      // An amend that overtook our cancel leaves the cancel outstanding.
      else if (order.status === 'PENDING_CANCEL') next.status = 'PENDING_CANCEL';
      else next.status = workingStatus(order, order.triggered === true);
      return next as Order;
    }
    case 'FILL': {
      if (!(event.quantityRaw > 0) || !Number.isSafeInteger(event.quantityRaw)) {
        throw new RangeError(`order ${order.clientOrderId}: fill quantity must be a positive integer, got ${event.quantityRaw}`);
      }
      const filledRaw = order.filledRaw + event.quantityRaw;
      // A quote-amount order's quantity is fixed by the venue at the fill price.
      const quantityRaw = order.quoteQuantityRaw !== undefined && event.orderQuantityRaw !== undefined ? event.orderQuantityRaw : order.quantityRaw;
      if (filledRaw > quantityRaw) {
        throw new RangeError(`order ${order.clientOrderId}: overfill ${filledRaw} > ${quantityRaw}`);
      }
      next.quantityRaw = quantityRaw;
      next.filledRaw = filledRaw;
      next.avgPx = (order.avgPx * order.filledRaw + event.price * event.quantityRaw) / filledRaw;
      next.venueOrderId = event.venueOrderId ?? order.venueOrderId;
      next.status = filledRaw === quantityRaw ? 'FILLED' : keepPending(order, 'PARTIALLY_FILLED');
      return next as Order;
    }
    case 'EXPIRE':
      next.status = 'EXPIRED';
      return next as Order;
    case 'REPLY_LOST':
      next.status = 'UNKNOWN';
      next.reason = event.reason;
      return next as Order;
  }
}
