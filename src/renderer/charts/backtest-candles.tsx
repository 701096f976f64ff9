/**
 * Candles of a finished backtest around one trade, with every trade in view as entry/exit
 * markers and the focused one labelled. Focusing calls `timeScale().setVisibleRange` around the
 * trade's entry and exit. Owns its chart (`chart.remove()` on unmount), ResizeObserver for size.
 */
import { useEffect, useRef } from 'react';
import { CandlestickSeries, ColorType, createChart, createSeriesMarkers } from 'lightweight-charts';
import type { CandlestickData, SeriesMarker, Time, UTCTimestamp } from 'lightweight-charts';
import type { BacktestChartView } from '../../shared/ipc/views';

const UP = '#26a69a';
const DOWN = '#ef5350';
const FOCUS = '#f5c542';
const sec = (ms: number): UTCTimestamp => Math.floor(ms / 1000) as UTCTimestamp;

/** Snaps a time to the open time of the bar that contains it (markers sit on bars). */
function barTime(view: BacktestChartView, t: number): UTCTimestamp {
  let best = view.bars[0]?.time ?? t;
  for (const b of view.bars) {
    if (b.time <= t) best = b.time;
    else break;
  }
  return sec(best);
}

export function tradeMarkers(view: BacktestChartView): SeriesMarker<Time>[] {
  const px = (v: number | null): string => (v === null ? '' : v.toFixed(view.pricePrecision));
  const markers: SeriesMarker<Time>[] = [];
  for (const t of view.trades) {
    const focused = t.index === view.focus.index;
    const long = t.side === 'LONG';
    markers.push({
      time: barTime(view, t.entryTime),
      position: long ? 'belowBar' : 'aboveBar',
      color: focused ? FOCUS : long ? UP : DOWN,
      shape: long ? 'arrowUp' : 'arrowDown',
      text: focused ? `#${t.index + 1} ${long ? 'BUY' : 'SELL'} ${px(t.entryPrice)}` : `#${t.index + 1}`,
    });
    if (t.exitTime !== null) {
      markers.push({
        time: barTime(view, t.exitTime),
        position: long ? 'aboveBar' : 'belowBar',
        color: focused ? FOCUS : long ? DOWN : UP,
        shape: long ? 'arrowDown' : 'arrowUp',
        text: focused ? `#${t.index + 1} exit ${px(t.exitPrice)} (${t.pnl >= 0 ? '+' : ''}${t.pnl.toFixed(view.moneyPrecision)})` : '',
      });
    }
  }
  return markers.sort((a, b) => (a.time as number) - (b.time as number));
}

export function BacktestCandles({ view }: { view: BacktestChartView }) {
  const el = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const container = el.current;
    if (!container) return;
    const chart = createChart(container, {
      width: container.clientWidth,
      height: container.clientHeight,
      layout: { background: { type: ColorType.Solid, color: '#0f1419' }, textColor: '#c9d1d9', attributionLogo: false },
      grid: { vertLines: { color: '#1c2430' }, horzLines: { color: '#1c2430' } },
      timeScale: { timeVisible: true, secondsVisible: false, borderColor: '#2a3441' },
      rightPriceScale: { borderColor: '#2a3441' },
    });
    const candles = chart.addSeries(CandlestickSeries, {
      upColor: UP, downColor: DOWN, borderVisible: false, wickUpColor: UP, wickDownColor: DOWN,
      priceFormat: { type: 'price', precision: view.pricePrecision, minMove: 1 / 10 ** view.pricePrecision },
    });
    const data: CandlestickData<Time>[] = view.bars.map((b) => ({ time: sec(b.time), open: b.open, high: b.high, low: b.low, close: b.close }));
    candles.setData(data);
    createSeriesMarkers(candles, tradeMarkers(view));
    const tf = view.bars.length > 1 ? (view.bars[1]?.time ?? 0) - (view.bars[0]?.time ?? 0) : 3_600_000;
    const pad = Math.max(tf * 12, (view.focus.to - view.focus.from) * 0.25);
    const from = sec(Math.max(view.bars[0]?.time ?? 0, view.focus.from - pad));
    const to = sec(Math.min(view.bars.at(-1)?.time ?? view.focus.to, view.focus.to + pad));
    chart.timeScale().setVisibleRange({ from, to });
    const visible = chart.timeScale().getVisibleRange();
    container.dataset.focusTrade = String(view.focus.index);
    container.dataset.visibleFrom = String(((visible?.from as number | undefined) ?? from) * 1000);
    container.dataset.visibleTo = String(((visible?.to as number | undefined) ?? to) * 1000);
    const ro = new ResizeObserver((entries) => {
      const r = entries[0]?.contentRect;
      if (r && r.width > 0 && r.height > 0) chart.resize(Math.floor(r.width), Math.floor(r.height));
    });
    ro.observe(container);
    return () => {
      ro.disconnect();
      chart.remove();
    };
  }, [view]);

  return <div className="chart" ref={el} data-testid="backtest-chart" data-bars={view.bars.length} />;
}
