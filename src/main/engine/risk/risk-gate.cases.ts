/**
 * Scenario table shared by the TypeScript gate's tests and the native gate's tests: each case
 * builds a gate from a config through the factory it is given, so both implementations are held
 * to the same expectations (verdict, reason and exact message).
 */
import { expect } from 'vitest';
import { makeInstrument } from '../../../shared/domain/instrument';
import type { Instrument } from '../../../shared/domain/instrument';
import type { RiskConfig, RiskGate, RiskOrder, RiskVerdict } from './risk-gate';

export type GateFactory = (config: RiskConfig) => RiskGate;

/** BTC/USDT: tick 0.01 (price precision 2), lot 0.001 (size precision 3), min notional 5. */
export function btc(): Instrument {
  return makeInstrument({ symbol: 'BTC/USDT', venue: 'BINANCE', tickSize: '0.01', lotSize: '0.001', minNotional: 5 });
}

/** ETH/USDT with coarse grids: tick 0.05 (raw 5), lot 0.005 (raw 5), min qty 0.01. */
export function eth(): Instrument {
  return makeInstrument({ symbol: 'ETH/USDT', venue: 'BINANCE', tickSize: '0.05', lotSize: '0.005', minQty: '0.01', minNotional: 0 });
}

export const BTC = 'BTC/USDT@BINANCE';
export const ETH = 'ETH/USDT@BINANCE';

/** A 1 BTC limit buy at 30 000 unless overridden. */
export function order(over: Partial<RiskOrder> = {}): RiskOrder {
  return { clientOrderId: 'c1', strategyId: 's1', instrumentId: BTC, side: 'BUY', type: 'LIMIT', quantityRaw: 1000, priceRaw: 3_000_000, reduceOnly: false, ...over };
}

function gate(make: GateFactory, config: RiskConfig): RiskGate {
  const g = make(config);
  g.registerInstrument(btc());
  g.registerInstrument(eth());
  return g;
}

function denied(v: RiskVerdict): { reason: string; message: string } {
  expect(v.allowed).toBe(false);
  if (v.allowed) throw new Error('unreachable');
  return { reason: v.reason, message: v.message };
}

export interface GateCase {
  readonly name: string;
  run(make: GateFactory): void;
}

