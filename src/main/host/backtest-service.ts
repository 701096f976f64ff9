/**
 * The host side of the Backtest panel: validates a request on main (the data file exists, is
 * readable and of a known format; the strategy loads and its parameters pass resolveParams),
 * then hands the job to a worker thread (BacktestRuns) and serves status, throttled progress,
 * the report and the bars around a trade. Nothing heavy runs here: reading and replaying the
 * file happen in the worker.
 */
import { constants } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTimeframe } from '../../shared/messages/market-data';
import type { Result } from '../../shared/ipc/result';
import { err, HostErrorCodes, ok } from '../../shared/ipc/result';
import type { BacktestStart } from '../../shared/ipc/schemas';
import { moneyDecimals } from '../../shared/messages/report';
import type { BacktestCatalogView, BacktestChartView, BacktestReportView, BacktestRunView, BarView, SavedBacktestsView, StrategyInfoView } from '../../shared/ipc/views';
import type { RiskConfig } from '../engine/risk/risk-gate';
import { resolveParams } from '../engine/strategy/strategy';
import type { ParamValue, StrategyClass } from '../engine/strategy/strategy';
import { PACKED_BAR_STRIDE as BAR_STRIDE } from '../kernel';
import type { BacktestRuns, Kernel, RunRecord } from '../kernel';
import { SavedBacktests } from './saved-backtests';

export const DEFAULT_SAMPLE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../resources/sample-data');

/** Stable codes of the panel's expected failures. */
export const BacktestErrorCodes = {
  dataNotFound: 'DATA_NOT_FOUND',
  dataUnreadable: 'DATA_UNREADABLE',
  dataNotAllowed: 'DATA_NOT_ALLOWED',
  dataFormat: 'DATA_FORMAT',
  strategy: 'STRATEGY_INVALID',
  param: 'PARAM_INVALID',
  tooMany: 'TOO_MANY_BACKTESTS',
} as const;

export interface BacktestServiceOptions {
  readonly sampleDir?: string;
  /** Resolves relative data and strategy paths (default: the process's cwd). */
  readonly cwd?: string;
  readonly risk?: RiskConfig;
  readonly runs?: BacktestRuns;
  /**
   * When set, data files by path are read only under these folders (and the bundled samples);
   * others are refused naming the path. `libra serve` sets the data folder plus `--allow-dir`.
   * Unset (the desktop app, where the user picks their own files): any readable file.
   */
  readonly allowedDirs?: readonly string[];
  /**
   * Where finished runs are kept across restarts (`<data-dir>/backtests`); unset: nothing is
   * kept (tests, one-off hosts), and the saved list is empty.
   */
  readonly savedDir?: string;
}

/** The real path (symlinks resolved) of `p`, or its normalised absolute form when it does not exist. */
async function realOrResolved(p: string): Promise<string> {
  try {
    return await realpath(p);
  } catch {
    return resolve(p);
  }
}

/** Whether `file` is `dir` or inside it (both already absolute and real). */
const isUnder = (file: string, dir: string): boolean => file === dir || file.startsWith(dir.endsWith(sep) ? dir : dir + sep);

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Loads a strategy class (through the kernel) and describes its parameters, or says why it cannot. */
export async function describeStrategy(kernel: Kernel, ref: string, cwd: string): Promise<Result<StrategyInfoView & { cls: StrategyClass }>> {
  try {
    const { name, cls } = await kernel.loadStrategyClass(ref, cwd);
    const params = Object.entries(cls.params ?? {}).map(([key, s]) => ({
      name: key,
      type: s.type,
      default: s.default,
      min: s.min ?? null,
      max: s.max ?? null,
      description: s.description ?? null,
    }));
    return ok({ name, params, cls });
  } catch (error) {
    return err(BacktestErrorCodes.strategy, message(error));
  }
}

/** Checks parameters as the loader will (resolveParams, then the constructor's own checks). */
export async function checkStrategy(kernel: Kernel, ref: string, params: Readonly<Record<string, string>>, cwd: string): Promise<Result<{ name: string; params: Readonly<Record<string, ParamValue>> }>> {
  const d = await describeStrategy(kernel, ref, cwd);
  if (!d.ok) return d;
  try {
    const resolved = resolveParams(d.value.cls.params ?? {}, params);
    new d.value.cls(resolved);
    return ok({ name: d.value.name, params: resolved });
  } catch (error) {
    return err(BacktestErrorCodes.param, message(error));
  }
}

export class BacktestService {
  readonly runs: BacktestRuns;
  private readonly sampleDir: string;
  private readonly cwd: string;
  readonly saved: SavedBacktests | null;
  private readonly stopSaving: () => void;

