/**
 * The order book of a venue session in Chromium: `libra serve --config` with a paper venue on the
 * loopback Binance simulator's real L2 stream. The ladder shows each level's size and the
 * cumulative size from the touch, with depth bars; the depth chart beside it draws cumulative
 * bids and asks as two areas; sizes at the instrument's lot, prices at its tick. The ticket shows
 * the paper account's USDT available. Screenshot: artifacts/e2e/depth-book.png.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBinanceSim } from '../sim/binance';
import type { BinanceSim } from '../sim/binance';
import { ARTIFACTS, CHROMIUM, ensureRendererBuilt, openMainWindow, startServe } from './support';
import type { Served } from './support';

const hasBrowser = existsSync(CHROMIUM);
if (!hasBrowser) console.warn(`depth e2e skipped: no Chromium at ${CHROMIUM} (set LIBRA_CHROMIUM)`);

const num = (text: string | null): number => Number((text ?? '').replace(/,/g, ''));

describe.skipIf(!hasBrowser)('the order book and depth chart of a venue session (Binance simulator)', () => {
  let sim: BinanceSim;
  let served: Served;
  let browser: Browser;
  let main: Page;
  let ticker: ReturnType<typeof setInterval> | undefined;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ensureRendererBuilt();
    sim = await startBinanceSim({ balances: { USDT: 0 } });
    sim.setPrice('BTCUSDT', 60_000);
    const dir = mkdtempSync(join(tmpdir(), 'libra-depth-e2e-'));
    const u = sim.ccxtUrls;
    const config = {
      accountCurrency: 'USDT',
      venues: [{ ccxtId: 'binance', name: 'BINANCE', mode: 'paper', paperBalances: { USDT: 25_000 }, restUrls: { public: u.public, private: u.private, v1: u.v1 }, wsUrls: { spot: u.ws.spot, 'ws-api': u.ws['ws-api'] }, symbols: ['BTC/USDT'] }],
    };
    writeFileSync(join(dir, 'paper.json'), JSON.stringify(config));
    ticker = setInterval(() => sim.trade('BTCUSDT', 60_000, 0.001), 250);
    served = await startServe(['--config', join(dir, 'paper.json')]);
    ({ browser, main } = await openMainWindow(served, { width: 1400, height: 860 }, pageErrors));
  }, 120_000);

  afterAll(async () => {
    if (ticker) clearInterval(ticker);
    await browser?.close();
    await served?.stop();
    await sim?.close();
  });

  it('shows size and cumulative size per level with depth bars, and the depth chart of both sides', async () => {
    const book = main.getByTestId('order-book');
    sim.setPrice('BTCUSDT', 60_010); // the venue streams a book update while the window watches
    await expect.poll(() => book.getByTestId('book-bid').count(), { timeout: 30_000 }).toBeGreaterThan(1);
    sim.setPrice('BTCUSDT', 60_000);
    const rows = async (side: 'bid' | 'ask') =>
      book.getByTestId(`book-${side}`).evaluateAll((els) => els.map((e) => ({ cells: [...e.querySelectorAll('td')].map((td) => td.textContent ?? ''), bar: /background-size:\s*(\d+)%/.exec(e.getAttribute('style') ?? '')?.[1] ?? '' })));
    // Bids run from the touch down: each total is the previous total plus this level's size.
    const bids = await rows('bid');
    let cum = 0;
    for (const r of bids) {
      cum += num(r.cells[1] ?? '');
      expect(num(r.cells[2] ?? '')).toBeCloseTo(cum, 6);
      expect(r.cells[1]).toMatch(/^[\d,]+\.\d{5}$/); // BTC/USDT lots of 0.00001 on the simulator
      expect(r.cells[0]).toMatch(/^[\d,]+\.\d{2}$/); // tick 0.01
    }
    const bars = bids.map((r) => Number.parseInt(r.bar, 10));
    expect(bars).toEqual([...bars].sort((a, b) => a - b)); // deeper = longer bar
    expect(bars.at(-1)).toBeGreaterThan(0);
    const depth = main.getByRole('img', { name: 'Depth chart' });
    await depth.waitFor();
    for (const side of ['bids', 'asks']) expect(((await depth.getByTestId(`depth-${side}`).getAttribute('d')) ?? '').split('L').length).toBeGreaterThan(3);
    // The ticket shows what the paper account can spend.
    expect(num(await main.getByTestId('ticket-available').textContent())).toBe(25_000);
    await main.screenshot({ path: join(ARTIFACTS, 'depth-book.png') });
    expect(pageErrors).toEqual([]);
  });
});
