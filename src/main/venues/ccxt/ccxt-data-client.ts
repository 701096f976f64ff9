/**
 * CcxtDataClient: market data from a ccxt (ccxt.pro) exchange onto the engine bus.
 *
 *   watchOrderBook → BookUpdate (SNAPSHOT of the top levels, sequence = venue nonce)
 *   watchTrades    → TradeTick      watchTicker → QuoteTick      watchOHLCV → Bar (closed bars)
 *
 * WebSocket where `exchange.has` says so, REST polling otherwise (`capabilities()` says which).
 * Book integrity: ccxt.pro itself checks Binance's update ids and throws ChecksumError on a
 * gap (then re-snapshots on the next watch); we additionally require the nonce to increase and
 * count every gap/re-snapshot. A stream silent for `stallMs` is treated as disconnected: the
 * exchange's sockets are closed, every watcher backs off (exponential + jitter) and resubscribes.
 *
 * Reconnect pacing is OURS alone: ccxt ≥ 4.5 adds its own exponential dial delay per URL
 * (`options.ws.backoff`: 1 s, 2 s, 4 s … up to 60 s, reset only after 30 s without a dial).
 * Stacked under the stall watchdog that was a death spiral: each resubscription waited longer
 * to dial than `stallMs`, so the watchdog fired before the socket opened, closed it again (a
 * client closed while sleeping even dialled afterwards, leaking a socket) and the delay doubled.
 * The client therefore sets ccxt's dial delay to 0 on its exchange (`base: 0`) at start.
 *
 * ccxt.pro's public trade cache holds `TRADE_CACHE_ENTRIES` trades per symbol (its
 * `options.tradesLimit`; a smaller configured value stays). The client reads each delivery's new
 * trades only (ccxt's newUpdates), so no trade is lost while a delivery holds fewer than the
 * cache; ccxt delivers frames one at a time, and more at once only when the event loop fell
 * behind (it then drains its backlog in one go). A delivery as large as the cache may have lost
 * its oldest trades: it is reported as a GAP on the trades channel (`stats.tradeGaps`), never
 * hidden. The cache stays at ccxt's 1 000, not lower: a smaller one (100 was measured) makes
 * ≈ 11 KB less garbage per trade (ccxt slides and copies it per trade) but a 100-trade backlog
 * is 20 ms of a busy BTCUSDT minute behind — one GC pause — and public trades cannot be
 * fetched back with the same ids (Binance's REST default is aggregated trades).
 *
 * Use a separate exchange instance from the execution client: a data stall closes its sockets.
 */
import { ChecksumError } from 'ccxt';
import type { Instrument } from '../../../shared/domain/instrument';
import type { Bar, BookUpdate, QuoteTick, TradeTick } from '../../../shared/messages/market-data';
import { parseTimeframe } from '../../../shared/messages/market-data';
import type { MessageBus } from '../../engine/bus/message-bus';
import { Topics } from '../../engine/bus/topics';
import type { TimeSource } from '../../engine/clock/clock';
import { closeQuietly } from './ccxt-execution-client';
import type { CcxtLike, CcxtMarketData, CcxtOHLCV, CcxtOrderBook, CcxtTicker, CcxtTrade, HasFlags } from './ccxt-types';
import { backoffDelay, DEFAULT_BACKOFF } from './rate-limiter';
import type { BackoffOptions } from './rate-limiter';

export type Channel = 'book' | 'trades' | 'ticker' | 'ohlcv';

/** Trades ccxt.pro keeps per symbol for `watchTrades` (its `options.tradesLimit`; see the module doc). */
export const TRADE_CACHE_ENTRIES = 1_000;

/** Caps ccxt.pro's public trade cache at `TRADE_CACHE_ENTRIES` (a smaller configured value stays); returns the cap. */
export function boundTradeCache(exchange: object): number {
  const ex = exchange as { options?: Record<string, unknown> };
  const v = ex.options?.['tradesLimit'];
  const n = typeof v === 'number' && v > 0 ? Math.min(v, TRADE_CACHE_ENTRIES) : TRADE_CACHE_ENTRIES;
  if (ex.options !== undefined && ex.options !== null && typeof ex.options === 'object') ex.options['tradesLimit'] = n;
  return n;
}

export interface CapabilityReport {
  readonly exchange: string;
  /** How each channel is served. */
  readonly channels: Readonly<Record<Channel, 'websocket' | 'rest-polling' | 'unavailable'>>;
  readonly privateStream: boolean;
  readonly createOrder: boolean;
  readonly fetchOrderByClientId: boolean;
  readonly editOrder: boolean;
  readonly fetchMyTrades: boolean;
  readonly fetchPositions: boolean;
  /** Plain-language list of what this venue lacks. */
  readonly lacks: readonly string[];
}

