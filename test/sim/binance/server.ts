/**
 * The loopback Binance spot simulator: one HTTP server on 127.0.0.1 (random
 * port) serving Binance's REST API under `/api/v3` and, on the same port,
 * market streams (`/ws`, `/stream`) and the WebSocket API (`/ws-api/v3`).
 *
 * Usage:
 *   const sim = await startBinanceSim();
 *   const ex = makeCcxtClient(sim);            // from './client'
 *   ...
 *   await ex.close(); await sim.close();
 */

import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { buildEndpoints } from './api';
import { Authenticator, type SimCredential } from './auth';
import { Engine } from './engine';
import { Faults } from './faults';
import { buildFuturesEndpoints, DEFAULT_FUTURES_SYMBOLS, FuturesStream } from './futures';
import { DEFAULT_SYMBOLS } from './markets';
import { RestFrontend } from './rest';
import type { BalanceEntry, SimFill, SimOrder, SimRequestLog, SymbolSpec } from './types';
import { WsFrontend } from './ws';

export interface BinanceSimOptions {
  /** Accepted keys; default one HMAC key `DEFAULT_API_KEY` / `DEFAULT_SECRET`. */
  readonly credentials?: readonly SimCredential[];
  /** Initial free balances; default 100 000 USDT, 2 BTC, 20 ETH. */
  readonly balances?: Readonly<Record<string, number>>;
  readonly symbols?: readonly SymbolSpec[];
  /** Fee rates (fractions), default 0.001 both. */
  readonly makerFee?: number;
  readonly takerFee?: number;
  /** PRNG seed for the synthetic book and tape. */
  readonly seed?: number;
  /** Minutes of seeded tape history, default 1500 (one print per minute). */
  readonly historyMinutes?: number;
  /** USD-M perpetuals served under `/fapi` (default BTCUSDT); their wallet (default 100 000 USDT, 10 BTC backing sells). */
  readonly futuresSymbols?: readonly SymbolSpec[];
  readonly futuresBalances?: Readonly<Record<string, number>>;
  /** Server ping interval on WebSockets, default 20 000 ms (Binance: 20 s). */
  readonly pingIntervalMs?: number;
}

/** Accepts an exchange id (`BTCUSDT`) or a unified symbol (`BTC/USDT`). */
function toId(symbol: string): string {
  return symbol.replace('/', '');
}

export const DEFAULT_API_KEY = 'sim-api-key-0000000000000000000000000000000000000000000000000000';
export const DEFAULT_SECRET = 'sim-secret-00000000000000000000000000000000000000000000000000000';

/** Copy of an order / fill / balance as exposed to tests. */
export type SimOrderView = Readonly<SimOrder>;
export type SimFillView = Readonly<SimFill>;

export class BinanceSim {
  /** Fault injection. */
  readonly faults: Faults;
  /** Every request received (REST, WebSocket API, market-stream methods), in order. */
  readonly requests: SimRequestLog[] = [];
  readonly engine: Engine;
  /** The USD-M futures engine (`/fapi`, `/fstream`): its own book and wallet, see futures.ts. */
  readonly futures: Engine;

  private readonly server: Server;
  private readonly ws: WsFrontend;
  private readonly fstream: FuturesStream;
  private readonly sockets = new Set<Socket>();
  private readonly requestListeners = new Set<(request: SimRequestLog) => void>();
  private readonly arrivalListeners = new Set<(method: string, url: string) => void>();
  private clockOffsetMs = 0;
  private port = 0;

