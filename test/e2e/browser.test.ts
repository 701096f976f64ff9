/**
 * Browser mode end to end, as a user: `libra serve` + Debian's Chromium through playwright-core.
 * See candles painted, place a paper market order and see it fill and the position/PnL update,
 * submit an oversized order and see the risk gate's reason inline, open a second chart, set a
 * price alert by clicking the chart and see it fire. Screenshots go to artifacts/e2e/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, ensureRendererBuilt, startServe } from './support';
import type { Served } from './support';

const hasBrowser = existsSync(CHROMIUM);
if (!hasBrowser) console.warn(`browser e2e skipped: no Chromium at ${CHROMIUM} (set LIBRA_CHROMIUM)`);

/** Counts canvas pixels that differ from the chart background (candles actually painted). */
async function paintedPixels(page: Page): Promise<number> {
  // A string: this file compiles without the DOM lib; the code runs in the page.
  return page.evaluate<number>(`(() => {
    let painted = 0;
    for (const c of document.querySelectorAll('[data-testid="chart"] canvas')) {
      const ctx = c.getContext('2d');
      if (!ctx || c.width === 0 || c.height === 0) continue;
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      for (let i = 0; i < d.length; i += 16) {
        const r = d[i], g = d[i + 1], b = d[i + 2], a = d[i + 3];
        // candle colours (teal #26a69a / red #ef5350) are far from the dark background and grid
        if (a > 0 && ((Math.abs(r - 38) < 30 && g > 120 && b > 110) || (r > 180 && g < 120))) painted++;
      }
    }
    return painted;
  })()`);
}

describe.skipIf(!hasBrowser)('browser mode (libra serve + Chromium)', () => {
  let served: Served;
  let browser: Browser;
  let main: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ensureRendererBuilt();
    served = await startServe(['--speed', '20', '--max-notional', '50000']);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
    context.on('page', (p) => p.on('pageerror', (e) => pageErrors.push(e.message)));
    main = await context.newPage();
    await main.goto(served.url);
    await main.getByTestId('connection').filter({ hasText: /^open$/ }).waitFor({ timeout: 15_000 });
  }, 80_000);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
  });

  it('rejects WebSocket and API access without the token', async () => {
    const noToken = await fetch(`${served.origin}/api/health`);
    expect(noToken.status).toBe(401);
    const withToken = await fetch(`${served.origin}/api/health?token=${served.token}`);
    expect(withToken.status).toBe(200);
    const page = await fetch(`${served.origin}/`);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('shows the watchlist with a live last price', async () => {
    const first = await main.getByTestId('last-price').textContent();
    await expect.poll(() => main.getByTestId('last-price').textContent(), { timeout: 10_000 }).not.toBe(first);
  });

  it('places a paper market order, sees it fill and the position and PnL update', async () => {
    await main.getByTestId('quantity').fill('0.5');
    await main.getByTestId('submit-order').click();
    await expect.poll(() => main.getByTestId('ticket-status').textContent(), { timeout: 5_000 }).toMatch(/^P-\d+ (SUBMITTED|ACCEPTED)/);
    await main.getByTestId('tab-done').click();
    await expect.poll(() => main.locator('[data-testid="orders"] [data-testid="order-status"]').first().textContent(), { timeout: 10_000 }).toBe('FILLED');
    await expect.poll(() => main.locator('[data-testid="position-manual"] [data-testid="position-qty"]').textContent(), { timeout: 10_000 }).toBe('0.5');
    const pnl = main.locator('[data-testid="position-manual"] [data-testid="position-upnl"]');
    const firstPnl = await pnl.textContent();
    await expect.poll(() => pnl.textContent(), { timeout: 10_000 }).not.toBe(firstPnl);
    await main.screenshot({ path: join(ARTIFACTS, 'main-filled.png') });
  });

  it("shows the risk gate's denial reason inline for an oversized order", async () => {
    await main.getByTestId('quantity').fill('1000');
    await main.getByTestId('submit-order').click();
    await expect.poll(() => main.getByTestId('ticket-status').textContent(), { timeout: 5_000 }).toMatch(/^MAX_NOTIONAL_EXCEEDED: /);
    await expect.poll(() => main.getByTestId('denial').first().textContent(), { timeout: 5_000 }).toContain('MAX_NOTIONAL_EXCEEDED');
    await main.screenshot({ path: join(ARTIFACTS, 'main-denied.png') });
  });

  it('opens two charts with painted candles, sets a price alert by clicking one and sees it fire', async () => {
    const openChart = async (): Promise<Page> => {
      const [popup] = await Promise.all([main.context().waitForEvent('page'), main.getByTestId('open-chart').click()]);
      await popup.setViewportSize({ width: 1100, height: 640 });
      await popup.waitForLoadState();
      await expect.poll(async () => Number(await popup.getByTestId('chart').getAttribute('data-bars')), { timeout: 15_000 }).toBeGreaterThan(100);
      return popup;
    };
    const chart1 = await openChart();
    const chart2 = await openChart();
    await expect.poll(() => paintedPixels(chart1), { timeout: 10_000 }).toBeGreaterThan(200);
    await expect.poll(() => paintedPixels(chart2), { timeout: 10_000 }).toBeGreaterThan(200);
    expect(await chart2.getByTestId('chart-symbol').textContent()).toBe('BTC/USD');
    expect(await chart2.getByTestId('chart-timeframe').textContent()).toBe('4h');
    await chart1.screenshot({ path: join(ARTIFACTS, 'chart-1.png') });

    // Click just above the last close: an 'above' alert the next bars should reach.
    const box = await chart2.getByTestId('chart').boundingBox();
    const lastY = Number(await chart2.getByTestId('chart').getAttribute('data-last-y'));
    expect(box).not.toBeNull();
    await chart2.mouse.click((box?.x ?? 0) + (box?.width ?? 0) * 0.5, (box?.y ?? 0) + lastY - 3);
    await chart2.getByTestId('confirm-alert').click();
    await expect.poll(() => chart2.getByTestId('alert-message').textContent(), { timeout: 5_000 }).toMatch(/^Alert A\d+ set/);
    await chart2.screenshot({ path: join(ARTIFACTS, 'chart-2-alert.png') });
    await expect.poll(() => main.locator('[data-testid="alerts"] [data-testid="alert-status"]').first().textContent(), { timeout: 60_000 }).toMatch(/^fired/);
    await main.screenshot({ path: join(ARTIFACTS, 'main-alert-fired.png') });
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
