/**
 * `libra indicators` as a user runs it, on the TA-Lib reference file: one row per bar, the
 * documented column names, empty cells during warm-up, values equal to TA-Lib's.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const REF = resolve(ROOT, '../shared/data/talib_reference/talib_ETH_BTC-5m_binance_2018-01.csv');

function table(text: string): { header: string[]; rows: string[][] } {
  const [head = '', ...lines] = text.trim().split('\n');
  return { header: head.split(','), rows: lines.map((l) => l.split(',')) };
}

describe('libra indicators', () => {
  it('writes one row per bar with named columns equal to TA-Lib after warm-up', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'libra-ind-')), 'ind.csv');
    await run('node', [join(ROOT, 'bin/libra.js'), 'indicators', '--data', REF, '--ind', 'sma:20', '--ind', 'rsi:14', '--ind', 'macd:12:26:9', '--ind', 'bb:20:2', '--ind', 'willr:14', '--ind', 'obv', '--out', out], { cwd: ROOT });
    const mine = table(readFileSync(out, 'utf8'));
    const ref = table(readFileSync(REF, 'utf8'));
    expect(mine.header).toEqual(['time', 'sma_20', 'rsi_14', 'macd_12_26_9.macd', 'macd_12_26_9.signal', 'macd_12_26_9.hist', 'bb_20_2.upper', 'bb_20_2.middle', 'bb_20_2.lower', 'willr_14', 'obv']);
    expect(mine.rows.length).toBe(ref.rows.length);
    const pairs: [string, string][] = [
      ['sma_20', 'SMA_20'],
      ['rsi_14', 'RSI_14'],
      ['macd_12_26_9.macd', 'MACD_12_26_9.MACD'],
      ['macd_12_26_9.hist', 'MACD_12_26_9.MACDHist'],
      ['bb_20_2.upper', 'BBANDS_20_2_2.RealUpperBand'],
      ['willr_14', 'WILLR_14'],
      ['obv', 'OBV'],
    ];
    for (const [col, refCol] of pairs) {
      const a = mine.header.indexOf(col);
      const b = ref.header.indexOf(refCol);
      let compared = 0;
      mine.rows.forEach((row, i) => {
        const expected = ref.rows[i]?.[b] ?? '';
        const got = row[a] ?? '';
        expect(got === '', `${col} row ${i}: empty iff TA-Lib is empty`).toBe(expected === '');
        if (expected === '') return;
        const e = Number(expected);
        expect(Math.abs(Number(got) - e), `${col} row ${i}`).toBeLessThanOrEqual(1e-9 * Math.max(1e-3, Math.abs(e)));
        compared++;
      });
      expect(compared).toBeGreaterThan(5000);
    }
    expect(mine.rows[0]?.[0]).toBe(ref.rows[0]?.[0]);
  });
});
