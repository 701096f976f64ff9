/**
 * Builders the kernel calls to assemble a live or paper engine around the CCXT adapter.
 *
 *   buildLiveCore(deps)              bus, clock, cache, portfolio, execution engine, strategy host
 *   attachCcxtVenue(core, venue)     markets → instruments, journal restore, CcxtExecutionClient
 *                                    (live) or SimulatedVenue (paper), venue status → trading state
 *
 * Wiring that matters for correctness:
 *  - every order event is journaled (fsync) from the engine's listener, which runs BEFORE the
 *    engine hands the order to the venue client: a kill after "submit" leaves a record;
 *  - a fill is journaled before the order snapshot that includes it;
 *  - the venue status drives the risk gate: anything but CONNECTED (after a successful
 *    reconciliation) holds trading HALTED; an operator HALT is never lifted by a reconnect.
 */
import type { Instrument } from '../../../shared/domain/instrument';
import type { Fill, Order } from '../../../shared/domain/order';
import { isOpen } from '../../../shared/domain/order';
import { MessageBus } from '../../engine/bus/message-bus';
import { Topics } from '../../engine/bus/topics';
import { Cache } from '../../engine/cache/cache';
import { LiveClock } from '../../engine/clock/clock';
import type { TimeSource } from '../../engine/clock/clock';
import { ExecutionEngine } from '../../engine/execution/execution-engine';
import type { ExecutionClient } from '../../engine/execution/execution-client';
import { Portfolio } from '../../engine/portfolio/portfolio';
import type { RiskGate } from '../../engine/risk/risk-gate';
import type { HaltLatchStore } from '../../engine/risk/halt-latch';
import type { EquityMarksStore } from '../../engine/risk/equity-marks';
import { StrategyHost } from '../../engine/strategy/strategy-host';
import type { LogLevel } from '../../engine/strategy/strategy';
import { SimulatedVenue } from '../simulated/simulated-venue';
import { installedHmacSigner } from '../../native/ccxt-signing';
import { binanceEncoderFromCcxt, binanceStreamParserFromCcxt } from '../binance/from-ccxt';
import type { CcxtBinanceShape } from '../binance/from-ccxt';
import { BinanceOrderPath } from '../binance/order-path';
import type { CcxtBinanceReader, OrderFastPath } from '../binance/order-path';
import type { CcxtLike } from './ccxt-types';
import { CcxtExecutionClient } from './ccxt-execution-client';
import type { AmendMode, VenueStatus } from './ccxt-execution-client';
import { OrderJournal } from './journal';
import { instrumentFromMarket } from './mapping';
import type { MarketLike } from './mapping';
import type { BackoffOptions, TokenBucket } from './rate-limiter';

export interface LiveCoreDeps {
  readonly time: TimeSource;
  readonly risk: RiskGate;
  readonly accountCurrency: string;
  /** Prefix of client order ids; the journal's run number is appended (unique across restarts). */
  readonly idPrefix?: string;
  /**
   * Run number from the journal (`OrderJournal.peekRun`): client order ids are `<prefix><run>-<n>`.
   * When absent, the run part is the start time in base 36, so a restart still never reuses an
   * id (a fixed `1` here would re-issue `L1-1` after every restart, colliding with the journal).
   */
  readonly run?: number;
  readonly log?: (strategyId: string, level: LogLevel, message: string, ts: number) => void;
  readonly takerFeeRate?: number;
  /** Where a kill switch / tripped limit is latched across restarts (run session: the data folder). */
  readonly haltLatch?: HaltLatchStore;
  /** Where the drawdown peak and the day's start equity are kept across restarts (all-live sessions). */
  readonly equityMarks?: EquityMarksStore;
  /** Check free balances before an order (default true). A cluster strategy node leaves it to the execution node, which holds the account. */
  readonly checkBalances?: boolean;
}

export interface LiveCore {
  readonly bus: MessageBus;
  readonly clock: LiveClock;
  readonly cache: Cache;
  readonly portfolio: Portfolio;
  readonly execution: ExecutionEngine;
  readonly host: StrategyHost;
  readonly risk: RiskGate;
}

