import { describe, expect, it } from 'vitest';
import { makeInstrument } from '../../../shared/domain/instrument';
import type { OrderIntent } from '../../../shared/domain/order';
import type { Bar, BookUpdate, TradeTick } from '../../../shared/messages/market-data';
import { Topics } from '../../engine/bus/topics';
import { SimulatedClock } from '../../engine/clock/clock';
import { createTsRiskGate } from '../../engine/risk/ts-risk-gate';
import { TradingNode } from '../../engine/trading-node';
import { SimulatedVenue } from './simulated-venue';
import type { FillModelKind } from './simulated-venue';

const inst = makeInstrument({ symbol: 'BTC/USDT', venue: 'SIM', tickSize: '0.1', lotSize: '0.001' });

function setup(fillModel: FillModelKind, opts: { latencyMs?: number; slippageBps?: number; takerFeeBps?: number; makerFeeBps?: number } = {}) {
  const clock = new SimulatedClock(0);
  const node = new TradingNode({ clock, risk: createTsRiskGate({ defaults: {} }), accountCurrency: 'USDT', balances: { USDT: 1_000_000, BTC: 10 } });
  const venue = new SimulatedVenue(
    { venue: 'SIM', fillModel, makerFeeBps: opts.makerFeeBps ?? 0, takerFeeBps: opts.takerFeeBps ?? 0, slippageBps: opts.slippageBps ?? 0, latencyMs: opts.latencyMs ?? 0, timeframe: '1m' },
    clock,
    node.bus,
    { free: (c) => node.portfolio.balanceValue(c), position: (id) => node.portfolio.netPosition(id) },
  );
  node.addInstrument(inst);
  venue.addInstrument(inst);
  node.addVenue(venue);
  const bar = (i: number, o: number, h: number, l: number, c: number): void => {
    const b: Bar = { instrumentId: inst.id, timeframeMs: 60_000, openTime: i * 60_000, ts: (i + 1) * 60_000, open: o, high: h, low: l, close: c, volume: 1 };
    clock.advanceTo(b.ts);
    node.markPrice(inst.id, c);
    node.bus.publish(Topics.bars(inst.id, '1m'), b);
  };
  const trade = (ts: number, price: number, size: number): void => {
    const t: TradeTick = { instrumentId: inst.id, ts, price, size, tradeId: `t${ts}` };
    clock.advanceTo(ts);
    node.markPrice(inst.id, price);
    node.bus.publish(Topics.trades(inst.id), t);
  };
  const book = (ts: number, bids: [number, number][], asks: [number, number][]): void => {
    const u: BookUpdate = { instrumentId: inst.id, ts, action: 'SNAPSHOT', sequence: ts, bids: bids.map(([price, size]) => ({ price, size })), asks: asks.map(([price, size]) => ({ price, size })) };
    clock.advanceTo(ts);
    node.markPrice(inst.id, ((bids[0]?.[0] ?? 0) + (asks[0]?.[0] ?? 0)) / 2);
    node.bus.publish(Topics.book(inst.id), u);
  };
  const submit = (i: Partial<OrderIntent> & Pick<OrderIntent, 'side' | 'type'>) => node.execution.submit('S', { instrumentId: inst.id, quantityRaw: 1000, ...i });
  const order = (id: string) => node.cache.order(id);
  return { clock, node, venue, bar, trade, book, submit, order };
}

