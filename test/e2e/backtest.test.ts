/**
 * Backtest and Strategies panels end to end in browser mode (`libra serve` + Chromium): run a
 * backtest on the bundled sample from the panel, see its progress then the report with the price
 * chart (close, the strategy's indicators, entry and exit markers), equity and drawdown charts, buy-and-hold, monthly returns and failed orders, click a trade and see the chart tab move to it; load and start sma-cross
 * in the paper session and see it running. Screenshots go to artifacts/e2e/.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, CHROMIUM, closeServed, serveAndOpen } from './support';
import type { Served } from './support';

const hasBrowser = existsSync(CHROMIUM);
const FIXTURES = resolve(fileURLToPath(new URL('../fixtures/strategies', import.meta.url)));
/** freqtrade's test data (real Binance XRP/ETH trades), a folder the panel may read with --allow-dir. */
const FREQTRADE = resolve(fileURLToPath(new URL('../../../shared/data/freqtrade', import.meta.url)));

/** Non-background canvas pixels inside an element (something was painted). */
async function painted(page: Page, testId: string): Promise<number> {
  return page.evaluate<number>(`(() => {
    let n = 0;
    for (const c of document.querySelectorAll('[data-testid="${testId}"] canvas')) {
      const ctx = c.getContext('2d');
      if (!ctx || c.width === 0 || c.height === 0) continue;
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      for (let i = 0; i < d.length; i += 16) if (d[i + 3] > 0 && (d[i] > 60 || d[i + 1] > 60 || d[i + 2] > 80)) n++;
    }
    return n;
  })()`);
}

/** Canvas pixels inside an element within ±24 per channel of an `#rrggbb` colour (a line of that colour was drawn). */
async function pixelsOf(page: Page, testId: string, hex: string): Promise<number> {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return page.evaluate<number>(`(() => {
    let n = 0;
    for (const c of document.querySelectorAll('[data-testid="${testId}"] canvas')) {
      const ctx = c.getContext('2d');
      if (!ctx || c.width === 0 || c.height === 0) continue;
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 200 && Math.abs(d[i] - ${r}) < 24 && Math.abs(d[i + 1] - ${g}) < 24 && Math.abs(d[i + 2] - ${b}) < 24) n++;
    }
    return n;
  })()`);
}

