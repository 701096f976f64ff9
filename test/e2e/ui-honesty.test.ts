/**
 * "A UI that never lies", end to end in Chromium through `libra serve`: a ticket that refuses an
 * order it cannot size stays usable; a wrong token says so instead of an empty shell; while the
 * engine restarts, the Backtest panel waits instead of showing a stale DISCONNECTED.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, ensureRendererBuilt, openMainWindow, ROOT, startServe } from './support';
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

describe.skipIf(!existsSync(CHROMIUM))('browser mode: a restart of libra serve (same --token-file)', () => {
  it('the Backtest panel waits for the engine instead of showing DISCONNECTED, and loads when it is back', async () => {
    ensureRendererBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'libra-restart-'));
    const tokenFile = join(dir, 'token');
    const first = await startServe(['--token-file', tokenFile, '--no-start']);
    const port = new URL(first.url).port;
    const pageErrors: string[] = [];
    const { browser, main } = await openMainWindow(first, { width: 1400, height: 900 }, pageErrors);
    let second: Served | undefined;
    try {
      const params = main.locator('[data-testid^="bt-param-"]');
      await expect.poll(() => params.count(), { timeout: 15_000 }).toBeGreaterThan(0);
      await first.halt();
      await main.getByTestId('bt-waiting').waitFor({ timeout: 15_000 });
      // Choose a strategy file while the engine is away: no error, it waits.
      await main.getByTestId('bt-strategy').selectOption('__path__');
      await main.getByTestId('bt-strategy-path').fill(join(ROOT, 'src/main/engine/strategy/examples/sma-cross.ts'));
      await expect.poll(() => params.count(), { timeout: 5_000 }).toBe(0);
      await main.waitForTimeout(1_000);
      expect(await main.getByTestId('bt-strategy-error').count()).toBe(0);
      // The same port and the same token (from the file): the page reconnects by itself.
      second = await startServe(['--token-file', tokenFile, '--port', port, '--no-start']);
      expect(second.token).toBe(first.token);
      await main.getByTestId('connection').filter({ hasText: /^open$/ }).waitFor({ timeout: 20_000 });
      await main.getByTestId('bt-waiting').waitFor({ state: 'detached', timeout: 10_000 });
      await expect.poll(() => params.count(), { timeout: 15_000 }).toBeGreaterThan(0);
      expect(await main.getByTestId('bt-strategy-error').count()).toBe(0);
      expect(pageErrors).toEqual([]);
    } finally {
      await browser.close();
      await second?.stop();
      await first.stop();
    }
  }, 120_000);
});
