/**
 * The execution engine's safety stages with its real parts (bus, cache, portfolio, TS risk gate).
 * A scripted venue client stands in for a venue: it is the ExecutionClient contract itself,
 * recording requests and sending the reports a venue sends, in the order a venue can send them.
 */
import { describe, expect, it } from 'vitest';
import { makeInstrument } from '../../../shared/domain/instrument';
import type { Fill, Order } from '../../../shared/domain/order';
import { MessageBus } from '../bus/message-bus';
import { Topics } from '../bus/topics';
import { Cache } from '../cache/cache';
import { SimulatedClock } from '../clock/clock';
import { Portfolio } from '../portfolio/portfolio';
import type { EquityMarks, EquityMarksStore } from '../risk/equity-marks';
import type { HaltLatchStore, LatchedHalt } from '../risk/halt-latch';
import type { RiskConfig, RiskEvent } from '../risk/risk-gate';
import { createTsRiskGate } from '../risk/ts-risk-gate';
import type { ExecutionClient, ExecutionReportSink } from './execution-client';
import { ExecutionEngine } from './execution-engine';

const inst = makeInstrument({ symbol: 'BTC/USDT', venue: 'X', tickSize: '0.01', lotSize: '0.001' });

class ScriptedVenue implements ExecutionClient {
  constructor(readonly amendsInPlace = true, readonly venue: string = 'X') {}
  sink: ExecutionReportSink = () => undefined;
  readonly submitted: Order[] = [];
  readonly cancelled: Order[] = [];
  readonly modified: Order[] = [];
  connect(sink: ExecutionReportSink): void {
    this.sink = sink;
  }
  submit(order: Order): void {
    this.submitted.push(order);
  }
  cancel(order: Order): void {
    this.cancelled.push(order);
  }
  modify(order: Order): void {
    this.modified.push(order);
  }
  accept(o: Order): void {
    this.sink({ kind: 'ACCEPTED', clientOrderId: o.clientOrderId, venueOrderId: `V-${o.clientOrderId}`, ts: 2 });
  }
  fill(o: Order, quantityRaw: number, priceRaw: number, tradeId: string): void {
    const fill: Fill = { tradeId, clientOrderId: o.clientOrderId, strategyId: o.strategyId, instrumentId: o.instrumentId, side: o.side, quantityRaw, priceRaw, feeRaw: 0, feeCurrency: 'USDT', feePrecision: 8, liquidity: 'TAKER', ts: 3 };
    this.sink({ kind: 'FILLED', fill });
  }
}

class MemoryLatch implements HaltLatchStore {
  saved: LatchedHalt | undefined;
  constructor(initial?: LatchedHalt) {
    this.saved = initial;
  }
  load(): LatchedHalt | undefined {
    return this.saved;
  }
  save(h: LatchedHalt | undefined): void {
    this.saved = h;
  }
}

class MemoryMarks implements EquityMarksStore {
  saves = 0;
  constructor(public saved?: EquityMarks) {}
  load(): EquityMarks | undefined {
    return this.saved;
  }
  save(m: EquityMarks | undefined): void {
    this.saves++;
    this.saved = m;
  }
}

function engine(
  options: { risk?: RiskConfig; balances?: Record<string, number>; latch?: HaltLatchStore; marks?: EquityMarksStore; start?: number; checkBalances?: boolean; amendsInPlace?: boolean; keepClosed?: boolean } = {},
) {
  const clock = new SimulatedClock(options.start ?? 1_000);
  const bus = new MessageBus();
  const cache = new Cache(options.keepClosed === undefined ? {} : { keepClosed: options.keepClosed });
  const portfolio = new Portfolio('USDT');
  for (const [c, v] of Object.entries(options.balances ?? { USDT: 10_000 })) portfolio.setBalance(c, v);
  const risk = createTsRiskGate(options.risk ?? { defaults: {} });
  const execution = new ExecutionEngine({ bus, clock, cache, portfolio, risk, checkBalances: options.checkBalances ?? true, ...(options.latch ? { haltLatch: options.latch } : {}), ...(options.marks ? { equityMarks: options.marks } : {}) });
  const venue = new ScriptedVenue(options.amendsInPlace ?? true);
  execution.registerInstrument(inst);
  execution.registerClient(venue);
  cache.setLastPrice(inst.id, 50_000);
  portfolio.mark(inst.id, 50_000);
  const riskEvents: RiskEvent[] = [];
  bus.subscribe(Topics.allRiskEvents, (e) => riskEvents.push(e));
  return { clock, bus, cache, portfolio, risk, execution, venue, riskEvents };
}

