/**
 * Chart fps bench (one JSON object): the REAL CandleChart (src/renderer/charts/candle-chart.tsx)
 * with 10 k bars (candles + volume + sma:20/ema:50 lines, as the chart window opens it), fed
 * 1 k ticks/s through the real store (`barReceived`, RTK auto-batching → one React render per
 * frame → `series.update`), every 100th tick opening a new bar, for 10 s in headless Chromium.
 * Frames are requestAnimationFrame timestamps; target ≥ 50 fps (mean AND the worst 1 s window).
 * Page: bench/pages/chart-fps (built by vite into .vite/bench/chart-fps on every run).
 * Env: LIBRA_CHART_FPS_SECONDS (10), LIBRA_CHART_FPS_BARS (10000), LIBRA_CHART_FPS_TPS (1000),
 *      LIBRA_CHART_FPS_TICKS_PER_BAR (100).
 */
import { existsSync } from 'node:fs';
import { buildPage, CHROMIUM, launchBrowser, serveDir } from './pages/support';

const SECONDS = Number(process.env.LIBRA_CHART_FPS_SECONDS ?? 10);
const BARS = Number(process.env.LIBRA_CHART_FPS_BARS ?? 10_000);
const TPS = Number(process.env.LIBRA_CHART_FPS_TPS ?? 1000);
const TICKS_PER_BAR = Number(process.env.LIBRA_CHART_FPS_TICKS_PER_BAR ?? 100);
const TARGET = 50;

interface PageSummary {
  readonly mean: number;
  readonly worst1s: number;
  readonly p5: number;
}

async function main(): Promise<Record<string, unknown>> {
  const head = { bench: 'chart-fps', bars: BARS, ticksPerSec: TPS, target: TARGET };
  if (!existsSync(CHROMIUM)) return { ...head, skipped: `no Chromium at ${CHROMIUM}`, met: false };
  const t0 = performance.now();
  const dir = await buildPage('chart-fps');
  const buildSeconds = Math.round((performance.now() - t0) / 100) / 10;
  const server = await serveDir(dir);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.origin}/index.html?bars=${BARS}&tps=${TPS}&seconds=${SECONDS}&ticksPerBar=${TICKS_PER_BAR}`);
    await page.waitForFunction('window.__chartFps !== undefined', undefined, { timeout: (SECONDS + 60) * 1000, polling: 250 });
    const r = (await page.evaluate('window.__chartFps')) as Record<string, unknown> & { fps?: PageSummary; error?: string; ticksPerSec?: number };
    if (r.error !== undefined || !r.fps) return { ...head, error: r.error ?? 'no result', pageErrors: errors, met: false };
    const { ticksPerSec: achieved, ...rest } = r;
    const met = r.fps.mean >= TARGET && r.fps.worst1s >= TARGET && (achieved ?? 0) >= TPS * 0.95;
    return {
      ...head,
      ...rest,
      ticksPerSecAchieved: achieved,
      seconds: SECONDS,
      ticksPerBar: TICKS_PER_BAR,
      met,
      buildSeconds,
      pageErrors: errors,
      note: 'headless Chromium, --disable-gpu (software raster); rAF is vsync-capped at ~60, so 60 is the ceiling',
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

console.log(JSON.stringify(await main()));
