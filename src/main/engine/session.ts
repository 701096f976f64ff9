/**
 * TradingSession: what a host (the Electron app, `libra serve`) projects into windows, whatever
 * runs underneath — the first-run paper replay, or a configured paper/live session of
 * `libra run` (CCXT venues). The engine defines it; the backtest and venue adapters implement it;
 * hosts only ever see this interface, so one projection serves every kind of session.
 *
 * Invariants: `node` is the session's one engine (every order, from a strategy or a window, goes
 * through its execution engine and risk gate); `history` returns only bars already published on
 * the bus (never the future); venue states are reported in the order they happen.
 */
import type { Instrument } from '../../shared/domain/instrument';
import type { Bar } from '../../shared/messages/market-data';
import type { MessageBus } from './bus/message-bus';
import type { Cache } from './cache/cache';
import type { Clock } from './clock/clock';
import type { ExecutionEngine } from './execution/execution-engine';
import type { Portfolio } from './portfolio/portfolio';
import type { RiskGate } from './risk/risk-gate';
import type { StrategyHost } from './strategy/strategy-host';

/** The engine components of a session (a TradingNode, or a live core). */
export interface SessionNode {
  readonly bus: MessageBus;
  readonly cache: Cache;
  readonly portfolio: Portfolio;
  readonly execution: ExecutionEngine;
  readonly strategies: StrategyHost;
  readonly clock: Clock;
  readonly risk: RiskGate;
  /** The taker fee rate of an instrument, where the session knows it (the ticket's fee estimate). */
  readonly takerFeeRate?: (instrumentId: string) => number;
}

/**
 * A venue's connection as a trader reads it: CONNECTING (first dial), RECONCILING (orders,
 * fills and balances being matched with the venue; trading held), CONNECTED, RECONNECTING
 * (socket lost, backing off; trading held), HALTED (the venue banned us or an operator must act).
 */
export type VenueConnectionState = 'CONNECTING' | 'RECONCILING' | 'CONNECTED' | 'RECONNECTING' | 'HALTED';

export interface SessionVenueState {
  readonly venue: string;
  /** replay: the simulated venue of the first-run replay; paper: live data, simulated fills; live: real orders. */
  readonly mode: 'replay' | 'paper' | 'live';
  readonly state: VenueConnectionState;
  readonly reason: string | null;
  readonly ts: number;
}

export interface TradingSession {
  /** 'replay': the first-run paper replay; 'run': a session config (paper and/or live venues). */
  readonly kind: 'replay' | 'run';
  /** What the window's title bar names (the config file's name, or "paper replay"). */
  readonly label: string;
  readonly node: SessionNode;
  /** The first instrument (the default of `history()` and the strategies panel). */
  readonly instrument: Instrument;
  readonly instruments: readonly Instrument[];
  /** The timeframe of the session's own bars (charts may resample coarser ones). */
  readonly timeframe: string;
  has(instrumentId: string): boolean;
  history(instrumentId?: string): readonly Bar[];
  historyBefore(before: number, limit: number, instrumentId?: string): readonly Bar[];
  /** Replay pace (bars per second); a live session has none (0) and refuses setSpeed. */
  readonly currentSpeed: number;
  readonly isRunning: boolean;
  setSpeed(barsPerSecond: number): void;
  /** Per venue connection state, in config order. */
  venueStates(): readonly SessionVenueState[];
  /** Calls `listener` on every venue state change; returns the unsubscribe function. */
  onVenueState(listener: (state: SessionVenueState) => void): () => void;
  /** Whether market data is being recorded into the store (on by default in paper and live sessions). */
  readonly recording: boolean;
  /** Last price and mark from live trades (a replay marks from its bars instead). */
  readonly marksFromTrades: boolean;
  /** Strategies the session itself started (its config's), for the strategies panel to show and stop. */
  configuredStrategies?(): readonly ConfiguredStrategy[];
}

export interface ConfiguredStrategy {
  readonly id: string;
  readonly strategy: string;
  readonly params: Readonly<Record<string, string | number | boolean>>;
  /** The first instrument it trades (the panel shows one per strategy). */
  readonly instrumentId: string;
  readonly timeframe: string;
  readonly startedAt: number;
}
