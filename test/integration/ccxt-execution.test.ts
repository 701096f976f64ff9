/**
 * Every test runs twice: order requests built by ccxt, and by LIBRA's Binance request encoder
 * (src/main/venues/binance: new order, cancel and query by client order id over a keep-alive
 * agent, signed by the installed signer, answers parsed by ccxt) — on the encoder path ccxt's
 * createOrder/cancelOrder are never called (checked after each test).
 *
 * The CCXT execution client end to end: the real ccxt.pro `binance` client, over real sockets,
 * against the loopback Binance simulator, driving the real engine (ExecutionEngine, risk gate,
 * portfolio). Each fault is injected at the simulator; every test asserts EXACTLY one order
 * request per intent and that the engine's final state equals the simulator's.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_RISK } from '../../src/main/kernel';
import { createTsRiskGate } from '../../src/main/engine/risk/ts-risk-gate';
import { attachCcxtVenue, buildLiveCore, systemTimeSource } from '../../src/main/venues/ccxt/build';
import type { AttachedVenue, LiveCore } from '../../src/main/venues/ccxt/build';
import type { CcxtExecutionClient } from '../../src/main/venues/ccxt/ccxt-execution-client';
import { STREAM_CACHE_ENTRIES } from '../../src/main/venues/ccxt/ccxt-execution-client';
import type { VenueStatus } from '../../src/main/venues/ccxt/ccxt-execution-client';
import { TokenBucket } from '../../src/main/venues/ccxt/rate-limiter';
import { streamReadyWaiter } from '../../src/main/venues/ccxt/venues';
import type { Order, OrderIntent } from '../../src/shared/domain/order';
import { createHmacSigner } from '../../src/main/native/index';
import { installNativeSigning } from '../../src/main/native/ccxt-signing';
import type { CcxtSignable } from '../../src/main/native/ccxt-signing';
import { DEFAULT_SECRET, makeCcxtClient, startBinanceSim } from '../sim/binance';
import type { BinanceSim, CcxtBinance } from '../sim/binance';

interface Harness {
  readonly sim: BinanceSim;
  readonly ex: CcxtBinance;
  readonly core: LiveCore;
  readonly venue: AttachedVenue;
  readonly client: CcxtExecutionClient;
  readonly statuses: VenueStatus[];
  readonly logs: string[];
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

/** Which order path the current describe runs, and the ccxt order calls made on the encoder path. */
let orderPath: 'ccxt' | 'encoder' = 'ccxt';
const ccxtOrderCalls: string[] = [];

function useEncoder(ex: CcxtBinance): void {
  installNativeSigning(ex as unknown as CcxtSignable, { sha256: createHmacSigner('sha256', DEFAULT_SECRET, 'auto') });
  const create = ex.createOrder.bind(ex);
  const cancel = ex.cancelOrder.bind(ex);
  ex.createOrder = (...a: Parameters<CcxtBinance['createOrder']>) => {
    ccxtOrderCalls.push('createOrder');
    return create(...a);
  };
  ex.cancelOrder = (...a: Parameters<CcxtBinance['cancelOrder']>) => {
    ccxtOrderCalls.push('cancelOrder');
    return cancel(...a);
  };
}

