/**
 * Shared types of the loopback Binance spot simulator.
 *
 * The simulator keeps its state in plain numbers (rounded to the symbol's
 * precision on every mutation) and renders Binance's wire format (decimal
 * strings) only at the protocol edge (REST / WebSocket handlers).
 */

export type Side = 'BUY' | 'SELL';

export type OrderType =
  | 'LIMIT'
  | 'MARKET'
  | 'LIMIT_MAKER'
  | 'STOP_LOSS'
  | 'STOP_LOSS_LIMIT'
  | 'TAKE_PROFIT'
  | 'TAKE_PROFIT_LIMIT';

export type TimeInForce = 'GTC' | 'IOC' | 'FOK';

export type OrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED' | 'REJECTED';

/** Execution types of Binance's `executionReport` user-data event (`x`). */
export type ExecutionType = 'NEW' | 'TRADE' | 'CANCELED' | 'EXPIRED' | 'REJECTED' | 'AMENDMENT';

/** Static description of one tradable spot symbol. */
export interface SymbolSpec {
  /** Exchange id, e.g. `BTCUSDT`. */
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  readonly tickSize: number;
  readonly minPrice: number;
  readonly maxPrice: number;
  readonly stepSize: number;
  readonly minQty: number;
  readonly maxQty: number;
  readonly minNotional: number;
  /** Decimals used when rendering base quantities. */
  readonly baseDecimals: number;
  /** Decimals used when rendering prices / quote amounts. */
  readonly quoteDecimals: number;
  /** Mid price the simulator starts from. */
  readonly initialPrice: number;
  /** Typical quantity resting on one synthetic book level. */
  readonly levelQty: number;
}

/** A user order held by the simulator (numbers, not wire strings). */
export interface SimOrder {
  symbol: string;
  orderId: number;
  clientOrderId: string;
  side: Side;
  type: OrderType;
  timeInForce: TimeInForce;
  /** Limit price, 0 for market-style orders. */
  price: number;
  stopPrice: number;
  origQty: number;
  /** Quote amount requested by a MARKET order sent with `quoteOrderQty`, else 0. */
  origQuoteOrderQty: number;
  executedQty: number;
  cummulativeQuoteQty: number;
  status: OrderStatus;
  /** Creation time (ms, simulator clock). */
  time: number;
  updateTime: number;
  /** Time the order became active on the book (stop orders: trigger time). */
  workingTime: number;
  /** False while a stop order waits for its trigger. */
  isWorking: boolean;
  /** Funds still locked for this order, in `lockedAsset`. */
  locked: number;
  lockedAsset: string;
  /** API key that placed the order. */
  apiKey: string;
}

/** One fill of a user order (Binance `myTrades` row). */
export interface SimFill {
  symbol: string;
  id: number;
  orderId: number;
  clientOrderId: string;
  price: number;
  qty: number;
  quoteQty: number;
  commission: number;
  commissionAsset: string;
  time: number;
  isBuyer: boolean;
  isMaker: boolean;
}

/** One print on the public tape (`trades`, `aggTrades`, `@trade`). */
export interface PublicTrade {
  id: number;
  price: number;
  qty: number;
  time: number;
  isBuyerMaker: boolean;
}

export interface BalanceEntry {
  free: number;
  locked: number;
}

/** A diff-depth batch as emitted on `<symbol>@depth`. */
export interface DepthDiff {
  symbol: string;
  /** First update id in this event. */
  firstUpdateId: number;
  /** Final update id in this event. */
  finalUpdateId: number;
  time: number;
  bids: Array<[number, number]>;
  asks: Array<[number, number]>;
}

/** An error the simulator answers with Binance's `{code, msg}` body. */
export class SimApiError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: number,
    readonly msg: string,
    /** Extra payload Binance sends with some errors (cancelReplace: both halves' results). */
    readonly data?: unknown,
  ) {
    super(`${code} ${msg}`);
    this.name = 'SimApiError';
  }
}

/** Recorded request, for "exactly one order per intent" style assertions. */
export interface SimRequestLog {
  readonly seq: number;
  readonly time: number;
  readonly transport: 'rest' | 'ws-api' | 'ws';
  /** HTTP method for REST, WebSocket API method / `SUBSCRIBE` otherwise. */
  readonly method: string;
  /** URL path for REST (e.g. `/api/v3/order`), connection path for WebSocket. */
  readonly path: string;
  /** Merged query + body parameters (signature included, as sent). */
  readonly params: Readonly<Record<string, string>>;
  readonly apiKey: string | undefined;
  /** Whether the request carried a signature. */
  readonly signed: boolean;
  /** Result of signature verification; `undefined` when not signed. */
  signatureValid: boolean | undefined;
  /** HTTP status / WebSocket API status finally answered (undefined if dropped). */
  status: number | undefined;
}
