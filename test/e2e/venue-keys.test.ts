/**
 * The "Venue keys…" dialog in the browser, as a user runs it through `libra serve` (Debian's
 * Chromium through playwright-core; controls found by their accessible names):
 *  - without `--keys` the dialog says clearly it cannot store keys, and offers no form;
 *  - with `--config … --keys FILE` (passphrase from LIBRA_KEY_PASSPHRASE) a key typed into the
 *    dialog is encrypted into FILE; the window lists it by venue and name with the API key masked;
 *    the secret is in no element, attribute or input of the page once saved, and not in FILE in
 *    the clear;
 *  - a live session started on that key file with the dialog's key reaches CONNECTED on the
 *    loopback Binance simulator (the session read the key the window wrote).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptKeys } from '../../src/main/config/secrets';
import { DEFAULT_API_KEY, DEFAULT_SECRET, startBinanceSim } from '../sim/binance';
import type { BinanceSim } from '../sim/binance';
import { ARTIFACTS, CHROMIUM, ensureRendererBuilt, openMainWindow, startServe } from './support';

const hasBrowser = existsSync(CHROMIUM);
if (!hasBrowser) console.warn(`venue-keys e2e skipped: no Chromium at ${CHROMIUM} (set LIBRA_CHROMIUM)`);

const PASSPHRASE = 'venue keys e2e passphrase';

describe.skipIf(!hasBrowser)('the Venue keys dialog (libra serve, Chromium)', { timeout: 120_000 }, () => {
  let sim: BinanceSim;
  let dir: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ensureRendererBuilt();
    sim = await startBinanceSim();
    dir = mkdtempSync(join(tmpdir(), 'libra-keys-e2e-'));
  }, 120_000);

  afterAll(async () => {
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const venue = (mode: 'paper' | 'live', keyId?: string): Record<string, unknown> => {
    const u = sim.ccxtUrls;
    return { ccxtId: 'binance', name: 'BINANCE', mode, ...(keyId ? { keyId, allowUnknownWithdrawal: true } : {}), restUrls: { public: u.public, private: u.private, v1: u.v1 }, wsUrls: { spot: u.ws.spot, 'ws-api': u.ws['ws-api'] }, symbols: ['BTC/USDT'] };
  };

  it('says clearly it cannot store keys when libra serve runs without --keys', async () => {
    const served = await startServe(['--no-start']);
    const { browser, main } = await openMainWindow(served, { width: 1300, height: 800 }, pageErrors);
    try {
      await main.getByRole('button', { name: 'Venue keys…' }).click();
      const dialog = main.getByRole('dialog', { name: 'Venue keys' });
      await expect.poll(() => dialog.getByRole('alert').textContent()).toMatch(/cannot be stored here: start `libra serve --config FILE --keys KEYFILE` with LIBRA_KEY_PASSPHRASE/);
      expect(await dialog.getByLabel('Secret', { exact: true }).count()).toBe(0);
    } finally {
      await browser.close();
      await served.stop();
    }
    expect(pageErrors).toEqual([]);
  });

  it('encrypts a key typed in the window into the --keys file, lists it masked, keeps no secret in the page; a live session then trades on it', async () => {
    const keysFile = join(dir, 'keys.json');
    writeFileSync(join(dir, 'paper.json'), JSON.stringify({ accountCurrency: 'USDT', venues: [venue('paper')], risk: { defaults: { maxOrderNotional: 50_000 } } }));
    const served = await startServe(['--config', join(dir, 'paper.json'), '--keys', keysFile], { LIBRA_KEY_PASSPHRASE: PASSPHRASE });
    const { browser, main } = await openMainWindow(served, { width: 1300, height: 800 }, pageErrors);
    try {
      await main.getByRole('button', { name: 'Venue keys…' }).click();
      const dialog = main.getByRole('dialog', { name: 'Venue keys' });
      await dialog.getByLabel('Venue', { exact: true }).fill('binance');
      await dialog.getByLabel('Key name').fill('from-dialog');
      await dialog.getByLabel('API key', { exact: true }).fill(DEFAULT_API_KEY);
      await dialog.getByLabel('Secret', { exact: true }).fill(DEFAULT_SECRET);
      await dialog.getByRole('button', { name: 'Save key' }).click();
      await expect.poll(() => dialog.getByTestId('venue-keys-message').textContent()).toMatch(/Stored from-dialog for binance \(\*\*\*\*0000\) in the key file/);
      const row = dialog.getByRole('row', { name: /from-dialog/ });
      await expect.poll(() => row.textContent()).toBe(`binancefrom-dialogproduction****${DEFAULT_API_KEY.slice(-4)}key file`);
      await main.screenshot({ path: join(ARTIFACTS, 'venue-keys-dialog.png') });
      // Nothing of the secret is left in the page: no text, no attribute, no input value.
      const page = await main.evaluate<string>(`document.documentElement.outerHTML + [...document.querySelectorAll('input')].map((i) => i.value).join('|')`);
      expect(page.includes(DEFAULT_SECRET)).toBe(false);
      expect(page.includes(DEFAULT_API_KEY)).toBe(false);
      // A bad field is refused by name, never echoed.
      await dialog.getByLabel('Key name').fill('bad name!');
      await dialog.getByLabel('API key', { exact: true }).fill('k'.repeat(20));
      await dialog.getByLabel('Secret', { exact: true }).fill('shh-not-to-be-echoed');
      await dialog.getByRole('button', { name: 'Save key' }).click();
      await expect.poll(() => dialog.getByTestId('venue-keys-message').textContent()).toMatch(/^INVALID_ARGUMENT: .*key name must be 1-64 letters/);
      expect(await dialog.getByTestId('venue-keys-message').textContent()).not.toContain('shh-not-to-be-echoed');
    } finally {
      await browser.close();
      await served.halt();
    }
    const text = readFileSync(keysFile, 'utf8');
    expect(text.includes(DEFAULT_SECRET)).toBe(false);
    expect(decryptKeys(text, PASSPHRASE)).toEqual([{ id: 'from-dialog', venue: 'binance', environment: 'production', apiKey: DEFAULT_API_KEY, secret: DEFAULT_SECRET }]);
    expect(served.output().includes(DEFAULT_SECRET)).toBe(false);

    // The session reads what the window wrote.
    writeFileSync(join(dir, 'live.json'), JSON.stringify({ accountCurrency: 'USDT', venues: [venue('live', 'from-dialog')], risk: { defaults: { maxOrderNotional: 50_000 } } }));
    const live = await startServe(['--config', join(dir, 'live.json'), '--keys', keysFile], { LIBRA_KEY_PASSPHRASE: PASSPHRASE });
    const opened = await openMainWindow(live, { width: 1300, height: 800 }, pageErrors);
    try {
      await expect.poll(() => opened.main.getByTestId('venue-BINANCE').textContent(), { timeout: 30_000 }).toMatch(/BINANCE live CONNECTED/);
      expect(sim.requests.some((r) => r.apiKey === DEFAULT_API_KEY && r.signatureValid === true)).toBe(true);
    } finally {
      await opened.browser.close();
      await live.stop();
      await served.stop();
    }
    expect(pageErrors).toEqual([]);
  });
});
