/**
 * `libra optimize`: every parameter set of a grid run through the event-driven engine across
 * worker threads (one progress bar), the top sets printed, JSON and an HTML heatmap written;
 * `--walk-forward N` and `--monte-carlo RUNS` in the same run. Each set's numbers are those of a
 * `libra backtest` with the same parameters, data and costs.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { formatTimeframe } from '../../../shared/messages/market-data';
import type { BacktestFeed, GridAxis, Kernel, Objective, OptimizeOutcome } from '../../kernel';
import { bool, list, num, parseFlags, parseParams, str, usage, UsageError } from '../args';
import type { FlagSpec, ParsedFlags } from '../args';
import { BACKTEST_FLAGS, costsOf, openBacktestSource } from './backtest';

const pick = (names: readonly string[]): Record<string, FlagSpec> => Object.fromEntries(names.map((n) => [n, BACKTEST_FLAGS[n] as FlagSpec]));

/** The data and cost flags of `libra backtest`, shared by optimize and check-lookahead. */
export const SOURCE_FLAGS: Readonly<Record<string, FlagSpec>> = pick(['data', 'symbol', 'quote', 'venue', 'timeframe', 'trades', 'from', 'to', 'strategy', 'param', 'capital', 'fee-bps', 'maker-fee-bps', 'slippage-bps', 'latency-ms', 'tick-size', 'lot-size', 'min-notional', 'store', 'questdb-url', 'data-dir']);

export const OPTIMIZE_FLAGS: Readonly<Record<string, FlagSpec>> = {
  ...SOURCE_FLAGS,
  grid: { type: 'string', repeat: true, description: 'a parameter range name=start:stop:step (inclusive) or name=v1,v2,…' },
  objective: { type: 'string', description: 'total-return | sharpe | sortino | calmar | profit-factor (default sharpe)' },
  workers: { type: 'number', description: 'worker threads (default: the CPU count)' },
  'walk-forward': { type: 'number', description: 'walk-forward folds: optimise on each window, test the best on the next' },
  'monte-carlo': { type: 'number', description: 'Monte Carlo runs shuffling the best set\'s trade order (drawdown distribution)' },
  seed: { type: 'number', description: 'Monte Carlo seed (default 1)' },
  top: { type: 'number', description: 'sets printed (default 10)' },
  json: { type: 'string', description: 'write { "results": [{ "params", "stats" }] } (best first) here' },
  html: { type: 'string', description: 'write the HTML page (heatmap of the objective) here' },
  quiet: { type: 'boolean', description: 'no progress bar or table' },
  help: { type: 'boolean', description: 'show this help' },
};

export interface CommandIo {
  readonly out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly err: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly cwd: string;
}

const STD_IO: CommandIo = { out: process.stdout, err: process.stderr, cwd: process.cwd() };

function positiveInt(flags: ParsedFlags, name: string): number | undefined {
  const v = num(flags, name);
  if (v !== undefined && !(Number.isInteger(v) && v >= 1)) throw new UsageError(`--${name} must be a whole number ≥ 1, got ${v}`);
  return v;
}

/** The bars or trades of --data FILE, or of the store (--symbol S with --timeframe TF or --trades), as `libra backtest` reads them. */
export function openSource(flags: ParsedFlags, kernel: Kernel, io: CommandIo): Promise<BacktestFeed> {
  return openBacktestSource(flags, kernel, io.cwd, { book: false });
}

function parseAxes(kernel: Kernel, texts: readonly string[]): GridAxis[] {
  try {
    return texts.map((t) => kernel.optimization.parseGridAxis(t));
  } catch (error) {
    if (error instanceof Error && error.name === 'GridError') throw new UsageError(error.message);
    throw error;
  }
}

