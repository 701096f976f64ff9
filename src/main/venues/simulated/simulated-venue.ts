/**
 * The simulated venue: a matching engine for backtests and paper trading, behind the same
 * ExecutionClient interface as a live venue.
 *
 * Timeline (no look-ahead): an order submitted at `t` ARRIVES at `t + latencyMs` (a clock timer).
 * From then on it is matched only against market data stamped after its arrival:
 * - bar model: bars whose open time ≥ arrival (a market order decided on a bar's close fills at
 *   the next bar's open ± slippage; stops/limits follow the intrabar path of fill-models.ts);
 * - trade model: each trade after arrival; a fill takes at most the trade's size;
 * - book (L2) model: the book as of arrival, then each update; market orders walk the levels.
 * Fees: maker for orders that rested, taker for those that took liquidity, in bps of notional,
 * rounded up to the quote currency's precision. Slippage (bps) worsens every taker price and is
 * rounded to the tick against the trader. Spot accounts cannot spend cash or base they lack: an
 * accepted order that cannot be paid for when it would fill is cancelled with the reason (as a
 * venue expires it), since it was already accepted.
 * Quote-amount market orders ("spend N quote", fee included) get their quantity at the fill
 * price: the largest lot multiple whose notional plus taker fee fits the quote amount left (so
 * an order that spends all free cash can always pay), as Binance's `quoteOrderQty` does.
 */
import { mulRaw, pow10 } from '../../../shared/domain/fixed';
import { roundToTick } from '../../../shared/domain/instrument';
import type { Instrument, InstrumentId } from '../../../shared/domain/instrument';
import type { Fill, LiquiditySide, Order } from '../../../shared/domain/order';
import type { Bar, BookLevel, BookUpdate, TradeTick } from '../../../shared/messages/market-data';
import type { MessageBus } from '../../engine/bus/message-bus';
import { Topics } from '../../engine/bus/topics';
import type { Clock } from '../../engine/clock/clock';
import type { ExecutionClient, ExecutionReportSink } from '../../engine/execution/execution-client';
import { barPath, firstReach, PATH_START } from './fill-models';
import type { Path, PathPoint } from './fill-models';
import { PriceMap } from '../../engine/cache/price-map';

export type FillModelKind = 'bar' | 'trade' | 'book';

export interface SimulatedVenueConfig {
  readonly venue: string;
  readonly fillModel: FillModelKind;
  readonly makerFeeBps: number;
  readonly takerFeeBps: number;
  readonly slippageBps: number;
  readonly latencyMs: number;
  /** Bar timeframe to match on (bar model), e.g. '5m'. */
  readonly timeframe?: string;
}

/** Read access to the account the venue trades for (cash checks on spot). */
export interface SimulatedAccount {
  free(currency: string): number;
  position(instrumentId: InstrumentId): number;
}

interface Working {
  order: Order;
  readonly arrivedAt: number;
  /** Rested at least one market event without filling: maker from then on. */
  rested: boolean;
  triggered: boolean;
  filledRaw: number;
  /** Quote-amount orders: quote (raw) not yet spent, fees included. */
  quoteLeftRaw?: number;
  /** Quote-amount orders: the price (raw) at which the quote left bought less than one lot. */
  quoteShortAt?: number;
}

interface Book {
  bids: Map<number, number>;
  asks: Map<number, number>;
  sequence: number;
}

export class SimulatedVenue implements ExecutionClient {
  readonly venue: string;
  readonly quoteOrders = 'native';
  private sink: ExecutionReportSink = () => undefined;
  private readonly working = new Map<InstrumentId, Working[]>();
  private readonly instruments = new Map<InstrumentId, Instrument>();
  private readonly books = new Map<InstrumentId, Book>();
  private readonly lastTrade = new PriceMap();
  private workingId: string | undefined = undefined;
  private workingList: Working[] | undefined = undefined;
  private orderSeq = 0;
  private tradeSeq = 0;
  private readonly unsub: (() => void)[] = [];

