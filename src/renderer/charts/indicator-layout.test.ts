import { describe, expect, it } from 'vitest';
import type { BarView } from '../../shared/ipc/views';
import { isOverlay, outputKeysOf, outputLabel, placeIndicators } from './indicator-layout';

const bar = (indicators: Record<string, number | null>): BarView => ({ instrumentId: 'X', timeframe: '4h', time: 0, open: 1, high: 1, low: 1, close: 1, volume: 1, indicators });

describe('indicator layout', () => {
  it('draws moving averages and bands on price, oscillators each in a pane of their own', () => {
    expect(isOverlay('sma:20')).toBe(true);
    expect(isOverlay('BB:20:2')).toBe(true);
    expect(isOverlay('rsi:14')).toBe(false);
    expect(placeIndicators(['sma:20', 'rsi:14', 'ema:50', 'macd:12:26:9'])).toEqual([
      { spec: 'sma:20', pane: 0 },
      { spec: 'rsi:14', pane: 1 },
      { spec: 'ema:50', pane: 0 },
      { spec: 'macd:12:26:9', pane: 2 },
    ]);
  });

  it('finds every output of a multi-output indicator in a bar, and leaves out non-price ones', () => {
    const b = bar({ 'macd:12:26:9': 1, 'macd:12:26:9#signal': 2, 'macd:12:26:9#hist': -1, 'sma:20': 3, 'supertrend:10:3': 5, 'supertrend:10:3#direction': 1 });
    expect(outputKeysOf('macd:12:26:9', b)).toEqual(['macd:12:26:9', 'macd:12:26:9#signal', 'macd:12:26:9#hist']);
    expect(outputKeysOf('supertrend:10:3', b)).toEqual(['supertrend:10:3']);
    expect(outputKeysOf('rsi:14', undefined)).toEqual(['rsi:14']);
    expect(outputLabel('macd:12:26:9#signal')).toBe('MACD 12 26 9 · signal');
    expect(outputLabel('rsi:14')).toBe('RSI 14');
  });
});
