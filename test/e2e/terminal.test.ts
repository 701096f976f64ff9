/**
 * The trader's terminal in Chromium, as a user: the first screen after `libra serve` paints a
 * chart of the selected symbol at the centre of the main window, with the ticket, watchlist,
 * positions and orders on the same screen at 1280×720 (nothing of them below the fold) and at
 * 2560×1440; RSI picked from the list goes into a pane of its own below the price pane, and a
 * second chart (popped out) starts from the defaults, not from the first chart's picks; the OHLC
 * legend follows the crosshair. Screenshots: artifacts/e2e/terminal-*.png.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, CHROMIUM, closeServed, serveAndOpen } from './support';
import type { Served } from './support';

const hasBrowser = existsSync(CHROMIUM);
if (!hasBrowser) console.warn(`terminal e2e skipped: no Chromium at ${CHROMIUM} (set LIBRA_CHROMIUM)`);

/** Painted candle pixels (teal/red, far from the dark background) per pane canvas of the docked chart, top to bottom. */
async function paintedByPane(page: Page, testId: string): Promise<{ top: number; height: number; candles: number; lines: number }[]> {
  // A string: this file compiles without the DOM lib; the code runs in the page.
  return page.evaluate(`(() => {
    const root = document.querySelector('[data-testid="${testId}"] [data-testid="chart"]');
    if (!root) return [];
    const out = [];
    for (const c of root.querySelectorAll('canvas')) {
      const ctx = c.getContext('2d');
      if (!ctx || c.width < 200 || c.height === 0) continue;
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      let candles = 0, lines = 0;
      for (let i = 0; i < d.length; i += 16) {
        const r = d[i], g = d[i + 1], b = d[i + 2], a = d[i + 3];
        if (a === 0) continue;
        if ((Math.abs(r - 38) < 30 && g > 120 && b > 110) || (r > 180 && g < 120 && b < 120)) candles++;
        else if (Math.max(r, g, b) > 120) lines++; // bright, not a candle: an indicator line (grid and background are dark)
      }
      const box = c.getBoundingClientRect();
      out.push({ top: Math.round(box.top), height: Math.round(box.height), candles, lines });
    }
    return out;
  })()`);
}

const bottomOf = async (page: Page, testId: string): Promise<number> => {
  const box = await page.getByTestId(testId).boundingBox();
  if (!box) throw new Error(`${testId} is not on screen`);
  return box.y + box.height;
};

