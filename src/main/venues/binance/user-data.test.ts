/**
 * LIBRA's Binance user-data parser against ccxt itself: the same executionReport (spot, wrapped
 * as the WebSocket API user data stream sends it) and ORDER_TRADE_UPDATE (USD-M) payloads go
 * through a real ccxt.pro instance's `handleMessage` (its caches, as watchOrders / watchMyTrades
 * deliver them) and through the parser; every field the execution client reads must agree, and
 * so must the fills the client makes of them (`tradeToFill`). Payloads follow Binance's
 * documented format (field for field as the venue sends them: decimal strings, `N: null` before a
 * fill, `C` the canceled order's id on a spot cancel): NEW, PARTIALLY_FILLED, FILLED, CANCELED,
 * REJECTED, EXPIRED, AMENDMENT, fees in BNB and in the quote asset. Then the fallbacks:
 * what the parser does not know, or finds malformed, reaches ccxt and nothing else.
 */
import { describe, expect, it } from 'vitest';
import { pro } from 'ccxt';
import { makeInstrument } from '../../../shared/domain/instrument';
import { filledRaw, tradeToFill, venueState } from '../ccxt/mapping';
import type { OrderUpdate, TradeUpdate } from '../ccxt/ccxt-types';
import { BinanceUserDataParser, interceptOrderUpdates, UserDataError } from './user-data';
import type { ParsedOrderUpdate } from './user-data';

type Obj = Record<string, unknown>;

function market(id: string, base: string, kind: 'spot' | 'usdm'): Obj {
  const contract = kind === 'usdm';
  return {
    id,
    symbol: contract ? `${base}/USDT:USDT` : `${base}/USDT`,
    base,
    quote: 'USDT',
    baseId: base,
    quoteId: 'USDT',
    ...(contract ? { settle: 'USDT', settleId: 'USDT', contractSize: 1 } : {}),
    type: contract ? 'swap' : 'spot',
    spot: !contract,
    margin: false,
    swap: contract,
    future: false,
    option: false,
    contract,
    linear: contract ? true : undefined,
    inverse: contract ? false : undefined,
    active: true,
    precision: { price: 0.01, amount: 0.00001 },
    limits: { amount: { min: 0.00001 }, price: {}, cost: {} },
    info: {},
  };
}

/** A ccxt.pro instance with BTC/ETH markets of both kinds (same venue ids: the market type must pick). */
function ccxtInstance(kind: 'spot' | 'usdm'): InstanceType<typeof pro.binance> {
  const ex = kind === 'spot' ? new pro.binance({ enableRateLimit: false }) : new pro.binanceusdm({ enableRateLimit: false });
  ex.setMarkets([market('BTCUSDT', 'BTC', 'spot'), market('ETHUSDT', 'ETH', 'spot'), market('BTCUSDT', 'BTC', 'usdm'), market('ETHUSDT', 'ETH', 'usdm')]);
  return ex;
}

/** What of a ccxt.pro WebSocket client `handleMessage` touches for user data. */
function fakeClient(): Obj {
  return { url: 'ws://user-data', subscriptions: {}, futures: {}, rejections: {}, messageQueue: {}, resolve: () => undefined, reject: () => undefined };
}

interface Delivered {
  order: Obj | undefined;
  trade: Obj | undefined;
}

/** Feeds one message to ccxt; returns the newest entries of its watch caches (what watchOrders / watchMyTrades hand out: an updated order moves to the end). */
function viaCcxt(ex: object, client: Obj, message: Obj): Delivered {
  const e = ex as { handleMessage(c: unknown, m: unknown): void; orders?: Obj[]; myTrades?: Obj[] };
  const trades = e.myTrades?.length ?? 0;
  e.handleMessage(client, message);
  return { order: e.orders?.at(-1), trade: (e.myTrades?.length ?? 0) > trades ? e.myTrades?.at(-1) : undefined };
}

const ORDER_FIELDS = ['id', 'clientOrderId', 'symbol', 'status', 'type', 'side', 'price', 'amount', 'filled', 'lastUpdateTimestamp', 'info'] as const;
const TRADE_FIELDS = ['id', 'order', 'symbol', 'side', 'price', 'amount', 'timestamp', 'takerOrMaker', 'info'] as const;

