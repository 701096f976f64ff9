/**
 * ExecutionEngine: the single path every order takes — strategy, order ticket, agent.
 *
 *   intent → Order(INITIALIZED) → risk gate ─deny→ DENIED (+ events.order.denied)
 *                                           └allow→ SUBMITTED → venue client
 *   venue reports → order state machine → cache, portfolio, risk gate, bus events
 *
 * Invariants: no order reaches a venue without an ALLOW from the risk gate; a fill is applied
 * once (deduplicated by venue trade id); an order whose reply was lost becomes UNKNOWN and
 * stays so until the venue says what happened (reconciliation), never resubmitted blind.
 */
import { floorToLot } from '../../../shared/domain/instrument';
import type { Instrument } from '../../../shared/domain/instrument';
import type { Fill, Order, OrderIntent } from '../../../shared/domain/order';
import { isOpen, isTerminal } from '../../../shared/domain/order';
import type { MessageBus } from '../bus/message-bus';
import { Endpoints, riskTopic, Topics } from '../bus/topics';
import type { Cache } from '../cache/cache';
import type { Clock } from '../clock/clock';
import type { Portfolio } from '../portfolio/portfolio';
import type { DenyReason, RiskEvent, RiskGate, TradingState } from '../risk/risk-gate';
import type { HaltLatchStore, LatchedHalt } from '../risk/halt-latch';
import { stricter } from '../risk/halt-latch';
import type { EquityMarks, EquityMarksStore } from '../risk/equity-marks';
import { rebasedMarks } from '../risk/equity-marks';
import { BalanceLocks, INSUFFICIENT_BALANCE } from './balance-locks';
import type { ExecutionClient, ExecutionReport } from './execution-client';
import { canTransition, transition } from './order-state';
import type { OrderEvent } from './order-state';

export type SubmitResult =
  | { readonly ok: true; readonly order: Order }
  | { readonly ok: false; readonly order: Order; readonly reason: DenyReason | typeof INSUFFICIENT_BALANCE | 'NO_VENUE'; readonly message: string };

export interface ExecutionEngineDeps {
  readonly bus: MessageBus;
  readonly clock: Clock;
  readonly cache: Cache;
  readonly portfolio: Portfolio;
  readonly risk: RiskGate;
  /** Prefix of client order ids, unique per engine run (e.g. `L1A2B-`). */
  readonly idPrefix?: string;
  /** Called for every fill after it is applied (backtest trade log, recorder…). */
  readonly onFillApplied?: (fill: Fill, order: Order) => void;
  /**
   * Check the account can pay for each order after the gate allows it, and lock working orders'
   * funds (paper and live; backtests leave it to the simulated venue). See balance-locks.ts.
   */
  readonly checkBalances?: boolean;
  /** Where a latched halt is kept across restarts; it is restored when the engine is built. */
  readonly haltLatch?: HaltLatchStore;
  /**
   * Where the drawdown peak and the day's start equity are kept across restarts (live accounts
   * only: a paper account starts afresh each run, and so do its marks). See risk/equity-marks.ts.
   */
  readonly equityMarks?: EquityMarksStore;
}

/** The marks are compared (and saved if they moved) at most this often; at once when a limit trips. */
const MARKS_SAVE_MS = 1000;

export class ExecutionEngine {
  private readonly clients = new Map<string, ExecutionClient>();
  private readonly seenTradeIds = new Set<string>();
  /** Dedup keys of each working order's fills, when the cache forgets closed orders (then they go with it). */
  private readonly fillKeys = new Map<string, string[]>();
  private seq = 0;
  private readonly prefix: string;
  private readonly listeners: ((order: Order, fill?: Fill) => void)[] = [];
  private readonly locks: BalanceLocks | undefined;
  /** Cancel-replace amends waiting for the venue to confirm the cancel: old client id → new terms. */
  private readonly replacements = new Map<string, { quantityRaw: number; priceRaw: number | undefined; triggerPriceRaw: number | undefined }>();
  private latched: LatchedHalt | undefined;
  /** Set once this process lost the right to trade (a cluster lease lapsed): HALTED for good here. */
  private fencedBy: string | undefined;
  /** The equity marks last saved, and when the gate's were last compared with them. */
  private savedMarks: EquityMarks | undefined;
  private marksCheckedAt = Number.NEGATIVE_INFINITY;
  /** Marks restored from the store when the engine was built (undefined: none). */
  readonly restoredMarks: EquityMarks | undefined;

