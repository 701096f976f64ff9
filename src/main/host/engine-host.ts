/**
 * EngineHost: serves the IPC contract from a paper-replay session (its TradingNode), for any
 * transport — Electron ipcMain (host/ipc) and the `libra serve` WebSocket (host/ws) both only
 * move bytes and call `call(channel, payload)` / `connect(send)`.
 *
 * Invariants: every payload is parsed with its zod schema before the engine sees it; every
 * answer is a Result; raw fixed-point units are converted to decimals here; nothing secret
 * (keys, tokens, file paths) is part of any view. Price alerts live here, on the engine side,
 * so they fire with every window closed.
 */
import type { Instrument } from '../../shared/domain/instrument';
import { priceRaw, priceToNumber, qtyRaw, qtyToNumber } from '../../shared/domain/instrument';
import type { OrderIntent } from '../../shared/domain/order';
import type { Bar } from '../../shared/messages/market-data';
import type { ServiceHandlers } from '../../shared/ipc/contract';
import { channelEntry } from '../../shared/ipc/contract';
import type { Result } from '../../shared/ipc/result';
import { err, HostErrorCodes, ok } from '../../shared/ipc/result';
import { describeZodError } from '../../shared/ipc/schemas';
import type { OrderTicket } from '../../shared/ipc/schemas';
import type { Delta, StateMessage } from '../../shared/ipc/state-stream';
import type {
  AccountView,
  AlertView,
  BarView,
  DenialView,
  FillView,
  HistoryPage,
  PositionView,
  QuoteView,
  ReplayView,
  RiskEventView,
  Snapshot,
} from '../../shared/ipc/views';
import { Topics } from '../engine/bus/topics';
import type { IndicatorHandle } from '../engine/indicators';
import { createIndicator } from '../engine/indicators';
import { Kernel } from '../kernel';
import type { PaperReplaySession } from '../kernel';
import { AlertBook } from './alerts';
import { BacktestService, describeStrategy } from './backtest-service';
import type { BacktestServiceOptions } from './backtest-service';
import { StrategyService } from './strategy-service';
import type { ClientStreamOptions, Scheduler } from './client-stream';
import { ClientStream } from './client-stream';
import { balanceView, barView, fillView, instrumentView, orderView, positionView } from './projection';

const DAY_MS = 86_400_000;

/** The gate's messages may start with their own code; the code travels separately. */
export function stripCode(code: string, message: string): string {
  return message.startsWith(`${code}: `) ? message.slice(code.length + 2) : message;
}
/** Orders placed from a window (order ticket) run under this strategy id. */
export const MANUAL_STRATEGY = 'manual';

export interface HostNotification {
  readonly kind: 'fill' | 'risk' | 'alert' | 'disconnect' | 'denial';
  readonly title: string;
  readonly body: string;
}

export interface EngineHostOptions {
  /** Indicator overlays computed on live bars (default sma:20, ema:50). */
  readonly indicators?: readonly string[];
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
}

interface IndicatorSeries {
  readonly handle: IndicatorHandle;
  readonly values: (number | null)[];
}

export interface ConnectedClient {
  resync(): void;
  close(): void;
  readonly stream: ClientStream;
}

export class EngineHost {
  readonly handlers: ServiceHandlers;
  private readonly node: PaperReplaySession['node'];
  private readonly instrument: Instrument;
  private readonly timeframe: string;
  private readonly clients = new Set<ClientStream>();
  private readonly notifyListeners = new Set<(n: HostNotification) => void>();
  private readonly alertBook: AlertBook;
  private readonly indicators = new Map<string, IndicatorSeries>();
  /** Open times of released bars, aligned with indicator values. */
  private readonly times: number[] = [];
  private readonly denials: DenialView[] = [];
  private readonly riskEvents: RiskEventView[] = [];
  private readonly fills: FillView[] = [];
  private quote: QuoteView | null = null;
  private readonly disposers: (() => void)[] = [];
  readonly backtests: BacktestService;
  readonly strategies: StrategyService;
  private readonly kernel: Kernel;

