/**
 * Technical indicators: the common contract.
 *
 * Every indicator in this folder is a small streaming state machine: `update(bar)` consumes one
 * bar in O(1) (amortised) time without allocating, `ready` says whether the current outputs are
 * valid, and `output(i)` reads output `i` (NaN while it is not valid). Batch computation
 * (`batch.ts`) only ever drives this streaming path, so batch and streaming results are the same
 * numbers by construction.
 *
 * Invariants kept by every implementation:
 * - `warmup` is the 0-based index of the first bar whose outputs are all valid, i.e. TA-Lib's
 *   "lookback" (SMA(20) → 19, RSI(14) → 14, MACD(12,26,9) → 33). `ready` becomes true after
 *   `warmup + 1` updates and stays true until `reset()`.
 * - Indicators that mirror a TA-Lib function align all their outputs to TA-Lib's begIndex (they
 *   are NaN together, valid together). Indicators TA-Lib lacks document their own alignment.
 * - Inputs are assumed finite; volume-based indicators throw if `volume` is missing.
 * - `reset()` returns the indicator to the exact state of a fresh instance.
 * - No wall clock, no randomness, no I/O (engine layer rules).
 */

/** One bar (candle) as seen by an indicator. `time` is epoch ms of the bar open (only VWAP with a session uses it). */
export interface IndicatorInput {
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly open?: number;
  readonly volume?: number;
  readonly time?: number;
}

export interface Indicator<Out = unknown> {
  /** Column base name, e.g. `sma_20`, `macd_12_26_9`, `obv`. */
  readonly name: string;
  /** 0-based index of the first bar with all outputs valid (TA-Lib lookback). */
  readonly warmup: number;
  /** Names of the outputs, in `output(i)` order (`['value']` for single-output indicators). */
  readonly outputs: readonly string[];
  /** Consume one bar. O(1) amortised, allocation-free. */
  update(bar: IndicatorInput): void;
  /** True once all outputs are valid. */
  readonly ready: boolean;
  /** Current value(s); NaN where not yet valid. Allocates for multi-output indicators (not the hot path). */
  value(): Out;
  /** Output `index` of the current bar; NaN while not valid. Allocation-free. */
  output(index: number): number;
  /** Back to the state of a freshly constructed instance. */
  reset(): void;
}

/** Indicators over a single series (close by default when fed bars). */
export interface SingleInputIndicator<Out = number> extends Indicator<Out> {
  updateValue(x: number): void;
}

/**
 * TA-Lib 0.6 treats |v| < 1e-14 as zero in its denominators (TA_IS_ZERO); we mirror it so that
 * degenerate windows (flat prices) produce the same 0 outputs as TA-Lib.
 */
export const TA_EPSILON = 1e-14;

export function isZero(v: number): boolean {
  return -TA_EPSILON < v && v < TA_EPSILON;
}

/** TA-Lib's true range of a bar given the previous close. */
export function trueRange(high: number, low: number, prevClose: number): number {
  let out = high - low;
  const a = Math.abs(high - prevClose);
  if (a > out) out = a;
  const b = Math.abs(low - prevClose);
  if (b > out) out = b;
  return out;
}

/** Throws a human-readable error unless `v` is an integer ≥ min. */
export function assertInt(indicator: string, param: string, v: number, min = 1): void {
  if (!Number.isInteger(v) || v < min) {
    throw new Error(`${indicator} ${param} must be an integer ≥ ${min}, got "${String(v)}"`);
  }
}

/** Throws a human-readable error unless `v` is a finite number > 0. */
export function assertPositive(indicator: string, param: string, v: number): void {
  if (!Number.isFinite(v) || !(v > 0)) {
    throw new Error(`${indicator} ${param} must be a number > 0, got "${String(v)}"`);
  }
}

/** Volume of a bar, or a clear error for volume-based indicators fed bars without it. */
export function volumeOf(indicator: string, bar: IndicatorInput): number {
  const v = bar.volume;
  if (v === undefined) throw new Error(`${indicator} needs bar.volume, which is missing`);
  return v;
}