describe('simulated venue — bar model', () => {
  it('fills a market order decided on a close at the next bar open', () => {
    const s = setup('bar');
    s.bar(0, 100, 101, 99, 100);
    const r = s.submit({ side: 'BUY', type: 'MARKET' });
    s.bar(1, 105, 106, 104, 105);
    expect(s.order(r.order.clientOrderId)?.status).toBe('FILLED');
    expect(s.order(r.order.clientOrderId)?.avgPx).toBe(105);
  });

  it('waits for the next bar when latency makes the order arrive mid-bar', () => {
    const s = setup('bar', { latencyMs: 1000 });
    s.bar(0, 100, 101, 99, 100);
    const r = s.submit({ side: 'BUY', type: 'MARKET' });
    s.bar(1, 105, 106, 104, 105);
    expect(s.order(r.order.clientOrderId)?.status).toBe('ACCEPTED');
    s.bar(2, 107, 108, 106, 107);
    expect(s.order(r.order.clientOrderId)?.avgPx).toBe(107);
  });

  it('applies slippage against the trader, rounded to the tick', () => {
    const s = setup('bar', { slippageBps: 10 });
    s.bar(0, 100, 101, 99, 100);
    const buy = s.submit({ side: 'BUY', type: 'MARKET' });
    s.bar(1, 100.05, 101, 99, 100);
    expect(s.order(buy.order.clientOrderId)?.avgPx).toBe(100.2); // 100.05 × 1.001 = 100.150 → up to 100.2
  });

  it('fills a resting buy limit only when the low trades through it, at the limit, as maker', () => {
    const s = setup('bar', { makerFeeBps: 2, takerFeeBps: 10 });
    s.bar(0, 100, 101, 99, 100);
    const r = s.submit({ side: 'BUY', type: 'LIMIT', priceRaw: 980 });
    s.bar(1, 100, 101, 98, 99); // touches 98.0, does not trade through
    expect(s.order(r.order.clientOrderId)?.status).toBe('ACCEPTED');
    s.bar(2, 99, 100, 97.9, 99);
    const o = s.order(r.order.clientOrderId);
    expect(o?.status).toBe('FILLED');
    expect(o?.avgPx).toBe(98);
    expect(s.node.portfolio.totalFees('USDT')).toBeCloseTo((98 * 1 * 2) / 10_000, 12); // 1 BTC at 98, 2 bps maker
  });

  it('fills a resting limit at the better open when the market gaps through it', () => {
    const s = setup('bar');
    s.bar(0, 100, 101, 99, 100);
    const r = s.submit({ side: 'BUY', type: 'LIMIT', priceRaw: 990 });
    s.bar(1, 100, 101, 99.5, 100);
    s.bar(2, 95, 96, 94, 95);
    expect(s.order(r.order.clientOrderId)?.avgPx).toBe(95);
  });

  it('triggers a buy stop where the intrabar path reaches it (bullish bar: open → low → high → close)', () => {
    const s = setup('bar');
    s.bar(0, 100, 101, 99, 100);
    const r = s.submit({ side: 'BUY', type: 'STOP_MARKET', triggerPriceRaw: 1030 });
    s.bar(1, 100, 104, 97, 103);
    const o = s.order(r.order.clientOrderId);
    expect(o?.status).toBe('FILLED');
    expect(o?.avgPx).toBe(103);
  });

  it('fills a stop-limit after its trigger only if the rest of the path reaches the limit', () => {
    const s = setup('bar');
    s.bar(0, 100, 101, 99, 100);
    // Bearish bar: open 100 → high 106 → low 95 → close 96. Buy stop 105 triggers on the way up;
    // the limit 101 rests and the path then falls through it.
    const r = s.submit({ side: 'BUY', type: 'STOP_LIMIT', triggerPriceRaw: 1050, priceRaw: 1010 });
    s.bar(1, 100, 106, 95, 96);
    const o = s.order(r.order.clientOrderId);
    expect(o?.status).toBe('FILLED');
    expect(o?.avgPx).toBe(101);
  });

  it('rejects a post-only limit that would take liquidity', () => {
    const s = setup('bar');
    s.bar(0, 100, 101, 99, 100);
    const r = s.submit({ side: 'BUY', type: 'LIMIT', priceRaw: 1010, postOnly: true });
    s.bar(1, 100, 101, 99, 100);
    expect(s.order(r.order.clientOrderId)?.status).toBe('REJECTED');
    expect(s.order(r.order.clientOrderId)?.reason).toMatch(/post-only/);
  });

  it('expires a GTD order at its expiry time', () => {
    const s = setup('bar');
    s.bar(0, 100, 101, 99, 100);
    const r = s.submit({ side: 'BUY', type: 'LIMIT', priceRaw: 900, timeInForce: 'GTD', expireTime: 120_000 });
    s.bar(1, 100, 101, 99, 100);
    s.bar(2, 100, 101, 99, 100);
    expect(s.order(r.order.clientOrderId)?.status).toBe('EXPIRED');
  });

  it('cancels an IOC limit that does not fill at once', () => {
    const s = setup('bar');
    s.bar(0, 100, 101, 99, 100);
    const r = s.submit({ side: 'BUY', type: 'LIMIT', priceRaw: 900, timeInForce: 'IOC' });
    s.bar(1, 100, 101, 99, 100);
    expect(s.order(r.order.clientOrderId)?.status).toBe('CANCELED');
  });

  it('cancels a spot sell of more base than the account holds', () => {
    const s = setup('bar');
    s.bar(0, 100, 101, 99, 100);
    const r = s.submit({ side: 'SELL', type: 'MARKET', quantityRaw: 11_000 });
    s.bar(1, 100, 101, 99, 100);
    expect(s.order(r.order.clientOrderId)?.status).toBe('CANCELED');
    expect(s.order(r.order.clientOrderId)?.reason).toMatch(/insufficient BTC/);
  });
});

