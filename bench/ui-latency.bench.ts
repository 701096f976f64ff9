/**
 * Engine event → DOM latency bench (one JSON object). Runs what `libra serve` runs, in this
 * process: the kernel's first-run paper replay (BTC/USD 4h sample) paced at LIBRA_UI_LATENCY_SPEED
 * bars/s (default 40), the EngineHost projection and the WebSocket server serving a fresh build of
 * the real renderer. Headless Chromium opens the main window and a chart window.
 *
 * Per market event (a released bar) the engine-side time is stamped by a bus subscriber that runs
 * before the host's (so it is the moment the engine publishes the bar); the DOM side is a
 * MutationObserver in each page:
 * - main window: the replay clock text (`fmtTime(simTime)`, unique per 4h bar) — the watchlist
 *   last-price cell of the first instrument changes in the same React commit and is checked
 *   against the bar's close (`consistent`); with several instruments only the first is stamped;
 * - chart window: the chart element's `data-last-time` (the bar's open time), written by
 *   CandleChart right after `series.update`.
 * `dom` = MutationObserver callback (DOM changed); `frame` = the next requestAnimationFrame
 * callback after it (an upper bound on the paint). Both clocks are `performance.timeOrigin +
 * performance.now()` (Node and page; same machine clock); a round-trip calibration reports the
 * residual offset. Events that the coalescing superseded within a frame are counted, not timed.
 * Env: LIBRA_UI_LATENCY_SECONDS (15), LIBRA_UI_LATENCY_SPEED (40 bars/s).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { Topics } from '../src/main/engine/bus/topics';
import { EngineHost } from '../src/main/host/engine-host';
import { startWsServer } from '../src/main/host/ws/server';
import { firstRunRisk, Kernel } from '../src/main/kernel';
import { CHROMIUM, latencyStats, launchBrowser, round1, ROOT } from './pages/support';

const SECONDS = Number(process.env.LIBRA_UI_LATENCY_SECONDS ?? 15);
const SPEED = Number(process.env.LIBRA_UI_LATENCY_SPEED ?? 40);
/** ClientStream's frameMs (host side) — batches are at most one per this many ms per client. */
const HOST_FRAME_MS = 16;

