/**
 * Bar files at another timeframe than their own, and files listed newest first, as a user
 * backtests them: coarser bars built from the file's (checked against an independent daily
 * file of the same Coinbase market), a finer timeframe refused (it would stamp each bar as
 * closed before its end), and a newest-first file read in reverse.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readAllBars } from '../../src/main/backtest/data';
import { openFileFeed } from '../../src/main/backtest/file-backtest';
import type { Bar } from '../../src/shared/messages/market-data';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const SAMPLE = join(ROOT, 'resources/sample-data/BTC-USD_coinbase_4h_2016-2025.csv');
const DAILY = resolve(ROOT, '../shared/data/ta4j/examples_resources/Coinbase-BTC-USD-PT1D-20230616_20231020.json');
const DAY = 86_400_000;
const run = promisify(execFile);
const cli = (args: string[]) =>
  run('node', [join(ROOT, 'bin/libra.js'), ...args], { cwd: ROOT }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

async function feedBars(path: string, timeframeMs?: number): Promise<{ bars: Bar[]; notes: readonly string[]; timeframeMs: number }> {
  const source = await openFileFeed(path, { hints: 'flags', ...(timeframeMs ? { timeframeMs } : {}) });
  const bars: Bar[] = [];
  if (source.feed.kind !== 'bar') throw new Error('expected bars');
  for await (const chunk of source.feed.chunks) bars.push(...chunk);
  return { bars, notes: source.notes, timeframeMs: source.timeframeMs };
}

describe('bar files at another timeframe', () => {
  it("builds 1d bars from the 4h sample that equal Coinbase's own daily candles (ta4j's file, listed newest first)", async () => {
    const { bars, notes, timeframeMs } = await feedBars(SAMPLE, DAY);
    expect(timeframeMs).toBe(DAY);
    expect(notes).toContain("1d bars built from the file's 4h bars (each released when its last 4h bar has closed)");
    expect(bars.every((b, i) => b.ts === b.openTime + DAY && (i === 0 || b.openTime > (bars[i - 1] as Bar).openTime))).toBe(true);
    // The daily file is newest first; its last nine days (from 2023-10-12, round numbers) are not Coinbase's.
    const daily = (await readAllBars(DAILY, { instrumentId: 'X' })).filter((d) => d.openTime < Date.UTC(2023, 9, 12));
    expect(daily).toHaveLength(118);
    const byOpen = new Map(bars.map((b) => [b.openTime, b]));
    for (const d of daily) {
      const b = byOpen.get(d.openTime);
      expect([b?.open, b?.high, b?.low, b?.close]).toEqual([d.open, d.high, d.low, d.close]);
      expect(b?.volume).toBeCloseTo(d.volume, 6);
    }
  });

  it('refuses a finer timeframe (look-ahead) and one that does not divide a day, naming the flag', async () => {
    await expect(openFileFeed(SAMPLE, { hints: 'flags', timeframeMs: 3_600_000 })).rejects.toThrow(
      "BTC-USD_coinbase_4h_2016-2025.csv: --timeframe 1h is finer than the file's 4h bars: each would be stamped as closed 1h after its open, before it was known; give 4h (or omit it), or a coarser timeframe to build bars from these",
    );
    await expect(openFileFeed(SAMPLE, { hints: 'flags', timeframeMs: 7 * 3_600_000 })).rejects.toThrow("cannot build 7h bars from the file's 4h bars: --timeframe must be a whole multiple of 4h that divides a day");
  });

  it('reads a newest-first CSV in reverse, and names the line where a file turns back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'libra-desc-'));
    const [header, ...rows] = readFileSync(SAMPLE, 'utf8').trim().split('\n');
    const desc = join(dir, 'BTC-USD_desc.csv');
    writeFileSync(desc, [header, ...rows.toReversed()].join('\n') + '\n');
    expect(await readAllBars(desc, { instrumentId: 'X' })).toEqual(await readAllBars(SAMPLE, { instrumentId: 'X' }));
    const mixed = join(dir, 'BTC-USD_mixed.csv');
    writeFileSync(mixed, [header, rows[2], rows[1], rows[3], rows[4]].join('\n') + '\n');
    await expect(readAllBars(mixed, { instrumentId: 'X' })).rejects.toThrow(/BTC-USD_mixed\.csv line 4: time 2016-05-18 16:00:00 is not before the previous line's 2016-05-18 08:00:00: the file lists bars newest first until line 3, then turns back \(sort it by time\)/);
  });

  it('libra import stores the coarser bars asked for, and refuses a finer timeframe with exit code 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'libra-tf-import-'));
    const daily = await cli(['import', '--file', SAMPLE, '--timeframe', '1d', '--data-dir', dir]);
    expect(daily.stdout).toMatch(/imported BTC\/USD 1d bars on COINBASE: 3451 new/);
    const data = JSON.parse((await cli(['data', '--json', '--data-dir', dir])).stdout) as { timeframeMs: number; rows: number }[];
    expect(data).toEqual([expect.objectContaining({ timeframeMs: DAY, rows: 3451 })]);
    const finer = await cli(['import', '--file', SAMPLE, '--timeframe', '1h', '--data-dir', dir]);
    expect(finer.code).toBe(2);
    expect(finer.stderr).toMatch(/--timeframe 1h is finer than the file's 4h bars/);
  });
});
