/**
 * Reference tests against Skender Stock.Indicators (spreadsheet-verified) on its `default.csv`
 * (SPY daily, 502 bars), for the indicators TA-Lib lacks (VWAP, Keltner, Donchian, SuperTrend,
 * Ichimoku) and as a second, independent data set for several TA-Lib-compatible ones.
 * Conventions are Skender's where they differ from others; each is documented in the
 * indicator's module. Tolerance: 1e-9 relative (1e-12 absolute near 0).
 */
import { describe, expect, it } from 'vitest';
import { batch } from './batch';
import { compareSeries, loadSkenderQuotes, loadSkenderResult } from './reference-data';

const quotes = loadSkenderQuotes();

function expectMatch(spec: string, column: number, result: string, field: string, expectedFirstValid?: number): void {
  const out = batch(spec, quotes)[column]!;
  const exp = loadSkenderResult(result, field);
  expect(exp.length).toBe(quotes.length);
  const cmp = compareSeries(out, exp);
  expect(cmp.failures, `${spec}[${column}] vs ${result}.${field}`).toEqual([]);
  expect(cmp.compared).toBeGreaterThan(400);
  expect(cmp.actualFirstValid).toBe(expectedFirstValid ?? cmp.firstValid);
}

describe('Skender Stock.Indicators reference (SPY daily default.csv)', () => {
  it('loads the 502 quotes', () => {
    expect(quotes.length).toBe(502);
  });

  it('matches Skender VWAP (cumulative from the first bar, typical price) on every bar', () => {
    expectMatch('vwap', 0, 'vwap', 'vwap');
  });

  it('matches Skender Keltner(20, 2, 10) upper, centre and lower bands after warm-up', () => {
    expectMatch('keltner:20:2:10', 0, 'keltner', 'upperBand');
    expectMatch('keltner:20:2:10', 1, 'keltner', 'centerline');
    expectMatch('keltner:20:2:10', 2, 'keltner', 'lowerBand');
  });

  it('matches Skender Donchian(20), the channel of the 20 bars before the current one', () => {
    expectMatch('donchian:20', 0, 'donchian', 'upperBand');
    expectMatch('donchian:20', 1, 'donchian', 'centerline');
    expectMatch('donchian:20', 2, 'donchian', 'lowerBand');
  });

  it('matches Skender SuperTrend(10, 3) value and direction after warm-up', () => {
    expectMatch('supertrend:10:3', 0, 'supertrend', 'superTrend');
    const [, dir] = batch('supertrend:10:3', quotes) as [Float64Array, Float64Array];
    const upper = loadSkenderResult('supertrend', 'upperBand');
    const lower = loadSkenderResult('supertrend', 'lowerBand');
    for (let i = 10; i < quotes.length; i++) {
      // Skender reports the active band only: upperBand set ⇔ downtrend
      const expectedDir = upper[i] === upper[i] ? -1 : lower[i] === lower[i] ? 1 : NaN;
      expect(dir[i], `direction #${i}`).toBe(expectedDir);
    }
    expect(Number.isNaN(dir[9])).toBe(true);
  });

  it('matches Skender Ichimoku(9, 26, 52) tenkan, kijun and both leading spans, each from its own first index', () => {
    expectMatch('ichimoku:9:26:52', 0, 'ichimoku', 'tenkanSen', 8);
    expectMatch('ichimoku:9:26:52', 1, 'ichimoku', 'kijunSen', 25);
    expectMatch('ichimoku:9:26:52', 2, 'ichimoku', 'senkouSpanA', 51);
    expectMatch('ichimoku:9:26:52', 3, 'ichimoku', 'senkouSpanB', 77);
  });

  it("emits Ichimoku's chikou at bar t as the close that Skender plots at t − 26", () => {
    const chikou = batch('ichimoku:9:26:52', quotes)[4]!;
    const exp = loadSkenderResult('ichimoku', 'chikouSpan');
    for (let t = 26; t < quotes.length; t++) expect(chikou[t], `#${t}`).toBe(exp[t - 26]);
  });

  it('agrees with Skender on SMA, EMA, RSI, ATR, MFI, CCI, Williams %R and Bollinger on a second data set', () => {
    expectMatch('sma:20', 0, 'sma', 'sma');
    expectMatch('ema:20', 0, 'ema', 'ema');
    expectMatch('rsi:14', 0, 'rsi', 'rsi');
    expectMatch('atr:14', 0, 'atr', 'atr');
    expectMatch('mfi:14', 0, 'mfi', 'mfi');
    expectMatch('cci:20', 0, 'cci', 'cci');
    expectMatch('willr:14', 0, 'willr', 'williamsR');
    expectMatch('bb:20:2', 0, 'bb', 'upperBand');
    expectMatch('bb:20:2', 1, 'bb', 'sma');
    expectMatch('bb:20:2', 2, 'bb', 'lowerBand');
  });

  it('agrees with Skender Stoch(14,3,3) and StochRSI(14,14,1,3) from the TA-Lib-aligned first index', () => {
    // Skender emits %K two bars earlier than TA-Lib (which aligns %K with %D); values are equal.
    const [k, d] = batch('stoch:14:3:3', quotes) as [Float64Array, Float64Array];
    const ek = loadSkenderResult('stoch', 'k').map((v, i) => (i < 17 ? NaN : v));
    expect(compareSeries(k, ek).failures).toEqual([]);
    expect(compareSeries(d, loadSkenderResult('stoch', 'd')).failures).toEqual([]);
    const [sk, sd] = batch('stochrsi:14:14:1:3', quotes) as [Float64Array, Float64Array];
    const esk = loadSkenderResult('stoch-rsi', 'stochRsi').map((v, i) => (i < 29 ? NaN : v));
    expect(compareSeries(sk, esk).failures).toEqual([]);
    expect(compareSeries(sd, loadSkenderResult('stoch-rsi', 'signal')).failures).toEqual([]);
  });

  it('differs from Skender OBV only by the first volume (TA-Lib starts OBV at it, Skender at 0)', () => {
    const obv = batch('obv', quotes)[0]!;
    const exp = loadSkenderResult('obv', 'obv');
    const first = quotes[0]!.volume;
    const shifted = obv.map((v) => v - first);
    expect(compareSeries(shifted, exp).failures).toEqual([]);
  });
});
