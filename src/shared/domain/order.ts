/**
 * Orders, fills and their vocabulary. Orders are immutable values: every change of state
 * produces a new object (see the order state machine in main/engine/execution).
 */
import type { InstrumentId } from './instrument';

export type OrderSide = 'BUY' | 'SELL';
export type OrderType = 'MARKET' | 'LIMIT' | 'STOP_MARKET' | 'STOP_LIMIT';
export type TimeInForce = 'GTC' | 'IOC' | 'FOK' | 'GTD';
export type LiquiditySide = 'MAKER' | 'TAKER';

export const ORDER_STATUSES = [
  'INITIALIZED',
  'DENIED',
  'SUBMITTED',
  'ACCEPTED',
  'REJECTED',
  'TRIGGERED',
  'PENDING_UPDATE',
  'PENDING_CANCEL',
  'PARTIALLY_FILLED',
  'FILLED',
  'CANCELED',
  'EXPIRED',
  'UNKNOWN',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const TERMINAL_STATUSES: ReadonlySet<OrderStatus> = new Set(['DENIED', 'REJECTED', 'FILLED', 'CANCELED', 'EXPIRED']);

export function isTerminal(status: OrderStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

/** Working = may still fill. */
export function isOpen(status: OrderStatus): boolean {
  return (
    status === 'ACCEPTED' ||
    status === 'TRIGGERED' ||
    status === 'PENDING_UPDATE' ||
    status === 'PENDING_CANCEL' ||
    status === 'PARTIALLY_FILLED' ||
    status === 'SUBMITTED' ||
    status === 'UNKNOWN'
  );
}

/** What a strategy, the order ticket or an agent asks for. Quantities/prices are raw integers. */
export interface OrderIntent {
  readonly instrumentId: InstrumentId;
  readonly side: OrderSide;
  readonly type: OrderType;
  /** Base quantity in lots of the instrument. Ignored (give 0) when `quoteQuantityRaw` is set. */
  readonly quantityRaw: number;
  /**
   * MARKET orders only: "spend this much quote", raw at the instrument's quote precision, fee
   * included (Binance's `quoteOrderQty`, CCXT's cost-based market buy). The quantity is computed
   * at the fill price and rounded down to the lot; until then the engine carries an estimate at
   * the last price in `quantityRaw` (what the risk gate checks: notional ≈ the quote amount).
   */
  readonly quoteQuantityRaw?: number;
  readonly priceRaw?: number;
  readonly triggerPriceRaw?: number;
  readonly timeInForce?: TimeInForce;
  /** Required for GTD: expiry time in ms. */
  readonly expireTime?: number;
  readonly postOnly?: boolean;
  readonly reduceOnly?: boolean;
  readonly tags?: readonly string[];
}

export interface Order {
  readonly clientOrderId: string;
  readonly venueOrderId?: string;
  readonly strategyId: string;
  readonly instrumentId: InstrumentId;
  readonly side: OrderSide;
  readonly type: OrderType;
  /** For a quote-amount order: the estimate at the last price until the venue fixes it at the fill. */
  readonly quantityRaw: number;
  /** Quote amount to spend (MARKET only), raw at the instrument's quote precision, fee included. */
  readonly quoteQuantityRaw?: number;
  readonly priceRaw?: number;
  readonly triggerPriceRaw?: number;
  readonly timeInForce: TimeInForce;
  readonly expireTime?: number;
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
  readonly status: OrderStatus;
  readonly filledRaw: number;
  /** Average fill price as a decimal (float: an average is not on the tick grid). */
  readonly avgPx: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** A stop order whose trigger price was reached (it now works as a market/limit order). */
  readonly triggered?: boolean;
  /** Last reason given by a venue or the risk gate. */
  readonly reason?: string;
  readonly tags?: readonly string[];
}

export interface Fill {
  readonly tradeId: string;
  readonly clientOrderId: string;
  readonly venueOrderId?: string;
  readonly strategyId: string;
  readonly instrumentId: InstrumentId;
  readonly side: OrderSide;
  readonly quantityRaw: number;
  readonly priceRaw: number;
  /** Fee in `feeCurrency`, raw at `feePrecision`. */
  readonly feeRaw: number;
  readonly feeCurrency: string;
  readonly feePrecision: number;
  readonly liquidity: LiquiditySide;
  readonly ts: number;
}

export function oppositeSide(side: OrderSide): OrderSide {
  return side === 'BUY' ? 'SELL' : 'BUY';
}

export function signOf(side: OrderSide): 1 | -1 {
  return side === 'BUY' ? 1 : -1;
}
