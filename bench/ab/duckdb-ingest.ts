/**
 * Ingest profile for the recorder → DuckDB path: N trades through the Recorder into a fresh
 * store, reporting wall ms, this process's CPU ms (user+sys, all threads: DuckDB's too) and the
 * JS thread's share via `--cpu-prof` if asked. Run:
 *   node --import tsx bench/ab/duckdb-ingest.ts [rows]
 * Prints one JSON line.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TradeTick } from '../../src/shared/messages/market-data';
import { DuckDbStore } from '../../src/main/storage/duckdb/duckdb-store';
import type { MarketDataEvent, MarketDataSource } from '../../src/main/storage/recorder';
import { Recorder } from '../../src/main/storage/recorder';
import { mainThreadCpuMs } from './thread-cpu';

/** Starts the V8 profiler over the measured window only; the returned function writes it to `file`. */
async function startProfile(): Promise<(file: string) => Promise<void>> {
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync } = await import('node:fs');
  const s = new Session();
  s.connect();
  await s.post('Profiler.enable');
  await s.post('Profiler.setSamplingInterval', { interval: 200 });
  await s.post('Profiler.start');
  return async (file) => {
    const { profile } = await s.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    s.disconnect();
  };
}

const N = Number(process.argv[2] ?? '2000000');
const T0 = Date.UTC(2024, 0, 1);

async function main(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'libra-ingest-'));
  const config = process.env['LIBRA_DUCKDB_CONFIG'];
  const store = new DuckDbStore({ dataDir: dir, ...(config ? { duckdb: JSON.parse(config) as Record<string, string> } : {}) });
  await store.open();
  try {
    const ticks = new Array<TradeTick>(N);
    for (let i = 0; i < N; i++) {
      ticks[i] = { instrumentId: 'ETH/USDT@BINANCE', ts: T0 + Math.floor(i / 4), price: 2000 + (i % 97) * 0.01, size: 0.5, tradeId: String(1_000_000 + i), side: i % 2 ? 'BUY' : 'SELL' };
    }
    let handler: ((ev: MarketDataEvent) => void) | undefined;
    const source: MarketDataSource = { subscribe: (h) => ((handler = h), () => (handler = undefined)) };
    const rec = new Recorder(source, store, { maxBatch: 250_000, maxBuffered: N * 2 });
    rec.start();
    const prof = process.env['LIBRA_PROFILE'] ? await startProfile() : undefined;
    const c0 = process.cpuUsage();
    const j0 = mainThreadCpuMs();
    const t = performance.now();
    for (let i = 0; i < N; i += 50_000) {
      for (let j = i; j < Math.min(N, i + 50_000); j++) handler?.({ kind: 'trade', data: ticks[j]! });
      await new Promise<void>((r) => setImmediate(r));
    }
    await rec.stop();
    const ms = performance.now() - t;
    const cpu = process.cpuUsage(c0);
    const jsMs = mainThreadCpuMs() - j0;
    if (prof) await prof(process.env['LIBRA_PROFILE']!);
    const s = rec.stats();
    return { rows: N, written: s.written, wallMs: Math.round(ms), rowsPerSec: Math.round((N / ms) * 1000), cpuMs: Math.round((cpu.user + cpu.system) / 1000), jsThreadCpuMs: jsMs, load: readFileSync('/proc/loadavg', 'utf8').trim() };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(JSON.stringify(await main()));
