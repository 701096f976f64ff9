/**
 * Renderers from simulator state to Binance spot wire objects (REST bodies and
 * WebSocket event payloads). Field names and string formatting follow the
 * Binance spot API documentation.
 */

import { fmt, decimalsOf } from './markets';
import { KLINE_INTERVALS } from './engine';
import type { Engine } from './engine';
import type { ExecutionType, PublicTrade, SimFill, SimOrder, SymbolSpec } from './types';

export type Wire = Record<string, unknown>;

function priceDp(spec: SymbolSpec): number {
  return Math.max(8, decimalsOf(spec.tickSize));
}

/** `GET /api/v3/order` shape. */
export function orderWire(o: SimOrder): Wire {
  return {
    symbol: o.symbol,
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: o.clientOrderId,
    price: fmt(o.price),
    origQty: fmt(o.origQty),
    executedQty: fmt(o.executedQty),
    cummulativeQuoteQty: fmt(o.cummulativeQuoteQty),
    status: o.status,
    timeInForce: o.timeInForce,
    type: o.type,
    side: o.side,
    stopPrice: fmt(o.stopPrice),
    icebergQty: fmt(0),
    time: o.time,
    updateTime: o.updateTime,
    isWorking: o.isWorking,
    workingTime: o.workingTime,
    origQuoteOrderQty: fmt(o.origQuoteOrderQty),
    selfTradePreventionMode: 'EXPIRE_MAKER',
  };
}

/** `POST /api/v3/order` response for `newOrderRespType` ACK / RESULT / FULL. */
export function newOrderWire(o: SimOrder, fills: readonly SimFill[], respType: string, transactTime: number): Wire {
  const ack: Wire = { symbol: o.symbol, orderId: o.orderId, orderListId: -1, clientOrderId: o.clientOrderId, transactTime };
  if (respType === 'ACK') return ack;
  const result: Wire = {
    ...ack,
    price: fmt(o.price),
    origQty: fmt(o.origQty),
    executedQty: fmt(o.executedQty),
    origQuoteOrderQty: fmt(o.origQuoteOrderQty),
    cummulativeQuoteQty: fmt(o.cummulativeQuoteQty),
    status: o.status,
    timeInForce: o.timeInForce,
    type: o.type,
    side: o.side,
    workingTime: o.workingTime,
    selfTradePreventionMode: 'EXPIRE_MAKER',
  };
  if (o.stopPrice > 0) result['stopPrice'] = fmt(o.stopPrice);
  if (respType === 'RESULT') return result;
  return {
    ...result,
    fills: fills.map((f) => ({ price: fmt(f.price), qty: fmt(f.qty), commission: fmt(f.commission), commissionAsset: f.commissionAsset, tradeId: f.id })),
  };
}

/** `DELETE /api/v3/order` response. */
export function cancelWire(o: SimOrder, newClientOrderId: string, transactTime: number): Wire {
  return {
    symbol: o.symbol,
    origClientOrderId: o.clientOrderId,
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: newClientOrderId,
    transactTime,
    price: fmt(o.price),
    origQty: fmt(o.origQty),
    executedQty: fmt(o.executedQty),
    origQuoteOrderQty: fmt(o.origQuoteOrderQty),
    cummulativeQuoteQty: fmt(o.cummulativeQuoteQty),
    status: o.status,
    timeInForce: o.timeInForce,
    type: o.type,
    side: o.side,
    ...(o.stopPrice > 0 ? { stopPrice: fmt(o.stopPrice) } : {}),
    selfTradePreventionMode: 'EXPIRE_MAKER',
  };
}

/** `GET /api/v3/myTrades` row. */
export function myTradeWire(f: SimFill): Wire {
  return {
    symbol: f.symbol,
    id: f.id,
    orderId: f.orderId,
    orderListId: -1,
    price: fmt(f.price),
    qty: fmt(f.qty),
    quoteQty: fmt(f.quoteQty),
    commission: fmt(f.commission),
    commissionAsset: f.commissionAsset,
    time: f.time,
    isBuyer: f.isBuyer,
    isMaker: f.isMaker,
    isBestMatch: true,
  };
}

/** `GET /api/v3/trades` row. */
export function publicTradeWire(t: PublicTrade): Wire {
  return { id: t.id, price: fmt(t.price), qty: fmt(t.qty), quoteQty: fmt(t.price * t.qty), time: t.time, isBuyerMaker: t.isBuyerMaker, isBestMatch: true };
}

