/**
 * Our ccxt → LIBRA mapping (mapping.ts) on RECORDED venue payloads, checked against the venue's
 * own decimal strings, not against ccxt's floats:
 *
 *  - ccxt's static fixtures (`shared/data/ccxt_static/response/*.json`: raw `httpResponse` →
 *    ccxt `parsedResponse`, recorded by ccxt's maintainers on real accounts) for binance, bybit,
 *    okx, kraken and coinbase: every order's venue state and filled quantity, every account
 *    trade as a Fill (ids, side, raw quantity/price/fee, liquidity, time). The installed ccxt
 *    (4.5.84) re-parses each `info` payload and must still agree with the recording on every
 *    field the mapping reads (drift detection across ccxt upgrades).
 *  - cryptofeed's recorded public WebSocket sessions (Binance + Binance.US aggTrade, OKX trades),
 *    parsed by ccxt and published by CcxtDataClient as TradeTicks.
 *
 * Data paths are computed from this file: repo root is ../.., shared data is ../shared/data
 * from the repo root.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ccxt, { pro } from 'ccxt';
import { describe, expect, it } from 'vitest';
import { MessageBus } from '../../src/main/engine/bus/message-bus';
import { Topics } from '../../src/main/engine/bus/topics';
import { CcxtDataClient } from '../../src/main/venues/ccxt/ccxt-data-client';
import type { CcxtMarketData, CcxtOrder, CcxtTrade } from '../../src/main/venues/ccxt/ccxt-types';
import { clientIdOfOrder, clientIdOfTrade, FEE_PRECISION, filledRaw, instrumentFromMarket, isOrderExecution, MappingError, tradeToFill, venueState } from '../../src/main/venues/ccxt/mapping';
import type { VenueOrderState } from '../../src/main/venues/ccxt/mapping';
import type { Instrument } from '../../src/shared/domain/instrument';
import type { TradeTick } from '../../src/shared/messages/market-data';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = join(HERE, '..', '..');
const SHARED = join(REPO, '..', 'shared', 'data');
const STATIC = join(SHARED, 'ccxt_static', 'response');
const CRYPTOFEED = join(SHARED, 'cryptofeed', 'sample_data');

type Json = Record<string, unknown>;
interface StaticCase {
  readonly description: string;
  readonly httpResponse: unknown;
  readonly parsedResponse: unknown;
}
interface StaticFile {
  readonly options?: Json;
  readonly methods: Record<string, StaticCase[]>;
}

const EXCHANGES = ['binance', 'bybit', 'okx', 'kraken', 'coinbase'] as const;
type ExchangeId = (typeof EXCHANGES)[number];
const ORDER_METHODS = ['createOrder', 'fetchOrder', 'fetchOrders', 'fetchOpenOrders', 'fetchOpenOrder', 'fetchClosedOrder', 'fetchClosedOrders'];

function load(ex: ExchangeId): StaticFile {
  return JSON.parse(readFileSync(join(STATIC, `${ex}.json`), 'utf8')) as StaticFile;
}

/** Every parsed structure of the given methods, with the case it came from. */
function parsed<T>(file: StaticFile, methods: readonly string[]): { method: string; description: string; value: T }[] {
  const out: { method: string; description: string; value: T }[] = [];
  for (const method of methods) {
    for (const c of file.methods[method] ?? []) {
      const values = Array.isArray(c.parsedResponse) ? (c.parsedResponse as T[]) : [c.parsedResponse as T];
      for (const value of values) out.push({ method, description: c.description, value });
    }
  }
  return out;
}

/** Exact raw integer of a venue decimal string (no float on the way): "0.00000336" at 10 → 33600. */
function decRaw(text: string, precision: number): number {
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!m) throw new Error(`not a decimal: ${text}`);
  const frac = m[3] ?? '';
  if (frac.length > precision && /[1-9]/.test(frac.slice(precision))) throw new Error(`${text} has more than ${precision} decimals`);
  const digits = `${m[2] ?? ''}${frac.slice(0, precision).padEnd(precision, '0')}`;
  const v = Number(BigInt(digits === '' ? '0' : digits));
  return m[1] === '-' ? -v : v;
}

const str = (info: Json, key: string): string => {
  const v = info[key];
  if (typeof v !== 'string' && typeof v !== 'number') throw new Error(`info.${key} missing`);
  return String(v);
};

