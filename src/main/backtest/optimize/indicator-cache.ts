/**
 * Indicator sharing between the optimizer's parameter sets. Every set of a sweep replays the
 * same bars, so an indicator with the same spec (`sma:20`) started at the same bar has the same
 * values in every set: the cache computes each distinct (spec, first bar) once — through the
 * library's streaming indicator, over the very bars the sets replay, so the numbers are the same
 * by construction — and hands each set a cursor over the stored columns. A set then only runs its
 * decisions, fills and statistics.
 *
 * It reaches strategies through the strategy API: `ctx.indicator(instrumentId, spec)` (the host
 * owns the computation). Indicators a strategy builds itself and `register`s are computed per set.
 */
import type { Bar } from '../../../shared/messages/market-data';
import { createIndicator } from '../../engine/indicators/registry';
import type { IndicatorHandle } from '../../engine/indicators/registry';
import { seriesName } from '../../engine/strategy/indicator-series';
import type { BarListener, IndicatorSeries, StrategyContext, StrategyHooks } from '../../engine/strategy/strategy';

/** One indicator's columns over bars[from…]: index 0 is the state before the first bar. */
interface Precomputed {
  readonly name: string;
  readonly spec: string;
  readonly columns: readonly Float64Array[];
  /** First index (same numbering) at which the indicator is ready; it stays ready. */
  readonly readyAt: number;
}

/** Numbers kept by default: 32 M (256 MB); the oldest series are dropped beyond it. */
const DEFAULT_MAX_CELLS = 32_000_000;

export class IndicatorCache {
  private readonly store = new Map<string, Precomputed>();
  private cells = 0;
  /** Series handed out from the store / computed (for the bench and tests). */
  hits = 0;
  misses = 0;

  constructor(
    readonly instrumentId: string,
    private readonly bars: readonly Bar[],
    private readonly maxCells = DEFAULT_MAX_CELLS,
  ) {}

  /** True when `bars` are the very bars this cache computes over. */
  serves(instrumentId: string, bars: readonly Bar[]): boolean {
    return instrumentId === this.instrumentId && bars === this.bars;
  }

  /** A fresh cursor (before the first bar) over `spec`'s series on bars[from…]. Throws on a bad spec. */
  series(spec: string, from: number): SharedIndicatorSeries {
    const h = createIndicator(spec);
    const key = `${h.spec}@${from}`;
    let p = this.store.get(key);
    if (p === undefined) {
      this.misses++;
      p = this.compute(h, from);
      this.store.set(key, p);
      this.cells += p.columns.length * (p.columns[0]?.length ?? 0);
      for (const [k, old] of this.store) {
        if (this.cells <= this.maxCells || old === p) break;
        this.store.delete(k);
        this.cells -= old.columns.length * (old.columns[0]?.length ?? 0);
      }
    } else this.hits++;
    return new SharedIndicatorSeries(p);
  }

  private compute(h: IndicatorHandle, from: number): Precomputed {
    const n = Math.max(0, this.bars.length - from);
    const width = h.columns.length;
    const columns = Array.from({ length: width }, () => new Float64Array(n + 1));
    let readyAt = n + 1;
    const record = (i: number): void => {
      for (let c = 0; c < width; c++) (columns[c] as Float64Array)[i] = h.column(c);
      if (readyAt > n && h.ready) readyAt = i;
    };
    record(0);
    for (let i = 0; i < n; i++) {
      h.update(this.bars[from + i] as Bar);
      record(i + 1);
    }
    return { name: seriesName(h), spec: h.spec, columns, readyAt };
  }
}

/** A set's view of a shared series: the host advances it one bar per bar of its instrument. */
export class SharedIndicatorSeries implements IndicatorSeries, BarListener {
  readonly name: string;
  readonly spec: string;
  private readonly first: Float64Array;
  private readonly columns: readonly Float64Array[];
  private readonly readyAt: number;
  private i = 0;

  constructor(p: Precomputed) {
    this.name = p.name;
    this.spec = p.spec;
    this.columns = p.columns;
    this.first = p.columns[0] as Float64Array;
    this.readyAt = p.readyAt;
  }

  update(): void {
    this.i++;
  }
  get ready(): boolean {
    return this.i >= this.readyAt;
  }
  get current(): number {
    return this.first[this.i] as number;
  }
  output(column: number): number {
    return this.columns[column]?.[this.i] ?? NaN;
  }
}

/**
 * The strategy, with the context it is given (attach, onStart) answering `indicator()` on the
 * cache's instrument from the cache (series starting at bar `from`); everything else, and other
 * instruments, go to the host's context unchanged.
 */
export function withSharedIndicators(hooks: StrategyHooks, cache: IndicatorCache, from: number): StrategyHooks {
  const h = hooks as StrategyHooks & { attach?: (c: StrategyContext) => void };
  let seen: StrategyContext | null = null;
  let shared: StrategyContext | null = null;
  const wrap = (c: StrategyContext): StrategyContext => {
    if (c !== seen || shared === null) {
      seen = c;
      // The host's context is a plain object of closures: a copy keeps every method working.
      shared = { ...c, indicator: (instrumentId, spec) => (instrumentId === cache.instrumentId ? c.register(instrumentId, cache.series(spec, from)) : c.indicator(instrumentId, spec)) };
    }
    return shared;
  };
  const attach = h.attach;
  const onStart = h.onStart;
  if (attach) h.attach = (c: StrategyContext) => attach.call(h, wrap(c));
  if (onStart) h.onStart = (c: StrategyContext) => onStart.call(h, wrap(c));
  return h;
}
