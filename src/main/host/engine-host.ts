/**
 * EngineHost: serves the IPC contract from a TradingSession — the first-run paper replay or a
 * configured paper/live session (`libra serve --config`, the app's Open session…): its engine,
 * one watchlist row and chart series per instrument, one badge per venue — for any
 * transport — Electron ipcMain (host/ipc) and the `libra serve` WebSocket (host/ws) both only
 * move bytes and call `call(channel, payload)` / `connect(send)`.
 *
 * Invariants: every payload is parsed with its zod schema before the engine sees it; every
 * answer is a Result; raw fixed-point units are converted to decimals here; nothing secret
 * (keys, tokens, file paths) is part of any view. Price alerts live here, on the engine side,
 * so they fire with every window closed. Charts get the replay's own timeframe or coarser ones
 * resampled here from the released bars (chart-series.ts).
 */
import type { Instrument } from '../../shared/domain/instrument';
import { priceRaw, priceToNumber, qtyRaw, qtyToNumber } from '../../shared/domain/instrument';
import type { OrderIntent } from '../../shared/domain/order';
import type { Bar, TradeTick } from '../../shared/messages/market-data';
import { parseTimeframe } from '../../shared/messages/market-data';
import type { ServiceHandlers } from '../../shared/ipc/contract';
import { channelEntry } from '../../shared/ipc/contract';
import type { Result } from '../../shared/ipc/result';
import { err, HostErrorCodes, ok } from '../../shared/ipc/result';
import { ClusterViewSchema, describeZodError } from '../../shared/ipc/schemas';
import type { OrderTicket } from '../../shared/ipc/schemas';
import type { Delta, StateMessage } from '../../shared/ipc/state-stream';
import type {
  AccountView,
  AlertView,
  BookView,
  ClusterView,
  DenialView,
  FillView,
  HistoryPage,
  PositionView,
  QuoteView,
  ReplayView,
  RiskEventView,
  Snapshot,
  InstrumentView,
} from '../../shared/ipc/views';
import { Topics } from '../engine/bus/topics';
import { Kernel } from '../kernel';
import type { TradingSession } from '../kernel';
import { AlertBook } from './alerts';
import { BacktestService, describeStrategy } from './backtest-service';
import type { BacktestServiceOptions } from './backtest-service';
import { OptimizeService } from './optimize-service';
import { AgentsService } from './agents-service';
import type { AgentDesk } from '../kernel';
import type { VenueKeyBook } from '../kernel';
import { createIndicator } from '../engine/indicators';
import { ChartSeries, offeredTimeframes } from './chart-series';
import { StrategyService } from './strategy-service';
import type { ClientStreamOptions, Scheduler } from './client-stream';
import { ClientStream } from './client-stream';
import { balanceView, bookView, fillView, instrumentView, orderView, positionView } from './projection';

const DAY_MS = 86_400_000;
/** Levels a side the order book ladder shows. */
const BOOK_DEPTH = 20;
/** Coarser chart timeframes offered when the replay's timeframe divides them (see canResample). */
export const DEFAULT_CHART_TIMEFRAMES: readonly string[] = ['12h', '1d'];
/** Coarser chart timeframes of a live session (its own bars are 1-minute bars). */
export const LIVE_CHART_TIMEFRAMES: readonly string[] = ['5m', '15m', '1h', '4h'];

/** The gate's messages may start with their own code; the code travels separately. */
export function stripCode(code: string, message: string): string {
  return message.startsWith(`${code}: `) ? message.slice(code.length + 2) : message;
}
/** Orders placed from a window (order ticket) run under this strategy id. */
export const MANUAL_STRATEGY = 'manual';

export interface HostNotification {
  readonly kind: 'fill' | 'risk' | 'alert' | 'disconnect' | 'denial' | 'agent';
  readonly title: string;
  readonly body: string;
}

