/**
 * The Backtest panel's optimise mode end to end in browser mode (`libra serve` + Chromium): open
 * *Optimise parameters*, set two small ranges for sma-cross on the bundled sample, run, and see
 * the ranked sets and the heatmap appear. A screenshot goes to artifacts/e2e/.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, CHROMIUM, closeServed, serveAndOpen } from './support';
import type { Served } from './support';

describe.skipIf(!existsSync(CHROMIUM))('optimise mode of the backtest panel (libra serve + Chromium)', () => {
  let served: Served;
  let browser: Browser;
  let main: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ({ served, browser, main } = await serveAndOpen(['--speed', '5'], { width: 1500, height: 1400 }, pageErrors));
  }, 180_000);
  afterAll(() => closeServed(browser, served));

  it('runs a grid and shows the ranked sets and the heatmap', async () => {
    await main.getByTestId('opt-section').locator('summary').click();
    // The strategy's parameters arrive over the contract (strategies.describe), then the ranges fill in.
    await main.getByTestId('opt-start-fast').waitFor({ state: 'attached', timeout: 60_000 }).catch(async (e: unknown) => {
      throw new Error(`no range inputs: ${await main.getByTestId('opt-form').innerText()} (${String(e)})`);
    });
    for (const [k, v] of [['start-fast', '5'], ['stop-fast', '15'], ['step-fast', '10'], ['start-slow', '40'], ['stop-slow', '80'], ['step-slow', '40']] as const) await main.getByTestId(`opt-${k}`).fill(v);
    await main.getByTestId('opt-objective').selectOption('total-return');
    await main.getByTestId('opt-run').click();
    await expect.poll(() => main.getByTestId('opt-status').textContent(), { timeout: 90_000 }).toBe('done');
    await expect.poll(() => main.getByTestId('opt-results').locator('tbody tr').count()).toBe(4);
    expect(await main.getByTestId('opt-heatmap').locator('tbody td').count()).toBe(4);
    expect(await main.getByTestId('opt-summary').textContent()).toContain('4 sets');
    const first = await main.getByTestId('opt-results').locator('tbody tr').first().locator('td').nth(1).textContent();
    expect(first).toMatch(/^fast=\d+ slow=\d+$/);
    await main.getByTestId('opt-form').screenshot({ path: join(ARTIFACTS, 'optimize-panel.png') });
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
