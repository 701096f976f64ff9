/**
 * Format-independent half of the importers: every reader turns its file into RawBar / RawTrade
 * records (numbers already parsed, with the line or row they came from), and the functions
 * here check them (OHLC consistency, time order, timeframe grid) and batch them into the
 * `Bar[]` / `TradeTick[]` chunks the backtest replay consumes.
 *
 * Time order. Bars must be in strictly increasing open time (a duplicate or an earlier bar is an
 * error, not something to sort silently: it usually means two files were concatenated). A file
 * that lists its bars newest first from start to end (Coinbase's API, CryptoDataDownload's CSVs)
 * is read in reverse (held in memory, up to MAX_REVERSED bars); one that turns back partway is an
 * error. Trades may share a millisecond (one order filling several makers) but never go back in
 * time.
 *
 * Timeframe. Given by the caller, or inferred as the smallest positive gap between the first
 * INFER_WINDOW bars (gaps in the data are then multiples of it). Every gap must be a whole
 * multiple of the timeframe (missing bars are allowed, overlapping or off-grid bars are not),
 * except for calendar-month data (timeframe ≥ 28 days), whose gaps vary with the month; there
 * gaps must only be ≥ the timeframe.
 */
import type { InstrumentId } from '../../../shared/domain/instrument';
import type { OrderSide } from '../../../shared/domain/order';
import type { Bar, TradeTick } from '../../../shared/messages/market-data';
import { formatTimeframe } from '../../../shared/messages/market-data';
import { ImportError, TimeframeUnknownError } from './errors';
import { formatUtc } from './timestamps';

/**
 * Records per yielded chunk. Small on purpose: a chunk's objects are all made before the replay
 * reads the first of them, so a chunk that fits the core's L2 cache (2048 bars ≈ 0.5 MB) is read
 * back from the cache, and it is all that stays alive through a young-generation GC (copied by
 * each one). Measured over 5 M bars through sma-cross: 4.0–5.5 M bars/s with chunks of 512 to
 * 2048 bars, 2.6–3.6 M with 4096 to 8192 (2026-12-03, bench/backtest.bench.ts's run).
 */
export const DEFAULT_CHUNK_SIZE = 2048;
export const INFER_WINDOW = 100;
const MONTHLY_MS = 28 * 86_400_000;

/** Where a record came from, for messages: CSV line or JSON row. */
export interface Where {
  readonly file: string;
  readonly at: number;
  readonly unit: 'line' | 'row';
}

export interface RawBar {
  /** Open time (or close time when the source says so; see assembleBars' timeIs). */
  readonly t: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly at: number;
}

export interface RawTrade {
  readonly ts: number;
  readonly price: number;
  readonly size: number;
  readonly side: OrderSide | undefined;
  readonly id: string | undefined;
  readonly at: number;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;

export function fail(file: string, at: number, unit: 'line' | 'row', msg: string): never {
  throw new ImportError(file, msg, at, unit);
}

/** Parses a numeric cell (CSV text or a JSON scalar) or throws naming the column. */
export function num(file: string, at: number, unit: 'line' | 'row', value: unknown, column: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(file, at, unit, `${String(value)} is not a finite number in column ${column}`);
    return value;
  }
  if (typeof value === 'string') {
    const t = value.trim();
    if (DECIMAL.test(t)) return Number(t);
    if (t === '') fail(file, at, unit, `empty value in column ${column}`);
    if (NON_FINITE.test(t)) fail(file, at, unit, `not a finite number in column ${column}`);
    fail(file, at, unit, `not a number in column ${column}`);
  }
  if (value === undefined) fail(file, at, unit, `missing value in column ${column}`);
  return fail(file, at, unit, `${value === null ? 'null' : typeof value} is not a number in column ${column}`);
}

