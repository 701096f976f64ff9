/**
 * chart-fps bench page (built by bench/chart-fps.bench.ts, never shipped): mounts the REAL
 * CandleChart (src/renderer/charts/candle-chart.tsx) the way the chart window does — the real
 * Redux store, live bars through `barReceived` (auto-batched to one notification per frame),
 * `selectRecentBars` → `liveBars` — with a fake bridge whose `chart.history` answers one page of
 * N bars (default 10 000). Then it applies T ticks/s (default 1 000) for S seconds: every tick
 * updates the forming bar, every K-th tick opens a new bar. Frames are timed with
 * requestAnimationFrame; the result lands on `window.__chartFps` for the bench to read.
 *
 * Query: ?bars=10000&tps=1000&seconds=10&ticksPerBar=100&warmup=1
 */
import '../../../src/renderer/styles/app.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Provider } from 'react-redux';
import { CandleChart } from '../../../src/renderer/charts/candle-chart';
import { BridgeContext } from '../../../src/renderer/app/bridge-context';
import { useAppSelector } from '../../../src/renderer/app/hooks';
import { makeStore } from '../../../src/renderer/app/store';
import { barReceived, selectRecentBars } from '../../../src/renderer/features/market/market-slice';
import { ok } from '../../../src/shared/ipc/result';
import type { LibraBridge } from '../../../src/shared/ipc/state-stream';
import type { BarView } from '../../../src/shared/ipc/views';

interface Summary {
  readonly frames: number;
  readonly seconds: number;
  readonly mean: number;
  readonly p5: number;
  readonly worst1s: number;
  readonly p50FrameMs: number;
  readonly p99FrameMs: number;
  readonly maxFrameMs: number;
  readonly longFrames: number;
}

export interface ChartFpsResult {
  readonly bars: number;
  readonly barsOnChart: number;
  readonly ticksPerSec: number;
  readonly ticksApplied: number;
  readonly newBars: number;
  /** Mount → all history bars set on the chart (setData of 10 k candles, volume and 2 lines). */
  readonly loadMs: number;
  readonly fps: Summary;
  readonly idleFps: Summary;
  readonly longTasks: { readonly count: number; readonly totalMs: number; readonly maxMs: number };
  /** The chart's data-last-time/close equal the last tick's bar after the run (ticks really reached it). */
  readonly chartCaughtUp: boolean;
  readonly visibility: string;
  readonly userAgent: string;
}

declare global {
  interface Window {
    __chartFps?: ChartFpsResult | { error: string };
  }
}

const q = new URLSearchParams(location.search);
const BARS = Number(q.get('bars') ?? 10_000);
const TPS = Number(q.get('tps') ?? 1000);
const SECONDS = Number(q.get('seconds') ?? 10);
const TICKS_PER_BAR = Number(q.get('ticksPerBar') ?? 100);
const WARMUP_S = Number(q.get('warmup') ?? 1);
const INSTRUMENT = 'BTC/USD.BENCH';
const TIMEFRAME = '1m';
const TF_MS = 60_000;
const INDICATORS = ['sma:20', 'ema:50'];

// Deterministic random walk (no Math.random: the same bars every run).
let seed = 42;
const rnd = (): number => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};

const closes: number[] = [];
let emaPrev: number | null = null;
function indicatorsFor(close: number, replaceLast: boolean): Record<string, number | null> {
  if (replaceLast) closes[closes.length - 1] = close;
  else closes.push(close);
  const n = closes.length;
  let sma: number | null = null;
  if (n >= 20) {
    let s = 0;
    for (let i = n - 20; i < n; i++) s += closes[i] as number;
    sma = s / 20;
  }
  const k = 2 / 51;
  const ema = emaPrev === null ? close : close * k + emaPrev * (1 - k);
  if (!replaceLast) emaPrev = ema;
  return { 'sma:20': sma, 'ema:50': n >= 50 ? ema : null };
}

const t0 = Date.UTC(2024, 0, 1);
const history: BarView[] = [];
let price = 40_000;
for (let i = 0; i < BARS; i++) {
  const open = price;
  const close = open * (1 + (rnd() - 0.5) * 0.004);
  const high = Math.max(open, close) * (1 + rnd() * 0.001);
  const low = Math.min(open, close) * (1 - rnd() * 0.001);
  price = close;
  history.push({ instrumentId: INSTRUMENT, timeframe: TIMEFRAME, time: t0 + i * TF_MS, open, high, low, close, volume: 1 + rnd() * 10, indicators: indicatorsFor(close, false) });
}

const bridge = {
  chart: {
    // One page with every bar (the host pages 500 at a time; 10 000 at once is the heavier case).
    history: async () => ok({ instrumentId: INSTRUMENT, timeframe: TIMEFRAME, bars: history, hasMore: false }),
  },
} as unknown as LibraBridge;

const store = makeStore();

function BenchChart() {
  const liveBars = useAppSelector((s) => selectRecentBars(s, INSTRUMENT, TIMEFRAME));
  return (
    <div className="app chart-app" style={{ height: '100vh' }}>
      <CandleChart instrumentId={INSTRUMENT} timeframe={TIMEFRAME} indicators={INDICATORS} pricePrecision={2} liveBars={liveBars} fills={[]} alerts={[]} />
    </div>
  );
}

