/**
 * The main window's layout, hotkeys, PANIC confirmation and keyboard rows in Chromium against
 * `libra serve`, as a user: drag a splitter, move a panel to another dock area from its menu,
 * reload and find the layout as left; save it under a name, reset, load it back; a stored layout
 * that is garbage gives the default (no crash); a 2×2 grid of charts with their own symbols, one
 * popped out and brought back; the hotkeys trade, cancel and switch symbols (never while typing);
 * PANIC asks first; rows take the focus and act on Enter/Delete. Screenshots: artifacts/e2e/layout-*.png.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, CHROMIUM, closeServed, serveAndOpen } from './support';
import type { Served } from './support';

const hasBrowser = existsSync(CHROMIUM);
if (!hasBrowser) console.warn(`layout e2e skipped: no Chromium at ${CHROMIUM} (set LIBRA_CHROMIUM)`);

const box = async (page: Page, testId: string): Promise<{ x: number; y: number; width: number; height: number }> => {
  const b = await page.getByTestId(testId).first().boundingBox();
  if (!b) throw new Error(`${testId} is not on screen`);
  return b;
};
const dockOf = (page: Page, panel: string): Promise<string | null> => page.locator(`.dock-frame[data-panel="${panel}"]`).getAttribute('data-area');
const bars = async (page: Page, testId: string): Promise<number> => Number(await page.getByTestId(testId).getByTestId('chart').getAttribute('data-bars'));
/** A buy limit far under the market: it rests (working) however the replay moves while the test runs. */
const restingPrice = async (page: Page): Promise<string> => {
  const last = Number((await page.locator('[data-testid="watch-row"][data-symbol="BTC/USD"] [data-testid="last-price"]').textContent())?.replace(/,/g, ''));
  // Half the last price: the replay runs 5 bars (20 h of BTC) a second, so a limit only 3 % below
  // the market filled within seconds whenever the replay was in a falling stretch (CI saw it).
  return (last * 0.5).toFixed(2);
};
/** Focus on the page itself: hotkeys are typed "at the window", not into a field. */
const blur = (page: Page): Promise<unknown> => page.evaluate('document.activeElement instanceof HTMLElement && document.activeElement.blur()');

