/**
 * Matching engine and account state of the Binance spot simulator.
 *
 * Model (deliberately simple, but self-consistent):
 * - Each symbol has a synthetic public book of 20 levels per side around a mid
 *   price. `setPrice` re-centres it; taker orders consume it. Every change is
 *   published as a diff-depth batch whose update ids continue the `lastUpdateId`
 *   that `GET /api/v3/depth` reports, so clients can rebuild the book.
 * - User MARKET orders (and marketable LIMIT orders) take liquidity from that
 *   book, level by level, as taker. Resting LIMIT orders do not appear in the
 *   public book; they fill as maker, at their own limit price, when the market
 *   prints through them (`setPrice` fills them completely, `trade` fills up to
 *   the printed quantity in price-time priority).
 * - STOP_LOSS / TAKE_PROFIT (and their _LIMIT variants) wait untriggered and
 *   activate when a print crosses `stopPrice`.
 * - One account (any configured API key trades it). Funds are locked for
 *   resting orders; fees are charged on the received asset.
 * - A public tape is seeded with a deterministic random walk so that trades,
 *   klines and 24h tickers have history.
 */

import { round, decimalsOf, isMultipleOf } from './markets';
import {
  SimApiError,
  type BalanceEntry,
  type DepthDiff,
  type ExecutionType,
  type OrderStatus,
  type OrderType,
  type PublicTrade,
  type Side,
  type SimFill,
  type SimOrder,
  type SymbolSpec,
  type TimeInForce,
} from './types';

/** Observer of engine events (the WebSocket layer subscribes here). */
export interface EngineListener {
  depth?(diff: DepthDiff): void;
  publicTrade?(symbol: string, trade: PublicTrade): void;
  execution?(order: SimOrder, execType: ExecutionType, fill: SimFill | undefined, eventTime: number): void;
  balances?(assets: readonly string[], eventTime: number): void;
}

export interface EngineOptions {
  readonly symbols: readonly SymbolSpec[];
  /** Initial free balances per asset. */
  readonly balances: Readonly<Record<string, number>>;
  readonly makerFee: number;
  readonly takerFee: number;
  readonly seed: number;
  /** Minutes of synthetic tape history (one print per minute). */
  readonly historyMinutes: number;
  readonly now: () => number;
}

/** A new-order request with the raw wire parameters (strings). */
export interface NewOrderRequest {
  readonly apiKey: string;
  readonly symbol?: string | undefined;
  readonly side?: string | undefined;
  readonly type?: string | undefined;
  readonly timeInForce?: string | undefined;
  readonly quantity?: string | undefined;
  readonly quoteOrderQty?: string | undefined;
  readonly price?: string | undefined;
  readonly stopPrice?: string | undefined;
  readonly newClientOrderId?: string | undefined;
}

export interface OrderRef {
  readonly orderId?: string | undefined;
  readonly origClientOrderId?: string | undefined;
}

interface Book {
  bids: Map<number, number>;
  asks: Map<number, number>;
  lastUpdateId: number;
  mid: number;
}

const ORDER_TYPES: readonly OrderType[] = ['LIMIT', 'MARKET', 'LIMIT_MAKER', 'STOP_LOSS', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT', 'TAKE_PROFIT_LIMIT'];
const TIME_IN_FORCE: readonly TimeInForce[] = ['GTC', 'IOC', 'FOK'];
const CLIENT_ID_RE = /^[.A-Z:/a-z0-9_-]{1,36}$/;
const NUMBER_RE = /^([0-9]{1,20})(\.[0-9]{1,20})?$/;
const BOOK_LEVELS = 20;

export const KLINE_INTERVALS: Readonly<Record<string, number>> = {
  '1s': 1_000, '1m': 60_000, '3m': 180_000, '5m': 300_000, '15m': 900_000, '30m': 1_800_000,
  '1h': 3_600_000, '2h': 7_200_000, '4h': 14_400_000, '6h': 21_600_000, '8h': 28_800_000,
  '12h': 43_200_000, '1d': 86_400_000, '3d': 259_200_000, '1w': 604_800_000,
};

/** Deterministic PRNG (mulberry32). */
function makeRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function isOpen(o: SimOrder): boolean {
  return o.status === 'NEW' || o.status === 'PARTIALLY_FILLED';
}

function mandatory(name: string): SimApiError {
  return new SimApiError(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);
}

function parseDecimal(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!NUMBER_RE.test(raw)) {
    throw new SimApiError(400, -1100, `Illegal characters found in parameter '${name}'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.`);
  }
  return Number(raw);
}

