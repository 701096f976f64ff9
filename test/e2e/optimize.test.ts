/**
 * The Backtest panel's optimise mode end to end in browser mode (`libra serve` + Chromium): open
 * *Optimise parameters*, set two small ranges for sma-cross on the bundled sample, run, and see
 * the ranked sets and the heatmap appear. A screenshot goes to artifacts/e2e/.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, CHROMIUM, closeServed, serveAndOpen } from './support';
import type { Served } from './support';

/** freqtrade's test data (real Binance XRP/ETH trades, in its Feather format), a folder the panel may read with --allow-dir. */
const FREQTRADE = resolve(fileURLToPath(new URL('../../../shared/data/freqtrade', import.meta.url)));

describe.skipIf(!existsSync(CHROMIUM))('optimise mode of the backtest panel (libra serve + Chromium)', () => {
  let served: Served;
  let browser: Browser;
  let main: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ({ served, browser, main } = await serveAndOpen(['--speed', '5', ...(existsSync(FREQTRADE) ? ['--allow-dir', FREQTRADE] : [])], { width: 1500, height: 1400 }, pageErrors));
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

  it.skipIf(!existsSync(FREQTRADE))('sweeps a file given by path: a Feather trades file, filled against its trades', async () => {
    await main.getByTestId('opt-data').selectOption('__path__');
    await main.getByTestId('opt-run').click();
    await expect.poll(() => main.getByTestId('opt-error').textContent()).toBe('give the data file path');
    await main.getByTestId('opt-data-path').fill(join(FREQTRADE, 'XRP_ETH-trades.feather'));
    for (const [k, v] of [['start-fast', '3'], ['stop-fast', '6'], ['step-fast', '3'], ['start-slow', '20'], ['stop-slow', '40'], ['step-slow', '20']] as const) await main.getByTestId(`opt-${k}`).fill(v);
    await main.getByTestId('opt-run').click();
    // The previous run's results stay until this one is done: wait for this grid's sets.
    const firstSet = () => main.getByTestId('opt-results').locator('tbody tr').first().locator('td').nth(1).textContent();
    await expect.poll(firstSet, { timeout: 90_000 }).toMatch(/^fast=[36] slow=(20|40)$/);
    expect(await main.getByTestId('opt-status').textContent()).toBe('done');
    expect(await main.getByTestId('opt-results').locator('tbody tr').count()).toBe(4);
    expect(await main.getByTestId('opt-summary').textContent()).toContain('4 sets');
    await main.getByTestId('opt-form').screenshot({ path: join(ARTIFACTS, 'optimize-panel-feather-trades.png') });
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
