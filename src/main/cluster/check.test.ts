/**
 * The hand-written checks of the hot entries against the zod schemas they replace: for every
 * field of every kind (nested ones too), each of a set of wrong and edge values, the field
 * removed, and an unknown field added at every level, both accept or both refuse.
 */
import { describe, expect, it } from 'vitest';
import { checkMd, decodeMd, decodeMdWithSchema, encodeMd } from './market-data';
import { checkMessage, decode, decodeWithSchema, MessageError } from './messages';

const VALUES: unknown[] = [
  undefined, null, true, false, '', 'x', 'a'.repeat(36), 'a'.repeat(37), 0, -1, 1, 2, 1.5, -0.5, 2 ** 53, -(2 ** 53), Infinity, -Infinity, NaN,
  [], ['x'], [1], [{ price: 1, size: 1 }], [{ price: 1, size: -1 }], {}, { x: 1 },
  'BUY', 'SELL', 'MARKET', 'LIMIT', 'GTC', 'IOC', 'MAKER', 'TAKER', 'SNAPSHOT', 'DELTA', 'ACCEPTED', 'FILLED', 'CANCELED', 'NOPE',
  'data.trades.BINANCE.BTC/USDT', 'data.book.BINANCE.BTC/USDT', 'data.nope.BINANCE.X', 'order.submit', 'order.report', 'position',
];

type Json = Record<string, unknown> | unknown[];

/** Every mutation of `root`: at each path, each of VALUES (undefined: the field removed), and an unknown field on each object. */
function* mutations(root: Json): Generator<[string, unknown]> {
  const walk = function* (node: Json, path: string[], rebuild: (n: Json) => unknown): Generator<[string, unknown]> {
    if (!Array.isArray(node)) yield [`${path.join('.')}+extra`, rebuild({ ...node, extra: 1 })];
    const entries: [string | number, unknown][] = Array.isArray(node) ? node.map((v, i) => [i, v]) : Object.entries(node);
    for (const [k, v] of entries) {
      const at = (value: unknown): unknown => {
        if (Array.isArray(node)) return rebuild(node.map((x, i) => (i === k ? value : x)));
        const copy: Record<string, unknown> = { ...node };
        if (value === undefined) delete copy[k];
        else copy[k] = value;
        return rebuild(copy);
      };
      for (const value of VALUES) yield [`${[...path, k].join('.')}=${String(value)}`, at(value)];
      if (typeof v === 'object' && v !== null) yield* walk(v as Json, [...path, String(k)], (n) => at(n));
    }
  };
  yield [ '(valid)', root ];
  yield* walk(root, [], (n) => n);
}

const accepts = (f: () => unknown): boolean => {
  try {
    f();
    return true;
  } catch {
    return false;
  }
};

function compare(samples: readonly Json[], hand: (j: unknown) => unknown, schema: (j: unknown) => unknown): number {
  const disagree: string[] = [];
  let n = 0;
  for (const s of samples) {
    for (const [what, j] of mutations(s)) {
      n++;
      const a = accepts(() => hand(j));
      if (a !== accepts(() => schema(j))) disagree.push(`${JSON.stringify(s).slice(0, 60)} ${what}: hand ${a ? 'accepts' : 'refuses'}`);
    }
  }
  expect(disagree).toEqual([]);
  return n;
}

const fill = { clientOrderId: 's1.L1-1', venueOrderId: '9', tradeId: 't1', strategyId: 'a#1', instrumentId: 'BTC/USDT@BINANCE', side: 'BUY', quantityRaw: 5, priceRaw: 300, feeRaw: 1, feeCurrency: 'BTC', feePrecision: 8, liquidity: 'MAKER', ts: 2 };
const env = (kind: string, body: unknown): Json => ({ v: 1, id: 'm1', kind, node: 's1', ts: 1, body });
const messages: Json[] = [
  env('order.submit', { clientOrderId: 's1.L1-1', strategyId: 'a#1', instrumentId: 'BTC/USDT@BINANCE', side: 'BUY', type: 'LIMIT', quantityRaw: 100, priceRaw: 3_000, timeInForce: 'GTC', postOnly: false, reduceOnly: true }),
  env('order.submit', { clientOrderId: 's1.L1-2', strategyId: 'a#1', instrumentId: 'X@B', side: 'SELL', type: 'STOP_LIMIT', quantityRaw: 0, quoteQuantityRaw: 7, priceRaw: -3, triggerPriceRaw: 4, timeInForce: 'GTD', expireTime: 1.5, postOnly: true, reduceOnly: false, tags: ['a', 'b'] }),
  env('order.cancel', { clientOrderId: 's1.L1-1' }),
  env('order.report', { report: { kind: 'ACCEPTED', clientOrderId: 's1.L1-1', venueOrderId: '9', ts: 3 } }),
  env('order.report', { report: { kind: 'REJECTED', clientOrderId: 's1.L1-1', reason: 'no', ts: 3 } }),
  env('order.report', { report: { kind: 'TRIGGERED', clientOrderId: 's1.L1-1', ts: 3 } }),
  env('order.report', { report: { kind: 'FILLED', fill, orderQuantityRaw: 5 } }),
  env('order.report', { report: { kind: 'FILLED', fill: { ...fill, venueOrderId: undefined } } }),
  env('order.report', { report: { kind: 'CANCELED', clientOrderId: 's1.L1-1', ts: 3, reason: 'user' } }),
  env('order.report', { report: { kind: 'CANCEL_REJECTED', clientOrderId: 's1.L1-1', reason: 'gone', ts: 3 } }),
  env('order.report', { report: { kind: 'EXPIRED', clientOrderId: 's1.L1-1', ts: 3 } }),
  env('order.report', { report: { kind: 'REPLY_LOST', clientOrderId: 's1.L1-1', reason: 'cut', ts: 3 } }),
];

