/**
 * Binance USD-M amends in place, end to end: the real ccxt.pro `binanceusdm` client (editOrder →
 * `PUT /fapi/v1/order`) over real sockets against the simulator's USD-M side (futures.ts: fapi
 * REST, the listenKey user data stream with ORDER_TRADE_UPDATE), driving the real engine. Each
 * test runs with order requests built by ccxt and by LIBRA's Binance encoder (new / cancel /
 * query; the amend is ccxt's editOrder on both). The order keeps its venue id; the quantity sent
 * is the new total; a fill racing the amend, and a lost amend answer, never throw and are resolved
 * from the venue's view of the order, never resent.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_RISK } from '../../src/main/kernel';
import { createTsRiskGate } from '../../src/main/engine/risk/ts-risk-gate';
import { attachCcxtVenue, buildLiveCore, systemTimeSource } from '../../src/main/venues/ccxt/build';
import type { LiveCore } from '../../src/main/venues/ccxt/build';
import type { CcxtExecutionClient } from '../../src/main/venues/ccxt/ccxt-execution-client';
import { TokenBucket } from '../../src/main/venues/ccxt/rate-limiter';
import { createHmacSigner } from '../../src/main/native/index';
import { installNativeSigning } from '../../src/main/native/ccxt-signing';
import type { CcxtSignable } from '../../src/main/native/ccxt-signing';
import type { OrderIntent } from '../../src/shared/domain/order';
import { DEFAULT_SECRET, makeCcxtUsdmClient, startBinanceSim } from '../sim/binance';
import type { BinanceSim } from '../sim/binance';
import { until } from '../support/until';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

interface Harness {
  readonly sim: BinanceSim;
  readonly core: LiveCore;
  readonly client: CcxtExecutionClient;
  readonly id: string;
  readonly logs: string[];
}

const PUT = (sim: BinanceSim): ReturnType<BinanceSim['requestsTo']> => sim.requestsTo('PUT', '/fapi/v1/order');
// BTC/USDT:USDT on the simulator: tick 0.1 (1 dp), lot 0.001 (3 dp).
const px = (p: number): number => Math.round(p * 10);
const qty = (q: number): number => Math.round(q * 1000);

describe.each(['ccxt', 'encoder'] as const)('Binance USD-M amend in place (%s order requests) against the simulator', { timeout: 30_000 }, (path) => {
  async function setup(): Promise<Harness> {
    const sim = await startBinanceSim({ historyMinutes: 5 });
    cleanups.push(() => sim.close());
    const ex = makeCcxtUsdmClient(sim, { timeoutMs: 800 });
    if (path === 'encoder') installNativeSigning(ex as unknown as CcxtSignable, { sha256: createHmacSigner('sha256', DEFAULT_SECRET, 'auto') });
    const time = systemTimeSource();
    const core = buildLiveCore({ time, risk: createTsRiskGate(DEFAULT_RISK), accountCurrency: 'USDT' });
    const logs: string[] = [];
    const venue = await attachCcxtVenue(core, {
      venue: 'BINANCEUSDM',
      exchange: ex,
      symbols: ['BTC/USDT:USDT'],
      mode: 'live',
      limiter: new TokenBucket({ capacity: 100, perSecond: 100 }, time),
      random: () => 0.5,
      notFoundGraceMs: 1200,
      resolveDelayMs: 100,
      backoff: { baseMs: 50, maxMs: 400, jitter: 0.5 },
      waitStreamReady: () => new Promise((r) => setTimeout(r, 300)),
      log: (l) => logs.push(l),
    });
    cleanups.push(() => venue.stop());
    const client = venue.client as CcxtExecutionClient;
    await until(() => client.currentStatus === 'CONNECTED', 6000, 'first reconciliation');
    const id = venue.instruments[0]?.id ?? '';
    return { sim, core, client, id, logs };
  }
  const limit = (h: Harness, side: 'BUY' | 'SELL', q: number, p: number): OrderIntent => ({ instrumentId: h.id, side, type: 'LIMIT', quantityRaw: qty(q), priceRaw: px(p) });
  const submit = async (h: Harness, q: number, p: number): Promise<string> => {
    const r = h.core.execution.submit('s1', limit(h, 'BUY', q, p));
    if (!r.ok) throw new Error(`denied: ${r.reason}`);
    const cid = r.order.clientOrderId;
    await until(() => h.core.cache.order(cid)?.status === 'ACCEPTED', 4000, 'the acceptance');
    return cid;
  };
  const clean = (h: Harness): string[] => h.logs.filter((l) => /engine rejected|InvalidTransition|not readable|overfill/.test(l));

  it('modifies the order in place in one PUT /fapi/v1/order: same venue id, the new total quantity and price, then fills on the new terms', async () => {
    const h = await setup();
    expect(h.client.amendsInPlace).toBe(true);
    const cid = await submit(h, 0.01, 50_000);
    const venueId = h.core.cache.order(cid)?.venueOrderId;
    const r = h.core.execution.modify(cid, { priceRaw: px(51_000), quantityRaw: qty(0.02) });
    expect(r.ok && r.order.status).toBe('PENDING_UPDATE');
    await until(() => h.core.cache.order(cid)?.status === 'ACCEPTED' && h.core.cache.order(cid)?.priceRaw === px(51_000), 4000, 'the amend');
    expect(h.core.cache.order(cid)).toMatchObject({ quantityRaw: qty(0.02), venueOrderId: venueId });
    expect(PUT(h.sim)).toHaveLength(1);
    expect(PUT(h.sim)[0]?.params).toMatchObject({ symbol: 'BTCUSDT', side: 'BUY', orderId: venueId, quantity: '0.02', price: '51000' });
    expect(h.sim.requestsTo('POST', '/fapi/v1/order')).toHaveLength(1);
    expect(h.sim.requestsTo('DELETE', '/fapi/v1/order')).toHaveLength(0);
    expect(h.sim.futuresOrders().map((o) => [String(o.orderId), o.clientOrderId, o.status, o.price, o.origQty])).toEqual([[venueId, cid, 'NEW', 51_000, 0.02]]);
    h.sim.setFuturesPrice('BTCUSDT', 50_500);
    await until(() => h.core.cache.order(cid)?.status === 'FILLED', 4000, 'the fill');
    expect(h.core.cache.order(cid)?.filledRaw).toBe(qty(0.02));
    expect(h.core.portfolio.netPosition(h.id)).toBe(qty(0.02));
    expect(clean(h)).toEqual([]);
  });

  it('an amend after a partial fill sends the new TOTAL quantity; the fills before and after count once', async () => {
    const h = await setup();
    const cid = await submit(h, 0.02, 50_000);
    h.sim.futures.trade('BTCUSDT', 50_000, 0.005);
    await until(() => h.core.cache.order(cid)?.filledRaw === qty(0.005), 4000, 'the partial fill');
    expect(h.core.execution.modify(cid, { quantityRaw: qty(0.03), priceRaw: px(50_000.1) }).ok).toBe(true);
    await until(() => h.core.cache.order(cid)?.quantityRaw === qty(0.03) && h.core.cache.order(cid)?.status === 'PARTIALLY_FILLED', 4000, 'the amend');
    expect(PUT(h.sim)[0]?.params['quantity']).toBe('0.03');
    expect(h.sim.futuresOrders().map((o) => [o.status, o.origQty, o.executedQty, o.price])).toEqual([['PARTIALLY_FILLED', 0.03, 0.005, 50_000.1]]);
    h.sim.setFuturesPrice('BTCUSDT', 49_000);
    await until(() => h.core.cache.order(cid)?.status === 'FILLED', 4000, 'the fill');
    expect(h.core.cache.order(cid)?.filledRaw).toBe(qty(0.03));
    await h.client.reconcileNow();
    expect(h.core.portfolio.netPosition(h.id)).toBe(qty(0.03));
    expect(clean(h)).toEqual([]);
  });

  it('an amend racing a fill: the venue answers -2013 (not working), the amend is refused, the order ends FILLED, nothing throws', async () => {
    const h = await setup();
    const cid = await submit(h, 0.01, 50_000);
    const seen: string[] = [];
    h.core.execution.onOrderEvent((o) => {
      if (o.clientOrderId === cid) seen.push(o.status);
    });
    h.sim.setFuturesPrice('BTCUSDT', 49_000); // fills at the venue; the engine has not heard yet
    expect(h.core.execution.modify(cid, { priceRaw: px(49_500) }).ok).toBe(true);
    await until(() => h.core.cache.order(cid)?.status === 'FILLED', 4000, 'the fill');
    await until(() => PUT(h.sim)[0]?.status === 400, 4000, 'the refused amend');
    await new Promise((res) => setTimeout(res, 300));
    expect(PUT(h.sim).map((q) => q.status)).toEqual([400]);
    expect(h.core.cache.order(cid)).toMatchObject({ status: 'FILLED', filledRaw: qty(0.01), priceRaw: px(50_000) });
    expect(h.core.portfolio.netPosition(h.id)).toBe(qty(0.01));
    expect(seen.at(-1)).toBe('FILLED');
    expect(clean(h)).toEqual([]);
  });

  it('an amend whose answer is lost (5xx after the venue did it): resolved by client order id from the venue’s terms, never resent', async () => {
    const h = await setup();
    const cid = await submit(h, 0.01, 50_000);
    h.sim.faults.nextStatus(503, 1, { pathContains: '/fapi/v1/order', process: true });
    expect(h.core.execution.modify(cid, { priceRaw: px(49_900) }).ok).toBe(true);
    await until(() => h.core.cache.order(cid)?.priceRaw === px(49_900) && h.core.cache.order(cid)?.status === 'ACCEPTED', 6000, 'the resolved amend');
    expect(PUT(h.sim)).toHaveLength(1);
    expect(h.sim.futuresOrders().map((o) => [o.status, o.price])).toEqual([['NEW', 49_900]]);
    expect(clean(h)).toEqual([]);
  });

  it('an amend the venue never received (5xx, not processed): after the grace it is refused, the order works on unchanged, nothing resent', async () => {
    const h = await setup();
    const cid = await submit(h, 0.01, 50_000);
    h.sim.faults.nextStatus(503, 1, { pathContains: '/fapi/v1/order' });
    expect(h.core.execution.modify(cid, { priceRaw: px(49_900) }).ok).toBe(true);
    await until(() => h.core.cache.order(cid)?.status === 'ACCEPTED', 6000, 'the refused amend');
    expect(h.core.cache.order(cid)).toMatchObject({ priceRaw: px(50_000), reason: expect.stringMatching(/^AMEND_NOT_APPLIED/) });
    expect(PUT(h.sim)).toHaveLength(1);
    expect(h.sim.futuresOrders().map((o) => [o.status, o.price])).toEqual([['NEW', 50_000]]);
  });
});
