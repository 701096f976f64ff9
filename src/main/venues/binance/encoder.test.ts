/**
 * The encoder against ccxt itself, byte for byte: for generated orders, ccxt's real
 * `binance.createOrder` / `cancelOrder` / `fetchOrder` run with a fixed clock up to the moment
 * they would send (their `fetch` is replaced by a recorder — the one thing not run, since the
 * comparison is of what would go on the wire), and the encoder's method, url, body and headers
 * must be identical, signature included (ccxt signs with its own HMAC, the encoder with the
 * native signer). Spot markets come from the Binance simulator's exchangeInfo (loaded by ccxt
 * over a socket); USD-M markets are set on a `binanceusdm` instance by hand (the simulator has
 * no /fapi): ccxt's `setMarkets` fills the rest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ccxt from 'ccxt';
import { makeInstrument } from '../../../shared/domain/instrument';
import type { Instrument } from '../../../shared/domain/instrument';
import type { Order, TimeInForce } from '../../../shared/domain/order';
import { createHmacSigner } from '../../native/index';
import { toCreateOrderArgs } from '../ccxt/mapping';
import { DEFAULT_API_KEY, DEFAULT_SECRET, makeCcxtClient, startBinanceSim } from '../../../../test/sim/binance';
import type { BinanceSim, CcxtBinance } from '../../../../test/sim/binance';
import { binanceEncoderFromCcxt } from './from-ccxt';
import type { BinanceRequestEncoder, EncodedRequest } from './encoder';
import { formatRaw } from './encoder';

const NOW = 1_767_225_600_123;

interface Wire {
  method: string;
  url: string;
  body: string | undefined;
  headers: Record<string, string>;
}

class Captured extends Error {}

/** Replaces the instance's `fetch` by a recorder; returns what the next call would have sent. */
function recorder(ex: { fetch: unknown; milliseconds: unknown }): () => Promise<Wire | undefined> {
  let last: Wire | undefined;
  ex.milliseconds = () => NOW;
  ex.fetch = (url: string, method: string, headers: Record<string, string>, body?: string) => {
    last = { url, method, headers: { ...headers }, body };
    return Promise.reject(new Captured('captured'));
  };
  return () => Promise.resolve(last);
}

async function capture(send: () => Promise<unknown>, last: () => Promise<Wire | undefined>): Promise<Wire> {
  await expect(send()).rejects.toBeInstanceOf(Captured);
  const w = await last();
  if (!w) throw new Error('ccxt sent nothing');
  return w;
}

function asWire(r: EncodedRequest | undefined): Wire {
  if (!r) throw new Error('encoder declined the order');
  return { method: r.method, url: r.url, body: r.body, headers: { ...r.headers } };
}

let seed = 7;
const rnd = (): number => (seed = (seed * 1_103_515_245 + 12_345) >>> 0) / 2 ** 32;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;

function genOrder(inst: Instrument, k: number, tickRaw: number, lotRaw: number, futures: boolean): Order {
  const type = pick(['MARKET', 'LIMIT', 'LIMIT'] as const);
  const postOnly = type === 'LIMIT' && rnd() < 0.25;
  const ids = [`L-${k}`, `strat_${k}-x`, `C${k}abcDEF-_${k}`, `x${'9'.repeat(30)}`];
  return {
    clientOrderId: pick(ids),
    strategyId: 's',
    instrumentId: inst.id,
    side: pick(['BUY', 'SELL'] as const),
    type,
    quantityRaw: lotRaw * (1 + Math.floor(rnd() * pick([1, 10, 1000, 100_000]))),
    ...(type === 'LIMIT' ? { priceRaw: tickRaw * (1 + Math.floor(rnd() * pick([9, 1000, 7_000_000]))) } : {}),
    timeInForce: pick(['GTC', 'IOC', 'FOK'] as TimeInForce[]),
    postOnly,
    reduceOnly: futures && rnd() < 0.3,
    status: 'INITIALIZED',
    filledRaw: 0,
    avgPx: 0,
    createdAt: NOW,
    updatedAt: NOW,
  };
}

describe('formatRaw', () => {
  it('writes the shortest decimal of a raw integer', () => {
    expect(formatRaw(6_000_000, 2)).toBe('60000');
    expect(formatRaw(6_000_050, 2)).toBe('60000.5');
    expect(formatRaw(150, 5)).toBe('0.0015');
    expect(formatRaw(7, 0)).toBe('7');
  });
});

