/**
 * `libra backtest`: runs a strategy over a data file (or the store) through the engine, prints
 * a report table with a progress bar while it runs, and writes JSON and HTML reports.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Instrument } from '../../../shared/domain/instrument';
import { formatTimeframe, parseTimeframe } from '../../../shared/messages/market-data';
import { moneyDecimals } from '../../../shared/messages/report';
import type { BacktestFeed, BacktestResult, CostSettings, Kernel, ReportInput, ReportStats, StoreFeedRequest } from '../../kernel';
import { list, num, parseFlags, parseParams, parseTime, str, bool, UsageError } from '../args';
import type { FlagSpec, ParsedFlags } from '../args';
import { STORE_FLAGS, storeFlags } from '../store-flags';

export const BACKTEST_FLAGS: Readonly<Record<string, FlagSpec>> = {
  data: { type: 'string', description: 'data file of bars or trades (CSV, OHLCV/freqtrade/ta4j/pandas JSON, .gz too, Parquet, Feather, pandas HDF5) or an L2 order book (Binance depth / Tardis CSV)' },
  symbol: { type: 'string', description: 'symbol as unified (BTC/USDT, BTC/USDT:USDT) or as the venue writes it (BTCUSDT, BTC-PERP); default: from the file' },
  quote: { type: 'string', description: 'quote currency of an instrument named from the file or kept as given (default USD)' },
  venue: { type: 'string', description: 'venue name (default SIM, or from the store)' },
  timeframe: { type: 'string', description: 'bar timeframe, e.g. 5m (inferred from a bar file; of the bars built from trades, default 1m)' },
  trades: { type: 'boolean', description: 'store backtests: replay the stored trades (trade fill model) instead of bars' },
  book: { type: 'boolean', description: 'replay L2 book levels (book fill model: market orders walk the levels); store backtests: the stored book, files: checks the file is one' },
  from: { type: 'string', description: 'start time (store backtests), ISO or epoch ms' },
  to: { type: 'string', description: 'end time (store backtests), ISO or epoch ms' },
  strategy: { type: 'string', description: 'built-in name (sma-cross) or path to a strategy file' },
  param: { type: 'string', repeat: true, description: 'strategy parameter name=value' },
  capital: { type: 'number', description: 'initial cash in the quote currency (default 10000)' },
  'fee-bps': { type: 'number', description: 'taker fee in bps (default 10)' },
  'maker-fee-bps': { type: 'number', description: 'maker fee in bps (default: the taker fee)' },
  'slippage-bps': { type: 'number', description: 'slippage on taker fills in bps (default 0)' },
  'latency-ms': { type: 'number', description: 'decision-to-venue latency in ms (default 0)' },
  'tick-size': { type: 'string', description: 'price increment (inferred from the data)' },
  'lot-size': { type: 'string', description: 'quantity increment (inferred from the data)' },
  'min-notional': { type: 'number', description: 'smallest order value in quote currency' },
  'fill-model': { type: 'string', description: 'bar | trade | book (default: by the data)' },
  json: { type: 'string', description: 'write the JSON report here' },
  html: { type: 'string', description: 'write the HTML report here' },
  quiet: { type: 'boolean', description: 'no progress bar or table' },
  ...STORE_FLAGS,
};

export interface BacktestOutcome {
  readonly result: BacktestResult;
  readonly stats: ReportStats;
  readonly input: ReportInput;
  readonly instrument: Instrument;
}

export interface BacktestIo {
  readonly out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly err: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly cwd: string;
}

/** The costs of the run, validated (`libra backtest`, `optimize` and `check-lookahead` share them). */
export function costsOf(flags: ParsedFlags, kernel: Kernel): CostSettings {
  const capital = num(flags, 'capital') ?? 10_000;
  if (!(capital > 0)) throw new UsageError(`--capital must be > 0, got ${capital}`);
  const takerFeeBps = num(flags, 'fee-bps') ?? 10;
  const makerFeeBps = num(flags, 'maker-fee-bps') ?? takerFeeBps;
  const slippageBps = num(flags, 'slippage-bps') ?? 0;
  const latencyMs = num(flags, 'latency-ms') ?? 0;
  for (const [k, v] of [['fee-bps', takerFeeBps], ['maker-fee-bps', makerFeeBps], ['slippage-bps', slippageBps], ['latency-ms', latencyMs]] as const) {
    if (v < 0) throw new UsageError(`--${k} must be ≥ 0, got ${v}`);
  }
  return { capital, takerFeeBps, makerFeeBps, slippageBps, latencyMs, risk: kernel.risk };
}

/**
 * The data of a run: `--data FILE`, or the store — `--symbol S` with `--timeframe TF` (bars),
 * `--trades` (the stored trades, with bars built from them at `--timeframe`, default 1m) or
 * `--book` — with the same instrument overrides (`--tick-size`, `--lot-size`…) either way.
 * `libra backtest`, `optimize` and `check-lookahead` read their data through it.
 */
