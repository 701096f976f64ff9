/**
 * DuckDB store: the shared contract, plus what only the embedded store promises — schema
 * versioning, durability across reopen and across a SIGKILL mid-write.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import type { Bar } from '../../../shared/messages/market-data';
import { collect, runStoreContract, trade } from '../contract';
import { LATEST_SCHEMA_VERSION } from '../migrations';
import { StoreVersionError } from '../store';
import { DuckDbStore } from './duckdb-store';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'libra-duck-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

runStoreContract('duckdb', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'libra-duck-'));
  // a small page makes the contract's large-scan test cross page boundaries
  const store = new DuckDbStore({ dataDir: dir, pageRows: 700 });
  return { store, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});

const T0 = Date.UTC(2024, 0, 1);

describe('duckdb store', () => {
  it('records the schema version and refuses a store from a newer LIBRA', async () => {
    const dir = tempDir();
    const store = new DuckDbStore({ dataDir: dir });
    await store.open();
    await store.close();
    const inst = await DuckDBInstance.create(join(dir, 'libra.duckdb'));
    const c = await inst.connect();
    const v = (await c.runAndReadAll('SELECT max(version) FROM schema_version')).getRows()[0]?.[0];
    expect(v).toBe(LATEST_SCHEMA_VERSION);
    await c.run(`INSERT INTO schema_version VALUES (7, 'future', 0)`);
    c.closeSync();
    inst.closeSync();
    const again = new DuckDbStore({ dataDir: dir });
    await expect(again.open()).rejects.toThrow(StoreVersionError);
    await expect(again.open()).rejects.toThrow(
      `store at ${join(dir, 'libra.duckdb')} has schema version 7, this LIBRA understands up to ${LATEST_SCHEMA_VERSION} — upgrade LIBRA`,
    );
  });

  it('resamples with the same-ms tie-break on every key path: packed BIGINT, HUGEINT (wide id span), string ids', async () => {
    const M = 60_000;
    const cases: [string, string, string][] = [
      ['packed', '2', '3'],
      ['hugeint', '90000000000000', '90000000000001'],
      ['strings', 'a-2', 'a-3'],
    ];
    for (const [name, lo, hi] of cases) {
      const store = new DuckDbStore({ dataDir: tempDir() });
      await store.open();
      // same ms at the open and at the close of the bar, written high id first
      await store.writeTrades('BINANCE', 'BTC/USDT', [trade(T0 + 10, 101, hi), trade(T0 + 10, 100, lo), trade(T0 + 59_999, 99, hi), trade(T0 + 59_999, 103, lo)]);
      if (name === 'hugeint') await store.writeTrades('BINANCE', 'BTC/USDT', [trade(T0 + 20, 102, '1')]);
      const bars = await collect(store.resampleTrades({ symbol: 'BTC/USDT', timeframeMs: M, from: T0, to: T0 + M }));
      expect([name, bars[0]?.open, bars[0]?.close]).toEqual([name, 100, 99]);
      await store.close();
    }
  });

  it('scans in key order whether rows were appended in order (read without ORDER BY) or not (sorted again)', async () => {
    const store = new DuckDbStore({ dataDir: tempDir(), pageRows: 300 });
    await store.open();
    try {
      const M = 60_000;
      const bar = (i: number): Bar => ({ instrumentId: 'BTC/USDT@BINANCE', timeframeMs: M, openTime: T0 + i * M, ts: T0 + (i + 1) * M, open: i, high: i + 1, low: i - 1, close: i, volume: 1 });
      // odd minutes first, then even ones, then a tail appended in order
      await store.writeBars('BINANCE', 'BTC/USDT', M, Array.from({ length: 1000 }, (_, i) => bar(2 * i + 1)));
      await store.writeBars('BINANCE', 'BTC/USDT', M, Array.from({ length: 1000 }, (_, i) => bar(2 * i)));
      await store.writeBars('BINANCE', 'BTC/USDT', M, Array.from({ length: 2000 }, (_, i) => bar(2000 + i)));
      const bars = await collect(store.scanBars({ symbol: 'BTC/USDT', timeframeMs: M, chunkSize: 128 }));
      expect(bars.map((b) => b.open)).toEqual(Array.from({ length: 4000 }, (_, i) => i));
      // trades: same-ms numeric ids arriving interleaved over two batches, a string id (stored as trade_no
      // -1: first at its ms) among them, then an in-order tail
      await store.writeTrades('BINANCE', 'ETH/USDT', Array.from({ length: 500 }, (_, i) => trade(T0 + Math.floor(i / 5), 1, String(10 + (i % 5) * 2), 'ETH/USDT@BINANCE')));
      await store.writeTrades('BINANCE', 'ETH/USDT', Array.from({ length: 500 }, (_, i) => trade(T0 + Math.floor(i / 5), 1, String(11 + (i % 5) * 2), 'ETH/USDT@BINANCE')));
      await store.writeTrades('BINANCE', 'ETH/USDT', [trade(T0 + 50, 1, 'x-1', 'ETH/USDT@BINANCE')]);
      await store.writeTrades('BINANCE', 'ETH/USDT', Array.from({ length: 1000 }, (_, i) => trade(T0 + 100 + i, 1, String(i), 'ETH/USDT@BINANCE')));
      const got = (await collect(store.scanTrades({ symbol: 'ETH/USDT' }))).map((t) => `${t.ts - T0}:${t.tradeId}`);
      const want = [
        ...Array.from({ length: 1000 }, (_, i) => `${Math.floor(i / 10)}:${10 + (i % 10)}`),
        '50:x-1',
        ...Array.from({ length: 1000 }, (_, i) => `${100 + i}:${i}`),
      ].sort((a, b) => {
        const [ta, ia] = a.split(':') as [string, string];
        const [tb, ib] = b.split(':') as [string, string];
        return Number(ta) - Number(tb) || (ia.startsWith('x') ? -1 : ib.startsWith('x') ? 1 : Number(ia) - Number(ib));
      });
      expect(got).toEqual(want);
    } finally {
      await store.close();
    }
  });

  it('keeps data and idempotency across close and reopen', async () => {
    const dir = tempDir();
    const a = new DuckDbStore({ dataDir: dir });
    await a.open();
    await a.writeTrades('BINANCE', 'BTC/USDT', [trade(T0, 1, '1'), trade(T0 + 1, 2, '2')]);
    await a.close();
    await a.close();
    const b = new DuckDbStore({ dataDir: dir });
    await b.open();
    expect(await b.writeTrades('BINANCE', 'BTC/USDT', [trade(T0 + 1, 2, '2'), trade(T0 + 2, 3, '3')])).toEqual({ inserted: 1, ignored: 1 });
    expect((await collect(b.scanTrades({ symbol: 'BTC/USDT' }))).length).toBe(3);
    await b.close();
  });

  it('keeps every committed batch, and no partial batch, when the writer is SIGKILLed mid-write', async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./crash-child.ts', import.meta.url)), dir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let committed = 0;
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code) => reject(new Error(`child exited early (${code}) after ${committed} batches`)));
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const lines = out.split('\n');
        out = lines.pop() ?? '';
        for (const l of lines) if (l.startsWith('committed ')) committed = Number(l.slice(10));
        // kill while the next batch is in flight
        if (committed >= 5) {
          child.removeAllListeners('exit');
          child.kill('SIGKILL');
          child.on('exit', () => resolve());
        }
      });
    });
    const store = new DuckDbStore({ dataDir: dir });
    await store.open();
    const series = await store.listSeries();
    const rows = series.find((s) => s.kind === 'trades')?.rows ?? 0;
    const batch = 20_000;
    expect(rows % batch).toBe(0);
    expect(rows / batch).toBeGreaterThanOrEqual(committed);
    await store.close();
  }, 60_000);
});