  constructor(
    private readonly config: SimulatedVenueConfig,
    private readonly clock: Clock,
    private readonly bus: MessageBus,
    private readonly account: SimulatedAccount,
  ) {
    this.venue = config.venue;
    for (const [name, v] of [['maker fee', config.makerFeeBps], ['taker fee', config.takerFeeBps], ['slippage', config.slippageBps], ['latency', config.latencyMs]] as const) {
      if (!Number.isFinite(v) || v < 0) throw new RangeError(`simulated venue: ${name} must be a number ≥ 0, got ${v}`);
    }
  }

  /** Starts matching an instrument; subscribes to its market data ahead of strategies. */
  addInstrument(inst: Instrument): void {
    this.instruments.set(inst.id, inst);
    this.working.set(inst.id, []);
    this.workingId = undefined; // a new list: the remembered one may be gone
    const prio = 100;
    if (this.config.fillModel === 'bar') {
      const tf = this.config.timeframe;
      if (!tf) throw new Error('simulated venue: the bar fill model needs a timeframe');
      this.unsub.push(this.bus.subscribe(Topics.bars(inst.id, tf), (bar: Bar) => this.onBar(bar), prio));
    } else {
      this.unsub.push(this.bus.subscribe(Topics.trades(inst.id), (t: TradeTick) => this.onTrade(t), prio));
      if (this.config.fillModel === 'book') this.unsub.push(this.bus.subscribe(Topics.book(inst.id), (b: BookUpdate) => this.onBook(b), prio));
    }
  }

  dispose(): void {
    for (const u of this.unsub) u();
  }

  connect(sink: ExecutionReportSink): void {
    this.sink = sink;
  }

  submit(order: Order): void {
    const arriveAt = this.clock.now() + this.config.latencyMs;
    this.clock.setTimer(`arrive:${order.clientOrderId}`, arriveAt, () => this.arrive(order, arriveAt));
  }

  cancel(order: Order): void {
    const at = this.clock.now() + this.config.latencyMs;
    this.clock.setTimer(`cancel:${order.clientOrderId}`, at, () => {
      const list = this.working.get(order.instrumentId) ?? [];
      const i = list.findIndex((w) => w.order.clientOrderId === order.clientOrderId);
      if (i < 0) {
        this.sink({ kind: 'CANCEL_REJECTED', clientOrderId: order.clientOrderId, reason: 'order is not working (already filled or cancelled)', ts: at });
        return;
      }
      list.splice(i, 1);
      this.sink({ kind: 'CANCELED', clientOrderId: order.clientOrderId, ts: at });
    });
  }

  modify(order: Order, change: { quantityRaw?: number; priceRaw?: number; triggerPriceRaw?: number }): void {
    const at = this.clock.now() + this.config.latencyMs;
    this.clock.setTimer(`modify:${order.clientOrderId}`, at, () => {
      const w = (this.working.get(order.instrumentId) ?? []).find((x) => x.order.clientOrderId === order.clientOrderId);
      if (!w) {
        this.sink({ kind: 'UPDATE_REJECTED', clientOrderId: order.clientOrderId, reason: 'order is not working', ts: at });
        return;
      }
      if (change.quantityRaw !== undefined && change.quantityRaw < w.filledRaw) {
        this.sink({ kind: 'UPDATE_REJECTED', clientOrderId: order.clientOrderId, reason: 'new quantity is below the filled quantity', ts: at });
        return;
      }
      w.order = { ...w.order, ...change };
      this.sink({ kind: 'UPDATED', clientOrderId: order.clientOrderId, ts: at, ...change });
    });
  }

  /** Working orders at the venue (for tests and the UI). */
  workingOrders(instrumentId?: InstrumentId): Order[] {
    const lists = instrumentId === undefined ? [...this.working.values()] : [this.working.get(instrumentId) ?? []];
    return lists.flat().map((w) => w.order);
  }

