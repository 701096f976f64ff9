/**
 * Finished backtests kept across restarts: one JSON file per run under
 * `<data-dir>/backtests/<id>.json` (the run view with its report), written atomically (temp file,
 * then rename) when a run finishes. Files are outside input when read back: each is size-capped
 * and parsed with a zod schema; a damaged one is listed as skipped, opened with a clear error,
 * and its contents are never echoed. Ids are `<startedAt>-<run id>` (run ids restart at BT-1 with
 * the process) and checked against a strict pattern, so no id names a path outside the folder.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Result } from '../../shared/ipc/result';
import { err, HostErrorCodes, ok } from '../../shared/ipc/result';
import type { BacktestRunView, SavedBacktestView } from '../../shared/ipc/views';

export const SAVED_FILE_VERSION = 1;
/** Larger files are refused unread (a report is a few hundred KB at most). */
export const MAX_SAVED_BYTES = 32 * 1024 * 1024;
const ID = /^\d{1,16}-BT-\d{1,9}$/;

export const SavedBacktestErrorCodes = { damaged: 'SAVED_BACKTEST_DAMAGED' } as const;

const num = z.number().finite();
const point = z.tuple([num, num]);
const StatsSchema = z
  .object({ startTime: num, endTime: num, initialCapital: num, finalEquity: num, totalReturn: num, maxDrawdown: num, trades: num, feesPaid: num })
  .catchall(num.nullable());
const ReportSchema = z.looseObject({
  instrumentId: z.string(),
  symbol: z.string(),
  timeframe: z.string(),
  pricePrecision: z.number().int().min(0).max(18),
  strategy: z.string(),
  params: z.record(z.string(), z.union([num, z.string(), z.boolean()])),
  stats: StatsSchema,
  trades: z.array(z.looseObject({ entryTime: num, exitTime: num.nullable(), side: z.enum(['LONG', 'SHORT']), quantity: num, entryPrice: num, exitPrice: num.nullable(), pnl: num, fees: num })),
  tradesTotal: num,
  equity: z.array(point),
  drawdown: z.array(point),
  events: num,
  orders: num,
  fills: num,
  denials: num,
  firstDenial: z.string().nullable(),
  elapsedMs: num,
  chartable: z.boolean(),
  notes: z.array(z.string()),
  orderIssues: z.looseObject({ orders: num, cancelled: num, rejected: num, denied: num, list: z.array(z.looseObject({ time: num, clientOrderId: z.string(), side: z.string(), status: z.string(), reason: z.string() })), warning: z.string().nullable() }),
  benchmark: z.looseObject({ name: z.string(), equity: z.array(point), finalEquity: num, totalReturn: num, cagr: num.nullable(), sharpe: num.nullable(), maxDrawdown: num }).nullable(),
  monthlyReturns: z.array(z.object({ month: z.string(), return: num })),
});
const FileSchema = z.object({
  version: z.literal(SAVED_FILE_VERSION),
  run: z.object({
    id: z.string().regex(ID),
    label: z.string().max(500),
    status: z.literal('done'),
    progress: z.unknown(),
    startedAt: num,
    finishedAt: num,
    error: z.null(),
    report: ReportSchema,
  }),
});

export class SavedBacktests {
  constructor(readonly dir: string) {}

  static idOf(run: { readonly id: string; readonly startedAt: number }): string {
    return `${Math.trunc(run.startedAt)}-${run.id}`;
  }

  /** Keeps a finished run (with its report); its bars stay behind, so the reopened report is not chartable. */
  save(run: BacktestRunView): string | null {
    if (run.status !== 'done' || !run.report || run.finishedAt === null) return null;
    const id = SavedBacktests.idOf(run);
    const view: BacktestRunView = { ...run, id, report: { ...run.report, chartable: false } };
    mkdirSync(this.dir, { recursive: true });
    const file = join(this.dir, `${id}.json`);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: SAVED_FILE_VERSION, run: view }));
    renameSync(tmp, file);
    return id;
  }

  /** Newest first, without reports; damaged files are counted in `skipped`, never thrown. */
  list(): { saved: SavedBacktestView[]; skipped: number } {
    let names: string[];
    try {
      names = readdirSync(this.dir).filter((n) => n.endsWith('.json') && ID.test(n.slice(0, -5)));
    } catch {
      return { saved: [], skipped: 0 };
    }
    const saved: SavedBacktestView[] = [];
    let skipped = 0;
    for (const n of names) {
      const r = this.read(n.slice(0, -5));
      if (!r.ok) {
        skipped++;
        continue;
      }
      const { id, label, startedAt, finishedAt, report } = r.value;
      if (!report || finishedAt === null) continue;
      saved.push({ id, label, startedAt, finishedAt, symbol: report.symbol, timeframe: report.timeframe, strategy: report.strategy, trades: report.tradesTotal, totalReturn: report.stats.totalReturn });
    }
    saved.sort((a, b) => b.finishedAt - a.finishedAt);
    return { saved, skipped };
  }

  read(id: string): Result<BacktestRunView> {
    if (!ID.test(id)) return err(HostErrorCodes.notFound, `no saved backtest ${id}`);
    const file = join(this.dir, `${id}.json`);
    let text: string;
    try {
      if (statSync(file).size > MAX_SAVED_BYTES) return err(SavedBacktestErrorCodes.damaged, `saved backtest ${id} is larger than ${MAX_SAVED_BYTES} bytes: not read`);
      text = readFileSync(file, 'utf8');
    } catch {
      return err(HostErrorCodes.notFound, `no saved backtest ${id}`);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return err(SavedBacktestErrorCodes.damaged, `saved backtest ${id} is not valid JSON (delete it, or run the backtest again)`);
    }
    const parsed = FileSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return err(SavedBacktestErrorCodes.damaged, `saved backtest ${id} is damaged (${issue ? `${issue.path.join('.') || 'file'}: ${issue.code}` : 'bad shape'}); delete it, or run the backtest again`);
    }
    if (parsed.data.run.id !== id) return err(SavedBacktestErrorCodes.damaged, `saved backtest ${id} holds another run's id`);
    return ok(parsed.data.run as unknown as BacktestRunView);
  }

  remove(id: string): Result<{ id: string }> {
    if (!ID.test(id)) return err(HostErrorCodes.notFound, `no saved backtest ${id}`);
    const file = join(this.dir, `${id}.json`);
    try {
      statSync(file);
    } catch {
      return err(HostErrorCodes.notFound, `no saved backtest ${id}`);
    }
    rmSync(file, { force: true });
    return ok({ id });
  }
}