const limitBuy = (qtyRaw: number, priceRaw: number) => ({ instrumentId: inst.id, side: 'BUY' as const, type: 'LIMIT' as const, quantityRaw: qtyRaw, priceRaw });

describe('balance check and locked funds', () => {
  it('denies a buy the account cannot pay for before it reaches the venue, naming need and free', () => {
    const { execution, venue, bus } = engine({ balances: { USDT: 1_000 } });
    const denied: string[] = [];
    bus.subscribe(Topics.orderDenied, (d) => denied.push(d.reason));
    const r = execution.submit('S', limitBuy(30, 4_000_000)); // 0.03 BTC at 40000 = 1200 USDT
    expect(r.ok).toBe(false);
    expect(r.ok === false && r.reason).toBe('INSUFFICIENT_BALANCE');
    expect(r.ok === false && r.message).toBe('INSUFFICIENT_BALANCE: need 1200 USDT, have 1000 USDT free');
    expect(r.order.status).toBe('DENIED');
    expect(venue.submitted).toHaveLength(0);
    expect(denied).toEqual(['INSUFFICIENT_BALANCE']);
  });

  it('denies a sell of more base than the account holds', () => {
    const { execution } = engine({ balances: { USDT: 0, BTC: 0.01 } });
    const r = execution.submit('S', { instrumentId: inst.id, side: 'SELL', type: 'MARKET', quantityRaw: 20 });
    expect(r.ok === false && r.message).toBe('INSUFFICIENT_BALANCE: need 0.02 BTC, have 0.01 BTC free');
  });

  it('prices a market buy at the reference price', () => {
    const { execution } = engine({ balances: { USDT: 1_000 } });
    const r = execution.submit('S', { instrumentId: inst.id, side: 'BUY', type: 'MARKET', quantityRaw: 21 });
    expect(r.ok === false && r.message).toBe('INSUFFICIENT_BALANCE: need 1050 USDT, have 1000 USDT free');
  });

  it('locks a working order\'s funds, so a second order cannot spend them, and frees them as it fills and ends', () => {
    const { execution, venue, portfolio } = engine({ balances: { USDT: 1_000 } });
    const first = execution.submit('S', limitBuy(20, 4_000_000)); // 800 USDT
    expect(first.ok).toBe(true);
    expect(portfolio.balance('USDT')?.lockedRaw).toBe(800 * 1e8);
    const second = execution.submit('S', limitBuy(10, 4_000_000)); // 400 > 200 free
    expect(second.ok === false && second.message).toBe('INSUFFICIENT_BALANCE: need 400 USDT, have 200 USDT free');
    venue.accept(first.order);
    venue.fill(first.order, 5, 4_000_000, 't1'); // 200 spent, 600 still locked
    expect(portfolio.balance('USDT')).toMatchObject({ totalRaw: 800 * 1e8, lockedRaw: 600 * 1e8 });
    venue.sink({ kind: 'CANCELED', clientOrderId: first.order.clientOrderId, ts: 4 });
    expect(portfolio.balance('USDT')?.lockedRaw).toBe(0);
    expect(execution.submit('S', limitBuy(10, 4_000_000)).ok).toBe(true);
  });

  it('keeps locks when the venue\'s totals replace the engine\'s (reconciliation)', () => {
    const { execution, portfolio } = engine({ balances: { USDT: 1_000 } });
    execution.submit('S', limitBuy(20, 4_000_000));
    portfolio.setBalance('USDT', 900);
    expect(portfolio.balance('USDT')?.lockedRaw).toBe(800 * 1e8);
    expect(portfolio.freeValue('USDT')).toBe(100);
  });

  it('checks and locks against the order\'s venue account only, when two venues have their own', () => {
    const { execution, venue, portfolio, cache } = engine({ balances: {} });
    const other = makeInstrument({ symbol: 'BTC/USDT', venue: 'Y', tickSize: '0.01', lotSize: '0.001' });
    const y = new ScriptedVenue(true, 'Y');
    execution.registerInstrument(other);
    execution.registerClient(y);
    cache.setLastPrice(other.id, 50_000);
    portfolio.setBalance('USDT', 1_000, { account: 'X' });
    portfolio.setBalance('USDT', 5_000, { account: 'Y' });
    // 2000 USDT: more than X holds, though the two accounts together hold 6000.
    const onX = execution.submit('S', limitBuy(50, 4_000_000));
    expect(onX.ok === false && onX.message).toBe('INSUFFICIENT_BALANCE: need 2000 USDT, have 1000 USDT free');
    const onY = execution.submit('S', { ...limitBuy(50, 4_000_000), instrumentId: other.id });
    expect(onY.ok).toBe(true);
    expect(y.submitted).toHaveLength(1);
    expect(venue.submitted).toHaveLength(0);
    expect(portfolio.balance('USDT', 'Y')?.lockedRaw).toBe(2_000 * 1e8);
    expect(portfolio.balance('USDT', 'X')?.lockedRaw).toBe(0);
    // X's free balance is untouched by Y's lock; the fill spends Y's cash only.
    expect(execution.submit('S', limitBuy(25, 4_000_000)).ok).toBe(true);
    y.accept(onY.order);
    y.fill(onY.order, 50, 4_000_000, 'ty');
    expect(portfolio.balanceValue('USDT', 'Y')).toBe(3_000);
    expect(portfolio.balanceValue('BTC', 'Y')).toBe(0.05);
    expect(portfolio.balanceValue('USDT', 'X')).toBe(1_000);
    expect(portfolio.balance('USDT', 'Y')?.lockedRaw).toBe(0);
  });

  it('checks an amend against the increase over the order\'s own lock', () => {
    const { execution, venue } = engine({ balances: { USDT: 1_000 } });
    const r = execution.submit('S', limitBuy(20, 4_000_000));
    venue.accept(r.order);
    expect(execution.modify(r.order.clientOrderId, { quantityRaw: 25 }).ok).toBe(true); // +200, 200 free
    const id = r.order.clientOrderId;
    venue.sink({ kind: 'UPDATED', clientOrderId: id, quantityRaw: 25, ts: 5 });
    const again = execution.modify(id, { quantityRaw: 26 });
    expect(again.ok === false && again.message).toBe('INSUFFICIENT_BALANCE: need 40 USDT, have 0 USDT free');
  });
});