export function parseSide(file: string, at: number, unit: 'line' | 'row', value: unknown): OrderSide | undefined {
  if (value === null || value === undefined) return undefined;
  const s = String(value).trim().toLowerCase();
  if (s === '') return undefined;
  if (s === 'buy' || s === 'b' || s === 'bid') return 'BUY';
  if (s === 'sell' || s === 's' || s === 'ask') return 'SELL';
  return fail(file, at, unit, 'not a side (buy/sell) in column side');
}

export interface AssembleBarsOptions {
  readonly instrumentId: InstrumentId;
  /** Bar length in ms; inferred from the first bars when absent. */
  readonly timeframeMs?: number;
  readonly chunkSize?: number;
  /** Whether record times are bar open times (default) or close times. */
  readonly timeIs?: 'open' | 'close';
}

/** Bars a newest-first file may hold to be read in reverse (≈ 100 bytes each in memory, see assembleBars). */
export const MAX_REVERSED = 5_000_000;

/** Checks raw bars and batches them into Bar chunks (see module doc for the rules). */
export async function* assembleBars(file: string, unit: 'line' | 'row', source: AsyncIterable<RawBar>, opts: AssembleBarsOptions): AsyncGenerator<Bar[]> {
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (opts.timeframeMs !== undefined && !(Number.isSafeInteger(opts.timeframeMs) && opts.timeframeMs > 0)) {
    throw new RangeError(`timeframeMs must be a positive integer, got ${opts.timeframeMs}`);
  }
  let tf = opts.timeframeMs;
  const head: RawBar[] = [];
  let out: Bar[] = [];
  let prev: RawBar | undefined;
  let count = 0;

  const emit = (r: RawBar, timeframe: number): void => {
    checkOhlc(file, unit, r);
    if (prev) {
      const gap = checkIncreasing(file, unit, prev, r);
      if (timeframe < MONTHLY_MS ? gap % timeframe !== 0 : gap < timeframe) {
        fail(file, r.at, unit, `time ${formatUtc(r.t)} is ${formatGap(gap)} after the previous bar, not a multiple of the ${formatTimeframe(timeframe)} timeframe`);
      }
    }
    prev = r;
    count++;
    const openTime = opts.timeIs === 'close' ? r.t - timeframe : r.t;
    out.push({ instrumentId: opts.instrumentId, timeframeMs: timeframe, openTime, ts: openTime + timeframe, open: r.open, high: r.high, low: r.low, close: r.close, volume: r.volume });
  };

  const accept = (r: RawBar): void => {
    if (tf === undefined) {
      head.push(r);
      if (head.length < INFER_WINDOW) return;
      tf = inferTimeframe(file, unit, head);
      for (const h of head) emit(h, tf);
      head.length = 0;
    } else emit(r, tf);
  };
  // Newest first (the first two records decrease): held, checked to decrease to the end, then
  // accepted in reverse.
  let order: 'unknown' | 'oldest-first' | 'newest-first' = 'unknown';
  let firstRecord: RawBar | undefined;
  const held: RawBar[] = [];
  for await (const r of source) {
    if (order === 'oldest-first') accept(r);
    else if (order === 'newest-first') {
      const prev = held[held.length - 1] as RawBar;
      if (r.t >= prev.t) fail(file, r.at, unit, `time ${formatUtc(r.t)} is not before the previous ${unit}'s ${formatUtc(prev.t)}: the file lists bars newest first until ${unit} ${prev.at}, then turns back (sort it by time)`);
      if (held.length >= MAX_REVERSED) throw new ImportError(file, `a newest-first file of more than ${MAX_REVERSED} bars: sort it oldest first`);
      held.push(r);
      continue;
    } else if (firstRecord === undefined) {
      firstRecord = r;
      continue;
    } else if (r.t < firstRecord.t) {
      order = 'newest-first';
      held.push(firstRecord, r);
      continue;
    } else {
      order = 'oldest-first';
      accept(firstRecord);
      accept(r);
    }
    if (out.length >= chunkSize) {
      yield out;
      out = [];
    }
  }
  if (order === 'unknown' && firstRecord) accept(firstRecord);
  for (let i = held.length - 1; i >= 0; i--) {
    accept(held[i] as RawBar);
    if (out.length >= chunkSize) {
      yield out;
      out = [];
    }
  }
  if (head.length > 0) {
    tf = inferTimeframe(file, unit, head);
    for (const h of head) {
      emit(h, tf);
      if (out.length >= chunkSize) {
        yield out;
        out = [];
      }
    }
  }
  if (count === 0) throw new ImportError(file, 'no bars in file');
  if (out.length > 0) yield out;
}