  constructor(private readonly deps: ExecutionEngineDeps) {
    this.prefix = deps.idPrefix ?? 'L-';
    this.locks = deps.checkBalances === true ? new BalanceLocks(deps.portfolio) : undefined;
    const marks = deps.equityMarks?.load();
    if (marks) deps.risk.setEquityMarks(marks);
    this.restoredMarks = marks;
    this.savedMarks = marks;
    this.latched = deps.haltLatch?.load();
    if (this.latched) deps.risk.setTradingState(this.latched.state, deps.clock.now(), `restored after restart: ${this.latched.reason}`);
    deps.bus.register(Endpoints.executionExecute, (req: { strategyId: string; intent: OrderIntent }) => this.submit(req.strategyId, req.intent));
  }

  registerClient(client: ExecutionClient): void {
    this.clients.set(client.venue, client);
    client.connect((report) => this.handleReport(report));
  }

  registerInstrument(instrument: Instrument): void {
    this.deps.cache.addInstrument(instrument);
    this.deps.portfolio.registerInstrument(instrument);
    this.deps.risk.registerInstrument(instrument);
  }

  /** Order updates for one consumer (the strategy host routes them by strategy id). */
  onOrderEvent(listener: (order: Order, fill?: Fill) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  nextClientOrderId(): string {
    this.seq++;
    return `${this.prefix}${this.seq}`;
  }

  submit(strategyId: string, intent: OrderIntent, clientOrderId = this.nextClientOrderId()): SubmitResult {
    const { cache, clock, risk, bus } = this.deps;
    const now = clock.now();
    // Every field, in the order-state machine's order: one object shape for every order.
    let order: Order = {
      clientOrderId,
      venueOrderId: undefined,
      strategyId,
      instrumentId: intent.instrumentId,
      side: intent.side,
      type: intent.type,
      quantityRaw: intent.quantityRaw,
      quoteQuantityRaw: intent.quoteQuantityRaw,
      priceRaw: intent.priceRaw,
      triggerPriceRaw: intent.triggerPriceRaw,
      timeInForce: intent.timeInForce ?? (intent.type === 'MARKET' ? 'IOC' : 'GTC'),
      expireTime: intent.expireTime,
      postOnly: intent.postOnly ?? false,
      reduceOnly: intent.reduceOnly ?? false,
      status: 'INITIALIZED',
      filledRaw: 0,
      avgPx: 0,
      createdAt: now,
      updatedAt: now,
      triggered: undefined,
      reason: undefined,
      tags: intent.tags,
    };
    const last = cache.lastPrice(order.instrumentId);
    if (last !== undefined) risk.onReferencePrice(order.instrumentId, 'last', last);
    let verdict: ReturnType<RiskGate['checkSubmit']>;
    if (order.quoteQuantityRaw !== undefined) {
      // Quote-amount order: the gate sees the quantity it buys at the last price (its notional
      // is the quote amount), so the gate's contract is unchanged.
      const inst = cache.instrument(order.instrumentId);
      const native = this.clients.get(inst?.venue ?? '')?.quoteOrders === 'native';
      const estimate = quoteOrderEstimate(order, inst, last, native ? 0 : QUOTE_ORDER_MARGIN);
      if (typeof estimate === 'number') {
        if (native) order = { ...order, quantityRaw: estimate };
        else {
          // The venue client cannot size at the fill: a plain quantity at the last price, less the margin.
          order = { ...order, quoteQuantityRaw: undefined, quantityRaw: estimate, tags: [...(order.tags ?? []), `quote amount converted at the last price ${String(last)} less ${QUOTE_ORDER_MARGIN * 100} %`] };
        }
      }
      verdict = typeof estimate === 'number' ? risk.checkSubmit(order, now) : estimate;
    } else {
      verdict = risk.checkSubmit(order, now);
    }
    if (!verdict.allowed) {
      order = transition(order, { type: 'DENY', ts: now, reason: verdict.message });
      cache.putOrder(order);
      bus.publish(Topics.orderDenied, { clientOrderId, strategyId, intent, reason: verdict.reason, message: verdict.message, ts: now });
      this.emit(order);
      return { ok: false, order, reason: verdict.reason, message: verdict.message };
    }
    const inst = cache.instrument(order.instrumentId);
    const short = this.locks && inst ? this.locks.check(order, inst, last) : undefined;
    if (short !== undefined) {
      order = transition(order, { type: 'DENY', ts: now, reason: short });
      cache.putOrder(order);
      bus.publish(Topics.orderDenied, { clientOrderId, strategyId, intent, reason: INSUFFICIENT_BALANCE, message: short, ts: now });
      this.emit(order);
      return { ok: false, order, reason: INSUFFICIENT_BALANCE, message: short };
    }
    const client = this.clients.get(inst?.venue ?? '');
    if (!client) {
      order = transition(order, { type: 'DENY', ts: now, reason: `no venue client for ${order.instrumentId}` });
      cache.putOrder(order);
      this.emit(order);
      return { ok: false, order, reason: 'NO_VENUE', message: `no venue client for ${order.instrumentId}` };
    }
    order = transition(order, { type: 'SUBMIT', ts: now });
    cache.putOrder(order);
    risk.onOrderOpened(order.clientOrderId, order.instrumentId);
    if (inst) this.locks?.lock(order, inst, last);
    bus.publish(Topics.orderNew, order);
    this.emit(order);
    client.submit(order);
    return { ok: true, order: cache.order(clientOrderId) ?? order };
  }

  cancel(clientOrderId: string): { ok: boolean; message?: string } {
    const order = this.deps.cache.order(clientOrderId);
    if (!order) return { ok: false, message: `unknown order ${clientOrderId}` };
    if (!isOpen(order.status) || order.status === 'PENDING_CANCEL') return { ok: false, message: `order ${clientOrderId} is ${order.status}` };
    const client = this.clients.get(this.deps.cache.instrument(order.instrumentId)?.venue ?? '');
    if (!client) return { ok: false, message: `no venue client for ${order.instrumentId}` };
    const next = this.apply(order, { type: 'REQUEST_CANCEL', ts: this.deps.clock.now() });
    client.cancel(next);
    return { ok: true };
  }

  modify(clientOrderId: string, change: { quantityRaw?: number; priceRaw?: number; triggerPriceRaw?: number }): SubmitResult | { ok: false; message: string } {
    const order = this.deps.cache.order(clientOrderId);
    if (!order || !['ACCEPTED', 'TRIGGERED', 'PARTIALLY_FILLED'].includes(order.status)) {
      return { ok: false, message: `order ${clientOrderId} cannot be modified (${order?.status ?? 'unknown'})` };
    }
    const proposed: Order = { ...order, ...change };
    const verdict = this.deps.risk.checkModify(proposed, this.deps.clock.now());
    if (!verdict.allowed) return { ok: false, order, reason: verdict.reason, message: verdict.message };
    const inst = this.deps.cache.instrument(order.instrumentId);
    const short = this.locks && inst ? this.locks.check(proposed, inst, this.deps.cache.lastPrice(order.instrumentId)) : undefined;
    if (short !== undefined) return { ok: false, order, reason: INSUFFICIENT_BALANCE, message: short };
    const client = this.clients.get(this.deps.cache.instrument(order.instrumentId)?.venue ?? '');
    if (!client) return { ok: false, message: `no venue client for ${order.instrumentId}` };
    if (client.amendsInPlace === false) {
      // Cancel-replace: the replacement is submitted only once the venue confirmed the cancel,
      // so the two orders are never working at once (and it is dropped if the order filled).
      const next = this.apply(order, { type: 'REQUEST_CANCEL', ts: this.deps.clock.now() });
      this.replacements.set(order.clientOrderId, { quantityRaw: proposed.quantityRaw, priceRaw: proposed.priceRaw, triggerPriceRaw: proposed.triggerPriceRaw });
      client.cancel(next);
      return { ok: true, order: next };
    }
    const next = this.apply(order, { type: 'REQUEST_UPDATE', ts: this.deps.clock.now() });
    client.modify(next, change);
    return { ok: true, order: next };
  }

  /** Cancels every open order (optionally of one strategy); returns how many were asked. */
  cancelAll(strategyId?: string): number {
    let n = 0;
    for (const o of this.deps.cache.openOrders(strategyId === undefined ? undefined : { strategyId })) {
      if (this.cancel(o.clientOrderId).ok) n++;
    }
    return n;
  }

  /**
   * Kill switch: HALTED (cancels only), cancel every open order, and optionally flatten every
   * position with reduce-only market orders (allowed through REDUCING, so the state is lowered
   * to REDUCING for the flattening orders and raised to HALTED after).
   */
  killSwitch(options: { flatten: boolean; reason: string }): { cancelled: number; flattening: SubmitResult[] } {
    const now = this.deps.clock.now();
    this.latch('HALTED', options.reason);
    this.publishRisk(this.deps.risk.setTradingState('HALTED', now, options.reason));
    const cancelled = this.cancelAll();
    const flattening: SubmitResult[] = [];
    if (options.flatten) {
      this.publishRisk(this.deps.risk.setTradingState('REDUCING', now, `${options.reason}: flattening`));
      for (const p of this.deps.portfolio.openPositions()) {
        flattening.push(
          this.submit(p.strategyId, { instrumentId: p.instrumentId, side: p.netRaw > 0 ? 'SELL' : 'BUY', type: 'MARKET', quantityRaw: Math.abs(p.netRaw), reduceOnly: true }),
        );
      }
      this.publishRisk(this.deps.risk.setTradingState('HALTED', now, options.reason));
    }
    return { cancelled, flattening };
  }

  /**
   * Moves the trading state for a reason that passes by itself (a venue reconnecting, …): never
   * below a latched halt — only `resumeTrading` lifts that.
   */
  setTradingState(state: TradingState, reason: string): void {
    if (this.fencedBy !== undefined) {
      this.publishRisk(this.deps.risk.setTradingState('HALTED', this.deps.clock.now(), state === 'HALTED' ? reason : `${reason} (kept HALTED: ${this.fencedBy})`));
      return;
    }
    const target = this.latched ? stricter(state, this.latched.state) : state;
    const why = target === state ? reason : `${reason} (kept ${target}: ${this.latched?.reason ?? ''})`;
    this.publishRisk(this.deps.risk.setTradingState(target, this.deps.clock.now(), why));
  }

  /**
   * Fencing: another process may own the account now (a cluster lease lapsed), so this one never
   * places or amends again — HALTED (cancels only) until the process ends; no reconnect and no
   * resume lifts it. Not persisted: a restarted node takes a lease again before it trades.
   */
  fence(reason: string): void {
    this.fencedBy = reason;
    this.publishRisk(this.deps.risk.setTradingState('HALTED', this.deps.clock.now(), reason));
  }

  /** Operator halt (HALTED, cancels only): latched until a person resumes, across restarts. */
  haltTrading(reason: string): void {
    this.latch('HALTED', reason);
    this.publishRisk(this.deps.risk.setTradingState('HALTED', this.deps.clock.now(), reason));
  }

  /** A person lifts a latched halt (or any halt): trading ACTIVE again. */
  resumeTrading(reason: string): void {
    if (this.fencedBy !== undefined) return this.setTradingState('ACTIVE', reason);
    if (this.latched) {
      this.latched = undefined;
      this.deps.haltLatch?.save(undefined);
    }
    this.rebaseMarks();
    this.publishRisk(this.deps.risk.setTradingState('ACTIVE', this.deps.clock.now(), reason));
  }

  /**
   * A person resumed: the drawdown and the day's loss are measured from the equity now (the loss
   * so far is accepted; measured from the old peak, the next mark would trip the limit again).
   */
  private rebaseMarks(): void {
    if (this.deps.risk.equityMarks() === undefined) return;
    const marks = rebasedMarks(this.deps.portfolio.balanceEquity(), this.deps.clock.now());
    this.deps.risk.setEquityMarks(marks);
    this.saveMarks(marks);
  }

  private saveMarks(marks: EquityMarks): void {
    this.savedMarks = marks;
    this.deps.equityMarks?.save(marks);
  }

  /** The halt that holds until a person lifts it, if any. */
  latchedHalt(): LatchedHalt | undefined {
    return this.latched;
  }

  /**
   * Re-reads the latch store: a latch lifted outside this process (`libra risk resume`) resumes
   * trading here. Returns true when it did.
   */
  refreshLatch(): boolean {
    if (!this.latched || !this.deps.haltLatch || this.deps.haltLatch.load() !== undefined) return false;
    this.latched = undefined;
    if (this.fencedBy !== undefined) return false;
    this.rebaseMarks();
    this.publishRisk(this.deps.risk.setTradingState('ACTIVE', this.deps.clock.now(), 'halt lifted by an operator'));
    return true;
  }

  /**
   * Values the account (venue balances and marks, through the portfolio) and lets the gate see
   * it: a daily-loss or drawdown limit moves trading to REDUCING / HALTED, published on the risk
   * topics and latched. Paper and live sessions call this on every mark and fill.
   */
  updateEquity(): number {
    const equity = this.deps.portfolio.balanceEquity();
    const now = this.deps.clock.now();
    const events = this.deps.risk.onEquity(equity, now);
    for (const e of events) if (e.state === 'REDUCING' || e.state === 'HALTED') this.latch(e.state, e.message);
    if (this.deps.equityMarks && (events.length > 0 || now - this.marksCheckedAt >= MARKS_SAVE_MS)) this.keepMarks(now);
    this.publishRisk(events);
    return equity;
  }

  /** Saves the gate's marks when they moved (compared at most once a second, or when a limit spoke). */
  private keepMarks(now: number): void {
    this.marksCheckedAt = now;
    const m = this.deps.risk.equityMarks();
    const s = this.savedMarks;
    if (m === undefined || (s !== undefined && s.peak === m.peak && s.dayStart === m.dayStart && s.day === m.day)) return;
    this.saveMarks(m);
  }

  /** The leverage a venue's derivative margin is counted at by the balance check (default 1). */
  setLeverage(venue: string, leverage: number): void {
    this.locks?.setLeverage(venue, leverage);
  }

  /** Locks the funds of an order that is open at the venue but was not submitted by this run (journal restore). */
  lockRestored(order: Order): void {
    const inst = this.deps.cache.instrument(order.instrumentId);
    if (inst) this.locks?.lock(order, inst, this.deps.cache.lastPrice(order.instrumentId));
  }

  private latch(state: Exclude<TradingState, 'ACTIVE'>, reason: string): void {
    if (!this.deps.haltLatch) return;
    const next = this.latched?.state === 'HALTED' ? 'HALTED' : state;
    if (this.latched?.state === next) return;
    this.latched = { state: next, reason, ts: this.deps.clock.now() };
    this.deps.haltLatch.save(this.latched);
  }

  publishRisk(events: readonly RiskEvent[]): void {
    for (const e of events) this.deps.bus.publish(riskTopic(e.kind), e);
  }

  handleReport(report: ExecutionReport): void {
    const { cache } = this.deps;
    const id = report.kind === 'FILLED' ? report.fill.clientOrderId : report.clientOrderId;
    const order = cache.order(id);
    if (!order) {
      // An order this engine does not know: reconciliation adopts external orders; a stray
      // report is dropped here rather than inventing state.
      return;
    }
    // A venue's reports cross our requests: a report that no longer fits (a late CANCEL_REJECTED,
    // an UPDATED for a filled order) is dropped — the state machine took the report that did.
    switch (report.kind) {
      case 'ACCEPTED':
        this.applyIfValid(order, { type: 'ACCEPT', ts: report.ts, venueOrderId: report.venueOrderId });
        return;
      case 'REJECTED':
        this.applyIfValid(order, { type: 'REJECT', ts: report.ts, reason: report.reason });
        return;
      case 'TRIGGERED':
        this.applyIfValid(order, { type: 'TRIGGER', ts: report.ts });
        return;
      case 'CANCELED':
        this.applyIfValid(order, { type: 'CANCEL', ts: report.ts, reason: report.reason });
        return;
      case 'CANCEL_REJECTED':
        this.applyIfValid(order, { type: 'CANCEL_REJECTED', ts: report.ts, reason: report.reason });
        return;
      case 'UPDATED':
        this.applyIfValid(order, { type: 'UPDATED', ts: report.ts, quantityRaw: report.quantityRaw, priceRaw: report.priceRaw, triggerPriceRaw: report.triggerPriceRaw, ...(report.venueOrderId !== undefined ? { venueOrderId: report.venueOrderId } : {}) });
        return;
      case 'UPDATE_REJECTED':
        this.applyIfValid(order, { type: 'UPDATE_REJECTED', ts: report.ts, reason: report.reason });
        return;
      case 'EXPIRED':
        this.applyIfValid(order, { type: 'EXPIRE', ts: report.ts });
        return;
      case 'REPLY_LOST':
        this.applyIfValid(order, { type: 'REPLY_LOST', ts: report.ts, reason: report.reason });
        return;
      case 'FILLED':
        this.applyFill(order, report.fill, report.orderQuantityRaw);
        return;
    }
  }

  private applyFill(order: Order, fill: Fill, orderQuantityRaw?: number): void {
    const dedupKey = `${order.instrumentId}|${fill.tradeId}`;
    if (this.seenTradeIds.has(dedupKey)) return;
    this.seenTradeIds.add(dedupKey);
    if (!this.deps.cache.keepsClosed) {
      // A report for a forgotten order is dropped (unknown order), so its keys can go when it closes.
      const keys = this.fillKeys.get(order.clientOrderId);
      if (keys) keys.push(dedupKey);
      else this.fillKeys.set(order.clientOrderId, [dedupKey]);
    }
    const { portfolio, risk, bus } = this.deps;
    const px = fill.priceRaw / 10 ** (this.deps.cache.instrument(order.instrumentId)?.pricePrecision ?? 0);
    const next = transition(order, { type: 'FILL', ts: fill.ts, quantityRaw: fill.quantityRaw, price: px, venueOrderId: fill.venueOrderId, ...(orderQuantityRaw !== undefined ? { orderQuantityRaw } : {}) });
    this.deps.cache.putOrder(next);
    this.locks?.update(next, this.deps.cache.instrument(next.instrumentId));
    const change = portfolio.applyFill(fill);
    risk.onFill(fill.strategyId, fill.instrumentId, fill.side, fill.quantityRaw);
    if (isTerminal(next.status)) {
      this.forgetFills(next.clientOrderId);
      risk.onOrderClosed(next.clientOrderId);
      this.replacements.delete(next.clientOrderId); // filled before the cancel: nothing to replace
    }
    bus.publish(Topics.orderFilled, { order: next, fill });
    bus.publish(change.kind === 'opened' ? Topics.positionOpened : change.kind === 'closed' ? Topics.positionClosed : Topics.positionUpdated, change.position);
    this.deps.onFillApplied?.(fill, next);
    this.emit(next, fill);
  }

  private applyIfValid(order: Order, event: OrderEvent): void {
    if (!canTransition(order.status, event.type)) return;
    const next = this.apply(order, event);
    if (isTerminal(next.status)) this.replaceIfAsked(next);
    // The cancel was refused: the order works on with its old terms, the amend did not happen.
    else if (order.status === 'PENDING_CANCEL' && next.status !== 'PENDING_CANCEL' && next.status !== 'UNKNOWN') this.replacements.delete(next.clientOrderId);
  }

  /** Submits the replacement of a cancel-replace amend once the old order is cancelled. */
  private replaceIfAsked(old: Order): void {
    const terms = this.replacements.get(old.clientOrderId);
    if (!terms) return;
    this.replacements.delete(old.clientOrderId);
    const rest = terms.quantityRaw - old.filledRaw;
    if (old.status !== 'CANCELED' || rest <= 0) return;
    this.submit(old.strategyId, {
      instrumentId: old.instrumentId,
      side: old.side,
      type: old.type,
      quantityRaw: rest,
      ...(terms.priceRaw !== undefined ? { priceRaw: terms.priceRaw } : {}),
      ...(terms.triggerPriceRaw !== undefined ? { triggerPriceRaw: terms.triggerPriceRaw } : {}),
      timeInForce: old.timeInForce,
      postOnly: old.postOnly,
      reduceOnly: old.reduceOnly,
      tags: [...(old.tags ?? []), `replaces:${old.clientOrderId}`],
    });
  }

  private apply(order: Order, event: OrderEvent): Order {
    const next = transition(order, event);
    this.deps.cache.putOrder(next);
    this.locks?.update(next, this.deps.cache.instrument(next.instrumentId));
    if (isTerminal(next.status) && !isTerminal(order.status)) {
      this.forgetFills(next.clientOrderId);
      this.deps.risk.onOrderClosed(next.clientOrderId);
    }
    const topic =
      next.status === 'CANCELED' ? Topics.orderCancelled : next.status === 'REJECTED' ? Topics.orderRejected : Topics.orderUpdated;
    this.deps.bus.publish(topic, next);
    this.emit(next);
    return next;
  }

  private forgetFills(clientOrderId: string): void {
    const keys = this.fillKeys.get(clientOrderId);
    if (!keys) return;
    this.fillKeys.delete(clientOrderId);
    for (const k of keys) this.seenTradeIds.delete(k);
  }

  private emit(order: Order, fill?: Fill): void {
    for (const l of this.listeners) l(order, fill);
  }
}

/** Safety margin of a quote amount converted at the last price for a client that cannot size at the fill. */
export const QUOTE_ORDER_MARGIN = 0.01;

/**
 * The base quantity a quote-amount order buys at the last price (rounded down to the lot), or
 * the denial when it cannot be estimated.
 */
export function quoteOrderEstimate(
  order: Pick<Order, 'type' | 'side' | 'quoteQuantityRaw'>,
  inst: Instrument | undefined,
  last: number | undefined,
  margin = 0,
): number | { readonly allowed: false; readonly reason: DenyReason; readonly message: string } {
  const q = order.quoteQuantityRaw;
  if (order.type !== 'MARKET' || order.side !== 'BUY') return { allowed: false, reason: 'INVALID_ORDER', message: `a quote amount is for MARKET BUY orders only, not ${order.type} ${order.side}` };
  if (q === undefined || !Number.isSafeInteger(q) || q <= 0) return { allowed: false, reason: 'INVALID_ORDER', message: `quoteQuantityRaw must be a positive integer, got ${String(q)}` };
  if (!inst) return { allowed: false, reason: 'UNKNOWN_INSTRUMENT', message: 'instrument not registered' };
  if (last === undefined || !(last > 0)) return { allowed: false, reason: 'NO_REFERENCE_PRICE', message: `no last price for ${inst.symbol} to size a quote amount` };
  const quote = q / 10 ** inst.quotePrecision;
  const qty = floorToLot(inst, Math.floor(((quote * (1 - margin)) / last) * 10 ** inst.sizePrecision + 1e-9));
  if (qty < inst.minQtyRaw || qty <= 0) {
    return { allowed: false, reason: 'BELOW_MIN_QUANTITY', message: `${quote} ${inst.quote} buys less than the minimum quantity at the last price ${last}` };
  }
  return qty;
}
