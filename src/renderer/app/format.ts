/**
 * Number and time formatting for the tables. Prices and amounts follow the instrument: a price
 * has the decimals of its tick (USD: 2), an amount those of its lot (BTC lots of 0.00000001: 8),
 * so a column never shows more digits than the venue trades nor hides a lot.
 */
import type { InstrumentView } from '../../shared/ipc/views';

// One Intl.NumberFormat per digit count: `toLocaleString` with options builds a formatter on
// every call, which was the main window's hottest function at 1 000 book updates/s (the ladder
// and tape format every cell each frame). Same output.
const fixed = new Map<number, Intl.NumberFormat>();
const upTo = new Map<number, Intl.NumberFormat>();
const formatter = (cache: Map<number, Intl.NumberFormat>, digits: number, min: boolean): Intl.NumberFormat => {
  let f = cache.get(digits);
  if (!f) {
    f = new Intl.NumberFormat('en-US', { minimumFractionDigits: min ? digits : 0, maximumFractionDigits: digits });
    cache.set(digits, f);
  }
  return f;
};

export function fmt(n: number | null | undefined, digits = 2): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return formatter(fixed, digits, true).format(n);
}

export function fmtQty(n: number, digits = 8): string {
  return formatter(upTo, digits, false).format(n);
}

export function fmtSigned(n: number, digits = 2): string {
  return `${n > 0 ? '+' : ''}${fmt(n, digits)}`;
}

/** Decimals of a step: 0.01 → 2, 0.5 → 1, 1 → 0, 1e-8 → 8. */
export function decimalsOf(step: number): number {
  if (!(step > 0) || !Number.isFinite(step)) return 0;
  for (let d = 0; d <= 12; d++) {
    const v = step * 10 ** d;
    if (Math.round(v) >= 1 && Math.abs(Math.round(v) - v) < 1e-6 * v) return d;
  }
  return 12;
}

type Precision = Pick<InstrumentView, 'tickSize' | 'lotSize'> | undefined;

/** A price at the instrument's tick (2 decimals when the instrument is unknown). */
export function fmtPrice(n: number | null | undefined, inst: Precision): string {
  return fmt(n, inst ? decimalsOf(inst.tickSize) : 2);
}

/** An amount of the base currency at the instrument's lot (8 decimals when unknown). */
export function fmtAmount(n: number | null | undefined, inst: Precision): string {
  return fmt(n, inst ? decimalsOf(inst.lotSize) : 8);
}

/** A signed P&L in the instrument's quote currency, at its price's decimals (2 at least): an XRP/ETH position's +0.0003 ETH is not +0.00. */
export function fmtPnl(n: number, inst: Precision): string {
  return fmtSigned(n, inst ? Math.max(2, decimalsOf(inst.tickSize)) : 2);
}

/** A price as the text an input takes (no thousands separators), on the tick. */
export function priceInput(n: number, inst: Precision): string {
  const d = inst ? decimalsOf(inst.tickSize) : 2;
  const tick = inst?.tickSize ?? 10 ** -d;
  return (Math.round(n / tick) * tick).toFixed(d);
}

/** An amount as the text an input takes, rounded DOWN to the lot (never more than asked). */
export function amountInput(n: number, inst: Precision): string {
  const d = inst ? decimalsOf(inst.lotSize) : 8;
  const lot = inst?.lotSize ?? 10 ** -d;
  return (Math.floor(n / lot + 1e-9) * lot).toFixed(d);
}

export function fmtTime(ms: number): string {
  return ms > 0 ? new Date(ms).toISOString().replace('T', ' ').slice(0, 16) : '—';
}

export const pnlClass = (n: number): string => (n > 0 ? 'up' : n < 0 ? 'down' : '');
