/**
 * TradingNode: the engine's components wired together — bus, cache, portfolio, execution engine
 * (with its risk gate) and strategy host. Backtests, paper trading and live trading all build
 * one; they differ only in the clock and the venue clients the kernel plugs in.
 */
import type { Instrument } from '../../shared/domain/instrument';
import type { Fill, Order } from '../../shared/domain/order';
import { MessageBus } from './bus/message-bus';
import { Cache } from './cache/cache';
import type { Clock } from './clock/clock';
import type { ExecutionClient } from './execution/execution-client';
import { ExecutionEngine } from './execution/execution-engine';
import { Portfolio } from './portfolio/portfolio';
import type { RiskGate } from './risk/risk-gate';
import type { HaltLatchStore } from './risk/halt-latch';
import { StrategyHost } from './strategy/strategy-host';
import type { LogLevel } from './strategy/strategy';

export interface TradingNodeConfig {
  readonly clock: Clock;
  readonly risk: RiskGate;
  readonly accountCurrency: string;
  /** Initial balances by currency (paper and backtests). */
  readonly balances?: Readonly<Record<string, number>>;
  readonly idPrefix?: string;
  readonly takerFeeRate?: (instrumentId: string) => number;
  readonly onFillApplied?: (fill: Fill, order: Order) => void;
  readonly log?: (strategyId: string, level: LogLevel, message: string, ts: number) => void;
  readonly onBusError?: (error: unknown, topic: string) => void;
  /** Keeps a kill switch / operator halt latched across restarts (see engine/risk/halt-latch.ts). */
  readonly haltLatch?: HaltLatchStore;
  /** Deny orders the account cannot pay for and lock working orders' funds (paper, live). */
  readonly checkBalances?: boolean;
  /** Keep closed orders in the cache (default true); backtests forget them so memory stays flat. */
  readonly keepClosedOrders?: boolean;
}

export class TradingNode {
  readonly bus: MessageBus;
  readonly cache: Cache;
  readonly portfolio: Portfolio;
  readonly execution: ExecutionEngine;
  readonly strategies: StrategyHost;
  readonly clock: Clock;
  readonly risk: RiskGate;
  /** The taker fee rate strategies size with (and the order ticket estimates with). */
  readonly takerFeeRate: (instrumentId: string) => number;

  constructor(config: TradingNodeConfig) {
    this.clock = config.clock;
    this.takerFeeRate = config.takerFeeRate ?? (() => 0);
    this.risk = config.risk;
    this.cache = new Cache({ keepClosed: config.keepClosedOrders !== false });
    this.bus = new MessageBus(config.onBusError ? { onError: config.onBusError } : {});
    this.portfolio = new Portfolio(config.accountCurrency);
    for (const [currency, amount] of Object.entries(config.balances ?? {})) this.portfolio.setBalance(currency, amount);
    this.execution = new ExecutionEngine({
      bus: this.bus,
      clock: this.clock,
      cache: this.cache,
      portfolio: this.portfolio,
      risk: config.risk,
      ...(config.idPrefix !== undefined ? { idPrefix: config.idPrefix } : {}),
      ...(config.onFillApplied ? { onFillApplied: config.onFillApplied } : {}),
      ...(config.haltLatch ? { haltLatch: config.haltLatch } : {}),
      ...(config.checkBalances !== undefined ? { checkBalances: config.checkBalances } : {}),
    });
    this.strategies = new StrategyHost({
      bus: this.bus,
      clock: this.clock,
      cache: this.cache,
      portfolio: this.portfolio,
      execution: this.execution,
      takerFeeRate: this.takerFeeRate,
      ...(config.log ? { log: config.log } : {}),
    });
  }

  addInstrument(instrument: Instrument): void {
    this.execution.registerInstrument(instrument);
  }

  addVenue(client: ExecutionClient): void {
    this.execution.registerClient(client);
  }

  /**
   * Values the account and lets the risk gate see it: daily-loss and drawdown triggers may move
   * the trading state, and their events are published on the bus's priority lane.
   */
  updateEquity(ts: number): number {
    const equity = this.portfolio.equity();
    this.onEquity(equity, ts);
    return equity;
  }

  /** updateEquity's second half, for an equity already valued: the gate sees it, its events go out. */
  onEquity(equity: number, ts: number): void {
    const events = this.risk.onEquity(equity, ts);
    if (events.length > 0) this.execution.publishRisk(events);
  }

  /** Updates last price and mark for an instrument (before publishing its market data). */
  markPrice(instrumentId: string, price: number): void {
    this.cache.setLastPrice(instrumentId, price);
    this.portfolio.mark(instrumentId, price);
  }
}
