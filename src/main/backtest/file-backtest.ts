/**
 * A backtest over one data source, assembled once for `libra backtest` (through the kernel) and
 * for the Backtest panel's worker (run-job.ts): the instrument and feed of a data file (bars
 * drive a bar-model backtest, trades a trade-model one — with bars built from the trades for the
 * strategy —, an L2 book a book-model one), the run through `runBacktest`, the
 * report input built from the result, and its statistics — with the runner's exact streaming
 * ratios when the equity curve was decimated to keep memory flat.
 */
import type { Instrument } from '../../shared/domain/instrument';
import { formatTimeframe } from '../../shared/messages/market-data';
import type { Bar, TradeTick } from '../../shared/messages/market-data';
import type { RiskGate } from '../engine/risk/risk-gate';
import type { StrategyHooks } from '../engine/strategy/strategy';
import { canResample, resampleStream } from '../engine/data/resample';
import { barsFromTrades } from '../engine/data/trade-bars';
import { ImportError, readBars, readBook, readTrades } from './data';
import type { PrecisionInfo } from './data';
import { instrumentForFile } from './instrument-from-file';
import type { FileInstrumentOptions } from './instrument-from-file';
import { computeStats, YEAR_MS } from './report';
import type { ReportInput, ReportStats } from './report';
import { runBacktest } from './runner';
import type { BacktestResult, BarFeedSpec, FeedSpec } from './runner';

/** A data source ready to replay: its instrument, its feed and how orders fill against it. */
export interface BacktestFeed {
  readonly instrument: Instrument;
  readonly feed: FeedSpec;
  /**
   * Bars built from a trade feed (each released at its close), for strategies that trade on
   * bars and for the report's equity, price and buy-and-hold curves; orders still fill against
   * the trades.
   */
  readonly bars?: BarFeedSpec;
  readonly fillModel: 'bar' | 'trade' | 'book';
  readonly timeframeMs: number;
  /** Rows the feed replays (for progress). */
  readonly total: number;
  /** What was inferred about the source (tick and lot sizes…), for the user. */
  readonly notes: readonly string[];
}

export interface FileFeed extends BacktestFeed {
  readonly info: PrecisionInfo;
}

export interface FileFeedOptions extends FileInstrumentOptions {
  /** Sees every bar chunk streaming past (the worker keeps the bars for the chart window). */
  readonly wrapBars?: (chunks: AsyncIterable<readonly Bar[]>) => AsyncIterable<readonly Bar[]>;
}

/** The instrument and a streaming feed of a data file. Reads the whole file once (inferPrecision). */
export async function openFileFeed(path: string, opts: FileFeedOptions = {}): Promise<FileFeed> {
  const { instrument, info, notes } = await instrumentForFile(path, opts);
  if (info.kind === 'bars') {
    const at = barsAt(path, info, { instrumentId: instrument.id, timeframeMs: opts.timeframeMs, flags: opts.hints === 'flags' });
    const { timeframeMs, chunks } = at;
    if (at.note) notes.push(at.note);
    return { instrument, info, notes, timeframeMs, fillModel: 'bar', total: info.rows, feed: { kind: 'bar', instrumentId: instrument.id, timeframeMs, chunks: opts.wrapBars ? opts.wrapBars(chunks) : chunks } };
  }
  // An order book drives a book-model backtest: market orders walk its levels.
  if (info.kind === 'book') {
    return { instrument, info, notes, timeframeMs: 60_000, fillModel: 'book', total: info.rows, feed: { kind: 'book', instrumentId: instrument.id, chunks: readBook(path, { instrumentId: instrument.id }) } };
  }
  // Trades drive a trade-model backtest: orders fill against them; strategies get bars built
  // from them as well (a second pass over the file, so memory stays flat).
  const timeframeMs = opts.timeframeMs ?? 60_000;
  const trades = (): AsyncGenerator<TradeTick[]> => readTrades(path, { instrumentId: instrument.id });
  const built = barsFromTrades(trades(), instrument.id, timeframeMs);
  return {
    instrument,
    info,
    notes: [...notes, tradeBarsNote(timeframeMs, opts.hints === 'flags')],
    timeframeMs,
    fillModel: 'trade',
    total: info.rows,
    feed: { kind: 'trade', instrumentId: instrument.id, chunks: trades() },
    bars: { kind: 'bar', instrumentId: instrument.id, timeframeMs, chunks: opts.wrapBars ? opts.wrapBars(built) : built },
  };
}

/** Bars a file must hold for its own timeframe (its smallest gap) to overrule a finer one given by the user. */
export const BARS_TO_TELL_TIMEFRAME = 10;

/**
 * The bars of a bar file at the timeframe asked for (default: the file's own, its smallest gap
 * between the first bars). A coarser one is built from the file's bars (a whole multiple that
 * divides a day). A finer one is refused — each bar would be stamped as closed before its end,
 * so a strategy would see its close too early — unless the file is too short to tell its own
 * (fewer than BARS_TO_TELL_TIMEFRAME bars, e.g. two bars with a gap between): then the
 * timeframe given is the file's.
 */
