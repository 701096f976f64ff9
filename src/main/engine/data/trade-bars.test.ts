import { describe, expect, it } from 'vitest';
import type { Bar, TradeTick } from '../../../shared/messages/market-data';
import { barsFromTrades, TradeBarBuilder, TradeOrderError } from './trade-bars';

const M = 60_000;
const T0 = Date.UTC(2024, 0, 1);
const trade = (ts: number, price: number, size = 1): TradeTick => ({ instrumentId: 'X', ts, price, size, tradeId: String(ts) });

async function collect(chunks: readonly (readonly TradeTick[])[], tf = M): Promise<Bar[]> {
  async function* source(): AsyncGenerator<readonly TradeTick[]> {
    yield* chunks;
  }
  const out: Bar[] = [];
  for await (const c of barsFromTrades(source(), 'X', tf)) out.push(...c);
  return out;
}

describe('bars built from trades', () => {
  it('open first, close last, high max, low min, volume summed, ts at the close; quiet buckets have no bar', async () => {
    const bars = await collect([[trade(T0 + 1_000, 10, 1), trade(T0 + 20_000, 12, 2), trade(T0 + 59_999, 9, 0.5)], [trade(T0 + 3 * M, 11, 4), trade(T0 + 3 * M + 5, 11.5, 1)]]);
    expect(bars).toEqual([
      { instrumentId: 'X', timeframeMs: M, openTime: T0, ts: T0 + M, open: 10, high: 12, low: 9, close: 9, volume: 3.5 },
      { instrumentId: 'X', timeframeMs: M, openTime: T0 + 3 * M, ts: T0 + 4 * M, open: 11, high: 11.5, low: 11, close: 11.5, volume: 5 },
    ]);
  });

  it('releases a bar only once a later bucket starts (never a forming one)', () => {
    const b = new TradeBarBuilder('X', M);
    expect(b.push(trade(T0, 10))).toBeNull();
    expect(b.push(trade(T0 + M - 1, 11))).toBeNull();
    // A trade at the close time belongs to the next bucket: it finishes the first bar without being in it.
    const done = b.push(trade(T0 + M, 50));
    expect(done).toMatchObject({ openTime: T0, close: 11, high: 11 });
    expect(b.flush()).toMatchObject({ openTime: T0 + M, open: 50, close: 50 });
    expect(b.flush()).toBeNull();
  });

  it('a bar spans chunk boundaries; nothing yields for no trades', async () => {
    expect(await collect([[trade(T0, 1)], [trade(T0 + 10, 3)], [trade(T0 + 20, 2)]])).toEqual([{ instrumentId: 'X', timeframeMs: M, openTime: T0, ts: T0 + M, open: 1, high: 3, low: 1, close: 2, volume: 3 }]);
    expect(await collect([])).toEqual([]);
    expect(await collect([[], []])).toEqual([]);
  });

  it('refuses trades that go back in time, and a bad timeframe', async () => {
    await expect(collect([[trade(T0 + 5, 1), trade(T0 + 4, 1)]])).rejects.toThrow(TradeOrderError);
    expect(() => new TradeBarBuilder('X', 0)).toThrow(/whole number of ms > 0/);
    expect(() => new TradeBarBuilder('X', 1.5)).toThrow(RangeError);
  });
});
