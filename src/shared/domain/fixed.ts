/**
 * Fixed-point numbers: Price, Quantity and Money are exact integers (`raw`) in units of
 * 10^-precision. Constructors reject NaN, infinities and values that do not fit in a safe
 * integer, so arithmetic on `raw` is exact. Floats appear only at the edges (charts, stats).
 */

export const MAX_PRECISION = 15;

const POW10: readonly number[] = Array.from({ length: MAX_PRECISION + 1 }, (_, i) => 10 ** i);

export function pow10(precision: number): number {
  const p = POW10[precision];
  if (p === undefined) throw new RangeError(`precision must be an integer in 0..${MAX_PRECISION}, got ${precision}`);
  return p;
}

export class FixedPointError extends RangeError {
  override readonly name = 'FixedPointError';
}

/** Decimal places needed to write `value` exactly (shortest round-trip form), e.g. 0.00162 → 5. */
export function decimalsOf(value: number): number {
  if (!Number.isFinite(value)) throw new FixedPointError(`not a finite number: ${value}`);
  const s = String(Math.abs(value));
  const e = s.indexOf('e');
  if (e >= 0) {
    const mantissa = s.slice(0, e);
    const exp = Number(s.slice(e + 1));
    const dot = mantissa.indexOf('.');
    const frac = dot >= 0 ? mantissa.length - dot - 1 : 0;
    return Math.max(0, frac - exp);
  }
  const dot = s.indexOf('.');
  return dot >= 0 ? s.length - dot - 1 : 0;
}

/** Converts a decimal value to its raw integer at `precision`, rounding half away from zero. */
export function toRaw(value: number | string, precision: number): number {
  const v = typeof value === 'string' ? parseDecimal(value) : value;
  if (!Number.isFinite(v)) throw new FixedPointError(`not a finite number: ${String(value)}`);
  const scaled = v * pow10(precision);
  // Half away from zero, absorbing binary noise such as 1.005 * 100 = 100.49999999999999.
  const abs = Math.abs(scaled);
  const raw = Math.sign(scaled) * Math.floor(abs + 0.5 + abs * 4 * Number.EPSILON);
  if (!Number.isSafeInteger(raw)) {
    throw new FixedPointError(`${String(value)} at precision ${precision} does not fit in a safe integer`);
  }
  return raw === 0 ? 0 : raw;
}

export function fromRaw(raw: number, precision: number): number {
  return raw / pow10(precision);
}

/** Parses a plain decimal string ("123.45", "-0.001", "1e-8"); rejects anything else. */
export function parseDecimal(text: string): number {
  const t = text.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) {
    throw new FixedPointError(`not a decimal number: "${text}"`);
  }
  return Number(t);
}

/** Formats a raw integer as a decimal string with exactly `precision` places. */
export function formatRaw(raw: number, precision: number): string {
  if (precision === 0) return String(raw);
  const neg = raw < 0;
  const digits = String(Math.abs(raw)).padStart(precision + 1, '0');
  const int = digits.slice(0, digits.length - precision);
  const frac = digits.slice(digits.length - precision);
  return `${neg ? '-' : ''}${int}.${frac}`;
}

/** Multiplies two raw values and rescales to `outPrecision`, exactly (bigint when needed). */
export function mulRaw(a: number, aPrecision: number, b: number, bPrecision: number, outPrecision: number, rounding: Rounding = 'half-away'): number {
  const shift = aPrecision + bPrecision - outPrecision;
  const product = a * b;
  if (Number.isSafeInteger(product)) {
    if (shift === 0) return product;
    if (shift < 0) return checked(product * pow10(-shift));
    return divRound(product, pow10(shift), rounding);
  }
  const big = BigInt(a) * BigInt(b);
  let out: bigint;
  if (shift <= 0) out = big * 10n ** BigInt(-shift);
  else out = bigDivRound(big, 10n ** BigInt(shift), rounding);
  const n = Number(out);
  if (!Number.isSafeInteger(n)) throw new FixedPointError(`product overflows a safe integer at precision ${outPrecision}`);
  return n;
}

export type Rounding = 'half-away' | 'up' | 'down' | 'floor' | 'ceil';

/** Rescales a raw value from one precision to another. */
export function rescale(raw: number, from: number, to: number, rounding: Rounding = 'half-away'): number {
  if (from === to) return raw;
  if (to > from) return checked(raw * pow10(to - from));
  return divRound(raw, pow10(from - to), rounding);
}

function divRound(n: number, d: number, rounding: Rounding): number {
  const q = Math.trunc(n / d);
  const r = n - q * d;
  if (r === 0) return q;
  switch (rounding) {
    case 'down':
      return q;
    case 'up':
      return n > 0 ? q + 1 : q - 1;
    case 'floor':
      return n > 0 ? q : q - 1;
    case 'ceil':
      return n > 0 ? q + 1 : q;
    case 'half-away':
      return Math.abs(r) * 2 >= d ? (n > 0 ? q + 1 : q - 1) : q;
  }
}

function bigDivRound(n: bigint, d: bigint, rounding: Rounding): bigint {
  const q = n / d;
  const r = n % d;
  if (r === 0n) return q;
  const pos = n > 0n;
  switch (rounding) {
    case 'down':
      return q;
    case 'up':
      return pos ? q + 1n : q - 1n;
    case 'floor':
      return pos ? q : q - 1n;
    case 'ceil':
      return pos ? q + 1n : q;
    case 'half-away': {
      const ar = r < 0n ? -r : r;
      return ar * 2n >= d ? (pos ? q + 1n : q - 1n) : q;
    }
  }
}

function checked(n: number): number {
  if (!Number.isSafeInteger(n)) throw new FixedPointError(`value overflows a safe integer: ${n}`);
  return n;
}

/** An exact price: `raw` units of 10^-precision. */
export interface Price {
  readonly raw: number;
  readonly precision: number;
}

/** An exact quantity: `raw` units of 10^-precision. */
export interface Quantity {
  readonly raw: number;
  readonly precision: number;
}

/** An exact amount of one currency. */
export interface Money {
  readonly raw: number;
  readonly precision: number;
  readonly currency: string;
}

export function price(value: number | string, precision: number): Price {
  return Object.freeze({ raw: toRaw(value, precision), precision });
}

export function quantity(value: number | string, precision: number): Quantity {
  const raw = toRaw(value, precision);
  if (raw < 0) throw new FixedPointError(`quantity must not be negative: ${String(value)}`);
  return Object.freeze({ raw, precision });
}

export function money(value: number | string, precision: number, currency: string): Money {
  return Object.freeze({ raw: toRaw(value, precision), precision, currency });
}

export function toNumber(x: Price | Quantity | Money): number {
  return fromRaw(x.raw, x.precision);
}

export function formatFixed(x: Price | Quantity | Money): string {
  const s = formatRaw(x.raw, x.precision);
  return 'currency' in x ? `${s} ${x.currency}` : s;
}