describe('margin check on derivatives (linear, cross, one leverage per venue)', () => {
  const perp = makeInstrument({ symbol: 'BTC/USDT:USDT', venue: 'X', kind: 'perpetual', tickSize: '0.1', lotSize: '0.001' });
  const buy = (qtyRaw: number, pxRaw: number, over: { side?: 'BUY' | 'SELL'; reduceOnly?: boolean } = {}) => ({ instrumentId: perp.id, side: over.side ?? ('BUY' as const), type: 'LIMIT' as const, quantityRaw: qtyRaw, priceRaw: pxRaw, ...(over.reduceOnly ? { reduceOnly: true } : {}) });
  function futures() {
    const e = engine({ balances: { USDT: 10_000 } });
    e.execution.registerInstrument(perp);
    e.cache.setLastPrice(perp.id, 50_000);
    e.portfolio.mark(perp.id, 50_000);
    return e;
  }

  it('needs the whole notional at the default leverage of 1, and notional / leverage once the venue\'s is set', () => {
    const { execution, venue, portfolio } = futures();
    const r = execution.submit('S', buy(300, 500_000)); // 0.3 at 50 000 = 15 000 notional
    expect(r.ok === false && r.message).toBe('INSUFFICIENT_BALANCE: need 15000 USDT margin at 1x, have 10000 USDT available');
    expect(venue.submitted).toHaveLength(0);
    execution.setLeverage('X', 5);
    expect(execution.submit('S', buy(300, 500_000)).ok).toBe(true);
    expect(portfolio.balance('USDT')?.lockedRaw).toBe(3_000 * 1e8); // order margin shows as locked
    const second = execution.submit('S', buy(800, 500_000)); // 8 000 more, 7 000 left
    expect(second.ok === false && second.message).toBe('INSUFFICIENT_BALANCE: need 8000 USDT margin at 5x, have 7000 USDT available');
  });

  it('counts the open position\'s margin and unrealized PnL; reducing and reduce-only orders need nothing', () => {
    const { execution, venue, portfolio } = futures();
    execution.setLeverage('X', 5);
    const first = execution.submit('S', buy(300, 500_000));
    if (!first.ok) throw new Error(first.message);
    venue.accept(first.order);
    venue.fill(first.order, 300, 500_000, 't1');
    expect(portfolio.balance('USDT')?.lockedRaw).toBe(0);
    // Position 0.3 long: 3 000 margin, so 7 000 available; 0.8 more (8 000) is too much.
    expect(execution.submit('S', buy(800, 500_000)).ok).toBe(false);
    // Selling 0.5 flips to 0.2 short: only the 0.2 beyond the long needs margin (2 000).
    const flip = execution.submit('S', buy(500, 500_000, { side: 'SELL' }));
    expect(flip.ok).toBe(true);
    expect(portfolio.balance('USDT')?.lockedRaw).toBe(2_000 * 1e8);
    if (flip.ok) execution.cancel(flip.order.clientOrderId);
    venue.sink({ kind: 'CANCELED', clientOrderId: flip.ok ? flip.order.clientOrderId : '', ts: 4 });
    // The mark up to 60 000: PnL +3 000, margin 3 600 → 10 000 + 3 000 − 3 600 = 9 400 available.
    portfolio.mark(perp.id, 60_000);
    const big = execution.submit('S', buy(800, 600_000)); // 9 600
    expect(big.ok === false && big.message).toBe('INSUFFICIENT_BALANCE: need 9600 USDT margin at 5x, have 9400 USDT available');
    expect(execution.submit('S', buy(780, 600_000)).ok).toBe(true); // 9 360
    // Nothing left for growing, but a reduce-only sell always goes.
    expect(execution.submit('S', buy(100, 600_000, { side: 'SELL', reduceOnly: true })).ok).toBe(true);
  });

  it('re-locks a working order\'s margin at its amended price', () => {
    const { execution, venue, portfolio } = futures();
    execution.setLeverage('X', 10);
    const r = execution.submit('S', buy(100, 500_000)); // 5 000 notional, 500 margin
    if (!r.ok) throw new Error(r.message);
    venue.accept(r.order);
    expect(portfolio.balance('USDT')?.lockedRaw).toBe(500 * 1e8);
    expect(execution.modify(r.order.clientOrderId, { priceRaw: 400_000 }).ok).toBe(true);
    venue.sink({ kind: 'UPDATED', clientOrderId: r.order.clientOrderId, priceRaw: 400_000, ts: 5 });
    expect(portfolio.balance('USDT')?.lockedRaw).toBe(400 * 1e8);
  });

  it('refuses a leverage below 1', () => {
    const { execution } = futures();
    expect(() => execution.setLeverage('X', 0.5)).toThrow(/leverage of X must be a number ≥ 1/);
  });
});

