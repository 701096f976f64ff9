/**
 * Storage bench: prints ONE JSON object.
 *   npx tsx bench/storage.bench.ts            (10 M rows; < 3 min on a 2-core box)
 *   LIBRA_BENCH_SCALE=0.1 npx tsx bench/storage.bench.ts   (smaller, for CI)
 *
 * - ingest: trades through the Recorder into DuckDB (JS objects → appender → keyed insert)
 * - ilp: rows/s of the QuestDB ILP writer (LIBRA's own, src/main/storage/questdb/ilp-writer.ts) against the loopback receiver
 * - asof: 100 k signals × 10 M trades; resample: 1-minute bars from 10 M trades
 * - stream: 10 M bars read through scanBars, with RSS before/after/peak to show it stays flat
 * Large tables are generated inside DuckDB (INSERT … SELECT FROM range) — generating them
 * through JS would measure the generator.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TradeTick } from '../src/shared/messages/market-data';
import { DuckDbStore } from '../src/main/storage/duckdb/duckdb-store';
import { IlpWriter } from '../src/main/storage/questdb/ilp-writer';
import { startIlpReceiver } from '../src/main/storage/questdb/ilp-receiver';
import type { MarketDataEvent, MarketDataSource } from '../src/main/storage/recorder';
import { Recorder } from '../src/main/storage/recorder';

const scale = Number(process.env.LIBRA_BENCH_SCALE ?? '1');
const BIG = Math.round(10_000_000 * scale);
const INGEST = Math.round(2_000_000 * scale);
const ILP = Math.round(500_000 * scale);
const SIGNALS = Math.round(100_000 * Math.min(1, scale * 10));
const T0 = Date.UTC(2024, 0, 1);
const mb = (n: number): number => Math.round(n / 1048576);
const ms = (t: number): number => Math.round(performance.now() - t);

async function main(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'libra-bench-'));
  const out: Record<string, unknown> = { scale, cpus: (await import('node:os')).cpus().length };
  const store = new DuckDbStore({ dataDir: dir });
  await store.open();
  try {
    // ---- ingest through the recorder
    const ticks: TradeTick[] = new Array<TradeTick>(INGEST);
    for (let i = 0; i < INGEST; i++) {
      ticks[i] = { instrumentId: 'ETH/USDT@BINANCE', ts: T0 + Math.floor(i / 4), price: 2000 + (i % 97) * 0.01, size: 0.5, tradeId: String(1_000_000 + i), side: i % 2 ? 'BUY' : 'SELL' };
    }
    let handler: ((ev: MarketDataEvent) => void) | undefined;
    const source: MarketDataSource = { subscribe: (h) => ((handler = h), () => (handler = undefined)) };
    const rec = new Recorder(source, store, { maxBatch: 250_000, maxBuffered: INGEST * 2 });
    rec.start();
    let t = performance.now();
    let handlerMs = 0;
    for (let i = 0; i < INGEST; i += 50_000) {
      // emit in bursts and yield, like a feed does, so timers and writes interleave
      const h0 = performance.now();
      for (let j = i; j < Math.min(INGEST, i + 50_000); j++) handler?.({ kind: 'trade', data: ticks[j]! });
      handlerMs += performance.now() - h0;
      await new Promise<void>((r) => setImmediate(r));
    }
    await rec.stop();
    const ingestMs = ms(t);
    out.ingest = { rows: INGEST, ms: ingestMs, rowsPerSec: Math.round((INGEST / ingestMs) * 1000), handlerNsPerEvent: Math.round((handlerMs * 1e6) / INGEST), stats: rec.stats() };
    ticks.length = 0;

    // ---- ILP writer against the loopback receiver
    const rx = await startIlpReceiver({ keepRows: false });
    const ilp = await IlpWriter.connect(`http::addr=127.0.0.1:${rx.port};auto_flush_rows=100000;`);
    const batch: TradeTick[] = [];
    for (let i = 0; i < 100_000; i++) batch.push({ instrumentId: 'BTC/USDT@BINANCE', ts: T0 + i, price: 40_000 + (i % 100), size: 0.01, tradeId: String(i), side: 'BUY' });
    t = performance.now();
    for (let sent = 0; sent < ILP; sent += batch.length) await ilp.writeTrades('BINANCE', 'BTC/USDT', batch);
    const ilpMs = ms(t);
    await ilp.close();
    await rx.close();
    out.ilp = { rows: rx.stats().rows, ms: ilpMs, rowsPerSec: Math.round((rx.stats().rows / ilpMs) * 1000), requests: rx.stats().requests };

    // ---- 10 M trades generated in SQL: 50 ms apart on average, same-ms ties every 8th row
    const sid = await store.seriesId('BINANCE', 'BTC/USDT');
    t = performance.now();
    await store.query(`INSERT INTO trades SELECT ${sid}, ${T0} + (i * 50) - (CASE WHEN i % 8 = 1 THEN 50 ELSE 0 END), i, '',
        40000 + 100 * sin(i / 1000.0) + (hash(i) % 100) / 100.0, 0.001 + (hash(i * 7) % 1000) / 1000.0,
        CASE WHEN i % 2 = 0 THEN 1 ELSE -1 END FROM range(${BIG}) r(i)`);
    out.generateTradesMs = ms(t);

    // ---- ASOF: 100 k signals spread over the trades' time span
    const span = BIG * 50;
    const signals = Array.from({ length: SIGNALS }, (_, i) => ({ ts: T0 + Math.floor((i * span) / SIGNALS) + 17, symbol: 'BTC/USDT', venue: 'BINANCE' }));
    t = performance.now();
    let matched = 0;
    for await (const chunk of store.asofJoin({ signals, with: 'trades', chunkSize: 50_000 })) for (const r of chunk) if (r.match) matched++;
    out.asof = { signals: SIGNALS, trades: BIG, ms: ms(t), matched, targetMs: 1000 };

    // ---- 1-minute bars from 10 M trades
    t = performance.now();
    let nbars = 0;
    for await (const chunk of store.resampleTrades({ symbol: 'BTC/USDT', venue: 'BINANCE', timeframeMs: 60_000, from: T0 - 60_000, to: T0 + span + 60_000 })) nbars += chunk.length;
    out.resample = { trades: BIG, bars: nbars, ms: ms(t), targetMs: 500 };

    // ---- stream 10 M bars
    const bsid = await store.seriesId('BINANCE', 'SOL/USDT');
    t = performance.now();
    await store.query(`INSERT INTO bars SELECT ${bsid}, 60000, ${T0} + i * 60000, ${T0} + (i + 1) * 60000,
        100 + sin(i / 500.0), 101 + sin(i / 500.0), 99 + sin(i / 500.0), 100.5 + sin(i / 500.0), 10 + i % 7 FROM range(${BIG}) r(i)`);
    out.generateBarsMs = ms(t);
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    let count = 0;
    let lastOpen = -1;
    let ordered = true;
    t = performance.now();
    for await (const chunk of store.scanBars({ venue: 'BINANCE', symbol: 'SOL/USDT', timeframeMs: 60_000, chunkSize: 10_000 })) {
      for (const b of chunk) {
        if (b.openTime <= lastOpen) ordered = false;
        lastOpen = b.openTime;
      }
      count += chunk.length;
      if ((count & 0x3ffff) < chunk.length) peak = Math.max(peak, process.memoryUsage().rss);
    }
    const streamMs = ms(t);
    out.stream = {
      bars: count,
      ms: streamMs,
      barsPerSec: Math.round((count / streamMs) * 1000),
      ordered,
      rssBeforeMB: mb(rssBefore),
      rssPeakMB: mb(peak),
      rssAfterMB: mb(process.memoryUsage().rss),
      targetBarsPerSec: 1_000_000,
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

const t0 = performance.now();
const result = await main();
result.totalMs = ms(t0);
console.log(JSON.stringify(result));
