/**
 * The parameter search: every set of a grid run through the event-driven engine across worker
 * threads (SweepPool), ranked by an objective; optionally a walk-forward (optimise in-sample,
 * test the winner out-of-sample, fold after fold, out-of-sample equity stitched) and a Monte
 * Carlo of the best set's trade order. Bars, or trades: a set then gets bars built from the
 * trades and its orders fill against the trades, as in `libra backtest` of the same data; windows
 * (walk-forward) are counted in those bars.
 */
import type { Instrument } from '../../../shared/domain/instrument';
import { loadStrategyClass } from '../../config/strategy-loader';
import type { StrategyParams } from '../../engine/strategy/strategy';
import type { BacktestFeed } from '../file-backtest';
import type { EquityPoint, ReportStats } from '../report';
import { packBars, packTrades } from './bars';
import { collectSeries, instantiate } from './evaluate';
import type { CostSettings, SetResult } from './evaluate';
import { expandGrid } from './grid';
import type { GridAxis, ParamSet } from './grid';
import { monteCarloTrades } from './monte-carlo';
import type { MonteCarloResult } from './monte-carlo';
import { objectiveValue, rankBy } from './objective';
import type { Objective } from './objective';
import { SweepPool } from './pool';

export class OptimizeInputError extends Error {
  override readonly name = 'OptimizeInputError';
}

export interface OptimizeRequest {
  /** Built-in name or path of the strategy. */
  readonly strategy: string;
  readonly cwd: string;
  readonly axes: readonly GridAxis[];
  /** Parameters held fixed in every set (`--param`). */
  readonly fixed?: ParamSet;
  readonly objective: Objective;
  readonly workers: number;
  readonly costs: CostSettings;
  /** Folds of a walk-forward (0 or absent: none). */
  readonly walkForward?: number;
  readonly monteCarlo?: { readonly runs: number; readonly seed: number };
  /** Bar evaluations done so far and in all. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Share `ctx.indicator` series between sets (default true; false computes them per set, for comparison). */
  readonly shareIndicators?: boolean;
  /** Aborting ends the worker threads; the search rejects with an OptimizeCancelledError. */
  readonly signal?: AbortSignal;
}

export class OptimizeCancelledError extends Error {
  override readonly name = 'OptimizeCancelledError';
}

export interface RankedSet {
  readonly params: StrategyParams;
  readonly stats: ReportStats;
  /** The objective's value (null when undefined for this set). */
  readonly score: number | null;
}

export interface WalkForwardFold {
  readonly inSample: { readonly from: number; readonly to: number };
  readonly outOfSample: { readonly from: number; readonly to: number };
  readonly params: StrategyParams;
  readonly inSampleScore: number | null;
  readonly outOfSampleScore: number | null;
  readonly outOfSampleStats: ReportStats;
}

export interface WalkForwardResult {
  readonly folds: readonly WalkForwardFold[];
  /** Out-of-sample equity of every fold chained: each fold starts where the last one ended. */
  readonly equity: readonly EquityPoint[];
  readonly totalReturn: number;
  readonly maxDrawdown: number;
}

export interface OptimizeOutcome {
  readonly instrument: Instrument;
  readonly timeframeMs: number;
  readonly bars: number;
  readonly objective: Objective;
  readonly axes: readonly GridAxis[];
  /** Every valid set, best first. */
  readonly results: readonly RankedSet[];
  /** Sets the strategy refused (fast ≥ slow…), with its reason. */
  readonly skipped: readonly { readonly params: ParamSet; readonly reason: string }[];
  /** Sets the engine failed on (in the full run or a walk-forward window), with the error. */
  readonly failed: readonly { readonly params: ParamSet; readonly reason: string }[];
  readonly barEvaluations: number;
  readonly elapsedMs: number;
  readonly workers: number;
  /** Indicator series (`ctx.indicator`) the sets got from the workers' shared caches, and those computed. */
  readonly indicatorSeries: { readonly shared: number; readonly computed: number };
  readonly walkForward?: WalkForwardResult;
  readonly monteCarlo?: MonteCarloResult;
}