describe('Binance spot encoder, byte for byte against ccxt', () => {
  let sim: BinanceSim;
  let ex: CcxtBinance;
  let enc: BinanceRequestEncoder;
  let last: () => Promise<Wire | undefined>;
  beforeAll(async () => {
    sim = await startBinanceSim();
    ex = makeCcxtClient(sim, { options: { recvWindow: 5000 } });
    await ex.loadMarkets();
    last = recorder(ex as unknown as { fetch: unknown; milliseconds: unknown });
    const e = binanceEncoderFromCcxt(ex as never, createHmacSigner('sha256', DEFAULT_SECRET, 'auto'), () => NOW);
    if (!e) throw new Error('no encoder');
    enc = e;
  });
  afterAll(async () => {
    await ex.close();
    await sim.close();
  });

  it('encodes 400 generated new orders exactly as ccxt createOrder sends them', async () => {
    for (const symbol of ['BTC/USDT', 'ETH/USDT']) {
      const m = ex.markets?.[symbol];
      if (!m) throw new Error(`no market ${symbol}`);
      const inst = makeInstrument({ symbol, venue: 'BINANCE', tickSize: String(m.precision.price), lotSize: String(m.precision.amount) });
      for (let k = 0; k < 200; k++) {
        const order = genOrder(inst, k, 1, 1, false);
        const a = toCreateOrderArgs(order, inst, symbol);
        const want = await capture(() => ex.createOrder(a.symbol, a.type, a.side, a.amount, a.price, a.params), last);
        expect(asWire(enc.newOrder(order, inst, symbol)), JSON.stringify(order)).toEqual(want);
      }
    }
  });

  it('follows ccxt when its clock correction (options.timeDifference) changes after the start', async () => {
    ex.options['timeDifference'] = 1234;
    try {
      const want = await capture(() => ex.fetchOrder('', 'BTC/USDT', { clientOrderId: 'T-1' }), last);
      expect(want.url).toContain(`timestamp=${NOW - 1234}&`);
      expect(asWire(enc.query('BTC/USDT', 'T-1'))).toEqual(want);
    } finally {
      ex.options['timeDifference'] = 0;
    }
  });

  it('encodes cancel and query by client order id exactly as ccxt cancelOrder / fetchOrder', async () => {
    for (const cid of ['L-1', 'abc_DEF-9', 'x'.repeat(36)]) {
      expect(asWire(enc.cancel('BTC/USDT', cid))).toEqual(await capture(() => ex.cancelOrder('', 'BTC/USDT', { clientOrderId: cid }), last));
      expect(asWire(enc.query('ETH/USDT', cid))).toEqual(await capture(() => ex.fetchOrder('', 'ETH/USDT', { clientOrderId: cid }), last));
    }
  });

  it('encodes 200 quote-amount market orders as quoteOrderQty exactly as ccxt createOrder with params.cost', async () => {
    let truncated = 0;
    for (const symbol of ['BTC/USDT', 'ETH/USDT']) {
      const m = ex.markets?.[symbol];
      if (!m) throw new Error(`no market ${symbol}`);
      const inst = makeInstrument({ symbol, venue: 'BINANCE', tickSize: String(m.precision.price), lotSize: String(m.precision.amount) });
      for (let k = 0; k < 100; k++) {
        // Quote amounts on and off the tick grid (ccxt truncates those to the tick; so must we).
        const quoteRaw = 10 ** inst.quotePrecision + Math.floor(rnd() * pick([10 ** inst.quotePrecision, 10 ** (inst.quotePrecision + 4)]));
        if (quoteRaw % 10 ** (inst.quotePrecision - inst.pricePrecision) !== 0) truncated++;
        const order: Order = { ...genOrder(inst, k, 1, 1, false), type: 'MARKET', timeInForce: 'IOC', postOnly: false, quoteQuantityRaw: quoteRaw, quantityRaw: 1 };
        delete (order as { priceRaw?: number }).priceRaw;
        const a = toCreateOrderArgs(order, inst, symbol);
        expect(a.params['cost']).toBe(quoteRaw / 10 ** inst.quotePrecision);
        const want = await capture(() => ex.createOrder(a.symbol, a.type, a.side, a.amount, a.price, a.params), last);
        expect(want.body).toContain('quoteOrderQty=');
        expect(want.body).not.toContain('quantity=');
        expect(asWire(enc.newOrder(order, inst, symbol)), JSON.stringify(order)).toEqual(want);
      }
    }
    expect(truncated).toBeGreaterThan(100);
  });

  it('declines what it cannot encode exactly (stops, quote amounts on limits, off-tick prices)', () => {
    const inst = makeInstrument({ symbol: 'BTC/USDT', venue: 'BINANCE', tickSize: '0.001', lotSize: '0.00001' });
    const base = genOrder(inst, 1, 10, 1, false);
    expect(enc.newOrder({ ...base, type: 'STOP_MARKET', triggerPriceRaw: 1000 }, inst, 'BTC/USDT')).toBeUndefined();
    expect(enc.newOrder({ ...base, type: 'LIMIT', priceRaw: 60_000_000, quoteQuantityRaw: 100 }, inst, 'BTC/USDT')).toBeUndefined();
    expect(enc.newOrder({ ...base, type: 'LIMIT', priceRaw: 60_000_005 }, inst, 'BTC/USDT')).toBeUndefined();
    expect(enc.newOrder(base, inst, 'DOGE/USDT')).toBeUndefined();
  });
});