describe('simulated venue — trade model', () => {
  it('fills a market order against the next trades, no more than each trade prints', () => {
    const s = setup('trade');
    s.trade(1, 100, 1);
    const r = s.submit({ side: 'BUY', type: 'MARKET', quantityRaw: 1500 });
    s.trade(2, 101, 1);
    expect(s.order(r.order.clientOrderId)?.status).toBe('PARTIALLY_FILLED');
    s.trade(3, 102, 5);
    const o = s.order(r.order.clientOrderId);
    expect(o?.status).toBe('FILLED');
    expect(o?.avgPx).toBeCloseTo((101 * 1 + 102 * 0.5) / 1.5, 9);
  });

  it('fills a resting limit only on a trade through its price', () => {
    const s = setup('trade');
    s.trade(1, 100, 1);
    const r = s.submit({ side: 'SELL', type: 'LIMIT', priceRaw: 1010 });
    s.trade(2, 101, 1);
    expect(s.order(r.order.clientOrderId)?.status).toBe('ACCEPTED');
    s.trade(3, 101.5, 2);
    expect(s.order(r.order.clientOrderId)?.avgPx).toBe(101);
  });
});

describe('simulated venue — L2 model', () => {
  it('walks the book levels for a market order', () => {
    const s = setup('book');
    s.book(1, [[99, 1]], [[100, 0.4], [100.5, 0.4], [101, 5]]);
    const r = s.submit({ side: 'BUY', type: 'MARKET', quantityRaw: 1000 });
    s.clock.advanceTo(2);
    s.book(3, [[99, 1]], [[100, 0.4], [100.5, 0.4], [101, 5]]);
    const o = s.order(r.order.clientOrderId);
    expect(o?.status).toBe('FILLED');
    expect(o?.avgPx).toBeCloseTo((100 * 0.4 + 100.5 * 0.4 + 101 * 0.2) / 1, 9);
  });
});

