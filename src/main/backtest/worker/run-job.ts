/**
 * One backtest job, as the Backtest panel asks for it: a data file, a strategy (built-in name or
 * path) with its parameters, capital, fees and slippage. Runs it through the same assembly as
 * `libra backtest --data` (../file-backtest.ts: same instrument inference, report input, stats)
 * and shapes the result for a window: stats, trades, equity and drawdown downsampled to
 * ≤ `maxPoints`, failed orders, buy-and-hold and monthly returns, and the bars themselves packed in one Float64Array (for the chart window).
 *
 * Heavy (reads and replays the whole file): runs inside the backtest worker, never on main.
 */
import { resolve } from 'node:path';
import type { Bar } from '../../../shared/messages/market-data';
import { loadStrategy } from '../../config/strategy-loader';
import type { RiskConfig } from '../../engine/risk/risk-gate';
import type { StrategyParams } from '../../engine/strategy/strategy';
import { createRiskGate } from '../../native';
import { openFileFeed, runFeedBacktest } from '../file-backtest';
import { downsampleMinMax, drawdownCurve, monthlyReturns } from '../report';
import type { Benchmark, EquityPoint, IndicatorLine, MonthlyReturn, OrderIssues, ReportStats, ReportTrade } from '../report';

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
  readonly kind: 'bars' | 'trades' | 'book';
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
  /** Orders cancelled, rejected and denied, with reasons, and the warning when they keep failing. */
  readonly orderIssues: OrderIssues;
  /** Buy-and-hold over the same data, its equity downsampled like the strategy's; null without prices. */
  readonly benchmark: Benchmark | null;
  /** Of the full equity curve (UTC calendar months). */
  readonly monthlyReturns: readonly MonthlyReturn[];
  /** The price chart of the HTML report: the instrument's close, downsampled like the equity; null without prices. */
  readonly prices: readonly EquityPoint[] | null;
  /** The strategy's indicators on that instrument, each downsampled the same way. */
  readonly indicators: readonly IndicatorLine[];
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
  const recorder = new BarRecorder(job.maxChartBars ?? 500_000);
  const source = await openFileFeed(path, { wrapBars: (chunks) => recorder.wrap(chunks) });
  const { instrument, info, notes, timeframeMs, total } = source;
  onProgress?.({ done: 0, total, simTime: info.firstTime });
  const { result, input, stats } = await runFeedBacktest(source, strategy, {
    capital: job.capital,
    makerFeeBps: job.feeBps,
    takerFeeBps: job.feeBps,
    slippageBps: job.slippageBps,
    latencyMs: 0,
    risk: createRiskGate(job.risk ?? DEFAULT_JOB_RISK, 'typescript'),
    progressEvery: job.progressEvery ?? 500,
    ...(onProgress ? { onProgress: (done: number, simTime: number) => onProgress({ done, total, simTime }) } : {}),
  });
  onProgress?.({ done: total, total, simTime: info.lastTime });

  const maxPoints = job.maxPoints ?? 2000;
  const buckets = Math.floor((maxPoints - 2) / 2);
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
    equity: downsampleMinMax(result.equity, buckets),
    drawdown: downsampleMinMax(drawdownCurve(result.equity), buckets),
    equityPoints: result.equity.length,
    events: result.events,
    bars: result.bars,
    orders: result.orders,
    fills: result.fills,
    denials: result.orderIssues.denied,
    firstDenial: result.denials[0]?.message ?? null,
    elapsedMs: result.elapsedMs,
    notes,
    orderIssues: result.orderIssues,
    benchmark: input.benchmark ? { ...input.benchmark, equity: downsampleMinMax(input.benchmark.equity, buckets) } : null,
    monthlyReturns: monthlyReturns(result.equity, job.capital),
    prices: input.prices && input.prices.length > 0 ? downsampleMinMax(input.prices, buckets) : null,
    indicators: (input.indicators ?? []).map((l) => ({ name: l.name, points: downsampleMinMax(l.points, buckets) })),
  };
  // Bars of a bar file, or those built from a trades file; none for a book.
  return { output, bars: recorder.packed() };
}