export const GATE_CASES: readonly GateCase[] = [
  {
    name: 'allows a plain limit order within every limit',
    run: (make) => {
      const g = gate(make, { defaults: { maxOrderQty: 5, maxOrderNotional: 100_000, maxLong: 10, maxShort: 10 } });
      expect(g.checkSubmit(order(), 0)).toEqual({ allowed: true });
    },
  },
  {
    name: 'denies order when notional exceeds max per order',
    run: (make) => {
      const g = gate(make, { defaults: { maxOrderNotional: 10_000 } });
      expect(denied(g.checkSubmit(order({ quantityRaw: 400 }), 0))).toEqual({ reason: 'MAX_NOTIONAL_EXCEEDED', message: 'MAX_NOTIONAL_EXCEEDED: 12000 > 10000 USDT' });
    },
  },
  {
    name: 'denies order when quantity exceeds max per order',
    run: (make) => {
      const g = gate(make, { defaults: { maxOrderQty: 2 } });
      expect(denied(g.checkSubmit(order({ quantityRaw: 2500 }), 0)).message).toBe('MAX_QUANTITY_EXCEEDED: 2.5 > 2 BTC');
      expect(g.checkSubmit(order({ quantityRaw: 2000 }), 0).allowed).toBe(true);
    },
  },
  {
    name: 'per-instrument limits override the defaults field by field',
    run: (make) => {
      const g = gate(make, { defaults: { maxOrderQty: 1, maxOrderNotional: 1_000_000 }, instruments: { [BTC]: { maxOrderQty: 3 } } });
      expect(g.checkSubmit(order({ quantityRaw: 2000 }), 0).allowed).toBe(true);
      expect(denied(g.checkSubmit(order({ instrumentId: ETH, quantityRaw: 2000, priceRaw: 200_000 }), 0)).reason).toBe('MAX_QUANTITY_EXCEEDED');
    },
  },
  {
    name: 'denies NaN, infinite, fractional, zero and negative quantities as invalid orders',
    run: (make) => {
      const g = gate(make, { defaults: {} });
      for (const q of [Number.NaN, Infinity, -Infinity, 1.5, 0, -1000, 2 ** 53]) {
        expect(denied(g.checkSubmit(order({ quantityRaw: q }), 0)).reason).toBe('INVALID_ORDER');
      }
      expect(denied(g.checkSubmit(order({ quantityRaw: Number.NaN }), 0)).message).toBe('INVALID_ORDER: quantityRaw must be a positive integer, got NaN');
    },
  },
  {
    name: 'denies invalid prices, a limit order without a price and a stop without a trigger',
    run: (make) => {
      const g = gate(make, { defaults: {} });
      expect(denied(g.checkSubmit(order({ priceRaw: -5 }), 0)).message).toBe('INVALID_ORDER: priceRaw must be a positive integer, got -5');
      expect(denied(g.checkSubmit(order({ priceRaw: undefined }), 0)).message).toBe('INVALID_ORDER: LIMIT order needs priceRaw');
      expect(denied(g.checkSubmit(order({ type: 'STOP_MARKET', priceRaw: undefined }), 0)).message).toBe('INVALID_ORDER: STOP_MARKET order needs triggerPriceRaw');
      expect(denied(g.checkSubmit(order({ type: 'STOP_LIMIT', triggerPriceRaw: Infinity }), 0)).message).toBe('INVALID_ORDER: triggerPriceRaw must be a positive integer, got Infinity');
    },
  },
  {
    name: 'denies a non-finite now as an invalid order',
    run: (make) => {
      const g = gate(make, { defaults: {} });
      expect(denied(g.checkSubmit(order(), Number.NaN)).message).toBe('INVALID_ORDER: now must be a finite timestamp, got NaN');
    },
  },
  {
    name: 'denies unknown sides and types as invalid orders',
    run: (make) => {
      const g = gate(make, { defaults: {} });
      expect(denied(g.checkSubmit(order({ side: 'HOLD' as never }), 0)).message).toBe('INVALID_ORDER: side must be BUY or SELL');
      expect(denied(g.checkSubmit(order({ type: 'ICEBERG' as never }), 0)).message).toBe('INVALID_ORDER: type must be MARKET, LIMIT, STOP_MARKET or STOP_LIMIT');
    },
  },
  {
    name: 'denies orders for an instrument that was never registered',
    run: (make) => {
      const g = gate(make, { defaults: {} });
      expect(denied(g.checkSubmit(order({ instrumentId: 'DOGE/USDT@BINANCE' }), 0))).toEqual({ reason: 'UNKNOWN_INSTRUMENT', message: 'UNKNOWN_INSTRUMENT: DOGE/USDT@BINANCE is not registered' });
      g.onReferencePrice('XRP/USDT@BINANCE', 'last', 1);
      expect(denied(g.checkSubmit(order({ instrumentId: 'XRP/USDT@BINANCE' }), 0)).message).toBe('UNKNOWN_INSTRUMENT: XRP/USDT@BINANCE is not registered');
    },
  },
  {
    name: 'validates invalid input before the instrument and the trading state',
    run: (make) => {
      const g = gate(make, { defaults: {} });
      g.setTradingState('HALTED', 0, 'test');
      expect(denied(g.checkSubmit(order({ instrumentId: 'NOPE', quantityRaw: 0 }), 0)).reason).toBe('INVALID_ORDER');
      expect(denied(g.checkSubmit(order({ instrumentId: 'NOPE' }), 0)).reason).toBe('UNKNOWN_INSTRUMENT');
      expect(denied(g.checkSubmit(order({ quantityRaw: 1 }), 0)).reason).toBe('TRADING_HALTED');
    },
  },
  {
    name: 'denies quantities off the lot grid and prices off the tick grid',
    run: (make) => {
      const g = gate(make, { defaults: {} });
      const e = { instrumentId: ETH };
      expect(denied(g.checkSubmit(order({ ...e, quantityRaw: 12, priceRaw: 200_000 }), 0)).message).toBe('PRECISION_MISMATCH: quantityRaw 12 is not a multiple of lot 5');
      expect(denied(g.checkSubmit(order({ ...e, quantityRaw: 10, priceRaw: 200_003 }), 0)).message).toBe('PRECISION_MISMATCH: priceRaw 200003 is not a multiple of tick 5');
      expect(denied(g.checkSubmit(order({ ...e, type: 'STOP_MARKET', quantityRaw: 10, priceRaw: undefined, triggerPriceRaw: 7 }), 0)).message).toBe('PRECISION_MISMATCH: triggerPriceRaw 7 is not a multiple of tick 5');
      expect(g.checkSubmit(order({ ...e, quantityRaw: 10, priceRaw: 200_005 }), 0).allowed).toBe(true);
    },
  },
  {
    name: 'denies orders below the minimum quantity and the minimum notional',
    run: (make) => {
      const g = gate(make, { defaults: {} });
      expect(denied(g.checkSubmit(order({ instrumentId: ETH, quantityRaw: 5, priceRaw: 200_000 }), 0)).message).toBe('BELOW_MIN_QUANTITY: 0.005 < 0.01 ETH');
      expect(denied(g.checkSubmit(order({ quantityRaw: 1, priceRaw: 100_000 }), 0)).message).toBe('BELOW_MIN_NOTIONAL: 1 < 5 USDT');
    },
  },
  {
    name: 'market orders need a reference price and use it for the notional',
    run: (make) => {
      const g = gate(make, { defaults: { maxOrderNotional: 50_000 } });
      const m = order({ type: 'MARKET', priceRaw: undefined, quantityRaw: 2000 });
      expect(denied(g.checkSubmit(m, 0))).toEqual({ reason: 'NO_REFERENCE_PRICE', message: `NO_REFERENCE_PRICE: no last price for ${BTC}` });
      g.onReferencePrice(BTC, 'last', 30_000);
      expect(denied(g.checkSubmit(m, 0)).message).toBe('MAX_NOTIONAL_EXCEEDED: 60000 > 50000 USDT');
      g.onReferencePrice(BTC, 'last', 20_000);
      expect(g.checkSubmit(m, 0).allowed).toBe(true);
    },
  },
  {
    name: 'only the configured reference price kind is used, and a bad price clears it',
    run: (make) => {
      const g = gate(make, { defaults: {}, referencePrice: 'mark' });
      const m = order({ type: 'MARKET', priceRaw: undefined });
      g.onReferencePrice(BTC, 'last', 30_000);
      expect(denied(g.checkSubmit(m, 0)).message).toBe(`NO_REFERENCE_PRICE: no mark price for ${BTC}`);
      g.onReferencePrice(BTC, 'mark', 30_000);
      expect(g.checkSubmit(m, 0).allowed).toBe(true);
      g.onReferencePrice(BTC, 'mark', Number.NaN);
      expect(denied(g.checkSubmit(m, 0)).reason).toBe('NO_REFERENCE_PRICE');
    },
  },
  {
    name: 'stop-market orders use the trigger price for the notional',
    run: (make) => {
      const g = gate(make, { defaults: { maxOrderNotional: 25_000 } });
      expect(denied(g.checkSubmit(order({ type: 'STOP_MARKET', priceRaw: undefined, triggerPriceRaw: 3_000_000 }), 0)).message).toBe('MAX_NOTIONAL_EXCEEDED: 30000 > 25000 USDT');
    },
  },
  {
    name: 'denies a limit price outside the collar around the reference price',
    run: (make) => {
      const g = gate(make, { defaults: { collarBps: 500 } });
      expect(denied(g.checkSubmit(order(), 0)).reason).toBe('NO_REFERENCE_PRICE');
      g.onReferencePrice(BTC, 'last', 28_000);
      expect(denied(g.checkSubmit(order(), 0)).message).toBe('PRICE_OUTSIDE_COLLAR: price 30000 is 714.29 bps from last 28000 (collar 500 bps)');
      g.onReferencePrice(BTC, 'last', 29_000);
      expect(g.checkSubmit(order(), 0).allowed).toBe(true);
    },
  },
  {
    name: 'denies a stop trigger price outside the collar',
    run: (make) => {
      const g = gate(make, { defaults: { collarBps: 100 } });
      g.onReferencePrice(BTC, 'last', 30_000);
      expect(denied(g.checkSubmit(order({ type: 'STOP_LIMIT', triggerPriceRaw: 3_100_000 }), 0)).message).toBe('PRICE_OUTSIDE_COLLAR: trigger price 31000 is 333.33 bps from last 30000 (collar 100 bps)');
    },
  },
  {
    name: 'denies a buy that would take the net position past the long limit',
    run: (make) => {
      const g = gate(make, { defaults: { maxLong: 2, maxShort: 1 } });
      g.onFill('s1', BTC, 'BUY', 1500);
      expect(denied(g.checkSubmit(order({ quantityRaw: 1000 }), 0))).toEqual({ reason: 'POSITION_LIMIT_EXCEEDED', message: 'POSITION_LIMIT_EXCEEDED: long 2.5 > 2 BTC' });
      expect(g.checkSubmit(order({ quantityRaw: 500 }), 0).allowed).toBe(true);
    },
  },
  {
    name: 'counts the order side: a sell that flips past the short limit is denied',
    run: (make) => {
      const g = gate(make, { defaults: { maxLong: 2, maxShort: 1 } });
      g.onFill('s1', BTC, 'BUY', 1000);
      expect(denied(g.checkSubmit(order({ side: 'SELL', quantityRaw: 2500 }), 0)).message).toBe('POSITION_LIMIT_EXCEEDED: short 1.5 > 1 BTC');
      expect(g.checkSubmit(order({ side: 'SELL', quantityRaw: 2000 }), 0).allowed).toBe(true);
    },
  },
  {
    name: 'never blocks an order that reduces a position already over a lowered limit',
    run: (make) => {
      const g = gate(make, { defaults: { maxLong: 1 } });
      g.onFill('s1', BTC, 'BUY', 3000);
      expect(g.checkSubmit(order({ side: 'SELL', quantityRaw: 1000 }), 0).allowed).toBe(true);
      expect(denied(g.checkSubmit(order({ quantityRaw: 1000 }), 0)).reason).toBe('POSITION_LIMIT_EXCEEDED');
    },
  },
  {
    name: 'denies a strategy exceeding its own position limit even when the net position is fine',
    run: (make) => {
      const g = gate(make, { defaults: { maxLong: 10 }, strategies: { s1: { maxLong: 1, maxShort: 1 } } });
      g.onFill('s1', BTC, 'BUY', 1000);
      g.onFill('s2', BTC, 'SELL', 1000);
      expect(g.position(BTC)).toBe(0);
      expect(denied(g.checkSubmit(order({ quantityRaw: 500 }), 0))).toEqual({ reason: 'STRATEGY_POSITION_LIMIT_EXCEEDED', message: 'STRATEGY_POSITION_LIMIT_EXCEEDED: s1 long 1.5 > 1 BTC' });
      expect(g.checkSubmit(order({ strategyId: 's2', quantityRaw: 500 }), 0).allowed).toBe(true);
    },
  },
  {
    name: 'denies a reduce-only order that would increase or flip the position',
    run: (make) => {
      const g = gate(make, { defaults: {} });
      const ro = (side: 'BUY' | 'SELL', q: number): RiskOrder => order({ side, quantityRaw: q, reduceOnly: true });
      expect(denied(g.checkSubmit(ro('SELL', 1000), 0)).message).toBe('REDUCE_ONLY_WOULD_INCREASE: SELL 1 on position 0 BTC');
      g.onFill('s1', BTC, 'BUY', 2000);
      expect(g.checkSubmit(ro('SELL', 2000), 0).allowed).toBe(true);
      expect(denied(g.checkSubmit(ro('SELL', 2001), 0)).reason).toBe('REDUCE_ONLY_WOULD_INCREASE');
      expect(denied(g.checkSubmit(ro('BUY', 1000), 0)).message).toBe('REDUCE_ONLY_WOULD_INCREASE: BUY 1 on position 2 BTC');
    },
  },
  {
    name: 'in REDUCING only exposure-reducing orders pass',
    run: (make) => {
      const g = gate(make, { defaults: {} });
      g.onFill('s1', BTC, 'SELL', 3000);
      expect(g.setTradingState('REDUCING', 5, 'manual')).toEqual([{ kind: 'RISK_LIMIT_BREACH', ts: 5, state: 'REDUCING', message: 'RISK_LIMIT_BREACH: trading ACTIVE -> REDUCING: manual' }]);
      expect(denied(g.checkSubmit(order({ side: 'SELL' }), 0)).message).toBe('TRADING_REDUCING: only orders that reduce the position are allowed (position -3 BTC)');
      expect(g.checkSubmit(order({ side: 'BUY', quantityRaw: 3000 }), 0).allowed).toBe(true);
      expect(denied(g.checkSubmit(order({ side: 'BUY', quantityRaw: 3001 }), 0)).reason).toBe('TRADING_REDUCING');
    },
  },
  {
    name: 'in HALTED every new order and modification is denied',
    run: (make) => {
      const g = gate(make, { defaults: {} });
      g.onFill('s1', BTC, 'BUY', 1000);
      expect(g.setTradingState('HALTED', 7, 'kill switch')[0]).toMatchObject({ kind: 'CIRCUIT_BREAKER', state: 'HALTED', message: 'CIRCUIT_BREAKER: trading ACTIVE -> HALTED: kill switch' });
      expect(denied(g.checkSubmit(order({ side: 'SELL', reduceOnly: true }), 0))).toEqual({ reason: 'TRADING_HALTED', message: 'TRADING_HALTED: trading is halted; only cancels are allowed' });
      expect(denied(g.checkModify(order(), 0)).reason).toBe('TRADING_HALTED');
      expect(g.setTradingState('HALTED', 8, 'again')).toEqual([]);
      expect(g.setTradingState('ACTIVE', 9, 'resume')).toEqual([]);
      expect(g.tradingState()).toBe('ACTIVE');
      expect(g.checkSubmit(order(), 0).allowed).toBe(true);
    },
  },
  {
    name: 'denies a new order when the open-order count reaches the maximum, but not a modification',
    run: (make) => {
      const g = gate(make, { defaults: {}, maxOpenOrders: 2 });
      g.onOrderOpened('a', BTC);
      g.onOrderOpened('b', BTC);
      g.onOrderOpened('b', BTC);
      expect(g.openOrderCount()).toBe(2);
      expect(denied(g.checkSubmit(order(), 0)).message).toBe('MAX_OPEN_ORDERS_EXCEEDED: 2 open >= 2');
      expect(g.checkModify(order(), 0).allowed).toBe(true);
      g.onOrderClosed('a');
      expect(g.checkSubmit(order(), 0).allowed).toBe(true);
    },
  },
  {
    name: 'order-rate bucket allows a burst, then refills from the now argument only',
    run: (make) => {
      const g = gate(make, { defaults: {}, orderRate: { capacity: 2, perSecond: 4 } });
      expect(g.checkSubmit(order(), 1000).allowed).toBe(true);
      expect(g.checkSubmit(order(), 1000).allowed).toBe(true);
      expect(denied(g.checkSubmit(order(), 1100)).message).toBe('ORDER_RATE_EXCEEDED: more than 2 orders in a burst or 4/s sustained');
      expect(g.checkSubmit(order(), 1250).allowed).toBe(true);
      // Time going backwards neither refills nor breaks the bucket.
      expect(denied(g.checkSubmit(order(), 0)).reason).toBe('ORDER_RATE_EXCEEDED');
    },
  },
  {
    name: 'a denied order does not consume a rate token',
    run: (make) => {
      const g = gate(make, { defaults: { maxOrderQty: 1 }, orderRate: { capacity: 1, perSecond: 0 } });
      expect(denied(g.checkSubmit(order({ quantityRaw: 5000 }), 0)).reason).toBe('MAX_QUANTITY_EXCEEDED');
      expect(g.checkSubmit(order(), 0).allowed).toBe(true);
      expect(denied(g.checkSubmit(order(), 0)).reason).toBe('ORDER_RATE_EXCEEDED');
    },
  },
  {
    name: 'modifications use their own rate bucket',
    run: (make) => {
      const g = gate(make, { defaults: {}, orderRate: { capacity: 1, perSecond: 0 }, modifyRate: { capacity: 1, perSecond: 0 } });
      expect(g.checkSubmit(order(), 0).allowed).toBe(true);
      expect(g.checkModify(order(), 0).allowed).toBe(true);
      expect(denied(g.checkModify(order(), 0)).message).toBe('MODIFY_RATE_EXCEEDED: more than 1 modifies in a burst or 0/s sustained');
    },
  },
  {
    name: 'daily loss vs the start of the UTC day moves the state to REDUCING once',
    run: (make) => {
      const g = gate(make, { defaults: {}, dailyLossLimit: 1000 });
      const day = 86_400_000;
      expect(g.onEquity(10_000, 5 * day + 10)).toEqual([]);
      expect(g.onEquity(9_100, 5 * day + 20)).toEqual([]);
      expect(g.onEquity(9_000, 5 * day + 30)).toEqual([
        { kind: 'RISK_LIMIT_BREACH', ts: 5 * day + 30, state: 'REDUCING', message: 'RISK_LIMIT_BREACH: daily loss 1000 >= 1000 (day start equity 10000, equity 9000); trading REDUCING' },
      ]);
      expect(g.tradingState()).toBe('REDUCING');
      expect(g.onEquity(8_000, 5 * day + 40)).toEqual([]);
      // A new UTC day resets the baseline but not the state (the operator resumes).
      expect(g.onEquity(8_000, 6 * day)).toEqual([]);
      expect(g.tradingState()).toBe('REDUCING');
    },
  },
  {
    name: 'drawdown from the peak warns once, then halts at the halt threshold',
    run: (make) => {
      const g = gate(make, { defaults: {}, drawdownWarn: 0.1, drawdownHalt: 0.25 });
      g.onEquity(10_000, 1);
      g.onEquity(12_000, 2);
      expect(g.onEquity(10_800, 3)).toEqual([{ kind: 'DRAWDOWN_WARNING', ts: 3, state: 'ACTIVE', message: 'DRAWDOWN_WARNING: drawdown 10% >= 10% (peak 12000, equity 10800)' }]);
      expect(g.onEquity(10_000, 4)).toEqual([]);
      expect(g.onEquity(8_900, 5)).toEqual([{ kind: 'CIRCUIT_BREAKER', ts: 5, state: 'HALTED', message: 'CIRCUIT_BREAKER: drawdown 25.83% >= 25% (peak 12000, equity 8900); trading HALTED' }]);
      expect(g.tradingState()).toBe('HALTED');
      // Recovery re-arms the warning; the halt stays until the operator acts.
      expect(g.onEquity(12_000, 6)).toEqual([]);
      expect(g.onEquity(10_500, 7).map((e) => e.kind)).toEqual(['DRAWDOWN_WARNING']);
    },
  },
  {
    name: 'restored equity marks measure the drawdown from the peak before; rebased marks from there; bad marks refused',
    run: (make) => {
      const DAY = 86_400_000;
      const g = gate(make, { defaults: {}, dailyLossLimit: 500, drawdownHalt: 0.2 });
      expect(g.equityMarks()).toBeUndefined();
      g.setEquityMarks({ peak: 10_000, dayStart: 9_000, day: 3 });
      expect(g.onEquity(8_500, 5 * DAY)).toEqual([]);
      expect(g.equityMarks()).toEqual({ peak: 10_000, dayStart: 8_500, day: 5 });
      const ev = g.onEquity(7_900, 5 * DAY + 1);
      expect(ev.at(-1)?.message).toBe('CIRCUIT_BREAKER: drawdown 21% >= 20% (peak 10000, equity 7900); trading HALTED');
      g.setTradingState('ACTIVE', 6, 'resumed');
      g.setEquityMarks({ peak: 7_900, dayStart: 7_900, day: 5 });
      expect(g.onEquity(7_800, 5 * DAY + 2)).toEqual([]);
      expect(g.tradingState()).toBe('ACTIVE');
      for (const bad of [{ peak: Number.NaN, dayStart: 1, day: 1 }, { peak: 1, dayStart: 1, day: 1.5 }, { peak: 1, dayStart: 2, day: 1 }, { peak: Infinity, dayStart: 1, day: 1 }]) {
        expect(() => g.setEquityMarks(bad)).toThrow(expect.objectContaining({ code: 'ERR_RISK_INVALID_ARGUMENT' }));
      }
      expect(g.equityMarks()).toEqual({ peak: 7_900, dayStart: 7_900, day: 5 }); // unchanged by the refused ones
    },
  },
  {
    name: 'ignores non-finite equity',
    run: (make) => {
      const g = gate(make, { defaults: {}, drawdownHalt: 0.1 });
      g.onEquity(10_000, 1);
      expect(g.onEquity(Number.NaN, 2)).toEqual([]);
      expect(g.onEquity(-Infinity, 3)).toEqual([]);
      expect(g.tradingState()).toBe('ACTIVE');
    },
  },
  {
    name: 'tracks the net position across strategies from fills',
    run: (make) => {
      const g = gate(make, { defaults: {} });
      g.onFill('a', BTC, 'BUY', 3000);
      g.onFill('b', BTC, 'SELL', 1000);
      expect(g.position(BTC)).toBe(2000);
      expect(g.position(ETH)).toBe(0);
    },
  },
  {
    name: 'rejects an unknown trading state with a stable error code',
    run: (make) => {
      const g = gate(make, { defaults: {} });
      expect(() => g.setTradingState('PAUSED' as never, 0, 'x')).toThrow(expect.objectContaining({ code: 'ERR_RISK_INVALID_ARGUMENT' }));
    },
  },
];
