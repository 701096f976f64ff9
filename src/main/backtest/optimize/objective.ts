/** Objectives a parameter search ranks by: higher is better for every one of them. */
import type { ReportStats } from '../report';

export const OBJECTIVES = ['total-return', 'sharpe', 'sortino', 'calmar', 'profit-factor'] as const;
export type Objective = (typeof OBJECTIVES)[number];

export function isObjective(s: string): s is Objective {
  return (OBJECTIVES as readonly string[]).includes(s);
}

/**
 * The objective's value, or null when the statistic is undefined for this set (no trades, zero
 * volatility, no losing trade…): such sets rank after every set with a value.
 * Calmar is CAGR / max drawdown (null without a drawdown).
 */
export function objectiveValue(stats: ReportStats, objective: Objective): number | null {
  switch (objective) {
    case 'total-return':
      return stats.totalReturn;
    case 'sharpe':
      return stats.sharpe;
    case 'sortino':
      return stats.sortino;
    case 'calmar':
      return stats.cagr === null || !(stats.maxDrawdown > 0) ? null : stats.cagr / stats.maxDrawdown;
    case 'profit-factor':
      return stats.profitFactor;
  }
}

/** Sorts best first; ties and undefined values keep the grid order (stable sort). */
export function rankBy<T extends { readonly stats: ReportStats }>(items: readonly T[], objective: Objective): T[] {
  const key = (t: T): number => {
    const v = objectiveValue(t.stats, objective);
    return v === null || Number.isNaN(v) ? -Infinity : v;
  };
  return [...items].sort((a, b) => key(b) - key(a) || 0);
}
