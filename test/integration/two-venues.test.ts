/**
 * Two venues in one session, each with its own account: a session started through the kernel as
 * `libra run` starts it, live against two loopback Binance simulators (BINANCE and BINANCE2,
 * real ccxt clients over real sockets, natively signed). An order on one venue moves only that
 * venue's balances, and the balance check reads the account of the order's venue.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Kernel } from '../../src/main/kernel';
import type { RunSession, Sealer } from '../../src/main/kernel';
import { balanceView } from '../../src/main/host/projection';
import { DEFAULT_API_KEY, DEFAULT_SECRET, startBinanceSim } from '../sim/binance';
import type { BinanceSim } from '../sim/binance';
import { until } from '../support/until';

const PASS = 'two venues passphrase';
const A = 'BTC/USDT@BINANCE';
const B = 'BTC/USDT@BINANCE2';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});


function venueConfig(name: string, sim: BinanceSim): Record<string, unknown> {
  const u = sim.ccxtUrls;
  return { ccxtId: 'binance', name, mode: 'live', keyId: 'sim', allowUnknownWithdrawal: true, restUrls: { public: u.public, private: u.private, v1: u.v1 }, wsUrls: { spot: u.ws.spot, 'ws-api': u.ws['ws-api'] }, symbols: ['BTC/USDT'] };
}

/**
 * A stand-in for Electron's safeStorage (no Electron binary here): a byte mask behind a marker,
 * the same contract (seal a string, unseal the bytes or throw).
 */
function fakeSealer(): Sealer {
  const mask = (b: Buffer): Buffer => Buffer.from(b.map((x) => x ^ 0x3c));
  return { isAvailable: () => true, seal: (p) => Buffer.concat([Buffer.from('F'), mask(Buffer.from(p))]), unseal: (b) => mask(b.subarray(1)).toString() };
}

async function start(): Promise<{ one: BinanceSim; two: BinanceSim; session: RunSession; lines: string[] }> {
  const one = await startBinanceSim({ balances: { USDT: 100_000, BTC: 2 } });
  cleanups.push(() => one.close());
  const two = await startBinanceSim({ balances: { USDT: 5_000 } });
  cleanups.push(() => two.close());
  one.setPrice('BTCUSDT', 60_000);
  two.setPrice('BTCUSDT', 60_000);
  const dir = mkdtempSync(join(tmpdir(), 'libra-two-venues-'));
  process.env['LIBRA_KEY_PASSPHRASE'] = PASS;
  const kernel = new Kernel({ dataDir: dir });
  kernel.addApiKey({ id: 'sim', venue: 'binance', environment: 'production', apiKey: DEFAULT_API_KEY, secret: DEFAULT_SECRET }, { passphrase: PASS });
  const config = kernel.parseRunConfig({ accountCurrency: 'USDT', venues: [venueConfig('BINANCE', one), venueConfig('BINANCE2', two)], risk: { defaults: { maxOrderNotional: 50_000 } }, record: false });
  const lines: string[] = [];
  const session = await kernel.startRun({ config, dataDir: dir, print: (l) => lines.push(l) });
  cleanups.push(() => session.stop());
  return { one, two, session, lines };
}

/** The engine's account of a venue equals that simulator's balances (free + locked), to 1e-7. */
function expectAccountMatches(session: RunSession, venue: string, sim: BinanceSim): void {
  for (const [asset, b] of Object.entries(sim.balances())) {
    expect(session.core.portfolio.balanceValue(asset, venue), `${venue} ${asset}`).toBeCloseTo(b.free + b.locked, 7);
  }
}