export function buildLiveCore(deps: LiveCoreDeps): LiveCore {
  // Live delivery is asynchronous; a throwing subscriber is logged, never fatal for the others.
  const bus = new MessageBus({ onError: (error, topic) => deps.log?.('engine', 'error', `subscriber of ${topic} threw: ${String(error)}`, deps.time.now()) });
  const clock = new LiveClock(deps.time);
  const cache = new Cache();
  const portfolio = new Portfolio(deps.accountCurrency);
  const execution = new ExecutionEngine({
    bus,
    clock,
    cache,
    portfolio,
    risk: deps.risk,
    idPrefix: `${deps.idPrefix ?? 'L'}${deps.run ?? deps.time.now().toString(36)}-`,
    // Paper and live: the account must be able to pay for an order, and working orders lock funds.
    checkBalances: deps.checkBalances ?? true,
    ...(deps.haltLatch ? { haltLatch: deps.haltLatch } : {}),
    ...(deps.equityMarks ? { equityMarks: deps.equityMarks } : {}),
  });
  const host = new StrategyHost({
    bus,
    clock,
    cache,
    portfolio,
    execution,
    takerFeeRate: () => deps.takerFeeRate ?? 0.001,
    ...(deps.log ? { log: deps.log } : {}),
  });
  return { bus, clock, cache, portfolio, execution, host, risk: deps.risk };
}

export interface CcxtVenueSpec {
  /** Venue name used in instrument ids (`BINANCE`). */
  readonly venue: string;
  readonly exchange: CcxtLike & { markets?: Record<string, MarketLike> };
  /** ccxt unified symbols to trade. */
  readonly symbols: readonly string[];
  readonly mode: 'live' | 'paper';
  readonly limiter: TokenBucket;
  readonly random: () => number;
  /** Journal file (live mode; strongly recommended). */
  readonly journalPath?: string;
  readonly notFoundGraceMs?: number;
  readonly resolveDelayMs?: number;
  readonly backoff?: BackoffOptions;
  readonly waitStreamReady?: () => Promise<void>;
  /** A private stream silent (no events, no pongs) this long is a disconnect (see CcxtExecutionOptions). */
  readonly staleStreamMs?: number;
  /** Use the private WebSocket stream (default true); false = REST polling reconciliation. */
  readonly privateStreams?: boolean;
  readonly pollIntervalMs?: number;
  readonly onStatus?: (status: VenueStatus) => void;
  readonly log?: (line: string) => void;
  /**
   * Binance spot / USD-M: new orders, cancels and queries by client order id go through LIBRA's
   * request encoder on a keep-alive agent, signed by the signer `installNativeSigning` put on
   * the exchange (default true; without an installed signer ccxt sends everything).
   */
  readonly orderEncoder?: boolean;
  /**
   * Binance spot / USD-M: the private stream's order updates (`executionReport`,
   * `ORDER_TRADE_UPDATE`) are read by LIBRA's parser (../binance/user-data.ts) instead of ccxt's
   * generic one (default true); what it does not recognise stays with ccxt.
   */
  readonly userDataParser?: boolean;
  /**
   * Binance spot: market orders sized by quote amount go out as the venue's own `quoteOrderQty`
   * (default true); false = the engine converts them at the last price less its stated margin,
   * as for a venue without a quote-amount order.
   */
  readonly nativeQuoteOrders?: boolean;
  /**
   * Amends in one venue request (ccxt editOrder) where its semantics are known (default true,
   * see `nativeAmendMode`): Binance spot `order/cancelReplace` under the same client order id,
   * Binance USD-M / Bybit / OKX modify in place. false = the engine's cancel, then a new order.
   */
  readonly nativeAmend?: boolean;
  /**
   * Live mode on a cluster strategy node: orders go to the execution node through this client
   * instead of the venue (the journal is kept and restored the same way); `start` gets the
   * restored open orders, whose intents it sends again (the execution node dedupes them).
   */
  readonly remote?: RemoteVenueExecution;
  /** Paper mode: the simulated venue's fees (bps). */
  readonly paper?: { readonly makerFeeBps: number; readonly takerFeeBps: number; readonly slippageBps: number; readonly balances: Readonly<Record<string, number>> };
}