function expectOrderAgrees(mine: OrderUpdate, theirs: Obj, theirTrade: Obj | undefined, what: string, kind: 'spot' | 'usdm'): void {
  for (const k of ORDER_FIELDS) expect(mine[k], `${what}: order.${k}`).toEqual(theirs[k]);
  const x = (mine.info as Obj)['x'];
  // USD-M: ccxt copies a later update's missing timestamp from its cache; the parser has none.
  if (kind === 'spot' || x === 'NEW' || x === 'AMENDMENT' || x === 'CANCELED') expect(mine.timestamp, `${what}: order.timestamp`).toEqual(theirs['timestamp']);
  else expect(mine.timestamp, `${what}: order.timestamp`).toBeUndefined();
  // The parser's order carries its own trade; ccxt's every trade its cache saw, the same one
  // last (none when the order was not in its cache: the trade then comes by watchMyTrades only).
  const theirTrades = (theirs['trades'] as Obj[] | undefined) ?? [];
  if (mine.trades === undefined) expect(x, `${what}: no trade on a ${String(x)}`).not.toBe('TRADE');
  else {
    expect(mine.trades.length).toBe(1);
    expect(mine.trades[0]?.id, `${what}: order.trades`).toBe(theirTrades.at(-1)?.['id'] ?? theirTrade?.['id']);
  }
  expect(venueState(mine), `${what}: venueState`).toBe(venueState(theirs as unknown as OrderUpdate));
  expect(filledRaw(mine, INST[kind]), `${what}: filledRaw`).toBe(filledRaw(theirs as unknown as OrderUpdate, INST[kind]));
}

function expectTradeAgrees(mine: TradeUpdate, theirs: Obj, what: string, kind: 'spot' | 'usdm'): void {
  for (const k of TRADE_FIELDS) expect(mine[k], `${what}: trade.${k}`).toEqual(theirs[k]);
  const fee = theirs['fee'] as { cost?: unknown; currency?: unknown } | undefined;
  expect(mine.fee?.cost, `${what}: trade.fee.cost`).toEqual(fee?.cost);
  expect(mine.fee?.currency, `${what}: trade.fee.currency`).toEqual(fee?.currency);
  const owner = { clientOrderId: 'x1.L1-7', strategyId: 's#1', venueOrderId: mine.order ?? '' };
  expect(tradeToFill(mine, INST[kind], owner), `${what}: fill`).toEqual(tradeToFill(theirs as unknown as TradeUpdate, INST[kind], owner));
}

const INST = {
  spot: makeInstrument({ symbol: 'BTC/USDT', venue: 'BINANCE', kind: 'spot', tickSize: 0.01, lotSize: 0.00001 }),
  usdm: makeInstrument({ symbol: 'BTC/USDT', venue: 'BINANCEUSDM', kind: 'perpetual', tickSize: 0.1, lotSize: 0.001 }),
};

const T0 = 1_767_225_600_000;

/** A spot executionReport as Binance documents it (every field, strings where Binance sends strings). */
function report(over: Obj): Obj {
  return {
    e: 'executionReport', E: T0 + 1, s: 'BTCUSDT', c: 'x1.L1-7', S: 'BUY', o: 'LIMIT', f: 'GTC', q: '0.00200000', p: '60000.00000000', P: '0.00000000', F: '0.00000000', g: -1, C: '',
    x: 'NEW', X: 'NEW', r: 'NONE', i: 4293153, l: '0.00000000', z: '0.00000000', L: '0.00000000', n: '0', N: null, T: T0, t: -1, v: 0, I: 8641984, w: true, m: false, M: false,
    O: T0, Z: '0.00000000', Y: '0.00000000', Q: '0.00000000', W: T0, V: 'EXPIRE_MAKER',
    ...over,
  };
}

/** A USD-M ORDER_TRADE_UPDATE as Binance documents it. */
function futures(over: Obj, omit: readonly string[] = []): Obj {
  const o: Obj = {
    s: 'BTCUSDT', c: 'x1.L1-9', S: 'SELL', o: 'LIMIT', f: 'GTC', q: '0.003', p: '61000.0', ap: '0', sp: '0', x: 'NEW', X: 'NEW', i: 8886774, l: '0', z: '0', L: '0', N: 'USDT', n: '0',
    T: T0 + 10, t: 0, b: '0', a: '183', m: false, R: false, wt: 'CONTRACT_PRICE', ot: 'LIMIT', ps: 'BOTH', cp: false, rp: '0', pP: false, si: 0, ss: 0, V: 'EXPIRE_MAKER', pm: 'NONE', gtd: 0,
    ...over,
  };
  for (const k of omit) delete o[k];
  return { e: 'ORDER_TRADE_UPDATE', E: (o['T'] as number) + 1, T: o['T'], o };
}

