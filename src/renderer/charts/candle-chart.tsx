/**
 * The one component that owns a lightweight-charts chart: candles + volume, engine indicators
 * (overlays on the price pane, oscillators each in a pane of their own, every output of a
 * multi-output one), an OHLC legend that follows the crosshair, log or linear price scale, fills
 * as markers, alerts, working orders and the position as price lines. A working order's line can
 * be dragged to a new price (the owner amends it; a refusal puts the line back), and a click with
 * Alt, Ctrl or ⌘ hands the price to `onModifierClick` (a limit there). `setData` for history
 * (paged in when the user scrolls back), `series.update` for live bars, always in time order;
 * `chart.remove()` on unmount; ResizeObserver for size. Whoever renders it owns its indicator
 * list: two charts never share one.
 */
import { useEffect, useRef, useState } from 'react';
import {
  CandlestickSeries,
  ColorType,
  createChart,
  createSeriesMarkers,
  HistogramSeries,
  LineSeries,
  LineStyle,
  PriceScaleMode,
} from 'lightweight-charts';
import type { CandlestickData, HistogramData, IChartApi, IPriceLine, ISeriesApi, ISeriesMarkersPluginApi, LineData, MouseEventParams, SeriesMarker, Time, UTCTimestamp } from 'lightweight-charts';
import { outputKeysOf, outputLabel, placeIndicators } from './indicator-layout';
import { parseTimeframe } from '../../shared/messages/market-data';
import type { AlertView, BarView, FillView } from '../../shared/ipc/views';
import { useBridge } from '../app/bridge-context';
import { fmtQty } from '../app/format';
import { useAppSelector } from '../app/hooks';
import { selectSnapshots } from '../features/session/session-slice';

const PAGE = 500;
const COLORS = ['#f5c542', '#4fa3ff', '#c678dd', '#56d4a8', '#ff9f43', '#e06c75'];
const UP = '#26a69a';
const DOWN = '#ef5350';

const sec = (ms: number): UTCTimestamp => Math.floor(ms / 1000) as UTCTimestamp;
const candle = (b: BarView): CandlestickData<Time> => ({ time: sec(b.time), open: b.open, high: b.high, low: b.low, close: b.close });
const vol = (b: BarView): HistogramData<Time> => ({ time: sec(b.time), value: b.volume, color: b.close >= b.open ? 'rgba(38,166,154,0.45)' : 'rgba(239,83,80,0.45)' });
const point = (b: BarView, spec: string): LineData<Time> | { time: Time } => {
  const v = b.indicators[spec];
  return v === null || v === undefined ? { time: sec(b.time) } : { time: sec(b.time), value: v };
};

/** Exposes the last close and its y coordinate on the element (status line, tests, automation). */
function markLast(el: HTMLElement, candles: ISeriesApi<'Candlestick'>, bar: BarView | undefined): void {
  if (!bar) return;
  el.dataset.lastClose = String(bar.close);
  el.dataset.lastTime = String(bar.time);
  const y = candles.priceToCoordinate(bar.close);
  el.dataset.lastY = y === null ? '' : String(Math.round(y));
}

/** How many times consecutive bars are more than one timeframe apart (tests read it: a reconnect must not add holes). */
function markHoles(el: HTMLElement, bars: readonly BarView[], tfMs: number): void {
  let holes = 0;
  for (let i = 1; i < bars.length; i++) if ((bars[i] as BarView).time - (bars[i - 1] as BarView).time > tfMs) holes++;
  el.dataset.holes = String(holes);
}

/** A horizontal level drawn across the price pane (a working order, the position's entry). */
export interface PriceLevel {
  readonly price: number;
  readonly title: string;
  readonly color: string;
  /** Set on a working order's line: dragging it amends this price of that order. */
  readonly order?: { readonly clientOrderId: string; readonly field: 'price' | 'triggerPrice' };
}

/** How close (px) the pointer must be to an order line to grab it. */
const GRAB_PX = 6;

/** Publishes where each order line is (y in the chart element), for automation and tests. */
function markLevels(el: HTMLElement, candles: ISeriesApi<'Candlestick'>, levels: readonly PriceLevel[]): void {
  const out = levels.flatMap((l) => {
    if (!l.order) return [];
    const y = candles.priceToCoordinate(l.price);
    return y === null ? [] : [{ id: l.order.clientOrderId, field: l.order.field, price: l.price, y: Math.round(y) }];
  });
  el.dataset.orderLines = JSON.stringify(out);
}

