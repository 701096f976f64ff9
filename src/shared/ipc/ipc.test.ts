import { describe, expect, it } from 'vitest';
import { CHANNELS, channelEntry, channelOf, contract, createServiceClient } from './contract';
import { ok } from './result';
import { ChartHistorySchema, OpenChartSchema, OrderTicketSchema, SetAlertSchema } from './schemas';
import { coalesceKey, DeltaBuffer, StateReceiver } from './state-stream';
import type { Delta, StateMessage } from './state-stream';
import type { QuoteView, Snapshot } from './views';

const quote = (last: number): QuoteView => ({ instrumentId: 'BTC/USD@X', symbol: 'BTC/USD', last, reference: 1, change: 0, changePct: 0, ts: last });
const snap = {} as Snapshot;

describe('contract', () => {
  it('derives one channel per method of every service', () => {
    const expected = Object.entries(contract).flatMap(([s, ms]) => Object.keys(ms).map((m) => `libra:${s}.${m}`));
    expect(CHANNELS.map((c) => c.channel)).toEqual(expected);
    expect(channelEntry(channelOf('orders', 'submit'))?.method).toBe('submit');
    expect(channelEntry('libra:nope.nope')).toBeUndefined();
  });

  it('builds a typed client whose calls go through one invoke with the derived channel', async () => {
    const calls: [string, unknown][] = [];
    const client = createServiceClient((channel, payload) => {
      calls.push([channel, payload]);
      return Promise.resolve(ok({ cancelled: 3 }));
    });
    const r = await client.orders.cancelAll({});
    expect(r).toEqual({ ok: true, value: { cancelled: 3 } });
    expect(calls).toEqual([['libra:orders.cancelAll', {}]]);
  });
});

describe('order ticket schema', () => {
  const base = { instrumentId: 'BTC/USD@X', side: 'BUY', quantity: '0.5' } as const;
  it('accepts a market order and a stop-limit with both prices', () => {
    expect(OrderTicketSchema.safeParse({ ...base, type: 'MARKET' }).success).toBe(true);
    expect(OrderTicketSchema.safeParse({ ...base, type: 'STOP_LIMIT', price: '100', triggerPrice: '101' }).success).toBe(true);
  });
  it('refuses a limit order without a price, post-only market orders, unknown keys and non-decimal quantities', () => {
    expect(OrderTicketSchema.safeParse({ ...base, type: 'LIMIT' }).success).toBe(false);
    expect(OrderTicketSchema.safeParse({ ...base, type: 'MARKET', postOnly: true }).success).toBe(false);
    expect(OrderTicketSchema.safeParse({ ...base, type: 'MARKET', apiKey: 'x' }).success).toBe(false);
    expect(OrderTicketSchema.safeParse({ ...base, quantity: '1e3', type: 'MARKET' }).success).toBe(false);
    expect(OrderTicketSchema.safeParse({ ...base, quantity: '0', type: 'MARKET' }).success).toBe(false);
  });
  it('takes a quote amount on market buys only, naming the field', () => {
    expect(OrderTicketSchema.safeParse({ ...base, type: 'MARKET', quoteQuantity: '100' }).success).toBe(true);
    const sell = OrderTicketSchema.safeParse({ ...base, side: 'SELL', type: 'MARKET', quoteQuantity: '100' });
    expect(sell.success ? '' : `${sell.error.issues[0]?.path.join('.')}: ${sell.error.issues[0]?.message}`).toBe('quoteQuantity: a quote amount is for market buys only');
    expect(OrderTicketSchema.safeParse({ ...base, type: 'LIMIT', price: '100', quoteQuantity: '100' }).success).toBe(false);
    expect(OrderTicketSchema.safeParse({ ...base, type: 'MARKET', quoteQuantity: '0' }).success).toBe(false);
  });
});

