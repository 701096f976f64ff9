import { describe, expect, it } from 'vitest';
import type { Fill, Order } from '../../shared/domain/order';
import { clusterConfigSchema, originNode } from './cluster-config';
import { decode, encode, MessageError, orderBodyOf, reportOf } from './messages';

const order: Order = {
  clientOrderId: 's1.L3-7',
  strategyId: 'buy#1',
  instrumentId: 'BTC/USDT@BINANCE',
  side: 'BUY',
  type: 'MARKET',
  quantityRaw: 100,
  timeInForce: 'IOC',
  postOnly: false,
  reduceOnly: false,
  status: 'ACCEPTED',
  venueOrderId: '42',
  filledRaw: 0,
  avgPx: 0,
  createdAt: 1,
  updatedAt: 2,
};
const fill: Fill = { tradeId: 't9', clientOrderId: 's1.L3-7', venueOrderId: '42', strategyId: 'buy#1', instrumentId: 'BTC/USDT@BINANCE', side: 'BUY', quantityRaw: 100, priceRaw: 6_000_000, feeRaw: 1, feeCurrency: 'BTC', feePrecision: 8, liquidity: 'TAKER', ts: 3 };

describe('cluster messages', () => {
  it('round-trips a balances snapshot and refuses one with a fractional raw amount, without echoing it', () => {
    const m = { v: 1 as const, id: 'x1:balances:9', kind: 'balances' as const, node: 'x1', ts: 9, body: { balances: [{ currency: 'BTC', totalRaw: 200_200_000, lockedRaw: 0, precision: 8, account: 'BINANCE' }] } };
    expect(decode(encode(m))).toEqual(m);
    const bad = JSON.stringify({ ...m, body: { balances: [{ ...m.body.balances[0], totalRaw: 1.5, currency: 'SECRET-LOOKING' }] } });
    expect(() => decode(bad)).toThrow(MessageError);
    expect(() => decode(bad)).not.toThrow(/SECRET-LOOKING/);
  });

  it('round-trips an order intent through JSON and the schema', () => {
    const m = { v: 1 as const, id: order.clientOrderId, kind: 'order.submit' as const, node: 's1', ts: 5, body: orderBodyOf(order) };
    expect(decode(encode(m))).toEqual(m);
  });

  it('rejects another schema version, naming the field and not echoing the payload', () => {
    const text = JSON.stringify({ v: 2, id: 'x', kind: 'order.cancel', node: 's1', ts: 1, body: { clientOrderId: 'SECRET-LOOKING' } });
    expect(() => decode(text)).toThrow(MessageError);
    expect(() => decode(text)).toThrow(/^cluster message rejected: v: /);
    expect(() => decode(text)).not.toThrow(/SECRET-LOOKING/);
    expect(() => decode('{not json')).toThrow('cluster message is not JSON');
  });

  it('gives an order event and a fill deterministic ids, so a re-send is deduplicated', () => {
    expect(reportOf(order, undefined, 9)).toEqual({ id: 's1.L3-7:ACCEPTED:0', report: { kind: 'ACCEPTED', clientOrderId: 's1.L3-7', venueOrderId: '42', ts: 9 } });
    expect(reportOf(order, fill, 9)?.id).toBe('s1.L3-7:fill:t9');
    expect(reportOf({ ...order, status: 'SUBMITTED' }, undefined, 9)).toBeUndefined();
    const fillMsg = { v: 1 as const, id: 'a', kind: 'order.report' as const, node: 'x1', ts: 1, body: { report: reportOf(order, fill, 9)?.report } };
    expect(decode(encode(fillMsg as Parameters<typeof encode>[0])).body).toEqual({ report: { kind: 'FILLED', fill, orderQuantityRaw: 100 } });
  });

  it('routes a client order id back to the node that decided it', () => {
    expect(originNode('s1.L3-7')).toBe('s1');
    expect(originNode('L3-7')).toBeUndefined();
  });

  it('validates the cluster block with a message naming what is expected', () => {
    expect(clusterConfigSchema.parse({ redis: 'redis://127.0.0.1:6379', node: 's1', roles: ['strategy'] }).prefix).toBe('libra');
    const bad = clusterConfigSchema.safeParse({ redis: 'http://x', node: 'S 1', roles: [] });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'redis: a redis:// URL such as "redis://127.0.0.1:6379"',
      'node: a node name of 1-16 characters a-z 0-9 _ -',
      expect.stringMatching(/^roles: /),
    ]);
  });
});
