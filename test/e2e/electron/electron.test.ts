/**
 * The browser-mode scenarios in the Electron app (Playwright `_electron`). Skips with a printed
 * reason when no Electron binary is installed (CI images without it, this sandbox). Needs the
 * app built by `electron-forge package`/`start` (.vite/build/main.js).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, ROOT } from '../support';

function electronBinary(): string | null {
  try {
    const p = createRequire(import.meta.url)('electron') as unknown;
    return typeof p === 'string' && existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
const mainJs = join(ROOT, '.vite/build/main.js');
const reason = !binary ? 'no Electron binary installed (npm i electron downloads it)' : !existsSync(mainJs) ? 'app not built (.vite/build/main.js missing: run electron-forge package)' : null;
if (reason) console.warn(`electron e2e skipped: ${reason}`);

describe.skipIf(reason !== null)('Electron app', () => {
  it('shows the main window, fills a market order and shows a denial inline', async () => {
    const app = await electron.launch({ executablePath: binary ?? '', args: [mainJs], env: { ...process.env, LIBRA_DATA_DIR: join(ROOT, '.libra-data/e2e') } });
    try {
      const main = await app.firstWindow();
      await main.getByTestId('connection').filter({ hasText: /^open$/ }).waitFor({ timeout: 20_000 });
      await main.getByTestId('quantity').fill('0.5');
      await main.getByTestId('submit-order').click();
      await expect.poll(() => main.getByTestId('ticket-status').textContent()).toMatch(/^P-\d+/);
      await main.getByTestId('quantity').fill('1000');
      await main.getByTestId('submit-order').click();
      await expect.poll(() => main.getByTestId('ticket-status').textContent()).toMatch(/^MAX_NOTIONAL_EXCEEDED/);
      // Sandboxed, isolated page: no Node in the window, only the contract bridge.
      const isolated = await main.evaluate<boolean>(`typeof require === 'undefined' && typeof process === 'undefined' && typeof window.libra?.orders?.submit === 'function'`);
      expect(isolated).toBe(true);
      await main.screenshot({ path: join(ARTIFACTS, 'electron-main.png') });
    } finally {
      await app.close();
    }
  });
});