  private arrive(order: Order, ts: number): void {
    const inst = this.instruments.get(order.instrumentId);
    if (!inst) {
      this.sink({ kind: 'REJECTED', clientOrderId: order.clientOrderId, reason: `instrument ${order.instrumentId} is not traded here`, ts });
      return;
    }
    if (order.type !== 'MARKET' && order.type !== 'STOP_MARKET' && order.priceRaw === undefined) {
      this.sink({ kind: 'REJECTED', clientOrderId: order.clientOrderId, reason: `${order.type} order needs a price`, ts });
      return;
    }
    if ((order.type === 'STOP_MARKET' || order.type === 'STOP_LIMIT') && order.triggerPriceRaw === undefined) {
      this.sink({ kind: 'REJECTED', clientOrderId: order.clientOrderId, reason: `${order.type} order needs a trigger price`, ts });
      return;
    }
    if (order.timeInForce === 'GTD' && (order.expireTime === undefined || order.expireTime <= ts)) {
      this.sink({ kind: 'REJECTED', clientOrderId: order.clientOrderId, reason: 'GTD order has no expiry time in the future', ts });
      return;
    }
    if (order.postOnly && order.type === 'LIMIT' && this.wouldTake(order, inst)) {
      this.sink({ kind: 'REJECTED', clientOrderId: order.clientOrderId, reason: 'post-only order would take liquidity', ts });
      return;
    }
    this.orderSeq++;
    this.sink({ kind: 'ACCEPTED', clientOrderId: order.clientOrderId, venueOrderId: `S${this.orderSeq}`, ts });
    // Tick models know the market at arrival: a limit that does not cross it rests (maker) from
    // the start. The bar model decides at the next bar's open.
    const rested = this.config.fillModel !== 'bar' && order.type === 'LIMIT' && !this.wouldTake(order, inst);
    const w: Working = { order, arrivedAt: ts, rested, triggered: false, filledRaw: 0, ...(order.quoteQuantityRaw !== undefined ? { quoteLeftRaw: order.quoteQuantityRaw } : {}) };
    this.working.get(order.instrumentId)?.push(w);
    if (this.config.fillModel === 'book') {
      // The book as of arrival is known: match immediately.
      this.matchBook(inst, w, ts);
      this.afterAttempt(inst, w, ts);
    }
  }

  /** Whether a limit would cross the market now (best opposite price, else the last trade). */
  private wouldTake(order: Order, inst: Instrument): boolean {
    const limit = (order.priceRaw ?? 0) / pow10(inst.pricePrecision);
    const book = this.books.get(inst.id);
    if (book) {
      const best = order.side === 'BUY' ? minKey(book.asks) : maxKey(book.bids);
      if (best !== undefined) return order.side === 'BUY' ? limit >= best : limit <= best;
    }
    const last = this.lastTrade.get(inst.id);
    if (last === undefined) return false;
    return order.side === 'BUY' ? limit >= last : limit <= last;
  }

  // ── bar model ──────────────────────────────────────────────────────────────────────────────
  private onBar(bar: Bar): void {
    this.lastTrade.cell(bar.instrumentId).v = bar.close;
    // An instrument's working list is made once (addInstrument): the last one read needs no lookup.
    const list = bar.instrumentId === this.workingId ? this.workingList : this.working.get(bar.instrumentId);
    if (list === undefined) return;
    this.workingId = bar.instrumentId;
    this.workingList = list;
    if (list.length === 0) return;
    const inst = this.instruments.get(bar.instrumentId) as Instrument;
    const path = barPath(bar);
    for (const w of [...list]) {
      if (w.arrivedAt > bar.openTime) continue; // arrived mid-bar: waits for the next bar
      if (this.expireIfDue(w, bar.openTime)) continue;
      this.matchBar(inst, w, path, bar.openTime);
      this.afterAttempt(inst, w, bar.ts);
    }
  }

