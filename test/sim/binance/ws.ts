/**
 * WebSocket front end of the Binance spot simulator.
 *
 * - Market streams: `/ws`, `/ws/<anything>` (raw payloads; path segments that
 *   look like stream names are subscribed, as on Binance) and
 *   `/stream?streams=a/b` (combined `{stream, data}` payloads), with the
 *   SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS methods. Streams:
 *   `<s>@depth[@100ms|@1000ms]` (diff depth, U/u continue REST lastUpdateId),
 *   `<s>@depth5|10|20[@100ms]`, `<s>@trade`, `<s>@aggTrade`, `<s>@kline_<i>`,
 *   `<s>@ticker`, `<s>@miniTicker`, `<s>@bookTicker`.
 * - WebSocket API: `/ws-api/v3` with `session.logon`, `userDataStream.subscribe`,
 *   `userDataStream.subscribe.signature`, `userDataStream.unsubscribe`, plus
 *   the trading / market-data requests mapped onto the REST endpoint table.
 *   User data events (`executionReport`, `outboundAccountPosition`) arrive as
 *   `{subscriptionId, event}`.
 * - The server pings every `pingIntervalMs`; pongs are answered manually so
 *   that `stallWebSockets` can suppress them.
 */

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { wsApiPayload, type Authenticator } from './auth';
import type { Endpoint } from './api';
import type { Engine } from './engine';
import type { Faults } from './faults';
import { fmt, decimalsOf } from './markets';
import type { RecordRequest } from './rest';
import { SimApiError, type DepthDiff, type PublicTrade, type SimFill, type SimOrder, type ExecutionType } from './types';
import { accountPositionEvent, executionReport, liveKline, tickerEvent, ticker24hWire, type Wire } from './wire';

interface Conn {
  readonly ws: WebSocket;
  readonly kind: 'market' | 'api';
  readonly combined: boolean;
  readonly path: string;
  readonly connectedSince: number;
  readonly streams: Set<string>;
  /** WebSocket API: key authenticated by session.logon. */
  sessionKey: string | undefined;
  /** WebSocket API: user data subscriptions (id → apiKey). */
  readonly userSubs: Map<number, string>;
}

const WS_API_METHODS: Readonly<Record<string, string>> = {
  'order.place': 'POST order',
  'order.test': 'POST order/test',
  'order.status': 'GET order',
  'order.cancel': 'DELETE order',
  'openOrders.status': 'GET openOrders',
  'openOrders.cancelAll': 'DELETE openOrders',
  'allOrders': 'GET allOrders',
  'myTrades': 'GET myTrades',
  'account.status': 'GET account',
  'account.commission': 'GET account/commission',
  'exchangeInfo': 'GET exchangeInfo',
  'depth': 'GET depth',
  'trades.recent': 'GET trades',
  'trades.aggregate': 'GET aggTrades',
  'klines': 'GET klines',
  'uiKlines': 'GET uiKlines',
  'avgPrice': 'GET avgPrice',
  'ticker.24hr': 'GET ticker/24hr',
  'ticker.price': 'GET ticker/price',
  'ticker.book': 'GET ticker/bookTicker',
};

interface Deps {
  readonly engine: Engine;
  readonly auth: Authenticator;
  readonly faults: Faults;
  readonly endpoints: ReadonlyMap<string, Endpoint>;
  readonly record: RecordRequest;
  readonly pingIntervalMs: number;
}

function stringParams(params: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return out;
}

export class WsFrontend {
  private readonly wss = new WebSocketServer({ noServer: true, autoPong: false });
  private readonly conns = new Set<Conn>();
  private readonly pingTimer: NodeJS.Timeout;
  private readonly unsubscribeEngine: () => void;
  private nextSubscriptionId = 0;
  private apiWeight = 0;

  constructor(private readonly deps: Deps) {
    this.pingTimer = setInterval(() => {
      if (deps.faults.stalled) return;
      for (const c of this.conns) if (c.ws.readyState === WebSocket.OPEN) c.ws.ping();
    }, deps.pingIntervalMs);
    this.pingTimer.unref();
    this.unsubscribeEngine = deps.engine.subscribe({
      depth: (d) => this.onDepth(d),
      publicTrade: (s, t) => this.onTrade(s, t),
      execution: (o, x, f, t) => this.onExecution(o, x, f, t),
      balances: (assets, t) => this.onBalances(assets, t),
    });
  }

