/**
 * Backtest results persist across reloads, in Chromium against `libra serve`: a run finished in
 * the panel is kept by the host under the data folder, listed under "Past results" after a
 * reload, reopened into the report (stats as before), and deleted from there.
 * Screenshot: artifacts/e2e/backtest-saved.png.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, CHROMIUM, closeServed, serveAndOpen } from './support';
import type { Served } from './support';

const hasBrowser = existsSync(CHROMIUM);
if (!hasBrowser) console.warn(`backtest-saved e2e skipped: no Chromium at ${CHROMIUM} (set LIBRA_CHROMIUM)`);

describe.skipIf(!hasBrowser)('saved backtest results (libra serve + Chromium)', () => {
  let served: Served;
  let browser: Browser;
  let main: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ({ served, browser, main } = await serveAndOpen(['--speed', '20'], { width: 1500, height: 1300 }, pageErrors));
  }, 80_000);
  afterAll(() => closeServed(browser, served));

  it('lists a finished run after a reload, reopens its report and deletes it', async () => {
    await expect.poll(() => main.getByTestId('bt-param-fast').inputValue(), { timeout: 10_000 }).toBe('10');
    await main.getByTestId('bt-param-slow').fill('30');
    await main.getByTestId('bt-run').click();
    await main.getByTestId('bt-report').waitFor({ timeout: 30_000 });
    const totalReturn = await main.getByTestId('stat-total-return').textContent();
    expect(readdirSync(join(served.dataDir, 'backtests')).filter((n) => n.endsWith('.json'))).toHaveLength(1);

    await main.reload();
    await main.getByTestId('connection').filter({ hasText: /^open$/ }).waitFor({ timeout: 15_000 });
    expect(await main.getByTestId('bt-report').count()).toBe(0);
    const saved = main.getByTestId('saved-backtest');
    await expect.poll(() => saved.count(), { timeout: 10_000 }).toBe(1);
    expect(await saved.first().textContent()).toMatch(/sma-cross.*BTC\/USD 4h.*trades/);
    await saved.first().getByRole('button', { name: /^Open / }).click();
    await main.getByTestId('bt-report').waitFor({ timeout: 5_000 });
    expect(await main.getByTestId('stat-total-return').textContent()).toBe(totalReturn);
    expect(await main.getByTestId('bt-trade').count()).toBeGreaterThan(10);
    await main.getByTestId('saved-backtests').scrollIntoViewIfNeeded();
    await main.screenshot({ path: join(ARTIFACTS, 'backtest-saved.png') });

    await saved.first().getByRole('button', { name: /^Delete / }).click();
    await expect.poll(() => saved.count(), { timeout: 5_000 }).toBe(0);
    expect(readdirSync(join(served.dataDir, 'backtests')).filter((n) => n.endsWith('.json'))).toHaveLength(0);
    expect(pageErrors).toEqual([]);
  });
});