/** `GET /api/v3/aggTrades` row (one aggregate per print in this simulator). */
export function aggTradeWire(t: PublicTrade): Wire {
  return { a: t.id, p: fmt(t.price), q: fmt(t.qty), f: t.id, l: t.id, T: t.time, m: t.isBuyerMaker, M: true };
}

/** Candle rows for `GET /api/v3/klines`, built from the tape. */
export function klineRows(engine: Engine, symbol: string, interval: string, startTime: number | undefined, endTime: number | undefined, limit: number): unknown[][] {
  const iv = KLINE_INTERVALS[interval];
  if (iv === undefined) return [];
  const tape = engine.tape(symbol);
  const now = engine.now();
  const end = Math.min(endTime ?? now, now);
  const firstTrade = tape[0];
  if (firstTrade === undefined) return [];
  const earliest = Math.floor(firstTrade.time / iv) * iv;
  let first: number;
  if (startTime !== undefined) first = Math.max(earliest, Math.ceil(startTime / iv) * iv);
  else first = Math.max(earliest, Math.floor(end / iv) * iv - (limit - 1) * iv);
  const rows: unknown[][] = [];
  let i = 0;
  let prevClose = firstTrade.price;
  while (i < tape.length && (tape[i]?.time ?? 0) < first) prevClose = tape[i++]?.price ?? prevClose;
  for (let open = first; open <= end && rows.length < limit; open += iv) {
    const close = open + iv - 1;
    let o = prevClose, h = prevClose, l = prevClose, c = prevClose, v = 0, qv = 0, n = 0, tb = 0, tq = 0;
    while (i < tape.length && (tape[i]?.time ?? Infinity) <= close) {
      const t = tape[i++];
      if (t === undefined) break;
      if (n === 0) { o = t.price; h = t.price; l = t.price; }
      h = Math.max(h, t.price);
      l = Math.min(l, t.price);
      c = t.price;
      v += t.qty;
      qv += t.qty * t.price;
      if (!t.isBuyerMaker) { tb += t.qty; tq += t.qty * t.price; }
      n++;
    }
    prevClose = c;
    rows.push([open, fmt(o), fmt(h), fmt(l), fmt(c), fmt(v), close, fmt(qv), n, fmt(tb), fmt(tq), '0']);
  }
  return rows;
}

/** The current (last, possibly open) candle as a `@kline_<interval>` event payload `k`. */
export function liveKline(engine: Engine, symbol: string, interval: string): Wire | undefined {
  const rows = klineRows(engine, symbol, interval, undefined, undefined, 1);
  const r = rows[0];
  if (r === undefined) return undefined;
  const tape = engine.tape(symbol);
  const last = tape[tape.length - 1];
  return {
    t: r[0], T: r[6], s: symbol, i: interval, f: last?.id ?? -1, L: last?.id ?? -1,
    o: r[1], c: r[4], h: r[2], l: r[3], v: r[5], n: r[8], x: false, q: r[7], V: r[9], Q: r[10], B: '0',
  };
}

/** `GET /api/v3/ticker/24hr` (FULL) for one symbol. */
export function ticker24hWire(engine: Engine, symbol: string): Wire {
  const spec = engine.spec(symbol);
  const now = engine.now();
  const tape = engine.tape(symbol);
  const window = tape.filter((t) => t.time >= now - 86_400_000);
  const firstT = window[0];
  const lastT = tape[tape.length - 1];
  const open = firstT?.price ?? engine.lastPrice(symbol);
  const last = lastT?.price ?? open;
  let high = open, low = open, vol = 0, qvol = 0;
  for (const t of window) {
    high = Math.max(high, t.price);
    low = Math.min(low, t.price);
    vol += t.qty;
    qvol += t.qty * t.price;
  }
  const bba = engine.bestBidAsk(symbol);
  const dp = priceDp(spec);
  return {
    symbol,
    priceChange: fmt(last - open, dp),
    priceChangePercent: (((last - open) / open) * 100).toFixed(3),
    weightedAvgPrice: fmt(vol > 0 ? qvol / vol : last, dp),
    prevClosePrice: fmt(open, dp),
    lastPrice: fmt(last, dp),
    lastQty: fmt(lastT?.qty ?? 0),
    bidPrice: fmt(bba.bid?.[0] ?? 0, dp),
    bidQty: fmt(bba.bid?.[1] ?? 0),
    askPrice: fmt(bba.ask?.[0] ?? 0, dp),
    askQty: fmt(bba.ask?.[1] ?? 0),
    openPrice: fmt(open, dp),
    highPrice: fmt(high, dp),
    lowPrice: fmt(low, dp),
    volume: fmt(vol),
    quoteVolume: fmt(qvol),
    openTime: now - 86_400_000,
    closeTime: now,
    firstId: firstT?.id ?? -1,
    lastId: lastT?.id ?? -1,
    count: window.length,
  };
}