describe('simulated venue — quote-amount market orders ("spend N quote")', () => {
  const USDT = 1e8; // BTC/USDT here: money at 8 decimals

  it('sizes a bar-model buy at the fill price: the largest lot whose cost plus fee fits', () => {
    const s = setup('bar', { takerFeeBps: 10 });
    s.bar(0, 100, 101, 99, 100);
    const r = s.submit({ side: 'BUY', type: 'MARKET', quantityRaw: 0, quoteQuantityRaw: 1000 * USDT });
    // The gate saw the estimate at the last price: 1000 / 100 = 10.000 BTC.
    expect(r.ok).toBe(true);
    expect(r.order.quantityRaw).toBe(10_000);
    s.bar(1, 125, 126, 124, 125);
    const o = s.order(r.order.clientOrderId);
    // At 125: 7.992 costs 999 + 0.999 fee = 999.999 ≤ 1000; 7.993 would cost 1000.124125.
    expect(o?.status).toBe('FILLED');
    expect(o?.quantityRaw).toBe(7992);
    expect(o?.filledRaw).toBe(7992);
    expect(s.node.portfolio.balanceValue('USDT')).toBeCloseTo(1_000_000 - 999.999, 8);
  });

  it('spends the rest of the quote amount over several trades (trade model)', () => {
    const s = setup('trade', { takerFeeBps: 10 });
    s.trade(1000, 100, 1);
    const r = s.submit({ side: 'BUY', type: 'MARKET', quantityRaw: 0, quoteQuantityRaw: 1000 * USDT });
    s.trade(2000, 100, 3);
    // 3 BTC for 300 + 0.3 fee; the 699.7 left buys 6.990 at 100 (699 + 0.699).
    expect(s.order(r.order.clientOrderId)?.status).toBe('PARTIALLY_FILLED');
    expect(s.order(r.order.clientOrderId)?.quantityRaw).toBe(9990);
    s.trade(3000, 100, 10);
    expect(s.order(r.order.clientOrderId)?.status).toBe('FILLED');
    expect(s.order(r.order.clientOrderId)?.filledRaw).toBe(9990);
    expect(s.node.portfolio.balanceValue('USDT')).toBeCloseTo(1_000_000 - 300.3 - 699.699, 8);
  });

  it('walks the book levels with the quote amount (book model)', () => {
    const s = setup('book');
    s.book(1000, [[99, 5]], [[100, 2], [101, 5]]);
    const r = s.submit({ side: 'BUY', type: 'MARKET', quantityRaw: 0, quoteQuantityRaw: 402 * USDT });
    s.clock.advanceTo(1500);
    s.book(2000, [[99, 5]], [[100, 2], [101, 5]]);
    // 2 @ 100 = 200, then the 202 left buys 2.000 @ 101.
    const o = s.order(r.order.clientOrderId);
    expect(o?.status).toBe('FILLED');
    expect(o?.filledRaw).toBe(4000);
    expect(o?.avgPx).toBeCloseTo(100.5, 9);
  });

  it('cancels with the reason when the quote amount buys less than one lot at the fill price', () => {
    const s = setup('bar');
    s.bar(0, 4000, 4000, 4000, 4000);
    const r = s.submit({ side: 'BUY', type: 'MARKET', quantityRaw: 0, quoteQuantityRaw: 5 * USDT });
    expect(r.ok).toBe(true);
    s.bar(1, 10_000, 10_000, 10_000, 10_000);
    const o = s.order(r.order.clientOrderId);
    expect(o?.status).toBe('CANCELED');
    expect(o?.reason).toBe('5 USDT, buys less than one lot at 10000.0 (fee included)');
  });

  it('denies a quote amount on anything but a market buy, or without a last price, with the reason', () => {
    const s = setup('bar');
    const none = s.submit({ side: 'BUY', type: 'MARKET', quantityRaw: 0, quoteQuantityRaw: 100 * USDT });
    expect(none.ok ? '' : `${none.reason}: ${none.message}`).toBe('NO_REFERENCE_PRICE: no last price for BTC/USDT to size a quote amount');
    s.bar(0, 100, 101, 99, 100);
    const limit = s.submit({ side: 'BUY', type: 'LIMIT', priceRaw: 1000, quantityRaw: 0, quoteQuantityRaw: 100 * USDT });
    expect(limit.ok ? '' : limit.reason).toBe('INVALID_ORDER');
    const sell = s.submit({ side: 'SELL', type: 'MARKET', quantityRaw: 0, quoteQuantityRaw: 100 * USDT });
    expect(sell.ok ? '' : sell.message).toBe('a quote amount is for MARKET BUY orders only, not MARKET SELL');
    const tiny = s.submit({ side: 'BUY', type: 'MARKET', quantityRaw: 0, quoteQuantityRaw: 0.01 * USDT });
    expect(tiny.ok ? '' : tiny.reason).toBe('BELOW_MIN_QUANTITY');
  });
});
