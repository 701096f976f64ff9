/**
 * Binance USD-M futures side of the simulator: `/fapi/*` REST (exchangeInfo of linear
 * perpetuals, new order, query, cancel, IN-PLACE modify `PUT /fapi/v1/order`, open orders,
 * user trades, v2/v3 account, listenKey) and the futures user data stream on
 * `/fstream/private/ws?listenKey=…` (`ORDER_TRADE_UPDATE`, with `x: AMENDMENT` for a modify).
 *
 * Model: its own matching engine (the spot engine's rules: a synthetic book, resting orders
 * fill when the market prints through them) over a USDT wallet. There is no margin, leverage,
 * funding or position book: buys lock their notional, sells lock base units the wallet is
 * credited with. It exercises the order protocol of USD-M (ids, answers, error codes,
 * events), not futures accounting (LIBRA does not reconcile derivative positions yet).
 */

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, WebSocket } from 'ws';
import type { Endpoint, Params, Security } from './api';
import type { Engine } from './engine';
import { fmt, decimalsOf } from './markets';
import { SimApiError, type ExecutionType, type SimFill, type SimOrder, type SymbolSpec } from './types';

type Wire = Record<string, unknown>;

/** The simulator's USD-M perpetual (ccxt `BTC/USDT:USDT`). */
export const DEFAULT_FUTURES_SYMBOLS: readonly SymbolSpec[] = [
  {
    symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT',
    tickSize: 0.1, minPrice: 261.1, maxPrice: 809_484,
    stepSize: 0.001, minQty: 0.001, maxQty: 1000,
    minNotional: 100, baseDecimals: 8, quoteDecimals: 8,
    initialPrice: 60_000, levelQty: 2,
  },
];