  private constructor(opts: BinanceSimOptions) {
    const now = (): number => Date.now() + this.clockOffsetMs;
    this.engine = new Engine({
      symbols: opts.symbols ?? DEFAULT_SYMBOLS,
      balances: opts.balances ?? { USDT: 100_000, BTC: 2, ETH: 20 },
      makerFee: opts.makerFee ?? 0.001,
      takerFee: opts.takerFee ?? 0.001,
      seed: opts.seed ?? 42,
      historyMinutes: opts.historyMinutes ?? 1500,
      now,
    });
    this.futures = new Engine({
      symbols: opts.futuresSymbols ?? DEFAULT_FUTURES_SYMBOLS,
      balances: opts.futuresBalances ?? { USDT: 100_000, BTC: 10 },
      makerFee: 0.0002,
      takerFee: 0.0005,
      seed: (opts.seed ?? 42) + 1,
      historyMinutes: Math.min(opts.historyMinutes ?? 1500, 60),
      now,
    });
    const auth = new Authenticator(opts.credentials ?? [{ apiKey: DEFAULT_API_KEY, secret: DEFAULT_SECRET }], now);
    const endpoints = buildEndpoints(this.engine);
    const record = (entry: Omit<SimRequestLog, 'seq' | 'time'>): SimRequestLog => {
      const full: SimRequestLog = { ...entry, seq: this.requests.length + 1, time: now() };
      this.requests.push(full);
      for (const l of this.requestListeners) l(full);
      return full;
    };
    this.faults = new Faults(
      {
        closeAll: (code) => {
          this.ws.closeAll(code);
          this.fstream.closeAll(code);
        },
      },
      (symbol, skip) => this.engine.injectSequenceGap(toId(symbol), skip),
    );
    this.ws = new WsFrontend({ engine: this.engine, auth, faults: this.faults, endpoints, record, pingIntervalMs: opts.pingIntervalMs ?? 20_000 });
    const listenKeys = new Set<string>();
    this.fstream = new FuturesStream(this.futures, listenKeys, () => this.faults.stalled);
    const rest = new RestFrontend({ endpoints, futuresEndpoints: buildFuturesEndpoints(this.futures, listenKeys), auth, faults: this.faults, record, now });
    this.server = createServer({ noDelay: true, keepAlive: true }, (req, res) => {
      // Headers parsed, body not read yet: the latency bench separates the simulator's own
      // parse cost (body, params, signature) from the wire.
      for (const l of this.arrivalListeners) l(req.method ?? '', req.url ?? '');
      rest.handle(req, res);
    });
    this.server.on('upgrade', (req, socket, head) => {
      if ((req.url ?? '').startsWith('/fstream/')) this.fstream.handleUpgrade(req, socket, head);
      else this.ws.handleUpgrade(req, socket, head);
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  /** Starts a simulator on 127.0.0.1 with a random port. */
  static async start(opts: BinanceSimOptions = {}): Promise<BinanceSim> {
    const sim = new BinanceSim(opts);
    await new Promise<void>((resolve, reject) => {
      sim.server.once('error', reject);
      sim.server.listen(0, '127.0.0.1', () => resolve());
    });
    sim.port = (sim.server.address() as AddressInfo).port;
    return sim;
  }

  // ------------------------------------------------------------------- URLs

  get httpBase(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get wsBase(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** Values for ccxt's `urls.api` (REST keys plus `ws`). */
  get ccxtUrls(): { public: string; private: string; v1: string; ws: { spot: string; margin: string; 'ws-api': { spot: string } } } {
    return {
      public: `${this.httpBase}/api/v3`,
      private: `${this.httpBase}/api/v3`,
      v1: `${this.httpBase}/api/v1`,
      ws: { spot: `${this.wsBase}/ws`, margin: `${this.wsBase}/ws`, 'ws-api': { spot: `${this.wsBase}/ws-api/v3` } },
    };
  }

  /** Values for a ccxt `binanceusdm` client's `urls.api` (fapi REST, the futures WebSocket). */
  get ccxtFuturesUrls(): Record<string, unknown> {
    const fapi = `${this.httpBase}/fapi`;
    return {
      fapiPublic: `${fapi}/v1`,
      fapiPublicV2: `${fapi}/v2`,
      fapiPublicV3: `${fapi}/v3`,
      fapiPrivate: `${fapi}/v1`,
      fapiPrivateV2: `${fapi}/v2`,
      fapiPrivateV3: `${fapi}/v3`,
      // ccxt rewrites `…/ws` to `…/private/ws?listenKey=` for the user data stream.
      ws: { future: `${this.wsBase}/fstream/ws` },
    };
  }

  /** USD-M: moves the perpetual's market (fills crossed resting orders), as `setPrice` for spot. */
  setFuturesPrice(symbol: string, price: number): void {
    this.futures.setPrice(toId(symbol.replace(/:.*$/, '')), price);
  }

  /** USD-M: every order ever accepted, oldest first. */
  futuresOrders(): SimOrderView[] {
    return this.futures.allOrders().map((o) => ({ ...o }));
  }

  // --------------------------------------------------------- market control
  // Symbols may be given as exchange ids (`BTCUSDT`) or unified (`BTC/USDT`).


  /** Moves the market: re-centres the book on `price` (depth diff), fills crossed resting orders, prints a trade. */
  setPrice(symbol: string, price: number): void {
    this.engine.setPrice(toId(symbol), price);
  }

  /** Prints a public trade; resting orders at or through `price` fill (maker) up to `qty`. */
  trade(symbol: string, price: number, qty: number): void {
    this.engine.trade(toId(symbol), price, qty);
  }

  /** Adds free balance (or replaces it with `set`). */
  credit(asset: string, amount: number, set = false): void {
    this.engine.credit(asset, amount, set);
  }

  /** Skews the simulator clock relative to the host (positive: server ahead). */
  setClockOffset(ms: number): void {
    this.clockOffsetMs = ms;
  }

  now(): number {
    return this.engine.now();
  }

  // ------------------------------------------------------------- inspection

  /** All orders ever accepted (open and closed), oldest first. */
  orders(symbol?: string): SimOrderView[] {
    return this.engine.allOrders().filter((o) => symbol === undefined || o.symbol === toId(symbol)).map((o) => ({ ...o }));
  }

  openOrders(symbol?: string): SimOrderView[] {
    return this.orders(symbol).filter((o) => o.status === 'NEW' || o.status === 'PARTIALLY_FILLED');
  }

  /** The account's fills, oldest first. */
  trades(symbol?: string): SimFillView[] {
    return this.engine.allFills().filter((f) => symbol === undefined || f.symbol === toId(symbol)).map((f) => ({ ...f }));
  }

  balances(): Record<string, BalanceEntry> {
    const out: Record<string, BalanceEntry> = {};
    for (const [asset, b] of this.engine.balances()) out[asset] = { free: b.free, locked: b.locked };
    return out;
  }

  /** Requests whose path (REST) or method (WebSocket API) matches, e.g. `requestsTo('POST', '/api/v3/order')`. */
  requestsTo(method: string, path?: string): SimRequestLog[] {
    return this.requests.filter((r) => r.method === method && (path === undefined || r.path === path));
  }

  /**
   * Calls `listener` synchronously as each request arrives, BEFORE the simulator executes it
   * (crash tests kill the engine at that instant; the latency bench timestamps arrivals).
   * Returns the unsubscribe function.
   */
  onRequest(listener: (request: SimRequestLog) => void): () => void {
    this.requestListeners.add(listener);
    return () => this.requestListeners.delete(listener);
  }

  /** Calls `listener` as each HTTP request's headers arrive, before its body is read or parsed. */
  onArrival(listener: (method: string, url: string) => void): () => void {
    this.arrivalListeners.add(listener);
    return () => this.arrivalListeners.delete(listener);
  }

  get openWebSockets(): number {
    return this.ws.connectionCount;
  }

  // -------------------------------------------------------------- lifecycle

  async close(): Promise<void> {
    this.faults.reset();
    await this.ws.close();
    await this.fstream.close();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export function startBinanceSim(opts: BinanceSimOptions = {}): Promise<BinanceSim> {
  return BinanceSim.start(opts);
}