  private matchBar(inst: Instrument, w: Working, path: Path, ts: number): void {
    const o = w.order;
    const buy = o.side === 'BUY';
    const pp = pow10(inst.pricePrecision);
    let from: PathPoint = PATH_START(path);
    let triggeredNow = false;
    if ((o.type === 'STOP_MARKET' || o.type === 'STOP_LIMIT') && !w.triggered) {
      const trigger = (o.triggerPriceRaw as number) / pp;
      const hit = firstReach(path, from, trigger, buy, false);
      if (hit === null) return;
      w.triggered = true;
      triggeredNow = true;
      this.sink({ kind: 'TRIGGERED', clientOrderId: o.clientOrderId, ts });
      from = hit;
    }
    if (o.type === 'MARKET' || o.type === 'STOP_MARKET') {
      const px = this.slip(inst, from.price, buy);
      this.fill(inst, w, this.remaining(inst, w, px), px, 'TAKER', ts);
      return;
    }
    const remaining = o.quantityRaw - w.filledRaw;
    const limit = (o.priceRaw as number) / pp;
    // At the start of its life on this path (arrival or trigger point) a crossing limit takes.
    const startPrice = from.price;
    const marketable = buy ? startPrice <= limit : startPrice >= limit;
    if (marketable && (!w.rested || triggeredNow)) {
      this.fill(inst, w, remaining, this.slip(inst, startPrice, buy), 'TAKER', ts);
      return;
    }
    const hit = firstReach(path, from, limit, !buy, true);
    if (hit === null) return;
    // Gap through a resting limit fills at the better open price.
    const px = hit === from ? startPrice : limit;
    this.fill(inst, w, remaining, roundToTick(inst, px, buy ? 'down' : 'up'), 'MAKER', ts);
  }

  // ── trade model ────────────────────────────────────────────────────────────────────────────
  private onTrade(t: TradeTick): void {
    this.lastTrade.cell(t.instrumentId).v = t.price;
    const list = this.working.get(t.instrumentId);
    if (list === undefined || list.length === 0) return;
    const inst = this.instruments.get(t.instrumentId) as Instrument;
    let available = Math.floor(t.size * pow10(inst.sizePrecision) + 1e-6);
    for (const w of [...list]) {
      if (w.arrivedAt > t.ts) continue;
      if (this.expireIfDue(w, t.ts)) continue;
      if (available <= 0) break;
      const used = this.matchTrade(inst, w, t, available);
      available -= used;
      this.afterAttempt(inst, w, t.ts);
    }
  }

  private matchTrade(inst: Instrument, w: Working, t: TradeTick, available: number): number {
    const o = w.order;
    const buy = o.side === 'BUY';
    const pp = pow10(inst.pricePrecision);
    if ((o.type === 'STOP_MARKET' || o.type === 'STOP_LIMIT') && !w.triggered) {
      const trigger = (o.triggerPriceRaw as number) / pp;
      if (buy ? t.price < trigger : t.price > trigger) return 0;
      w.triggered = true;
      this.sink({ kind: 'TRIGGERED', clientOrderId: o.clientOrderId, ts: t.ts });
    }
    if (o.type === 'MARKET' || o.type === 'STOP_MARKET') {
      const px = this.slip(inst, t.price, buy);
      return this.fill(inst, w, Math.min(this.remaining(inst, w, px), available), px, 'TAKER', t.ts);
    }
    const qty = Math.min(o.quantityRaw - w.filledRaw, available);
    // Fill-or-kill needs the whole quantity from one print.
    if (o.timeInForce === 'FOK' && qty < o.quantityRaw - w.filledRaw) return 0;
    const limit = (o.priceRaw as number) / pp;
    if (!w.rested) {
      if (buy ? t.price <= limit : t.price >= limit) return this.fill(inst, w, qty, this.slip(inst, t.price, buy), 'TAKER', t.ts);
      return 0;
    }
    if (buy ? t.price < limit : t.price > limit) return this.fill(inst, w, qty, o.priceRaw as number, 'MAKER', t.ts);
    return 0;
  }

