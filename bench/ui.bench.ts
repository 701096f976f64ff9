/**
 * UI streaming bench (one JSON object):
 * 1. engine → window: market events fed into the EngineHost projection at ≥ 100 k/s for
 *    LIBRA_UI_BENCH_SECONDS (default 10 s — far shorter than a 10-minute soak), 3 clients each
 *    serialising every message as the WebSocket would; reports batches/s per client (must stay
 *    ≤ 60), coalescing ratio and heap/RSS over the run.
 * 2. cold start: `libra serve` spawn → URL printed → first painted chart in headless Chromium.
 * Engine event → DOM latency p50/p99 is bench/ui-latency.bench.ts (`node bin/bench.js ui` runs
 * both); chart fps under 1 k ticks/s is bench/chart-fps.bench.ts.
 */
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { StateMessage } from '../src/shared/ipc/state-stream';
import { EngineHost } from '../src/main/host/engine-host';
import { paperSession } from '../src/main/host/test-support';
import { CHROMIUM, CHROMIUM_ARGS, ensureRendererBuilt, startServe } from '../test/e2e/support';

const SECONDS = Number(process.env.LIBRA_UI_BENCH_SECONDS ?? 10);
const TARGET_RATE = 120_000;
const CLIENTS = 3;

async function streaming() {
  const session = await paperSession();
  const host = new EngineHost(session);
  const id = session.instrument.id;
  const clients = Array.from({ length: CLIENTS }, () => ({ batches: 0, snapshots: 0, bytes: 0, maxBatch: 0 }));
  for (const c of clients) {
    host.connect((m: StateMessage) => {
      c.bytes += JSON.stringify(m).length;
      if (m.kind === 'batch') {
        c.batches++;
        c.maxBatch = Math.max(c.maxBatch, m.deltas.length);
      } else c.snapshots++;
    });
  }
  const heap: number[] = [];
  const rss: number[] = [];
  let events = 0;
  let last = session.history().at(-1)?.close ?? 100;
  const start = performance.now();
  const end = start + SECONDS * 1000;
  const sampler = setInterval(() => {
    heap.push(process.memoryUsage().heapUsed);
    rss.push(process.memoryUsage().rss);
  }, 250);
  await new Promise<void>((done) => {
    const pump = (): void => {
      const now = performance.now();
      if (now >= end) return done();
      // Feed in slices so timers (the per-frame flushes) run between them.
      const due = Math.ceil(((now - start) / 1000) * TARGET_RATE) - events;
      for (let i = 0; i < due; i++) {
        last += (i % 7) - 3 === 0 ? 0.01 : ((i % 7) - 3) * 0.01;
        host.broadcast({ t: 'quote', quote: { instrumentId: id, symbol: 'BTC/USD', last, reference: last, change: 0, changePct: 0, ts: events } });
        events++;
        if (events % 5000 === 0) session.release();
      }
      setImmediate(pump);
    };
    pump();
  });
  clearInterval(sampler);
  await new Promise((r) => setTimeout(r, 50));
  const elapsed = (performance.now() - start) / 1000;
  host.dispose();
  const mb = (b: number) => Math.round((b / 1048576) * 10) / 10;
  return {
    seconds: Math.round(elapsed * 10) / 10,
    clients: CLIENTS,
    eventsPerSecond: Math.round(events / elapsed),
    batchesPerSecondPerClient: clients.map((c) => Math.round((c.batches / elapsed) * 10) / 10),
    maxDeltasPerBatch: Math.max(...clients.map((c) => c.maxBatch)),
    snapshotsPerClient: clients.map((c) => c.snapshots),
    kbPerSecondPerClient: Math.round(clients[0]!.bytes / elapsed / 1024),
    heapMb: { min: mb(Math.min(...heap)), max: mb(Math.max(...heap)), last: mb(heap.at(-1) ?? 0) },
    rssMb: { min: mb(Math.min(...rss)), max: mb(Math.max(...rss)) },
    note: `${SECONDS}s run (set LIBRA_UI_BENCH_SECONDS=600 for a 10-minute soak)`,
  };
}

async function coldStart() {
  if (!existsSync(CHROMIUM)) return { skipped: `no Chromium at ${CHROMIUM}` };
  ensureRendererBuilt();
  const served = await startServe(['--speed', '2']);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
    const u = new URL(served.url);
    const t0 = performance.now();
    await page.goto(`${u.origin}/chart?token=${u.searchParams.get('token') ?? ''}`);
    // A selector, not waitForFunction: the served CSP (script-src 'self') forbids the eval a
    // string predicate needs.
    await page.waitForSelector('[data-testid="chart"]:not([data-bars="0"])', { timeout: 30_000 });
    const painted = performance.now();
    return {
      serveToUrlSeconds: Math.round((served.urlAt - served.startedAt) / 10) / 100,
      pageToFirstChartSeconds: Math.round((painted - t0) / 10) / 100,
      spawnToFirstChartSeconds: Math.round((painted - served.startedAt) / 10) / 100,
    };
  } finally {
    await browser.close();
    await served.stop();
  }
}

async function safely<T>(f: () => Promise<T>): Promise<T | { error: string }> {
  try {
    return await f();
  } catch (error) {
    return { error: error instanceof Error ? error.message.split('\n')[0] ?? error.message : String(error) };
  }
}

const result = { streaming: await streaming(), coldStart: await safely(coldStart), domLatency: 'see ui-latency' };
console.log(JSON.stringify(result));
