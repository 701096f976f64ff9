/**
 * CcxtExecutionClient: the engine's `ExecutionClient` over a ccxt (ccxt.pro) exchange instance.
 *
 * Orders go over REST, each carrying the engine's client order id; the private stream
 * (`watchOrders` + `watchMyTrades`) delivers acceptances, fills and cancels as they happen.
 *
 * Invariants, in order of importance:
 *  1. An order request is sent AT MOST ONCE. ccxt's own retries are switched off
 *     (`maxRetriesOnFailure = 0`), and no code path here sends a placement twice.
 *  2. A request whose answer is lost (timeout, socket closed, 5xx, unparseable) is reported
 *     REPLY_LOST (order UNKNOWN) and resolved by asking the venue by client order id. "Does not
 *     exist" is only believed after `notFoundGraceMs` (≥ the venue's recvWindow: a request still
 *     in flight after that is refused by the venue itself), and then the order is REJECTED.
 *  3. A fill is reported once per `instrument|tradeId`, whichever channel (REST response,
 *     REST query, WebSocket) delivers it first; the engine dedupes again.
 *  4. A terminal state (canceled/expired) is reported only after every fill the venue counts
 *     for the order has been reported — otherwise a late fill would hit a closed order.
 *  5. HTTP 429: the shared bucket pauses for Retry-After; reads are retried, placements are
 *     reported REJECTED (the venue refused them before execution). HTTP 418: the venue is
 *     HALTED — nothing more is sent until `resume()`; the status callback lets the kernel hold
 *     the risk gate HALTED.
 *  6. After every (re)connect the private stream is subscribed first, then reconciliation runs;
 *     trading is held HALTED (status RECONCILING) until it succeeds.
 *
 * Time and randomness are injected (TimeSource, random) so the backoff is deterministic in tests.
 */
import { toRaw } from '../../../shared/domain/fixed';
import type { Instrument, InstrumentId } from '../../../shared/domain/instrument';
import type { Fill, Order, OrderSide } from '../../../shared/domain/order';
import { isTerminal } from '../../../shared/domain/order';
import type { TimeSource } from '../../engine/clock/clock';
import type { ExecutionClient, ExecutionReport, ExecutionReportSink } from '../../engine/execution/execution-client';
import type { OrderFastPath } from '../binance/order-path';
import type { CcxtLike, CcxtOrder, CcxtParams, CcxtProPrivate, OrderUpdate, StreamSink, TradeUpdate } from './ccxt-types';
import { hasPrivateStreams } from './ccxt-types';
import { classifyError } from './errors';
import type { ErrorClass } from './errors';
import { balanceTotals, clientIdOfOrder, clientIdOfTrade, filledRaw, isOrderExecution, toCreateOrderArgs, tradeToFill, venueState } from './mapping';
import { backoffDelay, DEFAULT_BACKOFF, sleep } from './rate-limiter';
import type { BackoffOptions, TokenBucket } from './rate-limiter';
import { reconcile } from './reconcile';
import type { ReconcileContext, ReconciliationReport } from './reconcile';

export type VenueStatusKind = 'CONNECTING' | 'RECONCILING' | 'CONNECTED' | 'DISCONNECTED' | 'HALTED';

export interface VenueStatus {
  readonly venue: string;
  readonly kind: VenueStatusKind;
  readonly ts: number;
  readonly reason?: string;
  readonly report?: ReconciliationReport;
}

export interface CcxtInstrumentBinding {
  readonly instrument: Instrument;
  /** ccxt unified symbol (`BTC/USDT`, `BTC/USDT:USDT`). */
  readonly symbol: string;
}

export interface CcxtExecutionOptions {
  /** Venue name as in instrument ids (`BINANCE`). */
  readonly venue: string;
  readonly exchange: CcxtLike;
  readonly instruments: readonly CcxtInstrumentBinding[];
  readonly time: TimeSource;
  readonly random: () => number;
  /** The venue+key bucket shared by every client using the same key. */
  readonly limiter: TokenBucket;
  /** createOrder param carrying the client order id (default: ccxt's unified `clientOrderId`). */
  readonly clientOrderIdParam?: string;
  /** First query after a lost reply (ms, default 200). */
  readonly resolveDelayMs?: number;
  /** How long "order does not exist" may be a not-yet-indexed order (ms, default 15 000 ≥ Binance recvWindow 10 s). */
  readonly notFoundGraceMs?: number;
  readonly backoff?: BackoffOptions;
  /** Use ccxt.pro private streams when the exchange has them (default true). */
  readonly privateStreams?: boolean;
  /** Without private streams: reconcile every this many ms (default 2000). */
  readonly pollIntervalMs?: number;
  /** Resolves when the private stream subscription is acknowledged (default: a short settle delay). */
  readonly waitStreamReady?: () => Promise<void>;
  /**
   * A private stream that sends nothing — no events and no pongs — for this long is a disconnect
   * (reconnect, reconcile). ccxt pings every half of it and gives up after two missed pongs;
   * without it, ccxt's own keep-alive (Binance: ping every 3 minutes) decides. `libra run`: 10 000 ms.
   */
  readonly staleStreamMs?: number;
  readonly onStatus?: (status: VenueStatus) => void;
  /** Turns an order placed outside this engine into an engine order (kernel: cache + bus). */
  readonly adopt?: (order: Order) => void;
  /** Engine balances (decimal totals) and how to replace them by the venue's after reconciliation. */
  readonly balances?: { get(): Record<string, number>; set(venue: Record<string, number>): void };
  /** Fills already applied before this process started (journal), and their newest time. */
  readonly restored?: { readonly orders: readonly Order[]; readonly fills: readonly Fill[] };
  readonly log?: (line: string) => void;
  /**
   * A venue's own request encoder for placement, cancel and query by client order id (Binance):
   * same answers and errors as ccxt's; an order it cannot encode goes through ccxt.
   */
  readonly fastPath?: OrderFastPath;
  /**
   * 'native': the venue fills market orders sized by quote amount itself (Binance spot's
   * `quoteOrderQty`, ccxt's `cost`); the engine then leaves them unconverted.
   */
  readonly quoteOrders?: 'native';
  /**
   * How the venue amends a working order, when ccxt has `editOrder` for it. 'replace': one
   * request cancels the order and places its replacement under the same client order id, with
   * a new venue order id (Binance spot `order/cancelReplace`, STOP_ON_FAILURE: nothing is placed
   * when the cancel fails because the order filled). Undefined: the engine amends by
   * cancel-replace (two requests, each with the UNKNOWN-safety of a new order).
   * 'modify': the venue modifies the order in place, keeping its order id, the quantity being
   * the new total including what already filled (Binance USD-M `PUT /fapi/v1/order`, Bybit
   * `order/amend`, OKX `amend-order`).
   */
  readonly amend?: AmendMode;
  /**
   * A venue's own parser of the private stream's order updates (Binance: ../binance/user-data.ts):
   * installed on start with this client's stream handlers, it hands them what it reads before
   * ccxt parses it; what it does not recognise stays on ccxt's watchOrders / watchMyTrades,
   * which keep running (they hold the subscription and report a disconnect). Returns its undo.
   */
  readonly streamParser?: (sink: StreamSink) => () => void;
}