  /** Number of currently open client connections. */
  get connectionCount(): number {
    return this.conns.size;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    let kind: Conn['kind'];
    let combined = false;
    const initial: string[] = [];
    if (path === '/ws' || path.startsWith('/ws/')) {
      kind = 'market';
      for (const seg of path.split('/').slice(2)) if (seg.includes('@')) initial.push(seg);
    } else if (path === '/stream') {
      kind = 'market';
      combined = true;
      for (const s of (url.searchParams.get('streams') ?? '').split('/')) if (s !== '') initial.push(s);
    } else if (path === '/ws-api/v3') {
      kind = 'api';
    } else {
      socket.write('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const conn: Conn = { ws, kind, combined, path, connectedSince: Date.now(), streams: new Set(initial), sessionKey: undefined, userSubs: new Map() };
      this.conns.add(conn);
      ws.on('ping', (data) => {
        if (!this.deps.faults.stalled && ws.readyState === WebSocket.OPEN) ws.pong(data);
      });
      ws.on('message', (data) => this.onMessage(conn, data));
      ws.on('close', () => this.conns.delete(conn));
      ws.on('error', () => this.conns.delete(conn));
    });
  }

  closeAll(code: number): void {
    for (const c of this.conns) {
      if (code === 1006) c.ws.terminate();
      else c.ws.close(code, 'closed by simulator');
    }
  }

  close(): Promise<void> {
    clearInterval(this.pingTimer);
    this.unsubscribeEngine();
    for (const c of this.conns) c.ws.terminate();
    this.conns.clear();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }

  // ------------------------------------------------------------- sending

  private send(conn: Conn, payload: unknown, stream?: string): void {
    if (this.deps.faults.stalled || conn.ws.readyState !== WebSocket.OPEN) return;
    const body = conn.combined && stream !== undefined ? { stream, data: payload } : payload;
    conn.ws.send(JSON.stringify(body));
  }

  private publish(streamNames: readonly string[], payload: () => unknown): void {
    let cached: unknown;
    for (const c of this.conns) {
      if (c.kind !== 'market') continue;
      for (const name of streamNames) {
        if (!c.streams.has(name)) continue;
        cached ??= payload();
        this.send(c, cached, name);
      }
    }
  }

  // ------------------------------------------------------- market streams

  private onDepth(d: DepthDiff): void {
    const s = d.symbol.toLowerCase();
    const spec = this.deps.engine.spec(d.symbol);
    const dp = Math.max(8, decimalsOf(spec.tickSize));
    const level = ([p, q]: [number, number]): [string, string] => [fmt(p, dp), fmt(q)];
    this.publish([`${s}@depth`, `${s}@depth@100ms`, `${s}@depth@1000ms`], () => ({
      e: 'depthUpdate', E: d.time, s: d.symbol, U: d.firstUpdateId, u: d.finalUpdateId, b: d.bids.map(level), a: d.asks.map(level),
    }));
    for (const n of [5, 10, 20]) {
      this.publish([`${s}@depth${n}`, `${s}@depth${n}@100ms`, `${s}@depth${n}@1000ms`], () => {
        const book = this.deps.engine.depth(d.symbol, n);
        return { lastUpdateId: book.lastUpdateId, bids: book.bids.map(level), asks: book.asks.map(level) };
      });
    }
    this.publish([`${s}@bookTicker`], () => {
      const b = this.deps.engine.bestBidAsk(d.symbol);
      return { u: b.updateId, s: d.symbol, b: fmt(b.bid?.[0] ?? 0, dp), B: fmt(b.bid?.[1] ?? 0), a: fmt(b.ask?.[0] ?? 0, dp), A: fmt(b.ask?.[1] ?? 0) };
    });
  }