  constructor(
    private readonly kernel: Kernel,
    private readonly opts: BacktestServiceOptions = {},
  ) {
    this.runs = opts.runs ?? kernel.createBacktestRuns();
    this.sampleDir = opts.sampleDir ?? DEFAULT_SAMPLE_DIR;
    this.cwd = opts.cwd ?? process.cwd();
    const saved = opts.savedDir ? new SavedBacktests(opts.savedDir) : null;
    this.saved = saved;
    this.stopSaving = saved
      ? this.runs.onDidChange((run) => {
          if (run.status !== 'done' || !run.output) return;
          try {
            saved.save(runView(run, true));
          } catch (error) {
            // A full disk must not fail the run: it stays in memory, only not kept.
            process.stderr.write(`libra: could not keep backtest ${run.id} in ${saved.dir}: ${message(error)}\n`);
          }
        })
      : () => undefined;
  }

  savedList(): SavedBacktestsView {
    return this.saved ? this.saved.list() : { saved: [], skipped: 0 };
  }

  openSaved(id: string): Result<BacktestRunView> {
    return this.saved ? this.saved.read(id) : err(HostErrorCodes.notFound, `no saved backtest ${id} (this host keeps none)`);
  }

  deleteSaved(id: string): Result<{ id: string }> {
    return this.saved ? this.saved.remove(id) : err(HostErrorCodes.notFound, `no saved backtest ${id} (this host keeps none)`);
  }

  catalog(): BacktestCatalogView {
    return {
      samples: this.kernel.readSampleIndex(this.sampleDir).map((f) => ({
        file: f.file,
        symbol: f.symbol,
        venue: f.venue,
        timeframe: f.timeframe ?? null,
        bars: f.bars ?? null,
        first: f.first ?? null,
        last: f.last ?? null,
      })),
      strategies: [...this.kernel.builtinStrategies],
      defaults: { capital: 10_000, feeBps: 10, slippageBps: 0 },
    };
  }

  /** Validates the data file on main (cheap: stat, access, a 16 KB peek) and resolves its path. */
  async checkData(data: BacktestStart['data']): Promise<Result<string>> {
    let path: string;
    if ('sample' in data) {
      if (!this.kernel.readSampleIndex(this.sampleDir).some((f) => f.file === data.sample)) return err(BacktestErrorCodes.dataNotFound, `no bundled sample named ${data.sample}`);
      path = join(this.sampleDir, data.sample);
    } else {
      path = isAbsolute(data.path) ? data.path : resolve(this.cwd, data.path);
      const allowed = this.opts.allowedDirs;
      if (allowed) {
        // Checked before anything else about the file, on its real path (a symlink in an
        // allowed folder must not lead out of it), so a refusal says nothing about other files.
        const real = await realOrResolved(path);
        const dirs = await Promise.all([...allowed, this.sampleDir].map(realOrResolved));
        if (!dirs.some((d) => isUnder(real, d))) {
          return err(BacktestErrorCodes.dataNotAllowed, `${path} is outside the folders this server reads data from (${allowed.join(', ')} and the bundled samples); restart libra serve with --allow-dir <folder> to allow another`);
        }
      }
    }
    try {
      const st = await stat(path);
      if (!st.isFile()) return err(BacktestErrorCodes.dataNotFound, `${path} is a folder, not a data file`);
    } catch {
      return err(BacktestErrorCodes.dataNotFound, `no file at ${path}`);
    }
    try {
      await access(path, constants.R_OK);
    } catch {
      return err(BacktestErrorCodes.dataUnreadable, `cannot read ${path} (permission denied)`);
    }
    try {
      await this.kernel.detectDataFormat(path);
    } catch (error) {
      return err(BacktestErrorCodes.dataFormat, message(error).replace(`${path}: `, ''));
    }
    return ok(path);
  }

  async start(req: BacktestStart): Promise<Result<BacktestRunView>> {
    const data = await this.checkData(req.data);
    if (!data.ok) return data;
    const strategy = await checkStrategy(this.kernel, req.strategy, req.params, this.cwd);
    if (!strategy.ok) return strategy;
    const file = 'sample' in req.data ? req.data.sample : data.value.split(/[\\/]/).at(-1) ?? data.value;
    const shortName = req.strategy.split(/[\\/]/).at(-1) ?? req.strategy;
    try {
      const run = this.runs.start(
        { dataPath: data.value, strategy: req.strategy, params: req.params, capital: req.capital, feeBps: req.feeBps, slippageBps: req.slippageBps, cwd: this.cwd, ...(this.opts.risk ? { risk: this.opts.risk } : {}) },
        `${shortName} on ${file}`,
      );
      return ok(runView(run, false));
    } catch (error) {
      // BacktestRuns refuses a run past its concurrency limit with a RunLimitError.
      if (error instanceof Error && error.name === 'RunLimitError') return err(BacktestErrorCodes.tooMany, error.message);
      throw error;
    }
  }