/** How a venue amends a working order in one request (see CcxtExecutionOptions.amend). */
export type AmendMode = 'replace' | 'modify';

/** An amend sent to the venue and not answered yet. */
interface PendingAmend {
  readonly quantityRaw: number;
  readonly priceRaw: number | undefined;
  /** The venue order it replaces. */
  readonly fromId: string;
  readonly sentAt: number;
}

type TrackState = 'INFLIGHT' | 'UNKNOWN' | 'OPEN' | 'DONE';

interface Tracked {
  readonly clientOrderId: string;
  readonly strategyId: string;
  readonly instrument: Instrument;
  readonly symbol: string;
  readonly side: OrderSide;
  /** A quote-amount order's quantity is the venue's, known once it answered (`sized`). */
  quantityRaw: number;
  readonly quote: boolean;
  sized: boolean;
  venueOrderId: string | undefined;
  state: TrackState;
  /** Time the placement was sent (for the not-found grace). */
  sentAt: number;
  reportedFilledRaw: number;
  /** Serialises venue updates of one order (REST and WS may answer concurrently). */
  chain: Promise<void>;
  resolving: boolean;
  /** A cancel/placement answer is outstanding. */
  pendingCancel: boolean;
  /** Cancel asked before the venue confirmed the placement: sent once the venue shows the order open. */
  cancelWanted: boolean;
  amend: PendingAmend | undefined;
  /**
   * Venue orders an amend replaced (their late fills still count; their CANCELED does not), and
   * the fills reported per venue order id from the first replacement on. Undefined until an
   * amend replaced the order (no allocation per order on the hot path).
   */
  replaced: Set<string> | undefined;
  filledBy: Map<string, number> | undefined;
}

const EXTERNAL_STRATEGY = 'EXTERNAL';

/**
 * Entries ccxt.pro keeps per private stream cache (`options.ordersLimit`, `options.tradesLimit`;
 * ccxt's default is 1 000). Its ArrayCacheBySymbolById pays O(entries) per update of a known
 * order (a scan of the whole cache, `Object.keys` on eviction) and `watchOrders` copies the whole
 * cache per delivery: ≈ 150 µs per order (NEW then EXPIRED) at 1 000 entries against ≈ 15 µs at
 * 100 on the loaded bench machine — the largest item of the order-update path. This client
 * reads only each delivery's new updates, so the cache must hold one delivery: a delivery that
 * fills it may have lost its oldest updates (ccxt drops them silently) and triggers a
 * reconciliation, which recovers every order and trade from the venue.
 */
export const STREAM_CACHE_ENTRIES = 100;

/** Caps ccxt.pro's private caches at `STREAM_CACHE_ENTRIES` (a smaller configured value stays); returns the caps. */
export function boundStreamCaches(exchange: object): { orders: number; trades: number } {
  const ex = exchange as { options?: Record<string, unknown> };
  const cap = (key: string): number => {
    const v = ex.options?.[key];
    const n = typeof v === 'number' && v > 0 ? Math.min(v, STREAM_CACHE_ENTRIES) : STREAM_CACHE_ENTRIES;
    if (ex.options !== undefined && ex.options !== null && typeof ex.options === 'object') ex.options[key] = n;
    return n;
  };
  return { orders: cap('ordersLimit'), trades: cap('tradesLimit') };
}

export class CcxtExecutionClient implements ExecutionClient {
  readonly venue: string;
  /** False: amends are cancel-replace, run by the engine (see ExecutionClient.amendsInPlace). */
  readonly amendsInPlace: boolean;
  readonly quoteOrders: 'native' | undefined;
  private sink: ExecutionReportSink = () => undefined;
  private readonly ex: CcxtLike;
  private readonly bySymbol = new Map<string, CcxtInstrumentBinding>();
  private readonly byInstrument = new Map<InstrumentId, CcxtInstrumentBinding>();
  private readonly orders = new Map<string, Tracked>();
  private readonly byVenueId = new Map<string, Tracked>();
  private readonly seenTrades = new Set<string>();
  /** Trades that arrived (WS) before we learned which order they belong to. */
  private readonly orphanTrades = new Map<string, TradeUpdate[]>();
  private lastFillTs = 0;
  private halted: string | undefined;
  private stopped = true;
  private streamTask: Promise<void> | undefined;
  private readonly o: Required<Pick<CcxtExecutionOptions, 'resolveDelayMs' | 'notFoundGraceMs' | 'backoff' | 'pollIntervalMs' | 'clientOrderIdParam'>>;
  private status: VenueStatusKind = 'DISCONNECTED';
  private reconciling: Promise<ReconciliationReport> | undefined;
  private readonly fillListeners: ((fill: Fill) => void)[] = [];
  /** Cancels the sleeps of the stream/poll loop so stop() returns at once (and leaks no timer). */
  private readonly sleepers = new Set<() => void>();
  private uninstallParser: (() => void) | undefined;

  constructor(private readonly opts: CcxtExecutionOptions) {
    this.venue = opts.venue;
    this.ex = opts.exchange;
    this.quoteOrders = opts.quoteOrders;
    this.amendsInPlace = opts.amend !== undefined && this.ex.has['editOrder'] === true && typeof this.ex.editOrder === 'function';
    // Invariant 1: ccxt must not retry anything on its own (fetch2's retry loop).
    this.ex.options['maxRetriesOnFailure'] = 0;
    this.ex.options['maxRetriesOnFailureDelay'] = 0;
    // A silent private stream is a dead one: ping often, give up after two missed pongs.
    if (opts.staleStreamMs !== undefined) {
      const ws = this.ex as unknown as { streaming?: Record<string, unknown> };
      ws.streaming = { ...(ws.streaming ?? {}), keepAlive: Math.max(50, Math.floor(opts.staleStreamMs / 2)), maxPingPongMisses: 2 };
    }
    for (const b of opts.instruments) {
      this.bySymbol.set(b.symbol, b);
      this.byInstrument.set(b.instrument.id, b);
    }
    this.o = {
      resolveDelayMs: opts.resolveDelayMs ?? 200,
      notFoundGraceMs: opts.notFoundGraceMs ?? 15_000,
      backoff: opts.backoff ?? DEFAULT_BACKOFF,
      pollIntervalMs: opts.pollIntervalMs ?? 2000,
      clientOrderIdParam: opts.clientOrderIdParam ?? 'clientOrderId',
    };
    for (const f of opts.restored?.fills ?? []) {
      this.seenTrades.add(`${f.instrumentId}|${f.tradeId}`);
      this.lastFillTs = Math.max(this.lastFillTs, f.ts);
    }
  }

  // ------------------------------------------------------------------ ExecutionClient