export async function optimizeCommand(argv: readonly string[], kernel: Kernel, io: CommandIo = STD_IO): Promise<OptimizeOutcome | undefined> {
  const flags = parseFlags(argv, OPTIMIZE_FLAGS, 'optimize');
  if (bool(flags, 'help')) {
    io.out.write(`${usage('optimize', 'search strategy parameters over a grid (walk-forward, Monte Carlo)', OPTIMIZE_FLAGS)}\n`);
    return undefined;
  }
  const strategy = str(flags, 'strategy');
  if (!strategy) throw new UsageError('--strategy is required (e.g. --strategy sma-cross)');
  const gridTexts = list(flags, 'grid');
  if (gridTexts.length === 0) throw new UsageError('give at least one --grid name=start:stop:step (e.g. --grid fast=5:25:5)');
  const axes = parseAxes(kernel, gridTexts);
  const objectiveText = str(flags, 'objective') ?? 'sharpe';
  if (!kernel.optimization.isObjective(objectiveText)) throw new UsageError(`--objective must be one of ${kernel.optimization.OBJECTIVES.join(', ')}, got "${objectiveText}"`);
  const objective: Objective = objectiveText;
  const workers = positiveInt(flags, 'workers') ?? availableParallelism();
  const folds = positiveInt(flags, 'walk-forward');
  const mcRuns = positiveInt(flags, 'monte-carlo');
  const seed = num(flags, 'seed') ?? 1;
  if (!Number.isInteger(seed)) throw new UsageError(`--seed must be a whole number, got ${seed}`);
  if (flags.seed !== undefined && mcRuns === undefined) throw new UsageError('--seed is for --monte-carlo RUNS: give both');
  const top = positiveInt(flags, 'top') ?? 10;
  const costs = costsOf(flags, kernel);
  const fixed = parseParams(list(flags, 'param'), 'optimize');
  const quiet = bool(flags, 'quiet');
  // Grid errors (a --param also gridded, too many sets) before any data is read.
  try {
    kernel.optimization.expandGrid(axes, fixed);
  } catch (error) {
    if (error instanceof Error && error.name === 'GridError') throw new UsageError(error.message);
    throw error;
  }

  const source = await openSource(flags, kernel, io);
  if (!quiet) for (const n of source.notes) io.err.write(`note: ${n}\n`);
  let bar: ReturnType<Kernel['reports']['createProgressBar']> | undefined;
  const outcome = await kernel.optimization.optimizeFeed(source, {
    strategy,
    cwd: io.cwd,
    axes,
    fixed,
    objective,
    workers,
    costs,
    ...(folds ? { walkForward: folds } : {}),
    ...(mcRuns ? { monteCarlo: { runs: mcRuns, seed } } : {}),
    onProgress: quiet
      ? undefined
      : (done, total) => {
          bar ??= kernel.reports.createProgressBar({ stream: io.err, total, label: 'optimize', unit: 'bar evaluations' });
          bar.update(done);
        },
  });
  bar?.finish();
  const subtitle = `${strategy} · ${source.instrument.symbol} ${formatTimeframe(source.timeframeMs)} · ${outcome.bars} bars · fees ${costs.takerFeeBps} bps · slippage ${costs.slippageBps} bps`;
  if (!quiet) {
    io.out.write(`Optimisation ${subtitle} · ${outcome.results.length} sets by ${objective}\n${kernel.optimization.formatOptimizeTable(outcome, top)}\n`);
    if (outcome.skipped.length > 0) io.out.write(`${outcome.skipped.length} set(s) refused by the strategy; first: ${outcome.skipped[0]?.reason}\n`);
    if (outcome.failed.length > 0) io.out.write(`${outcome.failed.length} run(s) failed; first: ${JSON.stringify(outcome.failed[0]?.params)} ${outcome.failed[0]?.reason}\n`);
    const rate = outcome.barEvaluations / Math.max(outcome.elapsedMs, 1e-3) * 1000;
    io.out.write(`${outcome.barEvaluations.toLocaleString('en-US')} bar evaluations in ${(outcome.elapsedMs / 1000).toFixed(1)} s on ${outcome.workers} worker(s) (${Math.round(rate).toLocaleString('en-US')}/s)\n`);
  }
  const jsonOut = str(flags, 'json');
  if (jsonOut) writeFileSync(resolve(io.cwd, jsonOut), kernel.optimization.optimizeJson(outcome));
  const htmlOut = str(flags, 'html');
  if (htmlOut) writeFileSync(resolve(io.cwd, htmlOut), kernel.optimization.renderOptimizeHtml(outcome, { title: `LIBRA optimisation — ${source.instrument.symbol}`, subtitle }));
  return outcome;
}

/** Entry of the command table (src/main/cli/main.ts). */
export async function run(argv: string[], kernel: Kernel): Promise<void> {
  await optimizeCommand(argv, kernel);
}
