/**
 * One chart series the host serves: an instrument at the replay's own timeframe, or a coarser
 * timeframe built on the host side by resampling the released bars (engine/data/resample.ts).
 * Keeps the closed bars, the forming one, and engine indicators computed on closed bars only:
 * a forming coarse bar is drawn by the chart but carries no indicator values (and alerts are
 * checked on the replay's own, always closed, bars).
 */
import type { Bar } from '../../shared/messages/market-data';
import { formatTimeframe } from '../../shared/messages/market-data';
import type { BarView } from '../../shared/ipc/views';
import { BarAggregator, canResample } from '../engine/data/resample';
import type { IndicatorHandle } from '../engine/indicators';
import { createIndicator } from '../engine/indicators';
import { barView } from './projection';

interface IndicatorSeries {
  readonly handle: IndicatorHandle;
  /** One key per output: the spec for the first, `spec#output` for the others (`macd:12:26:9#signal`). */
  readonly keys: readonly string[];
  /** Per output, aligned with the closed bars. */
  readonly values: (number | null)[][];
}

/** The keys a bar view carries for `spec`'s outputs: the spec itself for the first, `spec#name` for the rest. */
export function outputKeys(spec: string, columns: readonly string[]): string[] {
  return columns.map((c, i) => (i === 0 ? spec : `${spec}#${c.slice(c.lastIndexOf('.') + 1)}`));
}

/** The timeframes a replay at `baseMs` offers: its own and the coarser `candidates` that can be built from it. */
export function offeredTimeframes(baseMs: number, candidates: readonly number[]): string[] {
  const coarser = candidates.filter((ms) => ms > baseMs && canResample(baseMs, ms));
  return [baseMs, ...[...new Set(coarser)].sort((a, b) => a - b)].map(formatTimeframe);
}

export class ChartSeries {
  private readonly closed: Bar[] = [];
  private formingBar: Bar | null = null;
  private readonly indicators = new Map<string, IndicatorSeries>();
  private readonly aggregator: BarAggregator | null;
  readonly timeframe: string;

  constructor(
    readonly instrumentId: string,
    readonly timeframeMs: number,
    baseTimeframeMs: number,
    history: readonly Bar[] = [],
  ) {
    this.timeframe = formatTimeframe(timeframeMs);
    this.aggregator = timeframeMs === baseTimeframeMs ? null : new BarAggregator(timeframeMs, baseTimeframeMs);
    for (const b of history) this.push(b);
  }

  get forming(): Bar | null {
    return this.formingBar;
  }

  /** Closed bars so far (oldest first). */
  get closedBars(): readonly Bar[] {
    return this.closed;
  }

  get specs(): string[] {
    return [...this.indicators.keys()];
  }

  /** Computes `spec` over the closed bars (once) and keeps it updated; throws on an unknown spec. */
  ensureIndicator(spec: string): void {
    if (this.indicators.has(spec)) return;
    const handle = createIndicator(spec);
    const keys = outputKeys(spec, handle.columns);
    const values: (number | null)[][] = keys.map(() => []);
    for (const bar of this.closed) {
      handle.update(bar);
      const row = handle.values();
      values.forEach((v, k) => v.push(row[k] ?? null));
    }
    this.indicators.set(spec, { handle, keys, values });
  }

  /** Feeds one released base bar; returns the views of the bars that changed (to stream), oldest first. */
  push(base: Bar): BarView[] {
    const updates = this.aggregator ? this.aggregator.push(base) : [{ bar: base, closed: true }];
    const views: BarView[] = [];
    for (const u of updates) {
      if (!u.closed) {
        this.formingBar = u.bar;
        views.push(this.view(u.bar, null));
        continue;
      }
      if (this.formingBar?.openTime === u.bar.openTime) this.formingBar = null;
      this.closed.push(u.bar);
      const values: Record<string, number | null> = {};
      for (const s of this.indicators.values()) {
        s.handle.update(u.bar);
        const row = s.handle.values();
        s.keys.forEach((key, k) => {
          const v = row[k] ?? null;
          s.values[k]?.push(v);
          values[key] = v;
        });
      }
      views.push(this.view(u.bar, values));
    }
    return views;
  }

  /**
   * The last `limit` bars opening before `before` (closed bars, then the forming one), with the
   * values of `specs` (each computed first if needed; throws on an unknown spec).
   */
  page(before: number, limit: number, specs: readonly string[]): { bars: BarView[]; hasMore: boolean } {
    for (const s of specs) this.ensureIndicator(s);
    let lo = 0;
    let hi = this.closed.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.closed[mid] as Bar).openTime < before) lo = mid + 1;
      else hi = mid;
    }
    const withForming = this.formingBar !== null && this.formingBar.openTime < before;
    const end = lo + (withForming ? 1 : 0);
    const start = Math.max(0, end - limit);
    const bars: BarView[] = [];
    for (let i = start; i < end; i++) {
      if (i === this.closed.length) {
        bars.push(this.view(this.formingBar as Bar, null, specs));
        continue;
      }
      const values: Record<string, number | null> = {};
      for (const spec of specs) {
        const s = this.indicators.get(spec);
        s?.keys.forEach((key, k) => (values[key] = s.values[k]?.[i] ?? null));
      }
      bars.push(this.view(this.closed[i] as Bar, values));
    }
    return { bars, hasMore: start > 0 };
  }

  private view(bar: Bar, values: Record<string, number | null> | null, specs: readonly string[] = this.specs): BarView {
    if (values) return barView(bar, this.timeframe, values);
    const empty: Record<string, number | null> = {};
    for (const spec of specs) for (const key of this.indicators.get(spec)?.keys ?? [spec]) empty[key] = null;
    return { ...barView(bar, this.timeframe, empty), closed: false };
  }
}
