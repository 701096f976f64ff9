/**
 * Transport-independent Binance spot endpoints of the simulator.
 *
 * Each endpoint is keyed `"<METHOD> <path below /api/v3/>"` and declares its
 * security type (NONE, API_KEY or SIGNED) and request weight; the REST layer
 * and the WebSocket API layer both dispatch here after authentication.
 */

import { randomBytes } from 'node:crypto';
import { exchangeInfo, fmt, decimalsOf } from './markets';
import { KLINE_INTERVALS, type Engine } from './engine';
import { SimApiError, type SimOrder, type SymbolSpec } from './types';
import {
  accountWire,
  aggTradeWire,
  cancelWire,
  klineRows,
  myTradeWire,
  newOrderWire,
  orderWire,
  publicTradeWire,
  ticker24hWire,
} from './wire';

export type Security = 'NONE' | 'API_KEY' | 'SIGNED';

export type Params = Readonly<Record<string, string>>;

export interface Endpoint {
  readonly security: Security;
  readonly weight: number;
  /** Counts against the ORDERS rate limit. */
  readonly isOrder?: boolean;
  readonly handle: (params: Params, apiKey: string | undefined) => unknown;
}

function intParam(params: Params, name: string, def: number, max: number): number {
  const raw = params[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new SimApiError(400, -1100, `Illegal characters found in parameter '${name}'; legal range is '^[0-9]{1,20}$'.`);
  return Math.min(Math.max(n, 1), max);
}

function optNum(params: Params, name: string): number | undefined {
  const raw = params[name];
  return raw === undefined || raw === '' ? undefined : Number(raw);
}

function symbolsParam(params: Params): string[] | undefined {
  const raw = params['symbols'];
  if (raw === undefined || raw === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (Array.isArray(parsed)) return parsed.map(String);
  } catch {
    // fall through
  }
  throw new SimApiError(400, -1100, "Illegal characters found in parameter 'symbols'; legal range is '^\\[(\"[A-Z0-9-_.]{1,20}\"(,\"[A-Z0-9-_.]{1,20}\"){0,}){0,1}\\]$'.");
}

function priceDp(spec: SymbolSpec): number {
  return Math.max(8, decimalsOf(spec.tickSize));
}

function randomId(): string {
  return randomBytes(16).toString('base64url').slice(0, 22);
}

function requireSymbol(params: Params): string {
  const s = params['symbol'];
  if (s === undefined || s === '') throw new SimApiError(400, -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
  return s;
}

/** Builds the endpoint table over one engine. */
export function buildEndpoints(engine: Engine): Map<string, Endpoint> {
  const eps = new Map<string, Endpoint>();
  const add = (key: string, security: Security, weight: number, handle: Endpoint['handle'], isOrder = false): void => {
    eps.set(key, { security, weight, handle, isOrder });
  };
  const specsFor = (params: Params): SymbolSpec[] => {
    const one = params['symbol'];
    const many = symbolsParam(params);
    if (one !== undefined && one !== '') return [engine.spec(one)];
    if (many !== undefined) return many.map((s) => engine.spec(s));
    return [...engine.specs.values()];
  };

  // ------------------------------------------------------------ market data
  add('GET ping', 'NONE', 1, () => ({}));
  add('GET time', 'NONE', 1, () => ({ serverTime: engine.now() }));
  add('GET exchangeInfo', 'NONE', 20, (p) => exchangeInfo(specsFor(p), engine.now()));
  add('GET depth', 'NONE', 5, (p) => {
    const symbol = requireSymbol(p);
    const spec = engine.spec(symbol);
    const d = engine.depth(symbol, intParam(p, 'limit', 100, 5000));
    const dp = priceDp(spec);
    return {
      lastUpdateId: d.lastUpdateId,
      bids: d.bids.map(([px, q]) => [fmt(px, dp), fmt(q)]),
      asks: d.asks.map(([px, q]) => [fmt(px, dp), fmt(q)]),
    };
  });
  add('GET trades', 'NONE', 25, (p) => {
    const tape = engine.tape(requireSymbol(p));
    return tape.slice(-intParam(p, 'limit', 500, 1000)).map(publicTradeWire);
  });
  add('GET historicalTrades', 'API_KEY', 25, (p) => {
    const tape = engine.tape(requireSymbol(p));
    const limit = intParam(p, 'limit', 500, 1000);
    const fromId = optNum(p, 'fromId');
    const rows = fromId === undefined ? tape.slice(-limit) : tape.filter((t) => t.id >= fromId).slice(0, limit);
    return rows.map(publicTradeWire);
  });
  add('GET aggTrades', 'NONE', 4, (p) => {
    const tape = engine.tape(requireSymbol(p));
    const limit = intParam(p, 'limit', 500, 1000);
    const fromId = optNum(p, 'fromId');
    const start = optNum(p, 'startTime');
    const end = optNum(p, 'endTime');
    let rows = tape.filter((t) => (fromId === undefined || t.id >= fromId) && (start === undefined || t.time >= start) && (end === undefined || t.time <= end));
    rows = fromId !== undefined || start !== undefined ? rows.slice(0, limit) : rows.slice(-limit);
    return rows.map(aggTradeWire);
  });
  const klines = (p: Params): unknown => {
    const symbol = requireSymbol(p);
    engine.spec(symbol);
    const interval = p['interval'];
    if (interval === undefined || interval === '') throw new SimApiError(400, -1102, "Mandatory parameter 'interval' was not sent, was empty/null, or malformed.");
    if (KLINE_INTERVALS[interval] === undefined) throw new SimApiError(400, -1120, 'Invalid interval.');
    return klineRows(engine, symbol, interval, optNum(p, 'startTime'), optNum(p, 'endTime'), intParam(p, 'limit', 500, 1000));
  };
  add('GET klines', 'NONE', 2, klines);
  add('GET uiKlines', 'NONE', 2, klines);
  add('GET avgPrice', 'NONE', 2, (p) => {
    const symbol = requireSymbol(p);
    const spec = engine.spec(symbol);
    const tape = engine.tape(symbol);
    const since = engine.now() - 300_000;
    const recent = tape.filter((t) => t.time >= since);
    const rows = recent.length > 0 ? recent : tape.slice(-1);
    const vol = rows.reduce((s, t) => s + t.qty, 0);
    const avg = vol > 0 ? rows.reduce((s, t) => s + t.qty * t.price, 0) / vol : engine.lastPrice(symbol);
    return { mins: 5, price: fmt(avg, priceDp(spec)), closeTime: tape[tape.length - 1]?.time ?? engine.now() };
  });
  const oneOrMany = (p: Params, render: (spec: SymbolSpec) => unknown): unknown => {
    const specs = specsFor(p);
    const single = p['symbol'] !== undefined && p['symbol'] !== '';
    return single ? render(specs[0] as SymbolSpec) : specs.map(render);
  };
  add('GET ticker/24hr', 'NONE', 2, (p) => oneOrMany(p, (s) => ticker24hWire(engine, s.symbol)));
  add('GET ticker/price', 'NONE', 2, (p) => oneOrMany(p, (s) => ({ symbol: s.symbol, price: fmt(engine.lastPrice(s.symbol), priceDp(s)) })));
  add('GET ticker/bookTicker', 'NONE', 2, (p) =>
    oneOrMany(p, (s) => {
      const b = engine.bestBidAsk(s.symbol);
      const dp = priceDp(s);
      return { symbol: s.symbol, bidPrice: fmt(b.bid?.[0] ?? 0, dp), bidQty: fmt(b.bid?.[1] ?? 0), askPrice: fmt(b.ask?.[0] ?? 0, dp), askQty: fmt(b.ask?.[1] ?? 0) };
    }),
  );

  // ----------------------------------------------------------------- trading
  /**
   * Cancel an order and place a new one in one request (Binance spot `order/cancelReplace`).
   * STOP_ON_FAILURE: a failed cancel (the order filled or is gone) places nothing: HTTP 400
   * -2022 with both halves' results in `data`. A cancel that succeeded before the new order
   * failed: HTTP 409 -2021 (the old order stays canceled). ALLOW_FAILURE places the new order
   * even when the cancel failed.
   */
  const cancelReplace = (p: Params, apiKey: string | undefined): unknown => {
    const symbol = requireSymbol(p);
    engine.spec(symbol);
    const mode = p['cancelReplaceMode'];
    if (mode === undefined || mode === '') throw new SimApiError(400, -1102, "Mandatory parameter 'cancelReplaceMode' was not sent, was empty/null, or malformed.");
    if (mode !== 'STOP_ON_FAILURE' && mode !== 'ALLOW_FAILURE') throw new SimApiError(400, -1104, "Invalid value for parameter 'cancelReplaceMode'.");
    const ref = { orderId: p['cancelOrderId'], origClientOrderId: p['cancelOrigClientOrderId'] };
    if ((ref.orderId === undefined || ref.orderId === '') && (ref.origClientOrderId === undefined || ref.origClientOrderId === '')) {
      throw new SimApiError(400, -1102, "Param 'cancelOrigClientOrderId' or 'cancelOrderId' must be sent, but both were empty/null!");
    }
    let cancelResponse: unknown;
    let canceled = false;
    try {
      const o = engine.cancelOrder(symbol, ref);
      cancelResponse = cancelWire(o, p['cancelNewClientOrderId'] ?? randomId(), engine.now());
      canceled = true;
    } catch (err) {
      if (!(err instanceof SimApiError)) throw err;
      cancelResponse = { code: err.code, msg: err.msg };
    }
    if (!canceled && mode === 'STOP_ON_FAILURE') {
      throw new SimApiError(400, -2022, 'Order cancel-replace failed.', { cancelResult: 'FAILURE', newOrderResult: 'NOT_ATTEMPTED', cancelResponse, newOrderResponse: null });
    }
    let newOrderResponse: unknown;
    try {
      newOrderResponse = place(p, apiKey, false);
    } catch (err) {
      if (!(err instanceof SimApiError)) throw err;
      const data = { cancelResult: canceled ? 'SUCCESS' : 'FAILURE', newOrderResult: 'FAILURE', cancelResponse, newOrderResponse: { code: err.code, msg: err.msg } };
      throw canceled ? new SimApiError(409, -2021, 'Order cancel-replace partially failed.', data) : new SimApiError(400, -2022, 'Order cancel-replace failed.', data);
    }
    const result = { cancelResult: canceled ? 'SUCCESS' : 'FAILURE', newOrderResult: 'SUCCESS', cancelResponse, newOrderResponse };
    if (!canceled) throw new SimApiError(409, -2021, 'Order cancel-replace partially failed.', result);
    return result;
  };
  const place = (p: Params, apiKey: string | undefined, test: boolean): unknown => {
    if (test) {
      engine.spec(requireSymbol(p));
      return {};
    }
    const { order, fills } = engine.placeOrder({
      apiKey: apiKey ?? '',
      symbol: p['symbol'],
      side: p['side'],
      type: p['type'],
      timeInForce: p['timeInForce'],
      quantity: p['quantity'],
      quoteOrderQty: p['quoteOrderQty'],
      price: p['price'],
      stopPrice: p['stopPrice'],
      newClientOrderId: p['newClientOrderId'],
    });
    const defaultResp = order.type === 'MARKET' || order.type === 'LIMIT' ? 'FULL' : 'ACK';
    return newOrderWire(order, fills, p['newOrderRespType'] ?? defaultResp, order.time);
  };
  add('POST order', 'SIGNED', 1, (p, k) => place(p, k, false), true);
  add('POST order/cancelReplace', 'SIGNED', 1, (p, k) => cancelReplace(p, k), true);
  add('POST order/test', 'SIGNED', 1, (p, k) => place(p, k, true));
  add('GET order', 'SIGNED', 4, (p) => orderWire(engine.findOrder(requireSymbol(p), { orderId: p['orderId'], origClientOrderId: p['origClientOrderId'] })));
  add('DELETE order', 'SIGNED', 1, (p) => {
    const o = engine.cancelOrder(requireSymbol(p), { orderId: p['orderId'], origClientOrderId: p['origClientOrderId'] });
    return cancelWire(o, p['newClientOrderId'] ?? randomId(), engine.now());
  });
  add('DELETE openOrders', 'SIGNED', 1, (p) => engine.cancelAll(requireSymbol(p)).map((o) => cancelWire(o, randomId(), engine.now())));
  add('GET openOrders', 'SIGNED', 6, (p) => {
    const symbol = p['symbol'];
    if (symbol !== undefined && symbol !== '') engine.spec(symbol);
    return engine
      .allOrders()
      .filter((o) => (symbol === undefined || symbol === '' || o.symbol === symbol) && (o.status === 'NEW' || o.status === 'PARTIALLY_FILLED'))
      .map(orderWire);
  });
  add('GET allOrders', 'SIGNED', 20, (p) => {
    const symbol = requireSymbol(p);
    engine.spec(symbol);
    const orderId = optNum(p, 'orderId');
    const start = optNum(p, 'startTime');
    const end = optNum(p, 'endTime');
    const limit = intParam(p, 'limit', 500, 1000);
    const rows = engine.allOrders().filter(
      (o: SimOrder) => o.symbol === symbol && (orderId === undefined || o.orderId >= orderId) && (start === undefined || o.time >= start) && (end === undefined || o.time <= end),
    );
    return (orderId !== undefined || start !== undefined ? rows.slice(0, limit) : rows.slice(-limit)).map(orderWire);
  });
  add('GET myTrades', 'SIGNED', 20, (p) => {
    const symbol = requireSymbol(p);
    engine.spec(symbol);
    const orderId = optNum(p, 'orderId');
    const fromId = optNum(p, 'fromId');
    const start = optNum(p, 'startTime');
    const end = optNum(p, 'endTime');
    const limit = intParam(p, 'limit', 500, 1000);
    const rows = engine.allFills().filter(
      (f) =>
        f.symbol === symbol &&
        (orderId === undefined || f.orderId === orderId) &&
        (fromId === undefined || f.id >= fromId) &&
        (start === undefined || f.time >= start) &&
        (end === undefined || f.time <= end),
    );
    return (fromId !== undefined || start !== undefined ? rows.slice(0, limit) : rows.slice(-limit)).map(myTradeWire);
  });
  add('GET account', 'SIGNED', 20, (p) => accountWire(engine, p['omitZeroBalances'] === 'true'));
  add('GET account/commission', 'SIGNED', 20, (p) => {
    const symbol = requireSymbol(p);
    engine.spec(symbol);
    const rates = { maker: fmt(engine.makerFee), taker: fmt(engine.takerFee), buyer: fmt(0), seller: fmt(0) };
    return { symbol, standardCommission: rates, specialCommission: { maker: fmt(0), taker: fmt(0), buyer: fmt(0), seller: fmt(0) }, taxCommission: { maker: fmt(0), taker: fmt(0), buyer: fmt(0), seller: fmt(0) }, discount: { enabledForAccount: false, enabledForSymbol: false, discountAsset: 'BNB', discount: '0.75000000' } };
  });
  add('GET rateLimit/order', 'SIGNED', 40, () => [
    { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100, count: 0 },
    { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 200000, count: 0 },
  ]);
  return eps;
}
