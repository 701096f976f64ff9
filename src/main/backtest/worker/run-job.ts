/**
 * One backtest job, as the Backtest panel asks for it: a data file, a strategy (built-in name or
 * path) with its parameters, capital, fees and slippage. Runs it through `runBacktest` exactly
 * as `libra backtest --data` does (same instrument inference, same report input, same stats)
 * and shapes the result for a window: stats, trades, equity and drawdown downsampled to
 * ≤ `maxPoints`, and the bars themselves packed in one Float64Array (for the chart window).
 *
 * Heavy (reads and replays the whole file): runs inside the backtest worker, never on main.
 */
import { resolve } from 'node:path';
import type { Bar } from '../../../shared/messages/market-data';
import { loadStrategy } from '../../config/strategy-loader';
import type { RiskConfig } from '../../engine/risk/risk-gate';
import type { StrategyParams } from '../../engine/strategy/strategy';
import { createRiskGate } from '../../native';
import { readBars, readTrades } from '../data';
import { computeStats, downsampleMinMax, drawdownCurve } from '../report';
import type { EquityPoint, ReportInput, ReportStats, ReportTrade } from '../report';
import { runBacktest } from '../runner';
import type { FeedSpec } from '../runner';
import { instrumentForDataFile } from './file-instrument';

export interface BacktestJob {
  readonly dataPath: string;
  /** Built-in name (`sma-cross`) or path to a strategy file. */
  readonly strategy: string;
  readonly params: Readonly<Record<string, string>>;
  readonly capital: number;
  readonly feeBps: number;
  readonly slippageBps: number;
  /** Resolves relative strategy paths. */
  readonly cwd?: string;
  /** Risk limits (default: the kernel's permissive defaults). */
  readonly risk?: RiskConfig;
  readonly maxPoints?: number;
  readonly maxTrades?: number;
  /** Keep the bars for the chart window when the file has at most this many (default 500 000). */
  readonly maxChartBars?: number;
  readonly progressEvery?: number;
}

export interface JobProgress {
  readonly done: number;
  readonly total: number;
  readonly simTime: number;
}

export interface JobInstrument {
  readonly id: string;
  readonly symbol: string;
  readonly venue: string;
  readonly pricePrecision: number;
}

export interface JobOutput {
  readonly instrument: JobInstrument;
  readonly timeframeMs: number;
  readonly kind: 'bars' | 'trades';
  readonly strategy: string;
  readonly params: StrategyParams;
  readonly stats: ReportStats;
  /** The first `maxTrades` trades; `tradesTotal` counts all of them. */
  readonly trades: readonly ReportTrade[];
  readonly tradesTotal: number;
  readonly equity: readonly EquityPoint[];
  readonly drawdown: readonly EquityPoint[];
  readonly equityPoints: number;
  readonly events: number;
  readonly bars: number;
  readonly orders: number;
  readonly fills: number;
  readonly denials: number;
  readonly firstDenial: string | null;
  readonly elapsedMs: number;
  readonly notes: readonly string[];
}

/** Bars packed 6 numbers each: openTime, open, high, low, close, volume. */
export const BAR_STRIDE = 6;

/** The kernel's default limits (DEFAULT_RISK): permissive per-order limits, no halts. */
export const DEFAULT_JOB_RISK: RiskConfig = { defaults: {}, referencePrice: 'last', maxOpenOrders: 1000 };

/** Copies every bar that streams past into a growable Float64Array (stops past `max`). */
class BarRecorder {
  private data = new Float64Array(BAR_STRIDE * 4096);
  private n = 0;
  overflow = false;
  constructor(private readonly max: number) {}

  wrap(chunks: AsyncIterable<readonly Bar[]>): AsyncIterable<readonly Bar[]> {
    const add = (chunk: readonly Bar[]): void => this.add(chunk);
    return {
      async *[Symbol.asyncIterator]() {
        for await (const chunk of chunks) {
          add(chunk);
          yield chunk;
        }
      },
    };
  }

  private add(chunk: readonly Bar[]): void {
    if (this.overflow) return;
    if (this.n + chunk.length > this.max) {
      this.overflow = true;
      return;
    }
    const need = (this.n + chunk.length) * BAR_STRIDE;
    if (need > this.data.length) {
      const bigger = new Float64Array(Math.max(need, this.data.length * 2));
      bigger.set(this.data.subarray(0, this.n * BAR_STRIDE));
      this.data = bigger;
    }
    for (const b of chunk) {
      const o = this.n++ * BAR_STRIDE;
      this.data[o] = b.openTime;
      this.data[o + 1] = b.open;
      this.data[o + 2] = b.high;
      this.data[o + 3] = b.low;
      this.data[o + 4] = b.close;
      this.data[o + 5] = b.volume;
    }
  }