describe('live halts from equity', () => {
  it('moves trading to REDUCING on the daily loss limit and to HALTED on drawdown, with the reason, and latches both', () => {
    const latch = new MemoryLatch();
    const { execution, portfolio, risk, riskEvents } = engine({ risk: { defaults: {}, dailyLossLimit: 500, drawdownHalt: 0.2 }, balances: { USDT: 0, BTC: 0.2 }, latch });
    expect(execution.updateEquity()).toBe(10_000); // 0.2 BTC at 50000
    portfolio.mark(inst.id, 47_000);
    expect(execution.updateEquity()).toBe(9_400);
    expect(risk.tradingState()).toBe('REDUCING');
    expect(riskEvents.at(-1)?.message).toMatch(/^RISK_LIMIT_BREACH: daily loss 600 >= 500 .*; trading REDUCING$/);
    expect(latch.saved?.state).toBe('REDUCING');
    portfolio.mark(inst.id, 39_000);
    execution.updateEquity();
    expect(risk.tradingState()).toBe('HALTED');
    expect(riskEvents.at(-1)).toMatchObject({ kind: 'CIRCUIT_BREAKER', state: 'HALTED' });
    expect(riskEvents.at(-1)?.message).toMatch(/^CIRCUIT_BREAKER: drawdown 22% >= 20%/);
    expect(latch.saved?.state).toBe('HALTED');
  });

  const limits: RiskConfig = { defaults: {}, dailyLossLimit: 5_000, drawdownHalt: 0.2 };
  const DAY = 86_400_000;

  it('keeps the drawdown peak across a restart: the next run halts on a drawdown from the peak before it', () => {
    const latch = new MemoryLatch();
    const marks = new MemoryMarks();
    const first = engine({ risk: limits, balances: { USDT: 0, BTC: 0.2 }, latch, marks, start: 10 * DAY });
    first.portfolio.mark(inst.id, 60_000);
    expect(first.execution.updateEquity()).toBe(12_000);
    expect(marks.saved).toEqual({ peak: 12_000, dayStart: 12_000, day: 10 });
    // A new peak moves the marks; they are compared at most once a second, so saved within one.
    first.portfolio.mark(inst.id, 62_500);
    first.execution.updateEquity();
    expect(marks.saved?.peak).toBe(12_000);
    first.clock.advanceTo(10 * DAY + 1_000);
    first.portfolio.mark(inst.id, 62_000);
    first.execution.updateEquity();
    expect(marks.saved).toEqual({ peak: 12_500, dayStart: 12_000, day: 10 });
    // Restart the next day at a lower price: 10 400 is 16.8% under the old peak (and above the halt).
    const second = engine({ risk: limits, balances: { USDT: 0, BTC: 0.2 }, latch, marks, start: 11 * DAY });
    expect(second.execution.restoredMarks).toEqual({ peak: 12_500, dayStart: 12_000, day: 10 });
    second.portfolio.mark(inst.id, 52_000);
    second.execution.updateEquity();
    expect(second.risk.tradingState()).toBe('ACTIVE');
    expect(marks.saved).toEqual({ peak: 12_500, dayStart: 10_400, day: 11 });
    second.portfolio.mark(inst.id, 49_000); // 9 800: 21.6% under 12 500 (only 5.8% under the equity at start)
    second.execution.updateEquity();
    expect(second.risk.tradingState()).toBe('HALTED');
    expect(second.riskEvents.at(-1)?.message).toBe('CIRCUIT_BREAKER: drawdown 21.6% >= 20% (peak 12500, equity 9800); trading HALTED');
    expect(latch.saved?.state).toBe('HALTED');
  });

  it('rebases the marks when a person resumes: the loss so far is accepted, the next mark does not trip again', () => {
    const latch = new MemoryLatch();
    const marks = new MemoryMarks({ peak: 12_500, dayStart: 12_000, day: 11 });
    const { execution, portfolio, risk, clock } = engine({ risk: limits, balances: { USDT: 0, BTC: 0.2 }, latch, marks, start: 11 * DAY });
    portfolio.mark(inst.id, 49_000);
    execution.updateEquity();
    expect(risk.tradingState()).toBe('HALTED');
    clock.advanceTo(11 * DAY + 60_000);
    execution.resumeTrading('operator');
    expect(marks.saved).toEqual({ peak: 9_800, dayStart: 9_800, day: 11 });
    portfolio.mark(inst.id, 48_000);
    execution.updateEquity();
    expect(risk.tradingState()).toBe('ACTIVE');
    // A lift from outside the process (`libra risk resume`) rebases the same way.
    portfolio.mark(inst.id, 39_000);
    execution.updateEquity();
    expect(risk.tradingState()).toBe('HALTED');
    latch.saved = undefined;
    expect(execution.refreshLatch()).toBe(true);
    expect(marks.saved).toEqual({ peak: 7_800, dayStart: 7_800, day: 11 });
    execution.updateEquity();
    expect(risk.tradingState()).toBe('ACTIVE');
  });

  it('saves nothing while the marks hold still, and nothing without an equity limit', () => {
    const marks = new MemoryMarks();
    const { execution, clock } = engine({ risk: limits, balances: { USDT: 0, BTC: 0.2 }, marks });
    for (let i = 1; i <= 5; i++) {
      clock.advanceTo(1_000 + i * 2_000);
      execution.updateEquity();
    }
    expect(marks.saves).toBe(1);
    const none = new MemoryMarks();
    const plain = engine({ balances: { USDT: 0, BTC: 0.2 }, marks: none });
    plain.clock.advanceTo(5_000);
    plain.execution.updateEquity();
    plain.execution.resumeTrading('operator');
    expect(none.saves).toBe(0);
  });

  it('counts holdings at the mark: the venue\'s base balance moves equity as the price moves', () => {
    const { execution, portfolio } = engine({ balances: { USDT: 1_000, BTC: 0.1 } });
    portfolio.mark(inst.id, 60_000);
    expect(execution.updateEquity()).toBe(7_000);
  });
});

