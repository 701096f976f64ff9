/**
 * DuckDB and QuestDB side by side, same data, one run: prints ONE JSON object.
 *   npm run bench -- store-compare                         (1 M trades / 1 M bars: quick)
 *   LIBRA_BENCH_SCALE=1 npm run bench -- store-compare     (10 M trades / 10 M bars, 100 k signals)
 *   LIBRA_QUESTDB_URL=http://host:9000 …                   (an existing server instead of the jar)
 *
 * Each measure is taken through LIBRA's store API and beside a bare baseline, so the cost of the
 * API is visible (`storeOverBare`):
 * - ingest: trades (then bars) as JS objects, 100 k per call. DuckDB store `writeTrades` (keyed
 *   insert) vs a bare DuckDB appender into a plain table in another file; QuestDB store
 *   `writeTrades` (ILP/HTTP) vs the bare @questdb/nodejs-client Sender into a table with the same
 *   DDL (WAL, DEDUP). QuestDB's rate is given as sent and as applied (WAL applied: readable).
 * - asof: 100 k signals × N trades through `asofJoin` vs one bare ASOF JOIN SQL (signals already
 *   in a table) — DuckDB via its Node client; QuestDB via HTTP `/exec` and via the PostgreSQL wire
 *   protocol (`pg`), which decides the read transport (see README, Storage).
 * - resample: 1-minute bars from N trades: `resampleTrades` vs bare GROUP BY / SAMPLE BY SQL.
 * - scan: N bars through `scanBars` vs bare SQL reads in windows of ~1 M rows.
 * The QuestDB server is the official jar started by test/support/questdb-server.ts (Java 17).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { Sender } from '@questdb/nodejs-client';
import pg from 'pg';
import type { Bar, TradeTick } from '../src/shared/messages/market-data';
import { DuckDbStore } from '../src/main/storage/duckdb/duckdb-store';
import { QuestDbExec, qts } from '../src/main/storage/questdb/exec';
import { QuestDbStore } from '../src/main/storage/questdb/questdb-store';
import { tableDdl } from '../src/main/storage/questdb/schema';
import type { TimeSeriesStore } from '../src/main/storage/store';
import type { QuestDbServer } from '../test/support/questdb-server';
import { startQuestDb } from '../test/support/questdb-server';

const scale = Number(process.env.LIBRA_BENCH_SCALE ?? '0.1');
const N = Math.round(10_000_000 * scale);
const SIGNALS = Math.round(100_000 * Math.min(1, scale * 10));
const BATCH = 100_000;
const T0 = Date.UTC(2024, 0, 1);
const TF = 60_000;
const ID = 'BTC/USDT@BINANCE';
const BAR_ID = 'SOL/USDT@BINANCE';
const SPAN = N * 50;
const ms = (t: number): number => Math.max(1, Math.round(performance.now() - t));
const rate = (rows: number, took: number): number => Math.round((rows / took) * 1000);
const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;

/** Trade i: 50 ms apart, every 8th shares the previous trade's ms (ties ordered by id). */
function tradesChunk(from: number, n: number): TradeTick[] {
  const out = new Array<TradeTick>(n);
  for (let k = 0; k < n; k++) {
    const i = from + k;
    out[k] = { instrumentId: ID, ts: T0 + (i - (i % 8 === 1 ? 1 : 0)) * 50, price: 40_000 + 100 * Math.sin(i / 1000) + (i % 100) / 100, size: 0.001 + (i % 1000) / 1000, tradeId: String(i), side: i % 2 ? 'BUY' : 'SELL' };
  }
  return out;
}

function barsChunk(from: number, n: number): Bar[] {
  const out = new Array<Bar>(n);
  for (let k = 0; k < n; k++) {
    const i = from + k;
    const c = 100 + Math.sin(i / 500);
    out[k] = { instrumentId: BAR_ID, timeframeMs: TF, openTime: T0 + i * TF, ts: T0 + (i + 1) * TF, open: c, high: c + 1, low: c - 1, close: c + 0.5, volume: 10 + (i % 7) };
  }
  return out;
}

