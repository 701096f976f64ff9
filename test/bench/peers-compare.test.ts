import { describe, expect, it } from 'vitest';
import { compareTrades } from '../../bench/peers/compare';

const t = (entryTime: number, exitTime: number | null, entryPrice = 100, exitPrice: number | null = 110, quantity = 1) => ({ entryTime, exitTime, entryPrice, exitPrice, quantity });

describe('peers trade comparison', () => {
  it('counts trades with the same entry and exit times as agreeing and reports price and quantity differences', () => {
    const a = compareTrades([t(1, 2), t(3, 4, 100, 120, 2), t(5, null, 90, null)], [t(1, 2), t(3, 4, 100, 121, 2.2), t(5, null, 90, null)]);
    expect(a).toMatchObject({ libraTrades: 3, peerTrades: 3, sameTiming: 3, onlyInLibra: 0, onlyInPeer: 0, priceDiffers: 1 });
    expect(a.maxPriceRelDiff).toBeCloseTo(1 / 121, 12);
    expect(a.maxQuantityRelDiff).toBeCloseTo(0.2 / 2.2, 12);
  });

  it('lists trades only one side has, including a trade whose exit differs', () => {
    const a = compareTrades([t(1, 2), t(3, 4)], [t(1, 2), t(3, 6), t(7, 8)]);
    expect(a).toMatchObject({ sameTiming: 1, onlyInLibra: 1, onlyInPeer: 2 });
    expect(a.firstDifferences).toEqual(['LIBRA only: 1970-01-01T00:00:00.003Z', 'peer only: 1970-01-01T00:00:00.003Z', 'peer only: 1970-01-01T00:00:00.007Z']);
  });
});