describe('kill switch latch', () => {
  it('restores a latched HALTED when the engine is built, and a venue reconnect cannot lift it', () => {
    const latch = new MemoryLatch({ state: 'HALTED', reason: 'PANIC from the UI', ts: 5 });
    const { execution, risk } = engine({ latch });
    expect(risk.tradingState()).toBe('HALTED');
    execution.setTradingState('ACTIVE', 'BINANCE reconciled');
    expect(risk.tradingState()).toBe('HALTED');
    expect(execution.submit('S', limitBuy(1, 4_000_000)).ok).toBe(false);
    execution.resumeTrading('operator');
    expect(risk.tradingState()).toBe('ACTIVE');
    expect(latch.saved).toBeUndefined();
  });

  it('latches the kill switch and lets a lift from outside the process resume trading', () => {
    const latch = new MemoryLatch();
    const { execution, risk } = engine({ latch });
    execution.killSwitch({ flatten: false, reason: 'PANIC' });
    expect(latch.saved).toMatchObject({ state: 'HALTED', reason: 'PANIC' });
    expect(execution.refreshLatch()).toBe(false);
    latch.saved = undefined; // `libra risk resume` removed the file
    expect(execution.refreshLatch()).toBe(true);
    expect(risk.tradingState()).toBe('ACTIVE');
  });

  it('stays HALTED once fenced (a cluster lease lapsed): no reconnect or resume lifts it, cancels still go', () => {
    const latch = new MemoryLatch();
    const { execution, risk } = engine({ latch });
    const placed = execution.submit('S', limitBuy(1, 4_000_000));
    expect(placed.ok).toBe(true);
    execution.fence('cluster execution lease lost');
    expect(risk.tradingState()).toBe('HALTED');
    execution.setTradingState('ACTIVE', 'BINANCE reconciled');
    expect(risk.tradingState()).toBe('HALTED');
    execution.resumeTrading('operator');
    expect(risk.tradingState()).toBe('HALTED');
    expect(execution.submit('S', limitBuy(1, 4_000_000)).ok).toBe(false);
    if (placed.ok) expect(execution.cancel(placed.order.clientOrderId).ok).toBe(true);
    expect(latch.saved).toBeUndefined(); // not persisted: a restarted node trades again once it holds a lease
  });

  it('keeps a latched REDUCING through a venue disconnect and reconnect', () => {
    const latch = new MemoryLatch({ state: 'REDUCING', reason: 'daily loss', ts: 5 });
    const { execution, risk } = engine({ latch });
    execution.setTradingState('HALTED', 'X DISCONNECTED');
    execution.setTradingState('ACTIVE', 'X reconciled');
    expect(risk.tradingState()).toBe('REDUCING');
  });
});