  connect(sink: ExecutionReportSink): void {
    this.sink = sink;
    // Orders restored from the journal that may still be working: track them; those whose
    // placement was never answered are UNKNOWN until the venue says (reconciliation asks).
    for (const order of this.opts.restored?.orders ?? []) {
      if (order.status === 'INITIALIZED' || order.status === 'DENIED') continue;
      const b = this.byInstrument.get(order.instrumentId);
      if (!b) continue;
      if (isTerminal(order.status)) {
        // A finished order stays known (DONE) so reconciliation does not mistake its trades,
        // still inside the look-back window, for an external order's.
        if (order.venueOrderId === undefined) continue;
        const done = this.track(order, b);
        done.state = 'DONE';
        done.venueOrderId = order.venueOrderId;
        this.byVenueId.set(order.venueOrderId, done);
        continue;
      }
      const t = this.track(order, b);
      // Restored from the journal: a quote-amount order's venue quantity is not known again
      // until the venue answers (reconciliation), unless it already filled some.
      t.sized = !t.quote || order.filledRaw > 0;
      t.venueOrderId = order.venueOrderId;
      if (order.venueOrderId) this.byVenueId.set(order.venueOrderId, t);
      t.reportedFilledRaw = order.filledRaw;
      t.sentAt = order.updatedAt;
      if (order.status === 'SUBMITTED') {
        t.state = 'UNKNOWN';
        this.report({ kind: 'REPLY_LOST', clientOrderId: order.clientOrderId, reason: 'engine restarted before the venue answered', ts: this.now() });
      } else if (order.status === 'UNKNOWN' || order.status === 'PENDING_CANCEL' || order.status === 'PENDING_UPDATE') {
        t.state = 'UNKNOWN';
        if (order.status !== 'UNKNOWN') this.report({ kind: 'REPLY_LOST', clientOrderId: order.clientOrderId, reason: 'engine restarted before the venue answered', ts: this.now() });
      } else t.state = 'OPEN';
    }
  }

  submit(order: Order): void {
    const b = this.byInstrument.get(order.instrumentId);
    if (!b) {
      this.report({ kind: 'REJECTED', clientOrderId: order.clientOrderId, reason: `NOT_CONFIGURED: ${order.instrumentId} is not configured on ${this.venue}`, ts: this.now() });
      return;
    }
    const t = this.track(order, b);
    void this.place(t, order).catch((e: unknown) => this.logError(`submit ${order.clientOrderId}`, e));
  }

  cancel(order: Order): void {
    const b = this.byInstrument.get(order.instrumentId);
    let t = this.orders.get(order.clientOrderId);
    if (!t && b) {
      t = this.track(order, b);
      t.state = 'OPEN';
      t.venueOrderId = order.venueOrderId;
    }
    if (!t) {
      this.report({ kind: 'CANCEL_REJECTED', clientOrderId: order.clientOrderId, reason: `NOT_CONFIGURED: ${order.instrumentId}`, ts: this.now() });
      return;
    }
    if (t.state === 'INFLIGHT' || t.state === 'UNKNOWN') {
      // The venue has not confirmed the placement: a cancel now could be answered "unknown
      // order" while the placement is still on its way, and the order would then be booked with
      // nobody cancelling it. Resolve it by client order id first (same grace as a lost reply);
      // the cancel goes out as soon as the venue shows it open.
      t.cancelWanted = true;
      if (t.state === 'UNKNOWN') this.scheduleResolve(t, 0);
      return;
    }
    void this.sendCancel(t).catch((e: unknown) => this.logError(`cancel ${order.clientOrderId}`, e));
  }

  modify(order: Order, change: { quantityRaw?: number; priceRaw?: number; triggerPriceRaw?: number }): void {
    const t = this.orders.get(order.clientOrderId);
    const refuse = (reason: string): void => this.report({ kind: 'UPDATE_REJECTED', clientOrderId: order.clientOrderId, reason, ts: this.now() });
    if (!this.amendsInPlace) return refuse('MODIFY_NOT_SUPPORTED: cancel and submit a new order');
    if (this.halted !== undefined) return refuse(`VENUE_HALTED: ${this.halted}`);
    if (!t || t.state !== 'OPEN' || t.venueOrderId === undefined || t.amend !== undefined || t.pendingCancel) {
      return refuse(`AMEND_NOT_POSSIBLE: order ${order.clientOrderId} is not working at ${this.venue} (or an amend or cancel is outstanding)`);
    }
    if (order.type !== 'LIMIT' || change.triggerPriceRaw !== undefined) return refuse(`MODIFY_NOT_SUPPORTED: ${this.venue} amends LIMIT orders' price and quantity only`);
    const quantityRaw = change.quantityRaw ?? order.quantityRaw;
    if (quantityRaw <= t.reportedFilledRaw) return refuse(`AMEND_BELOW_FILLED: ${quantityRaw} is not above the ${t.reportedFilledRaw} already filled; cancel instead`);
    void this.sendAmend(t, order, quantityRaw, change.priceRaw ?? order.priceRaw).catch((e: unknown) => this.logError(`amend ${order.clientOrderId}`, e));
  }

  // ------------------------------------------------------------------ lifecycle

  /** Starts the private stream (or polling) and the first reconciliation. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.uninstallParser ??= this.opts.streamParser?.({ order: (o) => this.onStreamOrder(o), trade: (t) => this.onStreamTrade(t) });
    this.streamTask = this.runStreams();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const wake of this.sleepers) wake();
    this.sleepers.clear();
    await closeQuietly(this.ex);
    await this.streamTask?.catch(() => undefined);
    this.uninstallParser?.();
    this.uninstallParser = undefined;
  }

  /** Venue status (CONNECTED only after a successful reconciliation). */
  get currentStatus(): VenueStatusKind {
    return this.status;
  }

  get haltReason(): string | undefined {
    return this.halted;
  }

  /** Lifts a 418 halt (operator action after the ban expired). */
  resume(): void {
    this.halted = undefined;
    this.setStatus('DISCONNECTED', 'halt lifted; reconnecting');
    if (!this.stopped && this.streamTask === undefined) this.streamTask = this.runStreams();
  }

  onFill(listener: (fill: Fill) => void): void {
    this.fillListeners.push(listener);
  }

  /** Runs one reconciliation now (also used by polling and tests). */
  reconcileNow(): Promise<ReconciliationReport> {
    if (!this.reconciling) {
      this.reconciling = reconcile(this.reconcileContext()).finally(() => {
        this.reconciling = undefined;
      });
    }
    return this.reconciling;
  }

  // ------------------------------------------------------------------ placement

  private async place(t: Tracked, order: Order): Promise<void> {
    if (this.halted !== undefined) {
      t.state = 'DONE';
      this.report({ kind: 'REJECTED', clientOrderId: t.clientOrderId, reason: `VENUE_HALTED: ${this.halted}`, ts: this.now() });
      return;
    }
    await this.opts.limiter.take(1);
    if (this.halted !== undefined) {
      t.state = 'DONE';
      this.report({ kind: 'REJECTED', clientOrderId: t.clientOrderId, reason: `VENUE_HALTED: ${this.halted}`, ts: this.now() });
      return;
    }
    t.sentAt = this.now();
    // The venue's own encoder first (the hot path: no ccxt arguments built); ccxt otherwise.
    let sent = this.opts.fastPath?.createOrder(order, t.instrument, t.symbol);
    if (sent === undefined) {
      let args;
      try {
        args = toCreateOrderArgs(order, t.instrument, t.symbol, this.o.clientOrderIdParam);
      } catch (e) {
        t.state = 'DONE';
        this.report({ kind: 'REJECTED', clientOrderId: t.clientOrderId, reason: `UNSUPPORTED: ${e instanceof Error ? e.message : String(e)}`, ts: this.now() });
        return;
      }
      sent = this.ex.createOrder(args.symbol, args.type, args.side, args.amount, args.price, args.params);
    }
    let answer: CcxtOrder;
    try {
      answer = await sent;
    } catch (error) {
      const cls = classifyError(error, this.now());
      switch (cls.kind) {
        case 'BANNED':
          this.halt(cls);
          t.state = 'DONE';
          this.report({ kind: 'REJECTED', clientOrderId: t.clientOrderId, reason: `VENUE_BANNED: ${cls.message}`, ts: this.now() });
          return;
        case 'RATE_LIMITED':
          this.opts.limiter.pauseFor(cls.retryAfterMs);
          t.state = 'DONE';
          this.report({ kind: 'REJECTED', clientOrderId: t.clientOrderId, reason: `RATE_LIMITED: ${cls.message}`, ts: this.now() });
          return;
        case 'REJECTED':
          t.state = 'DONE';
          this.report({ kind: 'REJECTED', clientOrderId: t.clientOrderId, reason: cls.message, ts: this.now() });
          return;
        case 'NOT_FOUND':
        case 'DUPLICATE':
        case 'LOST':
          this.replyLost(t, cls.message);
          return;
      }
    }
    await this.applyVenueOrder(t, answer);
  }

