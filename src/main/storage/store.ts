/**
 * TimeSeriesStore: the one storage contract behind which DuckDB (embedded, default) and QuestDB
 * (server, for large tick volumes) sit. Both pass the same contract suite (contract.ts).
 *
 * Invariants every implementation keeps:
 * - Times are epoch milliseconds (UTC) everywhere, like the domain messages.
 * - Writes are idempotent: each row has a unique key (venue, symbol, [timeframe,] time, id), so a
 *   re-import or a replayed batch never duplicates rows; the first write of a key wins (QuestDB:
 *   the last one, see questdb/questdb-store.ts).
 * - A write call is all-or-nothing: it is validated first and committed in one transaction.
 * - Reads never look ahead: a bar is known at its close time (`Bar.ts`), and point-in-time joins
 *   return what was known AT OR BEFORE each signal's moment.
 * - Range scans stream in time order, in chunks, with memory flat whatever the range.
 * - Venue and symbol are stored upper-case (as `makeInstrument` does), so `binance` and
 *   `BINANCE` are the same series.
 */
import type { Instrument } from '../../shared/domain/instrument';
import type { Fill, Order } from '../../shared/domain/order';
import type { Bar, BookUpdate, QuoteTick, TradeTick } from '../../shared/messages/market-data';

export type SeriesKind = 'bars' | 'trades' | 'quotes' | 'book' | 'signals';

/** One stored series, as listed by `listSeries()`. */
export interface SeriesInfo {
  readonly venue: string;
  readonly symbol: string;
  readonly kind: SeriesKind;
  /** Only for bars. */
  readonly timeframeMs?: number;
  /** First / last row time (bars: close time `ts`), ms. */
  readonly first: number;
  readonly last: number;
  readonly rows: number;
}

/** A strategy's output at a moment: what a backtest or research notebook stores and joins. */
export interface SignalRecord {
  readonly ts: number;
  readonly venue: string;
  readonly symbol: string;
  readonly strategyId: string;
  readonly name: string;
  readonly value: number;
}

/** A backtest run as saved for later comparison. Params and stats are plain JSON. */
export interface BacktestRunRecord {
  readonly id: string;
  readonly createdAt: number;
  readonly strategyId: string;
  readonly venue: string;
  readonly symbol: string;
  readonly timeframeMs?: number;
  readonly from: number;
  readonly to: number;
  readonly params: Readonly<Record<string, unknown>>;
  readonly stats: Readonly<Record<string, unknown>>;
}

/** What a write did: rows new to the store, and rows already there (same key) that were skipped. */
export interface WriteResult {
  readonly inserted: number;
  readonly ignored: number;
  /**
   * `false` when the store cannot tell new rows from replayed ones (QuestDB's DEDUP reports
   * nothing): `ignored` then counts only duplicates inside the batch and `inserted` the distinct
   * rows sent. Absent means exact.
   */
  readonly exact?: boolean;
}

export interface ScanBarsQuery {
  /** Optional when the symbol is stored for one venue only. */
  readonly venue?: string;
  readonly symbol: string;
  readonly timeframeMs: number;
  /** Bars with `from ≤ openTime < to` (openTime, so `--from 2024-01-01` starts at 00:00). */
  readonly from?: number;
  readonly to?: number;
  /** Rows per yielded array (default 10 000). */
  readonly chunkSize?: number;
}

export interface ScanTicksQuery {
  readonly venue?: string;
  readonly symbol: string;
  /** Rows with `from ≤ ts < to`. */
  readonly from?: number;
  readonly to?: number;
  readonly chunkSize?: number;
}

export interface ResampleQuery {
  readonly venue?: string;
  readonly symbol: string;
  readonly timeframeMs: number;
  /** Trades with `from ≤ ts < to`; pass timeframe-aligned bounds to get only whole bars. */
  readonly from: number;
  readonly to: number;
  readonly chunkSize?: number;
}

/** A signal row given inline to `asofJoin`. */
export interface AsofSignalRow {
  readonly ts: number;
  readonly symbol: string;
  /** Optional when the symbol is stored for one venue only. */
  readonly venue?: string;
}

/** Signals read from the store's `signals` table instead of given inline. */
export interface AsofSignalTable {
  readonly table: 'signals';
  readonly strategyId?: string;
  readonly name?: string;
  readonly symbol?: string;
  readonly venue?: string;
  readonly from?: number;
  readonly to?: number;
}

export interface AsofTradeMatch {
  readonly ts: number;
  readonly price: number;
  readonly size: number;
  readonly tradeId: string;
}
export interface AsofQuoteMatch {
  readonly ts: number;
  readonly bid: number;
  readonly bidSize: number;
  readonly ask: number;
  readonly askSize: number;
}
/** The last bar CLOSED at or before the signal (`bar.ts ≤ signal.ts`). */
export type AsofBarMatch = Bar;