/** An instrument fine enough (1e-8) for every recorded value, so the conversion must be exact. */
function instrumentFor(symbol: string, venue: string): Instrument {
  return instrumentFromMarket({ symbol, spot: !symbol.includes(':'), swap: symbol.includes(':'), precision: { price: 0.00000001, amount: 0.00000001 } }, venue.toUpperCase());
}

/** The venue's own order status and filled quantity, read from the raw payload. */
const RAW_ORDER: Record<ExchangeId, (info: Json) => { status: string | undefined; filled: string | undefined }> = {
  binance: (i) => ({ status: i['status'] as string | undefined, filled: i['executedQty'] as string | undefined }),
  bybit: (i) => ({ status: i['orderStatus'] as string | undefined, filled: i['cumExecQty'] as string | undefined }),
  okx: (i) => ({ status: i['state'] as string | undefined, filled: i['accFillSz'] as string | undefined }),
  kraken: (i) => ({ status: i['status'] as string | undefined, filled: i['vol_exec'] as string | undefined }),
  coinbase: (i) => ({ status: i['status'] as string | undefined, filled: i['filled_size'] as string | undefined }),
};

/** What each venue status means for LIBRA (venue documentation). */
const VENUE_STATUS: Readonly<Record<string, VenueOrderState>> = {
  NEW: 'OPEN', PARTIALLY_FILLED: 'OPEN', FILLED: 'FILLED', CANCELED: 'CANCELED', EXPIRED: 'EXPIRED', REJECTED: 'REJECTED', // binance
  New: 'OPEN', PartiallyFilled: 'OPEN', Filled: 'FILLED', Cancelled: 'CANCELED', Rejected: 'REJECTED', // bybit
  live: 'OPEN', partially_filled: 'OPEN', filled: 'FILLED', canceled: 'CANCELED', // okx
  open: 'OPEN', pending: 'OPEN', closed: 'FILLED', expired: 'EXPIRED', // kraken
  OPEN: 'OPEN', CANCELLED: 'CANCELED', // coinbase (FILLED / EXPIRED shared with binance)
};

/** The venue's own trade fields. */
const RAW_TRADE: Record<'binance' | 'bybit' | 'coinbase', (info: Json) => { id: string; order: string; qty: string; price: string; fee: string; maker: boolean; buy: boolean }> = {
  binance: (i) => ({ id: str(i, 'id'), order: str(i, 'orderId'), qty: str(i, 'qty'), price: str(i, 'price'), fee: str(i, 'commission'), maker: (i['isMaker'] ?? i['maker']) === true, buy: 'isBuyer' in i ? i['isBuyer'] === true : i['side'] === 'BUY' }),
  bybit: (i) => ({ id: str(i, 'execId'), order: str(i, 'orderId'), qty: str(i, 'execQty'), price: str(i, 'execPrice'), fee: str(i, 'execFee'), maker: i['isMaker'] === true, buy: i['side'] === 'Buy' }),
  coinbase: (i) => ({ id: str(i, 'trade_id'), order: str(i, 'order_id'), qty: str(i, 'size'), price: str(i, 'price'), fee: str(i, 'commission'), maker: i['liquidity_indicator'] === 'MAKER', buy: i['side'] === 'BUY' }),
};

/** A ccxt market just detailed enough for `parseOrder` / `parseTrade` of one recorded payload. */
function marketStub(id: string, symbol: string): Json {
  const [pair = symbol, settle] = symbol.split(':');
  const [base, quote] = pair.split('/');
  const contract = settle !== undefined;
  return { id, symbol, base, quote, settle, baseId: base, quoteId: quote, settleId: settle, type: contract ? 'swap' : 'spot', spot: !contract, swap: contract, future: false, option: false, contract, linear: contract ? settle === quote : undefined, inverse: contract ? settle === base : undefined, contractSize: contract ? 1 : undefined, active: true, precision: { price: 1e-8, amount: 1e-8 }, limits: {}, info: {} };
}

function venueSymbolId(info: Json, symbol: string): string {
  const descr = info['descr'] as Json | undefined;
  return String(info['symbol'] ?? info['instId'] ?? info['product_id'] ?? descr?.['pair'] ?? symbol.replace('/', ''));
}

/** null and undefined are the same absence; ccxt's fee costs are sometimes strings. */
const norm = (v: unknown): unknown => (v === null ? undefined : v);