describe('two venues in one session', () => {
  it('keeps each venue\'s balances: a fill on BINANCE2 moves only BINANCE2, and the check reads the order\'s venue', async () => {
    const { one, two, session } = await start();
    const { portfolio, execution, cache } = session.core;
    // Both reconciled at start: each account holds its own venue's balances.
    expect(portfolio.balanceValue('USDT', 'BINANCE')).toBe(100_000);
    expect(portfolio.balanceValue('BTC', 'BINANCE')).toBe(2);
    expect(portfolio.balanceValue('USDT', 'BINANCE2')).toBe(5_000);
    expect(portfolio.balanceValue('BTC', 'BINANCE2')).toBe(0);
    cache.setLastPrice(A, 60_000);
    cache.setLastPrice(B, 60_000);

    // 0.1 BTC at 60 000 = 6000 USDT: more than BINANCE2 has, though BINANCE has plenty.
    const denied = execution.submit('s1', { instrumentId: B, side: 'BUY', type: 'MARKET', quantityRaw: 10_000 });
    expect(denied.ok === false && denied.message).toBe('INSUFFICIENT_BALANCE: need 6000 USDT, have 5000 USDT free');
    expect(two.requestsTo('POST', '/api/v3/order')).toHaveLength(0);

    // 0.05 BTC on BINANCE2 (3000 USDT) fills there.
    const r = execution.submit('s1', { instrumentId: B, side: 'BUY', type: 'MARKET', quantityRaw: 5_000 });
    expect(r.ok).toBe(true);
    await until(() => cache.order(r.order.clientOrderId)?.status === 'FILLED', 20_000, 'the fill on BINANCE2');
    expect(two.requestsTo('POST', '/api/v3/order')).toHaveLength(1);
    expect(one.requestsTo('POST', '/api/v3/order')).toHaveLength(0);
    await until(() => Math.abs(portfolio.balanceValue('USDT', 'BINANCE2') - ((two.balances()['USDT']?.free ?? 0) + (two.balances()['USDT']?.locked ?? 0))) < 1e-7, 10_000, 'BINANCE2 to match its venue');
    expectAccountMatches(session, 'BINANCE2', two);
    expect(portfolio.balanceValue('USDT', 'BINANCE2')).toBeLessThan(2_000 + 1e-6);
    expect(portfolio.balanceValue('BTC', 'BINANCE2')).toBeGreaterThan(0.049);
    // BINANCE did not move, and still matches its venue.
    expect(portfolio.balanceValue('USDT', 'BINANCE')).toBe(100_000);
    expect(portfolio.balanceValue('BTC', 'BINANCE')).toBe(2);
    expectAccountMatches(session, 'BINANCE', one);
    expect(portfolio.netPosition(B)).toBe(5_000);
    expect(portfolio.netPosition(A)).toBe(0);

    // A working order on BINANCE locks BINANCE's funds only.
    const working = execution.submit('s1', { instrumentId: A, side: 'BUY', type: 'LIMIT', quantityRaw: 10_000, priceRaw: 5_000_000 }); // 0.1 BTC at 50 000
    expect(working.ok).toBe(true);
    await until(() => cache.order(working.order.clientOrderId)?.status === 'ACCEPTED', 20_000, 'the working order on BINANCE');
    expect(portfolio.balance('USDT', 'BINANCE')?.lockedRaw).toBe(5_000 * 1e8);
    expect(portfolio.balance('USDT', 'BINANCE2')?.lockedRaw).toBe(0);

    // What windows show: one row per venue and currency, naming the venue.
    const rows = portfolio.allBalances().map(balanceView).filter((v) => v.venue !== '');
    expect(rows.filter((v) => v.currency === 'USDT').map((v) => v.venue)).toEqual(['BINANCE', 'BINANCE2']);
    expect(rows.find((v) => v.venue === 'BINANCE' && v.currency === 'USDT')).toMatchObject({ total: 100_000, locked: 5_000 });
  }, 120_000);

  it('starts a live session with a key entered in the app (sealed, no key file, no passphrase)', async () => {
    const sim = await startBinanceSim({ balances: { USDT: 7_000 } });
    cleanups.push(() => sim.close());
    const dir = mkdtempSync(join(tmpdir(), 'libra-sealed-run-'));
    delete process.env['LIBRA_KEY_PASSPHRASE'];
    const kernel = new Kernel({ dataDir: dir });
    const sealer = fakeSealer();
    kernel.keys.sealed(sealer, dir).put({ id: 'sim', venue: 'binance', environment: 'production', apiKey: DEFAULT_API_KEY, secret: DEFAULT_SECRET });
    expect(existsSync(join(dir, 'keys.json'))).toBe(false);
    expect(readFileSync(join(dir, 'app-keys.json'), 'utf8')).not.toContain(DEFAULT_SECRET);
    const config = kernel.parseRunConfig({ accountCurrency: 'USDT', venues: [venueConfig('BINANCE', sim)], record: false });
    // Without the app's keys the session needs the key file's passphrase.
    await expect(kernel.startRun({ config, dataDir: dir, print: () => undefined })).rejects.toThrow(/no passphrase/);
    const lines: string[] = [];
    const session = await kernel.startRun({ config, dataDir: dir, print: (l) => lines.push(l), appKeys: sealer });
    cleanups.push(() => session.stop());
    expect(session.core.portfolio.balanceValue('USDT', 'BINANCE')).toBe(7_000);
    expect(lines.join('\n')).not.toContain(DEFAULT_SECRET);
  }, 60_000);

  it('keeps each paper venue\'s simulated balances apart (paperBalances per venue)', async () => {
    const one = await startBinanceSim({});
    cleanups.push(() => one.close());
    const two = await startBinanceSim({});
    cleanups.push(() => two.close());
    const dir = mkdtempSync(join(tmpdir(), 'libra-two-paper-'));
    const kernel = new Kernel({ dataDir: dir });
    const paper = (name: string, sim: BinanceSim, usdt: number): Record<string, unknown> => ({ ...venueConfig(name, sim), mode: 'paper', keyId: undefined, allowUnknownWithdrawal: undefined, paperBalances: { USDT: usdt } });
    const config = kernel.parseRunConfig({ accountCurrency: 'USDT', venues: [paper('BINANCE', one, 1_000), paper('BINANCE2', two, 2_000)], record: false });
    const session = await kernel.startRun({ config, dataDir: dir, print: () => undefined });
    cleanups.push(() => session.stop());
    const { portfolio, execution, cache } = session.core;
    expect(portfolio.balanceValue('USDT', 'BINANCE')).toBe(1_000);
    expect(portfolio.balanceValue('USDT', 'BINANCE2')).toBe(2_000);
    const ticker = setInterval(() => {
      one.trade('BTCUSDT', 60_000, 0.5);
      two.trade('BTCUSDT', 60_000, 0.5);
    }, 100);
    cleanups.push(() => clearInterval(ticker));
    await until(() => cache.lastPrice(B) !== undefined, 20_000, 'a trade on BINANCE2');
    const r = execution.submit('s1', { instrumentId: B, side: 'BUY', type: 'MARKET', quantityRaw: 1_000 }); // 0.01 BTC ≈ 600 USDT
    expect(r.ok).toBe(true);
    await until(() => cache.order(r.order.clientOrderId)?.status === 'FILLED', 20_000, 'the paper fill on BINANCE2');
    expect(portfolio.balanceValue('BTC', 'BINANCE2')).toBeCloseTo(0.01, 8);
    expect(portfolio.balanceValue('USDT', 'BINANCE2')).toBeLessThan(2_000 - 599);
    expect(portfolio.balanceValue('USDT', 'BINANCE')).toBe(1_000);
    expect(portfolio.balanceValue('BTC', 'BINANCE')).toBe(0);
  }, 60_000);
});