  private onTrade(symbol: string, t: PublicTrade): void {
    const s = symbol.toLowerCase();
    const engine = this.deps.engine;
    this.publish([`${s}@trade`], () => ({ e: 'trade', E: t.time, s: symbol, t: t.id, p: fmt(t.price), q: fmt(t.qty), T: t.time, m: t.isBuyerMaker, M: true }));
    this.publish([`${s}@aggTrade`], () => ({ e: 'aggTrade', E: t.time, s: symbol, a: t.id, p: fmt(t.price), q: fmt(t.qty), f: t.id, l: t.id, T: t.time, m: t.isBuyerMaker, M: true }));
    const intervals = new Set<string>();
    for (const c of this.conns) for (const name of c.streams) if (name.startsWith(`${s}@kline_`)) intervals.add(name.slice(`${s}@kline_`.length));
    for (const iv of intervals) {
      this.publish([`${s}@kline_${iv}`], () => ({ e: 'kline', E: t.time, s: symbol, k: liveKline(engine, symbol, iv) }));
    }
    this.publish([`${s}@ticker`], () => tickerEvent(engine, symbol));
    this.publish([`${s}@miniTicker`], () => {
      const k = ticker24hWire(engine, symbol);
      return { e: '24hrMiniTicker', E: t.time, s: symbol, c: k['lastPrice'], o: k['openPrice'], h: k['highPrice'], l: k['lowPrice'], v: k['volume'], q: k['quoteVolume'] };
    });
  }

  // ------------------------------------------------------------ user data

  private sendUserEvent(event: Wire): void {
    for (const c of this.conns) {
      if (c.kind !== 'api') continue;
      for (const id of c.userSubs.keys()) this.send(c, { subscriptionId: id, event });
    }
  }

  private onExecution(order: SimOrder, x: ExecutionType, fill: SimFill | undefined, eventTime: number): void {
    const event = executionReport(order, x, fill, eventTime);
    this.sendUserEvent(event);
    if (x === 'TRADE' && this.deps.faults.takeDuplicateFill()) this.sendUserEvent(event);
  }

  private onBalances(assets: readonly string[], eventTime: number): void {
    this.sendUserEvent(accountPositionEvent(this.deps.engine, assets, eventTime));
  }

  // -------------------------------------------------------------- requests

  private onMessage(conn: Conn, data: RawData): void {
    let msg: unknown;
    try {
      msg = JSON.parse(data.toString());
    } catch {
      if (conn.kind === 'market') this.send(conn, { error: { code: 3, msg: 'Invalid JSON: expected value at line 1 column 1' }, id: null });
      else this.send(conn, { id: null, status: 400, error: { code: -1100, msg: 'Malformed request.' } });
      return;
    }
    if (typeof msg !== 'object' || msg === null) return;
    const m = msg as { id?: unknown; method?: unknown; params?: unknown };
    if (conn.kind === 'market') this.onMarketRequest(conn, m);
    else void this.onApiRequest(conn, m);
  }

  private onMarketRequest(conn: Conn, m: { id?: unknown; method?: unknown; params?: unknown }): void {
    const id = m.id ?? null;
    const params = Array.isArray(m.params) ? m.params.map(String) : [];
    this.deps.record({
      transport: 'ws', method: String(m.method), path: conn.path, params: { streams: params.join(',') },
      apiKey: undefined, signed: false, signatureValid: undefined, status: 200,
    });
    switch (m.method) {
      case 'SUBSCRIBE':
        for (const p of params) conn.streams.add(p);
        this.send(conn, { result: null, id });
        return;
      case 'UNSUBSCRIBE':
        for (const p of params) conn.streams.delete(p);
        this.send(conn, { result: null, id });
        return;
      case 'LIST_SUBSCRIPTIONS':
        this.send(conn, { result: [...conn.streams], id });
        return;
      case 'SET_PROPERTY':
        this.send(conn, { result: null, id });
        return;
      case 'GET_PROPERTY':
        this.send(conn, { result: false, id });
        return;
      default:
        this.send(conn, { error: { code: 2, msg: `Invalid request: unknown variant \`${String(m.method)}\`, expected one of \`SUBSCRIBE\`, \`UNSUBSCRIBE\`, \`LIST_SUBSCRIPTIONS\`, \`SET_PROPERTY\`, \`GET_PROPERTY\`` }, id });
    }
  }