export interface RemoteVenueExecution extends ExecutionClient {
  /** `restoredFills`: what the journal already counted, so a redelivered fill is not counted again. */
  start(restoredOpen: readonly Order[], restoredFills: readonly Fill[]): Promise<void>;
  stop(): Promise<void>;
}

export interface AttachedVenue {
  readonly instruments: readonly Instrument[];
  readonly client: CcxtExecutionClient | SimulatedVenue | RemoteVenueExecution;
  readonly journal: OrderJournal | undefined;
  stop(): Promise<void>;
}

/** Loads markets, registers instruments, restores the journal, connects the venue client. */
export async function attachCcxtVenue(core: LiveCore, spec: CcxtVenueSpec): Promise<AttachedVenue> {
  const { execution, cache, portfolio, risk, bus, clock } = core;
  await spec.exchange.loadMarkets();
  const markets = spec.exchange.markets ?? {};
  const bindings = spec.symbols.map((symbol) => {
    const m = markets[symbol];
    if (!m) throw new Error(`${spec.venue}: unknown symbol ${symbol} (not in the venue's markets)`);
    return { instrument: instrumentFromMarket(m, spec.venue), symbol };
  });
  for (const b of bindings) execution.registerInstrument(b.instrument);
  const instruments = bindings.map((b) => b.instrument);

  // The venue's own account: its fills, locks and balances move only it (two venues, two accounts).
  portfolio.openAccount(spec.venue);
  if (spec.mode === 'paper') {
    for (const [c, v] of Object.entries(spec.paper?.balances ?? {})) portfolio.setBalance(c, v, { account: spec.venue });
    const venue = new SimulatedVenue(
      { venue: spec.venue, fillModel: 'trade', makerFeeBps: spec.paper?.makerFeeBps ?? 10, takerFeeBps: spec.paper?.takerFeeBps ?? 10, slippageBps: spec.paper?.slippageBps ?? 0, latencyMs: 0 },
      clock,
      bus,
      { free: (c) => portfolio.balanceValue(c, spec.venue), position: (id) => portfolio.netPosition(id) },
    );
    for (const i of instruments) venue.addInstrument(i);
    execution.registerClient(venue);
    return { instruments, client: venue, journal: undefined, stop: async () => venue.dispose() };
  }

  // ---- live: restore what the journal knows, then connect.
  const journal = spec.journalPath ? OrderJournal.open(spec.journalPath, clock.now()) : undefined;
  const restoredOrders: Order[] = [];
  const restoredFills: Fill[] = journal ? [...journal.state.fills] : [];
  if (journal) {
    const filledBy = new Map<string, number>();
    for (const f of restoredFills) {
      if (!cache.instrument(f.instrumentId)) continue;
      portfolio.applyFill(f);
      risk.onFill(f.strategyId, f.instrumentId, f.side, f.quantityRaw);
      filledBy.set(f.clientOrderId, (filledBy.get(f.clientOrderId) ?? 0) + f.quantityRaw);
    }
    for (const o of journal.state.orders.values()) {
      if (!cache.instrument(o.instrumentId)) continue;
      // The fill record is written before the order snapshot: trust the fills.
      const filled = filledBy.get(o.clientOrderId) ?? 0;
      const order: Order = filled > o.filledRaw ? { ...o, filledRaw: filled, status: filled >= o.quantityRaw ? 'FILLED' : o.status === 'SUBMITTED' || o.status === 'UNKNOWN' ? o.status : 'PARTIALLY_FILLED' } : o;
      cache.putOrder(order);
      if (isOpen(order.status)) {
        risk.onOrderOpened(order.clientOrderId, order.instrumentId);
        execution.lockRestored(order);
      }
      restoredOrders.push(order);
    }
  }
  if (journal) {
    execution.onOrderEvent((order, fill) => {
      if (fill) journal.recordFill(fill);
      journal.recordOrder(order);
    });
  }

  if (spec.remote) {
    const remote = spec.remote;
    execution.registerClient(remote);
    await remote.start(restoredOrders.filter((o) => isOpen(o.status)), restoredFills);
    spec.onStatus?.({ venue: spec.venue, kind: 'CONNECTED', ts: clock.now(), reason: 'orders through the cluster' });
    return {
      instruments,
      client: remote,
      journal,
      stop: async () => {
        await remote.stop();
        journal?.close();
      },
    };
  }

  let haltedByVenue = false;
  const amendMode = nativeAmendMode(spec.exchange, bindings.map((b) => b.instrument));
  const fastPath = spec.orderEncoder === false ? undefined : binanceFastPath(spec.exchange);
  if (fastPath) spec.log?.(`${spec.venue} orders: LIBRA's Binance request encoder (keep-alive HTTP); ccxt for everything else`);
  const streamParser = spec.userDataParser === false ? undefined : binanceStreamParserFromCcxt(spec.exchange as unknown as CcxtBinanceShape, spec.symbols, (l) => spec.log?.(`[${spec.venue}] ${l}`));
  const client = new CcxtExecutionClient({
    venue: spec.venue,
    exchange: spec.exchange,
    instruments: bindings,
    time: { now: () => clock.now(), schedule: (ms, fn) => clock.setTimer('ccxt', clock.now() + ms, () => fn()) },
    random: spec.random,
    limiter: spec.limiter,
    ...(spec.notFoundGraceMs !== undefined ? { notFoundGraceMs: spec.notFoundGraceMs } : {}),
    ...(spec.resolveDelayMs !== undefined ? { resolveDelayMs: spec.resolveDelayMs } : {}),
    ...(spec.backoff ? { backoff: spec.backoff } : {}),
    ...(spec.waitStreamReady ? { waitStreamReady: spec.waitStreamReady } : {}),
    ...(spec.staleStreamMs !== undefined ? { staleStreamMs: spec.staleStreamMs } : {}),
    ...(spec.privateStreams !== undefined ? { privateStreams: spec.privateStreams } : {}),
    ...(spec.pollIntervalMs !== undefined ? { pollIntervalMs: spec.pollIntervalMs } : {}),
    ...(spec.log ? { log: spec.log } : {}),
    restored: { orders: restoredOrders, fills: restoredFills },
    ...(fastPath ? { fastPath } : {}),
    ...(streamParser ? { streamParser } : {}),
    ...(spec.nativeQuoteOrders !== false && isBinanceSpot(spec.exchange, bindings.map((b) => b.instrument)) ? { quoteOrders: 'native' as const } : {}),
    ...(spec.nativeAmend !== false && amendMode !== undefined ? { amend: amendMode } : {}),
    adopt: (order) => {
      cache.putOrder(order);
      risk.onOrderOpened(order.clientOrderId, order.instrumentId);
      journal?.recordOrder(order);
      bus.publish(Topics.orderNew, order);
    },
    balances: {
      get: () => portfolio.accountTotals(spec.venue),
      set: (venue) => {
        for (const [c, v] of Object.entries(venue)) portfolio.setBalance(c, v, { account: spec.venue });
      },
    },
    onStatus: (s) => {
      if (s.kind === 'CONNECTED') {
        bus.publish(Topics.gatewayConnected, { venue: s.venue, ts: s.ts });
        if (haltedByVenue && risk.tradingState() === 'HALTED') execution.setTradingState('ACTIVE', `${s.venue} reconciled`);
        haltedByVenue = false;
      } else {
        if (s.kind === 'DISCONNECTED' || s.kind === 'HALTED') bus.publish(Topics.gatewayDisconnected, { venue: s.venue, ts: s.ts, ...(s.reason ? { reason: s.reason } : {}) });
        if (risk.tradingState() !== 'HALTED') {
          haltedByVenue = true;
          execution.setTradingState('HALTED', `${s.venue} ${s.kind}${s.reason ? `: ${s.reason}` : ''}`);
        }
        // A 418 ban stays halted until an operator resumes: the flag is dropped.
        if (s.kind === 'HALTED') haltedByVenue = false;
      }
      spec.onStatus?.(s);
    },
  });
  execution.registerClient(client);
  client.start();
  return {
    instruments,
    client,
    journal,
    stop: async () => {
      await client.stop();
      fastPath?.close();
      journal?.close();
    },
  };
}