describe('Binance USD-M encoder, byte for byte against ccxt binanceusdm', () => {
  const ex = new ccxt.binanceusdm({ apiKey: DEFAULT_API_KEY, secret: DEFAULT_SECRET, enableRateLimit: false });
  const specs = [
    { id: 'BTCUSDT', base: 'BTC', tick: 0.1, step: 0.001 },
    { id: 'ETHUSDT', base: 'ETH', tick: 0.01, step: 0.001 },
    { id: 'DOGEUSDT', base: 'DOGE', tick: 0.00001, step: 1 },
  ];
  ex.setMarkets(
    specs.map((s) => ({
      id: s.id,
      symbol: `${s.base}/USDT:USDT`,
      base: s.base,
      quote: 'USDT',
      settle: 'USDT',
      baseId: s.base,
      quoteId: 'USDT',
      settleId: 'USDT',
      type: 'swap',
      spot: false,
      margin: false,
      swap: true,
      future: false,
      option: false,
      contract: true,
      linear: true,
      inverse: false,
      active: true,
      contractSize: 1,
      precision: { price: s.tick, amount: s.step },
      limits: {},
      info: { symbol: s.id, orderTypes: ['LIMIT', 'MARKET', 'STOP', 'STOP_MARKET', 'TAKE_PROFIT', 'TAKE_PROFIT_MARKET', 'TRAILING_STOP_MARKET'] },
    })) as never,
  );
  const last = recorder(ex as unknown as { fetch: unknown; milliseconds: unknown });
  const enc = binanceEncoderFromCcxt(ex as never, createHmacSigner('sha256', DEFAULT_SECRET, 'auto'), () => NOW);

  it('encodes 300 generated new orders (reduce-only, post-only GTX) exactly as ccxt createOrder sends them', async () => {
    if (!enc) throw new Error('no encoder');
    for (const s of specs) {
      const symbol = `${s.base}/USDT:USDT`;
      const inst = makeInstrument({ symbol, venue: 'BINANCEUSDM', kind: 'perpetual', tickSize: String(s.tick), lotSize: String(s.step) });
      for (let k = 0; k < 100; k++) {
        const order = genOrder(inst, k, 1, 1, true);
        const a = toCreateOrderArgs(order, inst, symbol);
        const want = await capture(() => ex.createOrder(a.symbol, a.type, a.side, a.amount, a.price, a.params), last);
        expect(asWire(enc.newOrder(order, inst, symbol)), JSON.stringify(order)).toEqual(want);
      }
    }
  });

  it('has no quote-amount order on USD-M: declines it (the engine converts it at the last price)', () => {
    if (!enc) throw new Error('no encoder');
    const inst = makeInstrument({ symbol: 'BTC/USDT:USDT', venue: 'BINANCEUSDM', kind: 'perpetual', tickSize: '0.1', lotSize: '0.001' });
    expect(enc.newOrder({ ...genOrder(inst, 1, 1, 1, true), type: 'MARKET', quoteQuantityRaw: 10 ** inst.quotePrecision * 50 }, inst, 'BTC/USDT:USDT')).toBeUndefined();
  });

  it('encodes cancel and query exactly as ccxt cancelOrder / fetchOrder', async () => {
    if (!enc) throw new Error('no encoder');
    expect(asWire(enc.cancel('BTC/USDT:USDT', 'L-7'))).toEqual(await capture(() => ex.cancelOrder('', 'BTC/USDT:USDT', { clientOrderId: 'L-7' }), last));
    expect(asWire(enc.query('ETH/USDT:USDT', 'L-8'))).toEqual(await capture(() => ex.fetchOrder('', 'ETH/USDT:USDT', { clientOrderId: 'L-8' }), last));
  });
});