  // ── book (L2) model ────────────────────────────────────────────────────────────────────────
  /** Best bid and ask of the book the venue holds (book model only), when both sides have levels. */
  bookTop(instrumentId: InstrumentId): { readonly bid: number; readonly ask: number } | undefined {
    const book = this.books.get(instrumentId);
    if (!book) return undefined;
    const bid = maxKey(book.bids);
    const ask = minKey(book.asks);
    return bid === undefined || ask === undefined ? undefined : { bid, ask };
  }

  private onBook(u: BookUpdate): void {
    let book = this.books.get(u.instrumentId);
    if (!book || u.action === 'SNAPSHOT') {
      book = { bids: new Map(), asks: new Map(), sequence: u.sequence };
      this.books.set(u.instrumentId, book);
    }
    applyLevels(book.bids, u.bids);
    applyLevels(book.asks, u.asks);
    book.sequence = u.sequence;
    const list = this.working.get(u.instrumentId);
    if (list === undefined || list.length === 0) return;
    const inst = this.instruments.get(u.instrumentId) as Instrument;
    for (const w of [...list]) {
      if (w.arrivedAt > u.ts) continue;
      if (this.expireIfDue(w, u.ts)) continue;
      this.matchBook(inst, w, u.ts);
      this.afterAttempt(inst, w, u.ts);
    }
  }

  private matchBook(inst: Instrument, w: Working, ts: number): void {
    const book = this.books.get(inst.id);
    if (!book) return;
    const o = w.order;
    const buy = o.side === 'BUY';
    const pp = pow10(inst.pricePrecision);
    const bestOpp = buy ? minKey(book.asks) : maxKey(book.bids);
    if (bestOpp === undefined) return;
    if ((o.type === 'STOP_MARKET' || o.type === 'STOP_LIMIT') && !w.triggered) {
      const trigger = (o.triggerPriceRaw as number) / pp;
      if (buy ? bestOpp < trigger : bestOpp > trigger) return;
      w.triggered = true;
      this.sink({ kind: 'TRIGGERED', clientOrderId: o.clientOrderId, ts });
    }
    const limit = o.type === 'MARKET' || o.type === 'STOP_MARKET' ? (buy ? Infinity : -Infinity) : (o.priceRaw as number) / pp;
    if (w.rested && o.type === 'LIMIT' ? (buy ? bestOpp < limit : bestOpp > limit) : buy ? bestOpp <= limit : bestOpp >= limit) {
      if (w.rested && (o.type === 'LIMIT' || o.type === 'STOP_LIMIT')) {
        // The market moved through a resting order: it was hit at its own price.
        this.fill(inst, w, o.quantityRaw - w.filledRaw, o.priceRaw as number, 'MAKER', ts);
        return;
      }
      // Taker: walk the opposite side's levels up to the limit.
      const levels = [...(buy ? book.asks : book.bids).entries()].sort((a, b) => (buy ? a[0] - b[0] : b[0] - a[0]));
      const sp = pow10(inst.sizePrecision);
      for (const [px, size] of levels) {
        if (buy ? px > limit : px < limit) break;
        const pxRaw = this.slip(inst, px, buy);
        const remaining = this.remaining(inst, w, pxRaw);
        if (remaining <= 0) break;
        const take = Math.min(remaining, Math.floor(size * sp + 1e-6));
        if (take <= 0) continue;
        if (this.fill(inst, w, take, pxRaw, 'TAKER', ts) === 0) break;
      }
    }
  }

  // ── common ─────────────────────────────────────────────────────────────────────────────────
  /** What is left to fill at `priceRaw`: for a quote-amount order, what its quote left buys there. */
  private remaining(inst: Instrument, w: Working, priceRaw: number): number {
    if (w.quoteLeftRaw === undefined) return w.order.quantityRaw - w.filledRaw;
    const lots = lotsForQuote(inst, w.quoteLeftRaw, priceRaw, this.config.takerFeeBps);
    if (lots === 0) w.quoteShortAt = priceRaw;
    return lots;
  }

  private expireIfDue(w: Working, ts: number): boolean {
    if (w.order.timeInForce === 'GTD' && w.order.expireTime !== undefined && ts >= w.order.expireTime) {
      this.remove(w);
      this.sink({ kind: 'EXPIRED', clientOrderId: w.order.clientOrderId, ts });
      return true;
    }
    return false;
  }

