/**
 * Integration tests that drive the REAL, unmodified CCXT `binance` client
 * (REST and ccxt.pro WebSocket) against the loopback Binance spot simulator in
 * `test/sim/binance`. Every test starts its own simulator on a random port and
 * closes both the client and the simulator afterwards.
 */

import { generateKeyPairSync } from 'node:crypto';
import {
  AuthenticationError,
  ChecksumError,
  DDoSProtection,
  InsufficientFunds,
  InvalidNonce,
  InvalidOrder,
  NetworkError,
  OperationFailed,
  OrderNotFound,
  RequestTimeout,
} from 'ccxt';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { makeCcxtClient, startBinanceSim, type BinanceSim, type CcxtBinance, type CcxtClientOptions, type BinanceSimOptions } from '../sim/binance';

interface Harness {
  readonly sim: BinanceSim;
  readonly ex: CcxtBinance;
}

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function setup(simOpts: BinanceSimOptions = {}, clientOpts: CcxtClientOptions = {}): Promise<Harness> {
  const sim = await startBinanceSim(simOpts);
  cleanups.push(() => sim.close());
  const ex = makeCcxtClient(sim, clientOpts);
  cleanups.push(() => ex.close());
  return { sim, ex };
}

/** Polls `check` until it returns true or `ms` elapse. */
async function until(check: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('Binance spot simulator driven by the real ccxt client', { timeout: 8000 }, () => {
  describe('market data over REST', () => {
    it('loads only the spot markets, with precision and limits taken from the exchangeInfo filters', async () => {
      const { sim, ex } = await setup();
      const markets = await ex.loadMarkets();
      expect(Object.keys(markets).sort()).toEqual(['BTC/USDT', 'ETH/BTC', 'ETH/USDT']);
      const btc = markets['BTC/USDT'];
      expect(btc?.spot).toBe(true);
      expect(btc?.precision.price).toBe(0.01);
      expect(btc?.precision.amount).toBe(0.00001);
      expect(btc?.limits.cost?.min).toBe(5);
      expect(sim.requests.map((r) => r.path)).toEqual(['/api/v3/exchangeInfo']);
    });

    it('fetches an order book whose nonce is the simulator depth lastUpdateId', async () => {
      const { sim, ex } = await setup();
      const book = await ex.fetchOrderBook('BTC/USDT', 10);
      const depth = sim.engine.depth('BTCUSDT', 10);
      expect(book.nonce).toBe(depth.lastUpdateId);
      expect(book.bids).toHaveLength(10);
      expect(book.bids[0]?.[0]).toBe(depth.bids[0]?.[0]);
      expect(book.asks[0]?.[0]).toBeGreaterThan(book.bids[0]?.[0] ?? Infinity);
    });

    it('fetches recent public trades through aggTrades', async () => {
      const { sim, ex } = await setup();
      sim.trade('ETH/USDT', 3001.5, 0.25);
      const trades = await ex.fetchTrades('ETH/USDT', undefined, 20);
      expect(trades).toHaveLength(20);
      const last = trades[trades.length - 1];
      expect(last?.price).toBe(3001.5);
      expect(last?.amount).toBe(0.25);
      expect(sim.requests.some((r) => r.path === '/api/v3/aggTrades')).toBe(true);
    });

    it('fetches one-minute OHLCV candles built from the tape', async () => {
      const { ex } = await setup();
      const candles = await ex.fetchOHLCV('BTC/USDT', '1m', undefined, 50);
      expect(candles).toHaveLength(50);
      for (let i = 1; i < candles.length; i++) expect((candles[i]?.[0] ?? 0) - (candles[i - 1]?.[0] ?? 0)).toBe(60_000);
      for (const [, o, h, l, c] of candles) {
        expect(h).toBeGreaterThanOrEqual(Math.max(o ?? 0, c ?? 0));
        expect(l).toBeLessThanOrEqual(Math.min(o ?? 0, c ?? 0));
      }
    });
  });

  describe('trading over REST', () => {
    it('places a resting limit order with a clientOrderId, finds it by that id, lists it as open, and cancels it', async () => {
      const { sim, ex } = await setup();
      const placed = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 50_000, { clientOrderId: 'intent-1' });
      expect(placed.clientOrderId).toBe('intent-1');
      expect(placed.status).toBe('open');
      expect(sim.orders()).toHaveLength(1);
      expect(sim.orders()[0]).toMatchObject({ clientOrderId: 'intent-1', status: 'NEW', price: 50_000, origQty: 0.01 });
      expect(sim.balances()['USDT']).toEqual({ free: 99_500, locked: 500 });

      const fetched = await ex.fetchOrder('', 'BTC/USDT', { clientOrderId: 'intent-1' });
      expect(fetched.id).toBe(placed.id);
      const open = await ex.fetchOpenOrders('BTC/USDT');
      expect(open.map((o) => o.clientOrderId)).toEqual(['intent-1']);

      const canceled = await ex.cancelOrder(String(placed.id), 'BTC/USDT');
      expect(canceled.status).toBe('canceled');
      expect(await ex.fetchOpenOrders('BTC/USDT')).toHaveLength(0);
      expect(sim.balances()['USDT']).toEqual({ free: 100_000, locked: 0 });
      expect(sim.requestsTo('POST', '/api/v3/order')).toHaveLength(1);
      expect(sim.requests.filter((r) => r.signed).every((r) => r.signatureValid === true)).toBe(true);
    });

    it('fills a market order against the book, charging the taker fee, visible in fetchMyTrades and fetchBalance', async () => {
      const { sim, ex } = await setup();
      const bestAsk = sim.engine.depth('ETHUSDT', 1).asks[0]?.[0] ?? 0;
      const order = await ex.createOrder('ETH/USDT', 'market', 'buy', 1, undefined, { clientOrderId: 'mkt-1' });
      expect(order.status).toBe('closed');
      expect(order.filled).toBe(1);
      expect(order.average).toBeGreaterThanOrEqual(bestAsk);

      const mine = await ex.fetchMyTrades('ETH/USDT');
      expect(mine.reduce((s, t) => s + (t.amount ?? 0), 0)).toBeCloseTo(1, 8);
      expect(mine.every((t) => t.order === order.id && t.fee?.currency === 'ETH')).toBe(true);
      expect(mine.map((t) => Number(t.id)).sort()).toEqual(sim.trades().map((f) => f.id).sort());

      const balance = await ex.fetchBalance();
      expect(balance['ETH']?.free).toBeCloseTo(20 + 1 - 0.001, 8);
      expect(balance['USDT']?.free).toBeCloseTo(100_000 - (order.cost ?? 0), 6);
    });

    it('fills a resting limit order as maker when the simulated market moves through its price', async () => {
      const { sim, ex } = await setup();
      const order = await ex.createOrder('BTC/USDT', 'limit', 'sell', 0.1, 61_000, { clientOrderId: 'tp-1' });
      sim.trade('BTCUSDT', 61_000, 0.04);
      let status = await ex.fetchOrder(String(order.id), 'BTC/USDT');
      expect(status.status).toBe('open');
      expect(status.filled).toBeCloseTo(0.04, 8);
      sim.setPrice('BTCUSDT', 61_500);
      status = await ex.fetchOrder(String(order.id), 'BTC/USDT');
      expect(status.status).toBe('closed');
      expect(sim.trades().map((f) => f.isMaker)).toEqual([true, true]);
      expect(sim.balances()['BTC']).toEqual({ free: 1.9, locked: 0 });
    });

    it('rejects a second open order with the same clientOrderId as a duplicate', async () => {
      const { sim, ex } = await setup();
      await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 50_000, { clientOrderId: 'dup-1' });
      const err = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 50_000, { clientOrderId: 'dup-1' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidOrder);
      expect(String(err)).toContain('Duplicate order sent.');
      expect(sim.openOrders()).toHaveLength(1);
    });

    it('maps insufficient balance to InsufficientFunds and an unknown order to OrderNotFound', async () => {
      const { ex } = await setup();
      await expect(ex.createOrder('BTC/USDT', 'limit', 'buy', 5, 50_000)).rejects.toBeInstanceOf(InsufficientFunds);
      await expect(ex.fetchOrder('999999', 'BTC/USDT')).rejects.toBeInstanceOf(OrderNotFound);
      await expect(ex.cancelOrder('999999', 'BTC/USDT')).rejects.toBeInstanceOf(OrderNotFound);
    });

    it('rejects a request signed with the wrong secret as an AuthenticationError and logs the bad signature', async () => {
      const { sim, ex } = await setup({}, { secret: 'not-the-secret' });
      await expect(ex.fetchBalance()).rejects.toBeInstanceOf(AuthenticationError);
      const req = sim.requestsTo('GET', '/api/v3/account')[0];
      expect(req?.signatureValid).toBe(false);
      expect(req?.status).toBe(400);
    });

    it('rejects a request whose timestamp is outside recvWindow as InvalidNonce', async () => {
      const { sim, ex } = await setup();
      sim.setClockOffset(-30_000);
      await expect(ex.fetchBalance()).rejects.toBeInstanceOf(InvalidNonce);
    });

    it('accepts requests signed with an Ed25519 key on REST and on the WebSocket API', async () => {
      const { publicKey, privateKey } = generateKeyPairSync('ed25519');
      const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const { sim, ex } = await setup(
        { credentials: [{ apiKey: 'ed-key', ed25519PublicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() }] },
        { apiKey: 'ed-key', secret: pem },
      );
      const balance = await ex.fetchBalance();
      expect(balance['BTC']?.free).toBe(2);
      const ordersPromise = ex.watchOrders('BTC/USDT');
      await until(() => sim.requests.some((r) => r.method === 'userDataStream.subscribe.signature' && r.status === 200));
      await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 50_000);
      const orders = await ordersPromise;
      expect(orders[0]?.status).toBe('open');
      expect(sim.requests.filter((r) => r.signed).every((r) => r.signatureValid === true)).toBe(true);
    });
  });

  describe('REST faults', () => {
    it('maps HTTP 429 with Retry-After to DDoSProtection and 418 to DDoSProtection', async () => {
      const { sim, ex } = await setup();
      sim.faults.nextStatus(429);
      const e429 = await ex.fetchTime().catch((e: unknown) => e);
      expect(e429).toBeInstanceOf(DDoSProtection);
      expect(String(e429)).toContain('-1003');
      sim.faults.nextStatus(418);
      const e418 = await ex.fetchTime().catch((e: unknown) => e);
      expect(e418).toBeInstanceOf(DDoSProtection);
      expect(String(e418)).toContain('banned until');
      expect(await ex.fetchTime()).toBeGreaterThan(0);
    });

    it('maps injected 500 and 503 bodies to OperationFailed, and a processed 503 still places the order', async () => {
      const { sim, ex } = await setup();
      await ex.loadMarkets();
      sim.faults.nextStatus(500);
      await expect(ex.fetchTime()).rejects.toBeInstanceOf(OperationFailed);
      sim.faults.nextStatus(503, 1, { pathContains: '/order', process: true });
      await expect(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 50_000, { clientOrderId: 'unknown-1' })).rejects.toBeInstanceOf(OperationFailed);
      expect(sim.openOrders().map((o) => o.clientOrderId)).toEqual(['unknown-1']);
    });

    it('surfaces a dropped order reply as a NetworkError while the simulator holds exactly one order', async () => {
      const { sim, ex } = await setup();
      await ex.loadMarkets();
      sim.faults.dropNextOrderReply();
      const err = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 50_000, { clientOrderId: 'lost-1' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetworkError);
      expect(sim.requestsTo('POST', '/api/v3/order')).toHaveLength(1);
      expect(sim.orders().map((o) => [o.clientOrderId, o.status])).toEqual([['lost-1', 'NEW']]);
      const recovered = await ex.fetchOrder('', 'BTC/USDT', { clientOrderId: 'lost-1' });
      expect(recovered.status).toBe('open');
    });

    it('surfaces a reply slower than the client timeout as RequestTimeout while the order exists', async () => {
      const { sim, ex } = await setup({}, { timeoutMs: 300 });
      await ex.loadMarkets();
      sim.faults.delayReplies(600);
      await expect(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 50_000, { clientOrderId: 'slow-1' })).rejects.toBeInstanceOf(RequestTimeout);
      sim.faults.delayReplies(0);
      expect(sim.openOrders().map((o) => o.clientOrderId)).toEqual(['slow-1']);
    });
  });

  describe('WebSocket streams through ccxt.pro', () => {
    it('watches an order book that starts from the REST snapshot and follows depth diffs', async () => {
      const { sim, ex } = await setup();
      const first = await ex.watchOrderBook('BTC/USDT');
      expect(first.nonce).toBe(sim.engine.depth('BTCUSDT', 1).lastUpdateId);
      sim.setPrice('BTCUSDT', 62_000);
      const next = await ex.watchOrderBook('BTC/USDT');
      const depth = sim.engine.depth('BTCUSDT', 20);
      expect(next.nonce).toBe(depth.lastUpdateId);
      expect(next.bids.slice(0, 20)).toEqual(depth.bids);
      expect(next.asks.slice(0, 20)).toEqual(depth.asks);
    });

    it('rejects the order book watcher with a ChecksumError when update ids skip', async () => {
      const { sim, ex } = await setup();
      await ex.watchOrderBook('ETH/USDT');
      sim.faults.sequenceGap('ETHUSDT');
      const pending = ex.watchOrderBook('ETH/USDT');
      sim.setPrice('ETHUSDT', 3100);
      await expect(pending).rejects.toBeInstanceOf(ChecksumError);
    });

    it('watches public trades printed by the simulator', async () => {
      const { sim, ex } = await setup();
      const pending = ex.watchTrades('BTC/USDT');
      await until(() => sim.requests.some((r) => r.transport === 'ws' && r.method === 'SUBSCRIBE'));
      sim.trade('BTCUSDT', 60_123.45, 0.5);
      const trades = await pending;
      expect(trades[0]).toMatchObject({ symbol: 'BTC/USDT', price: 60_123.45, amount: 0.5 });
    });

    it('delivers a fill to watchOrders and watchMyTrades through the WebSocket API user data stream', async () => {
      const { sim, ex } = await setup();
      const ordersP = ex.watchOrders('BTC/USDT');
      await until(() => sim.requests.some((r) => r.method === 'userDataStream.subscribe.signature' && r.status === 200));
      const order = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.02, 59_000, { clientOrderId: 'ws-fill-1' });
      const opened = await ordersP;
      expect(opened[0]).toMatchObject({ id: order.id, clientOrderId: 'ws-fill-1', status: 'open' });

      const tradesP = ex.watchMyTrades('BTC/USDT');
      const filledP = ex.watchOrders('BTC/USDT');
      sim.setPrice('BTCUSDT', 58_000);
      const [trades, filled] = await Promise.all([tradesP, filledP]);
      expect(trades[0]).toMatchObject({ order: order.id, price: 59_000, amount: 0.02, takerOrMaker: 'maker' });
      expect(filled.find((o) => o.id === order.id)?.status).toBe('closed');
      expect(sim.requests.filter((r) => r.transport === 'ws-api').every((r) => r.signatureValid === true)).toBe(true);
    });

    it('rejects pending watchers with a NetworkError when the simulator drops WebSockets with 1006', async () => {
      const { sim, ex } = await setup();
      await ex.watchOrderBook('BTC/USDT');
      const pending = ex.watchOrderBook('BTC/USDT');
      sim.faults.closeWebSockets(1006);
      const err = await pending.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetworkError);
      expect(String(err)).toContain('1006');
    });

    it('times out a watcher when the simulator stalls and stops answering pings', async () => {
      const { sim, ex } = await setup({}, { keepAliveMs: 150 });
      const pending = ex.watchTrades('BTC/USDT');
      await until(() => sim.requests.some((r) => r.transport === 'ws' && r.method === 'SUBSCRIBE'));
      const stalledAt = Date.now();
      sim.faults.stallWebSockets(3000);
      await expect(pending).rejects.toBeInstanceOf(RequestTimeout);
      expect(Date.now() - stalledAt).toBeLessThan(2000);
    });
  });

  describe('raw protocol details', () => {
    it('serves combined streams with stream-wrapped diff-depth events whose update ids are contiguous', async () => {
      const { sim } = await setup();
      const ws = new WebSocket(`${sim.wsBase}/stream?streams=ethbtc@depth@100ms`);
      cleanups.push(async () => ws.terminate());
      const events: Array<{ stream: string; data: { U: number; u: number } }> = [];
      ws.on('message', (d) => events.push(JSON.parse(d.toString()) as (typeof events)[number]));
      await new Promise((r) => ws.once('open', r));
      const start = sim.engine.depth('ETHBTC', 1).lastUpdateId;
      sim.setPrice('ETHBTC', 0.051);
      sim.setPrice('ETHBTC', 0.052);
      await until(() => events.length === 2);
      expect(events[0]?.stream).toBe('ethbtc@depth@100ms');
      expect(events[0]?.data.U).toBe(start + 1);
      expect(events[1]?.data.U).toBe((events[0]?.data.u ?? 0) + 1);
    });

    it('sends the executionReport trade event twice when a duplicate fill is injected', async () => {
      const { sim, ex } = await setup();
      const ordersP = ex.watchOrders();
      await until(() => sim.requests.some((r) => r.method === 'userDataStream.subscribe.signature' && r.status === 200));
      const raw: string[] = [];
      // Listen on a second, independently authenticated WebSocket API connection.
      const ws = new WebSocket(sim.ccxtUrls.ws['ws-api'].spot);
      cleanups.push(async () => ws.terminate());
      await new Promise((r) => ws.once('open', r));
      ws.send(JSON.stringify({ id: 'sub', method: 'userDataStream.subscribe.signature', params: signWsParams(ex) }));
      ws.on('message', (d) => raw.push(d.toString()));
      await until(() => raw.some((m) => m.includes('"subscriptionId"')));
      sim.faults.duplicateNextFill();
      await ex.createOrder('ETH/USDT', 'market', 'sell', 0.5);
      await ordersP;
      await until(() => raw.filter((m) => m.includes('"x":"TRADE"')).length >= 2);
      const tradeEvents = raw.filter((m) => m.includes('"x":"TRADE"'));
      expect(sim.trades()).toHaveLength(tradeEvents.length - 1);
    });
  });
});

/** Signs `userDataStream.subscribe.signature` params exactly like ccxt.pro does. */
function signWsParams(ex: CcxtBinance): Record<string, unknown> {
  return (ex as unknown as { signParams: (p: Record<string, unknown>) => Record<string, unknown> }).signParams({});
}
