/**
 * pandas HDF5 files through h5wasm, against real files: freqtrade's blosc-compressed candles,
 * trades and a two-frame mark-price file (the same rows as its Feather copies, value for value),
 * and small files pandas wrote for these tests (test/fixtures/hdf5/make.py: 'fixed' format,
 * a zlib 'table' with the time as index, two pairs in one file, text in 'fixed' format). Then
 * the errors a user gets: not HDF5, empty, cut short, ambiguous, unreadable text columns.
 */
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pickledStrings } from './hdf5';
import { detectFormat, inferPrecision, readAllBars, readAllTrades } from './index';

const DATA = new URL('../../../../../shared/data/', import.meta.url).pathname;
const haveData = existsSync(join(DATA, 'INVENTORY.md'));
const D = (p: string): string => join(DATA, p);
const FIX = new URL('../../../../test/fixtures/hdf5/', import.meta.url).pathname;
const F = (p: string): string => join(FIX, p);

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'libra-hdf5-'));
  await writeFile(join(dir, 'text.h5'), 'time,open,high,low,close\n1,2,3,4,5\n');
  await writeFile(join(dir, 'empty.h5'), '');
  const whole = readFileSync(F('ETH_BTC-5m-indexed.h5'));
  await writeFile(join(dir, 'ETH_BTC-5m-cut.h5'), whole.subarray(0, whole.length >> 1));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!haveData)('HDF5 files from the shared data (freqtrade, blosc)', () => {
  it('candles: the bars of the Feather copy, value for value', async () => {
    const id = 'UNITTEST/BTC@BINANCE';
    expect(await detectFormat(D('freqtrade/UNITTEST_BTC-5m.h5'))).toEqual({ format: 'hdf5-bars', kind: 'bars', gzip: false });
    const h5 = await readAllBars(D('freqtrade/UNITTEST_BTC-5m.h5'), { instrumentId: id });
    const feather = await readAllBars(D('freqtrade/UNITTEST_BTC-5m.feather'), { instrumentId: id });
    expect(h5).toHaveLength(5760);
    expect(h5).toEqual(feather);
    expect(await inferPrecision(D('freqtrade/UNITTEST_BTC-5m.h5'))).toMatchObject({ kind: 'bars', format: 'hdf5-bars', rows: 5760, priceDecimals: 8, timeframeMs: 300_000 });
  });

  it('trades: the trades of the Feather copy (ids, sides, text columns)', async () => {
    const id = 'XRP/ETH@BINANCE';
    const h5 = await readAllTrades(D('freqtrade/XRP_ETH-trades.h5'), { instrumentId: id });
    const feather = await readAllTrades(D('freqtrade/XRP_ETH-trades.feather'), { instrumentId: id });
    expect(h5).toHaveLength(12_477);
    expect(h5).toEqual(feather);
    expect(h5[0]).toEqual({ instrumentId: id, ts: 1570752011620, price: 0.00141342, size: 23, side: 'SELL', tradeId: '13519807' });
  });

  it("a file of two frames: the one its name names (UNITTEST_USDT_USDT → key UNITTEST/USDT_USDT), without volume", async () => {
    const id = 'UNITTEST/USDT:USDT@BINANCE';
    const h5 = await readAllBars(D('freqtrade/futures/UNITTEST_USDT_USDT-1h-mark.h5'), { instrumentId: id });
    const feather = await readAllBars(D('freqtrade/futures/UNITTEST_USDT_USDT-1h-mark.feather'), { instrumentId: id });
    expect(h5).toHaveLength(100);
    expect(h5).toEqual(feather);
    expect(h5.every((b) => b.volume === 0)).toBe(true);
  });
});

describe.skipIf(!haveData)('HDF5 files pandas wrote for these tests', () => {
  const json = (): Promise<ReturnType<typeof readAllBars> extends Promise<infer T> ? T : never> => readAllBars(D('freqtrade/original_json_until_2023-07/ETH_BTC-5m.json'), { instrumentId: 'ETH/BTC@X' }).then((b) => b.slice(0, 48));

  it("'fixed' format (pandas' default): the first 48 bars of the JSON", async () => {
    expect((await detectFormat(F('ETH_BTC-5m-fixed.h5'))).format).toBe('hdf5-bars');
    expect(await readAllBars(F('ETH_BTC-5m-fixed.h5'), { instrumentId: 'ETH/BTC@X' })).toEqual(await json());
  });

  it("'table' format, zlib, the time as a DatetimeIndex in µs: the same bars", async () => {
    expect(await readAllBars(F('ETH_BTC-5m-indexed.h5'), { instrumentId: 'ETH/BTC@X' })).toEqual(await json());
  });
});

describe('HDF5 errors', () => {
  it('two frames and a name that picks neither: the keys are listed', async () => {
    await expect(detectFormat(F('two-pairs-5m.h5'))).rejects.toThrow('two-pairs-5m.h5: holds 2 frames (ETH/BTC/ohlcv/tf_5m, LTC/BTC/ohlcv/tf_5m) and its name does not pick one');
  });

  it("text in a 'fixed' frame: what to do instead", async () => {
    await expect(detectFormat(F('XRP_ETH-trades-fixed.h5'))).rejects.toThrow("XRP_ETH-trades-fixed.h5: text columns (id) of a pandas 'fixed' frame are pickled Python objects: re-save it with to_hdf(…, format='table')");
  });

  it('not HDF5, empty, cut short: a clear error naming the file, never its bytes', async () => {
    await expect(detectFormat(join(dir, 'text.h5'))).rejects.toThrow(/^text\.h5: not an HDF5 file$/);
    await expect(detectFormat(join(dir, 'empty.h5'))).rejects.toThrow(/^empty\.h5: empty file$/);
    await expect(detectFormat(join(dir, 'ETH_BTC-5m-cut.h5'))).rejects.toThrow(/^ETH_BTC-5m-cut\.h5: cannot read this HDF5 file \(damaged or cut short\)$/);
    await expect(detectFormat(join(dir, 'missing.h5'))).rejects.toThrow(/^missing\.h5: file not found$/);
  });

  it('the file stays readable after a failed read (the library is not left in a bad state)', async () => {
    await copyFile(F('ETH_BTC-5m-fixed.h5'), join(dir, 'ETH_BTC-5m.h5'));
    await expect(detectFormat(join(dir, 'ETH_BTC-5m-cut.h5'))).rejects.toThrow('cut short');
    expect(await readAllBars(join(dir, 'ETH_BTC-5m.h5'), { instrumentId: 'ETH/BTC@X' })).toHaveLength(48);
  });
});

describe('PyTables pickled attributes (protocol 0)', () => {
  it('a list of names, and pandas non_index_axes', () => {
    expect(pickledStrings('(lp0\nVclose\np1\naVhigh\np2\na.')).toEqual(['close', 'high']);
    expect(pickledStrings('(lp0\n(I1\n(lp1\nVdate\np2\naVopen\np3\natp4\na.')).toEqual(['date', 'open']);
    expect(pickledStrings("(lp0\nS'vol ume'\np1\na.")).toEqual(['vol ume']);
    expect(pickledStrings('(lp0\nVpr\\u00e9x\np1\na.')).toEqual(['pr\u00e9x']);
  });

  it('anything else throws', () => {
    expect(() => pickledStrings('\x80\x04\x95')).toThrow('unsupported pickle opcode');
    expect(() => pickledStrings('(lp0\nVclose')).toThrow('cut short');
  });
});