const SPOT_SEQUENCE: readonly [string, Obj][] = [
  ['NEW', report({})],
  ['PARTIALLY_FILLED, fee in BNB, maker', report({ x: 'TRADE', X: 'PARTIALLY_FILLED', l: '0.00120000', z: '0.00120000', L: '60000.00000000', n: '0.00000540', N: 'BNB', T: T0 + 2, t: 101, m: true, w: true, Z: '72.00000000', Y: '72.00000000' })],
  ['FILLED, fee in quote, taker', report({ x: 'TRADE', X: 'FILLED', l: '0.00080000', z: '0.00200000', L: '59999.99000000', n: '0.04799999', N: 'USDT', T: T0 + 3, t: 102, m: false, w: false, Z: '119.99999200', Y: '47.99999200' })],
  ['second order NEW', report({ c: 'x1.L1-8', i: 4293154, p: '59000.00000000', O: T0 + 4, T: T0 + 4 })],
  // A cancel: `c` is the cancel request's own id, `C` the canceled order's.
  ['CANCELED (C is the order, c the cancel request)', report({ c: 'web_8b6f1d0e', C: 'x1.L1-8', i: 4293154, p: '59000.00000000', x: 'CANCELED', X: 'CANCELED', w: false, O: T0 + 4, T: T0 + 5 })],
  ['REJECTED', report({ c: 'x1.L1-10', i: 4293155, x: 'REJECTED', X: 'REJECTED', r: 'INSUFFICIENT_BALANCES', w: false, O: T0 + 6, T: T0 + 6 })],
  ['EXPIRED (IOC)', report({ c: 'x1.L1-11', i: 4293156, f: 'IOC', x: 'EXPIRED', X: 'EXPIRED', w: false, O: T0 + 7, T: T0 + 7 })],
  // A market order sized by quote amount: no quantity, no price; ccxt: amount = filled once closed, price = average.
  ['market by quote NEW', report({ c: 'x1.L1-12', i: 4293157, o: 'MARKET', f: 'GTC', q: '0.00000000', p: '0.00000000', Q: '100.00000000', O: T0 + 8, T: T0 + 8, w: false })],
  ['market by quote FILLED, two prices', report({ c: 'x1.L1-12', i: 4293157, o: 'MARKET', q: '0.00000000', p: '0.00000000', Q: '100.00000000', x: 'TRADE', X: 'FILLED', l: '0.00166000', z: '0.00166000', L: '60240.96000000', n: '0.00000166', N: 'BTC', t: 103, O: T0 + 8, T: T0 + 9, Z: '99.99999360', Y: '99.99999360', w: false })],
  ['ETH NEW, limit maker', report({ s: 'ETHUSDT', c: 'x1.L1-13', i: 77, o: 'LIMIT_MAKER', q: '0.50000000', p: '3000.10000000', O: T0 + 9, T: T0 + 9 })],
];

const USDM_SEQUENCE: readonly [string, Obj][] = [
  ['NEW', futures({})],
  ['AMENDMENT (in place)', futures({ x: 'AMENDMENT', q: '0.004', p: '61000.5', T: T0 + 11 })],
  ['PARTIALLY_FILLED, fee in quote, maker', futures({ x: 'TRADE', X: 'PARTIALLY_FILLED', q: '0.004', p: '61000.5', l: '0.001', z: '0.001', L: '61000.5', ap: '61000.50000', N: 'USDT', n: '0.01220010', T: T0 + 12, t: 555, m: true })],
  ['FILLED, fee in BNB, taker', futures({ x: 'TRADE', X: 'FILLED', q: '0.004', p: '61000.5', l: '0.003', z: '0.004', L: '61000.5', ap: '61000.50000', N: 'BNB', n: '0.00011250', T: T0 + 13, t: 556, m: false })],
  ['second NEW, no commission fields', futures({ c: 'x1.L1-14', i: 8886775, S: 'BUY', p: '59000.0', T: T0 + 14 }, ['N', 'n'])],
  ['CANCELED', futures({ c: 'x1.L1-14', i: 8886775, S: 'BUY', p: '59000.0', x: 'CANCELED', X: 'CANCELED', T: T0 + 15 }, ['N', 'n'])],
  ['EXPIRED (IOC)', futures({ c: 'x1.L1-15', i: 8886776, f: 'IOC', x: 'EXPIRED', X: 'EXPIRED', T: T0 + 16 }, ['N', 'n'])],
  ['market FILLED at once (no NEW seen)', futures({ c: 'x1.L1-16', i: 8886777, o: 'MARKET', ot: 'MARKET', p: '0', q: '0.002', x: 'TRADE', X: 'FILLED', l: '0.002', z: '0.002', L: '60990.1', ap: '60990.10000', N: 'USDT', n: '0.04879208', T: T0 + 17, t: 557 })],
];

