/**
 * Scan profile for `scanBars`: N bars generated in SQL, then streamed through the store,
 * reporting wall ms, this process's CPU ms (all threads) and, with LIBRA_PROFILE=file, a V8
 * profile of the scan only. Run: node --import tsx bench/ab/duckdb-scan.ts [bars]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbStore } from '../../src/main/storage/duckdb/duckdb-store';
import { mainThreadCpuMs } from './thread-cpu';

const N = Number(process.argv[2] ?? '2000000');
const T0 = Date.UTC(2024, 0, 1);

async function main(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'libra-scan-'));
  const store = new DuckDbStore({ dataDir: dir });
  await store.open();
  try {
    const sid = await store.seriesId('BINANCE', 'SOL/USDT');
    await store.query(`INSERT INTO bars SELECT ${sid}, 60000, ${T0} + i * 60000, ${T0} + (i + 1) * 60000,
        100 + sin(i / 500.0), 101 + sin(i / 500.0), 99 + sin(i / 500.0), 100.5 + sin(i / 500.0), 10 + i % 7 FROM range(${N}) r(i)`);
    const file = process.env['LIBRA_PROFILE'];
    const s = new Session();
    if (file) {
      s.connect();
      await s.post('Profiler.enable');
      await s.post('Profiler.start');
    }
    const c0 = process.cpuUsage();
    const j0 = mainThreadCpuMs();
    const t = performance.now();
    let count = 0;
    let sum = 0;
    for await (const chunk of store.scanBars({ venue: 'BINANCE', symbol: 'SOL/USDT', timeframeMs: 60_000, chunkSize: 10_000 })) {
      count += chunk.length;
      sum += chunk[chunk.length - 1]!.close;
    }
    const ms = performance.now() - t;
    const cpu = process.cpuUsage(c0);
    const jsMs = mainThreadCpuMs() - j0;
    if (file) {
      const { profile } = await s.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      s.disconnect();
    }
    return { bars: count, sum: Math.round(sum), wallMs: Math.round(ms), barsPerSec: Math.round((count / ms) * 1000), cpuMs: Math.round((cpu.user + cpu.system) / 1000), jsThreadCpuMs: jsMs, load: readFileSync('/proc/loadavg', 'utf8').trim() };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(JSON.stringify(await main()));
