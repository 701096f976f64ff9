/**
 * Price paths and crossing rules shared by the simulated venue's fill models.
 *
 * Intrabar path (bar fill model): a bar is walked as four points —
 *   close ≥ open: open → low → high → close      (it dipped first, then rallied)
 *   close < open: open → high → low → close      (it spiked first, then fell)
 * and the price moves continuously between points. A stop triggers where the path first reaches
 * its trigger; a resting limit fills where the path first trades THROUGH its price (strictly
 * below a buy limit, strictly above a sell limit) — touching is not enough, since a touch gives
 * no evidence that resting size at that price was reached. Gaps fill at the bar's open.
 */
import type { Bar } from '../../../shared/messages/market-data';

export type Path = readonly [number, number, number, number];

export function barPath(bar: Bar): Path {
  return bar.close >= bar.open ? [bar.open, bar.low, bar.high, bar.close] : [bar.open, bar.high, bar.low, bar.close];
}

/** A position along a path: between point `segment` and `segment + 1`, at `price`. */
export interface PathPoint {
  readonly segment: number;
  readonly price: number;
}

/**
 * First point at or after `from` where the path reaches `level` going `up` (price ≥ level) or
 * down (price ≤ level). With `strict`, the path must go beyond the level (trade-through) and the
 * result's price is still the level. Returns null when the path never gets there.
 */
export function firstReach(path: Path, from: PathPoint, level: number, up: boolean, strict: boolean): PathPoint | null {
  const beyond = (p: number): boolean => (up ? (strict ? p > level : p >= level) : strict ? p < level : p <= level);
  if (beyond(from.price)) return from;
  for (let i = from.segment; i < path.length - 1; i++) {
    const next = path[i + 1] as number;
    if (beyond(next)) return { segment: i, price: level };
  }
  return null;
}

export const PATH_START = (path: Path): PathPoint => ({ segment: 0, price: path[0] });