function requireSymbol(p: Params): string {
  const s = p['symbol'];
  if (s === undefined || s === '') throw new SimApiError(400, -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
  return s;
}

function priceDp(spec: SymbolSpec): number {
  return decimalsOf(spec.tickSize);
}

export function futuresOrderWire(engine: Engine, o: SimOrder): Wire {
  const spec = engine.spec(o.symbol);
  const qd = decimalsOf(spec.stepSize);
  return {
    orderId: o.orderId,
    symbol: o.symbol,
    status: o.status,
    clientOrderId: o.clientOrderId,
    price: fmt(o.price, priceDp(spec)),
    avgPrice: fmt(o.executedQty > 0 ? o.cummulativeQuoteQty / o.executedQty : 0, 5),
    origQty: fmt(o.origQty, qd),
    executedQty: fmt(o.executedQty, qd),
    cumQty: fmt(o.executedQty, qd),
    cumQuote: fmt(o.cummulativeQuoteQty, 5),
    timeInForce: o.timeInForce,
    type: o.type,
    reduceOnly: false,
    closePosition: false,
    side: o.side,
    positionSide: 'BOTH',
    stopPrice: '0',
    workingType: 'CONTRACT_PRICE',
    priceProtect: false,
    origType: o.type,
    priceMatch: 'NONE',
    selfTradePreventionMode: 'EXPIRE_MAKER',
    goodTillDate: 0,
    time: o.time,
    updateTime: o.updateTime,
  };
}

function userTradeWire(engine: Engine, f: SimFill): Wire {
  const spec = engine.spec(f.symbol);
  return {
    buyer: f.isBuyer, commission: fmt(f.commission), commissionAsset: f.commissionAsset, id: f.id, maker: f.isMaker, orderId: f.orderId,
    price: fmt(f.price, priceDp(spec)), qty: fmt(f.qty, decimalsOf(spec.stepSize)), quoteQty: fmt(f.quoteQty), realizedPnl: '0', side: f.isBuyer ? 'BUY' : 'SELL',
    positionSide: 'BOTH', symbol: f.symbol, time: f.time,
  };
}

function orderTradeUpdate(engine: Engine, o: SimOrder, x: ExecutionType, fill: SimFill | undefined, eventTime: number): Wire {
  const spec = engine.spec(o.symbol);
  const qd = decimalsOf(spec.stepSize);
  return {
    e: 'ORDER_TRADE_UPDATE',
    E: eventTime,
    T: eventTime,
    o: {
      s: o.symbol, c: o.clientOrderId, S: o.side, o: o.type, f: o.timeInForce, q: fmt(o.origQty, qd), p: fmt(o.price, priceDp(spec)),
      ap: fmt(o.executedQty > 0 ? o.cummulativeQuoteQty / o.executedQty : 0, 5), sp: '0', x, X: o.status, i: o.orderId,
      l: fmt(fill?.qty ?? 0, qd), z: fmt(o.executedQty, qd), L: fmt(fill?.price ?? 0, priceDp(spec)),
      ...(fill ? { N: fill.commissionAsset, n: fmt(fill.commission) } : {}),
      T: o.updateTime, t: fill?.id ?? 0, b: '0', a: '0', m: fill?.isMaker ?? false, R: false, wt: 'CONTRACT_PRICE', ot: o.type, ps: 'BOTH', cp: false, rp: '0', pP: false, si: 0, ss: 0, V: 'EXPIRE_MAKER', pm: 'NONE', gtd: 0,
    },
  };
}

function accountV3(engine: Engine): Wire {
  const assets: Wire[] = [];
  for (const [asset, b] of engine.balances()) {
    if (asset !== 'USDT') continue; // the margin asset; base units here only back simulated sells
    const total = fmt(b.free + b.locked);
    assets.push({ asset, walletBalance: total, unrealizedProfit: '0', marginBalance: total, maintMargin: '0', initialMargin: fmt(b.locked), positionInitialMargin: '0', openOrderInitialMargin: fmt(b.locked), crossWalletBalance: total, crossUnPnl: '0', availableBalance: fmt(b.free), maxWithdrawAmount: fmt(b.free), updateTime: engine.now() });
  }
  const wallet = assets[0]?.['walletBalance'] ?? '0';
  return { totalInitialMargin: '0', totalMaintMargin: '0', totalWalletBalance: wallet, totalUnrealizedProfit: '0', totalMarginBalance: wallet, totalPositionInitialMargin: '0', totalOpenOrderInitialMargin: '0', totalCrossWalletBalance: wallet, totalCrossUnPnl: '0', availableBalance: assets[0]?.['availableBalance'] ?? '0', maxWithdrawAmount: '0', assets, positions: [] };
}

function exchangeInfo(specs: Iterable<SymbolSpec>, serverTime: number): Wire {
  return {
    timezone: 'UTC',
    serverTime,
    futuresType: 'U_MARGINED',
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 },
      { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 300 },
    ],
    exchangeFilters: [],
    assets: [{ asset: 'USDT', marginAvailable: true, autoAssetExchange: '-10000' }],
    symbols: [...specs].map((s) => ({
      symbol: s.symbol, pair: s.symbol, contractType: 'PERPETUAL', deliveryDate: 4133404800000, onboardDate: 1569398400000, status: 'TRADING',
      maintMarginPercent: '2.5000', requiredMarginPercent: '5.0000', baseAsset: s.base, quoteAsset: s.quote, marginAsset: s.quote,
      pricePrecision: decimalsOf(s.tickSize), quantityPrecision: decimalsOf(s.stepSize), baseAssetPrecision: 8, quotePrecision: 8,
      underlyingType: 'COIN', underlyingSubType: ['PoW'], settlePlan: 0, triggerProtect: '0.0500', liquidationFee: '0.012500', marketTakeBound: '0.05', maxMoveOrderLimit: 10000,
      filters: [
        { filterType: 'PRICE_FILTER', minPrice: fmt(s.minPrice, decimalsOf(s.tickSize)), maxPrice: fmt(s.maxPrice, decimalsOf(s.tickSize)), tickSize: fmt(s.tickSize, decimalsOf(s.tickSize)) },
        { filterType: 'LOT_SIZE', minQty: fmt(s.minQty, decimalsOf(s.stepSize)), maxQty: fmt(s.maxQty, decimalsOf(s.stepSize)), stepSize: fmt(s.stepSize, decimalsOf(s.stepSize)) },
        { filterType: 'MARKET_LOT_SIZE', minQty: fmt(s.minQty, decimalsOf(s.stepSize)), maxQty: fmt(s.maxQty / 10, decimalsOf(s.stepSize)), stepSize: fmt(s.stepSize, decimalsOf(s.stepSize)) },
        { filterType: 'MAX_NUM_ORDERS', limit: 200 },
        { filterType: 'MAX_NUM_ALGO_ORDERS', limit: 10 },
        { filterType: 'MIN_NOTIONAL', notional: String(s.minNotional) },
        { filterType: 'PERCENT_PRICE', multiplierUp: '1.0500', multiplierDown: '0.9500', multiplierDecimal: '4' },
      ],
      orderTypes: ['LIMIT', 'MARKET', 'STOP', 'STOP_MARKET', 'TAKE_PROFIT', 'TAKE_PROFIT_MARKET', 'TRAILING_STOP_MARKET'],
      timeInForce: ['GTC', 'IOC', 'FOK', 'GTX', 'GTD'],
      permissionSets: ['GRID', 'COPY'],
    })),
  };
}