export async function optimizeFeed(source: BacktestFeed, req: OptimizeRequest, now: () => number = () => performance.now()): Promise<OptimizeOutcome> {
  const started = now();
  if (source.feed.kind !== 'bar' && source.feed.kind !== 'trade') throw new OptimizeInputError(`optimize needs bars or trades: this data holds ${source.feed.kind === 'book' ? 'an order book' : 'quotes'}`);
  const { cls } = await loadStrategyClass(req.strategy, req.cwd);
  const all = expandGrid(req.axes, req.fixed ?? {});
  const sets: ParamSet[] = [];
  const skipped: { params: ParamSet; reason: string }[] = [];
  for (const set of all) {
    try {
      instantiate(cls, set);
      sets.push(set);
    } catch (error) {
      if (!(error instanceof Error) || error.name !== 'ParamError') throw error;
      skipped.push({ params: set, reason: error.message });
    }
  }
  if (sets.length === 0) throw new OptimizeInputError(`no set of the grid is valid for this strategy (first: ${skipped[0]?.reason ?? 'empty grid'})`);

  const series = await collectSeries(source);
  if (!series) throw new OptimizeInputError('optimize needs bars or trades: this trade feed has no bars built from it');
  const bars = series.bars;
  const n = bars.length;
  if (n < 2) throw new OptimizeInputError(`the data holds ${n} bar(s): too few to optimise`);
  const folds = req.walkForward ?? 0;
  if (folds > 0 && Math.floor(n / (folds + 1)) < 2) throw new OptimizeInputError(`--walk-forward ${folds}: ${n} bars cannot make ${folds + 1} windows`);
  const window = folds > 0 ? Math.floor(n / (folds + 1)) : 0;
  const total = sets.length * n + (folds > 0 ? folds * (sets.length * window + window) + (n - (folds + 1) * window) : 0) + (req.monteCarlo ? n : 0);
  let done = 0;
  const tick = (k: number): void => {
    done += k;
    req.onProgress?.(done, total);
  };

  const pool = await SweepPool.open({ packed: packBars(bars), ...(series.trades ? { trades: packTrades(series.trades.trades) } : {}), instrument: source.instrument, timeframeMs: source.timeframeMs, strategy: req.strategy, cwd: req.cwd, costs: req.costs, shareIndicators: req.shareIndicators !== false }, Math.min(req.workers, sets.length));
  const cancelled = new OptimizeCancelledError('the optimisation was cancelled');
  const onAbort = (): void => void pool.cancel(cancelled);
  if (req.signal?.aborted) onAbort();
  req.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    // A set the engine fails on (an overflow, a strategy's own error) is reported, not fatal.
    const failed: { params: ParamSet; reason: string }[] = [];
    const sweep = async (from: number, to: number): Promise<SetResult[]> => {
      const out = await Promise.all(
        sets.map((s) =>
          pool.run(s, from, to).then(
            (r) => {
              tick(to - from);
              return r;
            },
            (error: unknown) => {
              if (error === cancelled) throw error;
              tick(to - from);
              failed.push({ params: s, reason: `${from === 0 && to === n ? '' : `bars ${from}–${to}: `}${error instanceof Error ? error.message : String(error)}` });
              return null;
            },
          ),
        ),
      );
      return out.filter((r): r is SetResult => r !== null);
    };
    const full = await sweep(0, n);
    if (full.length === 0) throw new OptimizeInputError(`every set failed (first: ${failed[0]?.reason ?? '?'})`);
    const ranked = rankBy(full, req.objective).map((r) => ({ params: r.params, stats: r.stats, score: objectiveValue(r.stats, req.objective) }));

    let walkForward: WalkForwardResult | undefined;
    if (folds > 0) {
      const foldResults: WalkForwardFold[] = [];
      const equity: EquityPoint[] = [];
      let scale = 1;
      for (let f = 0; f < folds; f++) {
        const isFrom = f * window;
        const isTo = isFrom + window;
        const oosTo = f === folds - 1 ? n : isTo + window;
        const best = rankBy(await sweep(isFrom, isTo), req.objective)[0];
        if (!best) throw new OptimizeInputError(`walk-forward fold ${f + 1}: every set failed in-sample (first: ${failed[failed.length - 1]?.reason ?? '?'})`);
        const oos = await pool.run(paramsAsSet(best.params), isTo, oosTo, true);
        tick(oosTo - isTo);
        // Each fold starts with fresh capital; chain them by return so the curve compounds.
        for (const [t, v] of oos.detail?.equity ?? []) equity.push([t, v * scale]);
        scale = (equity[equity.length - 1]?.[1] ?? req.costs.capital * scale) / req.costs.capital;
        foldResults.push({
          inSample: { from: bars[isFrom]?.openTime ?? 0, to: bars[isTo - 1]?.ts ?? 0 },
          outOfSample: { from: bars[isTo]?.openTime ?? 0, to: bars[oosTo - 1]?.ts ?? 0 },
          params: best.params,
          inSampleScore: objectiveValue(best.stats, req.objective),
          outOfSampleScore: objectiveValue(oos.stats, req.objective),
          outOfSampleStats: oos.stats,
        });
      }
      walkForward = { folds: foldResults, equity, totalReturn: scale - 1, maxDrawdown: curveDrawdown(equity) };
    }

    let monteCarlo: MonteCarloResult | undefined;
    const top = ranked[0] as RankedSet;
    if (req.monteCarlo) {
      const detailed = await pool.run(paramsAsSet(top.params), 0, n, true);
      tick(n);
      monteCarlo = monteCarloTrades(req.costs.capital, detailed.detail?.tradePnls ?? [], req.monteCarlo.runs, req.monteCarlo.seed);
    }
    return {
      instrument: source.instrument,
      timeframeMs: source.timeframeMs,
      bars: n,
      objective: req.objective,
      axes: req.axes,
      results: ranked,
      skipped,
      failed,
      barEvaluations: done,
      elapsedMs: now() - started,
      workers: pool.size,
      indicatorSeries: pool.indicatorStats,
      ...(walkForward ? { walkForward } : {}),
      ...(monteCarlo ? { monteCarlo } : {}),
    };
  } finally {
    req.signal?.removeEventListener('abort', onAbort);
    await pool.close();
  }
}

function paramsAsSet(p: StrategyParams): ParamSet {
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, String(v)]));
}

function curveDrawdown(equity: readonly EquityPoint[]): number {
  let peak = -Infinity;
  let worst = 0;
  for (const [, v] of equity) {
    if (v > peak) peak = v;
    else if (peak > 0) worst = Math.max(worst, (peak - v) / peak);
  }
  return worst;
}