  status(id: string, report: boolean): Result<BacktestRunView> {
    const run = this.runs.get(id);
    return run ? ok(runView(run, report)) : err(HostErrorCodes.notFound, `no backtest ${id} (finished runs are kept for a while only)`);
  }

  cancel(id: string): Result<BacktestRunView> {
    const run = this.runs.cancel(id);
    return run ? ok(runView(run, false)) : err(HostErrorCodes.notFound, `no backtest ${id}`);
  }

  list(): readonly BacktestRunView[] {
    return this.runs.list().map((r) => runView(r, false));
  }

  chart(id: string, tradeIndex: number, padBars = 80): Result<BacktestChartView> {
    const run = this.runs.get(id);
    if (!run) return err(HostErrorCodes.notFound, `no backtest ${id}`);
    const out = run.output;
    if (run.status !== 'done' || !out) return err(HostErrorCodes.notFound, `backtest ${id} has no result yet`);
    const trade = out.trades[tradeIndex];
    if (!trade) return err(HostErrorCodes.notFound, `backtest ${id} has no trade #${tradeIndex + 1}`);
    const packed = run.bars;
    if (!packed) return err(HostErrorCodes.notSupported, 'this run kept no bars to chart (trade data, or a very large file)');
    const n = packed.length / BAR_STRIDE;
    const indexOf = (t: number): number => {
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((packed[mid * BAR_STRIDE] as number) < t) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    const entry = Math.min(indexOf(trade.entryTime), n - 1);
    const exit = trade.exitTime === null ? n - 1 : Math.min(indexOf(trade.exitTime), n - 1);
    const from = Math.max(0, entry - padBars);
    const to = Math.min(n, Math.max(exit, entry) + padBars + 1, from + 4000);
    const timeframe = formatTimeframe(out.timeframeMs);
    const bars: BarView[] = [];
    for (let i = from; i < to; i++) {
      const o = i * BAR_STRIDE;
      bars.push({
        instrumentId: out.instrument.id,
        timeframe,
        time: packed[o] as number,
        open: packed[o + 1] as number,
        high: packed[o + 2] as number,
        low: packed[o + 3] as number,
        close: packed[o + 4] as number,
        volume: packed[o + 5] as number,
        indicators: {},
      });
    }
    const first = bars[0]?.time ?? 0;
    const last = bars.at(-1)?.time ?? 0;
    const inside = (t: number | null): boolean => t !== null && t >= first && t <= last + out.timeframeMs;
    const trades = out.trades.flatMap((t, index) => (inside(t.entryTime) || inside(t.exitTime) ? [{ ...t, index }] : []));
    return ok({
      runId: id,
      instrumentId: out.instrument.id,
      symbol: out.instrument.symbol,
      timeframe,
      pricePrecision: out.instrument.pricePrecision,
      moneyPrecision: moneyDecimals(out.stats.initialCapital),
      bars,
      trades,
      focus: { index: tradeIndex, from: trade.entryTime, to: trade.exitTime ?? last },
    });
  }

  dispose(): void {
    this.stopSaving();
    this.runs.dispose();
  }
}

/** Failed orders a report view lists (the JSON and HTML reports keep up to 1000). */
export const PANEL_ORDER_ISSUES = 50;

export function runView(run: RunRecord, withReport: boolean): BacktestRunView {
  return {
    id: run.id,
    label: run.label,
    status: run.status,
    progress: run.progress,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    error: run.error,
    report: withReport && run.output ? reportView(run) : null,
  };
}

function reportView(run: RunRecord): BacktestReportView | null {
  const out = run.output;
  if (!out) return null;
  return {
    instrumentId: out.instrument.id,
    symbol: out.instrument.symbol,
    timeframe: formatTimeframe(out.timeframeMs),
    pricePrecision: out.instrument.pricePrecision,
    strategy: out.strategy.split(/[\\/]/).at(-1) ?? out.strategy,
    params: out.params,
    stats: out.stats,
    trades: out.trades,
    tradesTotal: out.tradesTotal,
    equity: out.equity,
    drawdown: out.drawdown,
    events: out.events,
    orders: out.orders,
    fills: out.fills,
    denials: out.denials,
    firstDenial: out.firstDenial,
    elapsedMs: out.elapsedMs,
    chartable: run.bars !== null,
    notes: out.notes,
    // The panel lists the first ones; the counts and the warning cover them all.
    orderIssues: { ...out.orderIssues, list: out.orderIssues.list.slice(0, PANEL_ORDER_ISSUES) },
    benchmark: out.benchmark,
    monthlyReturns: out.monthlyReturns,
    prices: out.prices,
    indicators: out.indicators,
  };
}
