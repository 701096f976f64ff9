/**
 * The host side of the Backtest panel's optimise mode: validates a request on main (the data
 * file as for a backtest, the strategy and every set of the grid against its parameters), then
 * runs the search through the kernel — every set in worker threads, main hands out sets and
 * gathers results — and serves status, progress, the ranked sets and the heatmap. Runs are kept
 * (newest first) up to `keep`; cancel ends the worker threads.
 *
 * Known gap: the data file is read (streamed, chunk by chunk) on main before the workers start;
 * for the bundled samples that is tens of milliseconds, for a large file it should move to a
 * worker as the Backtest panel's reading does.
 */
import type { Result } from '../../shared/ipc/result';
import { err, HostErrorCodes, ok } from '../../shared/ipc/result';
import type { OptimizeStart } from '../../shared/ipc/schemas';
import type { OptimizeResultView, OptimizeRunView } from '../../shared/ipc/views';
import type { RiskConfig } from '../engine/risk/risk-gate';
import { resolveParams } from '../engine/strategy/strategy';
import { DEFAULT_RISK } from '../kernel';
import type { GridAxis, Kernel, OptimizeOutcome } from '../kernel';
import { BacktestErrorCodes, describeStrategy } from './backtest-service';
import type { BacktestService } from './backtest-service';

export const OptimizeErrorCodes = {
  grid: 'GRID_INVALID',
  tooMany: 'TOO_MANY_OPTIMIZATIONS',
} as const;

/** Sets one panel request may ask for (the CLI has no such cap). */
export const MAX_PANEL_SETS = 20_000;

interface OptimizeRun {
  readonly id: string;
  readonly label: string;
  readonly objective: string;
  readonly axes: readonly GridAxis[];
  readonly sets: number;
  status: OptimizeRunView['status'];
  progress: { done: number; total: number } | null;
  error: string | null;
  outcome: OptimizeOutcome | null;
  readonly abort: AbortController;
}