export async function openBacktestSource(flags: ParsedFlags, kernel: Kernel, cwd: string, opts: { readonly book: boolean } = { book: true }): Promise<BacktestFeed> {
  const dataFile = str(flags, 'data');
  const book = bool(flags, 'book');
  if (dataFile !== undefined) {
    const tfFlag = str(flags, 'timeframe');
    return kernel.openFileFeed(resolve(cwd, dataFile), {
      symbol: str(flags, 'symbol'),
      quote: str(flags, 'quote'),
      venue: str(flags, 'venue'),
      tickSize: str(flags, 'tick-size'),
      lotSize: str(flags, 'lot-size'),
      minNotional: num(flags, 'min-notional'),
      ...(tfFlag ? { timeframeMs: parseTimeframe(tfFlag) } : {}),
      hints: 'flags',
    });
  }
  const symbol = str(flags, 'symbol');
  const tf = str(flags, 'timeframe');
  const trades = bool(flags, 'trades');
  const sources = `--symbol S --timeframe TF | --trades${opts.book ? ' | --book' : ''}`;
  if (!symbol || (!tf && !trades && !book)) throw new UsageError(`give --data FILE, or ${sources} [--from T] [--to T] to read from the store`);
  if (trades && book) throw new UsageError('--trades and --book are two sources: give one');
  if (tf && book) throw new UsageError('--book replays book levels; it takes no --timeframe');
  const from = str(flags, 'from');
  const to = str(flags, 'to');
  const req: StoreFeedRequest = {
    symbol,
    quote: str(flags, 'quote'),
    tickSize: str(flags, 'tick-size'),
    lotSize: str(flags, 'lot-size'),
    minNotional: num(flags, 'min-notional'),
    venue: str(flags, 'venue'),
    timeframeMs: tf ? parseTimeframe(tf) : 60_000,
    ...(trades ? { kind: 'trades' as const } : book ? { kind: 'book' as const } : {}),
    ...(from ? { from: parseTime(from, 'from') } : {}),
    ...(to ? { to: parseTime(to, 'to') } : {}),
    store: storeFlags(flags, kernel),
  };
  return kernel.openStoreFeed(req);
}

export async function backtestCommand(argv: readonly string[], kernel: Kernel, io: BacktestIo): Promise<BacktestOutcome> {
  const flags = parseFlags(argv, BACKTEST_FLAGS, 'backtest');
  const strategyName = str(flags, 'strategy');
  if (!strategyName) throw new UsageError('--strategy is required (e.g. --strategy sma-cross)');
  const dataFile = str(flags, 'data');
  const { capital, takerFeeBps, makerFeeBps, slippageBps, latencyMs } = costsOf(flags, kernel);
  const strategy = await kernel.loadStrategy(strategyName, parseParams(list(flags, 'param'), 'backtest'), io.cwd);
  const quiet = bool(flags, 'quiet');

  const book = bool(flags, 'book');
  const source = await openBacktestSource(flags, kernel, io.cwd);
  const { instrument, fillModel, timeframeMs } = source;
  const holds = fillModel === 'bar' ? 'bars' : fillModel === 'trade' ? 'trades' : 'book updates';
  if (book && fillModel !== 'book') throw new UsageError(`--book: ${dataFile ?? 'the source'} holds ${holds}, not an order book`);
  const fm = str(flags, 'fill-model');
  if (fm !== undefined && fm !== fillModel) throw new UsageError(`--fill-model ${fm} does not fit this data (it holds ${holds})`);

  if (!quiet) for (const n of source.notes) io.err.write(`note: ${n}\n`);
  const reports = kernel.reports;
  const bar = reports.createProgressBar({ stream: io.err, total: source.total, label: 'backtest', unit: holds });
  const { result, input, stats } = await kernel.runBacktestFeed(source, strategy, {
    capital,
    makerFeeBps,
    takerFeeBps,
    slippageBps,
    latencyMs,
    progressEvery: 10_000,
    onProgress: quiet ? undefined : (n) => bar.update(n),
  });
  if (!quiet) bar.finish();

  // A trade-model run replays the trades and the bars built from them: count each.
  const replayed = fillModel === 'trade' ? `${result.events - result.bars} trades → ${result.bars} bars` : `${result.bars || result.events} ${holds}`;
  const subtitle = `${strategy.name} ${Object.entries(strategy.params).map(([k, v]) => `${k}=${String(v)}`).join(' ')} · ${instrument.symbol} ${formatTimeframe(timeframeMs)} · ${replayed} · fees ${takerFeeBps} bps · slippage ${slippageBps} bps`;
  if (!quiet) {
    io.out.write(`${reports.formatReportTable(stats, `Backtest ${subtitle}`)}\n`);
    const oi = result.orderIssues;
    io.out.write(`Orders: ${oi.orders} (${oi.cancelled} cancelled, ${oi.rejected} rejected, ${oi.denied} denied)${oi.list[0] && oi.list[0].reason !== 'cancelled on request' ? `; first: ${oi.list[0].status} ${oi.list[0].reason}` : ''}\n`);
    if (oi.warning) io.out.write(`warning: ${oi.warning}\n`);
    const b = input.benchmark;
    if (b) io.out.write(`Buy and hold: final equity ${b.finalEquity.toFixed(moneyDecimals(capital))}, return ${(b.totalReturn * 100).toFixed(2)} %, max drawdown ${(-b.maxDrawdown * 100).toFixed(2)} %\n`);
    io.out.write(`${result.events} events in ${result.elapsedMs.toFixed(0)} ms (${Math.round(result.events / Math.max(result.elapsedMs, 1e-3) * 1000).toLocaleString('en-US')} events/s)\n`);
  }
  const jsonOut = str(flags, 'json');
  if (jsonOut) writeFileSync(resolve(io.cwd, jsonOut), reports.reportJsonString(input, stats));
  const htmlOut = str(flags, 'html');
  if (htmlOut) writeFileSync(resolve(io.cwd, htmlOut), reports.renderReportHtml(input, stats, { title: `LIBRA backtest — ${instrument.symbol}`, subtitle }));
  return { result, stats, input, instrument };
}
