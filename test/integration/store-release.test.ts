/**
 * A backtest from the store that fails part way (the strategy throws) releases the store: its
 * scans are ended, the DuckDB file is closed, and the same process can open and write the store
 * again — for bars and for trades (two scans of one store). Real DuckDB files.
 */
import { mkdtempSync, readdirSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Kernel } from '../../src/main/kernel';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const BARS = resolve(ROOT, 'resources/sample-data/BTC-USD_coinbase_4h_2016-2025.csv');
const TRADES = resolve(ROOT, '../shared/data/freqtrade/XRP_ETH-trades.json.gz');
const THROWS = resolve(ROOT, 'test/fixtures/strategies/throws-at-50.ts');

/** Files under `dir` this process holds open (Linux: /proc/self/fd). */
function openFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(dir)) out.push(target);
    } catch {
      // closed while listing
    }
  }
  return out;
}

describe.skipIf(process.platform !== 'linux')('a failed store backtest releases the store', () => {
  it.each([
    ['bars', BARS, { symbol: 'BTC/USD', timeframeMs: 4 * 3_600_000 }],
    ['trades', TRADES, { symbol: 'XRP/ETH', timeframeMs: 60_000, kind: 'trades' as const }],
  ])('%s', async (_kind, file, feed) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'libra-release-'));
    const kernel = new Kernel({ dataDir });
    await kernel.importFile({ path: file, dataDir });
    await expect(kernel.backtestStore({ strategy: THROWS, cwd: ROOT, store: { ...feed, dataDir } })).rejects.toThrow('strategy broke at bar 50');
    expect(openFilesUnder(dataDir)).toEqual([]);
    // The same process opens the same store file again: it was closed.
    const again = await kernel.importFile({ path: file, dataDir });
    expect(again.inserted).toBe(0);
    const ok = await kernel.backtestStore({ strategy: 'sma-cross', cwd: ROOT, store: { ...feed, dataDir } });
    expect(ok.result.bars).toBeGreaterThan(100);
  }, 60_000);
});
