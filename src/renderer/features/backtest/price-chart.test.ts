import { describe, expect, it } from 'vitest';
import type { BacktestTradeView } from '../../../shared/ipc/views';
import { MAX_MARKERS, priceMarkers, wantsLogScale } from './price-chart';

const H = 3_600_000;
const trade = (over: Partial<BacktestTradeView>): BacktestTradeView =>
  ({ side: 'LONG', entryTime: 0, exitTime: null, entryPrice: 100, exitPrice: null, quantity: 1, pnl: 0, fees: 0, ...over });

describe('backtest price chart', () => {
  const points = [[0, 100], [4 * H, 104], [8 * H, 108], [12 * H, 112]] as const;

  it('puts a long trade as an up arrow under its entry price and a down arrow over its exit price, on the drawn point at or before each fill', () => {
    const m = priceMarkers({ trades: [trade({ entryTime: 5 * H, entryPrice: 104.5, exitTime: 12 * H, exitPrice: 111 })] }, points);
    expect(m).toEqual([
      { time: (4 * H) / 1000, price: 104.5, position: 'atPriceBottom', color: '#26a69a', shape: 'arrowUp', size: 0.4 },
      { time: (12 * H) / 1000, price: 111, position: 'atPriceTop', color: '#ef5350', shape: 'arrowDown', size: 0.4 },
    ]);
  });

  it('draws a short the other way round, an open trade with its entry only, in time order, and a fill before the first point on it', () => {
    const m = priceMarkers({ trades: [trade({ side: 'SHORT', entryTime: 9 * H, entryPrice: 109, exitTime: 11 * H, exitPrice: 107 }), trade({ entryTime: -H })] }, points);
    expect(m.map((x) => [x.time, x.shape, x.position])).toEqual([
      [0, 'arrowUp', 'atPriceBottom'],
      [(8 * H) / 1000, 'arrowDown', 'atPriceTop'],
      [(8 * H) / 1000, 'arrowUp', 'atPriceBottom'],
    ]);
  });

  it('stops at MAX_MARKERS markers, and draws none without points', () => {
    const many = Array.from({ length: MAX_MARKERS }, (_, i) => trade({ entryTime: i, exitTime: i + 1, exitPrice: 1 }));
    expect(priceMarkers({ trades: many }, points)).toHaveLength(MAX_MARKERS);
    expect(priceMarkers({ trades: many }, [])).toEqual([]);
  });

  it('uses a logarithmic axis only when the close spans more than 10×', () => {
    expect(wantsLogScale([[0, 450], [1, 115_000]])).toBe(true);
    expect(wantsLogScale([[0, 100], [1, 900]])).toBe(false);
    expect(wantsLogScale([[0, -1], [1, 900]])).toBe(false);
  });
});
