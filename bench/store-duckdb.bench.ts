/**
 * DuckDB store bench, each figure beside its target and, for ASOF, beside the bare SQL it wraps.
 * Prints ONE JSON object. Run: `npm run bench -- store-duckdb` (LIBRA_BENCH_SCALE=0.1 for a quick look).
 *
 * - ingest: trades through the Recorder into DuckDB (JS objects → typed columns → appender →
 *   keyed insert), rows/s against ≥ 2 M rows/s.
 * - asof: 100 k signals × 10 M trades (generated in SQL). `storeMs` = `store.asofJoin` to the last
 *   JS row object (tie-break by trade id included); `bareMs` = the bare DuckDB SQL beside it on the
 *   same file: the signals appended to a temp table and `sig ASOF LEFT JOIN trades` read to the
 *   last value, with no tie-break. Alternated store/bare, 3 runs each, medians; target ratio ≤ 1.2.
 * - stream: 10 M bars through `scanBars`, bars/s against ≥ 2 M bars/s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { TradeTick } from '../src/shared/messages/market-data';
import { DuckDbStore } from '../src/main/storage/duckdb/duckdb-store';
import { appendStaging, stagingDdl } from '../src/main/storage/duckdb/staging';
import type { MarketDataEvent, MarketDataSource } from '../src/main/storage/recorder';
import { Recorder } from '../src/main/storage/recorder';

const scale = Number(process.env['LIBRA_BENCH_SCALE'] ?? '1');
const BIG = Math.round(10_000_000 * scale);
const INGEST = Math.round(2_000_000 * scale);
const SIGNALS = Math.round(100_000 * Math.min(1, scale * 10));
const T0 = Date.UTC(2024, 0, 1);
const since = (t: number): number => Math.round(performance.now() - t);
const median = (v: readonly number[]): number => [...v].sort((a, b) => a - b)[v.length >> 1]!;

async function ingest(store: DuckDbStore): Promise<Record<string, unknown>> {
  const ticks = new Array<TradeTick>(INGEST);
  for (let i = 0; i < INGEST; i++) {
    ticks[i] = { instrumentId: 'ETH/USDT@BINANCE', ts: T0 + Math.floor(i / 4), price: 2000 + (i % 97) * 0.01, size: 0.5, tradeId: String(1_000_000 + i), side: i % 2 ? 'BUY' : 'SELL' };
  }
  let handler: ((ev: MarketDataEvent) => void) | undefined;
  const source: MarketDataSource = { subscribe: (h) => ((handler = h), () => (handler = undefined)) };
  const rec = new Recorder(source, store, { maxBatch: 250_000, maxBuffered: INGEST * 2 });
  rec.start();
  const t = performance.now();
  for (let i = 0; i < INGEST; i += 50_000) {
    // bursts with a yield between them, as a feed delivers, so flushes interleave with events
    for (let j = i; j < Math.min(INGEST, i + 50_000); j++) handler?.({ kind: 'trade', data: ticks[j]! });
    await new Promise<void>((r) => setImmediate(r));
  }
  await rec.stop();
  const ms = since(t);
  return { rows: INGEST, ms, rowsPerSec: Math.round((INGEST / ms) * 1000), targetRowsPerSec: 2_000_000 };
}

async function storeAsof(store: DuckDbStore, signals: readonly { ts: number; symbol: string; venue: string }[]): Promise<{ ms: number; matched: number }> {
  const t = performance.now();
  let matched = 0;
  for await (const chunk of store.asofJoin({ signals, with: 'trades', chunkSize: 50_000 })) for (const r of chunk) if (r.match) matched++;
  return { ms: since(t), matched };
}

async function bareAsof(path: string, sid: number, signals: readonly { ts: number }[]): Promise<{ ms: number; matched: number }> {
  const inst = await DuckDBInstance.create(path);
  const c = await inst.connect();
  try {
    const t = performance.now();
    const len = signals.length;
    const idx = new Float64Array(len);
    const sids = new Float64Array(len).fill(sid);
    const ts = new Float64Array(len);
    for (let i = 0; i < len; i++) {
      idx[i] = i;
      ts[i] = signals[i]!.ts;
    }
    await c.run(stagingDdl('sig_raw', ['idx', 'sid', 'ts']));
    await appendStaging(c, 'sig_raw', len, [idx, sids, ts]);
    const r = await c.stream(`SELECT s.idx, s.ts, t.ts::DOUBLE, t.price, t.size, t.trade_no::DOUBLE
      FROM (SELECT idx, sid::INTEGER AS sid, ts::BIGINT AS ts FROM sig_raw) s ASOF LEFT JOIN trades t ON s.sid = t.sid AND s.ts >= t.ts ORDER BY s.ts, s.idx`);
    let matched = 0;
    for (;;) {
      const chunk = await r.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const m = chunk.getColumns()[2]!;
      for (let i = 0; i < chunk.rowCount; i++) if (m[i] !== null) matched++;
    }
    return { ms: since(t), matched };
  } finally {
    c.closeSync();
    inst.closeSync();
  }
}

async function main(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'libra-bench-'));
  const path = join(dir, 'libra.duckdb');
  const out: Record<string, unknown> = { bench: 'store-duckdb', scale, cpus: (await import('node:os')).cpus().length };
  let store = new DuckDbStore({ dataDir: dir });
  await store.open();
  try {
    out['ingest'] = await ingest(store);

    // 10 M trades generated in SQL: 50 ms apart on average, same-ms ties every 8th row
    const sid = await store.seriesId('BINANCE', 'BTC/USDT');
    await store.query(`INSERT INTO trades SELECT ${sid}, ${T0} + (i * 50) - (CASE WHEN i % 8 = 1 THEN 50 ELSE 0 END), i, '',
        40000 + 100 * sin(i / 1000.0) + (hash(i) % 100) / 100.0, 0.001 + (hash(i * 7) % 1000) / 1000.0,
        CASE WHEN i % 2 = 0 THEN 1 ELSE -1 END FROM range(${BIG}) r(i)`);
    const span = BIG * 50;
    const signals = Array.from({ length: SIGNALS }, (_, i) => ({ ts: T0 + Math.floor((i * span) / SIGNALS) + 17, symbol: 'BTC/USDT', venue: 'BINANCE' }));
    const storeMs: number[] = [];
    const bareMs: number[] = [];
    let matched = 0;
    let bareMatched = 0;
    for (let r = 0; r < 3; r++) {
      const s = await storeAsof(store, signals);
      storeMs.push(s.ms);
      matched = s.matched;
      await store.close(); // the bare run opens the same file with its own instance
      const b = await bareAsof(path, sid, signals);
      bareMs.push(b.ms);
      bareMatched = b.matched;
      store = new DuckDbStore({ dataDir: dir });
      await store.open();
    }
    const sm = median(storeMs);
    const bm = median(bareMs);
    out['asof'] = { signals: SIGNALS, trades: BIG, storeMs: sm, bareMs: bm, ratio: Math.round((sm / bm) * 100) / 100, targetRatio: 1.2, storeRuns: storeMs, bareRuns: bareMs, matched, bareMatched };

    const bsid = await store.seriesId('BINANCE', 'SOL/USDT');
    await store.query(`INSERT INTO bars SELECT ${bsid}, 60000, ${T0} + i * 60000, ${T0} + (i + 1) * 60000,
        100 + sin(i / 500.0), 101 + sin(i / 500.0), 99 + sin(i / 500.0), 100.5 + sin(i / 500.0), 10 + i % 7 FROM range(${BIG}) r(i)`);
    let count = 0;
    const t = performance.now();
    for await (const chunk of store.scanBars({ venue: 'BINANCE', symbol: 'SOL/USDT', timeframeMs: 60_000, chunkSize: 10_000 })) count += chunk.length;
    const ms = since(t);
    out['stream'] = { bars: count, ms, barsPerSec: Math.round((count / ms) * 1000), targetBarsPerSec: 2_000_000 };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

console.log(JSON.stringify(await main()));
