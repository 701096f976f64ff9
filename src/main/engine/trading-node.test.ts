/**
 * The engine's components together, without any adapter: a scripted venue client stands in for
 * a venue (it is the ExecutionClient contract itself, not a mock of a library).
 */
import { describe, expect, it } from 'vitest';
import { makeInstrument } from '../../shared/domain/instrument';
import type { Fill, Order } from '../../shared/domain/order';
import { Topics } from './bus/topics';
import { SimulatedClock } from './clock/clock';
import type { ExecutionClient, ExecutionReportSink } from './execution/execution-client';
import { createTsRiskGate } from './risk/ts-risk-gate';
import type { RiskConfig } from './risk/risk-gate';
import { TradingNode } from './trading-node';

const inst = makeInstrument({ symbol: 'BTC/USDT', venue: 'X', tickSize: '0.01', lotSize: '0.001' });
const perp = makeInstrument({ symbol: 'BTC/USDT:USDT', venue: 'X', kind: 'perpetual', tickSize: '0.1', lotSize: '0.001' });

class ScriptedVenue implements ExecutionClient {
  readonly venue = 'X';
  sink: ExecutionReportSink = () => undefined;
  readonly submitted: Order[] = [];
  readonly cancelled: Order[] = [];
  connect(sink: ExecutionReportSink): void {
    this.sink = sink;
  }
  submit(order: Order): void {
    this.submitted.push(order);
  }
  cancel(order: Order): void {
    this.cancelled.push(order);
  }
  modify(): void {}
  fill(order: Order, qtyRaw: number, priceRaw: number, tradeId: string, ts = 2, feeRaw = 0): void {
    const fill: Fill = { tradeId, clientOrderId: order.clientOrderId, strategyId: order.strategyId, instrumentId: order.instrumentId, side: order.side, quantityRaw: qtyRaw, priceRaw, feeRaw, feeCurrency: 'USDT', feePrecision: 8, liquidity: 'TAKER', ts };
    this.sink({ kind: 'FILLED', fill });
  }
}

function node(risk: RiskConfig = { defaults: {} }) {
  const clock = new SimulatedClock(1);
  const n = new TradingNode({ clock, risk: createTsRiskGate(risk), accountCurrency: 'USDT', balances: { USDT: 100_000 } });
  const venue = new ScriptedVenue();
  n.addInstrument(inst);
  n.addInstrument(perp);
  n.addVenue(venue);
  n.markPrice(inst.id, 50_000);
  n.markPrice(perp.id, 50_000);
  return { n, venue, clock };
}

