/**
 * A small area chart of one `[time ms, value]` series (backtest equity, drawdown), optionally
 * with a dashed second line (buy-and-hold). Owns its
 * lightweight-charts instance: `setData` when the points change, `chart.remove()` on unmount,
 * ResizeObserver for size. Points must be in time order; equal seconds keep the last value.
 */
import { useEffect, useRef } from 'react';
import { AreaSeries, ColorType, createChart, LineSeries, LineStyle } from 'lightweight-charts';
import type { AreaData, UTCTimestamp } from 'lightweight-charts';

export interface SeriesChartProps {
  readonly points: readonly (readonly [number, number])[];
  readonly color: string;
  /** Values shown as percentages (×100). */
  readonly percent?: boolean;
  readonly height?: number;
  readonly testId: string;
  /** Fill under the line towards the top (drawdown hangs from 0). */
  readonly invert?: boolean;
  /** A second series on the same scale (the buy-and-hold benchmark), drawn as a dashed line. */
  readonly overlay?: { readonly points: readonly (readonly [number, number])[]; readonly color: string } | undefined;
}

export function toAreaData(points: readonly (readonly [number, number])[], scale = 1): AreaData<UTCTimestamp>[] {
  const out: AreaData<UTCTimestamp>[] = [];
  for (const [t, v] of points) {
    const time = Math.floor(t / 1000) as UTCTimestamp;
    const last = out.at(-1);
    if (last && last.time === time) last.value = v * scale;
    else if (!last || last.time < time) out.push({ time, value: v * scale });
  }
  return out;
}

export function SeriesChart({ points, color, percent = false, height = 160, testId, invert = false, overlay }: SeriesChartProps) {
  const el = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const container = el.current;
    if (!container) return;
    const chart = createChart(container, {
      width: container.clientWidth,
      height,
      layout: { background: { type: ColorType.Solid, color: '#0f1419' }, textColor: '#c9d1d9', attributionLogo: false },
      grid: { vertLines: { color: '#1c2430' }, horzLines: { color: '#1c2430' } },
      timeScale: { borderColor: '#2a3441', fixLeftEdge: true, fixRightEdge: true },
      rightPriceScale: { borderColor: '#2a3441' },
      handleScroll: false,
      handleScale: false,
    });
    const series = chart.addSeries(AreaSeries, {
      lineColor: color,
      lineWidth: 2,
      topColor: invert ? 'rgba(239,83,80,0.05)' : `${color}66`,
      bottomColor: invert ? `${color}66` : 'rgba(0,0,0,0)',
      invertFilledArea: invert,
      priceLineVisible: false,
      priceFormat: percent ? { type: 'custom', formatter: (v: number) => `${v.toFixed(1)}%`, minMove: 0.01 } : { type: 'price', precision: 0, minMove: 1 },
    });
    series.setData(toAreaData(points, percent ? 100 : 1));
    if (overlay) {
      const line = chart.addSeries(LineSeries, { color: overlay.color, lineWidth: 1, lineStyle: LineStyle.Dashed, priceLineVisible: false, lastValueVisible: false });
      line.setData(toAreaData(overlay.points, percent ? 100 : 1));
      container.dataset.overlayPoints = String(overlay.points.length);
    }
    chart.timeScale().fitContent();
    container.dataset.points = String(points.length);
    const ro = new ResizeObserver((entries) => {
      const r = entries[0]?.contentRect;
      if (r && r.width > 0) {
        chart.resize(Math.floor(r.width), height);
        chart.timeScale().fitContent();
      }
    });
    ro.observe(container);
    return () => {
      ro.disconnect();
      chart.remove();
    };
  }, [points, color, percent, height, invert, overlay]);

  return <div className="series-chart" ref={el} data-testid={testId} style={{ height }} />;
}