export interface EngineHostOptions {
  /** Indicator overlays computed on live bars (default sma:20, ema:50). */
  readonly indicators?: readonly string[];
  /** Coarser chart timeframes built from the replay's bars (default DEFAULT_CHART_TIMEFRAMES). */
  readonly chartTimeframes?: readonly string[];
  readonly scheduler?: Scheduler;
  readonly maxDenials?: number;
  readonly maxFills?: number;
  /** Alerts restored from disk and a sink to persist them (the host does no I/O itself). */
  readonly alerts?: readonly AlertView[];
  readonly saveAlerts?: (alerts: readonly AlertView[]) => void;
  /** Window manager hook (Electron); absent in browser mode. */
  readonly openChart?: (req: { instrumentId: string; timeframe: string; indicators?: readonly string[] }) => boolean;
  /** Window manager hook for the backtest chart (Electron); absent in browser mode. */
  readonly openBacktestChart?: (req: { runId: string; trade: number }) => boolean;
  /** Backtest panel: sample folder, cwd for relative paths, risk limits, the worker runs. */
  readonly backtests?: BacktestServiceOptions;
  /** Resolves relative strategy paths (default: the process's cwd). */
  readonly cwd?: string;
  /**
   * The kernel whose use cases the Backtest and Strategies panels call (strategy loading, data
   * checks, the backtest worker pool); default: a kernel with default settings.
   */
  readonly kernel?: Kernel;
  /** The session's LLM agents (approvals panel); absent when it runs none. */
  readonly agents?: AgentDesk | undefined;
  /** Where the "Venue keys…" dialog stores keys (kernel.keys.book); absent: it cannot. */
  readonly keys?: VenueKeyBook | undefined;
  /** The session's cluster block (Cluster panel); absent when the session is not a cluster node. */
  readonly cluster?: { readonly redis: string; readonly prefix: string; readonly node: string } | undefined;
}

const seriesKey = (instrumentId: string, timeframe: string): string => `${instrumentId}|${timeframe}`;

export interface ConnectedClient {
  resync(): void;
  close(): void;
  readonly stream: ClientStream;
}

export class EngineHost<S extends TradingSession = TradingSession> {
  readonly handlers: ServiceHandlers;
  private readonly node: TradingSession['node'];
  private readonly instruments: readonly Instrument[];
  private readonly timeframe: string;
  /** Chart timeframes served: the replay's own first. */
  private readonly timeframes: readonly string[];
  private readonly clients = new Set<ClientStream>();
  private readonly notifyListeners = new Set<(n: HostNotification) => void>();
  private readonly alertBook: AlertBook;
  /** Overlay specs computed on every series' live bars (the defaults plus any a chart asked for). */
  private readonly indicatorSpecs: string[] = [];
  /**
   * What a new chart starts with (the session's defaults). Kept apart from `indicatorSpecs`: a
   * chart that asks for RSI must not hand RSI to every chart opened after it.
   */
  private readonly defaultIndicators: readonly string[];
  /** The latest order book per instrument: a window that connects (or resyncs) gets it after its snapshot. */
  private readonly books = new Map<string, BookView>();
  /** `${instrumentId}|${timeframe}` → its chart series. */
  private readonly series = new Map<string, ChartSeries>();
  private readonly denials: DenialView[] = [];
  private readonly riskEvents: RiskEventView[] = [];
  private readonly fills: FillView[] = [];
  private readonly quotes = new Map<string, QuoteView>();
  private readonly disposers: (() => void)[] = [];
  readonly backtests: BacktestService;
  readonly optimizations: OptimizeService;
  readonly strategies: StrategyService;
  private readonly kernel: Kernel;
  private readonly agents: AgentsService;

  constructor(
    readonly session: S,
    private readonly options: EngineHostOptions = {},
  ) {
    this.node = session.node;
    this.instruments = session.instruments;
    this.timeframe = session.timeframe;
    const baseMs = parseTimeframe(session.timeframe);
    this.timeframes = offeredTimeframes(baseMs, (options.chartTimeframes ?? (session.kind === 'replay' ? DEFAULT_CHART_TIMEFRAMES : LIVE_CHART_TIMEFRAMES)).map(parseTimeframe));
    this.alertBook = new AlertBook(options.alerts ?? []);
    const cwd = options.cwd ?? process.cwd();
    this.kernel = options.kernel ?? new Kernel();
    this.backtests = new BacktestService(this.kernel, { cwd, ...options.backtests });
    this.optimizations = new OptimizeService(this.kernel, this.backtests, { cwd: options.backtests?.cwd ?? cwd, ...(options.backtests?.risk ? { risk: options.backtests.risk } : {}) });
    this.strategies = new StrategyService(this.kernel, session, cwd);
    this.agents = new AgentsService(options.agents);
    this.agents.watch((p) => this.notify({ kind: 'agent', title: `Agent ${p.agent} proposes an order`, body: `${p.side} ${p.quantity} ${p.instrumentId} ${p.type}${p.price !== undefined ? ` @ ${p.price}` : ''}: approve or reject in the approvals panel` }));
    for (const inst of this.instruments) {
      const history = session.history(inst.id);
      for (const tf of this.timeframes) this.series.set(seriesKey(inst.id, tf), new ChartSeries(inst.id, parseTimeframe(tf), baseMs, history));
      const last = history.at(-1);
      if (last) this.quotes.set(inst.id, this.quoteFor(last));
    }
    this.defaultIndicators = [...(options.indicators ?? ['sma:20', 'ema:50'])];
    for (const spec of this.defaultIndicators) this.ensureIndicator(spec);
    this.handlers = this.makeHandlers();
    this.subscribe();
  }