describe.skipIf(!hasBrowser)('the terminal (libra serve + Chromium)', () => {
  let served: Served;
  let browser: Browser;
  let main: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ({ served, browser, main } = await serveAndOpen(['--speed', '5'], { width: 1280, height: 720 }, pageErrors));
  }, 80_000);
  afterAll(() => closeServed(browser, served));

  it('paints a chart of the selected symbol on the first screen, with the trading panels above the fold at 1280×720', async () => {
    const docked = main.getByTestId('docked-chart');
    await expect.poll(async () => Number(await docked.getByTestId('chart').getAttribute('data-bars')), { timeout: 20_000 }).toBeGreaterThan(100);
    expect(await docked.getByTestId('docked-symbol').textContent()).toBe('BTC/USD');
    await expect.poll(async () => (await paintedByPane(main, 'docked-chart')).reduce((n, p) => n + p.candles, 0), { timeout: 10_000 }).toBeGreaterThan(200);
    await main.screenshot({ path: join(ARTIFACTS, 'terminal-1280x720.png') });
    for (const id of ['watchlist', 'order-ticket', 'docked-chart', 'positions', 'orders']) expect(await bottomOf(main, id), id).toBeLessThanOrEqual(720);
    await expect(main.getByRole('button', { name: /^Buy/ }).last().isVisible()).resolves.toBe(true);
    // The replay loops its bundled real L2 + trades recording: ladder, spread and tape are alive
    // around the chart's last close (prices scaled to it), with no network.
    await expect.poll(async () => main.getByTestId('book-bid').count(), { timeout: 10_000 }).toBe(8);
    expect(await main.getByTestId('book-ask').count()).toBe(8);
    await expect.poll(async () => main.getByTestId('tape-row').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    // Around the replay's price of the day, not the recording's (BTC at 30 243 USDT in 2022): the
    // last price and the best bid, read together, are within one 4h bar's move of each other.
    const num = (t: string | null) => Number((t ?? '').replace(/[^\d.]/g, ''));
    const [last, bid] = await Promise.all([main.getByTestId('watch-row').first().getByTestId('last-price').textContent(), main.getByTestId('book-bid').first().locator('td').first().textContent()]);
    expect(Math.abs(num(bid) - num(last)) / num(last)).toBeLessThan(0.1);
    await main.getByTestId('order-book').screenshot({ path: join(ARTIFACTS, 'terminal-book.png') });
    await main.getByTestId('trades-tape').screenshot({ path: join(ARTIFACTS, 'terminal-tape.png') });
  });

  it('follows the selected watchlist symbol', async () => {
    await main.locator('[data-testid="watch-row"][data-symbol="ETH/USD"]').click();
    const docked = main.getByTestId('docked-chart');
    await expect.poll(() => docked.getByTestId('docked-symbol').textContent(), { timeout: 5_000 }).toBe('ETH/USD');
    await expect.poll(async () => Number(await docked.getByTestId('chart').getAttribute('data-bars')), { timeout: 20_000 }).toBeGreaterThan(100);
    await main.locator('[data-testid="watch-row"][data-symbol="BTC/USD"]').click();
    await expect.poll(() => docked.getByTestId('docked-symbol').textContent(), { timeout: 5_000 }).toBe('BTC/USD');
  });

  it('draws RSI in a pane of its own below the price pane, and shows the OHLC of the bar under the crosshair', async () => {
    const docked = main.getByTestId('docked-chart');
    await docked.getByLabel('Add indicator').selectOption({ label: 'RSI 14' });
    await expect.poll(async () => docked.getByTestId('chart').getAttribute('data-panes'), { timeout: 20_000 }).toBe('2');
    await expect.poll(async () => Number(await docked.getByTestId('chart').getAttribute('data-bars')), { timeout: 20_000 }).toBeGreaterThan(100);
    await main.screenshot({ path: join(ARTIFACTS, 'terminal-rsi-1280x720.png') });
    await expect.poll(async () => {
      const panes = await paintedByPane(main, 'docked-chart');
      // Canvases grouped by pane (same top), top to bottom: the price pane has the candles; the
      // RSI pane below it has the indicator's line and no candle. (The last group is the time axis.)
      const byTop = new Map<number, { candles: number; lines: number }>();
      for (const p of panes) {
        const g = byTop.get(p.top) ?? { candles: 0, lines: 0 };
        byTop.set(p.top, { candles: g.candles + p.candles, lines: g.lines + p.lines });
      }
      const [price, rsi] = [...byTop.entries()].sort((a, b) => a[0] - b[0]).map(([, g]) => g);
      return price !== undefined && rsi !== undefined && price.candles > 200 && rsi.lines > 50 && rsi.candles === 0;
    }, { timeout: 10_000 }).toBe(true);
    expect(await docked.getByTestId('indicator-chip').evaluateAll((els) => els.map((e) => e.getAttribute('data-spec')))).toContain('rsi:14');

    const box = await docked.getByTestId('chart').boundingBox();
    if (!box) throw new Error('no chart box');
    const before = await docked.getByTestId('legend-close').textContent();
    await main.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3);
    await expect.poll(() => docked.getByTestId('chart').getAttribute('data-hover'), { timeout: 5_000 }).toBe('true');
    const hovered = await docked.getByTestId('ohlc-legend').textContent();
    expect(hovered).toMatch(/O [\d.]+ H [\d.]+ L [\d.]+ C [\d.]+/);
    expect(await docked.getByTestId('legend-close').textContent()).not.toBe(before);
    await main.screenshot({ path: join(ARTIFACTS, 'terminal-rsi-1280x720.png') });
  });

  it('pops the chart out into a chart window with its own indicators; charts opened later do not inherit them', async () => {
    const [popup] = await Promise.all([main.context().waitForEvent('page'), main.getByTestId('open-chart').click()]);
    await popup.waitForLoadState('domcontentloaded');
    await expect.poll(async () => Number(await popup.getByTestId('chart').getAttribute('data-bars')), { timeout: 20_000 }).toBeGreaterThan(100);
    expect(await popup.getByTestId('chart-symbol').textContent()).toBe('BTC/USD');
    expect(await popup.getByTestId('indicator-chip').evaluateAll((els) => els.map((e) => e.getAttribute('data-spec')))).toContain('rsi:14');
    // A fresh main window (the host's defaults) has no RSI: the first chart's pick stayed its own.
    const fresh = await main.context().newPage();
    await fresh.goto(served.url);
    const docked = fresh.getByTestId('docked-chart');
    await expect.poll(async () => Number(await docked.getByTestId('chart').getAttribute('data-bars')), { timeout: 20_000 }).toBeGreaterThan(100);
    const specs = await docked.getByTestId('indicator-chip').evaluateAll((els) => els.map((e) => e.getAttribute('data-spec')));
    expect(specs.length).toBeGreaterThan(0);
    expect(specs).not.toContain('rsi:14');
    expect(await docked.getByTestId('chart').getAttribute('data-panes')).toBe('1');
    await fresh.close();
    await popup.close();
  });

  it('fills a 2560×1440 screen with the chart', async () => {
    await main.setViewportSize({ width: 2560, height: 1440 });
    const docked = main.getByTestId('docked-chart');
    await expect.poll(async () => (await docked.boundingBox())?.height ?? 0, { timeout: 5_000 }).toBeGreaterThan(700);
    expect((await docked.boundingBox())?.width ?? 0).toBeGreaterThan(1500);
    await expect.poll(async () => (await paintedByPane(main, 'docked-chart')).reduce((n, p) => n + p.candles, 0), { timeout: 10_000 }).toBeGreaterThan(200);
    await main.screenshot({ path: join(ARTIFACTS, 'terminal-2560x1440.png') });
    expect(pageErrors).toEqual([]);
  });
});
