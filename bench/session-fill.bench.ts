/**
 * Venue fill → DOM latency through `libra serve --config` (one JSON object). The loopback
 * Binance simulator runs in this process; `libra serve --config live.json` runs as its own
 * process (as a user starts it) with a live venue on the simulator; headless Chromium opens
 * the main window.
 *
 * Per fill: a limit buy of 0.001 BTC placed from the order ticket rests at the simulator; then
 * the bench prints a trade through it, stamping `t0` just before (the simulator fills the order
 * and sends the executionReport on the user-data WebSocket at once). The DOM side is a
 * MutationObserver on the position's quantity cell, which shows the new quantity
 * (k × 0.001) in the React commit after the fill arrives: venue WS → ccxt.pro → execution
 * client → engine → host projection → coalesced batch → WebSocket → renderer → DOM. Both clocks
 * are `performance.timeOrigin + performance.now()` on the same machine (not corrected).
 * Env: LIBRA_SESSION_FILLS (40).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_API_KEY, DEFAULT_SECRET, startBinanceSim } from '../test/sim/binance';
import { ensureRendererBuilt, startServe } from '../test/e2e/support';
import { until } from '../test/support/until';
import { latencyStats, launchBrowser, round1, ROOT } from './pages/support';

const FILLS = Number(process.env.LIBRA_SESSION_FILLS ?? 40);
const PASSPHRASE = 'bench passphrase';
const wallNow = (): number => performance.timeOrigin + performance.now();

const stats = (xs: readonly number[]): Record<string, number> => latencyStats(xs, [50, 90, 99]);

async function main(): Promise<Record<string, unknown>> {
  ensureRendererBuilt();
  const sim = await startBinanceSim({ balances: { USDT: 100_000, BTC: 0, ETH: 0 } });
  sim.setPrice('BTCUSDT', 60_000);
  const dir = mkdtempSync(join(tmpdir(), 'libra-bench-session-'));
  const added = spawnSync(process.execPath, [join(ROOT, 'bin/libra.js'), 'keys', 'add', '--id', 'sim', '--venue', 'binance', '--environment', 'production', '--data-dir', dir], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, LIBRA_KEY_PASSPHRASE: PASSPHRASE, LIBRA_API_KEY: DEFAULT_API_KEY, LIBRA_API_SECRET: DEFAULT_SECRET },
  });
  if (added.status !== 0) throw new Error(`libra keys add failed: ${added.stderr}`);
  const u = sim.ccxtUrls;
  writeFileSync(
    join(dir, 'live.json'),
    JSON.stringify({
      accountCurrency: 'USDT',
      venues: [{ ccxtId: 'binance', name: 'BINANCE', mode: 'live', keyId: 'sim', allowUnknownWithdrawal: true, restUrls: { public: u.public, private: u.private, v1: u.v1 }, wsUrls: { spot: u.ws.spot, 'ws-api': u.ws['ws-api'] }, symbols: ['BTC/USDT'] }],
      risk: { defaults: { maxOrderNotional: 50_000 } },
      record: false,
    }),
  );
  const served = await startServe(['--config', join(dir, 'live.json'), '--keys', join(dir, 'keys.json')], { LIBRA_KEY_PASSPHRASE: PASSPHRASE });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    await page.goto(served.url);
    await page.getByTestId('connection').filter({ hasText: /^open$/ }).waitFor({ timeout: 30_000 });
    await page.getByTestId('venue-BINANCE').filter({ hasText: /live CONNECTED/ }).waitFor({ timeout: 30_000 });
    const ticket = page.getByTestId('order-ticket');
    await ticket.getByLabel('Type').selectOption({ label: 'Limit' });
    await ticket.getByRole('textbox', { name: 'Quantity', exact: true }).fill('0.001');
    await ticket.getByRole('textbox', { name: 'Limit price' }).fill('59000');
    // Every text the position's quantity cell shows, with its time (a string: no tsx helpers in the page).
    await page.evaluate(`(() => {
      window.__qty = [];
      const seen = () => {
        const el = document.querySelector('[data-testid="position-manual"] [data-testid="position-qty"]');
        const t = el ? el.textContent : null;
        const last = window.__qty.at(-1);
        if (t && (!last || last.text !== t)) window.__qty.push({ text: t, t: performance.timeOrigin + performance.now() });
      };
      new MutationObserver(seen).observe(document.body, { subtree: true, childList: true, characterData: true });
    })()`);
    const sent: { qty: number; t0: number }[] = [];
    const submit = ticket.getByRole('button', { name: /^Buy 0\.001/ });
    const started = wallNow();
    for (let k = 1; k <= FILLS; k++) {
      await submit.click();
      await until(() => sim.openOrders('BTCUSDT').length === 1, 10_000, `order ${k} at the simulator`, 10);
      const t0 = wallNow();
      sim.trade('BTCUSDT', 59_000, 0.001);
      sent.push({ qty: k * 0.001, t0 });
      await until(async () => ((await page.evaluate('window.__qty.length')) as number) >= k, 10_000, `fill ${k} in the window`, 10);
    }
    const elapsed = (wallNow() - started) / 1000;
    // The server prints `<ISO time> FILL …` when the engine applies a fill (ms resolution, same clock).
    const fillLines = [...served.output().matchAll(/^(\S+) FILL /gm)].map((m) => Date.parse(m[1] ?? ''));
    const toEngine: number[] = [];
    const engineToDom: number[] = [];
    const seen = (await page.evaluate('window.__qty')) as { text: string; t: number }[];
    const latencies: number[] = [];
    let consistent = 0;
    for (const s of sent) {
      const hit = seen.find((r) => Math.abs(Number(r.text.replace(/,/g, '')) - s.qty) < 5e-5 || Math.abs(Number(r.text.replace(/,/g, '')) - s.qty * 0.999) < 5e-5);
      if (!hit) continue;
      consistent++;
      latencies.push(hit.t - s.t0);
      const applied = fillLines[sent.indexOf(s)];
      if (applied !== undefined && Number.isFinite(applied)) {
        toEngine.push(applied - s.t0);
        engineToDom.push(hit.t - applied);
      }
    }
    return {
      fills: FILLS,
      shown: consistent,
      seconds: round1(elapsed),
      fillToDomMs: stats(latencies),
      byStage: {
        venueToEngineMs: stats(toEngine),
        engineToDomMs: stats(engineToDom),
        note: 'split at the server\'s FILL log line (its ISO time has 1 ms resolution)',
      },
      path: 'simulator executionReport (user-data WS) → ccxt.pro watchOrders/watchMyTrades → CcxtExecutionClient → ExecutionEngine/Portfolio → EngineHost projection → ClientStream (≤ 1 batch / 16 ms) → WebSocket → renderer store → React commit (position quantity cell)',
      note: '`libra serve --config` as its own process, simulator in the bench process, same machine clock for Node and page (not corrected)',
    };
  } finally {
    await browser.close();
    await served.stop();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const loadBefore = loadavg().map((x) => Math.round(x * 100) / 100);
const result = await main();
// The machine's load before and after: a latency figure means little without it (2 shared cores).
console.log(JSON.stringify({ ...result, loadAverage: { before: loadBefore, after: loadavg().map((x) => Math.round(x * 100) / 100), cpus: cpus().length } }));
