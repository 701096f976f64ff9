/**
 * Live-trading safety of the CCXT venue, end to end: the real ccxt.pro `binance` client over real
 * sockets against the loopback Binance simulator, driving the real engine. Covers fills carried
 * in the REST answer while the private stream is stalled, a silent stream detected in seconds,
 * cancels of orders whose placement is unconfirmed, and the balance check against the venue's
 * balances (with the funds of working orders locked).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_RISK } from '../../src/main/kernel';
import { createTsRiskGate } from '../../src/main/engine/risk/ts-risk-gate';
import { attachCcxtVenue, buildLiveCore, systemTimeSource } from '../../src/main/venues/ccxt/build';
import type { LiveCore } from '../../src/main/venues/ccxt/build';
import type { CcxtExecutionClient, VenueStatus } from '../../src/main/venues/ccxt/ccxt-execution-client';
import { TokenBucket } from '../../src/main/venues/ccxt/rate-limiter';
import { streamReadyWaiter } from '../../src/main/venues/ccxt/venues';
import type { Fill, OrderIntent } from '../../src/shared/domain/order';
import { makeCcxtClient, startBinanceSim } from '../sim/binance';
import type { BinanceSim } from '../sim/binance';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function until(check: () => boolean, ms = 4000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} not met in ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface Harness {
  readonly sim: BinanceSim;
  readonly core: LiveCore;
  readonly client: CcxtExecutionClient;
  readonly statuses: VenueStatus[];
  readonly logs: string[];
}

/** `keepAliveMs` is ccxt's own ping interval (Binance's default is 180 000); `staleStreamMs` is ours. */
async function setup(opts: { keepAliveMs?: number; staleStreamMs?: number; resolveDelayMs?: number; balances?: Record<string, number>; nativeAmend?: boolean } = {}): Promise<Harness> {
  const sim = await startBinanceSim(opts.balances ? { balances: opts.balances } : {});
  cleanups.push(() => sim.close());
  const ex = makeCcxtClient(sim, { timeoutMs: 800, keepAliveMs: opts.keepAliveMs ?? 180_000 });
  const time = systemTimeSource();
  const core = buildLiveCore({ time, risk: createTsRiskGate(DEFAULT_RISK), accountCurrency: 'USDT' });
  const statuses: VenueStatus[] = [];
  const logs: string[] = [];
  const venue = await attachCcxtVenue(core, {
    venue: 'BINANCE',
    exchange: ex,
    symbols: ['BTC/USDT'],
    mode: 'live',
    limiter: new TokenBucket({ capacity: 100, perSecond: 100 }, time),
    random: () => 0.5,
    notFoundGraceMs: 1200,
    resolveDelayMs: opts.resolveDelayMs ?? 100,
    backoff: { baseMs: 50, maxMs: 400, jitter: 0.5 },
    waitStreamReady: streamReadyWaiter(ex, () => new Promise((r) => setTimeout(r, 200))),
    ...(opts.staleStreamMs !== undefined ? { staleStreamMs: opts.staleStreamMs } : {}),
    ...(opts.nativeAmend === false ? { nativeAmend: false } : {}),
    onStatus: (s) => statuses.push(s),
    log: (l) => logs.push(l),
  });
  cleanups.push(() => venue.stop());
  const client = venue.client as CcxtExecutionClient;
  await until(() => client.currentStatus === 'CONNECTED', 4000, 'first reconciliation');
  return { sim, core, client, statuses, logs };
}

const BTC = 'BTC/USDT@BINANCE';
// BTC/USDT on the simulator: tick 0.01 (2 dp), lot 0.00001 (5 dp).
const limit = (side: 'BUY' | 'SELL', qty: number, price: number): OrderIntent => ({ instrumentId: BTC, side, type: 'LIMIT', quantityRaw: Math.round(qty * 1e5), priceRaw: Math.round(price * 100) });

