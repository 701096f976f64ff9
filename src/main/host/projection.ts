/**
 * Projection of engine values into the views windows see: raw fixed-point integers become
 * decimals here (with the instrument's precision), once, so the renderer never handles raw units.
 * Pure functions.
 */
import { pow10 } from '../../shared/domain/fixed';
import type { Instrument } from '../../shared/domain/instrument';
import { priceToNumber, qtyToNumber } from '../../shared/domain/instrument';
import type { Fill, Order } from '../../shared/domain/order';
import { isOpen } from '../../shared/domain/order';
import type { Balance, Position } from '../../shared/domain/position';
import type { Bar, BookUpdate } from '../../shared/messages/market-data';
import type { BalanceView, BarView, BookView, FillView, InstrumentView, OrderView, PositionView } from '../../shared/ipc/views';

export function instrumentView(i: Instrument): InstrumentView {
  return {
    id: i.id,
    symbol: i.symbol,
    venue: i.venue,
    base: i.base,
    quote: i.quote,
    pricePrecision: i.pricePrecision,
    sizePrecision: i.sizePrecision,
    tickSize: priceToNumber(i, i.tickRaw),
    lotSize: qtyToNumber(i, i.lotRaw),
    minQty: qtyToNumber(i, i.minQtyRaw),
  };
}

export function orderView(o: Order, inst: Instrument | undefined): OrderView {
  const px = (raw: number | undefined): number | null => (raw === undefined ? null : inst ? priceToNumber(inst, raw) : raw);
  const qty = (raw: number): number => (inst ? qtyToNumber(inst, raw) : raw);
  return {
    clientOrderId: o.clientOrderId,
    instrumentId: o.instrumentId,
    symbol: inst?.symbol ?? o.instrumentId,
    side: o.side,
    type: o.type,
    quantity: qty(o.quantityRaw),
    filled: qty(o.filledRaw),
    price: px(o.priceRaw),
    triggerPrice: px(o.triggerPriceRaw),
    timeInForce: o.timeInForce,
    postOnly: o.postOnly,
    reduceOnly: o.reduceOnly,
    status: o.status,
    working: isOpen(o.status),
    avgPx: o.avgPx,
    reason: o.reason ?? null,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
  };
}

export function fillView(f: Fill, inst: Instrument | undefined): FillView {
  return {
    tradeId: f.tradeId,
    clientOrderId: f.clientOrderId,
    instrumentId: f.instrumentId,
    side: f.side,
    quantity: inst ? qtyToNumber(inst, f.quantityRaw) : f.quantityRaw,
    price: inst ? priceToNumber(inst, f.priceRaw) : f.priceRaw,
    fee: f.feeRaw / pow10(f.feePrecision),
    feeCurrency: f.feeCurrency,
    liquidity: f.liquidity,
    ts: f.ts,
  };
}

export function positionView(p: Position, inst: Instrument | undefined, mark: number | undefined, unrealized: number): PositionView {
  return {
    key: `${p.strategyId}|${p.instrumentId}`,
    instrumentId: p.instrumentId,
    symbol: inst?.symbol ?? p.instrumentId,
    strategyId: p.strategyId,
    quantity: inst ? qtyToNumber(inst, p.netRaw) : p.netRaw,
    avgEntry: p.avgEntryPx,
    mark: mark ?? null,
    unrealized,
    realized: p.realizedRaw / pow10(p.quotePrecision),
  };
}

export function balanceView(b: Balance): BalanceView {
  return { venue: b.account, currency: b.currency, total: b.totalRaw / pow10(b.precision), locked: b.lockedRaw / pow10(b.precision) };
}

export function barView(b: Bar, timeframe: string, indicators: Readonly<Record<string, number | null>>): BarView {
  return {
    instrumentId: b.instrumentId,
    timeframe,
    time: b.openTime,
    open: b.open,
    high: b.high,
    low: b.low,
    close: b.close,
    volume: b.volume,
    indicators,
  };
}

/**
 * A venue book for the ladder: `depth` best levels a side, best first, empty levels dropped (a
 * venue may send a size of 0 for a removed level, and its rows in any order).
 */
export function bookView(b: BookUpdate, depth: number): BookView {
  const side = (rows: BookUpdate['bids'], better: (a: number, c: number) => number) =>
    rows.filter((l) => l.size > 0 && Number.isFinite(l.price)).sort((x, y) => better(x.price, y.price)).slice(0, depth).map((l) => ({ price: l.price, size: l.size }));
  return { instrumentId: b.instrumentId, ts: b.ts, bids: side(b.bids, (a, c) => c - a), asks: side(b.asks, (a, c) => a - c) };
}