  private replyLost(t: Tracked, reason: string): void {
    if (t.state === 'INFLIGHT' || (t.pendingCancel && t.state !== 'DONE')) {
      this.report({ kind: 'REPLY_LOST', clientOrderId: t.clientOrderId, reason: `REPLY_LOST: ${reason}`, ts: this.now() });
      t.state = 'UNKNOWN';
    }
    // Otherwise the stream already told us the order's state (it can beat the REST error):
    // nothing is downgraded, but the venue is still asked, to confirm.
    t.pendingCancel = false;
    this.scheduleResolve(t, 0, true);
  }

  /** Asks the venue about an UNKNOWN order until it answers. Reads only; never resends. */
  private scheduleResolve(t: Tracked, attempt: number, force = false): void {
    if (t.resolving && !force) return;
    t.resolving = true;
    const delay = attempt === 0 ? this.o.resolveDelayMs : backoffDelay(attempt - 1, this.o.backoff, this.opts.random);
    void sleep(this.opts.time, delay)
      .then(() => this.resolveOnce(t, attempt))
      .catch((e: unknown) => this.logError(`resolve ${t.clientOrderId}`, e));
  }

  private async resolveOnce(t: Tracked, attempt: number): Promise<void> {
    if (t.state === 'DONE' || this.stopped) {
      t.resolving = false;
      return;
    }
    if (this.halted !== undefined) {
      // Banned: cannot ask now; reconciliation after resume() resolves it.
      t.resolving = false;
      return;
    }
    await this.opts.limiter.take(1);
    let found: CcxtOrder | 'NOT_FOUND';
    try {
      found = await this.queryByClientId(t.symbol, t.clientOrderId);
    } catch (error) {
      const cls = classifyError(error, this.now());
      t.resolving = false;
      if (cls.kind === 'BANNED') {
        this.halt(cls);
        return;
      }
      if (cls.kind === 'RATE_LIMITED') this.opts.limiter.pauseFor(cls.retryAfterMs);
      this.scheduleResolve(t, attempt + 1);
      return;
    }
    t.resolving = false;
    if (found === 'NOT_FOUND') {
      if (this.now() - t.sentAt < this.o.notFoundGraceMs) this.scheduleResolve(t, attempt + 1);
      else this.applyNotFound(t);
      return;
    }
    await this.applyVenueOrder(t, found);
  }

  private async queryByClientId(symbol: string, clientOrderId: string): Promise<CcxtOrder | 'NOT_FOUND'> {
    try {
      return await (this.opts.fastPath?.fetchByClientId(symbol, clientOrderId) ?? this.ex.fetchOrder('', symbol, { clientOrderId }));
    } catch (error) {
      const cls = classifyError(error, this.now());
      if (cls.kind === 'NOT_FOUND') return 'NOT_FOUND';
      throw error;
    }
  }

  private applyNotFound(t: Tracked): void {
    if (t.state === 'DONE') return;
    const accepted = t.venueOrderId !== undefined;
    t.state = 'DONE';
    if (accepted) {
      this.report({ kind: 'CANCELED', clientOrderId: t.clientOrderId, reason: `NOT_FOUND_AT_VENUE: ${this.venue} no longer knows order ${t.clientOrderId}`, ts: this.now() });
    } else {
      this.report({
        kind: 'REJECTED',
        clientOrderId: t.clientOrderId,
        reason: `NOT_PLACED: ${this.venue} has no order with client id ${t.clientOrderId} ${Math.round((this.now() - t.sentAt) / 1000)}s after it was sent`,
        ts: this.now(),
      });
    }
  }

  // ------------------------------------------------------------------ cancel

  private async sendCancel(t: Tracked): Promise<void> {
    if (t.state === 'DONE') return;
    if (this.halted !== undefined) {
      this.report({ kind: 'CANCEL_REJECTED', clientOrderId: t.clientOrderId, reason: `VENUE_HALTED: ${this.halted}`, ts: this.now() });
      return;
    }
    t.pendingCancel = true;
    await this.opts.limiter.take(1);
    let answer: unknown;
    try {
      answer = await (this.opts.fastPath?.cancelByClientId(t.symbol, t.clientOrderId) ?? this.ex.cancelOrder(t.venueOrderId ?? '', t.symbol, { clientOrderId: t.clientOrderId }));
    } catch (error) {
      const cls = classifyError(error, this.now());
      if (cls.kind === 'NOT_FOUND') {
        // Already filled or canceled (or never placed): the venue's view of the order decides.
        t.pendingCancel = false;
        const o = await this.queryByClientId(t.symbol, t.clientOrderId).catch(() => undefined);
        if (o === 'NOT_FOUND' && t.venueOrderId === undefined && this.now() - t.sentAt < this.o.notFoundGraceMs) {
          // Never confirmed and maybe still on its way: keep asking within the grace, cancel once seen.
          t.cancelWanted = true;
          this.scheduleResolve(t, 1);
        } else if (o === 'NOT_FOUND') this.applyNotFound(t);
        else if (o !== undefined) {
          await this.applyVenueOrder(t, o);
          if (venueState(o) === 'OPEN') this.report({ kind: 'CANCEL_REJECTED', clientOrderId: t.clientOrderId, reason: cls.message, ts: this.now() });
        } else this.replyLost(t, cls.message);
        return;
      }
      if (cls.kind === 'LOST' || cls.kind === 'DUPLICATE') {
        this.replyLost(t, cls.message);
        return;
      }
      if (cls.kind === 'BANNED') this.halt(cls);
      if (cls.kind === 'RATE_LIMITED') this.opts.limiter.pauseFor(cls.retryAfterMs);
      t.pendingCancel = false;
      this.report({ kind: 'CANCEL_REJECTED', clientOrderId: t.clientOrderId, reason: cls.message, ts: this.now() });
      return;
    }
    t.pendingCancel = false;
    if (isCcxtOrder(answer)) await this.applyVenueOrder(t, answer);
  }

  // ------------------------------------------------------------------ amend

