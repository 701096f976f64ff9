/** Projection of raw engine values into views, with two instruments of different precision, and the chart series. */
import { describe, expect, it } from 'vitest';
import { makeInstrument } from '../../shared/domain/instrument';
import type { Order } from '../../shared/domain/order';
import type { Bar } from '../../shared/messages/market-data';
import { ChartSeries, offeredTimeframes } from './chart-series';
import { bookView, instrumentView, orderView, positionView } from './projection';

const BTC = makeInstrument({ symbol: 'BTC/USD', venue: 'COINBASE', tickSize: '0.01', lotSize: '0.00000001' });
const ETH = makeInstrument({ symbol: 'ETH/USD', venue: 'COINBASE', tickSize: '0.1', lotSize: '0.001' });
const H4 = 4 * 3_600_000;
const DAY = 86_400_000;

const order = (instrumentId: string, quantityRaw: number, priceRaw: number): Order => ({
  clientOrderId: `P-${instrumentId}`, strategyId: 'manual', instrumentId, side: 'BUY', type: 'LIMIT', quantityRaw, priceRaw, timeInForce: 'GTC',
  postOnly: false, reduceOnly: false, status: 'ACCEPTED', filledRaw: 0, avgPx: 0, createdAt: 1, updatedAt: 1,
});

describe('projection with two instruments', () => {
  it('converts raw units with each instrument’s own precision', () => {
    expect([instrumentView(BTC), instrumentView(ETH)].map((v) => [v.symbol, v.tickSize, v.lotSize, v.pricePrecision, v.sizePrecision])).toEqual([
      ['BTC/USD', 0.01, 0.00000001, 2, 8],
      ['ETH/USD', 0.1, 0.001, 1, 3],
    ]);
    expect(orderView(order(BTC.id, 50_000_000, 6_543_210), BTC)).toMatchObject({ symbol: 'BTC/USD', quantity: 0.5, price: 65_432.1 });
    expect(orderView(order(ETH.id, 2_500, 34_567), ETH)).toMatchObject({ symbol: 'ETH/USD', quantity: 2.5, price: 3_456.7 });
    const pos = positionView({ instrumentId: ETH.id, strategyId: 'manual', netRaw: -1_500, avgEntryPx: 3000, realizedRaw: 0, quotePrecision: 8, openedAt: 1, updatedAt: 1 }, ETH, 2900, 150);
    expect(pos).toMatchObject({ key: `manual|${ETH.id}`, symbol: 'ETH/USD', quantity: -1.5, mark: 2900, unrealized: 150 });
  });
});

describe('ChartSeries', () => {
  const bar = (i: number, close: number): Bar => ({ instrumentId: ETH.id, timeframeMs: H4, openTime: i * H4, ts: (i + 1) * H4, open: close, high: close + 1, low: close - 1, close, volume: 1 });

  it('offers the replay timeframe and the coarser ones that can be built from it', () => {
    expect(offeredTimeframes(H4, [12 * 3_600_000, DAY, 6 * 3_600_000, 7 * DAY])).toEqual(['4h', '12h', '1d']);
    expect(offeredTimeframes(DAY, [12 * 3_600_000, DAY])).toEqual(['1d']);
  });

  it('pages closed daily bars then the forming one; indicators only on closed bars', () => {
    const history = Array.from({ length: 6 * 3 + 2 }, (_, i) => bar(i, 100 + i));
    const s = new ChartSeries(ETH.id, DAY, H4, history);
    s.ensureIndicator('sma:2');
    const page = s.page(Number.MAX_SAFE_INTEGER, 10, ['sma:2']);
    expect(page.hasMore).toBe(false);
    expect(page.bars.map((b) => [b.time / DAY, b.close, b.closed ?? true, b.indicators['sma:2']])).toEqual([
      [0, 105, true, null],
      [1, 111, true, 108],
      [2, 117, true, 114],
      [3, 119, false, null],
    ]);
    // The next 4h bar updates the same forming daily bar; older pages leave it out.
    expect(s.push(bar(20, 50)).map((b) => [b.time / DAY, b.close, b.low, b.closed])).toEqual([[3, 50, 49, false]]);
    expect(s.page(3 * DAY, 2, []).bars.map((b) => b.time / DAY)).toEqual([1, 2]);
    expect(s.page(3 * DAY, 2, []).hasMore).toBe(true);
    const closing = [21, 22, 23].flatMap((i) => s.push(bar(i, 60)));
    expect(closing.at(-1)).toMatchObject({ time: 3 * DAY, close: 60, low: 49, indicators: { 'sma:2': (117 + 60) / 2 } });
    expect(closing.at(-1)?.closed).toBeUndefined();
    expect(s.forming).toBeNull();
  });
});

describe('bookView', () => {
  it('keeps the best levels a side, best first, and drops empty ones', () => {
    const v = bookView({ instrumentId: 'X', ts: 1, action: 'SNAPSHOT', sequence: 1, bids: [{ price: 99, size: 1 }, { price: 100, size: 2 }, { price: 98, size: 0 }, { price: 97, size: 3 }], asks: [{ price: 102, size: 1 }, { price: 101, size: 4 }] }, 2);
    expect(v.bids).toEqual([{ price: 100, size: 2 }, { price: 99, size: 1 }]);
    expect(v.asks).toEqual([{ price: 101, size: 4 }, { price: 102, size: 1 }]);
  });
});