  /** After a matching attempt: IOC/FOK remainders are cancelled; anything left has rested. */
  private afterAttempt(inst: Instrument, w: Working, ts: number): void {
    if (w.filledRaw >= w.order.quantityRaw) return;
    if (!this.isWorking(w)) return;
    if (w.quoteShortAt !== undefined) {
      const left = ((w.quoteLeftRaw ?? 0) / pow10(inst.quotePrecision)).toFixed(inst.quotePrecision).replace(/\.?0+$/, '');
      const px = (w.quoteShortAt / pow10(inst.pricePrecision)).toFixed(inst.pricePrecision);
      this.remove(w);
      this.sink({ kind: 'CANCELED', clientOrderId: w.order.clientOrderId, ts, reason: `${w.filledRaw > 0 ? 'the rest of the quote amount, ' : ''}${left} ${inst.quote}, buys less than one lot at ${px} (fee included)` });
      return;
    }
    const tif = w.order.timeInForce;
    if ((tif === 'IOC' || tif === 'FOK') && w.order.type !== 'MARKET' && w.order.type !== 'STOP_MARKET') {
      this.remove(w);
      this.sink({ kind: 'CANCELED', clientOrderId: w.order.clientOrderId, ts, reason: `${tif} remainder cancelled` });
      return;
    }
    w.rested = true;
  }

  private isWorking(w: Working): boolean {
    return (this.working.get(w.order.instrumentId) ?? []).includes(w);
  }

  private remove(w: Working): void {
    const list = this.working.get(w.order.instrumentId);
    if (!list) return;
    const i = list.indexOf(w);
    if (i >= 0) list.splice(i, 1);
  }

  /** Taker price after slippage, rounded to the tick against the trader. Returns raw. */
  private slip(inst: Instrument, px: number, buy: boolean): number {
    const bps = this.config.slippageBps;
    const adj = buy ? px * (1 + bps / 10_000) : px * (1 - bps / 10_000);
    return roundToTick(inst, adj, bps === 0 ? 'nearest' : buy ? 'up' : 'down');
  }

  /** Fills `qty` raw at `priceRaw`; returns the quantity actually filled (0 when refused). */
  private fill(inst: Instrument, w: Working, qty: number, priceRaw: number, liquidity: LiquiditySide, ts: number): number {
    const o = w.order;
    if (qty <= 0) return 0;
    const qp = inst.quotePrecision;
    const notionalRaw = mulRaw(priceRaw, inst.pricePrecision, qty, inst.sizePrecision, qp);
    const bps = liquidity === 'MAKER' ? this.config.makerFeeBps : this.config.takerFeeBps;
    const feeRaw = Math.ceil((notionalRaw * bps) / 10_000 - 1e-9);
    const net = this.account.position(inst.id);
    if (o.reduceOnly) {
      const reduces = o.side === 'BUY' ? net < 0 && qty <= -net : net > 0 && qty <= net;
      if (!reduces) {
        this.remove(w);
        this.sink({ kind: 'CANCELED', clientOrderId: o.clientOrderId, reason: 'reduce-only order would increase the position', ts });
        return 0;
      }
    }
    if (inst.kind === 'spot') {
      const problem =
        o.side === 'BUY'
          ? (notionalRaw + feeRaw) / pow10(qp) > this.account.free(inst.quote) + 1e-12
            ? `insufficient ${inst.quote}: need ${((notionalRaw + feeRaw) / pow10(qp)).toFixed(qp)}, have ${this.account.free(inst.quote)}`
            : null
          : qty / pow10(inst.sizePrecision) > this.account.free(inst.base) + 1e-12
            ? `insufficient ${inst.base}: need ${qty / pow10(inst.sizePrecision)}, have ${this.account.free(inst.base)}`
            : null;
      if (problem !== null) {
        this.remove(w);
        this.sink({ kind: 'CANCELED', clientOrderId: o.clientOrderId, reason: problem, ts });
        return 0;
      }
    }
    this.tradeSeq++;
    w.filledRaw += qty;
    let orderQuantityRaw: number | undefined;
    if (w.quoteLeftRaw !== undefined) {
      // The quantity of a quote-amount order is what it has bought plus what its rest buys here.
      w.quoteLeftRaw -= notionalRaw + feeRaw;
      orderQuantityRaw = w.filledRaw + lotsForQuote(inst, w.quoteLeftRaw, priceRaw, this.config.takerFeeBps);
      w.order = { ...w.order, quantityRaw: orderQuantityRaw };
    }
    if (w.filledRaw >= w.order.quantityRaw) this.remove(w);
    const fill: Fill = {
      tradeId: `${this.venue}-${this.tradeSeq}`,
      clientOrderId: o.clientOrderId,
      strategyId: o.strategyId,
      instrumentId: o.instrumentId,
      side: o.side,
      quantityRaw: qty,
      priceRaw,
      feeRaw,
      feeCurrency: inst.quote,
      feePrecision: qp,
      liquidity,
      ts,
    };
    this.sink({ kind: 'FILLED', fill, ...(orderQuantityRaw !== undefined ? { orderQuantityRaw } : {}) });
    return qty;
  }
}