export class Engine {
  readonly specs = new Map<string, SymbolSpec>();
  private readonly books = new Map<string, Book>();
  private readonly tapes = new Map<string, PublicTrade[]>();
  private readonly nextTradeIds = new Map<string, number>();
  private readonly orders: SimOrder[] = [];
  /** Orders that may still be open (pruned lazily): prints scan these, not the whole history. */
  private live: SimOrder[] = [];
  private readonly fills: SimFill[] = [];
  private readonly wallet = new Map<string, BalanceEntry>();
  private readonly listeners = new Set<EngineListener>();
  private readonly pendingGaps = new Map<string, number>();
  private readonly touched = new Set<string>();
  private readonly rng: () => number;
  private nextOrderId = 1;
  readonly makerFee: number;
  readonly takerFee: number;
  readonly now: () => number;

  constructor(opts: EngineOptions) {
    this.rng = makeRng(opts.seed);
    this.makerFee = opts.makerFee;
    this.takerFee = opts.takerFee;
    this.now = opts.now;
    for (const [asset, free] of Object.entries(opts.balances)) this.wallet.set(asset, { free, locked: 0 });
    for (const spec of opts.symbols) {
      this.specs.set(spec.symbol, spec);
      for (const asset of [spec.base, spec.quote]) if (!this.wallet.has(asset)) this.wallet.set(asset, { free: 0, locked: 0 });
      this.books.set(spec.symbol, { bids: new Map(), asks: new Map(), lastUpdateId: 1_000_000 + Math.floor(this.rng() * 1_000_000), mid: spec.initialPrice });
      this.nextTradeIds.set(spec.symbol, 100_000 + Math.floor(this.rng() * 100_000));
      this.seedTape(spec, opts.historyMinutes);
      this.rebuildBook(spec, spec.initialPrice, false);
    }
  }

  // ---------------------------------------------------------------- listeners