describe('TradingNode', () => {
  it('denies an order over the notional limit with a typed reason, and it never reaches the venue', () => {
    const { n, venue } = node({ defaults: { maxOrderNotional: 10_000 } });
    const denied: string[] = [];
    n.bus.subscribe(Topics.orderDenied, (d) => denied.push(d.message));
    const r = n.execution.submit('S', { instrumentId: inst.id, side: 'BUY', type: 'MARKET', quantityRaw: 240 });
    expect(r.ok).toBe(false);
    expect(r.order.status).toBe('DENIED');
    expect(denied[0]).toMatch(/^MAX_NOTIONAL_EXCEEDED: 12000 > 10000/);
    expect(r.ok === false && r.reason).toBe('MAX_NOTIONAL_EXCEEDED');
    expect(venue.submitted).toHaveLength(0);
  });

  it('applies a fill once even when the venue delivers it twice (REST and WebSocket)', () => {
    const { n, venue } = node();
    const r = n.execution.submit('S', { instrumentId: inst.id, side: 'BUY', type: 'MARKET', quantityRaw: 1000 });
    venue.sink({ kind: 'ACCEPTED', clientOrderId: r.order.clientOrderId, venueOrderId: 'V1', ts: 2 });
    venue.fill(r.order, 1000, 5_000_000, 'T1');
    venue.fill(r.order, 1000, 5_000_000, 'T1');
    expect(n.portfolio.netPosition(inst.id)).toBe(1000);
    expect(n.portfolio.balanceValue('USDT')).toBe(50_000);
    expect(n.cache.order(r.order.clientOrderId)?.status).toBe('FILLED');
  });

  it('keeps an order whose reply was lost UNKNOWN until the venue answers, never resubmitting', () => {
    const { n, venue } = node();
    const r = n.execution.submit('S', { instrumentId: inst.id, side: 'BUY', type: 'LIMIT', priceRaw: 4_900_000, quantityRaw: 1000 });
    venue.sink({ kind: 'REPLY_LOST', clientOrderId: r.order.clientOrderId, reason: 'timeout', ts: 2 });
    expect(n.cache.order(r.order.clientOrderId)?.status).toBe('UNKNOWN');
    expect(n.cache.openOrders()).toHaveLength(1);
    venue.sink({ kind: 'ACCEPTED', clientOrderId: r.order.clientOrderId, venueOrderId: 'V7', ts: 3 });
    expect(n.cache.order(r.order.clientOrderId)?.venueOrderId).toBe('V7');
    expect(venue.submitted).toHaveLength(1);
  });

  it('accounts spot cash exactly: buy, partial sell, realized PnL and fees', () => {
    const { n, venue } = node();
    const buy = n.execution.submit('S', { instrumentId: inst.id, side: 'BUY', type: 'MARKET', quantityRaw: 2000 });
    venue.fill(buy.order, 2000, 5_000_000, 'T1', 2, 10_000_000); // 2 BTC @ 50 000, fee 0.1 USDT
    const sell = n.execution.submit('S', { instrumentId: inst.id, side: 'SELL', type: 'MARKET', quantityRaw: 500 });
    venue.fill(sell.order, 500, 5_100_000, 'T2', 3, 2_550_000); // 0.5 @ 51 000, fee 0.0255
    const p = n.portfolio.position('S', inst.id);
    expect(p?.netRaw).toBe(1500);
    expect(p?.avgEntryPx).toBe(50_000);
    expect((p?.realizedRaw ?? NaN) / 10 ** inst.quotePrecision).toBe(500);
    expect(n.portfolio.balanceValue('USDT')).toBeCloseTo(100_000 - 100_000 - 0.1 + 25_500 - 0.0255, 8);
    expect(n.portfolio.balanceValue('BTC')).toBe(1.5);
    n.markPrice(inst.id, 52_000);
    expect(n.portfolio.equity()).toBeCloseTo(25_500 - 0.1255 + 1.5 * 52_000, 6);
    expect(n.portfolio.unrealized('S', inst.id)).toBeCloseTo(1.5 * 2_000, 9);
  });

  it('accounts a perpetual by margin: a flip realizes PnL and reopens at the fill price', () => {
    const { n, venue } = node();
    const buy = n.execution.submit('S', { instrumentId: perp.id, side: 'BUY', type: 'MARKET', quantityRaw: 1000 });
    venue.fill(buy.order, 1000, 500_000, 'P1');
    expect(n.portfolio.balanceValue('USDT')).toBe(100_000);
    const flip = n.execution.submit('S', { instrumentId: perp.id, side: 'SELL', type: 'MARKET', quantityRaw: 3000 });
    venue.fill(flip.order, 3000, 490_000, 'P2');
    const p = n.portfolio.position('S', perp.id);
    expect(p?.netRaw).toBe(-2000);
    expect(p?.avgEntryPx).toBe(49_000);
    expect(n.portfolio.balanceValue('USDT')).toBe(99_000);
  });

  it('publishes a circuit breaker on a drawdown and halts new orders', () => {
    const { n, venue } = node({ defaults: {}, drawdownWarn: 0.05, drawdownHalt: 0.1 });
    const events: string[] = [];
    n.bus.subscribe(Topics.allRiskEvents, (e) => events.push(e.kind));
    const r = n.execution.submit('S', { instrumentId: inst.id, side: 'BUY', type: 'MARKET', quantityRaw: 1_000 });
    venue.fill(r.order, 1000, 5_000_000, 'T1');
    n.updateEquity(10);
    n.markPrice(inst.id, 40_000); // −10 000 on 100 000: a 10 % drawdown
    n.updateEquity(11);
    expect(events).toEqual(['DRAWDOWN_WARNING', 'CIRCUIT_BREAKER']);
    expect(n.risk.tradingState()).toBe('HALTED');
    const next = n.execution.submit('S', { instrumentId: inst.id, side: 'BUY', type: 'MARKET', quantityRaw: 1 });
    expect(next.ok).toBe(false);
    expect(next.ok === false && next.reason).toBe('TRADING_HALTED');
  });

  it('kill switch cancels every open order and flattens with reduce-only orders', () => {
    const { n, venue } = node();
    const r = n.execution.submit('S', { instrumentId: inst.id, side: 'BUY', type: 'MARKET', quantityRaw: 1000 });
    venue.fill(r.order, 1000, 5_000_000, 'T1');
    const resting = n.execution.submit('S', { instrumentId: inst.id, side: 'BUY', type: 'LIMIT', priceRaw: 4_000_000, quantityRaw: 1000 });
    venue.sink({ kind: 'ACCEPTED', clientOrderId: resting.order.clientOrderId, venueOrderId: 'V2', ts: 2 });
    const k = n.execution.killSwitch({ flatten: true, reason: 'PANIC' });
    expect(k.cancelled).toBe(1);
    expect(venue.cancelled.map((o) => o.clientOrderId)).toEqual([resting.order.clientOrderId]);
    expect(k.flattening).toHaveLength(1);
    expect(k.flattening[0]?.ok).toBe(true);
    expect(venue.submitted.at(-1)).toMatchObject({ side: 'SELL', quantityRaw: 1000, reduceOnly: true });
    expect(n.risk.tradingState()).toBe('HALTED');
  });
});