  /**
   * One editOrder request (Binance spot: cancel + new order under the same client order id, the
   * rest of the quantity at the new terms). Never throws into the engine: a fill that beat the
   * amend makes the venue refuse the cancel half (nothing placed) → UPDATE_REJECTED, and the
   * venue's view of the order (its fills) is read; a lost answer is resolved by client order
   * id, never resent.
   */
  private async sendAmend(t: Tracked, order: Order, quantityRaw: number, priceRaw: number | undefined): Promise<void> {
    const fromId = t.venueOrderId ?? '';
    t.amend = { quantityRaw, priceRaw, fromId, sentAt: this.now() };
    await this.opts.limiter.take(1);
    const inPlace = this.opts.amend === 'modify';
    // In place: the new total quantity (fills included), only the order's id as parameter.
    // Replace: a new order for the rest, under the same client order id.
    const args = toCreateOrderArgs({ ...order, quantityRaw: inPlace ? quantityRaw : quantityRaw - t.reportedFilledRaw, ...(priceRaw !== undefined ? { priceRaw } : {}) }, t.instrument, t.symbol, this.o.clientOrderIdParam);
    let answer: CcxtOrder;
    try {
      if (!this.ex.editOrder) throw new Error('editOrder missing');
      answer = await this.ex.editOrder(fromId, t.symbol, args.type, args.side, args.amount, args.price, inPlace ? {} : args.params);
    } catch (error) {
      const raw = error instanceof Error ? error.message : String(error);
      const cls = classifyError(error, this.now());
      if (inPlace && /"code":\s*-5027\b/.test(raw)) {
        // Binance USD-M: "No need to modify the order." (the terms are already these).
        this.endAmend(t, `AMEND_FAILED: ${this.venue}: ${cls.message}`);
        return;
      }
      if (/"code":\s*-202[12]\b/.test(raw)) {
        // Binance cancelReplace: -2022 the cancel failed (filled or gone), nothing placed;
        // -2021 the cancel went through, the replacement was refused. Either way the amend did
        // not happen; the venue's view of the order (filled, canceled) is read next.
        const canceled = /"cancelResult":\s*"SUCCESS"/.test(raw);
        this.endAmend(t, canceled ? `AMEND_FAILED: ${this.venue} canceled the order but refused its replacement` : `AMEND_FAILED: ${this.venue} could not cancel the order (filled or gone)`);
        this.scheduleResolve(t, 0, true);
        return;
      }
      if (cls.kind === 'LOST' || cls.kind === 'DUPLICATE') {
        this.log(`amend ${t.clientOrderId}: answer lost (${cls.message}); asking the venue`);
        this.scheduleAmendResolve(t, 0);
        return;
      }
      if (cls.kind === 'BANNED') this.halt(cls);
      if (cls.kind === 'RATE_LIMITED') this.opts.limiter.pauseFor(cls.retryAfterMs);
      this.endAmend(t, cls.message);
      if (cls.kind === 'NOT_FOUND') this.scheduleResolve(t, 0, true);
      return;
    }
    if (inPlace) {
      // Modified in place (same id). A new quantity at or below what filled meanwhile makes
      // the venue cancel the order instead (Binance USD-M): the amend did not happen.
      const state = venueState(answer);
      if (state === 'OPEN' || state === 'FILLED') this.modifiedInPlace(t);
      else this.endAmend(t, `AMEND_FAILED: ${this.venue} answered the amend with the order ${state}`);
      await this.applyVenueOrder(t, answer);
      return;
    }
    if (answer.id !== undefined && answer.id !== null && String(answer.id) !== fromId) this.replacedBy(t, String(answer.id));
    await this.applyVenueOrder(t, answer);
  }

  /** The venue modified the order in place: same venue id, the new terms. */
  private modifiedInPlace(t: Tracked): void {
    const a = t.amend;
    if (a === undefined) return;
    t.quantityRaw = a.quantityRaw;
    t.amend = undefined;
    this.report({ kind: 'UPDATED', clientOrderId: t.clientOrderId, quantityRaw: a.quantityRaw, ...(a.priceRaw !== undefined ? { priceRaw: a.priceRaw } : {}), ...(t.venueOrderId !== undefined ? { venueOrderId: t.venueOrderId } : {}), ts: this.now() });
  }

  /** Whether the venue's view of an order shows an in-place amend's terms. */
  private showsAmend(t: Tracked, a: PendingAmend, o: OrderUpdate): boolean {
    if (typeof o.amount !== 'number' || !Number.isFinite(o.amount)) return false;
    if (toRaw(o.amount, t.instrument.sizePrecision) !== a.quantityRaw) return false;
    if (a.priceRaw === undefined) return true;
    return typeof o.price === 'number' && Number.isFinite(o.price) && toRaw(o.price, t.instrument.pricePrecision) === a.priceRaw;
  }

  /** The amend did not happen: the order works on with its old terms. */
  private endAmend(t: Tracked, reason: string): void {
    if (t.amend === undefined) return;
    t.amend = undefined;
    this.report({ kind: 'UPDATE_REJECTED', clientOrderId: t.clientOrderId, reason, ts: this.now() });
  }

  /** The venue placed the replacement (`newId`): the order now lives under it, with the new terms. */
  private replacedBy(t: Tracked, newId: string): void {
    const a = t.amend;
    if (a === undefined || t.venueOrderId === newId || t.replaced?.has(newId) === true) return;
    const oldId = t.venueOrderId ?? a.fromId;
    // Every fill reported so far that no other venue order claims is the replaced order's.
    const filledBy = (t.filledBy ??= new Map());
    let others = 0;
    for (const [id, q] of filledBy) if (id !== oldId) others += q;
    filledBy.set(oldId, t.reportedFilledRaw - others);
    (t.replaced ??= new Set()).add(oldId);
    t.venueOrderId = newId;
    this.byVenueId.set(newId, t);
    t.quantityRaw = a.quantityRaw;
    t.amend = undefined;
    this.report({ kind: 'UPDATED', clientOrderId: t.clientOrderId, quantityRaw: a.quantityRaw, ...(a.priceRaw !== undefined ? { priceRaw: a.priceRaw } : {}), venueOrderId: newId, ts: this.now() });
    this.flushOrphans(t);
  }

  /** An amend whose answer was lost: the venue's newest order under the client id tells. */
  private scheduleAmendResolve(t: Tracked, attempt: number): void {
    const delay = attempt === 0 ? this.o.resolveDelayMs : backoffDelay(attempt - 1, this.o.backoff, this.opts.random);
    void sleep(this.opts.time, delay)
      .then(async () => {
        const a = t.amend;
        if (a === undefined || t.state === 'DONE' || this.stopped) return;
        let found: CcxtOrder | 'NOT_FOUND';
        try {
          await this.opts.limiter.take(1);
          found = await this.queryByClientId(t.symbol, t.clientOrderId);
        } catch {
          this.scheduleAmendResolve(t, attempt + 1);
          return;
        }
        if (this.opts.amend === 'modify' && found !== 'NOT_FOUND' && this.showsAmend(t, a, found)) {
          this.modifiedInPlace(t);
          await this.applyVenueOrder(t, found);
          return;
        }
        const id = found === 'NOT_FOUND' ? undefined : String(found.id ?? '');
        if (this.opts.amend !== 'modify' && found !== 'NOT_FOUND' && id !== a.fromId && id !== '') {
          this.replacedBy(t, id ?? '');
          await this.applyVenueOrder(t, found);
          return;
        }
        // Still the old order: within the grace the request may yet arrive; after it, it did not.
        if (this.now() - a.sentAt < this.o.notFoundGraceMs && (found === 'NOT_FOUND' || venueState(found) === 'OPEN')) {
          this.scheduleAmendResolve(t, attempt + 1);
          return;
        }
        this.endAmend(t, `AMEND_NOT_APPLIED: ${this.venue} shows no replacement of ${t.clientOrderId}`);
        if (found !== 'NOT_FOUND') await this.applyVenueOrder(t, found);
      })
      .catch((e: unknown) => this.logError(`amend resolve ${t.clientOrderId}`, e));
  }

