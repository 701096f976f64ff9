/**
 * The store commands against a real QuestDB server (test/support/questdb-server.ts), as a user
 * runs them: `--store questdb --questdb-url URL` on import, data, query (ASOF and SQL) and
 * backtest, with the same answers as the DuckDB store gives for the same file, and bad store
 * flags refused with exit code 2 and one line naming the flag. Fails under CI when Java/Maven
 * are missing (never skips silently there).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { questdbUnavailable, startQuestDb } from '../support/questdb-server';

const unavailable = await questdbUnavailable();
if (unavailable && process.env.CI === 'true') throw new Error(`QuestDB CLI tests cannot run under CI: ${unavailable}`);
const server = unavailable ? undefined : await startQuestDb();
afterAll(async () => {
  await server?.stop();
});

const run = promisify(execFile);
const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const ETH_BTC = resolve(ROOT, '../shared/data/freqtrade/original_json_until_2023-07/ETH_BTC-5m.json');
const cli = (args: string[]) =>
  run('node', [join(ROOT, 'bin/libra.js'), ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

// each CLI call is a fresh node process (seconds on a loaded 2-core machine): generous timeouts
const SLOW = 240_000;

describe.skipIf(!server)('libra import / data / query / backtest with --store questdb', () => {
  const dir = mkdtempSync(join(tmpdir(), 'libra-qdb-cli-'));
  const q = (): string[] => ['--store', 'questdb', '--questdb-url', server?.url ?? ''];

  it('imports a real file into QuestDB (twice: no duplicates) and lists it', async () => {
    const first = await cli(['import', '--file', ETH_BTC, '--venue', 'BINANCE', ...q()]);
    expect(first.stderr).not.toMatch(/Error/);
    expect(first.stdout).toMatch(/imported ETH\/BTC 5m bars on BINANCE: 5760 written \(deduplicated by the server\)/);
    const again = await cli(['import', '--file', ETH_BTC, '--venue', 'BINANCE', '--questdb-url', server?.url ?? '']);
    expect(again.code).toBe(0);
    const data = await cli(['data', '--json', ...q()]);
    const series = JSON.parse(data.stdout) as unknown[];
    // the same listing as the DuckDB store gives for the same file
    const duck = join(dir, 'duck');
    await cli(['import', '--file', ETH_BTC, '--venue', 'BINANCE', '--data-dir', duck]);
    expect(series).toEqual(JSON.parse((await cli(['data', '--json', '--data-dir', duck])).stdout));
    expect(series).toEqual([expect.objectContaining({ venue: 'BINANCE', symbol: 'ETH/BTC', kind: 'bars', timeframeMs: 300_000, first: Date.parse('2018-01-10T05:00:00Z'), rows: 5760 })]);
  }, SLOW);

  it('gives the same backtest report from QuestDB as from the file', async () => {
    const a = join(dir, 'file.json');
    const b = join(dir, 'questdb.json');
    await cli(['backtest', '--data', ETH_BTC, '--venue', 'BINANCE', '--strategy', 'sma-cross', '--capital', '1', '--quiet', '--json', a]);
    const r = await cli(['backtest', '--symbol', 'ETH/BTC', '--timeframe', '5m', '--strategy', 'sma-cross', '--capital', '1', '--quiet', '--json', b, ...q()]);
    expect(r.stderr).toBe('');
    expect(JSON.parse(readFileSync(b, 'utf8'))).toEqual(JSON.parse(readFileSync(a, 'utf8')));
  }, SLOW);

  it('answers ASOF queries with the last bar closed at the signal time, and QuestDB SQL', async () => {
    const sig = join(dir, 'signals.csv');
    writeFileSync(sig, 'ts,symbol\n2018-01-15T12:07:00Z,ETH/BTC\n');
    const r = await cli(['query', '--signals', sig, '--with', 'bars', '--timeframe', '5m', '--json', ...q()]);
    const row = JSON.parse(r.stdout.trim()) as { match: { openTime: number; ts: number } };
    expect(row.match.ts).toBe(Date.parse('2018-01-15T12:05:00Z'));
    expect(row.match.openTime).toBe(Date.parse('2018-01-15T12:00:00Z'));
    const sql = await cli(['query', '--sql', "SELECT count() n, min(ts) first FROM bars WHERE symbol = 'ETH/BTC'", '--json', ...q()]);
    expect(JSON.parse(sql.stdout.trim())).toEqual({ n: 5760, first: '2018-01-10T05:00:00.000000Z' });
  }, SLOW);

  it('refuses bad store flags with exit code 2 and one line naming the flag', async () => {
    const cases: [string[], RegExp][] = [
      [['data', '--store', 'postgres'], /--store must be duckdb or questdb, got "postgres"/],
      [['data', '--store', 'questdb'], /--store questdb needs --questdb-url URL/],
      [['data', '--questdb-url', 'localhost:9000'], /--questdb-url: expected an http\(s\):\/\/host:port URL/],
      [['data', '--store', 'duckdb', '--questdb-url', 'http://127.0.0.1:9000'], /--questdb-url needs --store questdb/],
      [['data', '--data-dir', dir, '--questdb-url', 'http://127.0.0.1:9000'], /--data-dir is the DuckDB store folder/],
    ];
    for (const [args, msg] of cases) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(msg);
    }
  }, SLOW);
});