  constructor(
    readonly session: PaperReplaySession,
    private readonly options: EngineHostOptions = {},
  ) {
    this.node = session.node;
    this.instrument = session.instrument;
    this.timeframe = session.timeframe;
    this.alertBook = new AlertBook(options.alerts ?? []);
    const cwd = options.cwd ?? process.cwd();
    this.kernel = options.kernel ?? new Kernel();
    this.backtests = new BacktestService(this.kernel, { cwd, ...options.backtests });
    this.strategies = new StrategyService(this.kernel, session, cwd);
    for (const bar of session.history()) this.times.push(bar.openTime);
    for (const spec of options.indicators ?? ['sma:20', 'ema:50']) this.ensureIndicator(spec);
    const last = session.history().at(-1);
    if (last) this.quote = this.quoteFor(last);
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
    stream.sendSnapshot();
    return {
      stream,
      resync: () => stream.sendSnapshot(),
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
    const inst = this.instrument;
    return {
      instruments: [instrumentView(inst)],
      quotes: this.quote ? [this.quote] : [],
      orders: this.node.cache.allOrders().map((o) => orderView(o, this.node.cache.instrument(o.instrumentId))),
      fills: [...this.fills],
      positions: this.positions(),
      account: this.account(),
      risk: { tradingState: this.node.risk.tradingState(), denials: [...this.denials], events: [...this.riskEvents] },
      alerts: this.alertBook.all(),
      replay: this.replay(),
      indicators: [...this.indicators.keys()],
    };
  }

  dispose(): void {
    this.backtests.dispose();
    this.strategies.dispose();
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
    this.disposers.push(
      bus.subscribe(Topics.bars(this.instrument.id, this.timeframe), (bar) => this.onBar(bar)),
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
    this.times.push(bar.openTime);
    const values: Record<string, number | null> = {};
    for (const [spec, s] of this.indicators) {
      s.handle.update(bar);
      const v = s.handle.values()[0] ?? null;
      s.values.push(v);
      values[spec] = v;
    }
    this.quote = this.quoteFor(bar);
    this.broadcast({ t: 'bar', bar: barView(bar, this.timeframe, values) });
    this.broadcast({ t: 'quote', quote: this.quote });
    this.broadcastPositions(true);
    this.broadcast({ t: 'account', account: this.account() });
    this.broadcast({ t: 'replay', replay: this.replay() });
    const fired = this.alertBook.check(bar.instrumentId, bar.high, bar.low, bar.ts);
    if (fired.length > 0) {
      this.options.saveAlerts?.(this.alertBook.all());
      for (const a of fired) {
        this.broadcast({ t: 'alert', alert: a });
        this.notify({ kind: 'alert', title: `Price alert: ${a.symbol} ${a.direction === 'above' ? '≥' : '≤'} ${a.price}`, body: `last ${bar.close}` });
      }
    }
  }

  private quoteFor(bar: Bar): QuoteView {
    const ref = this.session.historyBefore(bar.openTime - DAY_MS + 1, 1)[0] ?? this.session.history()[0];
    const reference = ref?.close ?? bar.open;
    const change = bar.close - reference;
    return {
      instrumentId: bar.instrumentId,
      symbol: this.instrument.symbol,
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

  private ensureIndicator(spec: string): IndicatorSeries {
    const existing = this.indicators.get(spec);
    if (existing) return existing;
    const handle = createIndicator(spec);
    const values: (number | null)[] = [];
    for (const bar of this.session.history()) {
      handle.update(bar);
      values.push(handle.values()[0] ?? null);
    }
    const s = { handle, values };
    this.indicators.set(spec, s);
    return s;
  }

  // ── handlers ───────────────────────────────────────────────────────────────────────────

  private instrumentOr(id: string): Instrument | Result<never> {
    const inst = this.node.cache.instrument(id);
    return inst ?? err(HostErrorCodes.notFound, `unknown instrument ${id}`);
  }

  /** Converts a ticket to raw units; throws (→ INVALID_ARGUMENT) when a value is off the tick/lot grid. */
  private intentOf(t: OrderTicket, inst: Instrument): OrderIntent {
    const qty = qtyRaw(inst, t.quantity);
    if (Math.abs(qtyToNumber(inst, qty) - Number(t.quantity)) > 1e-12 * Math.max(1, Number(t.quantity)) || qty % inst.lotRaw !== 0) {
      throw new RangeError(`quantity ${t.quantity} is not a multiple of the lot size ${qtyToNumber(inst, inst.lotRaw)} ${inst.base}`);
    }
    const px = (v: string, what: string): number => {
      const raw = priceRaw(inst, v);
      if (raw % inst.tickRaw !== 0) throw new RangeError(`${what} ${v} is not a multiple of the tick size ${priceToNumber(inst, inst.tickRaw)}`);
      return raw;
    };
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

  private history(req: { instrumentId: string; timeframe: string; before?: number | undefined; limit: number; indicators?: string[] | undefined }): Result<HistoryPage> {
    if (req.instrumentId !== this.instrument.id || req.timeframe !== this.timeframe) {
      return err(HostErrorCodes.notFound, `no ${req.timeframe} bars for ${req.instrumentId} (this session has ${this.instrument.id} ${this.timeframe})`);
    }
    const specs = req.indicators ?? [...this.indicators.keys()];
    let series: [string, IndicatorSeries][];
    try {
      series = specs.map((s) => [s, this.ensureIndicator(s)]);
    } catch (error) {
      return err(HostErrorCodes.invalidArgument, error instanceof Error ? error.message : String(error));
    }
    const before = req.before ?? Number.MAX_SAFE_INTEGER;
    const bars = this.session.historyBefore(before, req.limit);
    // Index of the first returned bar among released bars (indicator values are aligned to it).
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.times[mid] as number) < before) lo = mid + 1;
      else hi = mid;
    }
    const first = lo - bars.length;
    const views: BarView[] = bars.map((b, i) => {
      const values: Record<string, number | null> = {};
      for (const [spec, s] of series) values[spec] = s.values[first + i] ?? null;
      return barView(b, this.timeframe, values);
    });
    return ok({ instrumentId: req.instrumentId, timeframe: req.timeframe, bars: views, hasMore: first > 0 });
  }

  private makeHandlers(): ServiceHandlers {
    const { execution } = this.node;
    return {
      session: { snapshot: () => ok(this.snapshot()) },
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
        cancelAll: () => ok({ cancelled: execution.cancelAll() }),
      },
      trading: {
        panic: ({ flatten }) => {
          const r = execution.killSwitch({ flatten: flatten ?? true, reason: 'PANIC from the UI' });
          this.broadcast({ t: 'tradingState', tradingState: this.node.risk.tradingState() });
          return ok({ cancelled: r.cancelled, flattening: r.flattening.filter((f) => f.ok).length });
        },
        pause: ({ paused }) => {
          execution.setTradingState(paused ? 'HALTED' : 'ACTIVE', paused ? 'trading paused from the UI' : 'trading resumed from the UI');
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
          this.session.setSpeed(speed);
          const replay = this.replay();
          this.broadcast({ t: 'replay', replay });
          return ok(replay);
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
      backtest: {
        catalog: () => ok(this.backtests.catalog()),
        start: (req) => this.backtests.start(req),
        status: ({ id, report }) => this.backtests.status(id, report ?? false),
        cancel: ({ id }) => this.backtests.cancel(id),
        list: () => ok(this.backtests.list()),
        chart: ({ id, trade, padBars }) => this.backtests.chart(id, trade, padBars),
      },
      strategies: {
        describe: async ({ strategy }) => {
          const r = await describeStrategy(this.kernel, strategy, this.options.cwd ?? process.cwd());
          return r.ok ? ok({ name: r.value.name, params: r.value.params }) : r;
        },
        start: ({ strategy, params }) => this.strategies.start(strategy, params),
        stop: ({ id }) => this.strategies.stop(id),
        list: () => ok(this.strategies.list()),
      },
    };
  }
}