/** Binance spot: market orders by quote amount (`quoteOrderQty`; USD-M has none). */
function isBinanceSpot(exchange: CcxtLike, instruments: readonly Instrument[]): boolean {
  return (exchange as unknown as { id?: string }).id === 'binance' && instruments.length > 0 && instruments.every((i) => i.kind === 'spot');
}

/**
 * How each ccxt venue's `editOrder` amends, where that is known (every instrument of the venue
 * of the kind listed). Binance spot: `order/cancelReplace` STOP_ON_FAILURE, a new venue order
 * id under the same client id ('replace'). Binance USD-M `PUT /fapi/v1/order`, Bybit v5
 * `order/amend`, OKX `trade/amend-order`: in place, same order id, the quantity being the new
 * total ('modify'). Binance's two are tested against the simulator; Bybit's and OKX's follow
 * their documentation. Any other venue, or a venue without `has.editOrder`: undefined, the
 * engine's cancel-replace.
 */
const AMEND_MODES: Readonly<Record<string, { readonly kinds: readonly Instrument['kind'][]; readonly mode: AmendMode }>> = {
  binance: { kinds: ['spot'], mode: 'replace' },
  binanceusdm: { kinds: ['perpetual'], mode: 'modify' },
  bybit: { kinds: ['spot', 'perpetual'], mode: 'modify' },
  okx: { kinds: ['spot', 'perpetual'], mode: 'modify' },
};

