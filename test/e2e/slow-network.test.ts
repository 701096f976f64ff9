/**
 * The connect races on a slow network, in Chromium through `libra serve`, with Chromium's own
 * network emulation (DevTools Network.emulateNetworkConditions, 200 ms latency on every request
 * and the WebSocket handshake): calls the windows make while the socket connects are queued and
 * answered (the chart, the Backtest panel), panels show loading and never a stale
 * DISCONNECTED; a dropped socket (cut through Playwright's WebSocket route: DevTools' offline
 * mode leaves open sockets alone) shows the last state as stale with
 * trading disabled, and on reconnect the chart refetches the bars it missed (no hole); after a
 * server restart the chart reloads and nothing of the old session stays.
 * Screenshots: artifacts/e2e/slow-*.png.
 */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, WebSocketRoute } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, CHROMIUM, ensureRendererBuilt, openMainWindow, startServe } from './support';
import type { Served } from './support';

const LATENCY = 200;
const H4 = 4 * 3_600_000;

/** Records, from the first byte of the page, every text that says the engine is not there, and the loading states shown. */
const WATCH = `(() => {
  const seen = (window.__seen = { errors: [], loading: [] });
  const scan = () => {
    const text = document.body ? document.body.innerText : '';
    for (const m of text.match(/[^\\n]*(DISCONNECTED|not connected to the engine|connection closed|connection to the engine lost)[^\\n]*/g) || []) if (!seen.errors.includes(m)) seen.errors.push(m);
    for (const m of text.match(/Connecting…[^\\n]*|connecting/g) || []) if (!seen.loading.includes(m)) seen.loading.push(m);
  };
  new MutationObserver(scan).observe(document, { subtree: true, childList: true, characterData: true });
})()`;

const chartOf = (page: Page) => page.getByTestId('docked-chart').getByTestId('chart');
const attr = async (page: Page, name: string): Promise<number> => Number(await chartOf(page).getAttribute(name));
/** The replay clock in the top bar (the close of the last released bar), as ms. */
const replayClock = async (page: Page): Promise<number> => {
  const text = (await page.getByTestId('replay').locator('.muted').first().textContent()) ?? '';
  const m = /(\d{4}-\d\d-\d\d \d\d:\d\d)/.exec(text);
  return m?.[1] ? Date.parse(`${m[1].replace(' ', 'T')}:00Z`) : Number.NaN;
};

