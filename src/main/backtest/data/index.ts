/**
 * File importers for backtests: the public entry points. Every reader streams its file and
 * yields time-ordered chunks (`AsyncIterable<Bar[]>` / `AsyncIterable<TradeTick[]>`, 2048
 * records by default), so a multi-GB CSV never sits in memory. Errors are ImportErrors naming
 * the file and the line/row. Formats: see detect.ts, csv-readers.ts, json-readers.ts; time
 * parsing rules: timestamps.ts; order-book CSVs (BookUpdate chunks): book-readers.ts; order and timeframe rules: records.ts.
 */
import type { InstrumentId } from '../../../shared/domain/instrument';
import { decimalsOf as textDecimals, MAX_PRECISION } from '../../../shared/domain/fixed';
import type { Bar, TradeTick } from '../../../shared/messages/market-data';
import type { CsvReadOptions } from './csv-readers';
import { csvBarRecords, csvTradeRecords } from './csv-readers';
import type { DataFormat, DataKind } from './detect';
import { detectFormat, kindOf } from './detect';
import { readBook } from './book-readers';
import { ImportError } from './errors';
import { iterate, ohlcvJsonRecords, readTa4jJson, tradesJsonRecords } from './json-readers';
import { featherBarRecords, featherTradeRecords } from './feather';
import { hdf5BarRecords, hdf5TradeRecords } from './hdf5';
import { pandasBarRecords, pandasTradeRecords } from './pandas-json';
import { parquetBarRecords, parquetTradeRecords } from './parquet';
import { assembleBars, assembleTrades } from './records';

export { detectFormat } from './detect';
export { DEFAULT_CHUNK_SIZE } from './records';
export type { DataFormat, DataKind, DetectedFormat } from './detect';
export { ImportError, TimeframeUnknownError } from './errors';
export { readBook } from './book-readers';
export type { BookFormat, ReadBookOptions } from './book-readers';
export { parseTimestamp, epochToMs, formatUtc } from './timestamps';

export interface ReadBarsOptions extends CsvReadOptions {
  readonly instrumentId: InstrumentId;
  /** Bar length in ms; inferred from the first 100 bars when absent (and then checked). */
  readonly timeframeMs?: number;
  /** Bars per yielded chunk (default DEFAULT_CHUNK_SIZE, 2048). */
  readonly chunkSize?: number;
  /** Skip detection. */
  readonly format?: DataFormat;
  /** Whether file times are bar open times (default; CCXT, freqtrade, most CSVs) or close times. */
  readonly timeIs?: 'open' | 'close';
}

export interface ReadTradesOptions extends CsvReadOptions {
  readonly instrumentId: InstrumentId;
  readonly chunkSize?: number;
  readonly format?: DataFormat;
}

/** Streams the bars of a CSV / OHLCV JSON / ta4j JSON file (optionally .gz) in time order. */
export async function* readBars(path: string, opts: ReadBarsOptions): AsyncGenerator<Bar[]> {
  // A caller-given headerless layout means a CSV of bars whatever its column count.
  const format = opts.format ?? (opts.headerless ? 'csv-bars' : (await detectFormat(path)).format);
  if (kindOf(format) !== 'bars') throw new ImportError(path, `holds ${kindOf(format) === 'book' ? 'an order book' : 'trades'} (${format}), not bars`);
  const base = { instrumentId: opts.instrumentId, ...(opts.chunkSize === undefined ? {} : { chunkSize: opts.chunkSize }) };
  if (format === 'ta4j-json') {
    const f = await readTa4jJson(path);
    const timeframeMs = opts.timeframeMs ?? f.timeframeMs;
    yield* assembleBars(path, 'row', iterate(f.records), { ...base, timeIs: opts.timeIs ?? f.timeIs, ...(timeframeMs === undefined ? {} : { timeframeMs }) });
    return;
  }
  const source = format === 'csv-bars' ? csvBarRecords(path, opts) : format === 'parquet-bars' ? parquetBarRecords(path) : format === 'feather-bars' ? featherBarRecords(path) : format === 'hdf5-bars' ? hdf5BarRecords(path) : format === 'pandas-bars-json' ? pandasBarRecords(path) : ohlcvJsonRecords(path);
  const unit = format === 'csv-bars' ? 'line' : 'row';
  yield* assembleBars(path, unit, source, { ...base, ...(opts.timeIs ? { timeIs: opts.timeIs } : {}), ...(opts.timeframeMs === undefined ? {} : { timeframeMs: opts.timeframeMs }) });
}

/** Streams the trades of a CSV (with header, or headerless Kraken) or freqtrade JSON file. */
export async function* readTrades(path: string, opts: ReadTradesOptions): AsyncGenerator<TradeTick[]> {
  let format = opts.format;
  if (format === undefined) {
    // A headerless layout naming price/size means trades even when the column count says bars.
    format = opts.headerless ? 'csv-trades' : (await detectFormat(path)).format;
  }
  if (kindOf(format) !== 'trades') throw new ImportError(path, `holds ${kindOf(format) === 'book' ? 'an order book' : 'bars'} (${format}), not trades`);
  const base = { instrumentId: opts.instrumentId, ...(opts.chunkSize === undefined ? {} : { chunkSize: opts.chunkSize }) };
  if (format === 'csv-trades') yield* assembleTrades(path, 'line', csvTradeRecords(path, opts), base);
  else yield* assembleTrades(path, 'row', format === 'parquet-trades' ? parquetTradeRecords(path) : format === 'feather-trades' ? featherTradeRecords(path) : format === 'hdf5-trades' ? hdf5TradeRecords(path) : format === 'pandas-trades-json' ? pandasTradeRecords(path) : tradesJsonRecords(path), base);
}