describe('venue reports that race our requests', () => {
  it('applies an UPDATED that arrives after a partial fill of the order being amended, without throwing', () => {
    const { execution, venue, cache } = engine();
    const r = execution.submit('S', limitBuy(100, 4_000_000));
    venue.accept(r.order);
    execution.modify(r.order.clientOrderId, { priceRaw: 4_100_000 });
    venue.fill(r.order, 40, 4_000_000, 't1');
    expect(() => venue.sink({ kind: 'UPDATED', clientOrderId: r.order.clientOrderId, priceRaw: 4_100_000, ts: 6 })).not.toThrow();
    expect(cache.order(r.order.clientOrderId)).toMatchObject({ status: 'PARTIALLY_FILLED', filledRaw: 40, priceRaw: 4_100_000 });
  });

  it('drops an UPDATED for an order the fill already completed', () => {
    const { execution, venue, cache } = engine();
    const r = execution.submit('S', limitBuy(100, 4_000_000));
    venue.accept(r.order);
    execution.modify(r.order.clientOrderId, { priceRaw: 4_100_000 });
    venue.fill(r.order, 100, 4_000_000, 't1');
    expect(() => venue.sink({ kind: 'UPDATED', clientOrderId: r.order.clientOrderId, priceRaw: 4_100_000, ts: 6 })).not.toThrow();
    expect(cache.order(r.order.clientOrderId)?.status).toBe('FILLED');
  });

  it('cancels an order whose placement is unconfirmed: the late acceptance keeps the cancel pending, the venue\'s cancel ends it', () => {
    const { execution, venue, cache } = engine();
    const r = execution.submit('S', limitBuy(10, 4_000_000));
    expect(execution.cancel(r.order.clientOrderId).ok).toBe(true);
    expect(venue.cancelled).toHaveLength(1);
    venue.accept(r.order);
    expect(cache.order(r.order.clientOrderId)).toMatchObject({ status: 'PENDING_CANCEL', venueOrderId: `V-${r.order.clientOrderId}` });
    venue.sink({ kind: 'CANCELED', clientOrderId: r.order.clientOrderId, ts: 7 });
    expect(cache.order(r.order.clientOrderId)?.status).toBe('CANCELED');
  });

  it('ends a cancel of an order the venue never placed as REJECTED, releasing its lock', () => {
    const { execution, venue, cache, portfolio } = engine();
    const r = execution.submit('S', limitBuy(10, 4_000_000));
    execution.cancel(r.order.clientOrderId);
    venue.sink({ kind: 'REJECTED', clientOrderId: r.order.clientOrderId, reason: 'NOT_PLACED', ts: 7 });
    expect(cache.order(r.order.clientOrderId)?.status).toBe('REJECTED');
    expect(portfolio.balance('USDT')?.lockedRaw).toBe(0);
  });
});