describe.skipIf(!existsSync(CHROMIUM))('slow network (200 ms emulated latency): connect races, reconnect, restart', () => {
  it('calls made while connecting are answered; the panels load, never show DISCONNECTED', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ensureRendererBuilt();
    const served = await startServe(['--speed', '5']);
    const pageErrors: string[] = [];
    const { browser, main } = await openMainWindow(served, { width: 1280, height: 720 }, pageErrors, { latencyMs: LATENCY, beforeGoto: async (p) => void (await p.addInitScript(WATCH)) });
    try {
      // The emulation is on: a request from the page takes at least the latency.
      const fetchMs = Number(await main.evaluate('(async () => { const t = performance.now(); await fetch(location.origin + "/?probe=" + Math.random()); return performance.now() - t; })()'));
      expect(fetchMs).toBeGreaterThanOrEqual(LATENCY * 0.9);
      await expect.poll(() => attr(main, 'data-bars'), { timeout: 20_000 }).toBeGreaterThan(100);
      await expect.poll(() => main.locator('[data-testid^="bt-param-"]').count(), { timeout: 20_000 }).toBeGreaterThan(0);
      await expect.poll(() => main.getByTestId('book-bid').count(), { timeout: 15_000 }).toBe(8);
      await main.screenshot({ path: join(ARTIFACTS, 'slow-loaded.png') });
      const seen = (await main.evaluate('window.__seen')) as { errors: string[]; loading: string[] };
      expect(seen.errors).toEqual([]);
      expect(seen.loading.length).toBeGreaterThan(0); // it said it was connecting while it was
      expect(await main.getByTestId('stale-banner').count()).toBe(0);
      expect(pageErrors).toEqual([]);
    } finally {
      await browser.close();
      await served.stop();
    }
  }, 90_000);

  it('a dropped connection: stale and trading disabled; reconnected: the chart refetches the bars it missed, no hole', async () => {
    ensureRendererBuilt();
    const served = await startServe(['--speed', '20']);
    const pageErrors: string[] = [];
    // The page's WebSocket goes through Playwright's route, so the test can cut it (the page sees
    // its socket close, as on a network drop) and refuse reconnects until it lets them through.
    let cut = false;
    const live: WebSocketRoute[] = [];
    const route = async (p: Page): Promise<void> =>
      p.routeWebSocket(/\/ws/, (ws) => {
        if (cut) {
          void ws.close();
          return;
        }
        live.push(ws, ws.connectToServer());
      });
    const { browser, main } = await openMainWindow(served, { width: 1280, height: 720 }, pageErrors, { latencyMs: LATENCY, beforeGoto: route });
    try {
      await expect.poll(() => attr(main, 'data-bars'), { timeout: 20_000 }).toBeGreaterThan(100);
      const holesBefore = await attr(main, 'data-holes');
      cut = true;
      for (const ws of live.splice(0)) await ws.close();
      await main.getByTestId('stale-banner').waitFor({ timeout: 15_000 });
      expect(await main.getByTestId('submit-order').isDisabled()).toBe(true);
      expect(await main.getByTestId('panic').isDisabled()).toBe(true);
      expect(await main.getByTestId('pause-trading').isDisabled()).toBe(true);
      expect(await main.getByRole('button', { name: /^Buy/ }).last().isDisabled()).toBe(true);
      // The ticket's, the positions' and the orders' fieldsets (their row buttons) wherever the layout docks them.
      const fieldsets = main.locator('fieldset.trading-controls');
      expect(await fieldsets.count()).toBe(3);
      for (const f of await fieldsets.all()) expect(await f.getAttribute('disabled')).not.toBeNull();
      expect(await main.locator('main.terminal').getAttribute('data-stale')).toBe('true');
      await main.screenshot({ path: join(ARTIFACTS, 'slow-dropped-stale.png') });
      const shownWhileAway = await attr(main, 'data-last-time');
      await main.waitForTimeout(3_000); // ~60 bars released meanwhile
      cut = false;
      await main.getByTestId('connection').filter({ hasText: /^open$/ }).waitFor({ timeout: 20_000 });
      await main.getByTestId('stale-banner').waitFor({ state: 'detached', timeout: 10_000 });
      expect(await main.getByTestId('submit-order').isEnabled()).toBe(true);
      // Caught up with the replay, and the ~60 bars released while away are on the chart.
      await expect.poll(async () => (await replayClock(main)) - H4 - (await attr(main, 'data-last-time')), { timeout: 10_000 }).toBeLessThanOrEqual(H4);
      expect(await attr(main, 'data-last-time')).toBeGreaterThan(shownWhileAway + 20 * H4);
      expect(await attr(main, 'data-holes')).toBe(holesBefore);
      expect(pageErrors).toEqual([]);
    } finally {
      await browser.close();
      await served.stop();
    }
  }, 120_000);

  it('a restarted server: the chart reloads, nothing of the old session stays', async () => {
    ensureRendererBuilt();
    const tokenFile = join(mkdtempSync(join(tmpdir(), 'libra-slow-')), 'token');
    const first = await startServe(['--speed', '20', '--token-file', tokenFile]);
    const port = new URL(first.url).port;
    const pageErrors: string[] = [];
    const { browser, main } = await openMainWindow(first, { width: 1280, height: 720 }, pageErrors, { latencyMs: LATENCY });
    let second: Served | undefined;
    try {
      await expect.poll(() => attr(main, 'data-bars'), { timeout: 20_000 }).toBeGreaterThan(100);
      await main.waitForTimeout(3_000); // the first session runs ~60 bars ahead of its start
      await first.halt();
      await main.getByTestId('stale-banner').waitFor({ timeout: 15_000 });
      expect(await main.getByTestId('submit-order').isDisabled()).toBe(true);
      const oldLast = await attr(main, 'data-last-time');
      // The same port and token; not started: its replay stays at the end of its warm-up.
      second = await startServe(['--token-file', tokenFile, '--port', port, '--no-start']);
      await main.getByTestId('connection').filter({ hasText: /^open$/ }).waitFor({ timeout: 20_000 });
      await main.getByTestId('stale-banner').waitFor({ state: 'detached', timeout: 10_000 });
      const clock = await replayClock(main);
      await expect.poll(() => attr(main, 'data-last-time'), { timeout: 10_000 }).toBe(clock - H4);
      expect(clock - H4).toBeLessThan(oldLast - 20 * H4); // the new session is earlier: the old bars are gone
      // Not started, the new session has no book or trade yet: the old session's are gone too.
      await expect.poll(() => main.getByTestId('book-bid').count(), { timeout: 5_000 }).toBe(0);
      expect(await main.getByTestId('tape-row').count()).toBe(0);
      await main.screenshot({ path: join(ARTIFACTS, 'slow-restarted.png') });
      expect(await main.getByTestId('submit-order').isEnabled()).toBe(true);
      expect(pageErrors).toEqual([]);
    } finally {
      await browser.close();
      await second?.stop();
      await first.stop();
    }
  }, 120_000);
});