const md = (t: string, d: unknown): Json => ({ v: 1, n: 'd1', s: 1, p: 1.25, t, d });
const entries: Json[] = [
  md('data.trades.BINANCE.BTC/USDT', { instrumentId: 'BTC/USDT@BINANCE', ts: 1, price: 3, size: 0.5, side: 'SELL', tradeId: '7' }),
  md('data.trades.BINANCE.BTC/USDT', { instrumentId: 'BTC/USDT@BINANCE', ts: 1, price: 3, size: -0.5, tradeId: '' }),
  md('data.quotes.BINANCE.BTC/USDT', { instrumentId: 'BTC/USDT@BINANCE', ts: 1, bid: 1, bidSize: 2, ask: 3, askSize: 4 }),
  md('data.book.BINANCE.BTC/USDT', { instrumentId: 'BTC/USDT@BINANCE', ts: 1, action: 'DELTA', sequence: 9, bids: [{ price: 1, size: 0 }, { price: 0.5, size: 2 }], asks: [{ price: 2, size: 1 }] }),
  md('data.bars.BINANCE.BTC/USDT', { instrumentId: 'BTC/USDT@BINANCE', timeframeMs: 60_000, openTime: 0, ts: 60_000, open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 }),
];

describe('hand-written checks of the hot cluster entries', () => {
  it('accept and refuse exactly what the zod schemas do, for every field of every order intent, cancel and report kind', () => {
    for (const m of messages) expect(checkMessage(m)).toBe(m); // the valid ones pass, returned as they are
    expect(compare(messages, checkMessage, decodeWithSchema)).toBeGreaterThan(5_000);
  });

  it('accept and refuse exactly what the zod schemas do, for every field of every market data kind', () => {
    for (const e of entries) expect(checkMd(e).payload).toBe((e as Record<string, unknown>)['d']);
    expect(compare(entries, checkMd, decodeMdWithSchema)).toBeGreaterThan(2_000);
  });

  it('encode a market data entry as the same text as stringifying the whole envelope', () => {
    for (const e of entries) {
      const { n, s, p, t, d } = e as { n: string; s: number; p: number; t: string; d: unknown };
      expect(encodeMd(n, s, p, t, d)).toBe(JSON.stringify(e));
      expect(encodeMd('n"\\1', 2 ** 40, 1_700_000_000_123.456, `${t}\u2028"`, d)).toBe(JSON.stringify({ v: 1, n: 'n"\\1', s: 2 ** 40, p: 1_700_000_000_123.456, t: `${t}\u2028"`, d }));
    }
  });

  it('name the path of the first problem and what was expected, never the value', () => {
    const bad = (m: Json): string => {
      try {
        decode(JSON.stringify(m));
      } catch (e) {
        expect(e).toBeInstanceOf(MessageError);
        return (e as Error).message;
      }
      return 'accepted';
    };
    const submit = messages[0] as { body: Record<string, unknown> };
    expect(bad({ ...submit, body: { ...submit.body, quantityRaw: 1.5 } })).toBe('cluster message rejected: body.quantityRaw: expected an integer >= 0');
    expect(bad({ ...submit, body: { ...submit.body, side: 'SECRET-LOOKING' } })).toBe('cluster message rejected: body.side: expected one of BUY, SELL');
    expect(bad({ ...submit, body: { ...submit.body, SECRET: 1 } })).toBe('cluster message rejected: body.SECRET: unknown field');
    expect(bad(env('order.report', { report: { kind: 'FILLED', fill: { ...fill, quantityRaw: 0 } } }))).toBe('cluster message rejected: body.report.fill.quantityRaw: expected an integer >= 1');
    expect(bad({ ...submit, v: 2 })).toBe('cluster message rejected: v: expected 1');
    expect(() => decodeMd(JSON.stringify(md('data.book.B.X', { instrumentId: 'X', ts: 1, action: 'DELTA', sequence: 1, bids: [{ price: 1, size: -2 }], asks: [] })))).toThrow('market data book rejected: bids.0.size: expected a number >= 0');
    expect(() => decodeMd(JSON.stringify({ ...md('data.trades.B.X', {}), t: 'data.secret.B.X' }))).toThrow(/^market data entry rejected: t: expected a market data topic/);
  });
});
