/**
 * "A UI that never lies", end to end in Chromium through `libra serve`: a ticket that refuses an
 * order it cannot size stays usable; a wrong token says so instead of an empty shell.
 */
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, ensureRendererBuilt, openMainWindow, startServe } from './support';
import type { Served } from './support';

describe.skipIf(!existsSync(CHROMIUM))('browser mode: the UI says what is true', () => {
  let served: Served;
  let browser: Browser;
  let main: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ensureRendererBuilt();
    served = await startServe(['--speed', '5']);
    ({ browser, main } = await openMainWindow(served, { width: 1400, height: 860 }, pageErrors));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
  });

  it('a limit order in quote units with no price is refused and the ticket stays usable', async () => {
    await main.getByTestId('order-type').selectOption('LIMIT');
    await main.getByTestId('units-quote').click();
    await main.getByTestId('quantity').fill('100');
    await main.getByTestId('submit-order').click();
    await expect.poll(() => main.getByTestId('ticket-status').textContent(), { timeout: 5_000 }).toMatch(/^enter an amount of USD/);
    expect(await main.getByTestId('submit-order').isEnabled()).toBe(true);
    // Still usable: back to base units, a market order goes through.
    await main.getByTestId('units-base').click();
    await main.getByTestId('order-type').selectOption('MARKET');
    await main.getByTestId('quantity').fill('0.01');
    await main.getByTestId('submit-order').click();
    await expect.poll(() => main.getByTestId('ticket-status').textContent(), { timeout: 10_000 }).toMatch(/^P-\d+ (SUBMITTED|ACCEPTED|FILLED)/);
    expect(pageErrors).toEqual([]);
  });

  it('a wrong token says "invalid or expired token" instead of an empty shell, and stops reconnecting', async () => {
    const page = await main.context().newPage();
    let sockets = 0;
    page.on('websocket', () => sockets++);
    try {
      await page.goto(`${served.origin}/?token=expired-token-of-an-earlier-run`);
      await page.getByTestId('auth-failed').waitFor({ timeout: 15_000 });
      expect(await page.getByTestId('auth-failed').textContent()).toMatch(/^invalid or expired token/);
      expect(await page.getByTestId('order-ticket').count()).toBe(0);
      expect(await page.getByTestId('connection').count()).toBe(0);
      // The first reconnect would come after 250 ms: wait well past it, still one socket.
      await page.waitForTimeout(1_500);
      expect(sockets).toBe(1);
    } finally {
      await page.close();
    }
  });
});