/** Feeds `total` rows in BATCH chunks to `write`, timing only the write calls. */
async function feed<T>(total: number, gen: (from: number, n: number) => T[], write: (rows: T[]) => Promise<unknown>): Promise<number> {
  let took = 0;
  for (let i = 0; i < total; i += BATCH) {
    const rows = gen(i, Math.min(BATCH, total - i));
    const t = performance.now();
    await write(rows);
    took += performance.now() - t;
  }
  return Math.max(1, Math.round(took));
}

async function drain<T>(it: AsyncIterable<T[]>): Promise<number> {
  let n = 0;
  for await (const c of it) n += c.length;
  return n;
}

const signals = (): { ts: number; symbol: string; venue: string }[] =>
  Array.from({ length: SIGNALS }, (_, i) => ({ ts: T0 + Math.floor((i * SPAN) / SIGNALS) + 17, symbol: 'BTC/USDT', venue: 'BINANCE' }));

async function storeMeasures(store: TimeSeriesStore, settle: () => Promise<void>): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const tw = await feed(N, tradesChunk, (r) => store.writeTrades('BINANCE', 'BTC/USDT', r));
  let t = performance.now();
  await settle();
  const applied = ms(t);
  out.ingestTradesRowsPerSec = rate(N, tw);
  out.ingestTradesAppliedRowsPerSec = rate(N, tw + applied);
  const bw = await feed(N, barsChunk, (r) => store.writeBars('BINANCE', 'SOL/USDT', TF, r));
  t = performance.now();
  await settle();
  out.ingestBarsRowsPerSec = rate(N, bw + ms(t));
  const sig = signals();
  t = performance.now();
  out.asofRows = await drain(store.asofJoin({ signals: sig, with: 'trades', chunkSize: 50_000 }));
  out.asofMs = ms(t);
  t = performance.now();
  out.resampleBars = await drain(store.resampleTrades({ venue: 'BINANCE', symbol: 'BTC/USDT', timeframeMs: TF, from: T0, to: T0 + SPAN + TF }));
  out.resampleMs = ms(t);
  t = performance.now();
  out.scanBars = await drain(store.scanBars({ venue: 'BINANCE', symbol: 'SOL/USDT', timeframeMs: TF, chunkSize: 10_000 }));
  out.scanMs = ms(t);
  return out;
}

async function duckdbBare(dir: string): Promise<Record<string, number>> {
  const inst = await DuckDBInstance.create(join(dir, 'bare.duckdb'));
  const c = await inst.connect();
  const out: Record<string, number> = {};
  try {
    await c.run('CREATE TABLE trades (sid INTEGER, ts BIGINT, trade_no BIGINT, trade_id VARCHAR, price DOUBLE, size DOUBLE, side TINYINT)');
    await c.run('CREATE TABLE bars (sid INTEGER, timeframe_ms BIGINT, open_time BIGINT, ts BIGINT, open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE, volume DOUBLE)');
    const ta = await c.createAppender('trades');
    out.ingestTradesRowsPerSec = rate(
      N,
      await feed(N, tradesChunk, async (rows) => {
        for (const r of rows) {
          ta.appendInteger(1);
          ta.appendBigInt(BigInt(r.ts));
          ta.appendBigInt(BigInt(r.tradeId));
          ta.appendVarchar('');
          ta.appendDouble(r.price);
          ta.appendDouble(r.size);
          ta.appendTinyInt(r.side === 'BUY' ? 1 : -1);
          ta.endRow();
        }
        ta.flushSync();
      }),
    );
    ta.closeSync();
    const ba = await c.createAppender('bars');
    out.ingestBarsRowsPerSec = rate(
      N,
      await feed(N, barsChunk, async (rows) => {
        for (const b of rows) {
          ba.appendInteger(2);
          ba.appendBigInt(BigInt(TF));
          ba.appendBigInt(BigInt(b.openTime));
          ba.appendBigInt(BigInt(b.ts));
          ba.appendDouble(b.open);
          ba.appendDouble(b.high);
          ba.appendDouble(b.low);
          ba.appendDouble(b.close);
          ba.appendDouble(b.volume);
          ba.endRow();
        }
        ba.flushSync();
      }),
    );
    ba.closeSync();
    await c.run(`CREATE TABLE sig AS SELECT 1 AS sid, ${T0} + (i * ${SPAN}) // ${SIGNALS} + 17 AS ts FROM range(${SIGNALS}) r(i)`);
    let t = performance.now();
    out.asofRows = (await (await c.run('SELECT s.ts, t.ts, t.price, t.size, t.trade_no FROM sig s ASOF LEFT JOIN trades t ON s.sid = t.sid AND s.ts >= t.ts ORDER BY s.ts')).getRows()).length;
    out.asofMs = ms(t);
    t = performance.now();
    out.resampleBars = (
      await (
        await c.run(`SELECT (ts // ${TF}) * ${TF} o, arg_min(price, (ts, trade_no)), max(price), min(price), arg_max(price, (ts, trade_no)), sum(size) FROM trades WHERE sid = 1 GROUP BY 1 ORDER BY 1`)
      ).getRows()
    ).length;
    out.resampleMs = ms(t);
    t = performance.now();
    let n = 0;
    const w = 1_000_000 * TF;
    for (let lo = T0; lo < T0 + N * TF; lo += w) {
      n += (await (await c.run(`SELECT open_time, open, high, low, close, volume FROM bars WHERE sid = 2 AND timeframe_ms = ${TF} AND open_time >= ${lo} AND open_time < ${lo + w} ORDER BY open_time`)).getRows()).length;
    }
    out.scanBars = n;
    out.scanMs = ms(t);
  } finally {
    c.closeSync();
    inst.closeSync();
  }
  return out;
}