function formatGap(ms: number): string {
  return formatTimeframe(ms);
}

function checkIncreasing(file: string, unit: 'line' | 'row', prev: RawBar, r: RawBar): number {
  const gap = r.t - prev.t;
  if (gap === 0) fail(file, r.at, unit, `duplicate time ${formatUtc(r.t)} (same as ${unit} ${prev.at})`);
  if (gap < 0) fail(file, r.at, unit, `time ${formatUtc(r.t)} is before the previous ${unit}'s ${formatUtc(prev.t)} (rows must be in increasing time)`);
  return gap;
}

/** Smallest gap between consecutive times of the first bars (which must already increase). */
export function inferTimeframe(file: string, unit: 'line' | 'row', head: readonly RawBar[]): number {
  if (head.length < 2) throw new TimeframeUnknownError(file, 'cannot infer the timeframe from a single bar; give the timeframe');
  let min = Number.POSITIVE_INFINITY;
  for (let i = 1; i < head.length; i++) min = Math.min(min, checkIncreasing(file, unit, head[i - 1] as RawBar, head[i] as RawBar));
  return min;
}

function checkOhlc(file: string, unit: 'line' | 'row', r: RawBar): void {
  if (r.high < r.low) fail(file, r.at, unit, `high ${r.high} < low ${r.low}`);
  const top = Math.max(r.open, r.close);
  if (r.high < top) fail(file, r.at, unit, `high ${r.high} < max(open, close) ${top}`);
  const bottom = Math.min(r.open, r.close);
  if (r.low > bottom) fail(file, r.at, unit, `low ${r.low} > min(open, close) ${bottom}`);
  if (r.volume < 0) fail(file, r.at, unit, `negative volume ${r.volume}`);
}

export interface AssembleTradesOptions {
  readonly instrumentId: InstrumentId;
  readonly chunkSize?: number;
}

/** Checks raw trades (time never decreasing, price > 0, size ≥ 0) and batches them. */
export async function* assembleTrades(file: string, unit: 'line' | 'row', source: AsyncIterable<RawTrade>, opts: AssembleTradesOptions): AsyncGenerator<TradeTick[]> {
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
  let out: TradeTick[] = [];
  let prev: RawTrade | undefined;
  let count = 0;
  for await (const r of source) {
    if (prev && r.ts < prev.ts) fail(file, r.at, unit, `time ${formatUtc(r.ts)} is before the previous ${unit}'s ${formatUtc(prev.ts)} (trades must be in time order)`);
    if (!(r.price > 0)) fail(file, r.at, unit, `price ${r.price} is not positive`);
    if (r.size < 0) fail(file, r.at, unit, `negative size ${r.size}`);
    prev = r;
    count++;
    // Files without trade ids get their 1-based position, which is stable across re-imports.
    const tick: TradeTick = r.side === undefined
      ? { instrumentId: opts.instrumentId, ts: r.ts, price: r.price, size: r.size, tradeId: r.id ?? String(count) }
      : { instrumentId: opts.instrumentId, ts: r.ts, price: r.price, size: r.size, side: r.side, tradeId: r.id ?? String(count) };
    out.push(tick);
    if (out.length >= chunkSize) {
      yield out;
      out = [];
    }
  }
  if (count === 0) throw new ImportError(file, 'no trades in file');
  if (out.length > 0) yield out;
}