describe.skipIf(!hasBrowser)('backtest and strategies panels (libra serve + Chromium)', () => {
  let served: Served;
  let browser: Browser;
  let main: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ({ served, browser, main } = await serveAndOpen(['--speed', '20', ...(existsSync(FREQTRADE) ? ['--allow-dir', FREQTRADE] : [])], { width: 1500, height: 1300 }, pageErrors));
  }, 80_000);
  afterAll(() => closeServed(browser, served));

  it('shows a clear error for a missing data file', async () => {
    await main.getByTestId('bt-data').selectOption('__path__');
    try {
      // Under the data folder (which libra serve reads): missing.
      const missing = join(served.dataDir, 'no-such-data.csv');
      await main.getByTestId('bt-data-path').fill(missing);
      await main.getByTestId('bt-run').click();
      await expect.poll(() => main.getByTestId('bt-error').textContent(), { timeout: 5_000 }).toBe(`DATA_NOT_FOUND: no file at ${missing}`);
      // Outside the data folder, the samples and --allow-dir folders: refused, naming the path.
      await main.getByTestId('bt-data-path').fill('/etc/passwd');
      await main.getByTestId('bt-run').click();
      await expect.poll(() => main.getByTestId('bt-error').textContent(), { timeout: 5_000 }).toMatch(/^DATA_NOT_ALLOWED: \/etc\/passwd is outside the folders/);
      expect(await main.getByTestId('bt-error').textContent()).not.toMatch(/root/);
    } finally {
      await main.getByTestId('bt-data').selectOption({ index: 0 });
    }
  });

  it('runs a backtest on the bundled sample: progress, then stats, equity and drawdown charts', async () => {
    await expect.poll(() => main.getByTestId('bt-param-fast').inputValue(), { timeout: 5_000 }).toBe('10');
    await main.getByTestId('bt-param-slow').fill('30');
    await main.getByTestId('bt-run').click();
    await main.getByTestId('bt-progress').waitFor({ timeout: 5_000 });
    await main.screenshot({ path: join(ARTIFACTS, 'backtest-progress.png') });
    await main.getByTestId('bt-report').waitFor({ timeout: 30_000 });
    expect(await main.getByTestId('bt-status').textContent()).toBe('done');
    expect(await main.getByTestId('stat-total-return').textContent()).toMatch(/%$/);
    expect(await main.getByTestId('bt-trade').count()).toBeGreaterThan(10);
    await expect.poll(() => painted(main, 'bt-equity'), { timeout: 5_000 }).toBeGreaterThan(200);
    await expect.poll(() => painted(main, 'bt-drawdown'), { timeout: 5_000 }).toBeGreaterThan(200);
    // Buy-and-hold: a dashed line on the equity chart and its stats beside the strategy's.
    expect(Number(await main.getByTestId('bt-equity').getAttribute('data-overlay-points'))).toBeGreaterThan(100);
    expect(await main.getByTestId('bt-benchmark-row').textContent()).toMatch(/^Buy and hold[\d,.]+-?[\d.]+%/);
    // Monthly returns: one row per year of the sample, a cell per month with data.
    expect(await main.getByTestId('bt-monthly-year').count()).toBeGreaterThan(1);
    expect(await main.getByTestId('bt-monthly').locator('td.num:not(:empty)').count()).toBeGreaterThan(12);
    expect(await main.getByTestId('bt-order-counts').textContent()).toMatch(/^Orders: \d+ \(0 cancelled, 0 rejected, 0 denied\)$/);
    expect(await main.getByTestId('bt-order-warning').count()).toBe(0);
    await main.getByTestId('bt-report').scrollIntoViewIfNeeded();
    await main.screenshot({ path: join(ARTIFACTS, 'backtest-report.png'), fullPage: true });
  }, 60_000);

  it("shows the report's price chart: close, the strategy's two SMAs and every trade's entry and exit", async () => {
    const price = main.getByTestId('bt-price');
    await price.waitFor({ timeout: 5_000 });
    expect(await main.getByTestId('bt-price-legend').textContent()).toMatch(/^Price BTC\/USD \(log scale\): close · sma_10 · sma_30 · ▲ buy · ▼ sell$/);
    // BTC from 450 to 115 000 USD: a logarithmic axis, or the first years would be a flat line.
    expect(await price.getAttribute('data-scale')).toBe('log');
    // The same series as the equity chart's time axis (downsampled like it), and both SMAs, each
    // one point per drawn bucket at most.
    const points = Number(await price.getAttribute('data-points'));
    expect(points).toBeGreaterThan(500);
    expect(points).toBeLessThanOrEqual(2000);
    const lines = ((await price.getAttribute('data-indicators')) ?? '').split(',').map((x) => x.split(':'));
    expect(lines.map(([name]) => name)).toEqual(['sma_10', 'sma_30']);
    for (const [, n] of lines) expect(Number(n)).toBeGreaterThan(500);
    // One marker per entry and per exit of the listed trades (all of them: fewer than 1000 here).
    const trades = await main.getByTestId('bt-trade').count();
    const open = await main.getByTestId('bt-trade').filter({ hasText: /open/ }).count();
    expect(Number(await price.getAttribute('data-markers'))).toBe(2 * trades - open);
    // Drawn: the close line and buy (green) and sell (red) arrows over the whole period.
    await expect.poll(() => painted(main, 'bt-price'), { timeout: 5_000 }).toBeGreaterThan(500);
    expect(await pixelsOf(main, 'bt-price', '#26a69a')).toBeGreaterThan(50);
    expect(await pixelsOf(main, 'bt-price', '#ef5350')).toBeGreaterThan(50);
    // Nine years at panel width are one blur; the wheel zooms in and the two SMAs separate from
    // the close, each in its legend colour. Double-click fits everything again.
    const full = [Number(await price.getAttribute('data-visible-from')), Number(await price.getAttribute('data-visible-to'))] as const;
    const box = await price.boundingBox();
    if (!box) throw new Error('no price chart box');
    await price.scrollIntoViewIfNeeded();
    const inView = await price.boundingBox();
    await main.mouse.move((inView?.x ?? box.x) + box.width * 0.5, (inView?.y ?? box.y) + box.height * 0.5);
    for (let i = 0; i < 40; i++) await main.mouse.wheel(0, -400);
    await expect.poll(async () => Number(await price.getAttribute('data-visible-to')) - Number(await price.getAttribute('data-visible-from')), { timeout: 5_000 }).toBeLessThan((full[1] - full[0]) / 8);
    await expect.poll(() => pixelsOf(main, 'bt-price', '#f5a623'), { timeout: 5_000 }).toBeGreaterThan(150);
    expect(await pixelsOf(main, 'bt-price', '#b48ead')).toBeGreaterThan(150);
    expect(await pixelsOf(main, 'bt-price', '#c9d1d9')).toBeGreaterThan(150);
    await main.getByTestId('bt-report').screenshot({ path: join(ARTIFACTS, 'backtest-price-chart-zoomed.png') });
    await price.dblclick();
    await expect.poll(async () => Number(await price.getAttribute('data-visible-to')) - Number(await price.getAttribute('data-visible-from')), { timeout: 5_000 }).toBeGreaterThan((full[1] - full[0]) * 0.95);
    // Beside the equity chart, in the same column, no narrower than it.
    const p = await price.boundingBox();
    const e = await main.getByTestId('bt-equity').boundingBox();
    expect(p && e && Math.abs(p.x - e.x) < 2 && p.width >= e.width - 2 && p.y < e.y).toBe(true);
    await main.getByTestId('bt-report').screenshot({ path: join(ARTIFACTS, 'backtest-price-chart.png') });
  }, 30_000);

  it('clicking a trade row opens the chart at that trade, and another row moves it', async () => {
    const rows = main.getByTestId('bt-trade');
    const entryOf = async (i: number) => Date.parse(`${(await rows.nth(i).locator('td').nth(2).textContent()) ?? ''}Z`);
    const [chart] = await Promise.all([main.context().waitForEvent('page'), rows.nth(4).click()]);
    await chart.setViewportSize({ width: 1100, height: 640 });
    const canvas = chart.getByTestId('backtest-chart');
    await canvas.waitFor({ timeout: 15_000 });
    expect(await canvas.getAttribute('data-focus-trade')).toBe('4');
    const entry4 = await entryOf(4);
    const from = Number(await canvas.getAttribute('data-visible-from'));
    const to = Number(await canvas.getAttribute('data-visible-to'));
    expect(from).toBeLessThanOrEqual(entry4);
    expect(to).toBeGreaterThan(entry4);
    expect(to - from).toBeLessThan(200 * 86_400_000);
    await expect.poll(() => chart.getByTestId('bt-focus').textContent(), { timeout: 5_000 }).toMatch(/^trade #5 LONG/);
    await chart.screenshot({ path: join(ARTIFACTS, 'backtest-chart-trade-5.png') });

    await rows.nth(12).click();
    await expect.poll(() => chart.getByTestId('backtest-chart').getAttribute('data-focus-trade'), { timeout: 10_000 }).toBe('12');
    const entry12 = await entryOf(12);
    const from12 = Number(await chart.getByTestId('backtest-chart').getAttribute('data-visible-from'));
    const to12 = Number(await chart.getByTestId('backtest-chart').getAttribute('data-visible-to'));
    expect(from12).toBeLessThanOrEqual(entry12);
    expect(to12).toBeGreaterThan(entry12);
    expect(from12).toBeGreaterThan(to);
    expect(main.context().pages().length).toBe(2);
    await chart.screenshot({ path: join(ARTIFACTS, 'backtest-chart-trade-13.png') });
  }, 60_000);

  it('lists the failed orders of a strategy whose orders keep failing, with reasons and the warning', async () => {
    await main.getByTestId('bt-strategy').selectOption('__path__');
    await main.getByTestId('bt-strategy-path').fill(join(FIXTURES, 'overspend.ts'));
    await expect.poll(() => main.getByTestId('bt-run').isEnabled(), { timeout: 10_000 }).toBe(true);
    await main.getByTestId('bt-run').click();
    await main.getByTestId('bt-order-warning').waitFor({ timeout: 30_000 });
    expect(await main.getByTestId('bt-order-warning').textContent()).toMatch(/^\d+ of \d+ orders failed .*most often .*insufficient/);
    expect(await main.getByTestId('bt-order-counts').textContent()).toMatch(/^Orders: (\d+) \(\1 cancelled, 0 rejected, 0 denied\)$/);
    const rows = main.getByTestId('bt-failed-order');
    expect(await rows.count()).toBe(50);
    expect(await main.getByTestId('bt-failed-orders').locator('caption').textContent()).toMatch(/^First 50 of \d{3,} orders cancelled, rejected or denied$/);
    expect(await rows.first().textContent()).toMatch(/BUYCANCELEDinsufficient USD: need [\d.]+, have 10000$/);
    await main.getByTestId('bt-order-issues').scrollIntoViewIfNeeded();
    await main.screenshot({ path: join(ARTIFACTS, 'backtest-failed-orders.png'), fullPage: true });
    await main.getByTestId('bt-strategy').selectOption('sma-cross');
  }, 60_000);

  it.skipIf(!existsSync(FREQTRADE))('backtests a bar strategy on a trades file: bars built from the trades, the report, and a chart of them', async () => {
    await main.getByTestId('bt-data').selectOption('__path__');
    try {
      await main.getByTestId('bt-data-path').fill(join(FREQTRADE, 'XRP_ETH-trades.json.gz'));
      await main.getByTestId('bt-param-fast').fill('3');
      await main.getByTestId('bt-param-slow').fill('8');
      await main.getByTestId('bt-capital').fill('1');
      await main.getByTestId('bt-run').click();
      // The report of this run (the one before it is on screen until then): 1m bars built from the trades.
      await expect.poll(() => main.getByTestId('bt-report').locator('div.muted').first().textContent(), { timeout: 30_000 }).toMatch(/^sma-cross fast=3 slow=8 · XRP\/ETH 1m · 14,946 events/);
      expect(await main.getByTestId('bt-status').textContent()).toBe('done');
      const rows = main.getByTestId('bt-trade');
      expect(await rows.count()).toBeGreaterThan(10);
      expect(await rows.first().getAttribute('title')).toBe('Show this trade on the chart');
      // P&L in ETH at a 1-ETH account's scale (4 decimals), not rounded to 0.00.
      expect(await rows.first().locator('td').last().textContent()).toMatch(/^-?0\.\d{4}$/);
      expect(await rows.first().locator('td').last().textContent()).not.toMatch(/^-?0\.0000$/);
      // The chart window of an earlier run is reused when it is open: close it, so this run opens its own.
      for (const p of main.context().pages()) if (p !== main) await p.close();
      const [chart] = await Promise.all([main.context().waitForEvent('page'), rows.nth(2).click()]);
      await chart.setViewportSize({ width: 1100, height: 640 });
      await chart.getByTestId('backtest-chart').waitFor({ timeout: 15_000 });
      await expect.poll(() => chart.getByTestId('bt-focus').textContent(), { timeout: 5_000 }).toMatch(/^trade #3 LONG/);
      expect(await chart.getByTestId('bt-focus').textContent()).toMatch(/ -?0\.\d{4}$/);
      await chart.screenshot({ path: join(ARTIFACTS, 'backtest-trades-file-chart.png') });
      await chart.close();
    } finally {
      await main.getByTestId('bt-data').selectOption({ index: 0 });
      await main.getByTestId('bt-capital').fill('10000');
      await main.getByTestId('bt-param-fast').fill('10');
      await main.getByTestId('bt-param-slow').fill('30');
    }
  }, 60_000);

  it('loads sma-cross into the paper session, starts it and lists it running; bad input shows inline', async () => {
    await main.getByTestId('st-ref').fill('./no/such-strategy.ts');
    await main.getByTestId('st-load').click();
    await expect.poll(() => main.getByTestId('st-error').textContent(), { timeout: 5_000 }).toMatch(/^STRATEGY_INVALID: strategy file not found: /);
    await main.getByTestId('st-ref').fill('sma-cross');
    await main.getByTestId('st-load').click();
    await main.getByTestId('st-param-fast').fill('40');
    await main.getByTestId('st-start').click();
    await expect.poll(() => main.getByTestId('st-error').textContent(), { timeout: 5_000 }).toMatch(/^PARAM_INVALID: fast \(40\) must be smaller than slow \(30\)/);
    await main.getByTestId('st-param-fast').fill('5');
    await main.getByTestId('st-param-slow').fill('12');
    await main.getByTestId('st-start').click();
    const item = main.getByTestId('strategy-sma-cross-1');
    await expect.poll(() => item.getByTestId('st-state').textContent(), { timeout: 5_000 }).toBe('running');
    expect(await item.textContent()).toContain('fast=5 slow=12');
    await main.getByTestId('strategies-panel').scrollIntoViewIfNeeded();
    await main.screenshot({ path: join(ARTIFACTS, 'strategies-running.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 40_000);
});
