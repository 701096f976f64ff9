/**
 * A/B of the QuestDB store's trade ingest between two bundles of bench/ab/questdb-store-run.ts,
 * alternated on ONE real server (A B, B A, …) so both see the same load:
 *   node --import tsx bench/ab/questdb-ab.ts <old.mjs> <new.mjs> [rounds=6] [rows=1000000]
 * Prints one JSON line: per round rows/s wall, JS-thread µs CPU per row and server µs CPU per row.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { startQuestDb } from '../../test/support/questdb-server';

type Run = (url: string, prefix: string, n: number, serverCpuMs?: () => number) => Promise<{ wallMs: number; cpuMs: number; serverMs: number }>;
const [a, b, roundsArg, rowsArg] = process.argv.slice(2);
const rounds = Number(roundsArg ?? 6);
const N = Number(rowsArg ?? 1_000_000);
const A = (await import(a!)) as { run: Run };
const B = (await import(b!)) as { run: Run };
const cpuMs = (pid: number): number => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};
const server = await startQuestDb();
const load = (): number => Math.round(loadavg()[0]! * 10) / 10;
const out: Record<string, unknown>[] = [];
let k = 0;
const one = async (name: string, r: Run): Promise<Record<string, unknown>> => {
  const { wallMs, cpuMs: c, serverMs } = await r(server.url, `ab${k++}_`, N, () => cpuMs(server.pid()));
  return { side: name, rowsPerSec: Math.round((N / wallMs) * 1000), nodeCpuUsPerRow: Math.round((c * 1000 * 100) / N) / 100, serverCpuUsPerRow: Math.round((serverMs * 1000 * 100) / N) / 100, load: load() };
};
try {
  await A.run(server.url, 'warm_a_', 300_000);
  await B.run(server.url, 'warm_b_', 300_000);
  for (let i = 0; i < rounds; i++) {
    const pair = i % 2 === 0 ? [await one('old', A.run), await one('new', B.run)] : [await one('new', B.run), await one('old', A.run)];
    out.push(...pair);
  }
} finally {
  await server.stop();
}
const med = (side: string, key: string): number => {
  const v = out.filter((r) => r.side === side).map((r) => r[key] as number).sort((x, y) => x - y);
  return v[Math.floor(v.length / 2)]!;
};
const summary = Object.fromEntries(['old', 'new'].map((s) => [s, { rowsPerSec: med(s, 'rowsPerSec'), nodeCpuUsPerRow: med(s, 'nodeCpuUsPerRow'), serverCpuUsPerRow: med(s, 'serverCpuUsPerRow') }]));
console.log(JSON.stringify({ rows: N, rounds, summary, runs: out }));