interface Ohlc {
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number | null;
}

const lastOhlc = (b: BarView | undefined): Ohlc | null => (b ? { time: b.time, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume } : null);

export interface CandleChartProps {
  readonly instrumentId: string;
  readonly timeframe: string;
  readonly indicators: readonly string[];
  readonly pricePrecision: number;
  readonly liveBars: readonly BarView[];
  readonly fills: readonly FillView[];
  readonly alerts: readonly AlertView[];
  readonly onPickPrice?: (price: number) => void;
  /** A click with Alt, Ctrl or ⌘ held, at this price (rounded to the price precision). */
  readonly onModifierClick?: (price: number) => void;
  /** An order line dropped at `price`: resolves to null once amended, or the reason it was refused (the line then snaps back). */
  readonly onAmendLevel?: (level: PriceLevel, price: number) => Promise<string | null>;
  /** Logarithmic price scale on the price pane. */
  readonly logScale?: boolean;
  readonly levels?: readonly PriceLevel[];
}

interface Series {
  readonly chart: IChartApi;
  readonly candles: ISeriesApi<'Candlestick'>;
  readonly volume: ISeriesApi<'Histogram'>;
  /** By output key (`rsi:14`, `macd:12:26:9#signal`), created once the first page shows which outputs exist. */
  readonly lines: Map<string, ISeriesApi<'Line'> | ISeriesApi<'Histogram'>>;
  readonly markers: ISeriesMarkersPluginApi<Time>;
}

