/**
 * Order intents over Redis on loopback (a real redis-server started here, stopped by PID):
 *  - latency: one intent at a time, XADD on one connection → delivered by the cluster's
 *    GroupReader (XREADGROUP BLOCK, JSON + zod decode, XACK) on another, p50/p99;
 *  - beside it, the bare client: XADD → XREADGROUP BLOCK → XACK with no decode, same run;
 *  - throughput: 50 000 intents pipelined, until the GroupReader has handled them all.
 * Producer and consumer share this process (two connections), so the figures include one event
 * loop doing both: not yet the cross-process bench the issue asks for.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { GroupReader } from '../src/main/cluster/group-reader';
import { encode } from '../src/main/cluster/messages';
import type { ClusterMessage } from '../src/main/cluster/messages';

const SAMPLES = 2_000;
const BULK = 50_000;

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? res(a.port) : rej(new Error('no port'))));
    });
  });
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return Number((s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN).toFixed(3));
};

function intent(i: number): ClusterMessage {
  return { v: 1, id: `s1.L1-${i}`, kind: 'order.submit', node: 's1', ts: performance.now(), body: { clientOrderId: `s1.L1-${i}`, strategyId: 'bench#1', instrumentId: 'BTC/USDT@BINANCE', side: 'BUY', type: 'MARKET', quantityRaw: 100, timeInForce: 'IOC', postOnly: false, reduceOnly: false } };
}

const port = await freePort();
const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', mkdtempSync(join(tmpdir(), 'libra-bench-redis-')), '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise<void>((res) => server.stdout.on('data', (d: Buffer) => (/Ready to accept/.test(d.toString()) ? res() : undefined)));
const url = `redis://127.0.0.1:${port}`;
const producer = new Redis(url);
const reader = new Redis(url);
const bare = new Redis(url);

try {
  // ---- the cluster's path
  let waiting: ((ms: number) => void) | undefined;
  let handled = 0;
  const gr = new GroupReader({ redis: reader, stream: 'b:intents', group: 'execution', consumer: 'x1', claimIdleMs: 60_000, warn: () => undefined, handle: (m) => {
    handled++;
    waiting?.(performance.now() - m.ts);
  } });
  await gr.start();
  const lat: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const done = new Promise<number>((r) => (waiting = r));
    await producer.xadd('b:intents', '*', 'm', encode(intent(i)));
    lat.push(await done);
  }
  waiting = undefined;
  handled = 0;
  const t0 = performance.now();
  const pipe = producer.pipeline();
  for (let i = 0; i < BULK; i++) pipe.xadd('b:intents', '*', 'm', encode(intent(i)));
  await pipe.exec();
  while (handled < BULK) await new Promise((r) => setTimeout(r, 5));
  const bulkMs = performance.now() - t0;
  await gr.stop();

  // ---- the bare client, same run
  await bare.xgroup('CREATE', 'b:bare', 'g', '0', 'MKSTREAM');
  const bareLat: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const t = performance.now();
    const read = bare.xreadgroup('GROUP', 'g', 'c', 'COUNT', 100, 'BLOCK', 1000, 'STREAMS', 'b:bare', '>') as Promise<[string, [string, string[]][]][] | null>;
    await producer.xadd('b:bare', '*', 'm', 'x');
    const r = await read;
    const id = r?.[0]?.[1][0]?.[0];
    if (id) await bare.xack('b:bare', 'g', id);
    bareLat.push(performance.now() - t);
  }

  console.log(
    JSON.stringify({
      intentDeliverMs: { p50: pct(lat, 0.5), p99: pct(lat, 0.99), samples: SAMPLES },
      bareXaddXreadgroupMs: { p50: pct(bareLat, 0.5), p99: pct(bareLat, 0.99), samples: SAMPLES },
      intentsPerSecond: Math.round(BULK / (bulkMs / 1000)),
      note: 'producer and consumer in one process on two connections; loopback redis-server',
    }),
  );
} finally {
  producer.disconnect();
  reader.disconnect();
  bare.disconnect();
  server.kill('SIGTERM');
}
