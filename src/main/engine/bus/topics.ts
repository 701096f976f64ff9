/**
 * The switchboard: every topic and endpoint name of the bus comes from here, typed by the
 * message it carries. Topics are dot-separated segments (`data.bars.BINANCE.BTC/USDT.5m`);
 * subscriptions may use `*` (one segment) and a trailing `**` (any number of segments).
 */
import type { Bar, BookUpdate, QuoteTick, TradeTick } from '../../../shared/messages/market-data';
import type { Fill, Order } from '../../../shared/domain/order';
import type { Position } from '../../../shared/domain/position';
import type { InstrumentId } from '../../../shared/domain/instrument';
import type { RiskEvent } from '../risk/risk-gate';
import type { OrderDenied, GatewayStatus } from './events';

/** A topic string that remembers the type of message published on it. */
export type Topic<M> = string & { readonly __message?: M };
/** A subscription pattern (may contain wildcards). */
export type Pattern<M> = string & { readonly __message?: M };
export type Endpoint<Req, Res> = string & { readonly __req?: Req; readonly __res?: Res };

function split(id: InstrumentId): [string, string] {
  const at = id.lastIndexOf('@');
  return at < 0 ? ['SIM', id] : [id.slice(at + 1), id.slice(0, at)];
}

/** Every event family of ARCHITECTURE.md. */
export const Topics = {
  /** TICK: trades and quotes. */
  trades: (id: InstrumentId): Topic<TradeTick> => {
    const [venue, symbol] = split(id);
    return `data.trades.${venue}.${symbol}`;
  },
  quotes: (id: InstrumentId): Topic<QuoteTick> => {
    const [venue, symbol] = split(id);
    return `data.quotes.${venue}.${symbol}`;
  },
  /** BAR */
  bars: (id: InstrumentId, timeframe: string): Topic<Bar> => {
    const [venue, symbol] = split(id);
    return `data.bars.${venue}.${symbol}.${timeframe}`;
  },
  /** ORDER_BOOK */
  book: (id: InstrumentId): Topic<BookUpdate> => {
    const [venue, symbol] = split(id);
    return `data.book.${venue}.${symbol}`;
  },
  allBars: '**' as Pattern<Bar>,
  /** ORDER_NEW, ORDER_FILLED, ORDER_CANCELLED, ORDER_REJECTED, plus every other state change. */
  orderNew: 'events.order.new' as Topic<Order>,
  orderUpdated: 'events.order.updated' as Topic<Order>,
  orderFilled: 'events.order.filled' as Topic<{ readonly order: Order; readonly fill: Fill }>,
  orderCancelled: 'events.order.cancelled' as Topic<Order>,
  orderRejected: 'events.order.rejected' as Topic<Order>,
  orderDenied: 'events.order.denied' as Topic<OrderDenied>,
  allOrderEvents: 'events.order.*' as Pattern<unknown>,
  /** POSITION_OPENED, POSITION_CLOSED, POSITION_UPDATED */
  positionOpened: 'events.position.opened' as Topic<Position>,
  positionUpdated: 'events.position.updated' as Topic<Position>,
  positionClosed: 'events.position.closed' as Topic<Position>,
  /** RISK_LIMIT_BREACH, DRAWDOWN_WARNING, CIRCUIT_BREAKER — priority lane. */
  riskLimitBreach: 'events.risk.RISK_LIMIT_BREACH' as Topic<RiskEvent>,
  drawdownWarning: 'events.risk.DRAWDOWN_WARNING' as Topic<RiskEvent>,
  circuitBreaker: 'events.risk.CIRCUIT_BREAKER' as Topic<RiskEvent>,
  allRiskEvents: 'events.risk.*' as Pattern<RiskEvent>,
  /** GATEWAY_CONNECTED, GATEWAY_DISCONNECTED */
  gatewayConnected: 'events.gateway.connected' as Topic<GatewayStatus>,
  gatewayDisconnected: 'events.gateway.disconnected' as Topic<GatewayStatus>,
} as const;

export function riskTopic(kind: RiskEvent['kind']): Topic<RiskEvent> {
  return `events.risk.${kind}`;
}

/** Request/response endpoints. */
export const Endpoints = {
  riskExecute: 'RiskEngine.execute',
  executionExecute: 'ExecutionEngine.execute',
  portfolioSnapshot: 'Portfolio.snapshot',
} as const;

/** Topics whose messages take the priority lane. */
export function isPriorityTopic(topic: string): boolean {
  return topic.startsWith('events.risk.');
}