function parserFor(ex: { safeCurrencyCode(id: string): string | undefined }): BinanceUserDataParser {
  return new BinanceUserDataParser(
    [
      { id: 'BTCUSDT', kind: 'spot', symbol: 'BTC/USDT' },
      { id: 'ETHUSDT', kind: 'spot', symbol: 'ETH/USDT' },
      { id: 'BTCUSDT', kind: 'usdm', symbol: 'BTC/USDT:USDT' },
    ],
    (id) => ex.safeCurrencyCode(id),
  );
}

describe('Binance user-data parser, field for field against ccxt', () => {
  for (const [kind, sequence] of [['spot', SPOT_SEQUENCE], ['usdm', USDM_SEQUENCE]] as const) {
    it(`reads every ${kind} update of the sequence as ccxt's watchOrders / watchMyTrades deliver it`, () => {
      const ex = ccxtInstance(kind);
      const client = fakeClient();
      const parser = parserFor(ex);
      for (const [what, event] of sequence) {
        // The spot WebSocket API wraps user data in `{subscriptionId, event}`; ccxt unwraps it before handleOrderUpdate.
        const wire = kind === 'spot' ? { subscriptionId: 0, event } : event;
        const theirs = viaCcxt(ex, client, JSON.parse(JSON.stringify(wire)) as Obj);
        const mine = parser.parse(JSON.parse(JSON.stringify(event)));
        expect(mine, what).toBeDefined();
        if (!mine || !theirs.order) throw new Error(`${what}: nothing parsed`);
        expectOrderAgrees(mine.order, theirs.order, theirs.trade, what, kind);
        const x = (event['x'] ?? (event['o'] as Obj)['x']) as string;
        if (x === 'TRADE') {
          if (!mine.trade || !theirs.trade) throw new Error(`${what}: no trade`);
          expectTradeAgrees(mine.trade, theirs.trade, what, kind);
        } else expect(mine.trade, what).toBeUndefined();
      }
    });
  }

  it('maps the client order id: a spot cancel reports the canceled order, not the cancel request', () => {
    const parser = parserFor(ccxtInstance('spot'));
    const u = parser.parse(report({ c: 'web_8b6f1d0e', C: 'x1.L1-8', x: 'CANCELED', X: 'CANCELED' }));
    expect(u?.order.clientOrderId).toBe('x1.L1-8');
    expect(parser.parse(report({ C: '' }))?.order.clientOrderId).toBe('x1.L1-7');
    expect(parser.parse(report({ C: null }))?.order.clientOrderId).toBe('x1.L1-7');
  });

  it('names fee currencies as ccxt does (its common-currency renames included)', () => {
    const ex = ccxtInstance('spot');
    const parser = parserFor(ex);
    const trade = parser.parse(report({ x: 'TRADE', X: 'FILLED', l: '0.00200000', z: '0.00200000', L: '60000.00000000', n: '1.00000000', N: 'BCC', t: 9 }))?.trade;
    expect(trade?.fee?.currency).toBe(ex.safeCurrencyCode('BCC'));
  });
});