export function CandleChart(props: CandleChartProps) {
  const { instrumentId, timeframe, indicators, pricePrecision, liveBars, fills, alerts, onPickPrice, onModifierClick, onAmendLevel, logScale = false, levels = [] } = props;
  const bridge = useBridge();
  const el = useRef<HTMLDivElement>(null);
  const series = useRef<Series | null>(null);
  const bars = useRef<BarView[]>([]);
  const pick = useRef(onPickPrice);
  pick.current = onPickPrice;
  const modPick = useRef(onModifierClick);
  modPick.current = onModifierClick;
  const amendRef = useRef(onAmendLevel);
  amendRef.current = onAmendLevel;
  /** The order lines drawn now, with the level each shows (the drag handler reads them). */
  const orderLines = useRef<{ level: PriceLevel; line: IPriceLine }[]>([]);
  const [dragError, setDragError] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [hover, setHover] = useState<Ohlc | null>(null);
  const [legend, setLegend] = useState<readonly { key: string; color: string }[]>([]);
  const indicatorKey = indicators.join(',');
  // Every snapshot (a reconnect, a resync, a restarted server) reloads the history: the bars
  // missed while away come back, and nothing of an older session stays on the chart.
  const generation = useAppSelector(selectSnapshots);
  const reload = useRef<(() => void) | null>(null);
  const loadedGeneration = useRef(generation);

  // Create the chart, load the first page, page older history in on scroll-back.
  useEffect(() => {
    const container = el.current;
    if (!container) return;
    const specs = indicatorKey === '' ? [] : indicatorKey.split(',');
    const chart = createChart(container, {
      width: container.clientWidth,
      height: container.clientHeight,
      layout: { background: { type: ColorType.Solid, color: '#0f1419' }, textColor: '#c9d1d9', attributionLogo: false },
      grid: { vertLines: { color: '#1c2430' }, horzLines: { color: '#1c2430' } },
      timeScale: { timeVisible: true, secondsVisible: false, borderColor: '#2a3441' },
      rightPriceScale: { borderColor: '#2a3441' },
      crosshair: { mode: 0 },
    });
    const minMove = 1 / 10 ** pricePrecision;
    const candles = chart.addSeries(CandlestickSeries, {
      upColor: UP, downColor: DOWN, borderVisible: false, wickUpColor: UP, wickDownColor: DOWN,
      priceFormat: { type: 'price', precision: pricePrecision, minMove },
    });
    const volume = chart.addSeries(HistogramSeries, { priceScaleId: 'vol', priceFormat: { type: 'volume' }, lastValueVisible: false, priceLineVisible: false });
    chart.priceScale('vol').applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    const lines = new Map<string, ISeriesApi<'Line'> | ISeriesApi<'Histogram'>>();
    const placements = placeIndicators(specs);
    const ensureLines = (sample: BarView | undefined): void => {
      if (lines.size > 0 || placements.length === 0) return;
      const shown: { key: string; color: string }[] = [];
      for (const { spec, pane } of placements) {
        for (const key of outputKeysOf(spec, sample)) {
          const color = COLORS[shown.length % COLORS.length] ?? '#fff';
          const common = { priceLineVisible: false, lastValueVisible: pane > 0, title: outputLabel(key) };
          lines.set(key, key.endsWith('#hist')
            ? chart.addSeries(HistogramSeries, { ...common, color: 'rgba(125,138,153,0.6)' }, pane)
            : chart.addSeries(LineSeries, { ...common, color, lineWidth: 1 }, pane));
          shown.push({ key, color });
        }
      }
      // The price pane keeps most of the height; each oscillator pane gets a strip below it.
      chart.panes().forEach((p, i) => p.setStretchFactor(i === 0 ? 3 : 1));
      container.dataset.panes = String(chart.panes().length);
      setLegend(shown);
    };
    const markers = createSeriesMarkers(candles, []);
    series.current = { chart, candles, volume, lines, markers };
    bars.current = [];
    let disposed = false;
    let loading = false;
    let hasMore = true;
    /** Bumped by a reload: an answer to an older request is dropped. */
    let epoch = 0;

    const setAll = (): void => {
      const data = bars.current;
      ensureLines(data.findLast((b) => b.closed !== false));
      candles.setData(data.map(candle));
      volume.setData(data.map(vol));
      for (const [spec, line] of lines) line.setData(data.map((b) => point(b, spec)));
      setLoaded(data.length);
      markLast(container, candles, data.at(-1));
      markHoles(container, data, parseTimeframe(timeframe));
    };
    const load = async (before?: number): Promise<void> => {
      if (loading || !hasMore) return;
      loading = true;
      const asked = epoch;
      const r = await bridge.chart.history({ instrumentId, timeframe, limit: PAGE, indicators: specs, ...(before !== undefined ? { before } : {}) });
      if (disposed || asked !== epoch) return;
      loading = false;
      if (!r.ok) {
        setError(`${r.error.code}: ${r.error.message}`);
        return;
      }
      setError(null);
      hasMore = r.value.hasMore;
      const page = r.value.bars;
      if (before === undefined) {
        // First page: merge with live bars that arrived meanwhile (kept newer-than-history only).
        const lastTime = page.at(-1)?.time ?? -Infinity;
        bars.current = [...page, ...bars.current.filter((b) => b.time > lastTime)];
        setAll();
        // Few bars (a coarse timeframe early in the replay): spread them over the width instead of leaving it empty.
        if (!hasMore && bars.current.length * chart.timeScale().options().barSpacing < container.clientWidth * 0.8) chart.timeScale().fitContent();
        return;
      }
      const oldest = bars.current[0]?.time ?? Infinity;
      const older = page.filter((b) => b.time < oldest);
      if (older.length === 0) return;
      const range = chart.timeScale().getVisibleLogicalRange();
      bars.current = [...older, ...bars.current];
      setAll();
      if (range) chart.timeScale().setVisibleLogicalRange({ from: range.from + older.length, to: range.to + older.length });
    };
    const onRange = (range: { from: number; to: number } | null): void => {
      markLevels(container, candles, orderLines.current.map((l) => l.level));
      if (range && range.from < 20 && bars.current.length > 0) void load(bars.current[0]?.time);
    };
    chart.timeScale().subscribeVisibleLogicalRangeChange(onRange);
    const onClick = (param: MouseEventParams<Time>): void => {
      if (!param.point) return;
      const price = candles.coordinateToPrice(param.point.y);
      if (price === null || !(price > 0)) return;
      const ev = param.sourceEvent;
      const rounded = Number(price.toFixed(pricePrecision));
      if (ev && (ev.altKey || ev.ctrlKey || ev.metaKey) && modPick.current) modPick.current(rounded);
      else pick.current?.(rounded);
    };
    // Dragging an order line: grab within GRAB_PX of it (capture phase, before the chart pans),
    // move the line with the pointer, hand the drop price to the owner; snap back if refused.
    const hit = (clientY: number): { level: PriceLevel; line: IPriceLine } | undefined => {
      const y = clientY - container.getBoundingClientRect().top;
      let best: { level: PriceLevel; line: IPriceLine } | undefined;
      let bestD = GRAB_PX + 1;
      for (const l of orderLines.current) {
        const ly = candles.priceToCoordinate(l.level.price);
        if (ly === null) continue;
        const d = Math.abs(ly - y);
        if (d < bestD) {
          bestD = d;
          best = l;
        }
      }
      return best;
    };
    const stopIfGrab = (e: MouseEvent): void => {
      if (amendRef.current && hit(e.clientY)) {
        e.stopPropagation();
        e.preventDefault();
      }
    };
    const onPointerDown = (e: PointerEvent): void => {
      if (e.button !== 0 || !amendRef.current) return;
      const grabbed = hit(e.clientY);
      if (!grabbed) return;
      e.stopPropagation();
      e.preventDefault();
      const from = grabbed.level.price;
      let to = from;
      chart.applyOptions({ handleScroll: false, handleScale: false });
      container.dataset.dragging = grabbed.level.order?.clientOrderId ?? '';
      const move = (m: PointerEvent): void => {
        const p = candles.coordinateToPrice(m.clientY - container.getBoundingClientRect().top);
        if (p === null || !(p > 0)) return;
        to = Number(p.toFixed(pricePrecision));
        grabbed.line.applyOptions({ price: to, title: `${grabbed.level.title} → ${to.toFixed(pricePrecision)}` });
      };
      const up = (): void => {
        window.removeEventListener('pointermove', move, true);
        window.removeEventListener('pointerup', up, true);
        chart.applyOptions({ handleScroll: true, handleScale: true });
        delete container.dataset.dragging;
        const snapBack = (): void => grabbed.line.applyOptions({ price: from, title: grabbed.level.title });
        if (to === from || !amendRef.current) {
          snapBack();
          return;
        }
        void amendRef.current(grabbed.level, to).then((why) => {
          if (why === null) {
            setDragError(null);
            return;
          }
          if (!disposed) snapBack();
          setDragError(why);
        });
      };
      window.addEventListener('pointermove', move, true);
      window.addEventListener('pointerup', up, true);
    };
    container.addEventListener('pointerdown', onPointerDown, true);
    container.addEventListener('mousedown', stopIfGrab, true);
    chart.subscribeClick(onClick);
    const onMove = (param: MouseEventParams<Time>): void => {
      const c = param.seriesData.get(candles);
      if (!c || !('open' in c) || param.time === undefined) {
        setHover(null);
        return;
      }
      const v = param.seriesData.get(volume);
      setHover({ time: Number(param.time) * 1000, open: c.open, high: c.high, low: c.low, close: c.close, volume: v && 'value' in v ? v.value : null });
    };
    chart.subscribeCrosshairMove(onMove);
    const ro = new ResizeObserver((entries) => {
      const r = entries[0]?.contentRect;
      if (r && r.width > 0 && r.height > 0) chart.resize(Math.floor(r.width), Math.floor(r.height));
      // The price scale is laid out on the next frame: the order lines' y moves then.
      requestAnimationFrame(() => {
        if (!disposed) markLevels(container, candles, orderLines.current.map((l) => l.level));
      });
    });
    ro.observe(container);
    void load();
    reload.current = () => {
      // Drop what is on screen (it may be another session's), then the first page again.
      epoch++;
      loading = false;
      hasMore = true;
      bars.current = [];
      setAll();
      void load();
    };
    return () => {
      disposed = true;
      reload.current = null;
      container.removeEventListener('pointerdown', onPointerDown, true);
      container.removeEventListener('mousedown', stopIfGrab, true);
      ro.disconnect();
      chart.timeScale().unsubscribeVisibleLogicalRangeChange(onRange);
      chart.unsubscribeClick(onClick);
      chart.unsubscribeCrosshairMove(onMove);
      chart.remove();
      series.current = null;
    };
  }, [bridge, instrumentId, timeframe, indicatorKey, pricePrecision]);

  useEffect(() => {
    if (generation === loadedGeneration.current) return;
    loadedGeneration.current = generation;
    reload.current?.();
  }, [generation]);

  useEffect(() => {
    series.current?.chart.priceScale('right', 0).applyOptions({ mode: logScale ? PriceScaleMode.Logarithmic : PriceScaleMode.Normal });
  }, [logScale, loaded]);

  // Live bars: update in time order (same time = the forming bar; newer = append).
  useEffect(() => {
    const s = series.current;
    if (!s) return;
    const last = bars.current.at(-1);
    const before = bars.current.length;
    for (const b of liveBars) {
      const tail = bars.current.at(-1);
      if (tail && b.time < tail.time) continue;
      if (tail && b.time === tail.time) bars.current[bars.current.length - 1] = b;
      else bars.current.push(b);
      if (loaded === 0 && !last) continue; // history not in yet: the first page will include these
      s.candles.update(candle(b));
      s.volume.update(vol(b));
      for (const [spec, line] of s.lines) line.update(point(b, spec));
    }
    if (el.current) {
      markLast(el.current, s.candles, bars.current.at(-1));
      if (bars.current.length !== before) markHoles(el.current, bars.current, parseTimeframe(timeframe));
      markLevels(el.current, s.candles, orderLines.current.map((l) => l.level));
    }
  }, [liveBars, loaded]);

  // Fills as markers, snapped to the bar they happened in.
  useEffect(() => {
    const s = series.current;
    if (!s) return;
    const tf = parseTimeframe(timeframe);
    const markers: SeriesMarker<Time>[] = fills
      .map((f) => ({ f, t: Math.floor((f.ts - 1) / tf) * tf }))
      .sort((a, b) => a.t - b.t)
      .map(({ f, t }) => ({
        time: sec(t),
        position: f.side === 'BUY' ? 'belowBar' : 'aboveBar',
        color: f.side === 'BUY' ? UP : DOWN,
        shape: f.side === 'BUY' ? 'arrowUp' : 'arrowDown',
        text: `${f.side === 'BUY' ? 'B' : 'S'} ${f.quantity}`,
      }));
    s.markers.setMarkers(markers);
    // The newest fill drawn (tests and the terminal bench read it: a fill reached the chart).
    if (el.current) el.current.dataset.lastFill = fills.at(-1)?.tradeId ?? '';
  }, [fills, timeframe, loaded]);

  // Active alerts as dashed price lines.
  useEffect(() => {
    const s = series.current;
    if (!s) return;
    const lines: IPriceLine[] = alerts.map((a) =>
      s.candles.createPriceLine({ price: a.price, color: '#f5c542', lineStyle: LineStyle.Dashed, lineWidth: 1, axisLabelVisible: true, title: `alert ${a.id}` }),
    );
    return () => {
      if (series.current === s) for (const l of lines) s.candles.removePriceLine(l);
    };
  }, [alerts, loaded]);

  // Working orders and the position as solid price lines.
  useEffect(() => {
    const s = series.current;
    if (!s) return;
    const lines: IPriceLine[] = levels.map((l) => s.candles.createPriceLine({ price: l.price, color: l.color, lineStyle: LineStyle.Solid, lineWidth: l.order ? 2 : 1, axisLabelVisible: true, title: l.title }));
    orderLines.current = levels.flatMap((level, i) => {
      const line = lines[i];
      return level.order && line ? [{ level, line }] : [];
    });
    if (el.current) markLevels(el.current, s.candles, levels);
    return () => {
      orderLines.current = [];
      if (series.current === s) for (const l of lines) s.candles.removePriceLine(l);
    };
  }, [levels, loaded]);

  // A refused drag's reason goes after a while: it must not outlive the state that caused it.
  useEffect(() => {
    if (dragError === null) return;
    const t = setTimeout(() => setDragError(null), 10_000);
    return () => clearTimeout(t);
  }, [dragError]);

  const shown = hover ?? lastOhlc(bars.current.at(-1));
  const p = (v: number): string => v.toFixed(pricePrecision);
  return (
    <div className="chart-wrap">
      {error ? <p className="error" role="alert">{error}</p> : null}
      {dragError ? (
        <p className="error chart-trade-error" role="alert" data-testid="amend-error">
          {dragError} <button type="button" className="small" onClick={() => setDragError(null)} aria-label="Dismiss">×</button>
        </p>
      ) : null}
      <div className="chart-legend" data-testid="ohlc-legend" aria-live="off">
        {shown ? (
          <span className={shown.close >= shown.open ? 'up' : 'down'}>
            <span className="muted">{new Date(shown.time).toISOString().slice(0, 16).replace('T', ' ')}</span> O <b data-testid="legend-open">{p(shown.open)}</b> H <b>{p(shown.high)}</b> L <b>{p(shown.low)}</b> C <b data-testid="legend-close">{p(shown.close)}</b>
            {shown.volume !== null ? <> V <b>{fmtQty(shown.volume, 2)}</b></> : null}
          </span>
        ) : null}
        {legend.map((l) => <span key={l.key} className="legend-line" style={{ color: l.color }}>{outputLabel(l.key)}</span>)}
      </div>
      <div className="chart" ref={el} data-testid="chart" data-bars={loaded} data-hover={hover ? 'true' : 'false'} />
    </div>
  );
}
