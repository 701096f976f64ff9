/**
 * Mapping between ccxt's unified structures (decimal numbers, lower-case enums) and LIBRA's
 * domain (raw fixed-point integers in the instrument's units, upper-case enums).
 *
 * Conversions go through the decimal STRING ccxt keeps in `info` when there is one, falling
 * back to the number: `toRaw` rounds half away from zero, which is exact for anything on the
 * venue's tick/lot grid (all venue quantities and prices are).
 */
import { toRaw } from '../../../shared/domain/fixed';
import type { Instrument } from '../../../shared/domain/instrument';
import { makeInstrument } from '../../../shared/domain/instrument';
import type { Fill, LiquiditySide, Order, OrderSide } from '../../../shared/domain/order';
import type { CcxtParams, OrderUpdate, TradeUpdate } from './ccxt-types';

export class MappingError extends Error {
  override readonly name = 'MappingError';
}

/** Precision used for fee amounts (venues quote fees to ≤ 8 decimals; keep room for more). */
export const FEE_PRECISION = 10;

function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** Venue order status as LIBRA needs it. */
export type VenueOrderState = 'OPEN' | 'FILLED' | 'CANCELED' | 'REJECTED' | 'EXPIRED';

export function venueState(o: Pick<OrderUpdate, 'status'>): VenueOrderState {
  switch (o.status) {
    case 'open':
      return 'OPEN';
    case 'closed':
      return 'FILLED';
    case 'canceled':
    case 'cancelled':
      return 'CANCELED';
    case 'rejected':
      return 'REJECTED';
    case 'expired':
      return 'EXPIRED';
    default:
      // Unknown or missing status: treat as still working; reconciliation asks again later.
      return 'OPEN';
  }
}

/** Cumulative filled quantity of a ccxt order, raw. */
export function filledRaw(o: Pick<OrderUpdate, 'filled'>, inst: Instrument): number {
  const f = num(o.filled) ?? 0;
  return f > 0 ? toRaw(f, inst.sizePrecision) : 0;
}

/**
 * Whether a row of `fetchMyTrades`/`watchMyTrades` is an execution of an order. Some venues list
 * other account events there: Bybit funding payments and settlements come with `execType`
 * other than `Trade` (recorded in ccxt's static fixtures) and must never become fills.
 */
export function isOrderExecution(t: Pick<TradeUpdate, 'info'>): boolean {
  const info = (t.info ?? {}) as Record<string, unknown>;
  const execType = info['execType'];
  return execType === undefined || execType === 'Trade';
}

/**
 * A venue order's client order id, or undefined when it has none. Kraken reports orders placed
 * without one as `"0"` (its `userref` default): that is not an id to adopt an order under.
 */
export function clientIdOfOrder(o: { readonly clientOrderId?: string | null }): string | undefined {
  const c = o.clientOrderId;
  return typeof c === 'string' && c !== '' && c !== '0' ? c : undefined;
}

export function clientIdOfTrade(t: Pick<TradeUpdate, 'info'>): string | undefined {
  const info = (t.info ?? {}) as Record<string, unknown>;
  const c = info['c'] ?? info['clientOrderId'] ?? info['orderLinkId'] ?? info['clOrdId'] ?? info['client_order_id'];
  return typeof c === 'string' && c !== '' ? c : undefined;
}

/**
 * A ccxt trade of our account as a LIBRA fill. `clientOrderId`/`strategyId` come from the order
 * the trade belongs to (the caller resolves them from the venue order id).
 */
/**
 * A venue trade of one of our orders as a fill. `owner.side` / `owner.ts` complete a trade that
 * lacks them: the fills carried in a REST answer (Binance's FULL response) have neither side nor
 * time — they are the order's own side, at the answer's time.
 */
export function tradeToFill(
  t: TradeUpdate,
  inst: Instrument,
  owner: { clientOrderId: string; strategyId: string; venueOrderId?: string; side?: OrderSide; ts?: number },
): Fill {
  if (t.id === undefined || t.id === '') throw new MappingError(`trade without id for ${inst.symbol}`);
  const amount = num(t.amount);
  const price = num(t.price);
  if (amount === undefined || !(amount > 0)) throw new MappingError(`trade ${t.id}: amount missing or not positive`);
  if (price === undefined || !(price > 0)) throw new MappingError(`trade ${t.id}: price missing or not positive`);
  const side: OrderSide | undefined = t.side === 'sell' ? 'SELL' : t.side === 'buy' ? 'BUY' : t.side === undefined || t.side === null ? owner.side : undefined;
  if (side === undefined) throw new MappingError(`trade ${t.id}: side ${String(t.side)}`);
  const feeCost = num(t.fee?.cost) ?? 0;
  const feeCurrency = t.fee?.currency ?? inst.quote;
  const liquidity: LiquiditySide = t.takerOrMaker === 'maker' ? 'MAKER' : 'TAKER';
  return {
    tradeId: String(t.id),
    clientOrderId: owner.clientOrderId,
    venueOrderId: owner.venueOrderId ?? (t.order ?? undefined),
    strategyId: owner.strategyId,
    instrumentId: inst.id,
    side,
    quantityRaw: toRaw(amount, inst.sizePrecision),
    priceRaw: toRaw(price, inst.pricePrecision),
    feeRaw: toRaw(feeCost, FEE_PRECISION),
    feeCurrency,
    feePrecision: FEE_PRECISION,
    liquidity,
    ts: t.timestamp ?? owner.ts ?? 0,
  };
}