describe('amend by cancel-replace (venues that cannot amend in place)', () => {
  it('cancels first, and only once the venue confirmed the cancel submits the rest with the new terms through the gate', () => {
    const { execution, venue, cache } = engine({ amendsInPlace: false });
    const r = execution.submit('S', limitBuy(100, 4_000_000));
    venue.accept(r.order);
    const m = execution.modify(r.order.clientOrderId, { priceRaw: 4_100_000 });
    expect(m.ok).toBe(true);
    expect(venue.modified).toHaveLength(0);
    expect(venue.cancelled.map((o) => o.clientOrderId)).toEqual([r.order.clientOrderId]);
    venue.fill(r.order, 30, 4_000_000, 't1'); // fills race the cancel
    expect(venue.submitted).toHaveLength(1); // nothing new while the old order may still work
    venue.sink({ kind: 'CANCELED', clientOrderId: r.order.clientOrderId, ts: 5 });
    expect(venue.submitted).toHaveLength(2);
    const replacement = venue.submitted[1];
    expect(replacement).toMatchObject({ quantityRaw: 70, priceRaw: 4_100_000, side: 'BUY', status: 'SUBMITTED', tags: [`replaces:${r.order.clientOrderId}`] });
    expect(cache.order(r.order.clientOrderId)).toMatchObject({ status: 'CANCELED', filledRaw: 30 });
  });

  it('submits no replacement when the order filled before the cancel, or the cancel was refused', () => {
    const { execution, venue } = engine({ amendsInPlace: false });
    const a = execution.submit('S', limitBuy(10, 4_000_000));
    venue.accept(a.order);
    execution.modify(a.order.clientOrderId, { priceRaw: 4_100_000 });
    venue.fill(a.order, 10, 4_000_000, 't1');
    const b = execution.submit('S', limitBuy(10, 4_000_000));
    venue.accept(b.order);
    execution.modify(b.order.clientOrderId, { priceRaw: 4_100_000 });
    venue.sink({ kind: 'CANCEL_REJECTED', clientOrderId: b.order.clientOrderId, reason: 'unknown order', ts: 5 });
    venue.sink({ kind: 'CANCELED', clientOrderId: b.order.clientOrderId, ts: 6 });
    expect(venue.submitted.map((o) => o.clientOrderId)).toEqual([a.order.clientOrderId, b.order.clientOrderId]);
  });
});