/** Notional plus fee (rounded up) of `qtyRaw` at `priceRaw`, raw at the quote precision — as `fill` charges it. */
export function costRaw(inst: Instrument, qtyRaw: number, priceRaw: number, feeBps: number): number {
  const notionalRaw = mulRaw(priceRaw, inst.pricePrecision, qtyRaw, inst.sizePrecision, inst.quotePrecision);
  return notionalRaw + Math.ceil((notionalRaw * feeBps) / 10_000 - 1e-9);
}

function fits(inst: Instrument, qtyRaw: number, priceRaw: number, feeBps: number, quoteRaw: number): boolean {
  // A cost beyond the safe integers is beyond any quote amount (which is one).
  if ((qtyRaw / pow10(inst.sizePrecision)) * (priceRaw / pow10(inst.pricePrecision)) * pow10(inst.quotePrecision) > 2 ** 53) return false;
  return costRaw(inst, qtyRaw, priceRaw, feeBps) <= quoteRaw;
}

/**
 * The largest lot multiple whose cost (notional + fee) at `priceRaw` fits `quoteRaw`; 0 when not
 * even one lot (or less than the minimum quantity) fits.
 */
export function lotsForQuote(inst: Instrument, quoteRaw: number, priceRaw: number, feeBps: number): number {
  if (!(quoteRaw > 0) || !(priceRaw > 0)) return 0;
  const px = priceRaw / pow10(inst.pricePrecision);
  const quote = quoteRaw / pow10(inst.quotePrecision);
  let lots = Math.floor((quote / (px * (1 + feeBps / 10_000))) * pow10(inst.sizePrecision) / inst.lotRaw);
  // The float estimate is within a lot or two of the exact answer: settle it on the integers.
  while (lots > 0 && !fits(inst, lots * inst.lotRaw, priceRaw, feeBps, quoteRaw)) lots--;
  while (fits(inst, (lots + 1) * inst.lotRaw, priceRaw, feeBps, quoteRaw)) lots++;
  const qty = lots * inst.lotRaw;
  return qty >= inst.minQtyRaw ? qty : 0;
}

function applyLevels(side: Map<number, number>, levels: readonly BookLevel[]): void {
  for (const l of levels) {
    if (l.size === 0) side.delete(l.price);
    else side.set(l.price, l.size);
  }
}

function minKey(m: Map<number, number>): number | undefined {
  let best: number | undefined;
  for (const k of m.keys()) if (best === undefined || k < best) best = k;
  return best;
}

function maxKey(m: Map<number, number>): number | undefined {
  let best: number | undefined;
  for (const k of m.keys()) if (best === undefined || k > best) best = k;
  return best;
}