  subscribe(listener: EngineListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ------------------------------------------------------------------ queries

  spec(symbol: string | undefined): SymbolSpec {
    if (symbol === undefined || symbol === '') throw mandatory('symbol');
    const spec = this.specs.get(symbol);
    if (spec === undefined) throw new SimApiError(400, -1121, 'Invalid symbol.');
    return spec;
  }

  depth(symbol: string, limit: number): { lastUpdateId: number; bids: Array<[number, number]>; asks: Array<[number, number]> } {
    const book = this.book(symbol);
    return { lastUpdateId: book.lastUpdateId, bids: this.side(book.bids, 'desc').slice(0, limit), asks: this.side(book.asks, 'asc').slice(0, limit) };
  }

  bestBidAsk(symbol: string): { bid: [number, number] | undefined; ask: [number, number] | undefined; updateId: number } {
    const d = this.depth(symbol, 1);
    return { bid: d.bids[0], ask: d.asks[0], updateId: d.lastUpdateId };
  }

  tape(symbol: string): readonly PublicTrade[] {
    this.spec(symbol);
    return this.tapes.get(symbol) ?? [];
  }

  lastPrice(symbol: string): number {
    const tape = this.tape(symbol);
    return tape[tape.length - 1]?.price ?? this.book(symbol).mid;
  }

  allOrders(): readonly SimOrder[] {
    return this.orders;
  }

  allFills(): readonly SimFill[] {
    return this.fills;
  }

  balances(): ReadonlyMap<string, BalanceEntry> {
    return this.wallet;
  }

  balance(asset: string): BalanceEntry {
    let entry = this.wallet.get(asset);
    if (entry === undefined) {
      entry = { free: 0, locked: 0 };
      this.wallet.set(asset, entry);
    }
    return entry;
  }

  findOrder(symbol: string, ref: OrderRef): SimOrder {
    this.spec(symbol);
    if ((ref.orderId === undefined || ref.orderId === '') && (ref.origClientOrderId === undefined || ref.origClientOrderId === '')) {
      throw new SimApiError(400, -1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");
    }
    let found: SimOrder | undefined;
    if (ref.orderId !== undefined && ref.orderId !== '') {
      const id = Number(ref.orderId);
      found = this.orders.find((o) => o.symbol === symbol && o.orderId === id);
      if (found !== undefined && ref.origClientOrderId !== undefined && found.clientOrderId !== ref.origClientOrderId) found = undefined;
    } else {
      // Binance resolves a client id to the most recent order carrying it.
      for (let i = this.orders.length - 1; i >= 0; i--) {
        const o = this.orders[i];
        if (o !== undefined && o.symbol === symbol && o.clientOrderId === ref.origClientOrderId) {
          found = o;
          break;
        }
      }
    }
    if (found === undefined) throw new SimApiError(400, -2013, 'Order does not exist.');
    return found;
  }

  // ------------------------------------------------------------- test control

  /** Adds (or with `set`, replaces) free balance of an asset. */
  credit(asset: string, amount: number, set = false): void {
    const b = this.balance(asset);
    b.free = round(set ? amount : b.free + amount);
    this.touched.add(asset);
    this.flushBalances();
  }

  /** Makes the next depth diff of `symbol` skip `skip` update ids. */
  injectSequenceGap(symbol: string, skip: number): void {
    this.spec(symbol);
    this.pendingGaps.set(symbol, skip);
  }

  /** Re-centres the book on `price`, fills every resting order the move crosses, prints a trade at `price`. */
  setPrice(symbol: string, price: number): void {
    const spec = this.spec(symbol);
    const p = this.roundPrice(spec, price);
    this.rebuildBook(spec, p, true);
    this.marketPrint(spec, p, Number.POSITIVE_INFINITY);
    this.printTrade(spec, p, Math.max(spec.minQty, this.roundQty(spec, spec.levelQty / 10)), p < this.lastPrice(symbol));
    this.flushBalances();
  }

  /** Prints a public trade of `qty` at `price`; resting orders crossed by it fill (up to `qty`). */
  trade(symbol: string, price: number, qty: number): void {
    const spec = this.spec(symbol);
    const p = this.roundPrice(spec, price);
    const previous = this.lastPrice(symbol);
    const left = this.marketPrint(spec, p, this.roundQty(spec, qty));
    if (left > 0) this.printTrade(spec, p, left, p < previous);
    this.flushBalances();
  }

  // ------------------------------------------------------------------ orders

  placeOrder(req: NewOrderRequest): { order: SimOrder; fills: SimFill[] } {
    const spec = this.spec(req.symbol);
    if (req.side === undefined || req.side === '') throw mandatory('side');
    if (req.side !== 'BUY' && req.side !== 'SELL') throw new SimApiError(400, -1117, 'Invalid side.');
    const side: Side = req.side;
    if (req.type === undefined || req.type === '') throw mandatory('type');
    if (!(ORDER_TYPES as readonly string[]).includes(req.type)) throw new SimApiError(400, -1116, 'Invalid orderType.');
    const type = req.type as OrderType;

    const needsPrice = type === 'LIMIT' || type === 'LIMIT_MAKER' || type === 'STOP_LOSS_LIMIT' || type === 'TAKE_PROFIT_LIMIT';
    const needsTif = type === 'LIMIT' || type === 'STOP_LOSS_LIMIT' || type === 'TAKE_PROFIT_LIMIT';
    const needsStop = type.startsWith('STOP_LOSS') || type.startsWith('TAKE_PROFIT');

    let timeInForce: TimeInForce = 'GTC';
    if (needsTif) {
      if (req.timeInForce === undefined || req.timeInForce === '') throw mandatory('timeInForce');
      if (!(TIME_IN_FORCE as readonly string[]).includes(req.timeInForce)) throw new SimApiError(400, -1115, 'Invalid timeInForce.');
      timeInForce = req.timeInForce as TimeInForce;
    } else if (req.timeInForce !== undefined && req.timeInForce !== '') {
      throw new SimApiError(400, -1106, "Parameter 'timeInForce' sent when not required.");
    }

    const price = parseDecimal('price', req.price);
    const stopPrice = parseDecimal('stopPrice', req.stopPrice);
    let qty = parseDecimal('quantity', req.quantity);
    const quoteQty = parseDecimal('quoteOrderQty', req.quoteOrderQty);

    if (needsPrice && price === undefined) throw mandatory('price');
    if (!needsPrice && price !== undefined) throw new SimApiError(400, -1106, "Parameter 'price' sent when not required.");
    if (needsStop && stopPrice === undefined) throw mandatory('stopPrice');
    if (type === 'MARKET') {
      if (qty === undefined && quoteQty === undefined) throw mandatory('quantity');
      if (qty !== undefined && quoteQty !== undefined) throw new SimApiError(400, -1106, "Parameter 'quoteOrderQty' sent when not required.");
    } else if (qty === undefined) {
      throw mandatory('quantity');
    }

    // Filters.
    for (const p of [price, stopPrice]) {
      if (p === undefined) continue;
      if (p < spec.minPrice || p > spec.maxPrice || !isMultipleOf(p, spec.tickSize)) {
        throw new SimApiError(400, -1013, 'Filter failure: PRICE_FILTER');
      }
    }
    if (qty !== undefined && (qty < spec.minQty || qty > spec.maxQty || !isMultipleOf(qty, spec.stepSize))) {
      throw new SimApiError(400, -1013, 'Filter failure: LOT_SIZE');
    }
    const book = this.book(spec.symbol);
    const refPrice = price ?? stopPrice ?? this.lastPrice(spec.symbol);
    const notional = quoteQty ?? (qty ?? 0) * refPrice;
    if (notional < spec.minNotional) throw new SimApiError(400, -1013, 'Filter failure: NOTIONAL');

    // Client order id.
    let clientOrderId = req.newClientOrderId;
    if (clientOrderId === undefined || clientOrderId === '') {
      clientOrderId = this.randomClientId();
    } else if (!CLIENT_ID_RE.test(clientOrderId)) {
      throw new SimApiError(400, -1100, "Illegal characters found in parameter 'newClientOrderId'; legal range is '^[\\.A-Z\\:/a-z0-9_-]{1,36}$'.");
    }
    const cid = clientOrderId;
    // Only working orders can clash (`live` holds every one of them): not a scan of the history.
    if (this.live.some((o) => isOpen(o) && o.clientOrderId === cid)) {
      throw new SimApiError(400, -2010, 'Duplicate order sent.');
    }

    const best = this.bestBidAsk(spec.symbol);
    if (needsStop && stopPrice !== undefined) {
      const last = this.lastPrice(spec.symbol);
      if (this.stopTriggered(type, side, stopPrice, last)) throw new SimApiError(400, -2010, 'Stop price would trigger immediately.');
    }
    if (type === 'LIMIT_MAKER' && price !== undefined) {
      const crosses = side === 'BUY' ? best.ask !== undefined && price >= best.ask[0] : best.bid !== undefined && price <= best.bid[0];
      if (crosses) throw new SimApiError(400, -2010, 'Order would immediately match and take.');
    }

    // Funds.
    let lockAsset = side === 'BUY' ? spec.quote : spec.base;
    let lockAmount = 0;
    if (type === 'MARKET') {
      const walk = this.walk(book, side, undefined, qty, quoteQty, spec, false);
      const need = side === 'BUY' ? walk.quote : walk.qty;
      if (need > this.balance(lockAsset).free + 1e-12 || walk.qty === 0) {
        if (walk.qty === 0) throw new SimApiError(400, -2010, 'Market is closed.');
        throw new SimApiError(400, -2010, 'Account has insufficient balance for requested action.');
      }
      if (qty === undefined) qty = 0;
    } else {
      const unit = side === 'BUY' ? (price ?? stopPrice ?? 0) : 1;
      lockAmount = round((qty ?? 0) * unit, side === 'BUY' ? spec.quoteDecimals : spec.baseDecimals);
      if (lockAmount > this.balance(lockAsset).free + 1e-12) {
        throw new SimApiError(400, -2010, 'Account has insufficient balance for requested action.');
      }
      this.lock(lockAsset, lockAmount);
    }
    if (lockAmount === 0) lockAsset = '';

    const now = this.now();
    const order: SimOrder = {
      symbol: spec.symbol,
      orderId: this.nextOrderId++,
      clientOrderId: cid,
      side,
      type,
      timeInForce,
      price: price ?? 0,
      stopPrice: stopPrice ?? 0,
      origQty: qty ?? 0,
      origQuoteOrderQty: quoteQty ?? 0,
      executedQty: 0,
      cummulativeQuoteQty: 0,
      status: 'NEW',
      time: now,
      updateTime: now,
      workingTime: needsStop ? -1 : now,
      isWorking: !needsStop,
      locked: lockAmount,
      lockedAsset: lockAsset,
      apiKey: req.apiKey,
    };
    this.orders.push(order);
    if (isOpen(order)) this.live.push(order);
    this.emitExecution(order, 'NEW', undefined);

    const fills: SimFill[] = [];
    if (type === 'MARKET') {
      fills.push(...this.take(spec, order, undefined, qty === 0 ? undefined : qty, quoteQty));
      if (order.status !== 'FILLED') this.finish(order, 'EXPIRED');
    } else if (type === 'LIMIT') {
      fills.push(...this.activateLimit(spec, order));
    }
    this.flushBalances();
    return { order, fills };
  }

  cancelOrder(symbol: string, ref: OrderRef): SimOrder {
    let order: SimOrder;
    try {
      order = this.findOrder(symbol, ref);
    } catch (err) {
      if (err instanceof SimApiError && err.code === -2013) throw new SimApiError(400, -2011, 'Unknown order sent.');
      throw err;
    }
    if (!isOpen(order)) throw new SimApiError(400, -2011, 'Unknown order sent.');
    this.finish(order, 'CANCELED');
    this.flushBalances();
    return order;
  }

  /**
   * Binance USD-M `PUT /fapi/v1/order`: modifies a working LIMIT order IN PLACE (same order id,
   * new price and total quantity, back of the queue). Both `quantity` and `price` are required.
   * An order that is not working: -2013. Same terms: -5027. A new quantity at or below what
   * already filled cancels the order (Binance's rule). Funds are re-locked at the new terms; a
   * new price that crosses the book executes at once.
   */
  modifyOrder(symbol: string, ref: OrderRef, req: { side?: string | undefined; quantity?: string | undefined; price?: string | undefined }): SimOrder {
    const spec = this.spec(symbol);
    if (req.side === undefined || req.side === '') throw mandatory('side');
    const qty = parseDecimal('quantity', req.quantity);
    if (qty === undefined) throw mandatory('quantity');
    const price = parseDecimal('price', req.price);
    if (price === undefined) throw mandatory('price');
    const order = this.findOrder(symbol, ref);
    if (!isOpen(order)) throw new SimApiError(400, -2013, 'Order does not exist.');
    if (order.side !== req.side) throw new SimApiError(400, -1117, 'Invalid side.');
    if (order.type !== 'LIMIT') throw new SimApiError(400, -1116, 'Invalid orderType.');
    if (price < spec.minPrice || price > spec.maxPrice || !isMultipleOf(price, spec.tickSize)) throw new SimApiError(400, -4014, 'Price not increased by tick size.');
    if (qty < spec.minQty || qty > spec.maxQty || !isMultipleOf(qty, spec.stepSize)) throw new SimApiError(400, -4023, 'Quantity not increased by step size.');
    if (price === order.price && qty === order.origQty) throw new SimApiError(400, -5027, 'No need to modify the order.');
    if (qty <= order.executedQty + 1e-12) {
      this.finish(order, 'CANCELED');
      this.flushBalances();
      return order;
    }
    const remaining = round(qty - order.executedQty);
    const asset = order.side === 'BUY' ? spec.quote : spec.base;
    const amount = round(order.side === 'BUY' ? remaining * price : remaining, order.side === 'BUY' ? spec.quoteDecimals : spec.baseDecimals);
    if (amount > this.balance(asset).free + order.locked + 1e-12) throw new SimApiError(400, -2019, 'Margin is insufficient.');
    this.unlock(order);
    this.lock(asset, amount);
    order.locked = amount;
    order.lockedAsset = asset;
    order.price = price;
    order.origQty = qty;
    order.updateTime = this.now();
    this.emitExecution(order, 'AMENDMENT', undefined);
    this.activateLimit(spec, order);
    this.flushBalances();
    return order;
  }

  cancelAll(symbol: string): SimOrder[] {
    this.spec(symbol);
    const open = this.orders.filter((o) => o.symbol === symbol && isOpen(o));
    if (open.length === 0) throw new SimApiError(400, -2011, 'Unknown order sent.');
    for (const o of open) this.finish(o, 'CANCELED');
    this.flushBalances();
    return open;
  }

  // --------------------------------------------------------------- internals

  private book(symbol: string): Book {
    const book = this.books.get(symbol);
    if (book === undefined) throw new SimApiError(400, -1121, 'Invalid symbol.');
    return book;
  }

  private side(levels: Map<number, number>, order: 'asc' | 'desc'): Array<[number, number]> {
    const rows = [...levels.entries()];
    rows.sort((a, b) => (order === 'asc' ? a[0] - b[0] : b[0] - a[0]));
    return rows;
  }

  private roundPrice(spec: SymbolSpec, p: number): number {
    return round(Math.round(p / spec.tickSize) * spec.tickSize, decimalsOf(spec.tickSize));
  }

  private roundQty(spec: SymbolSpec, q: number): number {
    return round(Math.floor(q / spec.stepSize + 1e-9) * spec.stepSize, decimalsOf(spec.stepSize));
  }

  private randomClientId(): string {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    let s = '';
    for (let i = 0; i < 22; i++) s += alphabet[Math.floor(this.rng() * alphabet.length)];
    return s;
  }

  private seedTape(spec: SymbolSpec, minutes: number): void {
    const tape: PublicTrade[] = [];
    const now = this.now();
    let price = spec.initialPrice;
    const prices: number[] = [];
    for (let i = 0; i < minutes; i++) {
      prices.push(price);
      price = price * (1 + (this.rng() - 0.5) * 0.002);
    }
    prices.reverse(); // the walk ends at initialPrice
    const firstId = this.nextTradeIds.get(spec.symbol) ?? 1;
    for (let i = 0; i < minutes; i++) {
      const p = prices[i] ?? spec.initialPrice;
      tape.push({
        id: firstId + i,
        price: this.roundPrice(spec, p),
        qty: Math.max(spec.minQty, this.roundQty(spec, spec.levelQty * this.rng())),
        time: now - (minutes - i) * 60_000 + Math.floor(this.rng() * 50_000),
        isBuyerMaker: this.rng() < 0.5,
      });
    }
    this.nextTradeIds.set(spec.symbol, firstId + minutes);
    this.tapes.set(spec.symbol, tape);
  }

  private rebuildBook(spec: SymbolSpec, mid: number, publish: boolean): void {
    const book = this.book(spec.symbol);
    const tickDp = decimalsOf(spec.tickSize);
    const spacing = Math.max(spec.tickSize, round(Math.floor((mid * 0.0001) / spec.tickSize) * spec.tickSize, tickDp));
    const bestBid = round(Math.floor((mid - spacing / 2) / spec.tickSize + 1e-9) * spec.tickSize, tickDp);
    const bids = new Map<number, number>();
    const asks = new Map<number, number>();
    for (let i = 0; i < BOOK_LEVELS; i++) {
      const bid = round(bestBid - i * spacing, tickDp);
      const ask = round(bestBid + (i + 1) * spacing, tickDp);
      if (bid > 0) bids.set(bid, Math.max(spec.minQty, this.roundQty(spec, spec.levelQty * (0.5 + this.rng()))));
      asks.set(ask, Math.max(spec.minQty, this.roundQty(spec, spec.levelQty * (0.5 + this.rng()))));
    }
    const diffBids = this.diffSide(book.bids, bids);
    const diffAsks = this.diffSide(book.asks, asks);
    book.bids = bids;
    book.asks = asks;
    book.mid = mid;
    if (publish) this.publishDepth(spec.symbol, diffBids, diffAsks);
    else book.lastUpdateId += diffBids.length + diffAsks.length;
  }

  private diffSide(before: Map<number, number>, after: Map<number, number>): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (const [p, q] of after) if (before.get(p) !== q) out.push([p, q]);
    for (const p of before.keys()) if (!after.has(p)) out.push([p, 0]);
    return out;
  }

  private publishDepth(symbol: string, bids: Array<[number, number]>, asks: Array<[number, number]>): void {
    if (bids.length === 0 && asks.length === 0) return;
    const book = this.book(symbol);
    const gap = this.pendingGaps.get(symbol) ?? 0;
    this.pendingGaps.delete(symbol);
    const first = book.lastUpdateId + 1 + gap;
    const last = first + bids.length + asks.length - 1;
    book.lastUpdateId = last;
    const diff: DepthDiff = { symbol, firstUpdateId: first, finalUpdateId: last, time: this.now(), bids, asks };
    for (const l of this.listeners) l.depth?.(diff);
  }

  /** Walks the opposite side of the book (optionally consuming it). */
  private walk(
    book: Book,
    side: Side,
    limit: number | undefined,
    qty: number | undefined,
    quote: number | undefined,
    spec: SymbolSpec,
    mutate: boolean,
  ): { qty: number; quote: number; levels: Array<[number, number]>; changed: Array<[number, number]> } {
    const levels = side === 'BUY' ? this.side(book.asks, 'asc') : this.side(book.bids, 'desc');
    const target = side === 'BUY' ? book.asks : book.bids;
    let remainingQty = qty ?? Number.POSITIVE_INFINITY;
    let remainingQuote = quote ?? Number.POSITIVE_INFINITY;
    let totalQty = 0;
    let totalQuote = 0;
    const taken: Array<[number, number]> = [];
    const changed: Array<[number, number]> = [];
    for (const [price, available] of levels) {
      if (remainingQty <= 0 || remainingQuote <= 0) break;
      if (limit !== undefined && (side === 'BUY' ? price > limit : price < limit)) break;
      let q = Math.min(available, remainingQty);
      if (quote !== undefined) q = Math.min(q, this.roundQty(spec, remainingQuote / price));
      q = this.roundQty(spec, q);
      if (q <= 0) break;
      taken.push([price, q]);
      totalQty = round(totalQty + q);
      totalQuote = round(totalQuote + price * q);
      remainingQty = round(remainingQty - q);
      remainingQuote = round(remainingQuote - price * q);
      if (mutate) {
        const left = this.roundQty(spec, available - q);
        if (left <= 0) target.delete(price);
        else target.set(price, left);
        changed.push([price, Math.max(0, left)]);
      }
    }
    return { qty: totalQty, quote: totalQuote, levels: taken, changed };
  }

  /** Taker execution against the synthetic book. */
  private take(spec: SymbolSpec, order: SimOrder, limit: number | undefined, qty: number | undefined, quote: number | undefined): SimFill[] {
    const book = this.book(spec.symbol);
    const res = this.walk(book, order.side, limit, qty, quote, spec, true);
    if (order.side === 'BUY') this.publishDepth(spec.symbol, [], res.changed);
    else this.publishDepth(spec.symbol, res.changed, []);
    if (order.type === 'MARKET' && order.origQty === 0) order.origQty = res.qty; // quoteOrderQty market order
    const fills: SimFill[] = [];
    for (const [price, q] of res.levels) fills.push(this.applyFill(spec, order, price, q, false));
    return fills;
  }

  /** A LIMIT order (or a triggered STOP/TAKE_PROFIT_LIMIT) enters the book. */
  private activateLimit(spec: SymbolSpec, order: SimOrder): SimFill[] {
    const best = this.bestBidAsk(spec.symbol);
    const marketable = order.side === 'BUY' ? best.ask !== undefined && order.price >= best.ask[0] : best.bid !== undefined && order.price <= best.bid[0];
    const remaining = round(order.origQty - order.executedQty);
    const fills: SimFill[] = [];
    if (marketable) {
      if (order.timeInForce === 'FOK') {
        const dry = this.walk(this.book(spec.symbol), order.side, order.price, remaining, undefined, spec, false);
        if (dry.qty + 1e-12 < remaining) {
          this.finish(order, 'EXPIRED');
          return fills;
        }
      }
      fills.push(...this.take(spec, order, order.price, remaining, undefined));
    }
    if (isOpen(order) && order.timeInForce !== 'GTC') this.finish(order, 'EXPIRED');
    return fills;
  }

  private stopTriggered(type: OrderType, side: Side, stop: number, price: number): boolean {
    const stopLoss = type === 'STOP_LOSS' || type === 'STOP_LOSS_LIMIT';
    if (stopLoss) return side === 'SELL' ? price <= stop : price >= stop;
    return side === 'SELL' ? price >= stop : price <= stop;
  }

  /** The market printed at `price` for up to `qty`: trigger stops, fill crossed resting orders. Returns unfilled qty. */
  private marketPrint(spec: SymbolSpec, price: number, qty: number): number {
    this.live = this.live.filter(isOpen);
    for (const o of this.live) {
      if (o.symbol !== spec.symbol || !isOpen(o) || o.isWorking) continue;
      if (!this.stopTriggered(o.type, o.side, o.stopPrice, price)) continue;
      o.isWorking = true;
      o.workingTime = this.now();
      if (o.type === 'STOP_LOSS' || o.type === 'TAKE_PROFIT') {
        this.unlock(o);
        const walk = this.walk(this.book(spec.symbol), o.side, undefined, o.origQty, undefined, spec, false);
        const need = o.side === 'BUY' ? walk.quote : walk.qty;
        const asset = o.side === 'BUY' ? spec.quote : spec.base;
        if (need > this.balance(asset).free + 1e-12) this.finish(o, 'EXPIRED');
        else {
          this.take(spec, o, undefined, o.origQty, undefined);
          if (o.status !== 'FILLED') this.finish(o, 'EXPIRED');
        }
      } else {
        this.activateLimit(spec, o);
      }
    }
    let left = qty;
    const crossing = this.live.filter(
      (o) => o.symbol === spec.symbol && isOpen(o) && o.isWorking && o.price > 0 && (o.side === 'BUY' ? o.price >= price : o.price <= price),
    );
    crossing.sort((a, b) => (a.side === b.side ? (a.side === 'BUY' ? b.price - a.price : a.price - b.price) || a.time - b.time : a.time - b.time));
    for (const o of crossing) {
      if (left <= 0) break;
      const q = Math.min(round(o.origQty - o.executedQty), left);
      if (q <= 0) continue;
      this.applyFill(spec, o, o.price, q, true);
      if (Number.isFinite(left)) left = round(left - q);
    }
    return Number.isFinite(left) ? left : 0;
  }

  private applyFill(spec: SymbolSpec, order: SimOrder, price: number, qty: number, isMaker: boolean): SimFill {
    const now = this.now();
    const quote = round(price * qty, spec.quoteDecimals);
    const rate = isMaker ? this.makerFee : this.takerFee;
    const base = this.balance(spec.base);
    const quoteBal = this.balance(spec.quote);
    let commission: number;
    let commissionAsset: string;
    if (order.side === 'BUY') {
      commission = round(qty * rate, spec.baseDecimals);
      commissionAsset = spec.base;
      if (order.locked > 0) {
        const release = Math.min(order.locked, round(order.price * qty, spec.quoteDecimals));
        order.locked = round(order.locked - release);
        quoteBal.locked = round(quoteBal.locked - release);
        quoteBal.free = round(quoteBal.free + release);
      }
      quoteBal.free = round(quoteBal.free - quote);
      base.free = round(base.free + qty - commission);
    } else {
      commission = round(quote * rate, spec.quoteDecimals);
      commissionAsset = spec.quote;
      if (order.locked > 0) {
        const release = Math.min(order.locked, qty);
        order.locked = round(order.locked - release);
        base.locked = round(base.locked - release);
        base.free = round(base.free + release);
      }
      base.free = round(base.free - qty);
      quoteBal.free = round(quoteBal.free + quote - commission);
    }
    this.touched.add(spec.base).add(spec.quote);
    order.executedQty = round(order.executedQty + qty);
    order.cummulativeQuoteQty = round(order.cummulativeQuoteQty + quote);
    order.updateTime = now;
    order.status = order.executedQty + 1e-12 >= order.origQty ? 'FILLED' : 'PARTIALLY_FILLED';
    if (order.status === 'FILLED' && order.locked > 0) this.unlock(order);
    const trade = this.printTrade(spec, price, qty, order.side === 'BUY' ? isMaker : !isMaker);
    const fill: SimFill = {
      symbol: spec.symbol,
      id: trade.id,
      orderId: order.orderId,
      clientOrderId: order.clientOrderId,
      price,
      qty,
      quoteQty: quote,
      commission,
      commissionAsset,
      time: now,
      isBuyer: order.side === 'BUY',
      isMaker,
    };
    this.fills.push(fill);
    this.emitExecution(order, 'TRADE', fill);
    return fill;
  }

  private printTrade(spec: SymbolSpec, price: number, qty: number, isBuyerMaker: boolean): PublicTrade {
    const id = this.nextTradeIds.get(spec.symbol) ?? 1;
    this.nextTradeIds.set(spec.symbol, id + 1);
    const trade: PublicTrade = { id, price, qty, time: this.now(), isBuyerMaker };
    this.tapes.get(spec.symbol)?.push(trade);
    for (const l of this.listeners) l.publicTrade?.(spec.symbol, trade);
    return trade;
  }

  private lock(asset: string, amount: number): void {
    const b = this.balance(asset);
    b.free = round(b.free - amount);
    b.locked = round(b.locked + amount);
    this.touched.add(asset);
  }

  private unlock(order: SimOrder): void {
    if (order.locked <= 0 || order.lockedAsset === '') return;
    const b = this.balance(order.lockedAsset);
    b.locked = round(b.locked - order.locked);
    b.free = round(b.free + order.locked);
    order.locked = 0;
    this.touched.add(order.lockedAsset);
  }

  private finish(order: SimOrder, status: Extract<OrderStatus, 'CANCELED' | 'EXPIRED'>): void {
    this.unlock(order);
    order.status = status;
    order.updateTime = this.now();
    this.emitExecution(order, status, undefined);
  }

  private emitExecution(order: SimOrder, execType: ExecutionType, fill: SimFill | undefined): void {
    const t = this.now();
    for (const l of this.listeners) l.execution?.({ ...order }, execType, fill, t);
  }

  private flushBalances(): void {
    if (this.touched.size === 0) return;
    const assets = [...this.touched];
    this.touched.clear();
    const t = this.now();
    for (const l of this.listeners) l.balances?.(assets, t);
  }
}
