/**
 * One measured run of trades through QuestDbStore (encoding included), for A/B between commits
 * (bench/ab/questdb-ab.sh bundles this file at each side). Same rows as bench/questdb-ingest.bench.ts.
 */
import { QuestDbStore } from '../../src/main/storage/questdb/questdb-store';
import { mainThreadCpuMs } from './thread-cpu';
import { tradesChunk } from '../questdb-trades';



/** Writes `n` trades in calls of `batch` rows, waits until applied; wall, JS-thread CPU and server CPU (`serverCpuMs`) of the writes only. */
export async function run(url: string, prefix: string, n: number, serverCpuMs: () => number = () => 0, batch = 100_000): Promise<{ wallMs: number; cpuMs: number; serverMs: number }> {
  const store = new QuestDbStore({ url, tablePrefix: prefix });
  await store.open();
  let wallMs = 0;
  let cpuMs = 0;
  let serverMs = 0;
  try {
    const s0 = serverCpuMs();
    for (let i = 0; i < n; i += batch) {
      const rows = tradesChunk(i, Math.min(batch, n - i));
      const c = mainThreadCpuMs();
      const t = performance.now();
      await store.writeTrades('BINANCE', 'BTC/USDT', rows);
      wallMs += performance.now() - t;
      cpuMs += mainThreadCpuMs() - c;
    }
    const t = performance.now();
    await store.waitApplied(600_000);
    wallMs += performance.now() - t;
    serverMs = serverCpuMs() - s0;
  } finally {
    await store.close();
    await store.dropAll();
  }
  return { wallMs, cpuMs, serverMs };
}
