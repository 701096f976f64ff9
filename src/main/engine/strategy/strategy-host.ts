/**
 * StrategyHost: runs strategies inside the engine. It builds each strategy's context, subscribes
 * it to the market data it asks for, updates its registered indicators before `onBar`, and routes
 * its own order events to `onOrder`/`onFill`. Strategies share one lifecycle: start → stop.
 */
import { floorToLot, qtyRaw, priceRaw, qtyToNumber } from '../../../shared/domain/instrument';
import type { Instrument, InstrumentId } from '../../../shared/domain/instrument';
import type { OrderIntent } from '../../../shared/domain/order';
import type { Bar, BookUpdate, QuoteTick, TradeTick } from '../../../shared/messages/market-data';
import type { MessageBus } from '../bus/message-bus';
import { Topics } from '../bus/topics';
import type { Cache } from '../cache/cache';
import type { Clock } from '../clock/clock';
import type { ExecutionEngine, SubmitResult } from '../execution/execution-engine';
import type { Portfolio } from '../portfolio/portfolio';
import { LiveIndicatorSeries } from './indicator-series';
import type { BarListener, LogLevel, StrategyContext, StrategyHooks } from './strategy';

export interface StrategySubscriptions {
  readonly bars?: readonly { instrumentId: InstrumentId; timeframe: string }[];
  readonly trades?: readonly InstrumentId[];
  readonly quotes?: readonly InstrumentId[];
  readonly books?: readonly InstrumentId[];
}

export interface StrategyHostDeps {
  readonly bus: MessageBus;
  readonly clock: Clock;
  readonly cache: Cache;
  readonly portfolio: Portfolio;
  readonly execution: ExecutionEngine;
  readonly takerFeeRate: (instrumentId: InstrumentId) => number;
  readonly log?: (strategyId: string, level: LogLevel, message: string, ts: number) => void;
}

interface Running {
  readonly id: string;
  readonly strategy: StrategyHooks;
  readonly unsubscribe: (() => void)[];
  readonly timers: (() => void)[];
  readonly listeners: Map<InstrumentId, BarListener[]>;
}

export class StrategyHost {
  private readonly running = new Map<string, Running>();

  constructor(private readonly deps: StrategyHostDeps) {
    deps.execution.onOrderEvent((order, fill) => {
      const r = this.running.get(order.strategyId);
      if (!r) return;
      if (fill) r.strategy.onFill?.(fill, order);
      r.strategy.onOrder?.(order);
    });
  }

  isRunning(id: string): boolean {
    return this.running.has(id);
  }

  ids(): string[] {
    return [...this.running.keys()];
  }

  start(id: string, strategy: StrategyHooks, subs: StrategySubscriptions): void {
    if (this.running.has(id)) throw new Error(`strategy ${id} is already running`);
    const { bus } = this.deps;
    const listeners = new Map<InstrumentId, BarListener[]>();
    const run: Running = { id, strategy, unsubscribe: [], timers: [], listeners };
    const ctx = this.makeContext(id, strategy, listeners, run);
    const withAttach = strategy as StrategyHooks & { attach?: (c: StrategyContext) => void };
    withAttach.attach?.(ctx);
    this.running.set(id, run);
    // An instrument's listener list, once made, stays the same array (register appends to it):
    // the last one found is remembered, so a bar of the same instrument needs no map lookup.
    let seenId: InstrumentId | undefined;
    let seen: BarListener[] | undefined;
    for (const s of subs.bars ?? []) {
      run.unsubscribe.push(
        bus.subscribe(Topics.bars(s.instrumentId, s.timeframe), (bar: Bar) => {
          const ls = bar.instrumentId === seenId ? seen : listeners.get(bar.instrumentId);
          if (ls !== undefined) {
            seenId = bar.instrumentId;
            seen = ls;
            for (let i = 0; i < ls.length; i++) (ls[i] as BarListener).update(bar);
          }
          strategy.onBar?.(bar);
        }),
      );
    }
    for (const i of subs.trades ?? []) run.unsubscribe.push(bus.subscribe(Topics.trades(i), (t: TradeTick) => strategy.onTrade?.(t)));
    for (const i of subs.quotes ?? []) run.unsubscribe.push(bus.subscribe(Topics.quotes(i), (q: QuoteTick) => strategy.onQuote?.(q)));
    for (const i of subs.books ?? []) run.unsubscribe.push(bus.subscribe(Topics.book(i), (b: BookUpdate) => strategy.onBook?.(b)));
    strategy.onStart?.(ctx);
  }