  // ------------------------------------------------------------------ venue → engine

  /**
   * Applies the venue's view of one of our orders: acceptance, fills (inline or fetched), then a
   * terminal state. Serialised per order.
   */
  private applyVenueOrder(t: Tracked, o: OrderUpdate): Promise<void> {
    const run = async (): Promise<void> => {
      if (o.id && t.venueOrderId === undefined) {
        t.venueOrderId = String(o.id);
        this.byVenueId.set(t.venueOrderId, t);
      }
      const oid = o.id ? String(o.id) : undefined;
      // The stream can show the replacement before the amend's own answer arrives.
      if (oid !== undefined && t.amend !== undefined && oid !== t.venueOrderId && t.replaced?.has(oid) !== true) this.replacedBy(t, oid);
      const state = venueState(o);
      if (oid !== undefined && t.replaced?.has(oid) === true) {
        // An order an amend replaced: its fills count, its CANCELED is the amend's, not ours.
        for (const tr of o.trades ?? []) if (tr.id) this.emitTrade(t, tr, o.timestamp ?? this.now());
        if (filledRaw(o, t.instrument) > (t.filledBy?.get(oid) ?? 0)) await this.fetchOrderTrades(t, oid);
        return;
      }
      if (t.amend !== undefined && oid === t.amend.fromId && state === 'CANCELED') {
        // The cancel half of an amend whose answer is still on its way: the answer decides.
        for (const tr of o.trades ?? []) if (tr.id) this.emitTrade(t, tr, o.timestamp ?? this.now());
        return;
      }
      if (state === 'REJECTED') {
        if (t.state === 'INFLIGHT' || t.state === 'UNKNOWN') {
          t.state = 'DONE';
          this.report({ kind: 'REJECTED', clientOrderId: t.clientOrderId, reason: `venue rejected: ${String((o.info as Record<string, unknown> | undefined)?.['r'] ?? 'REJECTED')}`, ts: o.timestamp ?? this.now() });
        }
        return;
      }
      if (t.state === 'INFLIGHT' || t.state === 'UNKNOWN') {
        t.state = 'OPEN';
        this.report({ kind: 'ACCEPTED', clientOrderId: t.clientOrderId, venueOrderId: String(o.id ?? ''), ts: o.timestamp ?? this.now() });
      }
      if (!t.sized) {
        // Quote amount: the venue's executed quantity is the order's once it is done.
        if (state === 'OPEN') return;
        t.quantityRaw = filledRaw(o, t.instrument);
        t.sized = true;
      }
      // Fills: those carried by the answer (a REST answer's have no side and no time: the
      // order's and the answer's), then any still missing fetched by order id.
      for (const tr of o.trades ?? []) if (tr.id) this.emitTrade(t, tr, o.timestamp ?? this.now());
      this.flushOrphans(t);
      // Filled quantities compare per venue order once an amend made the order several.
      const venueFilled = filledRaw(o, t.instrument) + (t.replaced !== undefined ? t.reportedFilledRaw - (t.filledBy?.get(oid ?? '') ?? 0) : 0);
      if (venueFilled > t.reportedFilledRaw) await this.fetchOrderTrades(t);
      if (t.state === 'DONE') return;
      if (state === 'FILLED') {
        if (t.reportedFilledRaw >= t.quantityRaw) t.state = 'DONE';
        return;
      }
      if (state === 'CANCELED' || state === 'EXPIRED') {
        if (venueFilled > t.reportedFilledRaw) {
          // Venue counts fills we could not fetch yet: report the terminal state later.
          this.scheduleResolve(t, 1);
          return;
        }
        t.state = 'DONE';
        this.report(state === 'CANCELED' ? { kind: 'CANCELED', clientOrderId: t.clientOrderId, ts: o.lastUpdateTimestamp ?? this.now() } : { kind: 'EXPIRED', clientOrderId: t.clientOrderId, ts: this.now() });
        return;
      }
      if (t.cancelWanted && t.state === 'OPEN') {
        t.cancelWanted = false;
        void this.sendCancel(t).catch((e: unknown) => this.logError(`cancel ${t.clientOrderId}`, e));
      }
    };
    const next = t.chain.then(run, run);
    t.chain = next.catch((e: unknown) => this.logError(`apply ${t.clientOrderId}`, e));
    return next;
  }