describe('mapping on ccxt static fixtures (recorded httpResponse → parsedResponse)', () => {
  for (const ex of EXCHANGES) {
    const file = load(ex);
    const orders = parsed<CcxtOrder>(file, ORDER_METHODS);
    const trades = parsed<CcxtTrade>(file, ['fetchMyTrades']);

    it(`${ex}: every order's venue state and filled quantity equal the venue's own status and decimal string`, () => {
      expect(orders.length).toBeGreaterThan(0);
      for (const { method, description, value: o } of orders) {
        const where = `${ex} ${method} "${description}"`;
        const info = (o.info ?? {}) as Json;
        const raw = RAW_ORDER[ex](info);
        // A placement answer without a status (bybit/okx/kraken createOrder acks) is "still working".
        const expected: VenueOrderState = raw.status === undefined ? 'OPEN' : (VENUE_STATUS[raw.status] ?? 'OPEN');
        expect(VENUE_STATUS[raw.status ?? 'open'], `${where}: unknown venue status ${String(raw.status)}`).toBeDefined();
        expect(venueState(o), where).toBe(expected);
        const inst = instrumentFor(o.symbol ?? 'X/Y', ex);
        expect(filledRaw(o, inst), where).toBe(raw.filled === undefined ? 0 : decRaw(raw.filled, inst.sizePrecision));
      }
    });

    it(`${ex}: the installed ccxt re-parses every recorded order payload to the same fields the mapping reads`, () => {
      const Ctor = (ccxt as unknown as Record<string, new (c: Json) => { parseOrder(o: Json, m: Json): CcxtOrder }>)[ex];
      if (!Ctor) throw new Error(`ccxt has no ${ex}`);
      const exchange = new Ctor({ options: file.options ?? {} });
      for (const { method, description, value: o } of orders) {
        const info = (o.info ?? {}) as Json;
        const again = exchange.parseOrder(info, marketStub(venueSymbolId(info, o.symbol ?? ''), o.symbol ?? ''));
        for (const k of ['id', 'clientOrderId', 'status', 'amount', 'filled'] as const) {
          expect(norm(again[k]), `${ex} ${method} "${description}" ${k}`).toEqual(norm(o[k]));
        }
        expect(venueState(again)).toBe(venueState(o));
      }
    });

    if (ex === 'binance' || ex === 'bybit' || ex === 'coinbase') {
      const rawTrade = RAW_TRADE[ex];
      it(`${ex}: every account trade becomes a Fill whose raw integers equal the venue's decimal strings`, () => {
        expect(trades.length).toBeGreaterThan(0);
        for (const { description, value: t } of trades) {
          const where = `${ex} fetchMyTrades "${description}"`;
          const info = (t.info ?? {}) as Json;
          const r = rawTrade(info);
          const inst = instrumentFor(t.symbol ?? 'X/Y', ex);
          const fill = tradeToFill(t, inst, { clientOrderId: 'L1-1', strategyId: 's' });
          expect(fill.tradeId, where).toBe(r.id);
          expect(fill.venueOrderId, where).toBe(r.order);
          expect(fill.side, where).toBe(r.buy ? 'BUY' : 'SELL');
          expect(fill.quantityRaw, where).toBe(decRaw(r.qty, inst.sizePrecision));
          expect(fill.priceRaw, where).toBe(decRaw(r.price, inst.pricePrecision));
          // Fees are reported as a cost (okx/bybit sign conventions aside): magnitude, at 10 dp.
          expect(fill.feeRaw, where).toBe(Math.abs(decRaw(r.fee, FEE_PRECISION)));
          expect(fill.liquidity, where).toBe(r.maker ? 'MAKER' : 'TAKER');
          expect(fill.ts, where).toBe(t.timestamp);
          expect(fill.instrumentId, where).toBe(inst.id);
        }
      });

      it(`${ex}: the installed ccxt re-parses every recorded trade payload to the same fields the mapping reads`, () => {
        const Ctor = (ccxt as unknown as Record<string, new (c: Json) => { parseTrade(t: Json, m: Json): CcxtTrade }>)[ex];
        if (!Ctor) throw new Error(`ccxt has no ${ex}`);
        const exchange = new Ctor({ options: file.options ?? {} });
        for (const { description, value: t } of trades) {
          const info = (t.info ?? {}) as Json;
          const again = exchange.parseTrade(info, marketStub(venueSymbolId(info, t.symbol ?? ''), t.symbol ?? ''));
          for (const k of ['id', 'order', 'side', 'price', 'amount', 'takerOrMaker', 'timestamp'] as const) {
            expect(norm(again[k]), `${ex} "${description}" ${k}`).toEqual(norm(t[k]));
          }
          expect(Number(again.fee?.cost)).toBe(Number(t.fee?.cost));
        }
      });
    }
  }

  it('a bybit trade carries its client order id (orderLinkId); binance and coinbase REST trades carry none', () => {
    const bybitSpot = parsed<CcxtTrade>(load('bybit'), ['fetchMyTrades']).find((t) => t.description === 'spot private trade');
    expect(bybitSpot && clientIdOfTrade(bybitSpot.value)).toBe('1550857400247129600');
    for (const ex of ['binance', 'coinbase'] as const) {
      for (const { value } of parsed<CcxtTrade>(load(ex), ['fetchMyTrades'])) expect(clientIdOfTrade(value)).toBeUndefined();
    }
  });

  it('a bybit funding execution is listed by fetchMyTrades like a trade, and is not taken for an order execution', () => {
    // Recorded case "Swap private trade": execType "Funding" — a funding payment, not an
    // execution of an order. ccxt returns it as a unified trade with side and amount; mapped
    // blindly it would be a BUY fill of 1.2 LTC, so reconciliation and the streams skip it.
    const trades = parsed<CcxtTrade>(load('bybit'), ['fetchMyTrades']);
    const funding = trades.find((t) => (t.value.info as Json)['execType'] === 'Funding');
    expect(funding).toBeDefined();
    expect(funding && isOrderExecution(funding.value)).toBe(false);
    expect(trades.filter((t) => (t.value.info as Json)['execType'] === 'Trade').every((t) => isOrderExecution(t.value))).toBe(true);
    for (const ex of ['binance', 'coinbase'] as const) {
      for (const { value } of parsed<CcxtTrade>(load(ex), ['fetchMyTrades'])) expect(isOrderExecution(value)).toBe(true);
    }
  });

  it('treats a venue client order id of "0" (Kraken without userref) as none', () => {
    expect(clientIdOfOrder({ clientOrderId: '0' })).toBeUndefined();
    expect(clientIdOfOrder({ clientOrderId: '' })).toBeUndefined();
    expect(clientIdOfOrder({ clientOrderId: null })).toBeUndefined();
    expect(clientIdOfOrder({ clientOrderId: 'L3-7' })).toBe('L3-7');
    for (const { value } of parsed<CcxtOrder>(load('kraken'), ['fetchOrder', 'fetchOpenOrders', 'fetchClosedOrders', 'fetchOrders', 'createOrder'])) {
      if (value.clientOrderId === '0') expect(clientIdOfOrder(value)).toBeUndefined();
    }
  });

  it('refuses a trade without id, amount, price or side instead of inventing a fill', () => {
    const t = parsed<CcxtTrade>(load('binance'), ['fetchMyTrades'])[0]?.value;
    if (!t) throw new Error('no trade');
    const inst = instrumentFor('LTC/USDT', 'BINANCE');
    const owner = { clientOrderId: 'x', strategyId: 's' };
    for (const bad of [{ ...t, id: '' }, { ...t, amount: 0 }, { ...t, price: undefined }, { ...t, side: undefined }] as CcxtTrade[]) {
      expect(() => tradeToFill(bad, inst, owner)).toThrow(MappingError);
    }
  });
});