describe('a cache that forgets closed orders (backtests)', () => {
  it('keeps working orders, forgets filled and denied ones, and still applies a fill once', () => {
    const { cache, portfolio, execution, venue } = engine({ keepClosed: false, checkBalances: false });
    const r = execution.submit('S', limitBuy(2_000, 5_000_000));
    expect(r.ok).toBe(true);
    const o = venue.submitted[0] as Order;
    venue.accept(o);
    venue.fill(o, 1_000, 5_000_000, 't1');
    venue.fill(o, 1_000, 5_000_000, 't1'); // the same trade reported twice: applied once
    expect(cache.order(o.clientOrderId)?.status).toBe('PARTIALLY_FILLED');
    expect(portfolio.position('S', inst.id)?.netRaw).toBe(1_000);
    venue.fill(o, 1_000, 5_000_000, 't2');
    expect(portfolio.position('S', inst.id)?.netRaw).toBe(2_000);
    // Filled: gone from the cache and from the open orders; a late duplicate is dropped.
    expect(cache.order(o.clientOrderId)).toBeUndefined();
    expect(cache.openOrders()).toEqual([]);
    venue.fill(o, 1_000, 5_000_000, 't2');
    expect(portfolio.position('S', inst.id)?.netRaw).toBe(2_000);
    const denied = execution.submit('S', { ...limitBuy(0, 5_000_000) });
    expect(denied.ok).toBe(false);
    expect(cache.order(denied.order.clientOrderId)).toBeUndefined();
    expect(cache.allOrders()).toEqual([]);
  });

  it('keeps every order by default (the blotter of paper and live)', () => {
    const { cache, execution, venue } = engine({ checkBalances: false });
    execution.submit('S', limitBuy(1_000, 5_000_000));
    const o = venue.submitted[0] as Order;
    venue.accept(o);
    venue.fill(o, 1_000, 5_000_000, 't1');
    expect(cache.order(o.clientOrderId)?.status).toBe('FILLED');
  });
});