export interface OptimizeServiceOptions {
  readonly cwd: string;
  /** Risk limits of the runs (default: the permissive DEFAULT_RISK, as the panel's backtests). */
  readonly risk?: RiskConfig;
  readonly workers?: number;
  readonly keep?: number;
  readonly maxConcurrent?: number;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class OptimizeService {
  private readonly runs = new Map<string, OptimizeRun>();
  private seq = 0;

  constructor(
    private readonly kernel: Kernel,
    private readonly backtests: BacktestService,
    private readonly opts: OptimizeServiceOptions,
  ) {}

  async start(req: OptimizeStart): Promise<Result<OptimizeRunView>> {
    const data = await this.backtests.checkData(req.data);
    if (!data.ok) return data;
    const running = [...this.runs.values()].filter((r) => r.status === 'running').length;
    const max = this.opts.maxConcurrent ?? 1;
    if (running >= max) return err(OptimizeErrorCodes.tooMany, `${running} optimisation(s) already running (at most ${max}): wait for it or cancel it`);
    const d = await describeStrategy(this.kernel, req.strategy, this.opts.cwd);
    if (!d.ok) return d;
    const opt = this.kernel.optimization;
    let axes: GridAxis[];
    try {
      axes = req.grid.map((a) => opt.parseGridAxis(`${a.name}=${a.start}:${a.stop}:${a.step}`));
      const sets = opt.expandGrid(axes, req.params);
      if (sets.length > MAX_PANEL_SETS) return err(OptimizeErrorCodes.grid, `the grid has ${sets.length} sets; the panel runs at most ${MAX_PANEL_SETS} (use libra optimize for more)`);
      // The first set the strategy refuses says why (fast ≥ slow…); refused sets are skipped if others pass.
      let valid = 0;
      let firstRefusal = '';
      for (const s of sets) {
        try {
          new d.value.cls(resolveParams(d.value.cls.params ?? {}, s));
          valid++;
        } catch (error) {
          firstRefusal ||= message(error);
        }
      }
      if (valid === 0) return err(BacktestErrorCodes.param, `no set of the grid is valid: ${firstRefusal}`);
    } catch (error) {
      return err(OptimizeErrorCodes.grid, message(error));
    }
    const id = `OPT-${++this.seq}`;
    const file = 'sample' in req.data ? req.data.sample : (data.value.split(/[\\/]/).at(-1) ?? data.value);
    const run: OptimizeRun = { id, label: `${req.strategy.split(/[\\/]/).at(-1) ?? req.strategy} on ${file}`, objective: req.objective, axes, sets: axes.reduce((n, a) => n * a.values.length, 1), status: 'running', progress: null, error: null, outcome: null, abort: new AbortController() };
    this.runs.set(id, run);
    this.prune();
    void this.execute(run, data.value, req);
    return ok(optimizeView(run, this.kernel.optimization.heatmapCells));
  }

  status(id: string): Result<OptimizeRunView> {
    const run = this.runs.get(id);
    return run ? ok(optimizeView(run, this.kernel.optimization.heatmapCells)) : err(HostErrorCodes.notFound, `no optimisation ${id}`);
  }

  cancel(id: string): Result<OptimizeRunView> {
    const run = this.runs.get(id);
    if (!run) return err(HostErrorCodes.notFound, `no optimisation ${id}`);
    if (run.status === 'running') {
      run.status = 'cancelled';
      run.abort.abort();
    }
    return ok(optimizeView(run, this.kernel.optimization.heatmapCells));
  }

  dispose(): void {
    for (const r of this.runs.values()) if (r.status === 'running') this.cancel(r.id);
  }

  private async execute(run: OptimizeRun, path: string, req: OptimizeStart): Promise<void> {
    try {
      const source = await this.kernel.openFileFeed(path);
      const outcome = await this.kernel.optimization.optimizeFeed(source, {
        strategy: req.strategy,
        cwd: this.opts.cwd,
        axes: run.axes,
        fixed: req.params,
        objective: req.objective,
        workers: this.opts.workers ?? 2,
        costs: { capital: req.capital, makerFeeBps: req.feeBps, takerFeeBps: req.feeBps, slippageBps: req.slippageBps, latencyMs: 0, risk: this.opts.risk ?? DEFAULT_RISK },
        signal: run.abort.signal,
        onProgress: (done, total) => {
          run.progress = { done, total };
        },
      });
      if (run.status !== 'running') return;
      run.outcome = outcome;
      run.status = 'done';
    } catch (error) {
      if (run.status !== 'running') return;
      run.status = 'failed';
      run.error = message(error);
    }
  }

  private prune(): void {
    const keep = this.opts.keep ?? 5;
    const finished = [...this.runs.values()].filter((r) => r.status !== 'running');
    for (const r of finished.slice(0, Math.max(0, finished.length - keep))) this.runs.delete(r.id);
  }
}

const TOP = 50;

function optimizeView(run: OptimizeRun, heatmap: Kernel['optimization']['heatmapCells']): OptimizeRunView {
  const o = run.outcome;
  const numeric = run.axes.map((a) => ({ name: a.name, values: a.values.map(Number) }));
  const results: OptimizeResultView[] = (o?.results ?? []).slice(0, TOP).map((r) => ({ params: r.params, score: r.score, totalReturn: r.stats.totalReturn, sharpe: r.stats.sharpe, maxDrawdown: r.stats.maxDrawdown, trades: r.stats.trades }));
  const [x, y] = run.axes;
  return {
    id: run.id,
    label: run.label,
    status: run.status,
    progress: run.progress,
    error: run.error,
    objective: run.objective,
    axes: numeric,
    results,
    sets: run.sets,
    skipped: o?.skipped.length ?? 0,
    failed: o?.failed.length ?? 0,
    heatmap: o && x && y ? heatmap(o, x, y) : null,
    elapsedMs: o?.elapsedMs ?? null,
  };
}