const wallNow = (): number => performance.timeOrigin + performance.now();
/** Same as src/renderer/app/format.ts fmtTime / fmt (kept in sync by the `consistent` counter). */
const fmtTime = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 16);
const fmtPx = (n: number, digits: number): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Builds the real renderer into .vite/bench/main_window (not the e2e's folder: no race with a running e2e). */
async function buildRenderer(): Promise<string> {
  const outDir = resolve(ROOT, '.vite/bench/main_window');
  await build({ configFile: resolve(ROOT, 'vite.renderer.config.ts'), logLevel: 'error', build: { outDir, sourcemap: false } });
  return outDir;
}

interface DomRecord {
  readonly key: string;
  readonly extra: string;
  readonly dom: number;
  frame: number;
}

/**
 * Installs the observer in a page; records land on window.__libraLatency. A string, not a function:
 * tsx would wrap a function's inner arrows in its `__name` helper, which the page does not have.
 */
function observerScript(kind: 'main' | 'chart', symbol: string): string {
  const read =
    kind === 'main'
      ? `() => {
          const replay = document.querySelector('[data-testid="replay"] .muted')?.textContent ?? '';
          const m = /(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d)/.exec(replay);
          const row = document.querySelector('[data-testid="watch-row"][data-symbol=' + ${JSON.stringify(JSON.stringify(symbol))} + ']');
          const cell = (row ?? document).querySelector('[data-testid="last-price"]');
          return { key: m?.[1] ?? '', extra: cell?.textContent ?? '' };
        }`
      : `() => {
          const el = document.querySelector('[data-testid="chart"]');
          return { key: el?.dataset.lastTime ?? '', extra: el?.dataset.lastClose ?? '' };
        }`;
  return `(() => {
    const recs = (window.__libraLatency = []);
    const now = () => performance.timeOrigin + performance.now();
    const read = ${read};
    let last = read().key;
    new MutationObserver(() => {
      const t = now();
      const { key, extra } = read();
      if (key === last || key === '') return;
      last = key;
      const rec = { key, extra, dom: t, frame: 0 };
      recs.push(rec);
      requestAnimationFrame(() => (rec.frame = now()));
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['data-last-time'] });
    return true;
  })()`;
}

async function observe(page: Page, kind: 'main' | 'chart', symbol: string): Promise<void> {
  if ((await page.evaluate(observerScript(kind, symbol))) !== true) throw new Error(`observer not installed in the ${kind} window`);
}

/** Page clock minus Node clock, from the round trip with the smallest RTT. */
async function clockOffset(page: Page): Promise<{ offsetMs: number; rttMs: number }> {
  let best = { offsetMs: 0, rttMs: Infinity };
  for (let i = 0; i < 20; i++) {
    const a = wallNow();
    const p = (await page.evaluate('performance.timeOrigin + performance.now()')) as number;
    const b = wallNow();
    if (b - a < best.rttMs) best = { offsetMs: p - (a + b) / 2, rttMs: b - a };
  }
  return { offsetMs: Math.round(best.offsetMs * 100) / 100, rttMs: Math.round(best.rttMs * 100) / 100 };
}

const stats = (xs: number[]): Record<string, number> => latencyStats(xs, [50, 90, 99]);

async function main(): Promise<Record<string, unknown>> {
  const head = { bench: 'ui-latency', speedBarsPerSec: SPEED, seconds: SECONDS };
  if (!existsSync(CHROMIUM)) return { ...head, skipped: `no Chromium at ${CHROMIUM}` };
  const buildStart = performance.now();
  const staticDir = await buildRenderer();
  const buildSeconds = round1((performance.now() - buildStart) / 1000);

  const dataDir = mkdtempSync(join(tmpdir(), 'libra-bench-'));
  const k = new Kernel({ dataDir, risk: firstRunRisk(50_000) });
  k.ensureDataDir();
  const session = await k.startPaperReplay({
    time: { now: () => Date.now(), schedule: (ms, fn) => { const t = setTimeout(fn, ms); return () => clearTimeout(t); } },
    speed: SPEED,
  });
  // Engine-side stamps, subscribed before the host so it runs first on each bar.
  const published: { key: string; openTime: number; close: number; t: number }[] = [];
  const offBus = session.node.bus.subscribe(Topics.bars(session.instrument.id, session.timeframe), (bar) => {
    published.push({ key: fmtTime(bar.ts), openTime: bar.openTime, close: bar.close, t: wallNow() });
  });
  const host = new EngineHost(session, { kernel: k });
  const server = await startWsServer({ host, port: 0, hostname: '127.0.0.1', staticDir });
  const browser = await launchBrowser();
  try {
    const u = new URL(server.url);
    const token = u.searchParams.get('token') ?? '';
    // One context per window: in one context the second page would leave the first a hidden
    // background tab, whose rAF (and RTK's rAF-batched notifications) Chromium throttles.
    const main = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await main.goto(`${u.origin}/?token=${token}`);
    await main.waitForSelector('[data-testid="last-price"]', { timeout: 30_000 });
    const chart = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await chart.goto(`${u.origin}/chart?token=${token}&instrument=${encodeURIComponent(session.instrument.id)}&timeframe=${session.timeframe}`);
    // (a selector, not waitForFunction: the served CSP forbids the eval that a string predicate needs)
    await chart.waitForSelector('[data-testid="chart"]:not([data-bars="0"])', { timeout: 30_000 });
    await observe(main, 'main', session.instrument.symbol);
    await observe(chart, 'chart', session.instrument.symbol);
    const offsets = { main: await clockOffset(main), chart: await clockOffset(chart) };
    const visibility = { main: await main.evaluate('document.visibilityState'), chart: await chart.evaluate('document.visibilityState') };

    const firstIndex = published.length;
    const runStart = wallNow();
    session.start();
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    session.stop();
    const runEnd = wallNow();
    await new Promise((r) => setTimeout(r, 300)); // let the last batch reach both DOMs
    const events = published.slice(firstIndex);
    const byKey = new Map(events.map((e) => [e.key, e]));
    const byOpen = new Map(events.map((e) => [String(e.openTime), e]));

    const measure = async (page: Page, index: Map<string, (typeof events)[number]>, check: (rec: DomRecord, e: (typeof events)[number]) => boolean) => {
      const recs = (await page.evaluate('window.__libraLatency')) as DomRecord[];
      const dom: number[] = [];
      const frame: number[] = [];
      let consistent = 0;
      for (const r of recs) {
        const e = index.get(r.key);
        if (!e) continue;
        dom.push(r.dom - e.t);
        if (r.frame > 0) frame.push(r.frame - e.t);
        if (check(r, e)) consistent++;
      }
      return { shown: dom.length, superseded: events.length - dom.length, consistent, domMs: stats(dom), nextFrameMs: stats(frame) };
    };
    const mainR = await measure(main, byKey, (r, e) => r.extra === fmtPx(e.close, 2) || r.extra === fmtPx(e.close, session.instrument.pricePrecision));
    const chartR = await measure(chart, byOpen, (r, e) => Number(r.extra) === e.close);
    const elapsed = (runEnd - runStart) / 1000;
    return {
      ...head,
      events: events.length,
      eventsPerSec: round1(events.length / elapsed),
      mainWindow: { observed: 'replay clock text + watchlist last-price cell', ...mainR, clock: offsets.main, visibility: visibility.main },
      chartWindow: { observed: 'chart data-last-time after series.update', ...chartR, clock: offsets.chart, visibility: visibility.chart },
      coalescing: `host: ≤ 1 batch per ${HOST_FRAME_MS} ms per client (ClientStream frameMs); renderer: RTK autoBatch notifies React once per animation frame (~16.7 ms) → budget ≈ ${HOST_FRAME_MS} + 16.7 ms before transport and render`,
      buildSeconds,
      note: 'in-process host (kernel + EngineHost + ws server, as libra serve wires them); page and Node share the machine clock, `clock.offsetMs` is the residual page−Node offset (±rttMs/2) and is NOT subtracted',
    };
  } finally {
    await browser.close();
    session.stop();
    offBus();
    host.dispose();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

console.log(JSON.stringify(await main()));