  /** What a running strategy registered (its indicators), per instrument, for the report's price chart. */
  registered(id: string, instrumentId: InstrumentId): readonly BarListener[] {
    return this.running.get(id)?.listeners.get(instrumentId) ?? [];
  }

  stop(id: string): void {
    const run = this.running.get(id);
    if (!run) return;
    for (const u of run.unsubscribe) u();
    for (const t of run.timers) t();
    run.strategy.onStop?.();
    this.running.delete(id);
  }

  stopAll(): void {
    for (const id of [...this.running.keys()]) this.stop(id);
  }

  private makeContext(id: string, strategy: StrategyHooks, listeners: Map<InstrumentId, BarListener[]>, run: Running): StrategyContext {
    const { cache, clock, execution, portfolio } = this.deps;
    const submit = (intent: OrderIntent): SubmitResult => execution.submit(id, intent);
    const inst = (instrumentId: InstrumentId): Instrument => cache.requireInstrument(instrumentId);
    const register = <T extends BarListener>(instrumentId: InstrumentId, listener: T): T => {
      const list = listeners.get(instrumentId) ?? [];
      list.push(listener);
      listeners.set(instrumentId, list);
      return listener;
    };
    return {
      strategyId: id,
      now: () => clock.now(),
      instrument: inst,
      instruments: () => cache.allInstruments(),
      submit,
      market: (instrumentId, side, quantity, options) =>
        submit({ instrumentId, side, type: 'MARKET', quantityRaw: floorToLot(inst(instrumentId), qtyRaw(inst(instrumentId), quantity)), reduceOnly: options?.reduceOnly }),
      spend: (instrumentId, quoteAmount) => {
        const i = inst(instrumentId);
        // +1e-6 of a raw unit: a balance read back as a decimal converts to its exact raw value.
        const quoteQuantityRaw = Number.isFinite(quoteAmount) ? Math.floor(quoteAmount * 10 ** i.quotePrecision + 1e-6) : Number.NaN;
        return submit({ instrumentId, side: 'BUY', type: 'MARKET', quantityRaw: 0, quoteQuantityRaw });
      },
      limit: (instrumentId, side, quantity, price, options) =>
        submit({
          instrumentId,
          side,
          type: 'LIMIT',
          quantityRaw: floorToLot(inst(instrumentId), qtyRaw(inst(instrumentId), quantity)),
          priceRaw: priceRaw(inst(instrumentId), price),
          postOnly: options?.postOnly,
          reduceOnly: options?.reduceOnly,
          timeInForce: options?.timeInForce,
        }),
      cancel: (clientOrderId) => execution.cancel(clientOrderId).ok,
      cancelAll: () => execution.cancelAll(id),
      openOrders: (instrumentId) => cache.openOrders({ strategyId: id, instrumentId }),
      position: (instrumentId) => portfolio.position(id, instrumentId),
      netQuantity: (instrumentId) => qtyToNumber(inst(instrumentId), portfolio.position(id, instrumentId)?.netRaw ?? 0),
      balance: (currency, venue) => portfolio.balanceValue(currency, venue),
      equity: () => portfolio.equity(),
      lastPrice: (instrumentId) => cache.lastPrice(instrumentId),
      takerFeeRate: (instrumentId) => this.deps.takerFeeRate(instrumentId),
      register,
      indicator: (instrumentId, spec) => {
        inst(instrumentId); // an unknown instrument is an error here, not a series never fed
        return register(instrumentId, new LiveIndicatorSeries(spec));
      },
      setTimer: (name, at) => {
        const cancel = clock.setTimer(name, at, (n, ts) => strategy.onTimer?.(n, ts));
        run.timers.push(cancel);
        return cancel;
      },
      setInterval: (name, intervalMs) => {
        const cancel = clock.setInterval(name, intervalMs, (n, ts) => strategy.onTimer?.(n, ts));
        run.timers.push(cancel);
        return cancel;
      },
      log: (level, message) => this.deps.log?.(id, level, message, clock.now()),
    };
  }
}
