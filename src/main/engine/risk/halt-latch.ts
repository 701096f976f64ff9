/**
 * The latched halt: a kill switch (PANIC), an operator HALT or a limit that moved trading to
 * HALTED / REDUCING stays in force across restarts until a person lifts it.
 *
 * The engine keeps the latch (ExecutionEngine: `haltTrading`, `killSwitch`, `updateEquity`
 * latch; `resumeTrading` lifts); where it is stored is an adapter's business (the run session
 * stores it in the data folder, src/main/config/halt-latch-file.ts). Venue disconnects are not
 * latched: they hold trading HALTED only until the venue has reconciled.
 */
import type { TradingState } from './risk-gate';

export interface LatchedHalt {
  readonly state: Exclude<TradingState, 'ACTIVE'>;
  readonly reason: string;
  /** When it was latched (ms since the epoch). */
  readonly ts: number;
}

export interface HaltLatchStore {
  load(): LatchedHalt | undefined;
  /** Persists the latch (undefined = lifted); must be durable when it returns. */
  save(halt: LatchedHalt | undefined): void;
}

const SEVERITY: Readonly<Record<TradingState, number>> = { ACTIVE: 0, REDUCING: 1, HALTED: 2 };

/** The stricter of two trading states. */
export function stricter(a: TradingState, b: TradingState): TradingState {
  return SEVERITY[a] >= SEVERITY[b] ? a : b;
}