async function until(check: () => boolean, ms = 4000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} not met in ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function setup(opts: { timeoutMs?: number; keepAliveMs?: number; sim?: BinanceSim; journalPath?: string; privateStreams?: boolean; nativeQuoteOrders?: boolean; ordersLimit?: number; userDataParser?: boolean } = {}): Promise<Harness> {
  const sim = opts.sim ?? (await startBinanceSim());
  if (!opts.sim) cleanups.push(() => sim.close());
  const ex = makeCcxtClient(sim, { timeoutMs: opts.timeoutMs ?? 800, keepAliveMs: opts.keepAliveMs ?? 10_000 });
  if (orderPath === 'encoder') useEncoder(ex);
  if (opts.ordersLimit !== undefined) ex.options['ordersLimit'] = opts.ordersLimit;
  const time = systemTimeSource();
  const core = buildLiveCore({ time, risk: createTsRiskGate(DEFAULT_RISK), accountCurrency: 'USDT' });
  const statuses: VenueStatus[] = [];
  const logs: string[] = [];
  const venue = await attachCcxtVenue(core, {
    venue: 'BINANCE',
    exchange: ex,
    symbols: ['BTC/USDT', 'ETH/USDT'],
    mode: 'live',
    limiter: new TokenBucket({ capacity: 100, perSecond: 100 }, time),
    random: () => 0.5,
    notFoundGraceMs: 1200,
    resolveDelayMs: 100,
    backoff: { baseMs: 50, maxMs: 400, jitter: 0.5 },
    waitStreamReady: streamReadyWaiter(ex, () => new Promise((r) => setTimeout(r, 200))),
    onStatus: (s) => statuses.push(s),
    log: (l) => logs.push(l),
    ...(opts.journalPath ? { journalPath: opts.journalPath } : {}),
    ...(opts.privateStreams === false ? { privateStreams: false, pollIntervalMs: 5000 } : {}),
    ...(opts.nativeQuoteOrders === false ? { nativeQuoteOrders: false } : {}),
    ...(opts.userDataParser === false ? { userDataParser: false } : {}),
  });
  cleanups.push(() => venue.stop());
  const client = venue.client as CcxtExecutionClient;
  await until(() => client.currentStatus === 'CONNECTED', 4000, 'first reconciliation');
  if (orderPath === 'encoder') expect(logs.some((l) => l.includes("LIBRA's Binance request encoder"))).toBe(true);
  return { sim, ex, core, venue, client, statuses, logs };
}

const BTC = 'BTC/USDT@BINANCE';
const ETH = 'ETH/USDT@BINANCE';

function limit(side: 'BUY' | 'SELL', qty: number, price: number, instrumentId = BTC): OrderIntent {
  // BTC/USDT: tick 0.01 (2 dp), lot 0.00001 (5 dp); ETH/USDT: tick 0.01, lot 0.0001.
  const sizeDp = instrumentId === BTC ? 5 : 4;
  return { instrumentId, side, type: 'LIMIT', quantityRaw: Math.round(qty * 10 ** sizeDp), priceRaw: Math.round(price * 100) };
}

function order(h: Harness, cid: string): Order | undefined {
  return h.core.cache.order(cid);
}

function submit(h: Harness, intent: OrderIntent): string {
  const r = h.core.execution.submit('s1', intent);
  expect(r.ok).toBe(true);
  return r.order.clientOrderId;
}

/** Engine balances equal the simulator's (free + locked), to 1e-8. */
function expectBalancesMatch(h: Harness): void {
  for (const [asset, b] of Object.entries(h.sim.balances())) {
    expect(h.core.portfolio.balanceValue(asset), asset).toBeCloseTo(b.free + b.locked, 7);
  }
}

function posts(h: Harness): number {
  return h.sim.requestsTo('POST', '/api/v3/order').length;
}