async function questdbBare(url: string, pgPort: number): Promise<Record<string, unknown>> {
  const exec = new QuestDbExec(url);
  const p = 'bare_';
  for (const t of ['trades', 'bars', 'sig']) await exec.exec(`DROP TABLE IF EXISTS ${p}${t}`);
  // the store's current DDL (partition units of schema v4: trades by DAY, bars by MONTH)
  for (const sql of [tableDdl(p, 'trades'), tableDdl(p, 'bars')]) await exec.exec(sql);
  const u = new URL(url);
  const sender = await Sender.fromConfig(`http::addr=${u.hostname}:${u.port};auto_flush=off;init_buf_size=16777216;`);
  const out: Record<string, unknown> = {};
  const waitApplied = async (): Promise<void> => {
    for (;;) {
      const { dataset } = await exec.exec(`SELECT writerTxn, sequencerTxn FROM wal_tables() WHERE name IN ('${p}trades', '${p}bars')`);
      if (dataset.every((r) => Number(r[0]) >= Number(r[1]))) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const tw = await feed(N, tradesChunk, async (rows) => {
    for (const r of rows) {
      sender.table(`${p}trades`).symbol('venue', 'BINANCE').symbol('symbol', 'BTC/USDT').symbol('side', r.side ?? 'BUY');
      // the store's row: a canonical integer id in trade_no alone (trade_id NULL)
      sender.intColumn('trade_no', Number(r.tradeId)).floatColumn('price', r.price).floatColumn('size', r.size);
      void sender.at(r.ts, 'ms');
    }
    await sender.flush();
  });
  let t = performance.now();
  await waitApplied();
  out.ingestTradesRowsPerSec = rate(N, tw);
  out.ingestTradesAppliedRowsPerSec = rate(N, tw + ms(t));
  const bw = await feed(N, barsChunk, async (rows) => {
    for (const b of rows) {
      sender.table(`${p}bars`).symbol('venue', 'BINANCE').symbol('symbol', 'SOL/USDT');
      sender.intColumn('timeframe_ms', TF).timestampColumn('open_time', b.openTime, 'ms').floatColumn('open', b.open).floatColumn('high', b.high).floatColumn('low', b.low).floatColumn('close', b.close).floatColumn('volume', b.volume);
      void sender.at(b.ts, 'ms');
    }
    await sender.flush();
  });
  t = performance.now();
  await waitApplied();
  out.ingestBarsRowsPerSec = rate(N, bw + ms(t));
  await sender.close();
  await exec.exec(`CREATE TABLE ${p}sig AS (SELECT cast((${T0} + (x - 1) * ${SPAN} / ${SIGNALS} + 17) * 1000 AS TIMESTAMP) ts, cast('BINANCE' AS SYMBOL) venue, cast('BTC/USDT' AS SYMBOL) symbol FROM long_sequence(${SIGNALS})) TIMESTAMP(ts) PARTITION BY NONE BYPASS WAL`);
  const asofSql = `SELECT s.ts, m.ts, m.price, m.size, m.trade_no, m.trade_id FROM ${p}sig s ASOF JOIN (SELECT ts, venue, symbol, price, size, trade_no, trade_id FROM ${p}trades) m ON (venue, symbol)`;
  // the bare reads touch every value, as the store's row building does
  const touch = (rows: readonly (readonly unknown[])[]): number => {
    let v = 0;
    for (const r of rows) for (const c of r) if (c !== null) v++;
    return v > 0 ? rows.length : 0;
  };
  const resampleSql = `SELECT ts, first(price), max(price), min(price), last(price), sum(size) FROM ${p}trades WHERE venue = 'BINANCE' AND symbol = 'BTC/USDT' SAMPLE BY 1m ALIGN TO CALENDAR`;
  const w = 1_000_000 * TF;
  const windows: string[] = [];
  for (let lo = T0 + TF; lo < T0 + (N + 1) * TF; lo += w) {
    windows.push(`SELECT ts, open, high, low, close, volume FROM ${p}bars WHERE venue = 'BINANCE' AND symbol = 'SOL/USDT' AND timeframe_ms = ${TF} AND ts >= ${qts(lo)} AND ts < ${qts(lo + w)}`);
  }
  // HTTP /exec (JSON)
  const http: Record<string, number> = {};
  t = performance.now();
  http.asofRows = touch((await exec.exec(asofSql)).dataset);
  http.asofMs = ms(t);
  t = performance.now();
  http.resampleBars = touch((await exec.exec(resampleSql)).dataset);
  http.resampleMs = ms(t);
  t = performance.now();
  let n = 0;
  for (const sql of windows) n += touch((await exec.exec(sql)).dataset);
  http.scanBars = n;
  http.scanMs = ms(t);
  out.httpExec = http;
  // PostgreSQL wire (pg, rows as arrays)
  const client = new pg.Client({ host: u.hostname, port: pgPort, user: 'admin', password: 'quest', database: 'qdb' });
  await client.connect();
  const wire: Record<string, number> = {};
  try {
    const rows = async (sql: string): Promise<number> => touch((await client.query<unknown[]>({ text: sql, rowMode: 'array' })).rows);
    t = performance.now();
    wire.asofRows = await rows(asofSql);
    wire.asofMs = ms(t);
    t = performance.now();
    wire.resampleBars = await rows(resampleSql);
    wire.resampleMs = ms(t);
    t = performance.now();
    n = 0;
    for (const sql of windows) n += await rows(sql);
    wire.scanBars = n;
    wire.scanMs = ms(t);
  } finally {
    await client.end();
  }
  out.pgWire = wire;
  for (const t2 of ['trades', 'bars', 'sig']) await exec.exec(`DROP TABLE IF EXISTS ${p}${t2}`);
  return out;
}

/**
 * The as-of join through the store vs the bare ASOF SQL on the SAME trades table (signals already
 * in a table for the bare one), alternated 3× in one run: medians, so load swings hit both.
 */
async function questdbAsofAlternated(store: QuestDbStore, url: string): Promise<Record<string, unknown>> {
  const exec = new QuestDbExec(url);
  await exec.exec(`DROP TABLE IF EXISTS bench_sig_bare`);
  await exec.exec(`CREATE TABLE bench_sig_bare AS (SELECT cast((${T0} + (x - 1) * ${SPAN} / ${SIGNALS} + 17) * 1000 AS TIMESTAMP) ts, cast('BINANCE' AS SYMBOL) venue, cast('BTC/USDT' AS SYMBOL) symbol FROM long_sequence(${SIGNALS})) TIMESTAMP(ts) PARTITION BY NONE BYPASS WAL`);
  const sql = `SELECT s.ts, m.ts, m.price, m.size, m.trade_no, m.trade_id FROM bench_sig_bare s ASOF JOIN (SELECT ts, venue, symbol, price, size, trade_no, trade_id FROM bench_trades) m ON (venue, symbol)`;
  const sig = signals();
  const storeMs: number[] = [];
  const bareMs: number[] = [];
  try {
    for (let r = 0; r < 3; r++) {
      let t = performance.now();
      const a = await drain(store.asofJoin({ signals: sig, with: 'trades', chunkSize: 50_000 }));
      storeMs.push(ms(t));
      t = performance.now();
      let v = 0;
      for (const row of (await exec.exec(sql)).dataset) for (const c of row) if (c !== null) v++;
      bareMs.push(ms(t));
      if (a !== SIGNALS || v === 0) throw new Error(`as-of A/B read ${a} rows through the store, ${v} values bare`);
    }
  } finally {
    await exec.exec(`DROP TABLE IF EXISTS bench_sig_bare`);
  }
  const med = (v: readonly number[]): number => [...v].sort((x, y) => x - y)[v.length >> 1]!;
  return { storeMs, bareMs, storeOverBare: ratio(med(storeMs), med(bareMs)), loadavg: loadavg().map((x) => Math.round(x * 10) / 10) };
}

function compare(store: Record<string, number>, bare: Record<string, number>): Record<string, number> {
  return {
    ingestTrades: ratio(bare.ingestTradesRowsPerSec ?? 0, store.ingestTradesRowsPerSec ?? 1),
    asof: ratio(store.asofMs ?? 0, bare.asofMs ?? 1),
    resample: ratio(store.resampleMs ?? 0, bare.resampleMs ?? 1),
    scan: ratio(store.scanMs ?? 0, bare.scanMs ?? 1),
  };
}

async function main(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'libra-bench-cmp-'));
  const out: Record<string, unknown> = { scale, trades: N, bars: N, signals: SIGNALS, cpus: cpus().length, loadavgAtStart: loadavg().map((x) => Math.round(x * 10) / 10) };
  let server: QuestDbServer | undefined;
  try {
    // ---- DuckDB
    const duck = new DuckDbStore({ dataDir: dir });
    await duck.open();
    let duckStore: Record<string, number>;
    try {
      duckStore = await storeMeasures(duck, async () => undefined);
    } finally {
      await duck.close();
    }
    const duckBare = await duckdbBare(dir);
    out.duckdb = { store: duckStore, bare: duckBare, storeOverBare: compare(duckStore, duckBare), targets: { ingestRowsPerSec: 2_000_000, asofStoreOverBare: 1.2 } };

    // ---- QuestDB
    const external = process.env.LIBRA_QUESTDB_URL;
    const pgPort = Number(process.env.LIBRA_QUESTDB_PG_PORT ?? '8812');
    server = external ? undefined : await startQuestDb();
    const url = external ?? server!.url;
    const q = new QuestDbStore({ url, tablePrefix: 'bench_' });
    await q.dropAll();
    await q.open();
    let qStore: Record<string, number>;
    let asofAB: Record<string, unknown>;
    try {
      qStore = await storeMeasures(q, () => q.waitApplied(600_000));
      asofAB = await questdbAsofAlternated(q, url);
    } finally {
      await q.close();
      await q.dropAll();
    }
    const qBare = await questdbBare(url, server?.pgPort ?? pgPort);
    const http = qBare.httpExec as Record<string, number>;
    out.questdb = {
      store: qStore,
      bare: qBare,
      asofAlternated: asofAB,
      storeOverBareHttp: compare(qStore, { ...http, ingestTradesRowsPerSec: qBare.ingestTradesRowsPerSec as number }),
      pgWireOverHttp: { asof: ratio((qBare.pgWire as Record<string, number>).asofMs!, http.asofMs!), resample: ratio((qBare.pgWire as Record<string, number>).resampleMs!, http.resampleMs!), scan: ratio((qBare.pgWire as Record<string, number>).scanMs!, http.scanMs!) },
      targets: { ingestRowsPerSec: 1_000_000, asofStoreOverBare: 1.2 },
    };
  } finally {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

const t0 = performance.now();
const result = await main();
result.totalMs = ms(t0);
result.loadavgAtEnd = loadavg().map((x) => Math.round(x * 10) / 10);
console.log(JSON.stringify(result));