describe('delta coalescing', () => {
  it('keeps the newest value per key in first-arrival order and never merges events', () => {
    const buf = new DeltaBuffer();
    buf.push({ t: 'quote', quote: quote(1) });
    buf.push({ t: 'replay', replay: { speed: 1, running: true, timeframe: '1m', simTime: 0 } });
    buf.push({ t: 'quote', quote: quote(2) });
    const denial = { clientOrderId: 'a', instrumentId: 'x', side: 'BUY' as const, quantity: 1, reason: 'R', message: 'm', ts: 0 };
    buf.push({ t: 'denial', denial });
    buf.push({ t: 'denial', denial });
    const out = buf.drain();
    expect(out.map((d) => d.t)).toEqual(['quote', 'replay', 'denial', 'denial']);
    expect((out[0] as Extract<Delta, { t: 'quote' }>).quote.last).toBe(2);
    expect(buf.size).toBe(0);
  });

  it('keys bars by open time so a forming bar replaces itself and new bars append', () => {
    const bar = (time: number) => ({ t: 'bar' as const, bar: { instrumentId: 'x', timeframe: '1m', time, open: 1, high: 1, low: 1, close: 1, volume: 1, indicators: {} } });
    expect(coalesceKey(bar(1))).toBe(coalesceKey(bar(1)));
    expect(coalesceKey(bar(1))).not.toBe(coalesceKey(bar(2)));
  });
});

describe('StateReceiver', () => {
  const batch = (seq: number): StateMessage => ({ kind: 'batch', seq, deltas: [] });
  it('ignores batches until the first snapshot, then accepts consecutive sequence numbers', () => {
    const r = new StateReceiver();
    expect(r.receive(batch(1)).kind).toBe('ignored');
    expect(r.receive({ kind: 'snapshot', seq: 5, snapshot: snap }).kind).toBe('snapshot');
    expect(r.receive(batch(6)).kind).toBe('batch');
    expect(r.receive(batch(7)).kind).toBe('batch');
    expect(r.lastSeq).toBe(7);
  });
  it('asks for a resync on a gap and waits for the fresh snapshot', () => {
    const r = new StateReceiver();
    r.receive({ kind: 'snapshot', seq: 1, snapshot: snap });
    expect(r.receive(batch(3))).toEqual({ kind: 'resync', expected: 2, got: 3 });
    expect(r.receive(batch(4)).kind).toBe('ignored');
    expect(r.receive({ kind: 'snapshot', seq: 9, snapshot: snap }).kind).toBe('snapshot');
    expect(r.receive(batch(10)).kind).toBe('batch');
  });
  it('starts over after a reset (reload / reconnect)', () => {
    const r = new StateReceiver();
    r.receive({ kind: 'snapshot', seq: 1, snapshot: snap });
    r.reset();
    expect(r.receive(batch(2)).kind).toBe('ignored');
  });
});

describe('chart and alert schemas (several symbols, several timeframes)', () => {
  it('take a symbol and a timeframe: the replay’s own or a coarser one', () => {
    for (const timeframe of ['4h', '12h', '1d']) {
      expect(ChartHistorySchema.safeParse({ instrumentId: 'ETH/USD@COINBASE', timeframe, limit: 500, indicators: ['sma:20'] }).success).toBe(true);
      expect(OpenChartSchema.safeParse({ instrumentId: 'ETH/USD@COINBASE', timeframe }).success).toBe(true);
    }
    expect(ChartHistorySchema.safeParse({ instrumentId: 'ETH/USD@COINBASE', timeframe: '1 day', limit: 500 }).success).toBe(false);
    expect(ChartHistorySchema.safeParse({ instrumentId: 'ETH/USD@COINBASE', limit: 500 }).success).toBe(false);
    expect(ChartHistorySchema.safeParse({ instrumentId: '', timeframe: '1d', limit: 500 }).success).toBe(false);
    expect(ChartHistorySchema.safeParse({ instrumentId: 'ETH/USD@COINBASE', timeframe: '1d', limit: 500, symbol: 'x' }).success).toBe(false);
    expect(SetAlertSchema.safeParse({ instrumentId: 'ETH/USD@COINBASE', price: 2500.5 }).success).toBe(true);
    expect(SetAlertSchema.safeParse({ instrumentId: 'ETH/USD@COINBASE', price: -1 }).success).toBe(false);
  });
});