  private async fetchOrderTrades(t: Tracked, venueOrderId = t.venueOrderId): Promise<void> {
    if (venueOrderId === undefined) return;
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await this.opts.limiter.take(1);
        const trades = await this.ex.fetchMyTrades(t.symbol, undefined, undefined, { orderId: venueOrderId });
        for (const tr of trades) if (isOrderExecution(tr) && (tr.order === undefined || String(tr.order) === venueOrderId)) this.emitTrade(t, tr);
        return;
      } catch (error) {
        const cls = classifyError(error, this.now());
        if (cls.kind === 'BANNED') {
          this.halt(cls);
          return;
        }
        if (cls.kind === 'RATE_LIMITED') this.opts.limiter.pauseFor(cls.retryAfterMs);
        await sleep(this.opts.time, backoffDelay(attempt, this.o.backoff, this.opts.random));
      }
    }
  }

  /** Reports one trade as a fill unless already reported; returns the fill when new. */
  private emitTrade(t: Tracked, tr: TradeUpdate, answerTs?: number): Fill | undefined {
    const key = `${t.instrument.id}|${String(tr.id)}`;
    if (this.seenTrades.has(key)) return undefined;
    const vid = tr.order !== undefined && tr.order !== null ? String(tr.order) : t.venueOrderId;
    // A fill of the replacement can arrive before the amend's answer.
    if (vid !== undefined && t.amend !== undefined && vid !== t.venueOrderId && t.replaced?.has(vid) !== true) this.replacedBy(t, vid);
    if (!t.sized) {
      // A quote-amount order's quantity is fixed by the venue's answer: hold its fills until
      // then, so the engine never sees a fill against the estimate (flushOrphans releases them).
      if (tr.order) this.keepOrphan(String(tr.order), tr);
      return undefined;
    }
    let fill: Fill;
    try {
      fill = tradeToFill(tr, t.instrument, { clientOrderId: t.clientOrderId, strategyId: t.strategyId, venueOrderId: t.venueOrderId, side: t.side, ...(answerTs !== undefined ? { ts: answerTs } : {}) });
    } catch (e) {
      // Not applied from this copy; the trade query by order id (or reconciliation) brings it.
      this.logError(`trade ${String(tr.id)} of ${t.clientOrderId} not readable`, e);
      return undefined;
    }
    // An in-place amend's fills can arrive before its answer: its quantity bounds them meanwhile.
    const bound = t.amend !== undefined && this.opts.amend === 'modify' ? Math.max(t.quantityRaw, t.amend.quantityRaw) : t.quantityRaw;
    if (t.reportedFilledRaw + fill.quantityRaw > bound) {
      this.log(`ignoring trade ${fill.tradeId}: would overfill ${t.clientOrderId} (${t.reportedFilledRaw} + ${fill.quantityRaw} > ${t.quantityRaw})`);
      return undefined;
    }
    this.seenTrades.add(key);
    if (t.state === 'INFLIGHT' || t.state === 'UNKNOWN') {
      // A fill proves the order was accepted.
      t.state = 'OPEN';
      this.report({ kind: 'ACCEPTED', clientOrderId: t.clientOrderId, venueOrderId: t.venueOrderId ?? String(tr.order ?? ''), ts: fill.ts });
    }
    t.reportedFilledRaw += fill.quantityRaw;
    if (vid !== undefined && t.filledBy !== undefined) t.filledBy.set(vid, (t.filledBy.get(vid) ?? 0) + fill.quantityRaw);
    this.lastFillTs = Math.max(this.lastFillTs, fill.ts);
    this.report(t.quote ? { kind: 'FILLED', fill, orderQuantityRaw: t.quantityRaw } : { kind: 'FILLED', fill });
    for (const l of this.fillListeners) l(fill);
    if (t.reportedFilledRaw >= t.quantityRaw) t.state = 'DONE';
    return fill;
  }

  private flushOrphans(t: Tracked): void {
    if (t.venueOrderId === undefined) return;
    const pending = this.orphanTrades.get(t.venueOrderId);
    if (!pending) return;
    this.orphanTrades.delete(t.venueOrderId);
    for (const tr of pending) this.emitTrade(t, tr);
  }

  private findTracked(o: { id?: string | undefined; clientOrderId?: string | undefined }): Tracked | undefined {
    if (o.clientOrderId) {
      const t = this.orders.get(o.clientOrderId);
      if (t) return t;
    }
    if (o.id) return this.byVenueId.get(String(o.id));
    return undefined;
  }

  private onStreamOrder(o: OrderUpdate): void {
    const t = this.findTracked({ id: o.id ?? undefined, clientOrderId: o.clientOrderId ?? undefined });
    if (t) {
      void this.applyVenueOrder(t, o);
      return;
    }
    if (o.symbol && this.bySymbol.has(o.symbol)) void this.adoptExternal(o).catch((e: unknown) => this.logError('adopt', e));
  }

  private onStreamTrade(tr: TradeUpdate): void {
    if (!isOrderExecution(tr)) return;
    const cid = clientIdOfTrade(tr);
    const t = this.findTracked({ id: tr.order ?? undefined, clientOrderId: cid });
    if (t) {
      if (t.venueOrderId === undefined && tr.order) {
        t.venueOrderId = String(tr.order);
        this.byVenueId.set(t.venueOrderId, t);
      }
      const run = async (): Promise<void> => {
        this.emitTrade(t, tr);
      };
      t.chain = t.chain.then(run, run).catch((e: unknown) => this.logError(`trade ${t.clientOrderId}`, e));
      return;
    }
    // The order's own update (watchOrders / REST answer) has not arrived yet; keep the trade.
    if (tr.order) this.keepOrphan(String(tr.order), tr);
  }

  private keepOrphan(venueOrderId: string, tr: TradeUpdate): void {
    const list = this.orphanTrades.get(venueOrderId) ?? [];
    if (!list.some((x) => x.id === tr.id)) list.push(tr);
    this.orphanTrades.set(venueOrderId, list);
  }

  private async adoptExternal(o: OrderUpdate): Promise<string> {
    const b = o.symbol ? this.bySymbol.get(o.symbol) : undefined;
    if (!b) throw new Error(`cannot adopt order on unconfigured symbol ${String(o.symbol)}`);
    const venueCid = clientIdOfOrder(o);
    const existing = this.findTracked({ id: o.id ?? undefined, clientOrderId: venueCid });
    if (existing) return existing.clientOrderId;
    const inst = b.instrument;
    const cid = venueCid !== undefined && !this.orders.has(venueCid) ? venueCid : `EXT-${String(o.id)}`;
    const ts = o.timestamp ?? this.now();
    const order: Order = {
      clientOrderId: cid,
      venueOrderId: String(o.id),
      strategyId: EXTERNAL_STRATEGY,
      instrumentId: inst.id,
      side: o.side === 'sell' ? 'SELL' : 'BUY',
      type: o.type === 'market' ? 'MARKET' : 'LIMIT',
      quantityRaw: Math.round((o.amount ?? 0) * 10 ** inst.sizePrecision),
      ...(o.price ? { priceRaw: Math.round(o.price * 10 ** inst.pricePrecision) } : {}),
      timeInForce: 'GTC',
      postOnly: false,
      reduceOnly: false,
      status: 'ACCEPTED',
      filledRaw: 0,
      avgPx: 0,
      createdAt: ts,
      updatedAt: ts,
      tags: ['external'],
    };
    this.opts.adopt?.(order);
    const t = this.track(order, b);
    t.state = 'OPEN';
    t.venueOrderId = String(o.id);
    this.byVenueId.set(t.venueOrderId, t);
    await this.applyVenueOrder(t, o);
    return cid;
  }

  // ------------------------------------------------------------------ streams & reconnect

  private async runStreams(): Promise<void> {
    let attempt = 0;
    const streaming = (this.opts.privateStreams ?? true) && hasPrivateStreams(this.ex);
    while (!this.stopped && this.halted === undefined) {
      const loops: Promise<void>[] = [];
      try {
        this.setStatus('CONNECTING');
        if (streaming) {
          const ex = this.ex as CcxtProPrivate;
          const caps = boundStreamCaches(ex);
          loops.push(this.watchLoop(() => ex.watchOrders(), (xs) => {
            xs.forEach((o) => this.onStreamOrder(o));
            this.afterDelivery('order', xs.length, caps.orders);
          }));
          loops.push(this.watchLoop(() => ex.watchMyTrades(), (xs) => {
            xs.forEach((t) => this.onStreamTrade(t));
            this.afterDelivery('trade', xs.length, caps.trades);
          }));
          for (const l of loops) l.catch(() => undefined);
          // Subscribe first, then reconcile: nothing can fall between the REST snapshot and the stream.
          const ready = this.opts.waitStreamReady ? this.opts.waitStreamReady() : this.pause(300);
          ready.catch(() => undefined); // a loop failing first settles the race; do not leak this rejection
          await Promise.race([ready, Promise.race(loops)]);
        }
        this.setStatus('RECONCILING');
        const report = await this.reconcileWithRetry();
        this.setStatus('CONNECTED', undefined, report);
        attempt = 0;
        if (streaming) await Promise.race(loops);
        else {
          while (!this.stopped && this.halted === undefined) {
            await this.pause(this.o.pollIntervalMs);
            if (this.stopped) break;
            await this.reconcileNow();
          }
        }
      } catch (error) {
        if (this.stopped) break;
        const cls = classifyError(error, this.now());
        if (cls.kind === 'BANNED') {
          this.halt(cls);
          break;
        }
        this.setStatus('DISCONNECTED', cls.message);
        await closeQuietly(this.ex);
        await this.pause(backoffDelay(attempt++, this.o.backoff, this.opts.random));
      }
    }
    this.streamTask = undefined;
  }

  /** A sleep that stop() cuts short. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const cancel = this.opts.time.schedule(ms, () => {
        this.sleepers.delete(wake);
        resolve();
      });
      const wake = (): void => {
        cancel();
        resolve();
      };
      this.sleepers.add(wake);
    });
  }

  /** A delivery as large as ccxt's cache may have lost updates to it: ask the venue. */
  private afterDelivery(stream: 'order' | 'trade', size: number, cap: number): void {
    if (size < cap || this.stopped) return;
    this.log(`${stream} stream delivered ${size} updates at once (ccxt keeps ${cap}): reconciling`);
    void this.reconcileNow().catch((e: unknown) => this.logError('reconcile after a stream burst', e));
  }

  private async watchLoop<T>(watch: () => Promise<T[]>, handle: (xs: T[]) => void): Promise<void> {
    while (!this.stopped) {
      const xs = await watch();
      handle(xs);
    }
  }

  private async reconcileWithRetry(): Promise<ReconciliationReport> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.reconcileNow();
      } catch (error) {
        const cls = classifyError(error, this.now());
        if (cls.kind === 'BANNED') throw error;
        if (cls.kind === 'RATE_LIMITED') this.opts.limiter.pauseFor(cls.retryAfterMs);
        if (this.stopped || attempt >= 5) throw error;
        this.log(`reconciliation failed (${cls.message}); retrying`);
        await this.pause(backoffDelay(attempt, this.o.backoff, this.opts.random));
      }
    }
  }

  private reconcileContext(): ReconcileContext {
    const read = async <T>(f: () => Promise<T>): Promise<T> => {
      await this.opts.limiter.take(1);
      return f();
    };
    return {
      venue: this.venue,
      symbols: [...this.bySymbol.keys()],
      now: () => this.now(),
      fetchOpenOrders: (symbol) => read(() => this.ex.fetchOpenOrders(symbol)),
      fetchOrderByClientId: (symbol, cid) => read(() => this.queryByClientId(symbol, cid)),
      fetchOrderById: (symbol, id) =>
        read(async () => {
          try {
            return await this.ex.fetchOrder(id, symbol);
          } catch (error) {
            if (classifyError(error, this.now()).kind === 'NOT_FOUND') return 'NOT_FOUND' as const;
            throw error;
          }
        }),
      fetchMyTrades: (symbol, since) => read(() => this.ex.fetchMyTrades(symbol, since, 1000)),
      fetchBalances: () =>
        read(async () => {
          const b: unknown = await this.ex.fetchBalance();
          return balanceTotals(b, (id) => this.ex.safeCurrencyCode?.(id) ?? id);
        }),
      workingOrders: () => [...this.orders.values()].filter((t) => t.state !== 'DONE').map((t) => ({ clientOrderId: t.clientOrderId, symbol: t.symbol })),
      knownClientId: (o) => this.findTracked(o)?.clientOrderId,
      applyVenueOrder: async (cid, o) => {
        const t = this.orders.get(cid);
        if (t) await this.applyVenueOrder(t, o);
      },
      adoptExternal: (o) => this.adoptExternal(o),
      applyNotFound: (cid) => {
        const t = this.orders.get(cid);
        if (!t) return;
        // Within the grace period an unanswered placement may still be in flight: keep asking.
        if (t.state === 'INFLIGHT' || (t.state === 'UNKNOWN' && this.now() - t.sentAt < this.o.notFoundGraceMs)) this.scheduleResolve(t, 1);
        else this.applyNotFound(t);
      },
      applyTrade: (cid, tr) => {
        const t = this.orders.get(cid);
        return t ? this.emitTrade(t, tr) : undefined;
      },
      lastFillTs: () => this.lastFillTs,
      engineBalances: () => this.opts.balances?.get() ?? {},
      setBalances: (v) => this.opts.balances?.set(v),
    };
  }

  // ------------------------------------------------------------------ helpers

  private track(order: Order, b: CcxtInstrumentBinding): Tracked {
    const existing = this.orders.get(order.clientOrderId);
    if (existing) return existing;
    const t: Tracked = {
      clientOrderId: order.clientOrderId,
      strategyId: order.strategyId,
      instrument: b.instrument,
      symbol: b.symbol,
      side: order.side,
      quantityRaw: order.quantityRaw,
      quote: order.quoteQuantityRaw !== undefined,
      sized: order.quoteQuantityRaw === undefined,
      venueOrderId: undefined,
      state: 'INFLIGHT',
      sentAt: this.now(),
      reportedFilledRaw: order.filledRaw,
      chain: Promise.resolve(),
      resolving: false,
      pendingCancel: false,
      cancelWanted: false,
      amend: undefined,
      replaced: undefined,
      filledBy: undefined,
    };
    this.orders.set(order.clientOrderId, t);
    return t;
  }

  private halt(cls: ErrorClass): void {
    if (this.halted !== undefined) return;
    this.halted = `${this.venue} banned this client (HTTP 418): ${cls.message}`;
    this.setStatus('HALTED', this.halted);
  }

  private setStatus(kind: VenueStatusKind, reason?: string, report?: ReconciliationReport): void {
    if (this.halted !== undefined && kind !== 'HALTED') return;
    this.status = kind;
    this.opts.onStatus?.({ venue: this.venue, kind, ts: this.now(), ...(reason !== undefined ? { reason } : {}), ...(report ? { report } : {}) });
  }

  private report(r: ExecutionReport): void {
    try {
      this.sink(r);
    } catch (e) {
      // An engine invariant violation must not kill the stream loop; it is logged loudly.
      this.logError(`engine rejected report ${r.kind}`, e);
    }
  }

  private now(): number {
    return this.opts.time.now();
  }

  private log(line: string): void {
    this.opts.log?.(`[${this.venue}] ${line}`);
  }

  private logError(what: string, e: unknown): void {
    this.log(`${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * Closes the exchange's WebSockets without leaking rejections: ccxt.pro creates some futures
 * ahead of time that nobody awaits (binance's `authenticate:signature:*`), and `close()`
 * rejects them with ExchangeClosedByUser — an unhandled rejection that would crash a strict
 * process. Handlers are attached to every pending future first.
 */
export async function closeQuietly(ex: CcxtLike): Promise<void> {
  const clients = (ex as unknown as { clients?: Record<string, { futures?: Record<string, unknown> }> }).clients ?? {};
  for (const c of Object.values(clients)) {
    for (const f of Object.values(c.futures ?? {})) {
      if (f instanceof Promise) f.catch(() => undefined);
    }
  }
  try {
    await ex.close();
  } catch {
    // already closed
  }
}

function isCcxtOrder(x: unknown): x is CcxtOrder {
  return typeof x === 'object' && x !== null && 'status' in x && 'id' in x;
}

/** Params used to look an order up by client order id (ccxt maps it to origClientOrderId etc.). */
export function clientIdLookupParams(clientOrderId: string): CcxtParams {
  return { clientOrderId };
}