const yes = (v: HasFlags[string]): boolean => v === true || v === 'emulated';

export function capabilityReport(id: string, has: HasFlags): CapabilityReport {
  const ch = (ws: string, rest: string): 'websocket' | 'rest-polling' | 'unavailable' => (yes(has[ws]) ? 'websocket' : yes(has[rest]) ? 'rest-polling' : 'unavailable');
  const channels = {
    book: ch('watchOrderBook', 'fetchOrderBook'),
    trades: ch('watchTrades', 'fetchTrades'),
    ticker: ch('watchTicker', 'fetchTicker'),
    ohlcv: ch('watchOHLCV', 'fetchOHLCV'),
  } as const;
  const privateStream = yes(has['watchOrders']) && yes(has['watchMyTrades']);
  const lacks: string[] = [];
  for (const [k, v] of Object.entries(channels)) {
    if (v === 'rest-polling') lacks.push(`no WebSocket ${k} (REST polling instead)`);
    if (v === 'unavailable') lacks.push(`no ${k} data at all`);
  }
  if (!privateStream) lacks.push('no private order/fill stream (orders are reconciled by REST polling)');
  if (!yes(has['editOrder'])) lacks.push('no order amendment (cancel and resubmit)');
  if (!yes(has['fetchMyTrades'])) lacks.push('no trade history: missed fills cannot be recovered after a disconnect');
  if (!yes(has['fetchOrder'])) lacks.push('no single-order lookup: a lost order reply cannot be resolved by client id');
  return {
    exchange: id,
    channels,
    privateStream,
    createOrder: yes(has['createOrder']),
    fetchOrderByClientId: yes(has['fetchOrder']),
    editOrder: yes(has['editOrder']),
    fetchMyTrades: yes(has['fetchMyTrades']),
    fetchPositions: yes(has['fetchPositions']),
    lacks,
  };
}

export interface DataSubscription {
  readonly instrument: Instrument;
  readonly symbol: string;
  readonly book?: boolean;
  readonly trades?: boolean;
  readonly ticker?: boolean;
  /** Bar timeframes, e.g. ['1m']. */
  readonly timeframes?: readonly string[];
}

export interface CcxtDataClientOptions {
  readonly exchange: CcxtMarketData & Pick<CcxtLike, 'close'>;
  readonly bus: MessageBus;
  readonly time: TimeSource;
  readonly random: () => number;
  readonly subscriptions: readonly DataSubscription[];
  /** Levels per side published in BookUpdate (default 20). */
  readonly depth?: number;
  /** No message for this long on a stream → disconnected (default 30 000 ms). */
  readonly stallMs?: number;
  readonly pollIntervalMs?: number;
  readonly backoff?: BackoffOptions;
  readonly onEvent?: (e: { kind: 'GAP' | 'STALL' | 'ERROR' | 'RESUBSCRIBED'; symbol: string; channel: Channel; message?: string }) => void;
}

export class CcxtDataClient {
  private stopped = true;
  private readonly tasks: Promise<void>[] = [];
  private readonly lastSeq = new Map<string, number>();
  private readonly lastTradeIds = new Map<string, Set<string>>();
  private readonly lastBarOpen = new Map<string, number>();
  private closing: Promise<void> | undefined;
  readonly stats = { gaps: 0, tradeGaps: 0, stalls: 0, books: 0, trades: 0, quotes: 0, bars: 0 };
  private tradeCache = TRADE_CACHE_ENTRIES;
  private readonly cancels = new Set<() => void>();

  constructor(private readonly opts: CcxtDataClientOptions) {}