describe('Binance user-data parser, what it leaves to ccxt', () => {
  const parser = parserFor(ccxtInstance('spot'));

  it('leaves other events, execution types, statuses, markets and liquidations to ccxt', () => {
    expect(parser.parse({ e: 'outboundAccountPosition', E: T0, u: T0, B: [] })).toBeUndefined();
    expect(parser.parse({ e: 'ALGO_UPDATE', T: T0, E: T0, o: { caid: 'a', aid: 1, X: 'NEW' } })).toBeUndefined();
    expect(parser.parse({ e: 'ORDER_TRADE_UPDATE', T: T0, E: T0, o: [] })).toBeUndefined();
    expect(parser.parse(report({ x: 'REPLACED' }))).toBeUndefined();
    expect(parser.parse(report({ x: 'TRADE_PREVENTION', X: 'EXPIRED' }))).toBeUndefined();
    expect(parser.parse(report({ X: 'PENDING_NEW' }))).toBeUndefined();
    expect(parser.parse(report({ s: 'DOGEUSDT' }))).toBeUndefined();
    expect(parser.parse(futures({ s: 'ETHUSDT' }))).toBeUndefined(); // ETH is configured on spot only
    expect(parser.parse(futures({ c: 'autoclose-1234', x: 'TRADE', X: 'FILLED', l: '0.003', z: '0.003', L: '60000.0', t: 5 }))).toBeUndefined();
    expect(parser.parse(futures({ c: 'adl_autoclose' }))).toBeUndefined();
    expect(parser.parse(futures({ x: 'CALCULATED', X: 'FILLED' }))).toBeUndefined();
    expect(parser.parse(futures({}, ['ps']))).toBeUndefined(); // ccxt would read it as spot
    expect(parser.parse(null)).toBeUndefined();
  });

  it('refuses malformed updates with the field named, never a fill from them', () => {
    const trade = { x: 'TRADE', X: 'FILLED', l: '0.00200000', z: '0.00200000', L: '60000.00000000', n: '0.1', N: 'USDT', t: 11 };
    const bad: [Obj, RegExp][] = [
      [report({ ...trade, t: -1 }), /^t: /],
      [report({ ...trade, t: '11' }), /^t: /],
      [report({ ...trade, l: '0.00000000' }), /^l\/L: /],
      [report({ ...trade, L: undefined }), /^L: /],
      [report({ ...trade, l: '1e-3' }), /^l: /],
      [report({ ...trade, m: 'true' }), /^m: /],
      [report({ ...trade, N: 5 }), /^N: /],
      [report({ ...trade, n: '-0.1' }), /^n: /],
      [report({ q: 'abc' }), /^q: /],
      [report({ z: 2 }), /^z: /],
      [report({ i: '4293153' }), /^i: /],
      [report({ i: 1.5 }), /^i: /],
      [report({ T: undefined }), /^T: /],
      [report({ O: undefined }), /^O: /],
      [report({ c: undefined }), /^c: /],
      [report({ S: 7 }), /^S: /],
      [report({ o: 'MARKET', p: '0', Z: 'x', x: 'TRADE', X: 'FILLED', l: '0.1', z: '0.1', L: '1', t: 3 }), /^Z: /],
    ];
    for (const [m, reason] of bad) {
      expect(() => parser.parse(m), JSON.stringify(m)).toThrow(UserDataError);
      expect(() => parser.parse(m)).toThrow(reason);
    }
  });
});

describe('interceptOrderUpdates on a ccxt.pro instance', () => {
  function setUp(): { ex: InstanceType<typeof pro.binance>; got: ParsedOrderUpdate[]; logs: string[]; undo: () => void } {
    const ex = ccxtInstance('spot');
    const got: ParsedOrderUpdate[] = [];
    const logs: string[] = [];
    const undo = interceptOrderUpdates(ex, parserFor(ex), (u) => got.push(u), (l) => logs.push(l));
    if (!undo) throw new Error('not installed');
    return { ex, got, logs, undo };
  }
  const orders = (ex: object): Obj[] => (ex as { orders?: Obj[] }).orders ?? [];
  const send = (ex: object, event: Obj): void => (ex as { handleMessage(c: unknown, m: unknown): void }).handleMessage(fakeClient(), { subscriptionId: 0, event });

  it('hands recognised updates to LIBRA only (ccxt caches nothing of them)', () => {
    const { ex, got, logs } = setUp();
    send(ex, report({}));
    send(ex, report({ x: 'TRADE', X: 'FILLED', l: '0.00200000', z: '0.00200000', L: '60000.00000000', n: '0.00000200', N: 'BNB', t: 101, Z: '120.00000000' }));
    expect(got.map((u) => [u.order.status, u.trade?.id])).toEqual([['open', undefined], ['closed', '101']]);
    expect(orders(ex)).toHaveLength(0);
    expect(logs).toEqual([]);
  });

  it('hands what it does not know, and what is malformed, to ccxt (logged), never to LIBRA', () => {
    const { ex, got, logs } = setUp();
    send(ex, report({ s: 'DOGEUSDT' }));
    send(ex, report({ x: 'REPLACED', c: 'x1.L1-20', i: 20 }));
    send(ex, report({ x: 'TRADE', X: 'FILLED', l: '0.00200000', z: '0.00200000', L: '60000.00000000', t: -1, c: 'x1.L1-21', i: 21 }));
    expect(got).toEqual([]);
    expect(orders(ex).map((o) => o['clientOrderId'])).toEqual(['x1.L1-7', 'x1.L1-20', 'x1.L1-21']);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/not read by LIBRA \(t: a TRADE execution without a trade id\); left to ccxt/);
  });

  it('gives ccxt its own handler back on undo', () => {
    const { ex, got, undo } = setUp();
    undo();
    send(ex, report({}));
    expect(got).toEqual([]);
    expect(orders(ex)).toHaveLength(1);
  });
});
