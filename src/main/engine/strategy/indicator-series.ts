/**
 * The host's own indicator series (`ctx.indicator`): a library indicator made from its spec,
 * registered like any listener (updated with every bar of its instrument before onBar), read
 * through the IndicatorSeries view. The optimizer substitutes a shared precomputed series with
 * the same numbers (backtest/optimize/indicator-cache.ts).
 */
import { createIndicator } from '../indicators/registry';
import type { IndicatorHandle } from '../indicators/registry';
import type { Indicator, IndicatorInput } from '../indicators/types';
import type { BarListener, IndicatorSeries } from './strategy';

/** Column base name of a handle (`sma_20`; `macd_12_26_9` for `macd_12_26_9.macd`…). */
export function seriesName(h: IndicatorHandle): string {
  const c = h.columns[0] ?? h.name;
  const dot = c.indexOf('.');
  return dot < 0 ? c : c.slice(0, dot);
}

export class LiveIndicatorSeries implements IndicatorSeries, BarListener {
  readonly name: string;
  readonly spec: string;
  private readonly h: IndicatorHandle;
  private readonly ind: Indicator;
  /**
   * `current` and `ready` as of the last update (the indicator is this series' own and changes
   * only there): read several times a bar (the strategy, the report's indicator line) as one
   * field, not a chain of calls through the handle. Initialised at the declaration so the field
   * holds a number from the start (V8 then updates it in place, with no allocation per bar).
   */
  private cur = NaN;
  private isReady = false;

  constructor(spec: string) {
    this.h = createIndicator(spec);
    this.spec = this.h.spec;
    this.name = seriesName(this.h);
    this.ind = this.h.indicator;
    this.cur = this.h.column(0);
    this.isReady = this.ind.ready;
  }

  update(bar: IndicatorInput): void {
    this.ind.update(bar);
    this.cur = this.h.column(0);
    this.isReady = this.ind.ready;
  }
  get ready(): boolean {
    return this.isReady;
  }
  get current(): number {
    return this.cur;
  }
  output(column: number): number {
    return this.h.column(column);
  }
}
