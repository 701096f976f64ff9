/**
 * The equity marks kept across restarts: what the drawdown and daily-loss limits measure from
 * (the peak equity, the UTC day's start equity), so a restart in the middle of a losing day
 * does not start the drawdown again from the equity at start.
 *
 * The engine keeps them (ExecutionEngine: restored when it is built, saved within a second of moving
 * — a new peak, a new day — and at once when a limit trips); a person resuming trading
 * rebases them to the equity then — resuming accepts the loss so far. Where they are stored is
 * an adapter's business (the run session: src/main/config/equity-marks-file.ts).
 */
import type { EquityMarks } from './risk-gate';

export type { EquityMarks };

export const DAY_MS = 86_400_000;

export interface EquityMarksStore {
  /** The marks saved before, or undefined (none, or unreadable: the store says why itself). */
  load(): EquityMarks | undefined;
  /** Persists the marks (undefined = forget them); must be durable when it returns. */
  save(marks: EquityMarks | undefined): void;
}

/** Marks that start measuring afresh at `equity` (a person resumed trading at time `now`). */
export function rebasedMarks(equity: number, now: number): EquityMarks {
  return { peak: equity, dayStart: equity, day: Math.floor(now / DAY_MS) };
}