  // ── transport-facing API ────────────────────────────────────────────────────────────────

  /** Parses the payload of `channel` with its schema and runs its handler. Never throws. */
  async call(channel: string, payload: unknown): Promise<Result<unknown>> {
    const entry = channelEntry(channel);
    if (!entry) return err(HostErrorCodes.unknownChannel, `unknown channel ${channel}`);
    const parsed = entry.request.safeParse(payload ?? {});
    if (!parsed.success) return err(HostErrorCodes.invalidArgument, describeZodError(parsed.error));
    const service = this.handlers[entry.service] as unknown as Record<string, (req: unknown) => Result<unknown> | Promise<Result<unknown>>>;
    const handler = service[entry.method];
    if (!handler) return err(HostErrorCodes.unknownChannel, `no handler for ${channel}`);
    try {
      return await handler(parsed.data);
    } catch (error) {
      return err(HostErrorCodes.internal, error instanceof Error ? error.message : String(error));
    }
  }

  /** Connects one client: sends a snapshot now, then coalesced batches. */
  connect(send: (msg: StateMessage) => void, options: Omit<ClientStreamOptions, 'send' | 'snapshot'> = {}): ConnectedClient {
    const stream = new ClientStream({
      send,
      snapshot: () => this.snapshot(),
      ...(this.options.scheduler ? { scheduler: this.options.scheduler } : {}),
      ...options,
    });
    this.clients.add(stream);
    const start = (): void => {
      stream.sendSnapshot();
      // A quiet book may not change for a while: send the last one rather than an empty ladder.
      for (const book of this.books.values()) stream.push({ t: 'book', book });
    };
    start();
    return {
      stream,
      resync: start,
      close: () => {
        stream.close();
        this.clients.delete(stream);
      },
    };
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Fills, risk breaches, disconnects and price alerts, for native notifications. */
  onDidNotify(listener: (n: HostNotification) => void): () => void {
    this.notifyListeners.add(listener);
    return () => this.notifyListeners.delete(listener);
  }

  snapshot(): Snapshot {
    return {
      session: { kind: this.session.kind, label: this.session.label, recording: this.session.recording },
      venues: [...this.session.venueStates()],
      instruments: this.instruments.map((i) => this.instrumentWithFee(i)),
      quotes: this.instruments.flatMap((i) => this.quotes.get(i.id) ?? []),
      orders: this.node.cache.allOrders().map((o) => orderView(o, this.node.cache.instrument(o.instrumentId))),
      fills: [...this.fills],
      positions: this.positions(),
      account: this.account(),
      risk: { tradingState: this.node.risk.tradingState(), denials: [...this.denials], events: [...this.riskEvents] },
      alerts: this.alertBook.all(),
      replay: this.replay(),
      indicators: [...this.defaultIndicators],
      timeframes: [...this.timeframes],
    };
  }

  dispose(): void {
    this.backtests.dispose();
    this.optimizations.dispose();
    this.strategies.dispose();
    this.agents.dispose();
    for (const d of this.disposers.splice(0)) d();
    for (const c of this.clients) c.close();
    this.clients.clear();
  }

  /** Pushes a delta to every client (exposed for the bench and tests). */
  broadcast(delta: Delta): void {
    for (const c of this.clients) c.push(delta);
  }

  // ── engine → views ─────────────────────────────────────────────────────────────────────

  private subscribe(): void {
    const { bus, cache } = this.node;
    const instOf = (id: string) => cache.instrument(id);
    for (const inst of this.instruments) this.disposers.push(bus.subscribe(Topics.bars(inst.id, this.timeframe), (bar) => this.onBar(bar)));
    if (this.session.marksFromTrades) {
      for (const inst of this.instruments) this.disposers.push(bus.subscribe(Topics.trades(inst.id), (t) => this.onTrade(t)));
    }
    // Order book and time & sales for the ladder and the tape (live venues publish them; a
    // bar replay has none, and the panels say so).
    for (const inst of this.instruments) {
      this.disposers.push(
        bus.subscribe(Topics.book(inst.id), (b) => {
          const book = bookView(b, BOOK_DEPTH);
          this.books.set(book.instrumentId, book);
          this.broadcast({ t: 'book', book });
        }),
        bus.subscribe(Topics.trades(inst.id), (t) => this.broadcast({ t: 'trade', trade: { instrumentId: t.instrumentId, tradeId: t.tradeId, ts: t.ts, price: t.price, size: t.size, side: t.side ?? null } })),
      );
    }
    // A venue's state moves the trading state (held HALTED while it reconnects, ACTIVE once it
    // has reconciled); the gate reports no event on the way back to ACTIVE, so send both.
    this.disposers.push(
      this.session.onVenueState((v) => {
        this.broadcast({ t: 'venue', venue: v });
        this.broadcast({ t: 'tradingState', tradingState: this.node.risk.tradingState() });
      }),
    );
    this.disposers.push(
      bus.subscribe(Topics.orderNew, (o) => this.broadcast({ t: 'order', order: orderView(o, instOf(o.instrumentId)) })),
      bus.subscribe(Topics.orderUpdated, (o) => this.broadcast({ t: 'order', order: orderView(o, instOf(o.instrumentId)) })),
      bus.subscribe(Topics.orderCancelled, (o) => this.broadcast({ t: 'order', order: orderView(o, instOf(o.instrumentId)) })),
      bus.subscribe(Topics.orderRejected, (o) => {
        this.broadcast({ t: 'order', order: orderView(o, instOf(o.instrumentId)) });
        this.notify({ kind: 'denial', title: `Order rejected: ${o.clientOrderId}`, body: o.reason ?? 'rejected by the venue' });
      }),
      bus.subscribe(Topics.orderFilled, ({ order, fill }) => {
        const inst = instOf(order.instrumentId);
        const view = fillView(fill, inst);
        this.fills.push(view);
        if (this.fills.length > (this.options.maxFills ?? 500)) this.fills.shift();
        this.broadcast({ t: 'order', order: orderView(order, inst) });
        this.broadcast({ t: 'fill', fill: view });
        this.broadcast({ t: 'account', account: this.account() });
        this.notify({ kind: 'fill', title: `Filled ${view.side} ${view.quantity} ${inst?.symbol ?? ''}`, body: `at ${view.price} (${order.clientOrderId})` });
      }),
      bus.subscribe(Topics.orderDenied, (d) => {
        const inst = instOf(d.intent.instrumentId);
        const denial: DenialView = {
          clientOrderId: d.clientOrderId,
          instrumentId: d.intent.instrumentId,
          side: d.intent.side,
          quantity: inst ? d.intent.quantityRaw / 10 ** inst.sizePrecision : d.intent.quantityRaw,
          reason: d.reason,
          message: stripCode(d.reason, d.message),
          ts: d.ts,
        };
        this.denials.unshift(denial);
        this.denials.length = Math.min(this.denials.length, this.options.maxDenials ?? 20);
        this.broadcast({ t: 'denial', denial });
        const order = cache.order(d.clientOrderId);
        if (order) this.broadcast({ t: 'order', order: orderView(order, inst) });
        this.notify({ kind: 'denial', title: `Order denied: ${d.reason}`, body: d.message });
      }),
      bus.subscribe(Topics.positionOpened, () => this.broadcastPositions()),
      bus.subscribe(Topics.positionUpdated, () => this.broadcastPositions()),
      bus.subscribe(Topics.positionClosed, () => this.broadcastPositions()),
      bus.subscribe(Topics.allRiskEvents, (e) => {
        const view: RiskEventView = { kind: e.kind, state: e.state, message: e.message, ts: e.ts };
        this.riskEvents.unshift(view);
        this.riskEvents.length = Math.min(this.riskEvents.length, 20);
        this.broadcast({ t: 'riskEvent', event: view });
        this.broadcast({ t: 'tradingState', tradingState: this.node.risk.tradingState() });
        this.notify({ kind: 'risk', title: `Risk: ${e.kind} → ${e.state}`, body: e.message });
      }),
      bus.subscribe(Topics.gatewayDisconnected, (g) => this.notify({ kind: 'disconnect', title: `Disconnected: ${g.venue}`, body: g.reason ?? '' })),
    );
  }

  private onBar(bar: Bar): void {
    for (const tf of this.timeframes) {
      const series = this.series.get(seriesKey(bar.instrumentId, tf));
      if (!series) continue;
      for (const view of series.push(bar)) this.broadcast({ t: 'bar', bar: view });
    }
    const quote = this.quoteFor(bar);
    this.quotes.set(bar.instrumentId, quote);
    this.broadcast({ t: 'quote', quote });
    this.broadcastPositions(true);
    this.broadcast({ t: 'account', account: this.account() });
    this.broadcast({ t: 'replay', replay: this.replay() });
    // Alerts see the replay's own bars, which are always closed (never a forming coarse bar).
    const fired = this.alertBook.check(bar.instrumentId, bar.high, bar.low, bar.ts);
    if (fired.length > 0) {
      this.options.saveAlerts?.(this.alertBook.all());
      for (const a of fired) {
        this.broadcast({ t: 'alert', alert: a });
        this.notify({ kind: 'alert', title: `Price alert: ${a.symbol} ${a.direction === 'above' ? '≥' : '≤'} ${a.price}`, body: `last ${bar.close}` });
      }
    }
  }

  /** A live session's trade: the watchlist's last price, marks and equity move with every print. */
  private onTrade(t: TradeTick): void {
    const prev = this.quotes.get(t.instrumentId);
    const reference = prev?.reference ?? this.session.historyBefore(t.ts - DAY_MS + 1, 1, t.instrumentId)[0]?.close ?? this.session.history(t.instrumentId)[0]?.open ?? t.price;
    const change = t.price - reference;
    const quote: QuoteView = {
      instrumentId: t.instrumentId,
      symbol: this.node.cache.instrument(t.instrumentId)?.symbol ?? t.instrumentId,
      last: t.price,
      reference,
      change,
      changePct: reference === 0 ? 0 : (change / reference) * 100,
      ts: t.ts,
    };
    this.quotes.set(t.instrumentId, quote);
    this.broadcast({ t: 'quote', quote });
    this.broadcastPositions(true);
    this.broadcast({ t: 'account', account: this.account() });
  }

  /** Last price and the change over 24 h (against the close of the bar that opened a day earlier, or the first bar). */
  private quoteFor(bar: Bar): QuoteView {
    const id = bar.instrumentId;
    const ref = this.session.historyBefore(bar.openTime - DAY_MS + 1, 1, id)[0] ?? this.session.history(id)[0];
    const reference = ref?.close ?? bar.open;
    const change = bar.close - reference;
    return {
      instrumentId: id,
      symbol: this.node.cache.instrument(id)?.symbol ?? id,
      last: bar.close,
      reference,
      change,
      changePct: reference === 0 ? 0 : (change / reference) * 100,
      ts: bar.ts,
    };
  }

  private positions(onlyOpen = false): PositionView[] {
    const { portfolio, cache } = this.node;
    const list = onlyOpen ? portfolio.openPositions() : portfolio.allPositions();
    return list.map((p) =>
      positionView(p, cache.instrument(p.instrumentId), portfolio.markPrice(p.instrumentId), portfolio.unrealized(p.strategyId, p.instrumentId)),
    );
  }

  private broadcastPositions(onlyOpen = false): void {
    for (const position of this.positions(onlyOpen)) this.broadcast({ t: 'position', position });
  }

  private account(): AccountView {
    const { portfolio } = this.node;
    return { balances: portfolio.allBalances().map(balanceView), equity: portfolio.equity(), currency: portfolio.accountCurrency };
  }

  private replay(): ReplayView {
    return { speed: this.session.currentSpeed, running: this.session.isRunning, timeframe: this.timeframe, simTime: this.node.clock.now() };
  }

  private notify(n: HostNotification): void {
    for (const l of this.notifyListeners) l(n);
  }

  /** Computes `spec` on every series from now on (throws on an unknown spec). */
  private ensureIndicator(spec: string): void {
    if (this.indicatorSpecs.includes(spec)) return;
    createIndicator(spec); // validates before any series changes
    for (const series of this.series.values()) series.ensureIndicator(spec);
    this.indicatorSpecs.push(spec);
  }

  // ── handlers ───────────────────────────────────────────────────────────────────────────

  private instrumentOr(id: string): Instrument | Result<never> {
    const inst = this.node.cache.instrument(id);
    return inst ?? err(HostErrorCodes.notFound, `unknown instrument ${id}`);
  }

  /** Converts a ticket to raw units; throws (→ INVALID_ARGUMENT) when a value is off the tick/lot grid. */
  private intentOf(t: OrderTicket, inst: Instrument): OrderIntent {
    if (t.quoteQuantity !== undefined) {
      // "Spend N quote": the venue sizes it at the fill (the ticket's quantity is its estimate).
      const quoteQuantityRaw = Math.floor(Number(t.quoteQuantity) * 10 ** inst.quotePrecision + 1e-6);
      if (!(quoteQuantityRaw > 0)) throw new RangeError(`quote amount ${t.quoteQuantity} is below the smallest ${inst.quote} unit`);
      return { instrumentId: inst.id, side: t.side, type: t.type, quantityRaw: 0, quoteQuantityRaw, reduceOnly: t.reduceOnly ?? false };
    }
    const qty = this.lotsOf(inst, t.quantity);
    const px = (v: string, what: string): number => this.ticksOf(inst, v, what);
    return {
      instrumentId: inst.id,
      side: t.side,
      type: t.type,
      quantityRaw: qty,
      ...(t.price !== undefined ? { priceRaw: px(t.price, 'price') } : {}),
      ...(t.triggerPrice !== undefined ? { triggerPriceRaw: px(t.triggerPrice, 'trigger price') } : {}),
      ...(t.timeInForce !== undefined ? { timeInForce: t.timeInForce } : {}),
      ...(t.expireTime !== undefined ? { expireTime: t.expireTime } : {}),
      postOnly: t.postOnly ?? false,
      reduceOnly: t.reduceOnly ?? false,
    };
  }

  private async clusterStatus(): Promise<Result<ClusterView>> {
    const c = this.options.cluster;
    if (!c) return ok({ enabled: false, self: null, prefix: null, nodes: [] });
    try {
      const now = Date.now();
      const nodes = (await this.kernel.clusterStatus(c.redis, c.prefix)).map((n) => ({
        node: n.node,
        roles: n.roles,
        state: n.state,
        lastBeatAgoMs: n.lastBeat === undefined ? null : Math.max(0, now - n.lastBeat),
        lagMs: n.lagMs ?? null,
        md: n.md,
      }));
      const checked = ClusterViewSchema.safeParse({ enabled: true, self: c.node, prefix: c.prefix, nodes });
      if (!checked.success) return err(HostErrorCodes.internal, `cluster status from Redis rejected: ${describeZodError(checked.error)}`);
      return ok(checked.data);
    } catch (e) {
      return err(HostErrorCodes.disconnected, e instanceof Error ? e.message : String(e));
    }
  }

  private instrumentWithFee(i: Instrument): InstrumentView {
    const rate = this.node.takerFeeRate?.(i.id);
    return rate === undefined || !Number.isFinite(rate) ? instrumentView(i) : { ...instrumentView(i), takerFeeBps: Math.round(rate * 1e6) / 100 };
  }

  /** A decimal quantity typed by a person as raw units; throws (RangeError) when it is off the lot. */
  private lotsOf(inst: Instrument, quantity: string): number {
    const qty = qtyRaw(inst, quantity);
    if (Math.abs(qtyToNumber(inst, qty) - Number(quantity)) > 1e-12 * Math.max(1, Number(quantity)) || qty % inst.lotRaw !== 0) {
      throw new RangeError(`quantity ${quantity} is not a multiple of the lot size ${qtyToNumber(inst, inst.lotRaw)} ${inst.base}`);
    }
    return qty;
  }

  /** A decimal price as raw units; throws (RangeError) when it is off the tick. */
  private ticksOf(inst: Instrument, v: string, what: string): number {
    const raw = priceRaw(inst, v);
    if (raw % inst.tickRaw !== 0) throw new RangeError(`${what} ${v} is not a multiple of the tick size ${priceToNumber(inst, inst.tickRaw)}`);
    return raw;
  }

  /** Amends a working order of this session through the gate (`ExecutionEngine.modify`). */
  private amend(a: { clientOrderId: string; quantity?: string | undefined; price?: string | undefined; triggerPrice?: string | undefined }): Result<{ clientOrderId: string; status: string }> {
    const order = this.node.cache.order(a.clientOrderId);
    if (!order) return err(HostErrorCodes.notFound, `no order ${a.clientOrderId} in this session`);
    const inst = this.instrumentOr(order.instrumentId);
    if ('ok' in inst) return inst;
    const change: { quantityRaw?: number; priceRaw?: number; triggerPriceRaw?: number } = {};
    try {
      if (a.quantity !== undefined) change.quantityRaw = this.lotsOf(inst, a.quantity);
      if (a.price !== undefined) {
        if (order.priceRaw === undefined) throw new RangeError(`${order.type} order ${a.clientOrderId} has no limit price to amend`);
        change.priceRaw = this.ticksOf(inst, a.price, 'price');
      }
      if (a.triggerPrice !== undefined) {
        if (order.triggerPriceRaw === undefined) throw new RangeError(`${order.type} order ${a.clientOrderId} has no trigger price to amend`);
        change.triggerPriceRaw = this.ticksOf(inst, a.triggerPrice, 'trigger price');
      }
    } catch (error) {
      return err(HostErrorCodes.invalidArgument, error instanceof Error ? error.message : String(error));
    }
    if (change.quantityRaw !== undefined && change.quantityRaw <= order.filledRaw) {
      return err(HostErrorCodes.invalidArgument, `quantity ${a.quantity ?? ''} is not above the ${qtyToNumber(inst, order.filledRaw)} ${inst.base} already filled`);
    }
    const r = this.node.execution.modify(a.clientOrderId, change);
    if (r.ok) return ok({ clientOrderId: r.order.clientOrderId, status: r.order.status });
    return 'reason' in r ? err(r.reason, stripCode(r.reason, r.message)) : err(HostErrorCodes.rejected, r.message);
  }

  private history(req: { instrumentId: string; timeframe: string; before?: number | undefined; limit: number; indicators?: string[] | undefined }): Result<HistoryPage> {
    if (!this.instruments.some((i) => i.id === req.instrumentId)) {
      return err(HostErrorCodes.notFound, `no bars for ${req.instrumentId}: this session replays ${this.instruments.map((i) => i.symbol).join(', ')}`);
    }
    const series = this.series.get(seriesKey(req.instrumentId, req.timeframe));
    if (!series) return err(HostErrorCodes.notFound, `no ${req.timeframe} bars for ${req.instrumentId}: charts can show ${this.timeframes.join(', ')}`);
    const specs = req.indicators ?? [...this.defaultIndicators];
    try {
      for (const s of specs) this.ensureIndicator(s);
    } catch (error) {
      return err(HostErrorCodes.invalidArgument, error instanceof Error ? error.message : String(error));
    }
    const page = series.page(req.before ?? Number.MAX_SAFE_INTEGER, req.limit, specs);
    return ok({ instrumentId: req.instrumentId, timeframe: series.timeframe, bars: page.bars, hasMore: page.hasMore });
  }

  private makeHandlers(): ServiceHandlers {
    const { execution } = this.node;
    return {
      session: { snapshot: () => ok(this.snapshot()) },
      agents: {
        proposals: () => this.agents.proposals(),
        decide: ({ id, decision, note }) => this.agents.decide(id, decision, note),
        log: ({ last }) => this.agents.log(last),
      },
      orders: {
        submit: (t) => {
          const inst = this.instrumentOr(t.instrumentId);
          if ('ok' in inst) return inst;
          let intent: OrderIntent;
          try {
            intent = this.intentOf(t, inst);
          } catch (error) {
            return err(HostErrorCodes.invalidArgument, error instanceof Error ? error.message : String(error));
          }
          const r = execution.submit(MANUAL_STRATEGY, intent);
          if (!r.ok) return err(r.reason, stripCode(r.reason, r.message));
          return ok({ clientOrderId: r.order.clientOrderId, status: r.order.status });
        },
        cancel: ({ clientOrderId }) => {
          const r = execution.cancel(clientOrderId);
          return r.ok ? ok({ clientOrderId }) : err(HostErrorCodes.rejected, r.message ?? `cannot cancel ${clientOrderId}`);
        },
        amend: (a) => this.amend(a),
        cancelAll: () => ok({ cancelled: execution.cancelAll() }),
      },
      trading: {
        panic: ({ flatten }) => {
          const r = execution.killSwitch({ flatten: flatten ?? true, reason: 'PANIC from the UI' });
          this.broadcast({ t: 'tradingState', tradingState: this.node.risk.tradingState() });
          return ok({ cancelled: r.cancelled, flattening: r.flattening.filter((f) => f.ok).length });
        },
        pause: ({ paused }) => {
          // A pause is an operator halt (latched across restarts where the engine keeps a latch);
          // resuming is a person lifting it.
          if (paused) execution.haltTrading('trading paused from the UI');
          else execution.resumeTrading('trading resumed from the UI');
          const tradingState = this.node.risk.tradingState();
          this.broadcast({ t: 'tradingState', tradingState });
          return ok({ tradingState });
        },
      },
      chart: { history: (req) => this.history(req) },
      alerts: {
        set: ({ instrumentId, price }) => {
          const inst = this.instrumentOr(instrumentId);
          if ('ok' in inst) return inst;
          const alert = this.alertBook.set(inst.id, inst.symbol, price, this.node.cache.lastPrice(inst.id), this.node.clock.now());
          this.options.saveAlerts?.(this.alertBook.all());
          this.broadcast({ t: 'alert', alert });
          return ok(alert);
        },
        list: () => ok(this.alertBook.all()),
        remove: ({ id }) => {
          if (!this.alertBook.remove(id)) return err(HostErrorCodes.notFound, `no alert ${id}`);
          this.options.saveAlerts?.(this.alertBook.all());
          this.broadcast({ t: 'alertRemoved', id });
          return ok({ id });
        },
      },
      replay: {
        setSpeed: ({ speed }) => {
          if (this.session.kind !== 'replay') return err(HostErrorCodes.notSupported, 'a live session has no replay speed');
          this.session.setSpeed(speed);
          const replay = this.replay();
          this.broadcast({ t: 'replay', replay });
          return ok(replay);
        },
      },
      keys: {
        list: async () => {
          const book = this.options.keys;
          if (!book?.writable) return ok({ writable: false, reason: book?.reason ?? 'this host stores no keys', keys: [] });
          try {
            return ok({ writable: true, store: book.store, keys: await book.list() });
          } catch (error) {
            return err(HostErrorCodes.rejected, keyError(error));
          }
        },
        put: async (req) => {
          const book = this.options.keys;
          if (!book?.writable) return err(HostErrorCodes.notSupported, book?.reason ?? 'this host stores no keys');
          try {
            return ok(await book.put(req));
          } catch (error) {
            return err(HostErrorCodes.rejected, keyError(error));
          }
        },
      },
      windows: {
        openChart: (req) => {
          if (!this.options.openChart) return err(HostErrorCodes.notSupported, 'this host opens no windows (browser mode opens a tab)');
          return ok({ opened: this.options.openChart(req) });
        },
        openBacktestChart: (req) => {
          if (!this.options.openBacktestChart) return err(HostErrorCodes.notSupported, 'this host opens no windows (browser mode opens a tab)');
          return ok({ opened: this.options.openBacktestChart(req) });
        },
      },
      optimize: {
        start: (req) => this.optimizations.start(req),
        status: ({ id }) => this.optimizations.status(id),
        cancel: ({ id }) => this.optimizations.cancel(id),
      },
      cluster: { status: () => this.clusterStatus() },
      backtest: {
        catalog: () => ok(this.backtests.catalog()),
        start: (req) => this.backtests.start(req),
        status: ({ id, report }) => this.backtests.status(id, report ?? false),
        cancel: ({ id }) => this.backtests.cancel(id),
        list: () => ok(this.backtests.list()),
        chart: ({ id, trade, padBars }) => this.backtests.chart(id, trade, padBars),
        saved: () => ok(this.backtests.savedList()),
        openSaved: ({ id }) => this.backtests.openSaved(id),
        deleteSaved: ({ id }) => this.backtests.deleteSaved(id),
      },
      strategies: {
        describe: async ({ strategy }) => {
          const r = await describeStrategy(this.kernel, strategy, this.options.cwd ?? process.cwd());
          return r.ok ? ok({ name: r.value.name, params: r.value.params }) : r;
        },
        start: ({ strategy, params, instrumentId }) => this.strategies.start(strategy, params, instrumentId),
        stop: ({ id }) => this.strategies.stop(id),
        list: () => ok(this.strategies.list()),
      },
    };
  }
}

/** A key store's error as a window may see it: a SecretError names a field or a file; anything else is not echoed. */
function keyError(error: unknown): string {
  return error instanceof Error && error.name === 'SecretError' ? error.message : 'the key could not be stored (see the host log)';
}
