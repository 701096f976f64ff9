/**
 * The narrow slice of a ccxt (ccxt.pro) exchange instance that LIBRA's CCXT adapter uses.
 *
 * Why a structural interface instead of ccxt's `Exchange` class: the adapter must be testable
 * with small fakes, and naming exactly which calls we make documents what a venue must support.
 * A real `new ccxt.pro.binance(...)` instance satisfies it (checked by the integration tests).
 */
import type { Balances, Order as CcxtOrder, OrderBook as CcxtOrderBook, Ticker as CcxtTicker, Trade as CcxtTrade } from 'ccxt';

export type { CcxtOrder, CcxtTrade, CcxtOrderBook, CcxtTicker, Balances as CcxtBalances };

export type CcxtParams = Record<string, unknown>;

/**
 * The fields of a ccxt trade the execution client reads (a fill of one of the account's
 * orders). A ccxt `Trade` is one; so is what a venue's own stream parser builds (Binance:
 * ../binance/user-data.ts) without going through ccxt's generic parsing.
 */
export interface TradeUpdate {
  readonly id: string | undefined;
  readonly order: string | undefined;
  readonly symbol: string | undefined;
  readonly side: string | undefined;
  readonly price: number | undefined;
  readonly amount: number | undefined;
  readonly timestamp: number | undefined;
  readonly takerOrMaker: string | undefined;
  readonly fee: { readonly cost?: number | undefined; readonly currency?: string | undefined } | undefined;
  /** The venue's own record (client order id, execution type). */
  readonly info: unknown;
}

/** The fields of a ccxt order the execution client reads; a ccxt `Order` is one (see TradeUpdate). */
export interface OrderUpdate {
  readonly id: string | undefined;
  readonly clientOrderId: string | undefined;
  readonly symbol: string | undefined;
  readonly status: string | undefined;
  readonly type: string | undefined;
  readonly side: string | undefined;
  readonly price: number | undefined;
  readonly amount: number | undefined;
  readonly filled: number | undefined;
  readonly timestamp: number | undefined;
  readonly lastUpdateTimestamp?: number | undefined;
  readonly trades: readonly TradeUpdate[] | undefined;
  readonly info: unknown;
}

/** Where a venue's own private-stream parser hands what it read (the execution client's stream handlers). */
export interface StreamSink {
  order(o: OrderUpdate): void;
  trade(t: TradeUpdate): void;
}
export type CcxtOHLCV = (number | undefined)[];

/** Feature flags as ccxt reports them (`exchange.has`): true, false, 'emulated' or undefined. */
export type HasFlags = Record<string, boolean | 'emulated' | undefined | null>;

export interface CcxtLike {
  readonly id: string;
  readonly has: HasFlags;
  options: Record<string, unknown>;
  loadMarkets(reload?: boolean): Promise<unknown>;
  /** ccxt's unified currency code of a venue asset id (`XBT` → `BTC`); every ccxt exchange has it. */
  safeCurrencyCode?(currencyId: string): string | undefined;
  createOrder(symbol: string, type: string, side: string, amount: number, price?: number, params?: CcxtParams): Promise<CcxtOrder>;
  cancelOrder(id: string, symbol?: string, params?: CcxtParams): Promise<unknown>;
  fetchOrder(id: string, symbol?: string, params?: CcxtParams): Promise<CcxtOrder>;
  /** Present where ccxt implements it (`has.editOrder`); Binance spot: order/cancelReplace. */
  editOrder?(id: string, symbol: string, type: string, side: string, amount?: number, price?: number, params?: CcxtParams): Promise<CcxtOrder>;
  fetchOpenOrders(symbol?: string, since?: number, limit?: number, params?: CcxtParams): Promise<CcxtOrder[]>;
  fetchMyTrades(symbol?: string, since?: number, limit?: number, params?: CcxtParams): Promise<CcxtTrade[]>;
  fetchBalance(params?: CcxtParams): Promise<Balances>;
  close(): Promise<unknown>;
}

/** ccxt.pro private streams (present on every ccxt.pro exchange class; `has` says if supported). */
export interface CcxtProPrivate extends CcxtLike {
  watchOrders(symbol?: string, since?: number, limit?: number, params?: CcxtParams): Promise<CcxtOrder[]>;
  watchMyTrades(symbol?: string, since?: number, limit?: number, params?: CcxtParams): Promise<CcxtTrade[]>;
}

/** Public market data calls (REST and ccxt.pro). */
export interface CcxtMarketData {
  readonly id: string;
  readonly has: HasFlags;
  loadMarkets(reload?: boolean): Promise<unknown>;
  fetchOrderBook(symbol: string, limit?: number, params?: CcxtParams): Promise<CcxtOrderBook>;
  fetchTrades(symbol: string, since?: number, limit?: number, params?: CcxtParams): Promise<CcxtTrade[]>;
  fetchTicker(symbol: string, params?: CcxtParams): Promise<CcxtTicker>;
  fetchOHLCV(symbol: string, timeframe?: string, since?: number, limit?: number, params?: CcxtParams): Promise<CcxtOHLCV[]>;
  watchOrderBook?(symbol: string, limit?: number, params?: CcxtParams): Promise<CcxtOrderBook>;
  watchTrades?(symbol: string, since?: number, limit?: number, params?: CcxtParams): Promise<CcxtTrade[]>;
  watchTicker?(symbol: string, params?: CcxtParams): Promise<CcxtTicker>;
  watchOHLCV?(symbol: string, timeframe?: string, since?: number, limit?: number, params?: CcxtParams): Promise<CcxtOHLCV[]>;
  close(): Promise<unknown>;
}

export function hasPrivateStreams(ex: CcxtLike): ex is CcxtProPrivate {
  const e = ex as Partial<CcxtProPrivate>;
  return typeof e.watchOrders === 'function' && typeof e.watchMyTrades === 'function' && ex.has['watchOrders'] === true && ex.has['watchMyTrades'] === true;
}
