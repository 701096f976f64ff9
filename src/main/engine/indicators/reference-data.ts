/**
 * Test support (not used by production code): loaders for the shared reference data sets the
 * indicator tests and the benchmark compare against. The data folder is located relative to this
 * file (`<repo>/../shared/data`), never by an absolute path.
 *
 * - TA-Lib reference: `talib_reference/talib_ETH_BTC-5m_binance_2018-01.csv` — Binance ETH/BTC 5m
 *   candles plus TA-Lib 0.6 outputs (empty cell = inside TA-Lib's lookback → NaN here).
 * - Skender Stock.Indicators: `stock_indicators_skender/quotes/default.csv` (SPY daily) and
 *   `results/<name>.standard.json` (null → NaN).
 */
import { readFileSync } from 'node:fs';
import type { IndicatorInput } from './types';

export const SHARED_DATA_URL = new URL('../../../../../shared/data/', import.meta.url);

export interface Bar extends IndicatorInput {
  readonly time: number;
  readonly open: number;
  readonly volume: number;
}

export interface TalibReference {
  readonly bars: Bar[];
  /** Indicator columns by header name (e.g. `RSI_14`, `MACD_12_26_9.MACDSignal`). */
  readonly columns: ReadonlyMap<string, Float64Array>;
}

export function loadTalibReference(): TalibReference {
  const text = readFileSync(new URL('talib_reference/talib_ETH_BTC-5m_binance_2018-01.csv', SHARED_DATA_URL), 'utf8');
  const lines = text.trim().split(/\r?\n/);
  const header = (lines[0] ?? '').split(',');
  const n = lines.length - 1;
  const cols = header.map(() => new Float64Array(n));
  for (let r = 0; r < n; r++) {
    const cells = (lines[r + 1] ?? '').split(',');
    for (let c = 0; c < header.length; c++) {
      const cell = cells[c] ?? '';
      cols[c]![r] = cell === '' ? NaN : Number(cell);
    }
  }
  const col = (name: string): Float64Array => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`TA-Lib reference has no column ${name}`);
    return cols[i]!;
  };
  const [t, o, h, l, c, v] = ['timestamp_ms', 'open', 'high', 'low', 'close', 'volume'].map(col) as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  const bars: Bar[] = [];
  for (let r = 0; r < n; r++) bars.push({ time: t[r]!, open: o[r]!, high: h[r]!, low: l[r]!, close: c[r]!, volume: v[r]! });
  return { bars, columns: new Map(header.map((name, i) => [name, cols[i]!])) };
}

export function loadSkenderQuotes(file = 'default.csv'): Bar[] {
  const text = readFileSync(new URL(`stock_indicators_skender/quotes/${file}`, SHARED_DATA_URL), 'utf8');
  const lines = text.trim().split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((s) => s.trim().toLowerCase());
  const idx = (k: string): number => header.indexOf(k);
  return lines.slice(1).map((line) => {
    const cells = line.split(',');
    const num = (k: string): number => Number(cells[idx(k)]);
    return { time: Date.parse(`${cells[idx('date')] ?? ''}T00:00:00Z`), open: num('open'), high: num('high'), low: num('low'), close: num('close'), volume: num('volume') };
  });
}

/** Field `field` of `results/<name>.standard.json` as a Float64Array (null → NaN). */
export function loadSkenderResult(name: string, field: string): Float64Array {
  const rows = JSON.parse(readFileSync(new URL(`stock_indicators_skender/results/${name}.standard.json`, SHARED_DATA_URL), 'utf8')) as Record<string, unknown>[];
  const out = new Float64Array(rows.length);
  rows.forEach((row, i) => {
    const v = row[field];
    out[i] = typeof v === 'number' ? v : NaN;
  });
  return out;
}

export interface Comparison {
  /** First index where the reference is valid (not NaN). */
  readonly firstValid: number;
  /** First index where `actual` is valid. */
  readonly actualFirstValid: number;
  /** Number of compared (reference-valid) points. */
  readonly compared: number;
  /** Largest |a − b| / max(|b|, floor) seen. */
  readonly maxRelError: number;
  /** Up to 5 offending points, formatted. */
  readonly failures: readonly string[];
}

/**
 * Compares every reference-valid point: |a − b| ≤ rtol·max(|b|, floor). `floor` (default 1e-3)
 * turns the test absolute (1e-12) for values near 0, where a relative test is meaningless.
 * A NaN in `actual` where the reference is valid is a failure.
 */
export function compareSeries(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-9, floor = 1e-3): Comparison {
  let firstValid = -1;
  let actualFirstValid = -1;
  let compared = 0;
  let maxRel = 0;
  const failures: string[] = [];
  const n = Math.min(actual.length, expected.length);
  for (let i = 0; i < n; i++) {
    const a = actual[i]!;
    const b = expected[i]!;
    if (actualFirstValid < 0 && a === a) actualFirstValid = i;
    if (b !== b) continue;
    if (firstValid < 0) firstValid = i;
    compared++;
    const rel = Math.abs(a - b) / Math.max(Math.abs(b), floor);
    if (!(rel <= rtol)) {
      if (failures.length < 5) failures.push(`#${i}: got ${a}, expected ${b} (rel ${rel.toExponential(2)})`);
      if (!(rel <= maxRel)) maxRel = rel === rel ? rel : Infinity;
    } else if (rel > maxRel) maxRel = rel;
  }
  return { firstValid, actualFirstValid, compared, maxRelError: maxRel, failures };
}