/** One output row per input signal, in signal time order (ties: input order). */
export interface AsofRow<M> {
  /** Position in the inline signal array; for table signals, the row's position in the result. */
  readonly index: number;
  readonly ts: number;
  readonly venue: string;
  readonly symbol: string;
  /** Present for table signals. */
  readonly strategyId?: string;
  readonly name?: string;
  readonly value?: number;
  /** Null when nothing was known yet at that moment. */
  readonly match: M | null;
}

interface AsofBase {
  readonly signals: readonly AsofSignalRow[] | AsofSignalTable;
  readonly chunkSize?: number;
}
export interface AsofTradesQuery extends AsofBase { readonly with: 'trades' }
export interface AsofQuotesQuery extends AsofBase { readonly with: 'quotes' }
export interface AsofBarsQuery extends AsofBase { readonly with: 'bars'; readonly timeframeMs: number }
export type AsofQuery = AsofTradesQuery | AsofQuotesQuery | AsofBarsQuery;

export interface TimeSeriesStore {
  /** Opens (creating if needed) and migrates the store; refuses a store from a newer LIBRA. */
  open(): Promise<void>;
  /** Flushes and releases everything; safe to call twice. */
  close(): Promise<void>;

  /** Stores closed bars of one series; `bars[i].timeframeMs` must equal `timeframeMs`. */
  writeBars(venue: string, symbol: string, timeframeMs: number, bars: readonly Bar[]): Promise<WriteResult>;
  /** Stores trades; key (venue, symbol, ts, tradeId). */
  writeTrades(venue: string, symbol: string, trades: readonly TradeTick[]): Promise<WriteResult>;
  /** Stores top-of-book quotes; key (venue, symbol, ts, bid, bidSize, ask, askSize). */
  writeQuotes(venue: string, symbol: string, quotes: readonly QuoteTick[]): Promise<WriteResult>;
  /** Stores book snapshots and deltas; key (venue, symbol, sequence, action, ts). */
  writeBook(venue: string, symbol: string, updates: readonly BookUpdate[]): Promise<WriteResult>;
  /** Stores signals; key (strategyId, name, venue, symbol, ts). */
  writeSignals(signals: readonly SignalRecord[]): Promise<WriteResult>;
  /** Stores order states (one row per state change); key (clientOrderId, updatedAt, status, filledRaw). */
  writeOrders(orders: readonly Order[]): Promise<WriteResult>;
  /** Stores fills; key (venue, clientOrderId, tradeId). */
  writeFills(fills: readonly Fill[]): Promise<WriteResult>;
  /** Inserts or replaces instrument metadata (tick/lot sizes…) keyed by (venue, symbol). */
  writeInstruments(instruments: readonly Instrument[]): Promise<void>;
  /** The stored instrument, or undefined. */
  getInstrument(venue: string, symbol: string): Promise<Instrument | undefined>;
  listInstruments(): Promise<Instrument[]>;
  /** Inserts or replaces a backtest run by id. */
  saveBacktestRun(run: BacktestRunRecord): Promise<void>;
  /** Saved runs, newest first. */
  listBacktestRuns(): Promise<BacktestRunRecord[]>;

  /** Streams bars in openTime order, `chunkSize` at a time. */
  scanBars(q: ScanBarsQuery): AsyncIterable<Bar[]>;
  /** Streams trades in (ts, tradeId) order. */
  scanTrades(q: ScanTicksQuery): AsyncIterable<TradeTick[]>;
  /** Streams quotes in ts order. */
  scanQuotes(q: ScanTicksQuery): AsyncIterable<QuoteTick[]>;
  /** Streams book snapshots and deltas in (ts, sequence) order, snapshots before deltas at a tie. */
  scanBook(q: ScanTicksQuery): AsyncIterable<BookUpdate[]>;
  /** OHLCV bars computed from stored trades (open/close = first/last by ts then tradeId). */
  resampleTrades(q: ResampleQuery): AsyncIterable<Bar[]>;
  /** For each signal, the latest trade/quote/closed bar known at or before its ts, per symbol. */
  asofJoin(q: AsofTradesQuery): AsyncIterable<AsofRow<AsofTradeMatch>[]>;
  asofJoin(q: AsofQuotesQuery): AsyncIterable<AsofRow<AsofQuoteMatch>[]>;
  asofJoin(q: AsofBarsQuery): AsyncIterable<AsofRow<AsofBarMatch>[]>;
  /** Every stored series with its time range and row count. */
  listSeries(): Promise<SeriesInfo[]>;
}

/** The store file was written by a newer LIBRA. */
export class StoreVersionError extends Error {
  override readonly name = 'StoreVersionError';
}

/** A write was refused before anything was stored (bad row, mismatched series…). */
export class StoreInputError extends Error {
  override readonly name = 'StoreInputError';
}

/** A query cannot be answered as asked (ambiguous venue, unknown table…). */
export class StoreQueryError extends Error {
  override readonly name = 'StoreQueryError';
}

export const DEFAULT_CHUNK_SIZE = 10_000;

/** Narrows `AsofQuery.signals` (Array.isArray does not narrow readonly arrays). */
export function isSignalTable(s: readonly AsofSignalRow[] | AsofSignalTable): s is AsofSignalTable {
  return !Array.isArray(s);
}