  packed(): Float64Array | null {
    return this.overflow || this.n === 0 ? null : this.data.slice(0, this.n * BAR_STRIDE);
  }
}

export async function runJob(job: BacktestJob, onProgress?: (p: JobProgress) => void): Promise<{ output: JobOutput; bars: Float64Array | null }> {
  const cwd = job.cwd ?? process.cwd();
  const path = resolve(cwd, job.dataPath);
  const strategy = await loadStrategy(job.strategy, job.params, cwd);
  const { instrument, info, notes } = await instrumentForDataFile(path);
  const total = info.rows;
  const recorder = new BarRecorder(job.maxChartBars ?? 500_000);
  let feed: FeedSpec;
  let timeframeMs: number;
  if (info.kind === 'bars') {
    timeframeMs = info.timeframeMs ?? 60_000;
    feed = { kind: 'bar', instrumentId: instrument.id, timeframeMs, chunks: recorder.wrap(readBars(path, { instrumentId: instrument.id, timeframeMs })) };
  } else {
    timeframeMs = 60_000;
    feed = { kind: 'trade', instrumentId: instrument.id, chunks: readTrades(path, { instrumentId: instrument.id }) };
  }
  const fillModel = info.kind === 'bars' ? 'bar' : 'trade';
  onProgress?.({ done: 0, total, simTime: info.firstTime });
  const result = await runBacktest({
    instruments: [instrument],
    feeds: [feed],
    strategy: { id: 'S1', hooks: strategy.hooks },
    capital: job.capital,
    accountCurrency: instrument.quote,
    fillModel,
    makerFeeBps: job.feeBps,
    takerFeeBps: job.feeBps,
    slippageBps: job.slippageBps,
    latencyMs: 0,
    risk: createRiskGate(job.risk ?? DEFAULT_JOB_RISK, 'typescript'),
    progressEvery: job.progressEvery ?? 500,
    ...(onProgress ? { onProgress: (done: number, simTime: number) => onProgress({ done, total, simTime }) } : {}),
  });
  onProgress?.({ done: total, total, simTime: info.lastTime });

  const input = reportInputOf(result, job.capital, timeframeMs);
  const stats = statsOf(input, result);
  const maxPoints = job.maxPoints ?? 2000;
  const maxTrades = job.maxTrades ?? 5000;
  const output: JobOutput = {
    instrument: { id: instrument.id, symbol: instrument.symbol, venue: instrument.venue, pricePrecision: instrument.pricePrecision },
    timeframeMs,
    kind: info.kind,
    strategy: strategy.name,
    params: strategy.params,
    stats,
    trades: input.trades.slice(0, maxTrades),
    tradesTotal: input.trades.length,
    equity: downsampleMinMax(result.equity, Math.floor((maxPoints - 2) / 2)),
    drawdown: downsampleMinMax(drawdownCurve(result.equity), Math.floor((maxPoints - 2) / 2)),
    equityPoints: result.equity.length,
    events: result.events,
    bars: result.bars,
    orders: result.orders,
    fills: result.fills,
    denials: result.denials.length,
    firstDenial: result.denials[0]?.message ?? null,
    elapsedMs: result.elapsedMs,
    notes,
  };
  return { output, bars: info.kind === 'bars' ? recorder.packed() : null };
}

/** The report input of a result, built exactly as `libra backtest` builds it. */
export function reportInputOf(result: Awaited<ReturnType<typeof runBacktest>>, capital: number, timeframeMs: number): ReportInput {
  return {
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

/** computeStats, with the runner's exact streaming ratios when the curve was decimated (as the CLI). */
export function statsOf(input: ReportInput, result: Awaited<ReturnType<typeof runBacktest>>): ReportStats {
  const stats = computeStats(input);
  if (result.equity.length >= result.stats.samples) return stats;
  return { ...stats, sharpe: result.stats.sharpe, sortino: result.stats.sortino, maxDrawdown: result.stats.maxDrawdown, maxDrawdownDurationMs: result.stats.maxDrawdownDurationMs };
}