  private async onApiRequest(conn: Conn, m: { id?: unknown; method?: unknown; params?: unknown }): Promise<void> {
    const id = m.id ?? null;
    const method = String(m.method);
    const rawParams = (typeof m.params === 'object' && m.params !== null ? m.params : {}) as Record<string, unknown>;
    const params = stringParams(rawParams);
    const signature = params['signature'];
    const entry = this.deps.record({
      transport: 'ws-api', method, path: conn.path, params, apiKey: params['apiKey'] ?? conn.sessionKey,
      signed: signature !== undefined, signatureValid: undefined, status: undefined,
    });
    let status = 200;
    let body: { result: unknown } | { error: { code: number; msg: string } };
    try {
      if (signature !== undefined && params['apiKey'] !== undefined) {
        entry.signatureValid = this.deps.auth.signatureMatches(params['apiKey'], wsApiPayload(rawParams), signature);
      }
      body = { result: this.dispatchApi(conn, method, rawParams, params) };
    } catch (err) {
      if (!(err instanceof SimApiError)) throw err;
      status = err.httpStatus === 401 ? 401 : 400;
      body = { error: { code: err.code, msg: err.msg } };
    }
    const delay = this.deps.faults.replyDelayMs;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    entry.status = status;
    this.apiWeight += 1;
    this.send(conn, {
      id,
      status,
      ...body,
      rateLimits: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000, count: this.apiWeight }],
    });
  }

  private verify(rawParams: Record<string, unknown>, params: Record<string, string>): string {
    return this.deps.auth.verifySigned(params['apiKey'], wsApiPayload(rawParams), params['signature'], params).apiKey;
  }

  private sessionInfo(conn: Conn): Wire {
    return {
      apiKey: conn.sessionKey ?? null,
      authorizedSince: conn.sessionKey === undefined ? null : conn.connectedSince,
      connectedSince: conn.connectedSince,
      returnRateLimits: true,
      serverTime: this.deps.engine.now(),
      userDataStream: conn.userSubs.size > 0,
    };
  }

  private dispatchApi(conn: Conn, method: string, rawParams: Record<string, unknown>, params: Record<string, string>): unknown {
    switch (method) {
      case 'ping':
        return {};
      case 'time':
        return { serverTime: this.deps.engine.now() };
      case 'session.logon':
        conn.sessionKey = this.verify(rawParams, params);
        return this.sessionInfo(conn);
      case 'session.status':
        return this.sessionInfo(conn);
      case 'session.logout':
        conn.sessionKey = undefined;
        return this.sessionInfo(conn);
      case 'session.subscriptions':
        return [...conn.userSubs.keys()].map((subscriptionId) => ({ subscriptionId }));
      case 'userDataStream.subscribe': {
        if (conn.sessionKey === undefined) throw new SimApiError(401, -2015, 'Invalid API-key, IP, or permissions for action.');
        const subscriptionId = this.nextSubscriptionId++;
        conn.userSubs.set(subscriptionId, conn.sessionKey);
        return { subscriptionId };
      }
      case 'userDataStream.subscribe.signature': {
        const key = this.verify(rawParams, params);
        const subscriptionId = this.nextSubscriptionId++;
        conn.userSubs.set(subscriptionId, key);
        return { subscriptionId };
      }
      case 'userDataStream.unsubscribe': {
        const sub = params['subscriptionId'];
        if (sub === undefined) conn.userSubs.clear();
        else if (!conn.userSubs.delete(Number(sub))) throw new SimApiError(400, -2035, 'User Data Stream subscription not found.');
        return {};
      }
      default: {
        const key = WS_API_METHODS[method];
        const endpoint = key === undefined ? undefined : this.deps.endpoints.get(key);
        if (endpoint === undefined) throw new SimApiError(400, -1020, `Unsupported operation: ${method}.`);
        let apiKey: string | undefined;
        if (endpoint.security === 'SIGNED') {
          if (params['signature'] !== undefined) apiKey = this.verify(rawParams, params);
          else if (conn.sessionKey !== undefined) {
            this.deps.auth.checkTimestamp(params);
            apiKey = conn.sessionKey;
          } else apiKey = this.verify(rawParams, params);
        } else if (endpoint.security === 'API_KEY') {
          apiKey = this.deps.auth.requireKey(params['apiKey'] ?? conn.sessionKey);
        }
        const cleaned = { ...params };
        delete cleaned['apiKey'];
        delete cleaned['signature'];
        return endpoint.handle(cleaned, apiKey);
      }
    }
  }
}