/** Arguments of `exchange.createOrder` for an engine order. */
export interface CreateOrderArgs {
  readonly symbol: string;
  readonly type: 'market' | 'limit';
  readonly side: 'buy' | 'sell';
  readonly amount: number;
  readonly price: number | undefined;
  readonly params: CcxtParams;
}

/**
 * `clientOrderIdParam`: the unified `clientOrderId` works for Binance, Bybit (orderLinkId), OKX
 * (clOrdId), Kraken (cl_ord_id / userref) and Coinbase (client_order_id) in ccxt 4.5 — ccxt
 * translates it; a venue needing another name is configured per venue.
 */
export function toCreateOrderArgs(order: Order, inst: Instrument, symbol: string, clientOrderIdParam = 'clientOrderId'): CreateOrderArgs {
  const amount = order.quantityRaw / 10 ** inst.sizePrecision;
  const params: CcxtParams = { [clientOrderIdParam]: order.clientOrderId };
  let type: 'market' | 'limit';
  switch (order.type) {
    case 'MARKET':
      type = 'market';
      break;
    case 'LIMIT':
      type = 'limit';
      break;
    case 'STOP_MARKET':
      type = 'market';
      params['triggerPrice'] = (order.triggerPriceRaw ?? 0) / 10 ** inst.pricePrecision;
      break;
    case 'STOP_LIMIT':
      type = 'limit';
      params['triggerPrice'] = (order.triggerPriceRaw ?? 0) / 10 ** inst.pricePrecision;
      break;
  }
  if (type === 'limit') {
    if (order.timeInForce === 'GTD') throw new MappingError('GTD orders are not supported by the CCXT adapter');
    if (order.postOnly) params['postOnly'] = true;
    else params['timeInForce'] = order.timeInForce;
  }
  if (order.reduceOnly && inst.kind !== 'spot') params['reduceOnly'] = true;
  // A quote-amount market order reaches this only for a client that sizes it natively
  // (quoteOrders 'native'): ccxt's unified `cost` (Binance: quoteOrderQty).
  if (order.quoteQuantityRaw !== undefined && type === 'market') params['cost'] = order.quoteQuantityRaw / 10 ** inst.quotePrecision;
  const price = type === 'limit' && order.priceRaw !== undefined ? order.priceRaw / 10 ** inst.pricePrecision : undefined;
  return { symbol, type, side: order.side === 'BUY' ? 'buy' : 'sell', amount, price, params };
}

/** Minimal market shape (ccxt `MarketInterface`) used to build an Instrument. */
export interface MarketLike {
  readonly symbol: string;
  readonly spot?: boolean;
  readonly swap?: boolean;
  readonly future?: boolean;
  readonly precision: { readonly price?: number; readonly amount?: number };
  readonly limits?: { readonly amount?: { readonly min?: number }; readonly cost?: { readonly min?: number } };
}

/**
 * An Instrument from a ccxt market. Requires ccxt's TICK_SIZE precision mode (precision as a
 * step, e.g. 0.01), which is what Binance, Bybit, OKX, Kraken and Coinbase use in ccxt 4.5.
 */
export function instrumentFromMarket(m: MarketLike, venue: string): Instrument {
  const tick = m.precision.price;
  const lot = m.precision.amount;
  if (tick === undefined || lot === undefined) throw new MappingError(`market ${m.symbol} has no price/amount precision`);
  if (tick >= 1 && !Number.isInteger(tick)) throw new MappingError(`market ${m.symbol}: precision looks like DECIMAL_PLACES mode, need TICK_SIZE`);
  const symbol = m.symbol.split(':')[0] ?? m.symbol;
  return makeInstrument({
    symbol,
    venue,
    kind: m.spot === false ? (m.swap ? 'perpetual' : 'future') : 'spot',
    tickSize: tick,
    lotSize: lot,
    ...(m.limits?.amount?.min !== undefined ? { minQty: Math.max(m.limits.amount.min, lot) } : {}),
    ...(m.limits?.cost?.min !== undefined ? { minNotional: m.limits.cost.min } : {}),
  });
}

/**
 * The balances the engine keeps for a venue account, from ccxt's `fetchBalance` answer: each
 * currency's `total`, except on Binance's futures accounts (fapi / dapi `account`, an `assets`
 * list), whose ccxt `total` is the margin balance — the wallet plus the open positions'
 * unrealized PnL. The portfolio adds that PnL itself from the positions at their marks, so it
 * keeps the wallet balance there (`walletBalance`), or equity would count the PnL twice.
 */
export function balanceTotals(b: unknown, currencyCode: (venueAssetId: string) => string): Record<string, number> {
  const out: Record<string, number> = {};
  if (typeof b !== 'object' || b === null) return out;
  const total = (b as { total?: unknown }).total;
  if (typeof total === 'object' && total !== null) {
    for (const [k, v] of Object.entries(total)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  }
  const info = (b as { info?: unknown }).info;
  const assets = typeof info === 'object' && info !== null && !Array.isArray(info) ? (info as { assets?: unknown }).assets : undefined;
  if (!Array.isArray(assets)) return out;
  for (const a of assets as unknown[]) {
    if (typeof a !== 'object' || a === null) continue;
    const { asset, walletBalance, marginBalance } = a as { asset?: unknown; walletBalance?: unknown; marginBalance?: unknown };
    if (typeof asset !== 'string' || typeof walletBalance !== 'string' || typeof marginBalance !== 'string') continue;
    const wallet = Number(walletBalance);
    const code = currencyCode(asset);
    if (Number.isFinite(wallet) && code in out) out[code] = wallet;
  }
  return out;
}