  capabilities(): CapabilityReport {
    return capabilityReport(this.opts.exchange.id, this.opts.exchange.has);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    disableCcxtDialBackoff(this.opts.exchange);
    this.tradeCache = boundTradeCache(this.opts.exchange);
    const cap = this.capabilities();
    for (const s of this.opts.subscriptions) {
      if (s.book && cap.channels.book !== 'unavailable') this.tasks.push(this.loop(s, 'book', cap.channels.book === 'websocket'));
      if (s.trades && cap.channels.trades !== 'unavailable') this.tasks.push(this.loop(s, 'trades', cap.channels.trades === 'websocket'));
      if (s.ticker && cap.channels.ticker !== 'unavailable') this.tasks.push(this.loop(s, 'ticker', cap.channels.ticker === 'websocket'));
      for (const tf of s.timeframes ?? []) if (cap.channels.ohlcv !== 'unavailable') this.tasks.push(this.loop(s, 'ohlcv', cap.channels.ohlcv === 'websocket', tf));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const c of this.cancels) c();
    this.cancels.clear();
    await closeQuietly(this.opts.exchange as unknown as CcxtLike);
    await Promise.allSettled(this.tasks);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const cancel = this.opts.time.schedule(ms, () => {
        this.cancels.delete(wake);
        resolve();
      });
      const wake = (): void => {
        cancel();
        resolve();
      };
      this.cancels.add(wake);
    });
  }

  /** Resolves with `p`, or rejects when nothing arrives within stallMs. */
  private watchdog<T>(p: Promise<T>): Promise<T> {
    const stallMs = this.opts.stallMs ?? 30_000;
    return new Promise<T>((resolve, reject) => {
      const cancel = this.opts.time.schedule(stallMs, () => reject(new StallError(`no message for ${stallMs} ms`)));
      p.then(
        (v) => {
          cancel();
          resolve(v);
        },
        (e: unknown) => {
          cancel();
          reject(e instanceof Error ? e : new Error(String(e)));
        },
      );
    });
  }

  private async loop(s: DataSubscription, channel: Channel, ws: boolean, timeframe?: string): Promise<void> {
    let attempt = 0;
    const ex = this.opts.exchange;
    while (!this.stopped) {
      try {
        if (ws) {
          switch (channel) {
            case 'book':
              this.onBook(s, await this.watchdog((ex.watchOrderBook as NonNullable<CcxtMarketData['watchOrderBook']>).call(ex, s.symbol)));
              break;
            case 'trades': {
              const trades = await this.watchdog((ex.watchTrades as NonNullable<CcxtMarketData['watchTrades']>).call(ex, s.symbol));
              if (trades.length >= this.tradeCache) this.tradeBurst(s, trades.length);
              this.onTrades(s, trades);
              break;
            }
            case 'ticker':
              this.onTicker(s, await this.watchdog((ex.watchTicker as NonNullable<CcxtMarketData['watchTicker']>).call(ex, s.symbol)));
              break;
            case 'ohlcv':
              this.onOhlcv(s, timeframe ?? '1m', await this.watchdog((ex.watchOHLCV as NonNullable<CcxtMarketData['watchOHLCV']>).call(ex, s.symbol, timeframe)));
              break;
          }
        } else {
          switch (channel) {
            case 'book':
              this.onBook(s, await ex.fetchOrderBook(s.symbol, this.opts.depth ?? 20));
              break;
            case 'trades':
              this.onTrades(s, await ex.fetchTrades(s.symbol, undefined, 100));
              break;
            case 'ticker':
              this.onTicker(s, await ex.fetchTicker(s.symbol));
              break;
            case 'ohlcv':
              this.onOhlcv(s, timeframe ?? '1m', await ex.fetchOHLCV(s.symbol, timeframe, undefined, 3));
              break;
          }
          await this.sleep(this.opts.pollIntervalMs ?? 1000);
        }
        if (attempt > 0) this.opts.onEvent?.({ kind: 'RESUBSCRIBED', symbol: s.symbol, channel });
        attempt = 0;
      } catch (error) {
        if (this.stopped) return;
        if (error instanceof ChecksumError) {
          // Sequence gap: ccxt dropped its book; the next watch re-snapshots. Not a disconnect.
          this.stats.gaps++;
          this.lastSeq.delete(s.symbol);
          this.opts.onEvent?.({ kind: 'GAP', symbol: s.symbol, channel, message: error.message });
          continue;
        }
        if (error instanceof StallError) {
          this.stats.stalls++;
          this.opts.onEvent?.({ kind: 'STALL', symbol: s.symbol, channel, message: error.message });
          // Silent socket: close it so every watcher on it fails over and resubscribes.
          this.closing ??= closeQuietly(this.opts.exchange as unknown as CcxtLike).finally(() => {
            this.closing = undefined;
          });
          await this.closing;
        } else {
          this.opts.onEvent?.({ kind: 'ERROR', symbol: s.symbol, channel, message: error instanceof Error ? error.message : String(error) });
        }
        await this.sleep(backoffDelay(attempt++, this.opts.backoff ?? DEFAULT_BACKOFF, this.opts.random));
      }
    }
  }

  /** A delivery that filled ccxt's trade cache: its oldest trades may have been dropped by ccxt. */
  private tradeBurst(s: DataSubscription, size: number): void {
    this.stats.tradeGaps++;
    this.opts.onEvent?.({ kind: 'GAP', symbol: s.symbol, channel: 'trades', message: `${size} trades delivered at once (ccxt keeps ${this.tradeCache}): older trades of this burst may be missing` });
  }

  private onBook(s: DataSubscription, ob: CcxtOrderBook): void {
    const seq = ob.nonce ?? ob.timestamp ?? 0;
    const prev = this.lastSeq.get(s.symbol);
    if (prev !== undefined && seq < prev) {
      // Our own check on top of ccxt's: a book must never go back in sequence.
      this.stats.gaps++;
      this.opts.onEvent?.({ kind: 'GAP', symbol: s.symbol, channel: 'book', message: `nonce went back ${prev} → ${seq}` });
    }
    this.lastSeq.set(s.symbol, seq);
    const depth = this.opts.depth ?? 20;
    const lv = (rows: [number | undefined, number | undefined][]): { price: number; size: number }[] =>
      rows.slice(0, depth).map(([price, size]) => ({ price: price ?? 0, size: size ?? 0 }));
    const msg: BookUpdate = { instrumentId: s.instrument.id, ts: ob.timestamp ?? this.opts.time.now(), action: 'SNAPSHOT', sequence: seq, bids: lv(ob.bids), asks: lv(ob.asks) };
    this.stats.books++;
    this.opts.bus.publish(Topics.book(s.instrument.id), msg);
  }

  private onTrades(s: DataSubscription, trades: CcxtTrade[]): void {
    // Polling returns overlapping windows: publish each trade id once.
    let seen = this.lastTradeIds.get(s.symbol);
    if (!seen) {
      seen = new Set();
      this.lastTradeIds.set(s.symbol, seen);
    }
    for (const t of trades) {
      const id = String(t.id ?? `${t.timestamp}-${t.price}-${t.amount}`);
      if (seen.has(id)) continue;
      seen.add(id);
      if (seen.size > 5000) seen.delete(seen.values().next().value as string);
      const tick: TradeTick = {
        instrumentId: s.instrument.id,
        ts: t.timestamp ?? this.opts.time.now(),
        price: t.price ?? 0,
        size: t.amount ?? 0,
        ...(t.side === 'buy' ? { side: 'BUY' as const } : t.side === 'sell' ? { side: 'SELL' as const } : {}),
        tradeId: id,
      };
      this.stats.trades++;
      this.opts.bus.publish(Topics.trades(s.instrument.id), tick);
    }
  }

  private onTicker(s: DataSubscription, t: CcxtTicker): void {
    if (t.bid === undefined || t.ask === undefined) return;
    const q: QuoteTick = { instrumentId: s.instrument.id, ts: t.timestamp ?? this.opts.time.now(), bid: t.bid, bidSize: t.bidVolume ?? 0, ask: t.ask, askSize: t.askVolume ?? 0 };
    this.stats.quotes++;
    this.opts.bus.publish(Topics.quotes(s.instrument.id), q);
  }

  /** Publishes only CLOSED bars (a bar is known at its close), each once. */
  private onOhlcv(s: DataSubscription, timeframe: string, rows: CcxtOHLCV[]): void {
    const tfMs = parseTimeframe(timeframe);
    const key = `${s.symbol}|${timeframe}`;
    const now = this.opts.time.now();
    for (const r of rows) {
      const [open, o, h, l, c, v] = r;
      if (open === undefined || o === undefined || h === undefined || l === undefined || c === undefined) continue;
      if (open + tfMs > now) continue;
      if ((this.lastBarOpen.get(key) ?? -Infinity) >= open) continue;
      this.lastBarOpen.set(key, open);
      const bar: Bar = { instrumentId: s.instrument.id, timeframeMs: tfMs, openTime: open, ts: open + tfMs, open: o, high: h, low: l, close: c, volume: v ?? 0 };
      this.stats.bars++;
      this.opts.bus.publish(Topics.bars(s.instrument.id, timeframe), bar);
    }
  }
}

/**
 * Sets ccxt's own WebSocket dial delay (`options.ws.backoff.base`) to 0 so that only the data
 * client's backoff paces reconnects (see the module doc). Other `options.ws` keys are kept.
 */
export function disableCcxtDialBackoff(exchange: object): void {
  const ex = exchange as { options?: Record<string, unknown> };
  if (ex.options === undefined || ex.options === null || typeof ex.options !== 'object') return;
  const ws = (ex.options['ws'] ?? {}) as Record<string, unknown>;
  const backoff = (ws['backoff'] ?? {}) as Record<string, unknown>;
  ex.options['ws'] = { ...ws, backoff: { ...backoff, base: 0 } };
}

class StallError extends Error {
  override readonly name = 'StallError';
}