/** Reads every bar into one array: for small files and tests. */
export async function readAllBars(path: string, opts: ReadBarsOptions): Promise<Bar[]> {
  const out: Bar[] = [];
  for await (const chunk of readBars(path, opts)) for (const b of chunk) out.push(b);
  return out;
}

export async function readAllTrades(path: string, opts: ReadTradesOptions): Promise<TradeTick[]> {
  const out: TradeTick[] = [];
  for await (const chunk of readTrades(path, opts)) for (const t of chunk) out.push(t);
  return out;
}

export interface PrecisionInfo {
  readonly kind: DataKind;
  readonly format: DataFormat;
  /** Max decimals over open/high/low/close (bars) or price (trades), capped at 15. */
  readonly priceDecimals: number;
  /** Max decimals over volume (bars) or size (trades), capped at 15. */
  readonly sizeDecimals: number;
  /** 10^-priceDecimals as a decimal string, e.g. "0.00000001": a tick size for makeInstrument. */
  readonly tickSize: string;
  readonly lotSize: string;
  readonly rows: number;
  readonly firstTime: number;
  readonly lastTime: number;
  /** Bars only: the (given or inferred) timeframe. */
  readonly timeframeMs?: number;
  /** Order books only: the file's symbol column, when it has one. */
  readonly symbol?: string;
}

export interface InferPrecisionOptions extends CsvReadOptions {
  readonly format?: DataFormat;
  readonly timeframeMs?: number;
}

/**
 * One full pass over a file to find the decimals its prices and sizes need, for building an
 * Instrument when the user gives no --tick-size/--lot-size. Decimals are those of the shortest
 * round-trip form of each value (`90.540000` counts 2), so padding zeros do not inflate them;
 * float noise in a file (`0.015571269999999`) does, and is capped at 15 (the fixed-point
 * limit). The whole file is validated on the way, so an invalid file fails here too.
 */
export async function inferPrecision(path: string, opts: InferPrecisionOptions = {}): Promise<PrecisionInfo> {
  const format = opts.format ?? (opts.headerless && opts.headerless.some((h) => /^(price|size|amount|qty|quantity)$/i.test(h)) ? 'csv-trades' : (await detectFormat(path)).format);
  const kind = kindOf(format);
  let p = 0;
  let s = 0;
  let rows = 0;
  let firstTime = Number.NaN;
  let lastTime = Number.NaN;
  let timeframeMs: number | undefined;
  let symbol: string | undefined;
  const common = { ...opts, format, instrumentId: 'IMPORT' };
  // Parquet, Feather and HDF5 hold binary doubles: a price written as 0.09969 may come back 1 ulp off
  // (0.09969000000000001). Read at 15 significant digits (a double carries 15.9) they are the
  // decimals that were written; text files keep every digit they show.
  const decimalsOf = format.startsWith('parquet-') || format.startsWith('feather-') || format.startsWith('hdf5-') ? (v: number): number => textDecimals(Number(v.toPrecision(15))) : textDecimals;
  if (kind === 'bars') {
    for await (const chunk of readBars(path, common)) {
      for (const b of chunk) {
        p = Math.max(p, decimalsOf(b.open), decimalsOf(b.high), decimalsOf(b.low), decimalsOf(b.close));
        s = Math.max(s, decimalsOf(b.volume));
        if (rows === 0) firstTime = b.openTime;
        lastTime = b.openTime;
        timeframeMs = b.timeframeMs;
        rows++;
      }
    }
  } else if (kind === 'book') {
    const seen: { symbol?: string | undefined } = {};
    for await (const chunk of readBook(path, { instrumentId: 'IMPORT' }, seen)) {
      for (const u of chunk) {
        for (const side of [u.bids, u.asks]) {
          for (const l of side) {
            p = Math.max(p, decimalsOf(l.price));
            s = Math.max(s, decimalsOf(l.size));
          }
        }
        if (rows === 0) firstTime = u.ts;
        lastTime = u.ts;
        rows++;
      }
    }
    symbol = seen.symbol;
  } else {
    for await (const chunk of readTrades(path, common)) {
      for (const t of chunk) {
        p = Math.max(p, decimalsOf(t.price));
        s = Math.max(s, decimalsOf(t.size));
        if (rows === 0) firstTime = t.ts;
        lastTime = t.ts;
        rows++;
      }
    }
  }
  p = Math.min(p, MAX_PRECISION);
  s = Math.min(s, MAX_PRECISION);
  const info: PrecisionInfo = { kind, format, priceDecimals: p, sizeDecimals: s, tickSize: step(p), lotSize: step(s), rows, firstTime, lastTime };
  return { ...info, ...(timeframeMs === undefined ? {} : { timeframeMs }), ...(symbol ? { symbol } : {}) };
}

function step(decimals: number): string {
  return decimals === 0 ? '1' : `0.${'0'.repeat(decimals - 1)}1`;
}
