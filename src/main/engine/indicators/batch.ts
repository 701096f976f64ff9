/**
 * Batch evaluation of indicators over a bar array.
 *
 * Invariant: batch results are produced by feeding the streaming indicator bar by bar and reading
 * its outputs after each bar — there is no separate vectorised code path, so batch and streaming
 * agree bit for bit. Arrays hold NaN where a value is not (yet) valid.
 */
import type { Indicator, IndicatorInput } from './types';
import type { IndicatorHandle } from './registry';
import { createIndicator } from './registry';

/** One Float64Array per column of `spec` (see `createIndicator`), each of length `bars.length`. */
export function batch(spec: string | IndicatorHandle, bars: readonly IndicatorInput[]): Float64Array[] {
  const handle = typeof spec === 'string' ? createIndicator(spec) : spec;
  const cols = handle.columns.length;
  const out = Array.from({ length: cols }, () => new Float64Array(bars.length));
  const row = new Float64Array(cols);
  for (let i = 0; i < bars.length; i++) {
    handle.update(bars[i]!);
    handle.writeInto(row);
    for (let c = 0; c < cols; c++) out[c]![i] = row[c]!;
  }
  return out;
}

/** One Float64Array per `indicator.outputs` entry, for an indicator instance (fed from its current state). */
export function batchIndicator(indicator: Indicator, bars: readonly IndicatorInput[]): Float64Array[] {
  const k = indicator.outputs.length;
  const out = Array.from({ length: k }, () => new Float64Array(bars.length));
  for (let i = 0; i < bars.length; i++) {
    indicator.update(bars[i]!);
    for (let c = 0; c < k; c++) out[c]![i] = indicator.output(c);
  }
  return out;
}
