/**
 * The equity marks kept in the data folder (`<data-dir>/equity-marks.json`): the drawdown peak
 * and the UTC day's start equity of a live session, so a restart measures a drawdown from the
 * peak before it (see engine/risk/equity-marks.ts).
 *
 * Written atomically (temporary file, fsync, rename). A file that cannot be read or does not
 * match the schema is ignored — the marks start again from the equity at start, as with no file
 * — and `problem` says why, naming the file, never echoing its contents. It does not fail closed
 * like the halt latch: a tripped limit is latched there, so a lost mark never lifts a halt.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './atomic-file';
import type { EquityMarks, EquityMarksStore } from '../engine/risk/equity-marks';

export const EQUITY_MARKS_FILE = 'equity-marks.json';

const MarksSchema = z
  .object({
    peak: z.number().finite(),
    dayStart: z.number().finite(),
    day: z.number().int().nonnegative(),
    /** When they were written (ms since the epoch); informative only. */
    ts: z.number().finite().optional(),
  })
  .refine((m) => m.peak >= m.dayStart, { message: "the peak cannot be below the day's start", path: ['peak'] });

export function equityMarksPath(dataDir: string): string {
  return join(dataDir, EQUITY_MARKS_FILE);
}

export class EquityMarksFile implements EquityMarksStore {
  /** Why the last `load` ignored the file, if it did. */
  problem: string | undefined;

  constructor(
    readonly path: string,
    private readonly now: () => number = Date.now,
  ) {}

  load(): EquityMarks | undefined {
    this.problem = undefined;
    if (!existsSync(this.path)) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.path, 'utf8'));
    } catch {
      this.problem = `${this.path} is not valid JSON: ignored`;
      return undefined;
    }
    const r = MarksSchema.safeParse(parsed);
    if (!r.success) {
      const issue = r.error.issues[0];
      this.problem = `${this.path}: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}: ignored`;
      return undefined;
    }
    return { peak: r.data.peak, dayStart: r.data.dayStart, day: r.data.day };
  }

  save(marks: EquityMarks | undefined): void {
    if (marks === undefined) {
      rmSync(this.path, { force: true });
      return;
    }
    writeFileAtomic(this.path, `${JSON.stringify({ peak: marks.peak, dayStart: marks.dayStart, day: marks.day, ts: this.now() })}\n`);
  }
}