describe.each(['ccxt', 'encoder'] as const)('CcxtExecutionClient (%s order requests) against the Binance simulator', { timeout: 20_000 }, (path) => {
  beforeEach(() => {
    orderPath = path;
    ccxtOrderCalls.length = 0;
  });
  afterEach(() => {
    if (path === 'encoder') expect(ccxtOrderCalls, 'ccxt order calls on the encoder path').toEqual([]);
  });
  it('places a limit order once, gets it accepted, filled over the private stream, and matches the venue', async () => {
    const h = await setup();
    const cid = submit(h, limit('BUY', 0.01, 59_000));
    await until(() => order(h, cid)?.status === 'ACCEPTED');
    h.sim.setPrice('BTCUSDT', 58_000);
    await until(() => order(h, cid)?.status === 'FILLED');
    expect(posts(h)).toBe(1);
    expect(h.sim.orders().map((o) => o.clientOrderId)).toEqual([cid]);
    expect(h.core.portfolio.netPosition(BTC)).toBe(1000);
    await h.client.reconcileNow();
    expectBalancesMatch(h);
    expect(h.core.risk.tradingState()).toBe('ACTIVE');
  });

  it('reply dropped after the venue accepted (REST only): UNKNOWN, then resolved by client order id, never resent', async () => {
    const h = await setup({ privateStreams: false });
    h.sim.faults.dropNextOrderReply();
    const seen: string[] = [];
    h.core.execution.onOrderEvent((o) => seen.push(o.status));
    const cid = submit(h, limit('BUY', 0.01, 50_000));
    await until(() => order(h, cid)?.status === 'ACCEPTED');
    expect(seen).toEqual(['SUBMITTED', 'UNKNOWN', 'ACCEPTED']);
    expect(posts(h)).toBe(1);
    expect(h.sim.orders()).toHaveLength(1);
    expect(order(h, cid)?.venueOrderId).toBe(String(h.sim.orders()[0]?.orderId));
    const lookups = h.sim.requestsTo('GET', '/api/v3/order');
    expect(lookups.some((r) => r.params['origClientOrderId'] === cid)).toBe(true);
  });

  it('reply dropped with the private stream up: the stream or the lookup resolves it, never a resend', async () => {
    const h = await setup();
    h.sim.faults.dropNextOrderReply();
    const cid = submit(h, limit('BUY', 0.01, 50_000));
    await until(() => order(h, cid)?.status === 'ACCEPTED');
    await until(() => h.sim.requestsTo('GET', '/api/v3/order').some((r) => r.params['origClientOrderId'] === cid));
    expect(posts(h)).toBe(1);
    expect(h.sim.orders()).toHaveLength(1);
  });

  it('429 on a placement: REJECTED (the venue did not execute it), no resend, bucket paused', async () => {
    const h = await setup();
    h.sim.faults.nextStatus(429, 1, { pathContains: '/order', retryAfterSec: 1 });
    const cid = submit(h, limit('BUY', 0.01, 50_000));
    await until(() => order(h, cid)?.status === 'REJECTED');
    expect(order(h, cid)?.reason).toMatch(/^RATE_LIMITED/);
    expect(posts(h)).toBe(1);
    expect(h.sim.orders()).toHaveLength(0);
    // The next intent waits for the pause, then goes through once.
    const t0 = Date.now();
    const cid2 = submit(h, limit('BUY', 0.01, 50_000));
    await until(() => order(h, cid2)?.status === 'ACCEPTED');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(700);
    expect(posts(h)).toBe(2);
  });

  it('418 (IP ban): the order is REJECTED, the venue HALTED, the risk gate HALTED, nothing more is sent', async () => {
    const h = await setup();
    h.sim.faults.nextStatus(418, 1, { pathContains: '/order' });
    const cid = submit(h, limit('BUY', 0.01, 50_000));
    await until(() => order(h, cid)?.status === 'REJECTED');
    expect(h.client.currentStatus).toBe('HALTED');
    expect(h.core.risk.tradingState()).toBe('HALTED');
    const denied = h.core.execution.submit('s1', limit('BUY', 0.01, 50_000));
    expect(denied.ok).toBe(false);
    expect(posts(h)).toBe(1);
    expect(h.sim.orders()).toHaveLength(0);
  });

  it('5xx not processed: UNKNOWN, the venue says "does not exist" past the grace → REJECTED NOT_PLACED', async () => {
    const h = await setup();
    h.sim.faults.nextStatus(503, 1, { pathContains: '/api/v3/order' });
    const cid = submit(h, limit('BUY', 0.01, 50_000));
    await until(() => order(h, cid)?.status === 'UNKNOWN');
    await until(() => order(h, cid)?.status === 'REJECTED', 6000);
    expect(order(h, cid)?.reason).toMatch(/^NOT_PLACED/);
    expect(posts(h)).toBe(1);
    expect(h.sim.orders()).toHaveLength(0);
  });

  it('5xx after the venue processed the order: UNKNOWN, then ACCEPTED from the venue answer', async () => {
    const h = await setup();
    h.sim.faults.nextStatus(500, 1, { pathContains: '/api/v3/order', process: true });
    const cid = submit(h, limit('BUY', 0.01, 50_000));
    await until(() => order(h, cid)?.status === 'ACCEPTED');
    expect(posts(h)).toBe(1);
    expect(h.sim.orders().map((o) => o.clientOrderId)).toEqual([cid]);
  });

  it('reply slower than the timeout (REST only): UNKNOWN, resolved once the venue answers queries again', async () => {
    const h = await setup({ timeoutMs: 300, privateStreams: false });
    // Far beyond the timeout: with a margin of only 300 ms a stalled event loop on a loaded machine
    // could run the late reply before the timeout timer, and the order never passed through UNKNOWN.
    h.sim.faults.delayReplies(2000);
    const cid = submit(h, limit('BUY', 0.01, 50_000));
    await until(() => order(h, cid)?.status === 'UNKNOWN');
    h.sim.faults.delayReplies(0);
    await until(() => order(h, cid)?.status === 'ACCEPTED');
    expect(posts(h)).toBe(1);
    expect(h.sim.orders()).toHaveLength(1);
  });

  it('market order filled in the REST answer and on the stream, with a duplicated fill event: applied once', async () => {
    const h = await setup();
    h.sim.faults.duplicateNextFill();
    h.core.cache.setLastPrice(ETH, 3000);
    const cid = submit(h, { instrumentId: ETH, side: 'BUY', type: 'MARKET', quantityRaw: 10_000 });
    await until(() => order(h, cid)?.status === 'FILLED');
    await new Promise((r) => setTimeout(r, 300)); // let the duplicate stream events arrive
    expect(posts(h)).toBe(1);
    const simQty = h.sim.trades('ETHUSDT').reduce((s, f) => s + f.qty, 0);
    expect(h.core.portfolio.netPosition(ETH)).toBe(Math.round(simQty * 10_000));
    expect(order(h, cid)?.filledRaw).toBe(10_000);
    await h.client.reconcileNow();
    expect(h.core.portfolio.netPosition(ETH)).toBe(10_000);
    expectBalancesMatch(h);
  });

  it('a quote-amount market buy goes to Binance as quoteOrderQty: sized by the venue at the fill price, balances equal to the venue’s', async () => {
    const h = await setup();
    h.core.cache.setLastPrice(ETH, 2500); // a stale last price: the venue's fill price decides the quantity
    const qp = h.core.cache.requireInstrument(ETH).quotePrecision;
    const cid = submit(h, { instrumentId: ETH, side: 'BUY', type: 'MARKET', quantityRaw: 0, quoteQuantityRaw: 300 * 10 ** qp });
    await until(() => order(h, cid)?.status === 'FILLED');
    expect(posts(h)).toBe(1);
    const sent = h.sim.requestsTo('POST', '/api/v3/order')[0]?.params ?? {};
    expect(sent.quoteOrderQty).toBe('300');
    expect(sent.quantity).toBeUndefined();
    const simOrder = h.sim.orders()[0];
    const fills = h.sim.trades('ETHUSDT');
    const simQty = fills.reduce((s, f) => s + f.qty, 0);
    const spent = fills.reduce((s, f) => s + f.qty * f.price, 0);
    expect(spent).toBeLessThanOrEqual(300);
    expect(spent).toBeGreaterThan(299); // the whole amount, to one lot
    expect(simOrder?.origQuoteOrderQty).toBe(300);
    const filled = Math.round(simQty * 10_000);
    expect(order(h, cid)?.filledRaw).toBe(filled);
    expect(order(h, cid)?.quantityRaw).toBe(filled);
    expect(filled).toBeLessThan(1200); // not the 300/2500 = 0.12 ETH the stale last price says
    expect(order(h, cid)?.tags ?? []).toEqual([]);
    await h.client.reconcileNow();
    expectBalancesMatch(h);
  });

  it('a quote-amount market buy on a venue without one goes as a base quantity at the last price less the stated 1 % margin', async () => {
    const h = await setup({ nativeQuoteOrders: false });
    h.core.cache.setLastPrice(ETH, 3000);
    const qp = h.core.cache.requireInstrument(ETH).quotePrecision;
    // Spend 300 USDT: 300 × 0.99 / 3000 = 0.099 ETH (lot 0.0001 → 990 raw).
    const cid = submit(h, { instrumentId: ETH, side: 'BUY', type: 'MARKET', quantityRaw: 0, quoteQuantityRaw: 300 * 10 ** qp });
    await until(() => order(h, cid)?.status === 'FILLED');
    expect(posts(h)).toBe(1);
    const sent = h.sim.requestsTo('POST', '/api/v3/order')[0]?.params ?? {};
    expect(Number(sent.quantity)).toBeCloseTo(0.099, 12);
    expect(sent.quoteOrderQty).toBeUndefined();
    expect(order(h, cid)?.filledRaw).toBe(990);
    expect(order(h, cid)?.tags).toEqual(['quote amount converted at the last price 3000 less 1 %']);
    expectBalancesMatch(h);
  });

  it('WebSocket 1006: trading HALTED while down; a fill that happened meanwhile is applied once after reconnect', async () => {
    const h = await setup();
    const cid = submit(h, limit('BUY', 0.02, 59_000));
    await until(() => order(h, cid)?.status === 'ACCEPTED');
    const connectedBefore = h.statuses.filter((s) => s.kind === 'CONNECTED').length;
    h.sim.faults.closeWebSockets(1006);
    h.sim.setPrice('BTCUSDT', 58_000); // fills while no stream is connected
    await until(() => h.statuses.some((s) => s.kind === 'DISCONNECTED'));
    await until(() => h.statuses.filter((s) => s.kind === 'CONNECTED').length > connectedBefore, 6000);
    await until(() => order(h, cid)?.status === 'FILLED');
    expect(h.core.portfolio.netPosition(BTC)).toBe(2000);
    expect(h.core.risk.tradingState()).toBe('ACTIVE');
    expect(posts(h)).toBe(1);
    expectBalancesMatch(h);
    const last = h.statuses.filter((s) => s.kind === 'CONNECTED').at(-1);
    expect(last?.report?.missedFills.length ?? 0).toBeGreaterThanOrEqual(0);
  });

  it('silent stall: detected by missed pongs, reconnect with backoff, reconcile, fill applied once', async () => {
    const h = await setup({ keepAliveMs: 200 });
    const cid = submit(h, limit('SELL', 0.05, 61_000));
    await until(() => order(h, cid)?.status === 'ACCEPTED');
    h.sim.faults.stallWebSockets(1200);
    h.sim.setPrice('BTCUSDT', 62_000);
    await until(() => h.statuses.some((s) => s.kind === 'DISCONNECTED'), 4000);
    expect(h.core.risk.tradingState()).toBe('HALTED');
    await until(() => order(h, cid)?.status === 'FILLED', 8000);
    await until(() => h.client.currentStatus === 'CONNECTED', 8000);
    expect(h.core.portfolio.netPosition(BTC)).toBe(-5000);
    expect(posts(h)).toBe(1);
    expectBalancesMatch(h);
  });

  it("caps ccxt.pro's private caches (orders, trades) at STREAM_CACHE_ENTRIES", async () => {
    const h = await setup();
    expect(h.ex.options['ordersLimit']).toBe(STREAM_CACHE_ENTRIES);
    expect(h.ex.options['tradesLimit']).toBe(STREAM_CACHE_ENTRIES);
  });

  it('a stream delivery as large as ccxt keeps (a burst may have lost updates) triggers a reconciliation; the engine still matches the venue', async () => {
    // A configured smaller cache stays: with 1 entry every order update fills it. ccxt's own
    // parsing of the order updates (LIBRA's Binance parser keeps no cache to overflow): the path
    // of every other venue, and of the updates LIBRA's parser leaves to ccxt.
    const h = await setup({ ordersLimit: 1, userDataParser: false });
    expect(h.ex.options['ordersLimit']).toBe(1);
    const cid = submit(h, limit('BUY', 0.02, 59_000));
    await until(() => order(h, cid)?.status === 'ACCEPTED');
    await until(() => h.logs.some((l) => l.includes('order stream delivered 1 updates at once (ccxt keeps 1): reconciling')), 4000, 'burst reconciliation');
    h.sim.setPrice('BTCUSDT', 58_000);
    await until(() => order(h, cid)?.status === 'FILLED');
    await h.client.reconcileNow();
    expect(h.core.portfolio.netPosition(BTC)).toBe(2000);
    expect(posts(h)).toBe(1);
    expectBalancesMatch(h);
  });

  it("reads the private stream's order updates with LIBRA's Binance parser: ccxt's order and trade caches stay empty, fills arrive once", async () => {
    const h = await setup();
    const cid = submit(h, limit('BUY', 0.02, 59_000));
    await until(() => order(h, cid)?.status === 'ACCEPTED');
    h.sim.setPrice('BTCUSDT', 58_000);
    await until(() => order(h, cid)?.status === 'FILLED');
    const caches = h.ex as unknown as { orders?: unknown[]; myTrades?: unknown[] };
    expect(caches.orders?.length ?? 0).toBe(0);
    expect(caches.myTrades?.length ?? 0).toBe(0);
    expect(h.logs.filter((l) => l.includes('not read by LIBRA'))).toEqual([]);
    expect(h.core.portfolio.netPosition(BTC)).toBe(2000);
    expectBalancesMatch(h);
  });

  it('adopts an order placed directly at the venue (at start and while running)', async () => {
    const sim = await startBinanceSim();
    cleanups.push(() => sim.close());
    const other = makeCcxtClient(sim);
    cleanups.push(async () => {
      await other.close();
    });
    await other.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 40_000, { clientOrderId: 'manual-1' });
    const h = await setup({ sim });
    const adopted = h.core.cache.order('manual-1');
    expect(adopted).toMatchObject({ strategyId: 'EXTERNAL', status: 'ACCEPTED' });
    const report = h.statuses.find((s) => s.kind === 'CONNECTED')?.report;
    expect(report?.adoptedOrders.map((a) => a.clientOrderId)).toEqual(['manual-1']);
    await other.createOrder('ETH/USDT', 'limit', 'sell', 0.5, 4000, { clientOrderId: 'manual-2' });
    await until(() => h.core.cache.order('manual-2')?.status === 'ACCEPTED');
    expect(h.core.cache.openOrders().map((o) => o.clientOrderId).sort()).toEqual(['manual-1', 'manual-2']);
  });

  it('cancels once; a cancel of an order that filled meanwhile ends FILLED with its fills', async () => {
    const h = await setup();
    const a = submit(h, limit('BUY', 0.01, 50_000));
    await until(() => order(h, a)?.status === 'ACCEPTED');
    expect(h.core.execution.cancel(a).ok).toBe(true);
    await until(() => order(h, a)?.status === 'CANCELED');
    expect(h.sim.requestsTo('DELETE', '/api/v3/order')).toHaveLength(1);
    expect(h.sim.orders()[0]?.status).toBe('CANCELED');
    expectBalancesMatch(h);
  });
});
