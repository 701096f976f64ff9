/**
 * Reference tests against TA-Lib 0.6 outputs on real Binance ETH/BTC 5m candles (5 760 bars):
 * every value after TA-Lib's warm-up must agree to 1e-9 relative (1e-12 absolute near 0), and the
 * first valid index must be TA-Lib's.
 */
import { describe, expect, it } from 'vitest';
import { batch } from './batch';
import { createIndicator } from './registry';
import { compareSeries, loadTalibReference } from './reference-data';

const ref = loadTalibReference();

interface Case {
  readonly title: string;
  readonly spec: string;
  /** TA-Lib column for each of the spec's columns (null = not compared). */
  readonly talib: readonly (string | null)[];
}

const CASES: readonly Case[] = [
  { title: 'SMA(20)', spec: 'sma:20', talib: ['SMA_20'] },
  { title: 'EMA(20) with its SMA seed', spec: 'ema:20', talib: ['EMA_20'] },
  { title: 'WMA(20)', spec: 'wma:20', talib: ['WMA_20'] },
  { title: 'DEMA(20)', spec: 'dema:20', talib: ['DEMA_20'] },
  { title: 'TEMA(20)', spec: 'tema:20', talib: ['TEMA_20'] },
  { title: 'RSI(14) with Wilder smoothing', spec: 'rsi:14', talib: ['RSI_14'] },
  {
    title: 'MACD(12,26,9) line, signal and histogram',
    spec: 'macd:12:26:9',
    talib: ['MACD_12_26_9.MACD', 'MACD_12_26_9.MACDSignal', 'MACD_12_26_9.MACDHist'],
  },
  {
    title: 'Bollinger Bands(20, 2)',
    spec: 'bb:20:2',
    talib: ['BBANDS_20_2_2.RealUpperBand', 'BBANDS_20_2_2.RealMiddleBand', 'BBANDS_20_2_2.RealLowerBand'],
  },
  { title: 'ATR(14)', spec: 'atr:14', talib: ['ATR_14'] },
  { title: 'NATR(14)', spec: 'natr:14', talib: ['NATR_14'] },
  { title: 'STOCH(14,3,3) slow %K and %D', spec: 'stoch:14:3:3', talib: ['STOCH_14_3_3.SlowK', 'STOCH_14_3_3.SlowD'] },
  { title: 'STOCHF(14,3) as stoch:14:1:3', spec: 'stoch:14:1:3', talib: ['STOCHF_14_3.FastK', 'STOCHF_14_3.FastD'] },
  {
    title: 'STOCHRSI(14,14,3) fast %K/%D as stochrsi:14:14:1:3',
    spec: 'stochrsi:14:14:1:3',
    talib: ['STOCHRSI_14_14_3.FastK', 'STOCHRSI_14_14_3.FastD'],
  },
  { title: 'ADX(14)', spec: 'adx:14', talib: ['ADX_14'] },
  { title: '+DI(14) and −DI(14)', spec: 'dmi:14', talib: ['PLUS_DI_14', 'MINUS_DI_14'] },
  { title: 'CCI(20)', spec: 'cci:20', talib: ['CCI_20'] },
  { title: 'Williams %R(14)', spec: 'willr:14', talib: ['WILLR_14'] },
  { title: 'MFI(14)', spec: 'mfi:14', talib: ['MFI_14'] },
  { title: 'OBV', spec: 'obv', talib: ['OBV'] },
  { title: 'Parabolic SAR(0.02, 0.2)', spec: 'psar:0.02:0.2', talib: ['SAR_0.02_0.2'] },
  { title: 'ROC(10)', spec: 'roc:10', talib: ['ROC_10'] },
  { title: 'MOM(10)', spec: 'mom:10', talib: ['MOM_10'] },
];

function expected(name: string): Float64Array {
  const col = ref.columns.get(name);
  if (!col) throw new Error(`missing reference column ${name}`);
  return col;
}

describe('TA-Lib reference (ETH/BTC 5m, Binance, 2018-01)', () => {
  it('loads the full reference series', () => {
    expect(ref.bars.length).toBe(5760);
  });

  for (const c of CASES) {
    it(`matches TA-Lib ${c.title} on ETH/BTC 5m after warm-up, starting at TA-Lib's first index`, () => {
      const handle = createIndicator(c.spec);
      const out = batch(handle, ref.bars);
      c.talib.forEach((colName, i) => {
        if (colName === null) return;
        const exp = expected(colName);
        const cmp = compareSeries(out[i]!, exp);
        expect(cmp.failures, `${handle.columns[i]} vs ${colName}`).toEqual([]);
        expect(cmp.compared).toBe(ref.bars.length - cmp.firstValid);
        expect(cmp.actualFirstValid, `${handle.columns[i]} first valid index`).toBe(cmp.firstValid);
        expect(handle.warmup).toBe(cmp.firstValid);
      });
    });
  }

  it('matches TA-Lib STOCHRSI when the default stochrsi:14:14:3:3 smooths %K (k = SMA3 of fast %K, d = SMA3 of k)', () => {
    const [k, d] = batch('stochrsi:14:14:3:3', ref.bars) as [Float64Array, Float64Array];
    const fastK = expected('STOCHRSI_14_14_3.FastK');
    const n = fastK.length;
    const expK = new Float64Array(n).fill(NaN);
    const expD = new Float64Array(n).fill(NaN);
    for (let i = 31; i < n; i++) expK[i] = (fastK[i - 2]! + fastK[i - 1]! + fastK[i]!) / 3;
    for (let i = 33; i < n; i++) expD[i] = (expK[i - 2]! + expK[i - 1]! + expK[i]!) / 3;
    // our k/d are valid from 14+14+3+3−3 = 31; the TA-Lib-derived expectation from 31 (k) / 33 (d)
    expect(compareSeries(k, expK).failures).toEqual([]);
    expect(compareSeries(d, expD).failures).toEqual([]);
    expect(createIndicator('stochrsi').warmup).toBe(31);
  });
});