/** `<symbol>@ticker` stream payload, derived from the REST 24h ticker. */
export function tickerEvent(engine: Engine, symbol: string): Wire {
  const t = ticker24hWire(engine, symbol);
  return {
    e: '24hrTicker', E: engine.now(), s: symbol,
    p: t['priceChange'], P: t['priceChangePercent'], w: t['weightedAvgPrice'], x: t['prevClosePrice'],
    c: t['lastPrice'], Q: t['lastQty'], b: t['bidPrice'], B: t['bidQty'], a: t['askPrice'], A: t['askQty'],
    o: t['openPrice'], h: t['highPrice'], l: t['lowPrice'], v: t['volume'], q: t['quoteVolume'],
    O: t['openTime'], C: t['closeTime'], F: t['firstId'], L: t['lastId'], n: t['count'],
  };
}

/** `executionReport` user-data event. */
export function executionReport(o: SimOrder, x: ExecutionType, fill: SimFill | undefined, eventTime: number): Wire {
  return {
    e: 'executionReport',
    E: eventTime,
    s: o.symbol,
    c: o.clientOrderId,
    S: o.side,
    o: o.type,
    f: o.timeInForce,
    q: fmt(o.origQty),
    p: fmt(o.price),
    P: fmt(o.stopPrice),
    F: fmt(0),
    g: -1,
    C: x === 'CANCELED' ? o.clientOrderId : '',
    x,
    X: o.status,
    r: 'NONE',
    i: o.orderId,
    l: fmt(fill?.qty ?? 0),
    z: fmt(o.executedQty),
    L: fmt(fill?.price ?? 0),
    n: fill === undefined ? '0' : fmt(fill.commission),
    N: fill === undefined ? null : fill.commissionAsset,
    T: fill?.time ?? o.updateTime,
    t: fill?.id ?? -1,
    v: 0,
    I: o.orderId * 10 + (fill === undefined ? 0 : 1),
    w: o.isWorking && (o.status === 'NEW' || o.status === 'PARTIALLY_FILLED'),
    m: fill?.isMaker ?? false,
    M: false,
    O: o.time,
    Z: fmt(o.cummulativeQuoteQty),
    Y: fmt(fill?.quoteQty ?? 0),
    Q: fmt(o.origQuoteOrderQty),
    W: o.workingTime,
    V: 'EXPIRE_MAKER',
  };
}

/** `outboundAccountPosition` user-data event for the given assets. */
export function accountPositionEvent(engine: Engine, assets: readonly string[], eventTime: number): Wire {
  return {
    e: 'outboundAccountPosition',
    E: eventTime,
    u: eventTime,
    B: assets.map((a) => {
      const b = engine.balance(a);
      return { a, f: fmt(b.free), l: fmt(b.locked) };
    }),
  };
}

/** `GET /api/v3/account` body. */
export function accountWire(engine: Engine, omitZero: boolean): Wire {
  const balances: Wire[] = [];
  for (const [asset, b] of engine.balances()) {
    if (omitZero && b.free === 0 && b.locked === 0) continue;
    balances.push({ asset, free: fmt(b.free), locked: fmt(b.locked) });
  }
  const maker = Math.round(engine.makerFee * 10_000);
  const taker = Math.round(engine.takerFee * 10_000);
  return {
    makerCommission: maker,
    takerCommission: taker,
    buyerCommission: 0,
    sellerCommission: 0,
    commissionRates: { maker: fmt(engine.makerFee), taker: fmt(engine.takerFee), buyer: fmt(0), seller: fmt(0) },
    canTrade: true,
    canWithdraw: true,
    canDeposit: true,
    brokered: false,
    requireSelfTradePrevention: false,
    preventSor: false,
    updateTime: engine.now(),
    accountType: 'SPOT',
    balances,
    permissions: ['SPOT'],
    uid: 354937868,
  };
}
