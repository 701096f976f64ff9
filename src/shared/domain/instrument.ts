/**
 * Instruments: what can be traded and with which increments. Prices are expressed in units of
 * 10^-pricePrecision and quantities in 10^-sizePrecision; tick and lot sizes are raw multiples
 * of those units, so every valid price/quantity is an exact integer multiple.
 */
import { decimalsOf, FixedPointError, fromRaw, pow10, toRaw } from './fixed';

export type InstrumentId = string;
export type InstrumentKind = 'spot' | 'perpetual' | 'future';

export interface Instrument {
  /** `BTC/USDT@BINANCE` — symbol and venue joined by `@`. */
  readonly id: InstrumentId;
  readonly symbol: string;
  readonly venue: string;
  readonly kind: InstrumentKind;
  readonly base: string;
  readonly quote: string;
  readonly pricePrecision: number;
  readonly sizePrecision: number;
  /** Tick size in raw price units (≥ 1). */
  readonly tickRaw: number;
  /** Lot size in raw quantity units (≥ 1). */
  readonly lotRaw: number;
  /** Smallest order quantity in raw units. */
  readonly minQtyRaw: number;
  /** Smallest order notional, in quote currency (decimal). */
  readonly minNotional: number;
  /** Money precision used for the quote currency's balance and PnL. */
  readonly quotePrecision: number;
  readonly basePrecision: number;
}

export interface InstrumentSpec {
  symbol: string;
  venue: string;
  kind?: InstrumentKind;
  tickSize: number | string;
  lotSize: number | string;
  minQty?: number | string;
  minNotional?: number;
  quotePrecision?: number;
  /**
   * Base and quote currencies of a symbol kept as the venue writes it (`BTC-PERP`), which
   * cannot be split; without them the symbol must be BASE/QUOTE[:SETTLE].
   */
  base?: string;
  quote?: string;
}

export class InstrumentError extends Error {
  override readonly name = 'InstrumentError';
}

export function instrumentId(symbol: string, venue: string): InstrumentId {
  return `${symbol}@${venue}`;
}

export function parseSymbol(symbol: string): { base: string; quote: string } {
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)(:[A-Za-z0-9_.-]+)?$/.exec(symbol);
  if (!m?.[1] || !m[2]) {
    throw new InstrumentError(`symbol must look like BASE/QUOTE (e.g. BTC/USDT), got "${symbol}"`);
  }
  return { base: m[1].toUpperCase(), quote: m[2].toUpperCase() };
}

function nativeSymbol(symbol: string, base: string, quote: string): { base: string; quote: string } {
  if (!/^[A-Za-z0-9][A-Za-z0-9/:_.-]{0,39}$/.test(symbol)) throw new InstrumentError(`symbol must be letters and digits with / : - _ ., got "${symbol.slice(0, 40)}"`);
  for (const c of [base, quote]) if (!/^[A-Za-z0-9]{1,12}$/.test(c)) throw new InstrumentError(`currency must be 1 to 12 letters or digits, got "${c.slice(0, 20)}"`);
  return { base: base.toUpperCase(), quote: quote.toUpperCase() };
}

function precisionOf(step: number | string, what: string): number {
  const v = typeof step === 'string' ? Number(step) : step;
  if (!Number.isFinite(v) || v <= 0) throw new InstrumentError(`${what} must be a positive number, got ${String(step)}`);
  const d = decimalsOf(v);
  if (d > 15) throw new InstrumentError(`${what} ${String(step)} has more than 15 decimals`);
  return d;
}

export function makeInstrument(spec: InstrumentSpec): Instrument {
  const { base, quote } = spec.base !== undefined && spec.quote !== undefined ? nativeSymbol(spec.symbol, spec.base, spec.quote) : parseSymbol(spec.symbol);
  if (!/^[A-Za-z0-9_.-]+$/.test(spec.venue)) throw new InstrumentError(`venue must be a plain name, got "${spec.venue}"`);
  const pricePrecision = precisionOf(spec.tickSize, 'tick size');
  const sizePrecision = precisionOf(spec.lotSize, 'lot size');
  const tickRaw = toRaw(spec.tickSize, pricePrecision);
  const lotRaw = toRaw(spec.lotSize, sizePrecision);
  const minQtyRaw = spec.minQty === undefined ? lotRaw : toRaw(spec.minQty, sizePrecision);
  const minNotional = spec.minNotional ?? 0;
  if (!Number.isFinite(minNotional) || minNotional < 0) throw new InstrumentError(`min notional must be ≥ 0, got ${minNotional}`);
  const quotePrecision = spec.quotePrecision ?? Math.min(15, Math.max(8, pricePrecision + sizePrecision > 15 ? 8 : pricePrecision + sizePrecision));
  return Object.freeze({
    id: instrumentId(spec.symbol.toUpperCase(), spec.venue.toUpperCase()),
    symbol: spec.symbol.toUpperCase(),
    venue: spec.venue.toUpperCase(),
    kind: spec.kind ?? 'spot',
    base,
    quote,
    pricePrecision,
    sizePrecision,
    tickRaw,
    lotRaw,
    minQtyRaw,
    minNotional,
    quotePrecision,
    basePrecision: sizePrecision,
  });
}

/** Raw price for a decimal value; throws when not on the tick grid. */
export function priceRaw(inst: Instrument, value: number | string): number {
  const raw = toRaw(value, inst.pricePrecision);
  if (Math.abs(fromRaw(raw, inst.pricePrecision) - Number(value)) > 1e-9 * Math.max(1, Math.abs(Number(value)))) {
    throw new FixedPointError(`price ${String(value)} has more decimals than ${inst.symbol}'s precision ${inst.pricePrecision}`);
  }
  return raw;
}

/** Nearest tick-aligned raw price for a float (market data, slippage). */
export function roundToTick(inst: Instrument, value: number, mode: 'nearest' | 'up' | 'down' = 'nearest'): number {
  const ticks = value * pow10(inst.pricePrecision) / inst.tickRaw;
  const eps = 1e-9;
  const n = mode === 'up' ? Math.ceil(ticks - eps) : mode === 'down' ? Math.floor(ticks + eps) : Math.round(ticks);
  return n * inst.tickRaw;
}

export function priceToNumber(inst: Instrument, raw: number): number {
  return raw / pow10(inst.pricePrecision);
}

export function qtyToNumber(inst: Instrument, raw: number): number {
  return raw / pow10(inst.sizePrecision);
}

export function qtyRaw(inst: Instrument, value: number | string): number {
  return toRaw(value, inst.sizePrecision);
}

/** Largest lot multiple ≤ raw quantity. */
export function floorToLot(inst: Instrument, raw: number): number {
  return Math.floor(raw / inst.lotRaw) * inst.lotRaw;
}
