/**
 * Parquet through DuckDB's reader, against real files: freqtrade's XRP/ETH trades (the same
 * trades as its JSON file), NautilusTrader's Binance BTCUSDT trades (TIMESTAMPTZ times, the side
 * from `buyer_maker`), and bar files written by DuckDB from the bundled CSV sample (TIMESTAMP and
 * epoch-second times). Then the errors a user gets for what is not a bar or trade Parquet file.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectFormat, inferPrecision, readAllBars, readAllTrades } from './index';

const DATA = fileURLToPath(new URL('../../../../../shared/data/', import.meta.url));
const SAMPLE = fileURLToPath(new URL('../../../../resources/sample-data/BTC-USD_coinbase_4h_2016-2025.csv', import.meta.url));
const haveData = existsSync(join(DATA, 'INVENTORY.md'));
const D = (p: string): string => join(DATA, p);

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'libra-parquet-'));
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const src = `read_csv('${SAMPLE}', header = true, columns = {'time': 'TIMESTAMP', 'open': 'DOUBLE', 'high': 'DOUBLE', 'low': 'DOUBLE', 'close': 'DOUBLE', 'volume': 'DOUBLE'})`;
  await c.run(`COPY (SELECT * FROM ${src}) TO '${join(dir, 'bars-ts.parquet')}' (FORMAT parquet)`);
  await c.run(`COPY (SELECT epoch(time)::BIGINT AS Date, open AS Open, high AS High, low AS Low, close AS Close, volume AS Volume FROM ${src}) TO '${join(dir, 'bars-epoch.parquet')}' (FORMAT parquet)`);
  await c.run(`COPY (SELECT time, open FROM ${src}) TO '${join(dir, 'no-close.parquet')}' (FORMAT parquet)`);
  c.closeSync();
  db.closeSync();
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!haveData)('Parquet files from the shared data', () => {
  it("freqtrade's XRP/ETH trades: the same trades as its JSON file, trade for trade", async () => {
    const id = 'XRP/ETH@BINANCE';
    expect(await detectFormat(D('freqtrade/XRP_ETH-trades.parquet'))).toEqual({ format: 'parquet-trades', kind: 'trades', gzip: false });
    const fromParquet = await readAllTrades(D('freqtrade/XRP_ETH-trades.parquet'), { instrumentId: id });
    const fromJson = await readAllTrades(D('freqtrade/XRP_ETH-trades.json.gz'), { instrumentId: id });
    expect(fromParquet).toHaveLength(12_477);
    expect(fromParquet).toEqual(fromJson);
  });

  it("NautilusTrader's Binance trades: TIMESTAMPTZ to ms, the aggressor from buyer_maker", async () => {
    const trades = await readAllTrades(D('nautilus_trader/tests/test_data/binance/btcusdt-trades.parquet'), { instrumentId: 'BTC/USDT@BINANCE' });
    expect(trades).toHaveLength(2001);
    // Row 1: 2021-01-08 00:00:00.278 UTC, 39432.48 × 0.000263, buyer_maker True (the seller took).
    expect(trades[0]).toEqual({ instrumentId: 'BTC/USDT@BINANCE', ts: 1_610_064_000_278, price: 39432.48, size: 0.000263, side: 'SELL', tradeId: '553287559' });
    expect(trades[1]?.side).toBe('BUY');
    const info = await inferPrecision(D('nautilus_trader/tests/test_data/binance/btcusdt-trades.parquet'));
    expect(info).toMatchObject({ kind: 'trades', format: 'parquet-trades', rows: 2001, priceDecimals: 2 });
  });

  it('says a quotes file is neither bars nor trades', async () => {
    await expect(detectFormat(D('nautilus_trader/tests/test_data/binance/btcusdt-quotes.parquet'))).rejects.toThrow('btcusdt-quotes.parquet: the Parquet columns (6) name neither bars (time, open, high, low, close, volume) nor trades (time, price, amount)');
  });
});

describe('Parquet bar files', () => {
  it('reads TIMESTAMP and epoch-second times, and any case of the column names, as the CSV reads them', async () => {
    const fromCsv = await readAllBars(SAMPLE, { instrumentId: 'BTC/USD@COINBASE' });
    expect(await detectFormat(join(dir, 'bars-ts.parquet'))).toMatchObject({ format: 'parquet-bars', kind: 'bars' });
    expect(await readAllBars(join(dir, 'bars-ts.parquet'), { instrumentId: 'BTC/USD@COINBASE' })).toEqual(fromCsv);
    expect(await readAllBars(join(dir, 'bars-epoch.parquet'), { instrumentId: 'BTC/USD@COINBASE' })).toEqual(fromCsv);
    expect(fromCsv).toHaveLength(20_695);
  });

  it('names what is wrong: a missing column, a file that is not Parquet, a gzipped one, a missing file', async () => {
    await expect(readAllBars(join(dir, 'no-close.parquet'), { instrumentId: 'X' })).rejects.toThrow('no-close.parquet: the Parquet columns (2) name neither bars');
    const fake = join(dir, 'fake.parquet');
    await writeFile(fake, 'time,open,high,low,close,volume\nsecret,1,2,3,4,5\n');
    const err = await readAllBars(fake, { instrumentId: 'X' }).catch((e: unknown) => e as Error);
    expect((err as Error).message).toBe('fake.parquet: not a Parquet file');
    expect((err as Error).message).not.toMatch(/secret/);
    await expect(detectFormat(join(dir, 'bars.parquet.gz'))).rejects.toThrow('bars.parquet.gz: a gzipped Parquet file: Parquet compresses its own columns; give the .parquet file itself');
    await expect(detectFormat(join(dir, 'absent.parquet'))).rejects.toThrow('absent.parquet: file not found');
  });
});
