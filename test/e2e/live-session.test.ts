/**
 * A live session in the browser, as a trader runs it: `libra serve --config live.json --keys
 * FILE` against the loopback Binance simulator (its real REST/WebSocket protocol), Debian's
 * Chromium through playwright-core. Controls are found by their accessible names.
 *
 *  - the venue badge shows CONNECTED and the watchlist shows BTC/USDT from the venue's trades;
 *  - a limit order from the ticket arrives at the simulator (natively signed), the simulator
 *    fills it, and the position and USDT balance update in the window;
 *  - the simulator drops every socket: the badge shows RECONNECTING, then CONNECTED again, and
 *    money credited while the socket was down appears (the state resynced from the venue);
 *  - the price falls past the drawdown limit: trading shows HALTED with the circuit breaker's
 *    reason, and the next order from the ticket is denied with TRADING_HALTED and never sent;
 *  - "Resume trading" accepts the loss so far: it stays ACTIVE at that price, an order goes out;
 *  - after the server stops, `libra data` lists the trades the recorder stored.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_API_KEY, DEFAULT_SECRET, startBinanceSim } from '../sim/binance';
import type { BinanceSim } from '../sim/binance';
import { ARTIFACTS, CHROMIUM, ensureRendererBuilt, openMainWindow, ROOT, startServe } from './support';
import type { Served } from './support';

const hasBrowser = existsSync(CHROMIUM);
if (!hasBrowser) console.warn(`live-session e2e skipped: no Chromium at ${CHROMIUM} (set LIBRA_CHROMIUM)`);

const PASSPHRASE = 'correct horse battery';
const num = (text: string | null): number => Number((text ?? '').replace(/,/g, ''));

describe.skipIf(!hasBrowser)('a live session in the browser (libra serve --config, Binance simulator)', () => {
  let sim: BinanceSim;
  let served: Served;
  let browser: Browser;
  let main: Page;
  let ticker: ReturnType<typeof setInterval> | undefined;
  /** The price the simulator's tape prints at, every 250 ms. */
  let px = 60_000;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ensureRendererBuilt();
    sim = await startBinanceSim({ balances: { USDT: 100_000, BTC: 0, ETH: 0 } });
    sim.setPrice('BTCUSDT', px);
    const dir = mkdtempSync(join(tmpdir(), 'libra-live-e2e-'));
    const added = spawnSync(process.execPath, [join(ROOT, 'bin/libra.js'), 'keys', 'add', '--id', 'sim', '--venue', 'binance', '--environment', 'production', '--data-dir', dir], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, LIBRA_KEY_PASSPHRASE: PASSPHRASE, LIBRA_API_KEY: DEFAULT_API_KEY, LIBRA_API_SECRET: DEFAULT_SECRET },
    });
    expect(added.stdout).toMatch(/stored key sim/);
    // A config strategy that only watches: the strategies panel must list it and stop it.
    writeFileSync(join(dir, 'idle.ts'), 'export default class Idle { onTrade() {} }\n');
    const u = sim.ccxtUrls;
    const config = {
      strategies: [{ id: 'idle', strategy: join(dir, 'idle.ts'), instruments: ['BTC/USDT@BINANCE'], timeframe: '1m' }],
      accountCurrency: 'USDT',
      venues: [{ ccxtId: 'binance', name: 'BINANCE', mode: 'live', keyId: 'sim', allowUnknownWithdrawal: true, restUrls: { public: u.public, private: u.private, v1: u.v1 }, wsUrls: { spot: u.ws.spot, 'ws-api': u.ws['ws-api'] }, symbols: ['BTC/USDT'] }],
      risk: { defaults: { maxOrderNotional: 50_000 }, drawdownHalt: 0.05 },
    };
    writeFileSync(join(dir, 'live.json'), JSON.stringify(config));
    ticker = setInterval(() => sim.trade('BTCUSDT', px, 0.001), 250);
    served = await startServe(['--config', join(dir, 'live.json'), '--keys', join(dir, 'keys.json')], { LIBRA_KEY_PASSPHRASE: PASSPHRASE });
    ({ browser, main } = await openMainWindow(served, { width: 1400, height: 860 }, pageErrors));
    // Every text the venue badge shows, in order (a reconnect can be quicker than any poll).
    await main.evaluate(`(() => {
      window.__venueLog = [];
      const seen = () => { const el = document.querySelector('[data-testid="venue-BINANCE"]'); const t = el ? el.textContent : null; if (t && window.__venueLog.at(-1) !== t) window.__venueLog.push(t); };
      new MutationObserver(seen).observe(document.body, { subtree: true, childList: true, characterData: true });
      seen();
    })()`);
  }, 120_000);

  afterAll(async () => {
    if (ticker) clearInterval(ticker);
    await browser?.close();
    await served?.stop();
    await sim?.close();
  });

  const venueLog = (): Promise<string[]> => main.evaluate<string[]>('window.__venueLog');
  const balance = (currency: string) => main.locator(`[data-testid="balance-row"][data-currency="${currency}"] [data-testid="balance-total"]`);

  it('shows the venue CONNECTED, the session recording, and BTC/USDT moving in the watchlist', async () => {
    await expect.poll(() => main.getByTestId('venue-BINANCE').textContent(), { timeout: 30_000 }).toMatch(/BINANCE live CONNECTED/);
    expect(await main.getByTestId('session-label').textContent()).toBe('live.json');
    expect(await main.getByTestId('recording').isVisible()).toBe(true);
    const row = main.locator('[data-testid="watch-row"][data-symbol="BTC/USDT"]');
    await expect.poll(() => row.getByTestId('last-price').textContent(), { timeout: 20_000 }).toMatch(/^60,000/);
    expect(await row.textContent()).toContain('BTC/USDT');
    expect(await main.getByTestId('ticket-symbol').textContent()).toBe('BTC/USDT');
  });

  it('shows the venue\'s L2 book on the ladder (asks over bids, best prices around the last) and its trades on the tape', async () => {
    const book = main.getByTestId('order-book');
    // Re-centre the simulator's book so the venue streams an update while the window watches,
    // then put it back.
    sim.setPrice('BTCUSDT', px + 10);
    await expect.poll(() => book.getByTestId('book-bid').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    sim.setPrice('BTCUSDT', px);
    expect(await book.getByTestId('book-ask').count()).toBeGreaterThan(0);
    const price = async (side: 'bid' | 'ask', which: 'first' | 'last') => Number(((await book.getByTestId(`book-${side}`)[which]().locator('td').first().textContent()) ?? '').replace(/,/g, ''));
    const [bestAsk, bestBid] = [await price('ask', 'last'), await price('bid', 'first')];
    expect(bestAsk).toBeGreaterThan(bestBid);
    expect(await price('ask', 'first')).toBeGreaterThanOrEqual(bestAsk);
    await expect.poll(() => main.getByTestId('trades-tape').getByTestId('tape-row').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await main.screenshot({ path: join(ARTIFACTS, 'live-terminal-book.png') });
  });

  it('opens a chart of BTC/USDT with the venue\'s 1-minute bars', async () => {
    const [chart] = await Promise.all([main.context().waitForEvent('page'), main.getByTestId('open-chart').click()]);
    await chart.waitForLoadState();
    await expect.poll(async () => Number(await chart.getByTestId('chart').getAttribute('data-bars')), { timeout: 15_000 }).toBeGreaterThan(100);
    expect(await chart.getByTestId('chart-symbol').textContent()).toBe('BTC/USDT');
    expect(await chart.getByTestId('chart-timeframe').textContent()).toBe('1m');
    await chart.close();
  });

  it('lists the config\'s strategy as running in the strategies panel, and stops it from there', async () => {
    const row = main.getByTestId('strategy-idle');
    await expect.poll(() => row.getByTestId('st-state').textContent(), { timeout: 10_000 }).toBe('running');
    await row.getByTestId('st-stop').click();
    await expect.poll(() => row.getByTestId('st-state').textContent(), { timeout: 10_000 }).toBe('stopped');
  });

  it('sends a limit order from the ticket to the venue, and shows its fill, position and balance', async () => {
    const ticket = main.getByTestId('order-ticket');
    await ticket.getByLabel('Type').selectOption({ label: 'Limit' });
    await ticket.getByRole('textbox', { name: 'Quantity', exact: true }).fill('0.5');
    await ticket.getByRole('textbox', { name: 'Limit price' }).fill('59000');
    await ticket.getByRole('button', { name: 'Buy', exact: true }).click();
    await ticket.getByRole('button', { name: /^Buy 0\.5/ }).click();
    await expect.poll(() => sim.openOrders('BTCUSDT').map((o) => [o.side, o.type, Number(o.price), Number(o.origQty)]), { timeout: 15_000 }).toEqual([['BUY', 'LIMIT', 59_000, 0.5]]);
    const posts = sim.requestsTo('POST', '/api/v3/order');
    expect(posts.length).toBe(1);
    expect(posts[0]?.signatureValid).toBe(true);
    // Funds locked at the venue show in the window's balance once the venue reports them.
    px = 59_000; // the tape trades down through the limit: the simulator fills it as maker
    sim.trade('BTCUSDT', 59_000, 1);
    await expect.poll(() => sim.openOrders('BTCUSDT').length, { timeout: 10_000 }).toBe(0);
    const position = main.locator('[data-testid="position-manual"][data-symbol="BTC/USDT"]');
    // 0.5 bought; the venue keeps its fee in BTC, so the position may read 0.4995.
    await expect.poll(async () => num(await position.getByTestId('position-qty').textContent()), { timeout: 15_000 }).toBeCloseTo(0.5, 2);
    expect(await position.textContent()).toContain('BTC/USDT');
    // 100 000 − 0.5 × 59 000 = 70 500 USDT (the simulator charges the fee in the BTC received).
    await expect.poll(async () => num(await balance('USDT').textContent()), { timeout: 15_000 }).toBeCloseTo(70_500, 2);
    await main.getByTestId('tab-done').click();
    await expect.poll(() => main.getByTestId('orders').textContent(), { timeout: 5_000 }).toMatch(/FILLED/);
    await main.screenshot({ path: join(ARTIFACTS, 'live-filled.png') });
  }, 60_000);

  it('shows RECONNECTING when the venue drops the sockets, then resyncs what changed meanwhile', async () => {
    sim.faults.closeWebSockets(1006);
    sim.credit('USDT', 1_000); // happens while no socket can report it
    await expect.poll(async () => (await venueLog()).some((t) => /RECONNECTING/.test(t)), { timeout: 15_000 }).toBe(true);
    await expect.poll(async () => (await venueLog()).at(-1) ?? '', { timeout: 30_000 }).toMatch(/BINANCE live CONNECTED/);
    const log = await venueLog();
    const down = log.findIndex((t) => /RECONNECTING/.test(t));
    expect(log.slice(down + 1).some((t) => /CONNECTED/.test(t) && !/RECONNECTING/.test(t)), `badge texts: ${log.join(' | ')}`).toBe(true);
    await expect.poll(async () => num(await balance('USDT').textContent()), { timeout: 15_000 }).toBeCloseTo(71_500, 2);
    await expect.poll(() => main.getByTestId('trading-state').textContent(), { timeout: 10_000 }).toBe('ACTIVE');
  }, 60_000);

  it('halts trading when the price falls past the drawdown limit and denies the next order with its reason', async () => {
    // 0.5 BTC bought at 59 000 marked at 45 000: equity 71 500 + 22 500 = 94 000 of a 101 000 peak (−6.9% ≥ 5%).
    px = 45_000;
    sim.setPrice('BTCUSDT', px);
    await expect.poll(() => main.getByTestId('trading-state').textContent(), { timeout: 15_000 }).toBe('HALTED');
    await expect.poll(() => main.getByTestId('risk-panel').textContent(), { timeout: 5_000 }).toMatch(/CIRCUIT_BREAKER: drawdown [\d.]+% >= 5%/);
    // Seen in the top bar too, with the reason, wherever the risk panel is.
    await expect.poll(() => main.getByTestId('topbar-trading-state').textContent(), { timeout: 5_000 }).toMatch(/^HALTED: CIRCUIT_BREAKER: drawdown/);
    const before = sim.requestsTo('POST', '/api/v3/order').length;
    const ticket = main.getByTestId('order-ticket');
    await ticket.getByRole('textbox', { name: 'Limit price' }).fill('44000');
    await ticket.getByRole('button', { name: /^Buy 0\.5/ }).click();
    await expect.poll(() => ticket.getByRole('alert').textContent(), { timeout: 10_000 }).toMatch(/TRADING_HALTED/);
    expect(sim.requestsTo('POST', '/api/v3/order').length).toBe(before);
    await main.screenshot({ path: join(ARTIFACTS, 'live-halted.png') });
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('resumes from the app: the loss so far is accepted, so the next marks at the same price do not halt again and an order goes out', async () => {
    await main.getByTestId('resume-trading').click();
    await expect.poll(() => main.getByTestId('trading-state').textContent(), { timeout: 10_000 }).toBe('ACTIVE');
    expect(await main.getByTestId('topbar-trading-state').count()).toBe(0);
    // Trades keep coming at 45 000 (four a second): measured from the old peak each would trip the breaker again.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await main.getByTestId('trading-state').textContent()).toBe('ACTIVE');
    const before = sim.requestsTo('POST', '/api/v3/order').length;
    const ticket = main.getByTestId('order-ticket');
    await ticket.getByRole('textbox', { name: 'Limit price' }).fill('44000');
    await ticket.getByRole('button', { name: /^Buy 0\.5/ }).click();
    await expect.poll(() => sim.requestsTo('POST', '/api/v3/order').length, { timeout: 10_000 }).toBe(before + 1);
    expect(await main.getByTestId('trading-state').textContent()).toBe('ACTIVE');
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('recorded the session: libra data lists the venue\'s trades after the server stops', async () => {
    await served.halt();
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/libra.js'), 'data', '--json', '--data-dir', served.dataDir], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const series = JSON.parse(r.stdout) as { venue: string; symbol: string; kind: string; rows: number }[];
    const trades = series.find((s) => s.venue === 'BINANCE' && s.symbol === 'BTC/USDT' && s.kind === 'trades');
    expect(trades?.rows ?? 0, `${r.stdout}\n${served.output().slice(-2000)}`).toBeGreaterThan(10);
  }, 60_000);
});