// ---------------------------------------------------------------- recorded WebSocket sessions

/** `<ts>: {json}` received lines of a cryptofeed recording. */
function wsMessages(file: string): Json[] {
  const out: Json[] = [];
  for (const line of readFileSync(join(CRYPTOFEED, file), 'utf8').split('\n')) {
    const m = /^[\d.]+: (\{.*\})$/.exec(line);
    if (m?.[1]) out.push(JSON.parse(m[1]) as Json);
  }
  return out;
}

/**
 * Feeds recorded, ccxt-parsed trades through CcxtDataClient (a fake exchange whose watchTrades
 * returns them batch by batch, as ccxt.pro does) and returns the published TradeTicks.
 */
async function publish(instrument: Instrument, symbol: string, batches: CcxtTrade[][]): Promise<TradeTick[]> {
  let i = 0;
  let release: () => void = () => undefined;
  const drained = new Promise<void>((r) => (release = r));
  const fake: CcxtMarketData & { close(): Promise<void> } = {
    id: 'recorded',
    has: { watchTrades: true },
    loadMarkets: async () => ({}),
    fetchOrderBook: () => Promise.reject(new Error('unused')),
    fetchTrades: () => Promise.reject(new Error('unused')),
    fetchTicker: () => Promise.reject(new Error('unused')),
    fetchOHLCV: () => Promise.reject(new Error('unused')),
    watchTrades: async () => {
      const b = batches[i++];
      if (b) return b;
      release();
      return new Promise<CcxtTrade[]>(() => undefined);
    },
    close: async () => undefined,
  };
  const bus = new MessageBus();
  const ticks: TradeTick[] = [];
  bus.subscribe(Topics.trades(instrument.id), (t: TradeTick) => ticks.push(t));
  const client = new CcxtDataClient({
    exchange: fake,
    bus,
    time: { now: () => 0, schedule: () => () => undefined },
    random: () => 0.5,
    subscriptions: [{ instrument, symbol, trades: true }],
  });
  client.start();
  await drained;
  void client.stop();
  return ticks;
}

