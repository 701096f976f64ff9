/**
 * `libra check-lookahead`: runs a strategy on the data and on the data cut after many bars, and
 * reports every decision (order submitted or cancelled) that changes when the future bars are
 * removed — with the bar time and both decisions. Exit code 1 when any is found, 0 when clean.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Kernel, LookaheadReport } from '../../kernel';
import { bool, list, num, parseFlags, parseParams, str, usage, UsageError } from '../args';
import type { FlagSpec } from '../args';
import { costsOf } from './backtest';
import { openSource, SOURCE_FLAGS } from './optimize';
import type { CommandIo } from './optimize';

export const LOOKAHEAD_FLAGS: Readonly<Record<string, FlagSpec>> = {
  ...SOURCE_FLAGS,
  points: { type: 'number', description: 'cuts to try (default 50): after decision bars and evenly spaced bars' },
  json: { type: 'string', description: 'write the findings as JSON here' },
  quiet: { type: 'boolean', description: 'no progress bar or table' },
  help: { type: 'boolean', description: 'show this help' },
};

function fmtTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

export function formatLookahead(r: LookaheadReport): string {
  const head = `${r.strategy}: ${r.decisions} decisions over ${r.bars} bars, ${r.cuts} cuts`;
  if (r.clean) return `${head}: clean — no decision changed when future bars were removed`;
  const rows = r.findings.map((f) => [fmtTime(f.time), fmtTime(f.cutAt), f.full ?? '(none)', f.cut ?? '(none)']);
  const h = ['decision time', 'data cut after', 'with all data', 'with data cut'];
  const w = h.map((x, c) => Math.max(x.length, ...rows.map((row) => (row[c] as string).length)));
  const line = (cells: readonly string[]): string => cells.map((s, c) => s.padEnd(w[c] as number)).join('  ');
  return [`${head}: LOOK-AHEAD — ${r.findings.length} decision(s) change when future bars are removed`, line(h), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)].join('\n');
}

export async function checkLookaheadCommand(argv: readonly string[], kernel: Kernel, io: CommandIo): Promise<LookaheadReport | undefined> {
  const flags = parseFlags(argv, LOOKAHEAD_FLAGS, 'check-lookahead');
  if (bool(flags, 'help')) {
    io.out.write(`${usage('check-lookahead', 'find decisions that change when future bars are removed', LOOKAHEAD_FLAGS)}\n`);
    return undefined;
  }
  const strategy = str(flags, 'strategy');
  if (!strategy) throw new UsageError('--strategy is required (e.g. --strategy sma-cross)');
  const points = num(flags, 'points') ?? 50;
  if (!(Number.isInteger(points) && points >= 1)) throw new UsageError(`--points must be a whole number ≥ 1, got ${points}`);
  const costs = costsOf(flags, kernel);
  const params = parseParams(list(flags, 'param'), 'check-lookahead');
  // Parameters are checked before the data is read.
  await kernel.loadStrategy(strategy, params, io.cwd);
  const source = await openSource(flags, kernel, io);
  const quiet = bool(flags, 'quiet');
  const dataFile = str(flags, 'data');
  let bar: ReturnType<Kernel['reports']['createProgressBar']> | undefined;
  const report = await kernel.optimization.checkLookahead(source, {
    strategy,
    cwd: io.cwd,
    params,
    costs,
    points,
    ...(dataFile ? { dataPath: resolve(io.cwd, dataFile) } : {}),
    onProgress: quiet
      ? undefined
      : (done, total) => {
          bar ??= kernel.reports.createProgressBar({ stream: io.err, total, label: 'check-lookahead', unit: 'bars' });
          bar.update(done);
        },
  });
  bar?.finish();
  if (!quiet) io.out.write(`${formatLookahead(report)}\n`);
  const jsonOut = str(flags, 'json');
  if (jsonOut) writeFileSync(resolve(io.cwd, jsonOut), `${JSON.stringify(report, null, 1)}\n`);
  return report;
}

/** Entry of the command table (src/main/cli/main.ts): exit code 1 when look-ahead is found. */
export async function run(argv: string[], kernel: Kernel): Promise<number> {
  const report = await checkLookaheadCommand(argv, kernel, { out: process.stdout, err: process.stderr, cwd: process.cwd() });
  return report && !report.clean ? 1 : 0;
}