export function barsAt(path: string, info: PrecisionInfo, o: { readonly instrumentId: string; readonly timeframeMs?: number | undefined; readonly flags?: boolean; readonly chunkSize?: number }): { timeframeMs: number; chunks: AsyncIterable<readonly Bar[]>; note?: string } {
  const asked = o.timeframeMs;
  let native = info.timeframeMs ?? asked ?? 60_000;
  if (asked !== undefined && asked < native && info.rows < BARS_TO_TELL_TIMEFRAME) native = asked;
  const read = readBars(path, { instrumentId: o.instrumentId, timeframeMs: native, ...(o.chunkSize ? { chunkSize: o.chunkSize } : {}) });
  if (asked === undefined || asked === native) return { timeframeMs: native, chunks: read };
  const want = formatTimeframe(asked);
  const own = formatTimeframe(native);
  const name = o.flags ? '--timeframe' : 'the timeframe';
  if (asked < native) {
    throw new ImportError(path, `${name} ${want} is finer than the file's ${own} bars: each would be stamped as closed ${want} after its open, before it was known; give ${own} (or omit it), or a coarser timeframe to build bars from these`);
  }
  if (!canResample(native, asked)) throw new ImportError(path, `cannot build ${want} bars from the file's ${own} bars: ${name} must be a whole multiple of ${own} that divides a day`);
  return { timeframeMs: asked, chunks: resampleStream(read, asked, native), note: `${want} bars built from the file's ${own} bars (each released when its last ${own} bar has closed)` };
}

/** What a trade-model run gives its strategy, for the user. */
export function tradeBarsNote(timeframeMs: number, flags: boolean): string {
  return `orders fill against the trades; the strategy also gets ${formatTimeframe(timeframeMs)} bars built from them${flags ? ' (--timeframe to change)' : ''}`;
}

export interface FeedBacktestSettings {
  readonly capital: number;
  readonly makerFeeBps: number;
  readonly takerFeeBps: number;
  readonly slippageBps: number;
  readonly latencyMs: number;
  readonly risk: RiskGate;
  readonly progressEvery?: number;
  readonly onProgress?: ((done: number, simTime: number) => void) | undefined;
  /** 'stats': only what the statistics need (no buy-and-hold, price or indicator curves); see BacktestSpec.report. */
  readonly report?: 'full' | 'stats';
}

export interface BacktestOutcome {
  readonly result: BacktestResult;
  /** The input of the reports (table, JSON, HTML), built from the result. */
  readonly input: ReportInput;
  readonly stats: ReportStats;
}

/** Runs one strategy (as strategy S1) over a feed, and builds the report input and statistics. */
export async function runFeedBacktest(source: BacktestFeed, strategy: { readonly hooks: StrategyHooks }, s: FeedBacktestSettings): Promise<BacktestOutcome> {
  const result = await runBacktest({
    instruments: [source.instrument],
    feeds: source.bars ? [source.feed, source.bars] : [source.feed],
    strategy: { id: 'S1', hooks: strategy.hooks },
    capital: s.capital,
    accountCurrency: source.instrument.quote,
    fillModel: source.fillModel,
    makerFeeBps: s.makerFeeBps,
    takerFeeBps: s.takerFeeBps,
    slippageBps: s.slippageBps,
    latencyMs: s.latencyMs,
    risk: s.risk,
    ...(s.progressEvery !== undefined ? { progressEvery: s.progressEvery } : {}),
    ...(s.onProgress ? { onProgress: s.onProgress } : {}),
    ...(s.report ? { report: s.report } : {}),
  });
  const input = reportInputOf(result, s.capital, source.timeframeMs, source.instrument);
  return { result, input, stats: statsOf(input, result) };
}

/** The report input of a result. */
export function reportInputOf(result: BacktestResult, capital: number, timeframeMs: number, instrument?: Instrument): ReportInput {
  const b = result.benchmark;
  const years = b ? (b.stats.endTime - b.stats.startTime) / YEAR_MS : 0;
  return {
    ...(instrument
      ? {
          instrument: {
            symbol: instrument.symbol,
            venue: instrument.venue,
            base: instrument.base,
            quote: instrument.quote,
            tickSize: instrument.tickRaw / 10 ** instrument.pricePrecision,
            lotSize: instrument.lotRaw / 10 ** instrument.sizePrecision,
          },
        }
      : {}),
    orderIssues: result.orderIssues,
    benchmark: b
      ? {
          name: 'buy-and-hold',
          equity: b.equity,
          finalEquity: b.stats.finalEquity,
          totalReturn: b.stats.finalEquity / capital - 1,
          cagr: years > 0 && b.stats.finalEquity > 0 ? (b.stats.finalEquity / capital) ** (1 / years) - 1 : null,
          sharpe: b.stats.sharpe,
          maxDrawdown: b.stats.maxDrawdown,
        }
      : null,
    prices: result.prices,
    indicators: result.indicators,
    initialCapital: capital,
    trades: result.trades.map((t) => ({ entryTime: t.entryTime, exitTime: t.exitTime, side: t.side, quantity: t.quantity, entryPrice: t.entryPrice, exitPrice: t.exitPrice, pnl: t.pnl, fees: t.fees })),
    equity: result.equity,
    feesPaid: result.feesPaid,
    exposureBars: Math.round(result.stats.exposure * result.stats.samples),
    bars: result.bars,
    startTime: result.stats.startTime,
    endTime: result.stats.endTime,
    timeframeMs,
  };
}

/** computeStats, with the runner's exact streaming ratios when the curve was decimated. */
export function statsOf(input: ReportInput, result: BacktestResult): ReportStats {
  const stats = computeStats(input);
  if (result.equity.length >= result.stats.samples) return stats;
  // The curve was decimated to keep memory flat: the streaming statistics are the exact ones.
  return { ...stats, sharpe: result.stats.sharpe, sortino: result.stats.sortino, maxDrawdown: result.stats.maxDrawdown, maxDrawdownDurationMs: result.stats.maxDrawdownDurationMs };
}
