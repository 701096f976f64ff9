/**
 * Feather (Arrow IPC) through Apache Arrow's reader, against real files: freqtrade's LZ4-compressed
 * candles (the same bars as its original JSON, to the last bit but ≤ 1 ulp) and trades (the same
 * trades as its JSON copy), a mark-price file without volume, and files written here with
 * Arrow's own writer (uncompressed, epoch-second times, a boolean is_buyer_maker). Then the
 * errors a user gets: not Arrow, Feather v1, empty, gzipped, cut short, wrong columns.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Bool, Float64, Int64, Table, tableFromArrays, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectFormat, inferPrecision, readAllBars, readAllTrades } from './index';

const DATA = new URL('../../../../../shared/data/', import.meta.url).pathname;
const haveData = existsSync(join(DATA, 'INVENTORY.md'));
const D = (p: string): string => join(DATA, p);

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'libra-feather-'));
  const t0 = 1_700_000_000;
  const f64 = (v: number[]) => vectorFromArray(v, new Float64());
  const bars = new Table({ date: vectorFromArray([t0, t0 + 60, t0 + 120].map(BigInt), new Int64()), open: f64([10, 11, 12]), high: f64([11, 12, 13]), low: f64([9, 10, 11]), close: f64([11, 12, 12.5]), volume: f64([1.5, 2, 0.25]) });
  await writeFile(join(dir, 'BTC_USDT-1m.feather'), tableToIPC(bars, 'file'));
  const trades = new Table({
    time: vectorFromArray([t0 * 1000, t0 * 1000 + 5].map(BigInt), new Int64()),
    price: vectorFromArray([100.5, 100.25], new Float64()),
    qty: vectorFromArray([0.5, 1], new Float64()),
    is_buyer_maker: vectorFromArray([true, false], new Bool()),
    id: vectorFromArray(['a1', 'a2'], new Utf8()),
  });
  await writeFile(join(dir, 'btcusdt-trades.arrow'), tableToIPC(trades, 'file'));
  await writeFile(join(dir, 'quotes.feather'), tableToIPC(tableFromArrays({ ts: [1, 2], bid: [1, 2], ask: [2, 3] }), 'file'));
  await writeFile(join(dir, 'text.feather'), 'time,open,high,low,close\n1,2,3,4,5\n');
  await writeFile(join(dir, 'v1.feather'), Buffer.concat([Buffer.from('FEA1'), Buffer.alloc(64)]));
  await writeFile(join(dir, 'empty.feather'), '');
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!haveData)('Feather files from the shared data', () => {
  it("freqtrade's LZ4 candles: the bars of its original JSON, each value within 1 ulp", async () => {
    const id = 'ETH/BTC@BINANCE';
    expect(await detectFormat(D('freqtrade/ETH_BTC-5m.feather'))).toEqual({ format: 'feather-bars', kind: 'bars', gzip: false });
    const feather = await readAllBars(D('freqtrade/ETH_BTC-5m.feather'), { instrumentId: id });
    const json = await readAllBars(D('freqtrade/original_json_until_2023-07/ETH_BTC-5m.json'), { instrumentId: id });
    expect(feather).toHaveLength(5760);
    expect(feather.map((b) => [b.openTime, b.ts])).toEqual(json.map((b) => [b.openTime, b.ts]));
    for (let i = 0; i < json.length; i++) {
      const [f, j] = [feather[i], json[i]];
      for (const k of ['open', 'high', 'low', 'close', 'volume'] as const) expect(Math.abs((f?.[k] ?? NaN) - (j?.[k] ?? NaN))).toBeLessThanOrEqual(Math.abs(j?.[k] ?? 0) * 2 ** -51);
    }
    // Precision comes out as the exchange's (8 decimals), not the float noise's.
    expect(await inferPrecision(D('freqtrade/ETH_BTC-5m.feather'))).toMatchObject({ kind: 'bars', format: 'feather-bars', rows: 5760, priceDecimals: 8, timeframeMs: 300_000 });
  });

  it("freqtrade's XRP/ETH trades: the same trades as its JSON file, trade for trade", async () => {
    const id = 'XRP/ETH@BINANCE';
    const fromFeather = await readAllTrades(D('freqtrade/XRP_ETH-trades.feather'), { instrumentId: id });
    expect(fromFeather).toHaveLength(12_477);
    expect(fromFeather).toEqual(await readAllTrades(D('freqtrade/XRP_ETH-trades.json.gz'), { instrumentId: id }));
  });

  it('ZSTD-compressed bars (pyarrow, test/fixtures/feather/make.py): the first 48 bars of the JSON', async () => {
    const file = new URL('../../../../test/fixtures/feather/ETH_BTC-5m-zstd.feather', import.meta.url).pathname;
    const id = 'ETH/BTC@BINANCE';
    const bars = await readAllBars(file, { instrumentId: id });
    const json = await readAllBars(D('freqtrade/original_json_until_2023-07/ETH_BTC-5m.json'), { instrumentId: id });
    expect(bars).toHaveLength(48);
    expect(bars.map((b) => [b.openTime, b.open, b.high, b.low, b.close, b.volume])).toEqual(json.slice(0, 48).map((b) => [b.openTime, b.open, b.high, b.low, b.close, b.volume]));
  });

  it('a mark-price file (volume null) reads with volume 0', async () => {
    const bars = await readAllBars(D('freqtrade/futures/XRP_USDT_USDT-1h-mark.feather'), { instrumentId: 'XRP/USDT:USDT@BINANCE' });
    expect(bars).toHaveLength(100);
    expect(bars.every((b) => b.volume === 0 && b.close > 0)).toBe(true);
  });
});

describe('Feather files written by Arrow', () => {
  it('uncompressed bars with epoch-second Int64 times', async () => {
    const bars = await readAllBars(join(dir, 'BTC_USDT-1m.feather'), { instrumentId: 'X' });
    expect(bars.map((b) => [b.openTime, b.close, b.volume])).toEqual([[1_700_000_000_000, 11, 1.5], [1_700_000_060_000, 12, 2], [1_700_000_120_000, 12.5, 0.25]]);
  });

  it('trades with the aggressor from a boolean is_buyer_maker and text ids', async () => {
    const trades = await readAllTrades(join(dir, 'btcusdt-trades.arrow'), { instrumentId: 'X' });
    expect(trades).toEqual([
      { instrumentId: 'X', ts: 1_700_000_000_000, price: 100.5, size: 0.5, side: 'SELL', tradeId: 'a1' },
      { instrumentId: 'X', ts: 1_700_000_000_005, price: 100.25, size: 1, side: 'BUY', tradeId: 'a2' },
    ]);
  });

  it('gives one clear line, quoting nothing of the file, for what it cannot read', async () => {
    const cut = join(dir, 'cut.feather');
    const whole = readFileSync(join(dir, 'BTC_USDT-1m.feather'));
    await writeFile(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    await writeFile(join(dir, 'bars.feather.gz'), gzipSync(whole));
    const cases: [string, string][] = [
      ['quotes.feather', 'quotes.feather: the Feather columns (3) name neither bars (time, open, high, low, close, volume) nor trades (time, price, amount)'],
      ['text.feather', 'text.feather: not a Feather (Arrow IPC) file'],
      ['v1.feather', 'v1.feather: a Feather v1 file (written by pandas before 1.0): re-save it with a current pandas (to_feather) or convert it to Parquet'],
      ['empty.feather', 'empty.feather: empty file'],
      ['bars.feather.gz', 'bars.feather.gz: a gzipped Feather file: give the .feather file itself (Feather compresses its own columns with LZ4)'],
      ['cut.feather', 'cut.feather: cannot read this Feather file (damaged or cut short)'],
      ['missing.feather', 'missing.feather: file not found'],
    ];
    for (const [file, message] of cases) {
      const got = await readAllBars(join(dir, file), { instrumentId: 'X' }).then(
        () => 'read',
        (e: unknown) => (e instanceof Error ? e.message : String(e)),
      );
      expect(got, file).toBe(message);
      expect(got).not.toMatch(/open,high|1\.5|ARROW1/);
    }
  });
});