describe.skipIf(!hasBrowser)('main-window layout, hotkeys and PANIC (libra serve + Chromium)', () => {
  let served: Served;
  let browser: Browser;
  let main: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ({ served, browser, main } = await serveAndOpen(['--speed', '5'], { width: 1280, height: 720 }, pageErrors));
  }, 80_000);
  afterAll(() => closeServed(browser, served));

  it('resizes by splitter and moves a panel from its menu; both survive a reload', async () => {
    await expect.poll(() => bars(main, 'docked-chart'), { timeout: 20_000 }).toBeGreaterThan(100);
    await main.screenshot({ path: join(ARTIFACTS, 'layout-default-1280x720.png') });
    for (const id of ['watchlist', 'order-ticket', 'docked-chart', 'positions', 'orders']) {
      const b = await box(main, id);
      expect(b.y + b.height, id).toBeLessThanOrEqual(720);
    }
    const before = (await box(main, 'watchlist')).width;
    const splitter = main.getByRole('separator', { name: 'Resize the left panels' });
    const s = await splitter.boundingBox();
    if (!s) throw new Error('no splitter');
    await main.mouse.move(s.x + s.width / 2, s.y + s.height / 2);
    await main.mouse.down();
    await main.mouse.move(s.x + 60, s.y + s.height / 2, { steps: 5 });
    await main.mouse.up();
    await expect.poll(async () => (await box(main, 'watchlist')).width).toBeGreaterThan(before + 50);
    const widened = (await box(main, 'watchlist')).width;

    expect(await dockOf(main, 'book')).toBe('right');
    await main.getByRole('button', { name: 'Order book panel menu' }).click();
    await main.getByRole('menu', { name: 'Move Order book' }).getByRole('menuitem', { name: 'Move to Left' }).click();
    expect(await dockOf(main, 'book')).toBe('left');
    await main.screenshot({ path: join(ARTIFACTS, 'layout-moved-1280x720.png') });

    await main.reload();
    await main.getByTestId('connection').filter({ hasText: /^open$/ }).waitFor({ timeout: 15_000 });
    await expect.poll(() => dockOf(main, 'book')).toBe('left');
    expect(Math.abs((await box(main, 'watchlist')).width - widened)).toBeLessThanOrEqual(2);
  });

  it('saves a named layout, resets to the default and loads it back', async () => {
    await main.getByTestId('layout-menu').click();
    await main.getByLabel('Layout name').fill('book left');
    await main.getByRole('button', { name: 'Save', exact: true }).click();
    await main.getByRole('button', { name: 'Reset to default' }).click();
    await expect.poll(() => dockOf(main, 'book')).toBe('right');
    await main.getByTestId('layout-menu').click();
    await main.getByRole('button', { name: 'Load layout book left' }).click();
    await expect.poll(() => dockOf(main, 'book')).toBe('left');
    // Back to the default for the rest of the file.
    await main.getByTestId('layout-menu').click();
    await main.getByRole('button', { name: 'Reset to default' }).click();
    await expect.poll(() => dockOf(main, 'book')).toBe('right');
  });

  it('starts from the default layout when the stored one is garbage', async () => {
    await main.evaluate(`(() => { for (let i = 0; i < localStorage.length; i++) { const k = localStorage.key(i); if (k.startsWith('libra.layout')) localStorage.setItem(k, k.includes('layouts') ? '[1' : '{"areas":{"left":["nope",3]},"sizes":{"left":"x"},"grid":7}'); } })()`);
    await main.reload();
    await main.getByTestId('connection').filter({ hasText: /^open$/ }).waitFor({ timeout: 15_000 });
    await expect.poll(() => dockOf(main, 'watchlist')).toBe('left');
    expect(await dockOf(main, 'book')).toBe('right');
    expect(await main.getByTestId('chart-grid').getAttribute('data-grid')).toBe('1');
    await expect.poll(() => bars(main, 'docked-chart'), { timeout: 20_000 }).toBeGreaterThan(100);
    expect(pageErrors).toEqual([]);
  });

  it('shows a 2×2 grid of charts with their own symbols; one pops out and comes back to the grid', async () => {
    await main.getByRole('button', { name: '2×2 charts' }).click();
    for (const id of ['docked-chart', 'docked-chart-2', 'docked-chart-3', 'docked-chart-4']) await expect.poll(() => bars(main, id), { timeout: 30_000 }).toBeGreaterThan(100);
    await main.getByLabel('Chart 3 symbol').selectOption({ label: 'BTC/USD' });
    await main.getByLabel('Chart 2 symbol').selectOption({ label: 'ETH/USD' });
    await expect.poll(() => main.getByTestId('docked-chart-2').getAttribute('aria-label')).toBe('Chart ETH/USD');
    await main.screenshot({ path: join(ARTIFACTS, 'layout-grid-1280x720.png') });
    const [popup] = await Promise.all([main.context().waitForEvent('page'), main.getByTestId('docked-chart-2').getByTestId('open-chart').click()]);
    await popup.waitForLoadState('domcontentloaded');
    await expect.poll(async () => Number(await popup.getByTestId('chart').getAttribute('data-bars')), { timeout: 20_000 }).toBeGreaterThan(100);
    expect(await popup.getByTestId('chart-symbol').textContent()).toBe('ETH/USD');
    // Back: the chart window closes itself; the docked cell kept its symbol and bars.
    await Promise.all([popup.waitForEvent('close'), popup.getByTestId('dock-back').click()]);
    expect(await main.getByTestId('docked-chart-2').getAttribute('aria-label')).toBe('Chart ETH/USD');
    await expect.poll(() => bars(main, 'docked-chart-2'), { timeout: 20_000 }).toBeGreaterThan(100);
    // The grid and each cell's symbol are part of the saved layout.
    await main.reload();
    await main.getByTestId('connection').filter({ hasText: /^open$/ }).waitFor({ timeout: 15_000 });
    await expect.poll(() => main.getByTestId('docked-chart-2').getAttribute('aria-label'), { timeout: 10_000 }).toBe('Chart ETH/USD');
    await main.setViewportSize({ width: 2560, height: 1440 });
    for (const id of ['docked-chart', 'docked-chart-4']) {
      await expect.poll(() => bars(main, id), { timeout: 30_000 }).toBeGreaterThan(100);
      expect((await box(main, id)).width, id).toBeGreaterThan(800);
    }
    await main.screenshot({ path: join(ARTIFACTS, 'layout-grid-2560x1440.png') });
    await main.setViewportSize({ width: 1280, height: 720 });
    await main.getByRole('button', { name: '1 chart' }).click();
    expect(await main.getByTestId('docked-chart-2').count()).toBe(0);
  });

  it('lists every hotkey in the help overlay and ignores keys typed into a field', async () => {
    await blur(main);
    await main.keyboard.press('?');
    const help = main.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    const text = await help.textContent();
    for (const word of ['Buy', 'Sell', 'Cancel the last', 'Cancel all', 'Close the position', 'Next symbol', 'Previous symbol']) expect(text).toContain(word);
    await main.screenshot({ path: join(ARTIFACTS, 'layout-hotkeys-help.png') });
    await main.keyboard.press('Escape');
    await expect.poll(() => help.count()).toBe(0);

    const doneBefore = await main.getByTestId('tab-done').textContent();
    await main.getByTestId('quantity').fill('');
    await main.getByTestId('quantity').type('0.01bsx');
    expect(await main.getByTestId('quantity').inputValue()).toBe('0.01bsx');
    await main.waitForTimeout(500); // give a wrongly sent order the time to show up
    expect(await main.getByTestId('tab-done').textContent()).toBe(doneBefore);
    expect(await main.getByTestId('notice').count()).toBe(0);
    await main.getByTestId('quantity').fill('0.01');
  });

  it('buys and closes with hotkeys through the risk gate, cancels the last and all working orders, and switches symbols', async () => {
    await main.getByTestId('quantity').fill('0.01');
    await blur(main);
    await main.keyboard.press('b');
    await expect.poll(() => main.getByTestId('notice').textContent(), { timeout: 10_000 }).toMatch(/^BUY 0\.01 BTC\/USD market: \S+ /); // the replay's ladder is a display recording: its hotkeys trade at market
    await expect.poll(async () => Number(await main.locator('[data-testid^="position-"][data-symbol="BTC/USD"] [data-testid="position-qty"]').first().textContent()), { timeout: 15_000 }).toBe(0.01); // shown at the lot: 0.01000000
    await main.keyboard.press('x');
    await expect.poll(() => main.getByTestId('notice').textContent(), { timeout: 10_000 }).toMatch(/^close BTC\/USD: SELL 0\.01 /);
    await expect.poll(async () => Number(await main.locator('[data-testid^="position-"][data-symbol="BTC/USD"] [data-testid="position-qty"]').first().textContent()), { timeout: 15_000 }).toBe(0);

    // Two resting limits far below the market, from the ticket.
    await main.getByTestId('order-type').selectOption('LIMIT');
    await main.getByTestId('limit-price').fill(await restingPrice(main));
    for (let i = 0; i < 3; i++) {
      await main.getByTestId('submit-order').click();
      await expect.poll(() => main.getByTestId('tab-working').textContent(), { timeout: 10_000 }).toBe(`Working (${i + 1})`);
    }
    await main.getByTestId('order-type').selectOption('MARKET');
    await blur(main);
    await main.keyboard.press('c');
    await expect.poll(() => main.getByTestId('tab-working').textContent(), { timeout: 10_000 }).toBe('Working (2)');
    expect(await main.getByTestId('notice').textContent()).toMatch(/^cancel sent for /);
    await main.keyboard.press('Shift+C');
    await expect.poll(() => main.getByTestId('tab-working').textContent(), { timeout: 10_000 }).toBe('Working (0)');
    expect(await main.getByTestId('notice').textContent()).toBe('cancel all: 2 order(s)');

    await main.keyboard.press(']');
    await expect.poll(() => main.getByTestId('ticket-symbol').textContent()).toBe('ETH/USD');
    await main.keyboard.press('[');
    await expect.poll(() => main.getByTestId('ticket-symbol').textContent()).toBe('BTC/USD');
  });

  it('reaches watchlist and order rows with the keyboard: arrows move, Enter selects, Delete cancels', async () => {
    await main.locator('[data-testid="watch-row"]').first().focus();
    await main.keyboard.press('ArrowDown');
    expect(await main.evaluate('document.activeElement.dataset.symbol')).toBe('ETH/USD');
    await main.keyboard.press('Enter');
    await expect.poll(() => main.getByTestId('ticket-symbol').textContent()).toBe('ETH/USD');
    await main.keyboard.press('ArrowUp');
    await main.keyboard.press('Enter');
    await expect.poll(() => main.getByTestId('ticket-symbol').textContent()).toBe('BTC/USD');

    await main.getByTestId('order-type').selectOption('LIMIT');
    await main.getByTestId('limit-price').fill(await restingPrice(main));
    await main.getByTestId('submit-order').click();
    await expect.poll(() => main.getByTestId('tab-working').textContent(), { timeout: 10_000 }).toBe('Working (1)');
    await main.getByTestId('order-type').selectOption('MARKET');
    await main.locator('[data-testid="orders"] tbody tr').first().focus();
    await main.screenshot({ path: join(ARTIFACTS, 'layout-row-focus.png') });
    await main.keyboard.press('Delete');
    await expect.poll(() => main.getByTestId('tab-working').textContent(), { timeout: 10_000 }).toBe('Working (0)');
  });

  it('asks before PANIC: Cancel leaves trading on, Confirm halts it', async () => {
    await main.getByTestId('panic').click();
    const dialog = main.getByRole('dialog', { name: 'PANIC' });
    await dialog.waitFor();
    await main.screenshot({ path: join(ARTIFACTS, 'layout-panic-confirm.png') });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await main.getByTestId('pause-trading').count()).toBe(1);
    await main.getByTestId('panic').click();
    await main.getByRole('dialog', { name: 'PANIC' }).getByRole('button', { name: 'Confirm PANIC' }).click();
    await expect.poll(() => main.getByTestId('notice').textContent(), { timeout: 10_000 }).toMatch(/^PANIC: cancelled \d+, flattening \d+; trading halted/);
    await expect.poll(() => main.getByTestId('resume-trading').count(), { timeout: 10_000 }).toBe(1);
    expect(pageErrors).toEqual([]);
  });
});