describe('CCXT venue safety against the Binance simulator', { timeout: 60_000 }, () => {
  it('applies the fills of a FULL REST answer (no side, no time) while the private stream is stalled', async () => {
    const h = await setup();
    h.core.cache.setLastPrice(BTC, 60_000);
    const tradeQueries = h.sim.requestsTo('GET', '/api/v3/myTrades').length; // the first reconciliation's
    h.sim.faults.stallWebSockets(20_000);
    const fills: Fill[] = [];
    h.core.execution.onOrderEvent((_o, f) => {
      if (f) fills.push(f);
    });
    const r = h.core.execution.submit('s1', { instrumentId: BTC, side: 'BUY', type: 'MARKET', quantityRaw: 1000 });
    expect(r.ok).toBe(true);
    await until(() => h.core.cache.order(r.order.clientOrderId)?.status === 'FILLED', 15_000, 'the fill from the REST answer');
    expect(h.sim.faults.stalled).toBe(true); // the stream could not have brought it
    expect(h.sim.requestsTo('GET', '/api/v3/myTrades')).toHaveLength(tradeQueries); // nor a trade query: the answer did
    expect(h.core.portfolio.netPosition(BTC)).toBe(1000);
    expect(h.sim.requestsTo('POST', '/api/v3/order')).toHaveLength(1);
    const venueTrades = h.sim.trades('BTCUSDT');
    expect(fills.map((f) => f.tradeId)).toEqual(venueTrades.map((t) => String(t.id)));
    expect(fills.every((f) => f.side === 'BUY' && f.ts > 0)).toBe(true);
    expect(h.logs.filter((l) => /not readable/.test(l))).toEqual([]);
  });

  it('detects a silent private stream (no events, no pongs) within seconds, not ccxt\'s minutes, and reconciles', async () => {
    const h = await setup({ keepAliveMs: 180_000, staleStreamMs: 1000 });
    const cid = h.core.execution.submit('s1', limit('SELL', 0.05, 61_000)).order.clientOrderId;
    await until(() => h.core.cache.order(cid)?.status === 'ACCEPTED');
    const stalledAt = Date.now();
    h.sim.faults.stallWebSockets(8000);
    h.sim.setPrice('BTCUSDT', 62_000); // fills while the stream is silent
    // ccxt alone (a ping every 180 s) would not notice for minutes; the bound is loose for a loaded machine.
    await until(() => h.statuses.some((s) => s.kind === 'DISCONNECTED'), 20_000, 'the stall to be detected');
    expect(Date.now() - stalledAt).toBeLessThan(20_000);
    expect(h.core.risk.tradingState()).toBe('HALTED');
    await until(() => h.core.cache.order(cid)?.status === 'FILLED', 20_000, 'the fill after reconnecting');
    await until(() => h.client.currentStatus === 'CONNECTED', 20_000, 'reconnected');
    expect(h.core.portfolio.netPosition(BTC)).toBe(-5000);
    expect(h.sim.requestsTo('POST', '/api/v3/order')).toHaveLength(1);
  });

  it('cancels an order whose placement reply was lost: resolved by client order id, then cancelled once at the venue', async () => {
    const h = await setup({ resolveDelayMs: 1000 });
    h.sim.faults.stallWebSockets(3000); // the stream must not tell us first
    h.sim.faults.dropNextOrderReply();
    const cid = h.core.execution.submit('s1', limit('BUY', 0.01, 50_000)).order.clientOrderId;
    await until(() => h.core.cache.order(cid)?.status === 'UNKNOWN', 4000, 'the lost reply');
    expect(h.core.execution.cancel(cid).ok).toBe(true);
    await until(() => h.core.cache.order(cid)?.status === 'CANCELED', 8000, 'the cancel');
    expect(h.sim.orders().find((o) => o.clientOrderId === cid)?.status).toBe('CANCELED');
    expect(h.sim.requestsTo('POST', '/api/v3/order')).toHaveLength(1);
    expect(h.sim.requestsTo('DELETE', '/api/v3/order')).toHaveLength(1);
  });

  it('cancels an order still in flight only after the venue confirmed it, never leaving it booked', async () => {
    const h = await setup();
    h.sim.faults.delayReplies(400);
    const cid = h.core.execution.submit('s1', limit('BUY', 0.01, 50_000)).order.clientOrderId;
    expect(h.core.execution.cancel(cid).ok).toBe(true);
    expect(h.core.cache.order(cid)?.status).toBe('PENDING_CANCEL');
    await until(() => h.core.cache.order(cid)?.status === 'CANCELED', 8000, 'the cancel');
    h.sim.faults.delayReplies(0);
    expect(h.sim.orders().find((o) => o.clientOrderId === cid)?.status).toBe('CANCELED');
    expect(h.sim.requestsTo('DELETE', '/api/v3/order')).toHaveLength(1);
  });

  it('denies an order the venue account cannot pay for, counting funds locked by working orders', async () => {
    const h = await setup({ balances: { USDT: 1000, BTC: 0 } });
    const first = h.core.execution.submit('s1', limit('BUY', 0.01, 60_000)); // 600 USDT
    expect(first.ok).toBe(true);
    await until(() => h.core.cache.order(first.order.clientOrderId)?.status === 'ACCEPTED');
    expect(h.core.portfolio.balance('USDT')?.lockedRaw).toBe(600 * 1e8);
    const second = h.core.execution.submit('s1', limit('BUY', 0.01, 50_000)); // 500 > 400 free
    expect(second.ok === false && second.message).toBe('INSUFFICIENT_BALANCE: need 500 USDT, have 400 USDT free');
    expect(h.sim.requestsTo('POST', '/api/v3/order')).toHaveLength(1);
    // The venue agrees on what is locked.
    await h.client.reconcileNow();
    expect(h.sim.balances()['USDT']).toEqual({ free: 400, locked: 600 });
    expect(h.core.portfolio.freeValue('USDT')).toBeCloseTo(400, 8);
  });

  it('without a native amend, amends by cancel-replace: one cancel, then one new order for the rest at the new price, resolved like any new order', async () => {
    const h = await setup({ nativeAmend: false });
    const cid = h.core.execution.submit('s1', limit('BUY', 0.02, 50_000)).order.clientOrderId;
    await until(() => h.core.cache.order(cid)?.status === 'ACCEPTED');
    h.sim.faults.dropNextOrderReply(); // the replacement's answer is lost: UNKNOWN, resolved by client id
    expect(h.core.execution.modify(cid, { priceRaw: 5_100_000 }).ok).toBe(true);
    await until(() => h.core.cache.order(cid)?.status === 'CANCELED', 6000, 'the cancel');
    await until(() => h.core.cache.openOrders().some((o) => o.clientOrderId !== cid && o.status === 'ACCEPTED'), 8000, 'the replacement');
    const replacement = h.core.cache.openOrders().find((o) => o.clientOrderId !== cid);
    expect(replacement).toMatchObject({ priceRaw: 5_100_000, quantityRaw: 2000, tags: [`replaces:${cid}`] });
    expect(h.sim.requestsTo('POST', '/api/v3/order')).toHaveLength(2);
    expect(h.sim.requestsTo('DELETE', '/api/v3/order')).toHaveLength(1);
    expect(h.sim.orders().map((o) => [o.clientOrderId, o.status])).toEqual([
      [cid, 'CANCELED'],
      [replacement?.clientOrderId, 'NEW'],
    ]);
  });

  it('amends in one order/cancelReplace (ccxt editOrder) under the same client order id; the new terms fill', async () => {
    const h = await setup();
    expect(h.client.amendsInPlace).toBe(true);
    const cid = h.core.execution.submit('s1', limit('BUY', 0.01, 50_000)).order.clientOrderId;
    await until(() => h.core.cache.order(cid)?.status === 'ACCEPTED');
    const firstId = h.core.cache.order(cid)?.venueOrderId;
    const r = h.core.execution.modify(cid, { priceRaw: 5_100_000, quantityRaw: 2000 });
    expect(r.ok && r.order.status).toBe('PENDING_UPDATE');
    await until(() => h.core.cache.order(cid)?.status === 'ACCEPTED' && h.core.cache.order(cid)?.priceRaw === 5_100_000, 4000, 'the amend');
    expect(h.core.cache.order(cid)).toMatchObject({ quantityRaw: 2000, priceRaw: 5_100_000 });
    expect(h.core.cache.order(cid)?.venueOrderId).not.toBe(firstId);
    const sent = h.sim.requestsTo('POST', '/api/v3/order/cancelReplace');
    expect(sent).toHaveLength(1);
    expect(sent[0]?.params).toMatchObject({ cancelReplaceMode: 'STOP_ON_FAILURE', cancelOrderId: firstId, newClientOrderId: cid, type: 'LIMIT', quantity: '0.02', price: '51000', timeInForce: 'GTC' });
    expect(h.sim.requestsTo('POST', '/api/v3/order')).toHaveLength(1);
    expect(h.sim.requestsTo('DELETE', '/api/v3/order')).toHaveLength(0);
    expect(h.sim.orders().map((o) => [o.clientOrderId, o.status, o.price, o.origQty])).toEqual([
      [cid, 'CANCELED', 50_000, 0.01],
      [cid, 'NEW', 51_000, 0.02],
    ]);
    expect(h.core.portfolio.balance('USDT')?.lockedRaw).toBe(1020 * 1e8);
    h.sim.setPrice('BTCUSDT', 50_500);
    await until(() => h.core.cache.order(cid)?.status === 'FILLED', 4000, 'the fill');
    expect(h.core.portfolio.netPosition(BTC)).toBe(2000);
    await new Promise((res) => setTimeout(res, 300)); // the old order's late CANCELED event
    expect(h.core.cache.order(cid)?.status).toBe('FILLED');
    await h.client.reconcileNow();
    expect(h.core.portfolio.balanceValue('USDT')).toBeCloseTo((h.sim.balances()['USDT']?.free ?? 0) + (h.sim.balances()['USDT']?.locked ?? 0), 7);
    expect(h.logs.filter((l) => /engine rejected|not readable|overfill/.test(l))).toEqual([]);
  });

  it('an amend after a partial fill replaces the rest; the fills of both venue orders count once', async () => {
    const h = await setup();
    const cid = h.core.execution.submit('s1', limit('BUY', 0.02, 50_000)).order.clientOrderId;
    await until(() => h.core.cache.order(cid)?.status === 'ACCEPTED');
    h.sim.trade('BTCUSDT', 50_000, 0.005);
    await until(() => h.core.cache.order(cid)?.filledRaw === 500, 4000, 'the partial fill');
    expect(h.core.execution.modify(cid, { quantityRaw: 3000, priceRaw: 5_000_100 }).ok).toBe(true);
    await until(() => h.core.cache.order(cid)?.quantityRaw === 3000 && h.core.cache.order(cid)?.status === 'PARTIALLY_FILLED', 4000, 'the amend');
    expect(h.sim.orders().map((o) => [o.status, o.origQty, o.executedQty])).toEqual([
      ['CANCELED', 0.02, 0.005],
      ['NEW', 0.025, 0],
    ]);
    h.sim.setPrice('BTCUSDT', 49_000);
    await until(() => h.core.cache.order(cid)?.status === 'FILLED', 4000, 'the fill');
    expect(h.core.cache.order(cid)?.filledRaw).toBe(3000);
    expect(h.core.portfolio.netPosition(BTC)).toBe(3000);
    await h.client.reconcileNow();
    expect(h.core.portfolio.netPosition(BTC)).toBe(3000);
    expect(h.logs.filter((l) => /engine rejected|overfill/.test(l))).toEqual([]);
  });

  it('an amend racing a fill: the venue refuses the cancel half and places nothing; the order ends FILLED, nothing throws', async () => {
    const h = await setup();
    const cid = h.core.execution.submit('s1', limit('BUY', 0.01, 50_000)).order.clientOrderId;
    await until(() => h.core.cache.order(cid)?.status === 'ACCEPTED');
    const seen: string[] = [];
    h.core.execution.onOrderEvent((o) => {
      if (o.clientOrderId === cid) seen.push(o.status);
    });
    h.sim.setPrice('BTCUSDT', 49_000); // fills at the venue; the engine has not heard yet
    expect(h.core.execution.modify(cid, { priceRaw: 4_900_000 }).ok).toBe(true);
    await until(() => h.core.cache.order(cid)?.status === 'FILLED', 4000, 'the fill');
    await until(() => h.logs.some((l) => l.includes('cancelReplace') || l.includes('AMEND')) || h.sim.requestsTo('POST', '/api/v3/order/cancelReplace')[0]?.status === 400, 4000, 'the refused amend');
    await new Promise((res) => setTimeout(res, 300));
    expect(h.sim.requestsTo('POST', '/api/v3/order/cancelReplace').map((q) => q.status)).toEqual([400]);
    expect(h.sim.orders()).toHaveLength(1);
    expect(h.core.cache.order(cid)).toMatchObject({ status: 'FILLED', filledRaw: 1000, priceRaw: 5_000_000 });
    expect(h.core.portfolio.netPosition(BTC)).toBe(1000);
    expect(seen.at(-1)).toBe('FILLED');
    expect(h.logs.filter((l) => /engine rejected|InvalidTransition/.test(l))).toEqual([]);
  });

  it('an amend whose answer is lost (5xx after the venue did it): resolved from the venue’s view to the replacement, never resent', async () => {
    const h = await setup();
    const cid = h.core.execution.submit('s1', limit('BUY', 0.01, 50_000)).order.clientOrderId;
    await until(() => h.core.cache.order(cid)?.status === 'ACCEPTED');
    h.sim.faults.nextStatus(503, 1, { pathContains: '/order/cancelReplace', process: true });
    expect(h.core.execution.modify(cid, { priceRaw: 4_990_000 }).ok).toBe(true);
    await until(() => h.core.cache.order(cid)?.priceRaw === 4_990_000 && h.core.cache.order(cid)?.status === 'ACCEPTED', 6000, 'the resolved amend');
    expect(h.sim.requestsTo('POST', '/api/v3/order/cancelReplace')).toHaveLength(1);
    expect(h.sim.orders().map((o) => [o.status, o.price])).toEqual([
      ['CANCELED', 50_000],
      ['NEW', 49_900],
    ]);
    expect(h.core.cache.order(cid)?.venueOrderId).toBe(String(h.sim.orders()[1]?.orderId));
  });

  it('an amend the venue never received (5xx, not processed): after the grace it is refused, the order works on unchanged, nothing resent', async () => {
    const h = await setup();
    const cid = h.core.execution.submit('s1', limit('BUY', 0.01, 50_000)).order.clientOrderId;
    await until(() => h.core.cache.order(cid)?.status === 'ACCEPTED');
    h.sim.faults.nextStatus(503, 1, { pathContains: '/order/cancelReplace' });
    expect(h.core.execution.modify(cid, { priceRaw: 4_990_000 }).ok).toBe(true);
    expect(h.core.cache.order(cid)?.status).toBe('PENDING_UPDATE');
    await until(() => h.core.cache.order(cid)?.status === 'ACCEPTED', 6000, 'the refused amend');
    expect(h.core.cache.order(cid)).toMatchObject({ priceRaw: 5_000_000, reason: expect.stringMatching(/^AMEND_NOT_APPLIED/) });
    expect(h.sim.requestsTo('POST', '/api/v3/order/cancelReplace')).toHaveLength(1);
    expect(h.sim.orders().map((o) => [o.status, o.price])).toEqual([['NEW', 50_000]]);
  });
});