describe('market data mapping on recorded WebSocket sessions (cryptofeed)', () => {
  it('binance and binance.us aggTrade frames: every trade published once with the venue price, size, side and time', async () => {
    const ex = new pro.binance({});
    const parser = ex as unknown as { parseWsTrade(t: Json, m: Json): CcxtTrade };
    const frames = [...wsMessages('BINANCE.ws.1.0'), ...wsMessages('BINANCE_US.ws.1.0')]
      .map((m) => m['data'] as Json | undefined)
      .filter((d): d is Json => d !== undefined && d['e'] === 'aggTrade');
    expect(frames.length).toBeGreaterThan(3);
    const bySymbol = new Map<string, Json[]>();
    for (const f of frames) bySymbol.set(String(f['s']), [...(bySymbol.get(String(f['s'])) ?? []), f]);
    let checked = 0;
    for (const [id, list] of bySymbol) {
      const symbol = `${id.slice(0, -4)}/${id.slice(-4)}`;
      const inst = instrumentFor(symbol, 'BINANCE');
      // One frame per batch, and the same frame twice: the client must publish it once.
      const parsedTrades = list.map((f) => parser.parseWsTrade(f, marketStub(id, symbol)));
      const ticks = await publish(inst, symbol, [...parsedTrades.map((t) => [t]), parsedTrades.slice(0, 1)]);
      expect(ticks).toHaveLength(list.length);
      for (const [k, f] of list.entries()) {
        const tick = ticks[k];
        expect(tick?.tradeId).toBe(String(f['a']));
        expect(tick?.price).toBe(Number(f['p']));
        expect(tick?.size).toBe(Number(f['q']));
        expect(tick?.ts).toBe(f['T']);
        // m = buyer is the maker → the aggressor sold.
        expect(tick?.side).toBe(f['m'] === true ? 'SELL' : 'BUY');
        checked++;
      }
    }
    expect(checked).toBe(frames.length);
  });

  it('okx trades frames: every trade published once with the venue price, size, side and time', async () => {
    const ex = new pro.okx({});
    const parser = ex as unknown as { parseTrade(t: Json, m: Json): CcxtTrade };
    const frames = wsMessages('OKX.ws.1.0').filter((m) => (m['arg'] as Json | undefined)?.['channel'] === 'trades' && (m['arg'] as Json)['instId'] === 'BTC-USDT' && Array.isArray(m['data']));
    const rows = frames.flatMap((f) => f['data'] as Json[]);
    expect(rows.length).toBeGreaterThan(10);
    const inst = instrumentFor('BTC/USDT', 'OKX');
    const batches = frames.map((f) => (f['data'] as Json[]).map((d) => parser.parseTrade(d, marketStub('BTC-USDT', 'BTC/USDT'))));
    const ticks = await publish(inst, 'BTC/USDT', batches);
    expect(ticks.map((t) => t.tradeId)).toEqual(rows.map((r) => String(r['tradeId'])));
    for (const [k, r] of rows.entries()) {
      expect(ticks[k]?.price).toBe(Number(r['px']));
      expect(ticks[k]?.size).toBe(Number(r['sz']));
      expect(ticks[k]?.side).toBe(r['side'] === 'buy' ? 'BUY' : 'SELL');
      expect(ticks[k]?.ts).toBe(Number(r['ts']));
    }
  });
});
