/**
 * freqtrade's HDF5 files as a user reaches them: `libra import` into the DuckDB store (candles
 * and trades, symbol from the file name), `libra data` listing them, `libra backtest --data`
 * on the .h5 file giving the same report as on its Feather copy, and a damaged file getting one
 * line naming the file, with none of the HDF5 library's own error stack on stderr.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const D = (p: string): string => resolve(ROOT, '../shared/data/freqtrade', p);
const haveData = existsSync(D('UNITTEST_BTC-5m.h5'));

const libra = async (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
  try {
    const r = await run(process.execPath, [join(ROOT, 'bin/libra.js'), ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 << 20 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
};

describe.skipIf(!haveData)('HDF5 through the CLI', () => {
  it('import candles and trades, list them, backtest the .h5 like its Feather copy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'libra-h5cli-'));
    const bars = await libra(['import', '--file', D('UNITTEST_BTC-5m.h5'), '--venue', 'BINANCE', '--data-dir', dir]);
    expect(bars.stderr).toBe('');
    expect(bars.stdout).toContain('imported UNITTEST/BTC 5m bars on BINANCE: 5760 new');
    const trades = await libra(['import', '--file', D('XRP_ETH-trades.h5'), '--trades', '--venue', 'BINANCE', '--data-dir', dir]);
    expect(trades.stderr).toBe('');
    expect(trades.stdout).toMatch(/XRP\/ETH.*12477 new|12 ?477 new/);
    const data = await libra(['data', '--data-dir', dir]);
    expect(data.stdout).toMatch(/BINANCE\s+UNITTEST\/BTC\s+bars 5m\s+2018-01-10T05:00:00Z\s+2018-01-30T04:55:00Z\s+5760/);
    expect(data.stdout).toMatch(/BINANCE\s+XRP\/ETH\s+trades/);

    const report = async (file: string): Promise<{ stats: unknown; trades: unknown }> => {
      const out = join(dir, `${file}.json`);
      const r = await libra(['backtest', '--strategy', 'sma-cross', '--data', D(file), '--json', out]);
      expect(r.code).toBe(0);
      return JSON.parse(readFileSync(out, 'utf8')) as { stats: unknown; trades: unknown };
    };
    const h5 = await report('UNITTEST_BTC-5m.h5');
    const feather = await report('UNITTEST_BTC-5m.feather');
    expect(h5.stats).toBeDefined();
    expect(h5.stats).toEqual(feather.stats);
    expect(h5.trades).toEqual(feather.trades);
  });

  it('a damaged file: one line naming it, exit code 2, nothing stored', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'libra-h5cli-'));
    const cut = join(dir, 'ETH_BTC-5m.h5');
    writeFileSync(cut, readFileSync(D('UNITTEST_BTC-5m.h5')).subarray(0, 20_000));
    const r = await libra(['import', '--file', cut, '--data-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('libra import: ETH_BTC-5m.h5: cannot read this HDF5 file (damaged or cut short)\n');
    const data = await libra(['data', '--data-dir', dir]);
    expect(data.stdout).not.toContain('ETH/BTC');
  });
});
