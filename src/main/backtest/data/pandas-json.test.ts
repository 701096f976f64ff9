/**
 * pandas `to_json` frames: freqtrade's orderflow candles (orient columns, the default), then one
 * small frame written here in each orient — the same bars from each — a DatetimeIndex as the
 * time, trades as records, and the errors for what is not a frame of bars or trades.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectFormat, inferPrecision, readAllBars, readAllTrades } from './index';

const DATA = new URL('../../../../../shared/data/', import.meta.url).pathname;
const haveData = existsSync(join(DATA, 'INVENTORY.md'));

const T0 = 1_700_000_000_000;
const frame = { date: [T0, T0 + 60_000, T0 + 120_000], open: [10, 11, 12], high: [11, 12, 13], low: [9, 10, 11], close: [11, 12, 12.5], volume: [1.5, 2, 0.25] };
const names = Object.keys(frame) as (keyof typeof frame)[];
const row = (i: number): Record<string, number> => Object.fromEntries(names.map((n) => [n, frame[n][i] as number]));

let dir = '';
const F = (name: string): string => join(dir, name);
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'libra-pandas-'));
  const byIndex = (values: number[]): Record<string, number> => Object.fromEntries(values.map((v, i) => [String(i), v]));
  await writeFile(F('columns.json'), JSON.stringify(Object.fromEntries(names.map((n) => [n, byIndex(frame[n])]))));
  await writeFile(F('split.json'), JSON.stringify({ columns: names, index: [0, 1, 2], data: [0, 1, 2].map((i) => names.map((n) => frame[n][i])) }));
  await writeFile(F('records.json'), JSON.stringify([0, 1, 2].map(row)));
  await writeFile(F('index.json'), JSON.stringify(Object.fromEntries([0, 1, 2].map((i) => [String(i), row(i)]))));
  // A DatetimeIndex frame without a date column: df.set_index('date').to_json() keys the rows by epoch ms.
  const noDate = names.filter((n) => n !== 'date');
  await writeFile(F('dt-index.json'), JSON.stringify(Object.fromEntries(noDate.map((n) => [n, Object.fromEntries(frame.date.map((t, i) => [String(t), frame[n][i]]))]))));
  await writeFile(F('trades.json'), JSON.stringify([{ timestamp: T0, id: 'x1', side: 'buy', price: 100.5, amount: 0.5 }, { timestamp: T0 + 7, id: 'x2', side: 'sell', price: 100.25, amount: 1 }]));
  await writeFile(F('other.json'), JSON.stringify({ a: { 0: 1 }, b: { 0: 2 } }));
  await writeFile(F('ragged.json'), JSON.stringify({ date: { 0: T0, 1: T0 + 60_000 }, open: { 0: 1 }, high: { 0: 1 }, low: { 0: 1 }, close: { 0: 1 } }));
  await writeFile(F('scalar.json'), JSON.stringify({ name: 'x', rows: 3 }));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!haveData)('pandas JSON from the shared data', () => {
  it("freqtrade's orderflow candles (orient columns): 10 999 5m bars, first and last as written", async () => {
    const path = join(DATA, 'freqtrade/orderflow/candles.json');
    expect(await detectFormat(path)).toEqual({ format: 'pandas-bars-json', kind: 'bars', gzip: false });
    const bars = await readAllBars(path, { instrumentId: 'X' });
    expect(bars).toHaveLength(10_999);
    expect(bars[0]).toMatchObject({ openTime: 1_672_677_900_000, open: 16727.3, high: 16728.8, low: 16726.0, close: 16726.1, volume: 691.508, timeframeMs: 300_000 });
    expect(bars[10_998]).toMatchObject({ openTime: 1_675_977_300_000, open: 21918.0, high: 21960.7, low: 21914.0, close: 21925.7, volume: 2058.74 });
    expect(await inferPrecision(path)).toMatchObject({ kind: 'bars', rows: 10_999, priceDecimals: 1 });
  });
});

describe('pandas JSON frames', () => {
  it('reads the same bars from orient columns, split, records and index, and from a DatetimeIndex', async () => {
    const want = await readAllBars(F('columns.json'), { instrumentId: 'X' });
    expect(want.map((b) => [b.openTime, b.open, b.high, b.low, b.close, b.volume])).toEqual([0, 1, 2].map((i) => names.map((n) => frame[n][i])));
    for (const f of ['split.json', 'records.json', 'index.json', 'dt-index.json']) expect(await readAllBars(F(f), { instrumentId: 'X' }), f).toEqual(want);
  });

  it('reads trades written as records', async () => {
    expect(await detectFormat(F('trades.json'))).toEqual({ format: 'pandas-trades-json', kind: 'trades', gzip: false });
    expect(await readAllTrades(F('trades.json'), { instrumentId: 'X' })).toEqual([
      { instrumentId: 'X', ts: T0, price: 100.5, size: 0.5, side: 'BUY', tradeId: 'x1' },
      { instrumentId: 'X', ts: T0 + 7, price: 100.25, size: 1, side: 'SELL', tradeId: 'x2' },
    ]);
  });

  it('gives one clear line for a JSON object that is not a frame of bars or trades', async () => {
    const cases: [string, string][] = [
      ['other.json', 'other.json: the pandas JSON columns (2) name neither bars (time, open, high, low, close, volume) nor trades (time, price, amount)'],
      ['ragged.json', 'ragged.json: pandas JSON (orient columns): column 2 has 1 values, the first 2'],
      ['scalar.json', 'scalar.json: unknown JSON object: expected a "candles" or "ohlc" array (ta4j), a pandas to_json frame (orient columns, split, records or index) or an array of [time, open, high, low, close, volume] rows'],
    ];
    for (const [f, message] of cases) await expect(detectFormat(F(f)), f).rejects.toThrow(message);
  });
});