function summarize(stamps: readonly number[]): Summary {
  const first = stamps[0] ?? 0;
  const last = stamps.at(-1) ?? 0;
  const seconds = (last - first) / 1000;
  const intervals: number[] = [];
  for (let i = 1; i < stamps.length; i++) intervals.push((stamps[i] as number) - (stamps[i - 1] as number));
  const sorted = [...intervals].sort((a, b) => a - b);
  const pct = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
  // Frames per 1 s window, sliding by 100 ms.
  const windows: number[] = [];
  for (let w = first; w + 1000 <= last; w += 100) {
    let c = 0;
    for (const s of stamps) if (s > w && s <= w + 1000) c++;
    windows.push(c);
  }
  windows.sort((a, b) => a - b);
  const r1 = (x: number): number => Math.round(x * 10) / 10;
  return {
    frames: intervals.length,
    seconds: r1(seconds),
    mean: r1(seconds > 0 ? intervals.length / seconds : 0),
    p5: windows[Math.floor(windows.length * 0.05)] ?? 0,
    worst1s: windows[0] ?? 0,
    p50FrameMs: r1(pct(50)),
    p99FrameMs: r1(pct(99)),
    maxFrameMs: r1(sorted.at(-1) ?? 0),
    longFrames: intervals.filter((d) => d > 33).length,
  };
}

/** rAF timestamps for `ms` milliseconds. */
function recordFrames(ms: number): Promise<number[]> {
  return new Promise((done) => {
    const stamps: number[] = [];
    let end = 0;
    const frame = (t: number): void => {
      if (stamps.length === 0) end = t + ms;
      stamps.push(t);
      if (t >= end) done(stamps);
      else requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
}

const longTasks: number[] = [];
let recordLong = false;
try {
  new PerformanceObserver((list) => {
    if (recordLong) for (const e of list.getEntries()) longTasks.push(e.duration);
  }).observe({ type: 'longtask', buffered: false });
} catch {
  // longtask entries unsupported: the count stays 0
}

async function run(): Promise<void> {
  const root = document.getElementById('root');
  if (!root) throw new Error('no #root');
  const loadedAt = performance.now();
  createRoot(root).render(
    <StrictMode>
      <Provider store={store}>
        <BridgeContext.Provider value={bridge}>
          <BenchChart />
        </BridgeContext.Provider>
      </Provider>
    </StrictMode>,
  );
  const chartEl = (): HTMLElement | null => document.querySelector('[data-testid="chart"]');
  while (Number(chartEl()?.dataset.bars ?? 0) < BARS) {
    if (performance.now() - loadedAt > 30_000) throw new Error('history never reached the chart');
    await new Promise((r) => setTimeout(r, 20));
  }
  const loadMs = performance.now() - loadedAt;
  // Idle baseline (chart loaded, no ticks), then warm-up ticking, then the measured run.
  const idle = await recordFrames(2000);

  let ticks = 0;
  let newBars = 0;
  let barIndex = BARS - 1;
  let forming: BarView = history[barIndex] as BarView;
  let ticking = true;
  const tickStart = performance.now();
  const pump = (): void => {
    if (!ticking) return;
    const due = Math.floor(((performance.now() - tickStart) / 1000) * TPS) - ticks;
    for (let i = 0; i < due; i++) {
      ticks++;
      if (ticks % TICKS_PER_BAR === 0) {
        barIndex++;
        newBars++;
        const open = forming.close;
        forming = { ...forming, time: t0 + barIndex * TF_MS, open, high: open, low: open, close: open, volume: 0, indicators: indicatorsFor(open, false) };
      } else {
        const close = forming.close * (1 + (rnd() - 0.5) * 0.0004);
        forming = { ...forming, close, high: Math.max(forming.high, close), low: Math.min(forming.low, close), volume: forming.volume + rnd(), indicators: indicatorsFor(close, true) };
      }
      store.dispatch(barReceived(forming));
    }
    setTimeout(pump, 1);
  };
  pump();
  await new Promise((r) => setTimeout(r, WARMUP_S * 1000));
  const ticksBefore = ticks;
  recordLong = true;
  const measuredStart = performance.now();
  const frames = await recordFrames(SECONDS * 1000);
  const measuredS = (performance.now() - measuredStart) / 1000;
  recordLong = false;
  ticking = false;
  const measuredTicks = ticks - ticksBefore;
  // Two frames for the last batch to render, then check the chart shows the last tick.
  await recordFrames(40);
  const caughtUp = chartEl()?.dataset.lastTime === String(forming.time) && chartEl()?.dataset.lastClose === String(forming.close);
  window.__chartFps = {
    bars: BARS,
    barsOnChart: Number(chartEl()?.dataset.bars ?? 0) + newBars,
    ticksPerSec: Math.round(measuredTicks / measuredS),
    ticksApplied: ticks,
    newBars,
    loadMs: Math.round(loadMs),
    fps: summarize(frames),
    idleFps: summarize(idle),
    longTasks: { count: longTasks.length, totalMs: Math.round(longTasks.reduce((a, b) => a + b, 0)), maxMs: Math.round(Math.max(0, ...longTasks)) },
    chartCaughtUp: caughtUp,
    visibility: document.visibilityState,
    userAgent: navigator.userAgent,
  };
}

run().catch((e: unknown) => {
  window.__chartFps = { error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) };
});