/** `GET/POST/PUT/DELETE` under `/fapi/` keyed `"<METHOD> v1/order"`. */
export function buildFuturesEndpoints(engine: Engine, listenKeys: Set<string>): Map<string, Endpoint> {
  const eps = new Map<string, Endpoint>();
  const add = (key: string, security: Security, weight: number, handle: Endpoint['handle'], isOrder = false): void => {
    eps.set(key, { security, weight, handle, isOrder });
  };
  const ref = (p: Params): { orderId: string | undefined; origClientOrderId: string | undefined } => ({ orderId: p['orderId'], origClientOrderId: p['origClientOrderId'] });
  add('GET v1/ping', 'NONE', 1, () => ({}));
  add('GET v1/time', 'NONE', 1, () => ({ serverTime: engine.now() }));
  add('GET v1/exchangeInfo', 'NONE', 1, () => exchangeInfo(engine.specs.values(), engine.now()));
  add('POST v1/order', 'SIGNED', 0, (p, k) => {
    const tif = p['timeInForce'];
    if (tif === 'GTX' || tif === 'GTD') throw new SimApiError(400, -1116, 'Invalid orderType.'); // not simulated
    const { order } = engine.placeOrder({
      apiKey: k ?? '', symbol: p['symbol'], side: p['side'], type: p['type'], timeInForce: p['type'] === 'LIMIT' ? (tif ?? 'GTC') : undefined,
      quantity: p['quantity'], price: p['price'], newClientOrderId: p['newClientOrderId'],
    });
    return futuresOrderWire(engine, order);
  }, true);
  add('PUT v1/order', 'SIGNED', 1, (p) => futuresOrderWire(engine, engine.modifyOrder(requireSymbol(p), ref(p), { side: p['side'], quantity: p['quantity'], price: p['price'] })), true);
  add('GET v1/order', 'SIGNED', 1, (p) => futuresOrderWire(engine, engine.findOrder(requireSymbol(p), ref(p))));
  // A cancel of an order that is not working: -2011 "Unknown order sent.", as on spot.
  add('DELETE v1/order', 'SIGNED', 1, (p) => futuresOrderWire(engine, engine.cancelOrder(requireSymbol(p), ref(p))));
  add('GET v1/openOrders', 'SIGNED', 1, (p) => {
    const symbol = p['symbol'];
    return engine.allOrders().filter((o) => (symbol === undefined || symbol === '' || o.symbol === symbol) && (o.status === 'NEW' || o.status === 'PARTIALLY_FILLED')).map((o) => futuresOrderWire(engine, o));
  });
  add('GET v1/userTrades', 'SIGNED', 5, (p) => {
    const symbol = requireSymbol(p);
    engine.spec(symbol);
    const orderId = p['orderId'] !== undefined && p['orderId'] !== '' ? Number(p['orderId']) : undefined;
    const start = p['startTime'] !== undefined && p['startTime'] !== '' ? Number(p['startTime']) : undefined;
    const limit = Math.min(1000, Number(p['limit'] ?? 500) || 500);
    const rows = engine.allFills().filter((f) => f.symbol === symbol && (orderId === undefined || f.orderId === orderId) && (start === undefined || f.time >= start));
    return rows.slice(start !== undefined ? 0 : -limit).slice(0, limit).map((f) => userTradeWire(engine, f));
  });
  add('GET v2/account', 'SIGNED', 5, () => accountV3(engine));
  add('GET v3/account', 'SIGNED', 5, () => accountV3(engine));
  add('POST v1/listenKey', 'API_KEY', 1, () => {
    const key = randomBytes(32).toString('base64url').slice(0, 64);
    listenKeys.add(key);
    return { listenKey: key };
  });
  add('PUT v1/listenKey', 'API_KEY', 1, () => {
    const key = [...listenKeys].at(-1);
    if (key === undefined) throw new SimApiError(400, -1125, 'This listenKey does not exist.');
    return { listenKey: key };
  });
  add('DELETE v1/listenKey', 'API_KEY', 1, () => ({}));
  return eps;
}

/** The futures user data stream: `/fstream/private/ws?listenKey=K` (ccxt's private `future` URL). */
export class FuturesStream {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly conns = new Set<WebSocket>();
  private readonly off: () => void;

  constructor(
    private readonly engine: Engine,
    private readonly listenKeys: ReadonlySet<string>,
    private readonly stalled: () => boolean,
  ) {
    this.off = engine.subscribe({ execution: (o, x, f, t) => this.broadcast(orderTradeUpdate(engine, o, x, f, t)) });
  }

  get connectionCount(): number {
    return this.conns.size;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const key = url.searchParams.get('listenKey') ?? url.pathname.split('/').at(-1) ?? '';
    if (!url.pathname.startsWith('/fstream/private/ws') || !this.listenKeys.has(key)) {
      socket.write('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.conns.add(ws);
      ws.on('close', () => this.conns.delete(ws));
      ws.on('error', () => this.conns.delete(ws));
    });
  }

  closeAll(code: number): void {
    for (const ws of this.conns) {
      if (code === 1006) ws.terminate();
      else ws.close(code, 'closed by simulator');
    }
  }

  close(): Promise<void> {
    this.off();
    for (const ws of this.conns) ws.terminate();
    this.conns.clear();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }

  private broadcast(event: Wire): void {
    if (this.stalled()) return;
    const text = JSON.stringify(event);
    for (const ws of this.conns) if (ws.readyState === WebSocket.OPEN) ws.send(text);
  }
}
