/**
 * `libra backtest`: runs a strategy over a data file (or the store) through the engine, prints
 * a report table with a progress bar while it runs, and writes JSON and HTML reports.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Instrument } from '../../../shared/domain/instrument';
import { formatTimeframe, parseTimeframe } from '../../../shared/messages/market-data';
import type { Bar } from '../../../shared/messages/market-data';
import { readBars, readTrades } from '../../backtest/data';
import type { BacktestResult, FeedSpec } from '../../backtest/runner';
import { computeStats, createProgressBar, formatReportTable, renderReportHtml, reportJsonString } from '../../backtest/report';
import type { ReportInput, ReportStats } from '../../backtest/report';
import { loadStrategy } from '../../config/strategy-loader';
import type { Kernel } from '../../kernel';
import { list, num, parseFlags, parseParams, str, bool, UsageError } from '../args';
import type { FlagSpec } from '../args';
import { instrumentForFile } from './instrument-from-file';

export const BACKTEST_FLAGS: Readonly<Record<string, FlagSpec>> = {
  data: { type: 'string', description: 'data file: CSV or OHLCV JSON bars, or trades' },
  symbol: { type: 'string', description: 'instrument symbol BASE/QUOTE (inferred from the file name)' },
  venue: { type: 'string', description: 'venue name (default SIM, or from the store)' },
  timeframe: { type: 'string', description: 'bar timeframe, e.g. 5m (inferred from a file)' },
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
  'fill-model': { type: 'string', description: 'bar | trade (default: by the data)' },
  json: { type: 'string', description: 'write the JSON report here' },
  html: { type: 'string', description: 'write the HTML report here' },
  quiet: { type: 'boolean', description: 'no progress bar or table' },
  'data-dir': { type: 'string', description: 'store folder (default: LIBRA_DATA_DIR or the user data folder)' },
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

export async function backtestCommand(argv: readonly string[], kernel: Kernel, io: BacktestIo, openStoreFeed?: StoreFeedOpener): Promise<BacktestOutcome> {
  const flags = parseFlags(argv, BACKTEST_FLAGS, 'backtest');
  const strategyName = str(flags, 'strategy');
  if (!strategyName) throw new UsageError('libra backtest: --strategy is required (e.g. --strategy sma-cross)');
  const dataFile = str(flags, 'data');
  const capital = num(flags, 'capital') ?? 10_000;
  if (!(capital > 0)) throw new UsageError(`--capital must be > 0, got ${capital}`);
  const takerFeeBps = num(flags, 'fee-bps') ?? 10;
  const makerFeeBps = num(flags, 'maker-fee-bps') ?? takerFeeBps;
  const slippageBps = num(flags, 'slippage-bps') ?? 0;
  const latencyMs = num(flags, 'latency-ms') ?? 0;
  for (const [k, v] of [['fee-bps', takerFeeBps], ['maker-fee-bps', makerFeeBps], ['slippage-bps', slippageBps], ['latency-ms', latencyMs]] as const) {
    if (v < 0) throw new UsageError(`--${k} must be ≥ 0, got ${v}`);
  }
  const strategy = await loadStrategy(strategyName, parseParams(list(flags, 'param'), 'backtest'), io.cwd);
  const quiet = bool(flags, 'quiet');

  let instrument: Instrument;
  let feed: FeedSpec;
  let total: number;
  let fillModel: 'bar' | 'trade';
  let timeframeMs: number;
  const notes: string[] = [];
  if (dataFile !== undefined) {
    const path = resolve(io.cwd, dataFile);
    const tfFlag = str(flags, 'timeframe');
    const r = await instrumentForFile(path, {
      symbol: str(flags, 'symbol'),
      venue: str(flags, 'venue'),
      tickSize: str(flags, 'tick-size'),
      lotSize: str(flags, 'lot-size'),
      minNotional: num(flags, 'min-notional'),
      ...(tfFlag ? { timeframeMs: parseTimeframe(tfFlag) } : {}),
    });
    instrument = r.instrument;
    notes.push(...r.notes);
    total = r.info.rows;
    if (r.info.kind === 'bars') {
      timeframeMs = r.info.timeframeMs ?? 60_000;
      fillModel = 'bar';
      feed = { kind: 'bar', instrumentId: instrument.id, timeframeMs, chunks: readBars(path, { instrumentId: instrument.id, timeframeMs }) };
    } else {
      // Trades drive a trade-model backtest; strategies that want bars read trades (onTrade).
      timeframeMs = 60_000;
      fillModel = 'trade';
      feed = { kind: 'trade', instrumentId: instrument.id, chunks: readTrades(path, { instrumentId: instrument.id }) };
    }
  } else {
    const symbol = str(flags, 'symbol');
    const tf = str(flags, 'timeframe');
    if (!symbol || !tf) throw new UsageError('libra backtest: give --data FILE, or --symbol S --timeframe TF [--from T] [--to T] to read from the store');
    if (!openStoreFeed) throw new UsageError('libra backtest: store backtests are not available in this build');
    timeframeMs = parseTimeframe(tf);
    const s = await openStoreFeed({ symbol, venue: str(flags, 'venue'), timeframeMs, from: str(flags, 'from'), to: str(flags, 'to'), dataDir: str(flags, 'data-dir') });
    instrument = s.instrument;
    total = s.rows;
    fillModel = 'bar';
    feed = { kind: 'bar', instrumentId: instrument.id, timeframeMs, chunks: s.chunks };
  }
  const fm = str(flags, 'fill-model');
  if (fm !== undefined && fm !== fillModel) throw new UsageError(`--fill-model ${fm} does not fit this data (it holds ${fillModel === 'bar' ? 'bars' : 'trades'})`);

  if (!quiet) for (const n of notes) io.err.write(`note: ${n}\n`);
  const bar = createProgressBar({ stream: io.err, total, label: 'backtest', unit: fillModel === 'bar' ? 'bars' : 'trades', ...(quiet ? {} : {}) });
  const result = await kernel.backtest({
    instruments: [instrument],
    feeds: [feed],
    strategy: { id: 'S1', hooks: strategy.hooks },
    capital,
    accountCurrency: instrument.quote,
    fillModel,
    makerFeeBps,
    takerFeeBps,
    slippageBps,
    latencyMs,
    progressEvery: 10_000,
    onProgress: quiet ? undefined : (n) => bar.update(n),
  });
  if (!quiet) bar.finish();

  const input: ReportInput = {
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
  let stats = computeStats(input);
  if (result.equity.length < result.stats.samples) {
    // The curve was decimated to keep memory flat: the streaming statistics are the exact ones.
    stats = { ...stats, sharpe: result.stats.sharpe, sortino: result.stats.sortino, maxDrawdown: result.stats.maxDrawdown, maxDrawdownDurationMs: result.stats.maxDrawdownDurationMs };
  }
  const subtitle = `${strategy.name} ${Object.entries(strategy.params).map(([k, v]) => `${k}=${String(v)}`).join(' ')} · ${instrument.symbol} ${formatTimeframe(timeframeMs)} · ${result.bars || result.events} ${fillModel === 'bar' ? 'bars' : 'trades'} · fees ${takerFeeBps} bps · slippage ${slippageBps} bps`;
  if (!quiet) {
    io.out.write(`${formatReportTable(stats, `Backtest ${subtitle}`)}\n`);
    if (result.denials.length > 0) io.out.write(`${result.denials.length} order(s) denied by the risk gate; first: ${result.denials[0]?.message}\n`);
    io.out.write(`${result.events} events in ${result.elapsedMs.toFixed(0)} ms (${Math.round(result.events / Math.max(result.elapsedMs, 1e-3) * 1000).toLocaleString('en-US')} events/s)\n`);
  }
  const jsonOut = str(flags, 'json');
  if (jsonOut) writeFileSync(resolve(io.cwd, jsonOut), reportJsonString(input, stats));
  const htmlOut = str(flags, 'html');
  if (htmlOut) writeFileSync(resolve(io.cwd, htmlOut), renderReportHtml(input, stats, { title: `LIBRA backtest — ${instrument.symbol}`, subtitle }));
  return { result, stats, input, instrument };
}

export interface StoreFeedRequest {
  readonly symbol: string;
  readonly venue?: string;
  readonly timeframeMs: number;
  readonly from?: string;
  readonly to?: string;
  readonly dataDir?: string;
}

export type StoreFeedOpener = (req: StoreFeedRequest) => Promise<{ instrument: Instrument; rows: number; chunks: AsyncIterable<readonly Bar[]> }>;
