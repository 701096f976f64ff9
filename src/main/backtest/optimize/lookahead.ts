/**
 * The look-ahead detector: runs a strategy over the whole series, recording every decision
 * (each order it submits or cancels, with the simulated time), then again over the series cut
 * after each of many bars, and reports every decision at or before the cut that differs — a
 * decision that changes when the future is removed was made with the future.
 *
 * Cuts: right after every bar at which the full run decided something (did that decision need a
 * later bar?), plus evenly spaced bars (did a decision appear that the full run never took?), up
 * to `points` in all. The engine itself hands a strategy no future bar (replay stamps a bar with
 * its close), so what this catches is a strategy getting the future around the engine: reading
 * the data file itself (a centred indicator, a "warm-up" that reads ahead, a signals file
 * computed over the whole history). A strategy parameter whose value is the data file's path is
 * pointed at a copy of the file cut at the same bar, so that leak is cut too.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadStrategyClass } from '../../config/strategy-loader';
import type { BacktestFeed } from '../file-backtest';
import { collectSeries, evaluateSet } from './evaluate';
import type { CostSettings, Decision, SeriesData } from './evaluate';
import type { ParamSet } from './grid';
import { OptimizeInputError } from './optimize';

export interface LookaheadRequest {
  readonly strategy: string;
  readonly cwd: string;
  readonly params: ParamSet;
  readonly costs: CostSettings;
  /** Cuts to try (default 50). */
  readonly points?: number;
  /** The data file, when the source is one (parameters naming it are cut with the data). */
  readonly dataPath?: string;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface LookaheadFinding {
  /** Close time of the last bar the cut run saw. */
  readonly cutAt: number;
  /** When the differing decision was taken. */
  readonly time: number;
  /** The decision with the whole series (null: none at that point). */
  readonly full: string | null;
  /** The decision with the series cut (null: none at that point). */
  readonly cut: string | null;
}

export interface LookaheadReport {
  readonly strategy: string;
  readonly bars: number;
  readonly decisions: number;
  readonly cuts: number;
  readonly findings: readonly LookaheadFinding[];
  readonly clean: boolean;
  readonly elapsedMs: number;
}

/** Bar indices to cut after: decision bars first, then evenly spaced ones, sorted, at most `points`. */
export function chooseCuts(barTimes: readonly number[], decisionTimes: readonly number[], points: number): number[] {
  const n = barTimes.length;
  const chosen = new Set<number>();
  const atDecisions: number[] = [];
  let j = 0;
  for (const t of [...new Set(decisionTimes)].sort((a, b) => a - b)) {
    while (j + 1 < n && (barTimes[j + 1] as number) <= t) j++;
    atDecisions.push(j);
  }
  // Half the budget for decision bars (spread evenly over them), the rest evenly over the series.
  const budget = Math.max(1, Math.floor(points / 2));
  const stepD = Math.max(1, atDecisions.length / budget);
  for (let k = 0; k < atDecisions.length && chosen.size < budget; k += stepD) chosen.add(atDecisions[Math.floor(k)] as number);
  const rest = Math.max(1, points - chosen.size);
  for (let k = 1; k <= rest && chosen.size < points; k++) chosen.add(Math.min(n - 2, Math.floor((k * (n - 1)) / (rest + 1))));
  return [...chosen].filter((i) => i >= 0 && i < n - 1).sort((a, b) => a - b);
}

function csvOf(data: SeriesData, count: number): string {
  const lines = ['time,open,high,low,close,volume'];
  for (let i = 0; i < count; i++) {
    const b = data.bars[i];
    if (b) lines.push(`${b.openTime},${b.open},${b.high},${b.low},${b.close},${b.volume}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function checkLookahead(source: BacktestFeed, req: LookaheadRequest, now: () => number = () => performance.now()): Promise<LookaheadReport> {
  const started = now();
  if (source.feed.kind !== 'bar' && source.feed.kind !== 'trade') throw new OptimizeInputError(`check-lookahead needs bars or trades: this data holds ${source.feed.kind === 'book' ? 'an order book' : 'quotes'}`);
  const { name, cls } = await loadStrategyClass(req.strategy, req.cwd);
  // Of a trades file: the bars built from its trades, cut with the trades they hold.
  const data = await collectSeries(source);
  if (!data) throw new OptimizeInputError('check-lookahead needs bars or trades: this trade feed has no bars built from it');
  const bars = data.bars;
  if (bars.length < 3) throw new OptimizeInputError(`the data holds ${bars.length} bar(s): too few to cut`);
  const leakParams = req.dataPath ? Object.keys(req.params).filter((k) => resolve(req.cwd, req.params[k] as string) === resolve(req.dataPath as string)) : [];

  const run = async (count: number, params: ParamSet): Promise<Decision[]> => {
    const out: Decision[] = [];
    await evaluateSet(data, cls, params, req.costs, { to: count, onDecision: (d) => out.push(d) });
    return out;
  };
  const full = await run(bars.length, req.params);
  const cuts = chooseCuts(bars.map((b) => b.ts), full.map((d) => d.ts), req.points ?? 50);
  const total = bars.length + cuts.reduce((s, k) => s + k + 1, 0);
  let done = bars.length;
  req.onProgress?.(done, total);

  const findings: LookaheadFinding[] = [];
  const seen = new Set<string>();
  const dir = leakParams.length > 0 ? mkdtempSync(join(tmpdir(), 'libra-lookahead-')) : null;
  try {
    for (const k of cuts) {
      const cutAt = (bars[k] as (typeof bars)[number]).ts;
      let params = req.params;
      if (dir) {
        const file = join(dir, `cut-${k}.csv`);
        writeFileSync(file, csvOf(data, k + 1));
        params = { ...req.params, ...Object.fromEntries(leakParams.map((p) => [p, file])) };
      }
      const cut = await run(k + 1, params);
      done += k + 1;
      req.onProgress?.(done, total);
      const before = full.filter((d) => d.ts <= cutAt);
      const after = cut.filter((d) => d.ts <= cutAt);
      for (let i = 0; i < Math.max(before.length, after.length); i++) {
        const f = before[i];
        const c = after[i];
        if (f && c && f.ts === c.ts && f.action === c.action) continue;
        const finding = { cutAt, time: f && c ? Math.min(f.ts, c.ts) : (f ?? c)?.ts ?? cutAt, full: f && (!c || f.ts <= c.ts) ? f.action : null, cut: c && (!f || c.ts <= f.ts) ? c.action : null };
        const key = `${finding.time}|${finding.full}|${finding.cut}`;
        if (!seen.has(key)) {
          seen.add(key);
          findings.push(finding);
        }
        break; // after the first difference the runs have diverged: later ones follow from it
      }
    }
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
  findings.sort((a, b) => a.time - b.time);
  return { strategy: name, bars: bars.length, decisions: full.length, cuts: cuts.length, findings, clean: findings.length === 0, elapsedMs: now() - started };
}
