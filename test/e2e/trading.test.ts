/**
 * Trading from the terminal in Chromium, as a trader does it, against `libra serve` (the paper
 * replay): the ticket's available balance, size by % of it, cost and fee; a toast that follows
 * each order to its end (never green before the fill; a denial red with its reason); Alt+click
 * on the chart places a limit after a confirmation (none with one-click trading on); dragging
 * the order's line amends it, and a drag the gate refuses snaps back with the reason; the orders
 * row edits the quantity inline, shows TIF and a stop-limit's trigger; a popped-out chart window
 * trades the same way; Cancel all; Close position; paging past 100 rows. Screenshots: artifacts/e2e/trading-*.png.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, CHROMIUM, ensureRendererBuilt, openMainWindow, startServe } from './support';
import type { Served } from './support';

const hasBrowser = existsSync(CHROMIUM);
if (!hasBrowser) console.warn(`trading e2e skipped: no Chromium at ${CHROMIUM} (set LIBRA_CHROMIUM)`);

const num = (text: string | null): number => Number((text ?? '').replace(/[^\d.-]/g, ''));

interface OrderLine {
  readonly id: string;
  readonly field: string;
  readonly price: number;
  readonly y: number;
}

describe.skipIf(!hasBrowser)('trading from the terminal (libra serve + Chromium)', () => {
  let served: Served;
  let browser: Browser;
  let main: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ensureRendererBuilt();
    served = await startServe(['--speed', '1']);
    ({ browser, main } = await openMainWindow(served, { width: 1400, height: 860 }, pageErrors));
    // A control that is not there fails its step with a message, well inside the test's time.
    main.setDefaultTimeout(8_000);
    await main.locator('[data-testid="docked-chart"] [data-testid="chart"]:not([data-bars="0"])').waitFor({ timeout: 20_000 });
  }, 80_000);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
  });

  const ticket = (): Locator => main.getByTestId('order-ticket');
  const chart = (): Locator => main.getByTestId('docked-chart').getByTestId('chart');
  const lastToast = (): Locator => main.getByTestId('order-toast').last();
  const orderRow = (id: string): Locator => main.getByTestId(`order-${id}`);
  const orderLines = async (): Promise<OrderLine[]> => JSON.parse((await chart().getAttribute('data-order-lines')) ?? '[]') as OrderLine[];
  /**
   * A y in the chart near `lastY + below` (clamped inside it) that is clear of every order line:
   * a click within a few pixels of a line grabs the line (a drag to amend) instead of placing.
   */
  const clearY = async (on: Locator, lastY: number, below: number, height: number): Promise<number> => {
    const lines = JSON.parse((await on.getAttribute('data-order-lines')) ?? '[]') as OrderLine[];
    for (const step of [0, 24, -24, 48, -48, 72]) {
      const y = Math.min(height - 40, lastY + below + step);
      if (y > lastY + 20 && lines.every((l) => Math.abs(l.y - y) > 14)) return y;
    }
    throw new Error('no free spot below the last price in the chart');
  };
  const last = async (): Promise<number> => Number(await chart().getAttribute('data-last-close'));

  /** Every kind a toast took, in order (a fill can be quicker than any poll). */
  const watchToasts = (): Promise<void> =>
    main.evaluate(`(() => {
      window.__toastKinds = {};
      const seen = () => { for (const el of document.querySelectorAll('[data-testid="order-toast"]')) { const id = el.dataset.order || '?'; const k = (window.__toastKinds[id] ||= []); if (k.at(-1) !== el.dataset.kind) k.push(el.dataset.kind); } };
      new MutationObserver(seen).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
      seen();
    })()`);
  const toastOrders = (): Promise<string[]> => main.getByTestId('order-toast').evaluateAll((els) => els.map((e) => e.getAttribute('data-order') ?? ''));
  /** The id of the order a new toast follows (one not among `seen`), once it appears. */
  const newToastOrder = async (seen: readonly string[]): Promise<string> => {
    let id = '';
    await expect.poll(async () => (id = (await toastOrders()).find((o) => o !== '' && !seen.includes(o)) ?? ''), { timeout: 10_000 }).not.toBe('');
    return id;
  };
  const toastKinds = (id: string): Promise<string[]> => main.evaluate<string[]>(`window.__toastKinds[${JSON.stringify(id)}] || []`);

  it('shows the available balance, sizes by % of it, and estimates cost and fee', async () => {
    expect(num(await ticket().getByTestId('ticket-available').textContent())).toBe(10_000);
    await ticket().getByTestId('size-pct').fill('10');
    expect(await ticket().getByTestId('size-pct-value').textContent()).toBe('10%');
    const qty = Number(await ticket().getByLabel('Quantity', { exact: true }).inputValue());
    const px = await last();
    // 10 % of 10,000 USD with the 10 bps taker fee at the last price (the exact rounding down to the
    // lot is order-ticket.test.ts's); the replay may have moved a bar since, so within a few percent.
    expect(Math.abs((qty * px * 1.001) / 1000 - 1)).toBeLessThan(0.05);
    const cost = num(await ticket().getByTestId('ticket-cost').textContent());
    expect(Math.abs(cost / (qty * px) - 1)).toBeLessThan(0.05);
    const fee = num(await ticket().getByTestId('ticket-fee').textContent());
    expect(Math.abs(fee / (cost * 0.001) - 1)).toBeLessThan(0.05);
    expect(await ticket().getByTestId('ticket-estimate').textContent()).toMatch(/\(10 bps taker\)/);
  });

  it('follows a market buy to its fill in a toast, never green before it, and formats the position at the lot', async () => {
    await watchToasts();
    await ticket().getByLabel('Quantity', { exact: true }).fill('0.5');
    await ticket().getByRole('button', { name: /^Buy 0\.5 BTC/ }).click();
    await expect.poll(() => lastToast().getAttribute('data-kind'), { timeout: 15_000 }).toBe('filled');
    const id = (await lastToast().getAttribute('data-order')) ?? '';
    expect(id).toMatch(/^P-\d+$/);
    expect(await lastToast().getByTestId('toast-text').textContent()).toMatch(/^FILLED 0\.5\d* @ [\d,]+\.\d{2}$/);
    const kinds = await toastKinds(id);
    expect(kinds.at(-1)).toBe('filled');
    expect(kinds.slice(0, -1).every((k) => k === 'pending' || k === 'working')).toBe(true);
    expect(await ticket().getByTestId('ticket-status').textContent()).toMatch(new RegExp(`^${id} FILLED`));
    const position = main.locator('[data-testid="position-manual"][data-symbol="BTC/USD"]');
    await expect.poll(() => position.getByTestId('position-qty').textContent(), { timeout: 10_000 }).toMatch(/^0\.50*$/);
  });

  it('shows a denied order red with the gate\'s reason, in the toast and the ticket', async () => {
    await ticket().getByLabel('Quantity', { exact: true }).fill('1000');
    await ticket().getByRole('button', { name: /^Buy 1000 BTC/ }).click();
    await expect.poll(() => lastToast().getAttribute('data-kind'), { timeout: 5_000 }).toBe('failed');
    expect(await lastToast().getByTestId('toast-text').textContent()).toMatch(/^MAX_NOTIONAL_EXCEEDED: /);
    expect(await lastToast().getAttribute('role')).toBe('alert');
    expect(await ticket().getByTestId('ticket-status').textContent()).toMatch(/^MAX_NOTIONAL_EXCEEDED: /);
    await main.screenshot({ path: join(ARTIFACTS, 'trading-toasts.png') });
  });

  let limitId = '';

  it('Alt+click below the last price asks to confirm a buy limit there, then places it as a line on the chart', async () => {
    await main.getByTestId('speed').selectOption('1');
    const box = await chart().boundingBox();
    if (!box) throw new Error('no chart');
    const lastY = Number(await chart().getAttribute('data-last-y'));
    await main.keyboard.down('Alt');
    await main.mouse.click(box.x + box.width * 0.5, box.y + (await clearY(chart(), lastY, 70, box.height)));
    await main.keyboard.up('Alt');
    const confirm = main.getByRole('dialog', { name: 'Confirm order' });
    await confirm.waitFor({ timeout: 5_000 });
    expect(await confirm.textContent()).toMatch(/^Buy 0\.10* BTC limit at [\d,]+\.\d{2}\?/);
    await main.screenshot({ path: join(ARTIFACTS, 'trading-confirm.png') });
    await confirm.getByRole('button', { name: 'Place buy limit' }).click();
    await expect.poll(() => lastToast().getAttribute('data-kind'), { timeout: 10_000 }).toBe('working');
    limitId = (await lastToast().getAttribute('data-order')) ?? '';
    expect(await lastToast().getByTestId('toast-text').textContent()).toMatch(/^ACCEPTED at /);
    const px = num(await orderRow(limitId).getByTestId('order-price').textContent());
    expect(px).toBeLessThan(await last());
    await expect.poll(async () => (await orderLines()).some((l) => l.id === limitId && l.price === px), { timeout: 5_000 }).toBe(true);
  });

  const dragLine = async (id: string, dy: number): Promise<void> => {
    // Where the line is once the layout has settled (a notice bar or a new bar can move it).
    let line: OrderLine | undefined;
    await expect.poll(async () => {
      const before = (await orderLines()).find((l) => l.id === id);
      await main.waitForTimeout(250);
      line = (await orderLines()).find((l) => l.id === id);
      return line !== undefined && before?.y === line.y;
    }, { timeout: 5_000 }).toBe(true);
    const box = await chart().boundingBox();
    if (!box || !line) throw new Error(`no line for ${id}`);
    const x = box.x + box.width * 0.4;
    await main.mouse.move(x, box.y + line.y);
    await main.mouse.down();
    await main.mouse.move(x, box.y + line.y + dy / 2, { steps: 4 });
    await main.mouse.move(x, box.y + line.y + dy, { steps: 4 });
    await main.mouse.up();
  };

  it('drags the order line to a new price: the order is amended through the gate', async () => {
    const before = num(await orderRow(limitId).getByTestId('order-price').textContent());
    await dragLine(limitId, 25);
    await expect.poll(async () => num(await orderRow(limitId).getByTestId('order-price').textContent()), { timeout: 10_000 }).toBeLessThan(before);
    await expect.poll(() => lastToast().getByTestId('toast-text').textContent(), { timeout: 10_000 }).toMatch(/^amended: ACCEPTED /);
    const after = num(await orderRow(limitId).getByTestId('order-price').textContent());
    await expect.poll(async () => (await orderLines()).find((l) => l.id === limitId)?.price, { timeout: 5_000 }).toBe(after);
    await main.screenshot({ path: join(ARTIFACTS, 'trading-amended.png') });
  });

  it('a drag the gate refuses snaps the line back and says why', async () => {
    await main.getByTestId('pause-trading').click();
    await main.getByTestId('resume-trading').waitFor();
    try {
      const before = num(await orderRow(limitId).getByTestId('order-price').textContent());
      await dragLine(limitId, 30);
      const error = main.getByTestId('amend-error');
      await error.waitFor({ timeout: 5_000 });
      expect(await error.textContent()).toMatch(/^TRADING_HALTED: /);
      await main.screenshot({ path: join(ARTIFACTS, 'trading-amend-denied.png') });
      expect(num(await orderRow(limitId).getByTestId('order-price').textContent())).toBe(before);
      expect((await orderLines()).find((l) => l.id === limitId)?.price).toBe(before);
    } finally {
      await main.getByTestId('resume-trading').click();
      await main.getByTestId('pause-trading').waitFor();
    }
  });

  it('with one-click trading on, Alt+click places the limit without asking', async () => {
    await main.getByTestId('one-click').check();
    const seen = await toastOrders();
    const box = await chart().boundingBox();
    if (!box) throw new Error('no chart');
    const lastY = Number(await chart().getAttribute('data-last-y'));
    await main.keyboard.down('Alt');
    await main.mouse.click(box.x + box.width * 0.5, box.y + (await clearY(chart(), lastY, 90, box.height)));
    await main.keyboard.up('Alt');
    const id = await newToastOrder(seen);
    expect(await main.getByRole('dialog', { name: 'Confirm order' }).count()).toBe(0);
    // Working on the chart, unless the replay already reached it.
    await expect.poll(() => main.locator(`[data-testid="order-toast"][data-order="${id}"]`).last().getAttribute('data-kind'), { timeout: 10_000 }).toMatch(/^(working|filled)$/);
    await main.getByTestId('one-click').uncheck();
  });

  it('trades from a popped-out chart window too: Alt+click places a limit (after the confirmation), a plain click still offers an alert', async () => {
    const [popup] = await Promise.all([main.context().waitForEvent('page'), main.getByTestId('open-chart').click()]);
    try {
      await popup.setViewportSize({ width: 1100, height: 640 });
      const popChart = popup.getByTestId('chart');
      await popup.locator('[data-testid="chart"]:not([data-bars="0"])').waitFor({ timeout: 20_000 });
      const working = async (): Promise<number> => num(await main.getByTestId('tab-working').textContent());
      const before = await working();
      const box = await popChart.boundingBox();
      if (!box) throw new Error('no chart in the chart window');
      const lastY = Number(await popChart.getAttribute('data-last-y'));
      // A plain click still offers a price alert there (cancelled here).
      await popup.mouse.click(box.x + box.width * 0.5, box.y + Math.max(20, lastY - 40));
      await popup.getByTestId('alert-confirm').getByRole('button', { name: 'Cancel' }).click();
      // Two chart clicks within the double-click interval are a double click to lightweight-charts
      // (no second click event): leave a pause between them, as a person does.
      await popup.waitForTimeout(700);
      await popup.keyboard.down('Alt');
      await popup.mouse.click(box.x + box.width * 0.5, box.y + (await clearY(popChart, lastY, 100, box.height)));
      await popup.keyboard.up('Alt');
      const confirm = popup.getByRole('dialog', { name: 'Confirm order' });
      await confirm.waitFor({ timeout: 5_000 });
      expect(await popup.getByTestId('alert-confirm').count()).toBe(0);
      await confirm.getByRole('button', { name: 'Place buy limit' }).click();
      // The replay may reach the limit and fill it at once: working or filled, it is an order of the session.
      await expect.poll(() => popup.getByTestId('order-toast').last().getAttribute('data-kind'), { timeout: 10_000 }).toMatch(/^(working|filled)$/);
      const id = (await popup.getByTestId('order-toast').last().getAttribute('data-order')) ?? '';
      expect(id).toMatch(/^P-\d+$/);
      if ((await popup.getByTestId('order-toast').last().getAttribute('data-kind')) === 'working') await expect.poll(working, { timeout: 10_000 }).toBe(before + 1);
      await popup.screenshot({ path: join(ARTIFACTS, 'trading-chart-window.png') });
    } finally {
      await popup.close();
    }
  });

  it('amends the quantity inline from the orders row; shows TIF and a stop-limit\'s trigger', async () => {
    await main.getByTestId('tab-working').click();
    await orderRow(limitId).getByRole('button', { name: `Amend ${limitId}` }).click();
    await orderRow(limitId).getByLabel(`Quantity of ${limitId}`).fill('0.2');
    await orderRow(limitId).getByTestId('save-amend').click();
    await expect.poll(() => orderRow(limitId).getByTestId('order-qty').textContent(), { timeout: 10_000 }).toMatch(/^0\.20*$/);
    expect(await orderRow(limitId).getByTestId('order-tif').textContent()).toBe('GTC');
    // A stop-limit sell under the market, on the BTC bought above.
    const px = await last();
    await ticket().getByLabel('Type').selectOption('STOP_LIMIT');
    await ticket().getByRole('button', { name: 'Sell', exact: true }).click();
    await ticket().getByLabel('Quantity', { exact: true }).fill('0.1');
    await ticket().getByLabel('Trigger price').fill((Math.round(px * 0.8 * 100) / 100).toFixed(2));
    await ticket().getByLabel('Limit price').fill((Math.round(px * 0.79 * 100) / 100).toFixed(2));
    await ticket().getByLabel('Time in force').selectOption('GTC');
    const seen = await toastOrders();
    await ticket().getByRole('button', { name: /^Sell 0\.1 BTC/ }).click();
    const stopId = await newToastOrder(seen);
    await expect.poll(() => main.locator(`[data-testid="order-toast"][data-order="${stopId}"]`).last().getAttribute('data-kind'), { timeout: 10_000 }).toBe('working');
    expect(num(await orderRow(stopId).getByTestId('order-trigger').textContent())).toBeCloseTo(px * 0.8, 0);
    expect(await orderRow(stopId).getByTestId('order-trigger').textContent()).toMatch(/^[\d,]+\.\d{2}$/);
    expect(await orderRow(stopId).getByTestId('order-tif').textContent()).toBe('GTC');
    await main.screenshot({ path: join(ARTIFACTS, 'trading-orders.png') });
    await ticket().getByLabel('Type').selectOption('MARKET');
    await ticket().getByRole('button', { name: 'Buy', exact: true }).click();
  });

  it('Cancel all cancels every working order; their toasts end CANCELED, not green', async () => {
    const working = main.getByTestId('tab-working');
    expect(num(await working.textContent())).toBeGreaterThanOrEqual(2);
    await main.getByTestId('cancel-all').click();
    await expect.poll(async () => num(await working.textContent()), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => main.locator(`[data-testid="order-toast"][data-order="${limitId}"]`).last().getAttribute('data-kind'), { timeout: 5_000 }).toBe('cancelled');
  });

  it('Close position sends a reduce-only market order that flattens it', async () => {
    const position = main.locator('[data-testid="position-manual"][data-symbol="BTC/USD"]');
    await position.getByRole('button', { name: 'Close BTC/USD position' }).click();
    await expect.poll(() => lastToast().textContent(), { timeout: 15_000 }).toMatch(/FILLED/);
    expect(await lastToast().textContent()).toMatch(/Close BTC\/USD sell 0\.\d+ reduce-only/);
    await expect.poll(async () => num(await position.getByTestId('position-qty').textContent()), { timeout: 10_000 }).toBe(0);
    await main.getByTestId('tab-done').click();
    const id = (await lastToast().getAttribute('data-order')) ?? '';
    expect(await orderRow(id).locator('td').nth(4).textContent()).toBe('MARKET RO');
  });

  it('pages the done orders past 100 rows', async () => {
    // 101 more orders the gate denies (each a done row with its reason), entered as a user would.
    const quantity = ticket().getByLabel('Quantity', { exact: true });
    await quantity.fill('1000');
    const done = main.getByTestId('tab-done');
    await main.getByTestId('tab-working').click();
    // Enter in the quantity field submits, as a trader hammering it would (a press while the
    // ticket is busy with the previous one does nothing).
    await quantity.focus();
    while (num(await done.textContent()) <= 100) for (let i = 0; i < 20; i++) await main.keyboard.press('Enter');
    await done.click();
    const total = num(await done.textContent());
    const pager = main.getByTestId('orders-pager');
    expect(await pager.getByTestId('orders-pager-range').textContent()).toBe(`1–100 of ${total}`);
    expect(await main.getByTestId('orders').locator('tbody tr').count()).toBe(100);
    await pager.getByRole('button', { name: 'Next page' }).click();
    expect(await pager.getByTestId('orders-pager-range').textContent()).toBe(`101–${total} of ${total}`);
    expect(await main.getByTestId('orders').locator('tbody tr').count()).toBe(total - 100);
    await main.screenshot({ path: join(ARTIFACTS, 'trading-paging.png') });
    expect(pageErrors).toEqual([]);
  });
});
