/**
 * Registry tests: spec parsing, defaults, column naming and error messages for the CLI.
 */
import { describe, expect, it } from 'vitest';
import { KNOWN_INDICATORS, createIndicator, listIndicators } from './registry';

describe('createIndicator', () => {
  it('names the columns <name>_<params> with .<output> suffixes for multi-output indicators', () => {
    const cases: [string, string[]][] = [
      ['sma:20', ['sma_20']],
      ['ema:20', ['ema_20']],
      ['wma:20', ['wma_20']],
      ['dema:20', ['dema_20']],
      ['tema:20', ['tema_20']],
      ['rsi:14', ['rsi_14']],
      ['macd:12:26:9', ['macd_12_26_9.macd', 'macd_12_26_9.signal', 'macd_12_26_9.hist']],
      ['bb:20:2', ['bb_20_2.upper', 'bb_20_2.middle', 'bb_20_2.lower']],
      ['stoch:14:3:3', ['stoch_14_3_3.k', 'stoch_14_3_3.d']],
      ['stochrsi:14:14:3:3', ['stochrsi_14_14_3_3.k', 'stochrsi_14_14_3_3.d']],
      ['adx:14', ['adx_14']],
      ['dmi:14', ['dmi_14.plus', 'dmi_14.minus']],
      ['willr:14', ['willr_14']],
      ['obv', ['obv']],
      ['psar:0.02:0.2', ['psar_0.02_0.2']],
      ['ichimoku:9:26:52', ['ichimoku_9_26_52.tenkan', 'ichimoku_9_26_52.kijun', 'ichimoku_9_26_52.senkouA', 'ichimoku_9_26_52.senkouB', 'ichimoku_9_26_52.chikou']],
      ['supertrend:10:3', ['supertrend_10_3.value', 'supertrend_10_3.direction']],
      ['keltner:20:2:10', ['keltner_20_2_10.upper', 'keltner_20_2_10.middle', 'keltner_20_2_10.lower']],
      ['donchian:20', ['donchian_20.upper', 'donchian_20.middle', 'donchian_20.lower']],
      ['vwap', ['vwap']],
      ['vwap:1440', ['vwap_1440']],
      ['mfi:14', ['mfi_14']],
      ['cci:20', ['cci_20']],
      ['roc:10', ['roc_10']],
      ['mom:10', ['mom_10']],
      ['natr:14', ['natr_14']],
      ['atr:14', ['atr_14']],
    ];
    for (const [spec, cols] of cases) expect(createIndicator(spec).columns, spec).toEqual(cols);
  });

  it('fills omitted or empty parameters with the defaults and shows them in the column names', () => {
    expect(createIndicator('sma').columns).toEqual(['sma_20']);
    expect(createIndicator('rsi').columns).toEqual(['rsi_14']);
    expect(createIndicator('macd').spec).toBe('macd:12:26:9');
    expect(createIndicator('macd:8').spec).toBe('macd:8:26:9');
    expect(createIndicator('macd::30').spec).toBe('macd:12:30:9');
    expect(createIndicator('bb').columns[0]).toBe('bb_20_2.upper');
    expect(createIndicator('psar').columns).toEqual(['psar_0.02_0.2']);
    expect(createIndicator('ichimoku').spec).toBe('ichimoku:9:26:52');
    expect(createIndicator(' SMA:50 ').columns).toEqual(['sma_50']);
    expect(createIndicator('bb:20:2.5').columns[1]).toBe('bb_20_2.5.middle');
  });

  it('knows every indicator of the issue and describes each for CLI help', () => {
    for (const n of ['sma', 'ema', 'wma', 'dema', 'tema', 'rsi', 'macd', 'bb', 'atr', 'natr', 'stoch', 'stochrsi', 'adx', 'dmi', 'cci', 'roc', 'mom', 'willr', 'obv', 'mfi', 'vwap', 'keltner', 'donchian', 'supertrend', 'psar', 'ichimoku']) {
      expect(KNOWN_INDICATORS).toContain(n);
    }
    const info = listIndicators();
    expect(info.map((i) => i.name)).toEqual([...KNOWN_INDICATORS]);
    expect(info.find((i) => i.name === 'macd')?.params.map((p) => p.default)).toEqual([12, 26, 9]);
  });

  it('rejects an unknown name listing the known ones and suggesting the closest', () => {
    expect(() => createIndicator('smaa')).toThrow(/^unknown indicator "smaa" \(known: sma, ema, .*\); did you mean "sma"\?$/);
    expect(() => createIndicator('foo:3')).toThrow(/^unknown indicator "foo" \(known: sma, ema/);
    expect(() => createIndicator('')).toThrow(/empty indicator spec/);
  });

  it('rejects malformed parameters with the parameter name and the offending text', () => {
    expect(() => createIndicator('sma:x')).toThrow('sma period must be an integer ≥ 1, got "x"');
    expect(() => createIndicator('sma:0')).toThrow('sma period must be an integer ≥ 1, got "0"');
    expect(() => createIndicator('sma:2.5')).toThrow('sma period must be an integer ≥ 1, got "2.5"');
    expect(() => createIndicator('rsi:-3')).toThrow('rsi period must be an integer ≥ 1, got "-3"');
    expect(() => createIndicator('bb:20:-1')).toThrow('bb multiplier must be a number > 0, got "-1"');
    expect(() => createIndicator('bb:20:abc')).toThrow('bb multiplier must be a number > 0, got "abc"');
    expect(() => createIndicator('macd:12:26:0')).toThrow('macd signal period must be an integer ≥ 1, got "0"');
    expect(() => createIndicator('vwap:-5')).toThrow('vwap session minutes must be an integer ≥ 0, got "-5"');
  });

  it('rejects extra parameters and inconsistent ones', () => {
    expect(() => createIndicator('sma:20:3')).toThrow('sma takes at most 1 parameter (period), got 2 in "sma:20:3"');
    expect(() => createIndicator('obv:3')).toThrow('obv takes no parameters, got "obv:3"');
    expect(() => createIndicator('macd:26:12')).toThrow('macd fast period (26) must not exceed slow period (12)');
    expect(() => createIndicator('psar:0.3:0.2')).toThrow('psar acceleration must be ≤ maximum, got 0.3 > 0.2');
  });

  it('returns a handle whose values() has one entry per column, null during warm-up', () => {
    const h = createIndicator('macd:3:5:2');
    const row = new Float64Array(4);
    for (let i = 0; i < 10; i++) {
      h.update({ high: 11 + i, low: 9 + i, close: 10 + i });
      const vals = h.values();
      expect(vals).toHaveLength(3);
      h.writeInto(row, 1);
      if (i < h.warmup) {
        expect(vals).toEqual([null, null, null]);
        expect(Number.isNaN(row[1])).toBe(true);
      } else {
        expect(vals.every((v) => typeof v === 'number')).toBe(true);
        expect(row[1]).toBe(vals[0]);
      }
    }
    expect(h.warmup).toBe(5);
  });
});
