/**
 * The backtest report's price chart in the panel: the instrument's close (the same downsampled
 * series the HTML report draws), the strategy's indicators over it and every trade's entry and
 * exit as markers at the fill price (▲ buy, ▼ sell; the first MAX_MARKERS / 2 trades, as in the
 * HTML report), on the nearest drawn point at or before the fill time (the line is downsampled).
 * The price axis is logarithmic when the close spans more than LOG_SPAN× (years of BTC).
 * Owns its lightweight-charts instance: rebuilt when the report changes, `chart.remove()` on
 * unmount, ResizeObserver for size. The wheel zooms (years of bars are one blur of markers at
 * panel width; zoomed in, the lines and each fill separate), dragging pans, double-click refits.
 * The visible range is mirrored in data-visible-from/to (ms) for tests.
 */
import { useEffect, useMemo, useRef } from 'react';
import { ColorType, createChart, createSeriesMarkers, LineSeries, PriceScaleMode } from 'lightweight-charts';
import type { SeriesMarker, Time, UTCTimestamp } from 'lightweight-charts';
import type { BacktestReportView } from '../../../shared/ipc/views';
import { toAreaData } from '../../charts/series-chart';

const UP = '#26a69a';
const DOWN = '#ef5350';
const PRICE = '#c9d1d9';
/** Indicator line colours, in the order the strategy registered its indicators. */
export const INDICATOR_COLOURS = ['#f5a623', '#b48ead', '#4fc1e9', '#f06292'] as const;
/** As the HTML report: markers of at most this many fills. */
export const MAX_MARKERS = 2000;

type Point = readonly [number, number];

/** Index of the last point at or before `t` (0 when `t` is before the first). */
function pointAtOrBefore(points: readonly Point[], t: number): number {
  let lo = 0;
  let hi = points.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((points[mid] as Point)[0] <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** A fill at its own price: a buy is an up arrow under it, a sell a down arrow over it (never stacked). */
const fill = (time: UTCTimestamp, price: number, buy: boolean): SeriesMarker<Time> => ({
  time,
  price,
  position: buy ? 'atPriceBottom' : 'atPriceTop',
  color: buy ? UP : DOWN,
  shape: buy ? 'arrowUp' : 'arrowDown',
  size: 0.4,
});

/** Whether the close spans more than LOG_SPAN× from its lowest to its highest: then the price axis is logarithmic. */
export const LOG_SPAN = 10;
export function wantsLogScale(points: readonly Point[]): boolean {
  let lo = Infinity;
  let hi = -Infinity;
  for (const [, v] of points) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo > 0 && hi / lo > LOG_SPAN;
}

/** Entry/exit markers of the report's trades at their fill prices on the drawn price points, in time order. */
export function priceMarkers(report: Pick<BacktestReportView, 'trades'>, points: readonly Point[]): SeriesMarker<Time>[] {
  if (points.length === 0) return [];
  const at = (t: number): UTCTimestamp => Math.floor((points[pointAtOrBefore(points, t)] as Point)[0] / 1000) as UTCTimestamp;
  const markers: SeriesMarker<Time>[] = [];
  for (const t of report.trades) {
    if (markers.length >= MAX_MARKERS) break;
    const long = t.side === 'LONG';
    markers.push(fill(at(t.entryTime), t.entryPrice, long));
    if (t.exitTime !== null && t.exitPrice !== null) markers.push(fill(at(t.exitTime), t.exitPrice, !long));
  }
  return markers.sort((a, b) => (a.time as number) - (b.time as number));
}

export function BacktestPriceChart({ report, height = 260 }: { report: BacktestReportView; height?: number }) {
  const el = useRef<HTMLDivElement>(null);
  const prices = report.prices;
  const log = useMemo(() => (prices ? wantsLogScale(prices) : false), [prices]);

  useEffect(() => {
    const container = el.current;
    if (!container || !prices) return;
    const chart = createChart(container, {
      width: container.clientWidth,
      height,
      layout: { background: { type: ColorType.Solid, color: '#0f1419' }, textColor: '#c9d1d9', attributionLogo: false },
      grid: { vertLines: { color: '#1c2430' }, horzLines: { color: '#1c2430' } },
      timeScale: { borderColor: '#2a3441', fixLeftEdge: true, fixRightEdge: true },
      rightPriceScale: { borderColor: '#2a3441', mode: log ? PriceScaleMode.Logarithmic : PriceScaleMode.Normal },
      handleScroll: { mouseWheel: false, pressedMouseMove: true, horzTouchDrag: true, vertTouchDrag: false },
      handleScale: { mouseWheel: true, pinch: true, axisPressedMouseMove: true, axisDoubleClickReset: true },
    });
    const precision = Math.max(0, Math.min(8, report.pricePrecision));
    const priceFormat = { type: 'price', precision, minMove: 1 / 10 ** precision } as const;
    const close = chart.addSeries(LineSeries, { color: PRICE, lineWidth: 1, priceLineVisible: false, priceFormat });
    close.setData(toAreaData(prices));
    report.indicators.forEach((line, i) => {
      const s = chart.addSeries(LineSeries, { color: INDICATOR_COLOURS[i % INDICATOR_COLOURS.length] as string, lineWidth: 2, priceLineVisible: false, lastValueVisible: false, crosshairMarkerVisible: false, priceFormat });
      s.setData(toAreaData(line.points));
    });
    const markers = priceMarkers(report, prices);
    createSeriesMarkers(close, markers);
    chart.timeScale().fitContent();
    container.dataset.points = String(prices.length);
    container.dataset.markers = String(markers.length);
    container.dataset.scale = log ? 'log' : 'linear';
    container.dataset.indicators = report.indicators.map((l) => `${l.name}:${l.points.length}`).join(',');
    const onRange = (r: { from: Time; to: Time } | null): void => {
      if (!r) return;
      container.dataset.visibleFrom = String((r.from as number) * 1000);
      container.dataset.visibleTo = String((r.to as number) * 1000);
    };
    chart.timeScale().subscribeVisibleTimeRangeChange(onRange);
    onRange(chart.timeScale().getVisibleRange());
    const refit = (): void => chart.timeScale().fitContent();
    container.addEventListener('dblclick', refit);
    const ro = new ResizeObserver((entries) => {
      const r = entries[0]?.contentRect;
      if (r && r.width > 0) chart.resize(Math.floor(r.width), height);
    });
    ro.observe(container);
    return () => {
      ro.disconnect();
      chart.timeScale().unsubscribeVisibleTimeRangeChange(onRange);
      container.removeEventListener('dblclick', refit);
      chart.remove();
    };
  }, [report, prices, log, height]);

  if (!prices) return <div className="muted" data-testid="bt-price-none">No price chart: this run had no bars or book to draw.</div>;
  const capped = report.trades.length * 2 > MAX_MARKERS;
  return (
    <>
      <div className="muted bt-price-key" data-testid="bt-price-legend">
        Price {report.symbol}{log ? ' (log scale)' : ''}: <span style={{ color: PRICE }}>close</span>
        {report.indicators.map((l, i) => (
          <span key={l.name}> · <span style={{ color: INDICATOR_COLOURS[i % INDICATOR_COLOURS.length] }}>{l.name}</span></span>
        ))}
        {' · '}<span style={{ color: UP }}>▲ buy</span> · <span style={{ color: DOWN }}>▼ sell</span>
        {capped ? ` · markers of the first ${MAX_MARKERS / 2} trades` : ''}
      </div>
      <div className="series-chart" ref={el} data-testid="bt-price" style={{ height }} />
    </>
  );
}