export function nativeAmendMode(exchange: CcxtLike, instruments: readonly Instrument[]): AmendMode | undefined {
  const known = AMEND_MODES[(exchange as unknown as { id?: string }).id ?? ''];
  if (known === undefined || exchange.has['editOrder'] !== true || instruments.length === 0) return undefined;
  return instruments.every((i) => known.kinds.includes(i.kind)) ? known.mode : undefined;
}

/** The encoder path for a Binance spot / USD-M exchange whose signing LIBRA installed. */
function binanceFastPath(exchange: CcxtLike): OrderFastPath | undefined {
  const signer = installedHmacSigner(exchange);
  if (!signer) return undefined;
  const encoder = binanceEncoderFromCcxt(exchange as unknown as CcxtBinanceShape, signer);
  return encoder ? new BinanceOrderPath(encoder, exchange as unknown as CcxtBinanceReader) : undefined;
}

/**
 * Feeds the risk gate the account's equity (venue balances and marks) on every fill and at most
 * every `minIntervalMs` on marks, once `enable()` is called (live: after the venues reconciled,
 * so the day's start equity is the venue's, not an empty account) and every instrument has a mark.
 */
export function startEquityFeed(core: LiveCore, options: { readonly minIntervalMs?: number } = {}): { enable(): void; stop(): void } {
  const min = options.minIntervalMs ?? 250;
  let enabled = false;
  let last = Number.NEGATIVE_INFINITY;
  const feed = (force: boolean): void => {
    // Not before every instrument has a mark: the day's start equity and the peak must value
    // all holdings, or a later mark would look like a gain and hide the day's loss.
    if (!enabled || !core.portfolio.allMarked()) return;
    const now = core.clock.now();
    if (!force && now - last < min) return;
    last = now;
    core.execution.updateEquity();
  };
  const offs = [core.bus.subscribe('data.trades.**', () => feed(false)), core.bus.subscribe(Topics.orderFilled, () => feed(true))];
  return {
    enable: () => {
      enabled = true;
      feed(true);
    },
    stop: () => {
      for (const off of offs) off();
    },
  };
}

/** The wall-clock TimeSource the kernel hands the live clock (adapters may use timers; the engine may not). */
export function systemTimeSource(): TimeSource {
  return {
    now: () => Date.now(),
    schedule: (delayMs, fn) => {
      const h = setTimeout(fn, Math.max(0, delayMs));
      return () => clearTimeout(h);
    },
  };
}
