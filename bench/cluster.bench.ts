/**
 * The cluster over Redis on loopback, CROSS-PROCESS (a real redis-server started here, stopped by
 * PID; the producer is a child process of this bench, the consumer is this process). Prints ONE
 * JSON object. Run: node bin/bench.js cluster (LIBRA_BENCH_ONLY=md or =intent: that part only)
 *
 * 1. Market data at 50 000 msg/s for MD_SECONDS: the child's bus → MarketDataPublisher (what one
 *    flush holds as one entry of up to 100 messages, pipelined XADD MAXLEN ~) →
 *    MarketDataSubscriber here (XREAD BLOCK, JSON + the hand-written check of every message) →
 *    delivered; publish→deliver p50/p99/max, the rate sustained, drops and gaps.
 * 2. Beside it, alternately, same rate, the bare client: pipelined XADD of a timestamp padded to
 *    a trade entry's size → XREADGROUP BLOCK COUNT 500 + XACK, no decode; and `redis-benchmark`
 *    XADD (if installed).
 * 3. An order intent from a strategy process to the venue's wire: the child XADDs an intent
 *    (RemoteExecutionClient's encoding) → here the ExecutionBridge (GroupReader, hand-written
 *    check) → the ExecutionEngine (risk gate) → LIBRA's Binance request encoder (LIBRA's HMAC
 *    signer installed, as the kernel does) → the loopback Binance simulator's HTTP server (its
 *    onRequest hook), the simulator in a process of its own and, for comparison, in this one.
 *    Sequential: the next intent once the last one reached the wire.
 * 4. Serialization of a market data entry and an intent: JSON vs MessagePack (msgpackr), encode +
 *    decode (+ the zod check both need), per second, and bytes.
 *
 * Clocks: `performance.timeOrigin + performance.now()` in both processes (the same machine's wall
 * clock at µs resolution).
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { MarketDataPublisher, MarketDataSubscriber, decodeMd, decodeMdWithSchema, encodeMd } from '../src/main/cluster/market-data';
import { ExecutionBridge } from '../src/main/cluster/execution-bridge';
import { decode, decodeWithSchema, encode, messageSchema } from '../src/main/cluster/messages';
import type { ClusterMessage } from '../src/main/cluster/messages';
import { MessageBus } from '../src/main/engine/bus/message-bus';
import { Topics } from '../src/main/engine/bus/topics';
import { createTsRiskGate } from '../src/main/engine/risk/ts-risk-gate';
import { createHmacSigner } from '../src/main/native/index';
import { installNativeSigning } from '../src/main/native/ccxt-signing';
import type { CcxtSignable } from '../src/main/native/ccxt-signing';
import { attachCcxtVenue, buildLiveCore, systemTimeSource } from '../src/main/venues/ccxt/build';
import type { CcxtExecutionClient } from '../src/main/venues/ccxt/ccxt-execution-client';
import { TokenBucket } from '../src/main/venues/ccxt/rate-limiter';
import { streamReadyWaiter } from '../src/main/venues/ccxt/venues';
import type { TradeTick } from '../src/shared/messages/market-data';
import { DEFAULT_SECRET, makeCcxtClient, startBinanceSim } from '../test/sim/binance';
import type { BinanceSim } from '../test/sim/binance';

const RATE = 50_000;
const MD_SECONDS = 3;
const ROUNDS = 2;
const WARMUP_MS = 500;
const INTENTS = 500;
const INTENT_WARMUP = 50;
const TARGETS = { ratePerSecond: 50_000, mdP99Ms: 2, intentP99Ms: 5 };

/** The bare client's entries carry as many bytes as a trade entry of LIBRA's (~200): the same work for Redis and the reply parser. */
const BARE_PAD = 'x'.repeat(182);
const wall = (): number => performance.timeOrigin + performance.now();
const trade = (i: number): TradeTick => ({ instrumentId: 'BTC/USDT@BINANCE', ts: 1_700_000_000_000 + i, price: 30_000 + (i % 100) / 100, size: 0.012, side: i % 2 ? 'BUY' : 'SELL', tradeId: String(100_000_000 + i) });
function intentMsg(i: number, ts: number): ClusterMessage {
  return { v: 1, id: `s1.L1-${i}`, kind: 'order.submit', node: 's1', ts, body: { clientOrderId: `s1.L1-${i}`, strategyId: 'bench#1', instrumentId: 'BTC/USDT@BINANCE', side: 'BUY', type: 'LIMIT', quantityRaw: 100, priceRaw: 3_000_000, timeInForce: 'IOC', postOnly: false, reduceOnly: false } };
}

/**
 * Offers RATE msg/s for `seconds`: each timer tick (~1 ms) publishes what is due by then, as a
 * venue's socket delivers frames in bursts. A timer, not a setImmediate spin: a spinning producer
 * would take a whole core of the two from the reader and Redis and measure that instead.
 */
async function pace(seconds: number, each: (i: number) => void, flushTick?: () => void): Promise<{ n: number; cpuUs: number }> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let n = 0;
  for (;;) {
    const el = performance.now() - t0;
    if (el >= seconds * 1000) break;
    const due = Math.floor((el * RATE) / 1000);
    while (n < due) each(n++);
    flushTick?.();
    await new Promise((r) => setTimeout(r, 1));
  }
  const c = process.cpuUsage(c0);
  return { n, cpuUs: c.user + c.system };
}

// ---------------------------------------------------------------- child (the producer process)
async function child(mode: string, url: string, stream = 'b:intents'): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  if (mode === 'md') {
    const bus = new MessageBus();
    const pub = new MarketDataPublisher({ redis, prefix: 'b', node: 'd1', now: wall, warn: (l) => process.stderr.write(`${l}\n`) });
    pub.attach(bus);
    const topic = Topics.trades('BTC/USDT@BINANCE');
    const { n, cpuUs } = await pace(MD_SECONDS, (i) => bus.publish(topic, trade(i)));
    while (pub.sent + pub.dropped < n) await new Promise((r) => setTimeout(r, 5));
    process.stdout.write(`${JSON.stringify({ published: n, sent: pub.sent, dropped: pub.dropped, producerCpuUsPerMsg: Number((cpuUs / n).toFixed(2)) })}\n`);
  } else if (mode === 'bare') {
    let p = redis.pipeline();
    let queued = 0;
    const inFlight: Promise<unknown>[] = [];
    const { n, cpuUs } = await pace(
      MD_SECONDS,
      () => {
        p.xadd('b:bare', 'MAXLEN', '~', 100_000, '*', 'm', `${wall()} ${BARE_PAD}`);
        queued++;
      },
      () => {
        if (queued === 0) return;
        inFlight.push(p.exec());
        p = redis.pipeline();
        queued = 0;
      },
    );
    inFlight.push(p.exec());
    await Promise.all(inFlight);
    process.stdout.write(`${JSON.stringify({ published: n, producerCpuUsPerMsg: Number((cpuUs / n).toFixed(2)) })}\n`);
  } else if (mode === 'sim') {
    // The venue in a process of its own (as a venue is: elsewhere): the execution process's CPU is then LIBRA's alone.
    const sim = await startBinanceSim({ historyMinutes: 10 });
    sim.onRequest((r) => {
      if (r.method === 'POST' && r.path === '/api/v3/order') process.stdout.write(`w ${wall()}\n`);
    });
    process.stdout.write(`urls ${JSON.stringify(sim.ccxtUrls)}\n`);
    const lines = createInterface({ input: process.stdin });
    for await (const line of lines) if (line === 'end') break;
    lines.close();
    process.stdin.destroy();
    process.stdout.write(`posts ${sim.requestsTo('POST', '/api/v3/order').length}\n`);
    await sim.close();
  } else if (mode === 'intent') {
    await redis.ping();
    process.stdout.write('ready\n');
    const lines = createInterface({ input: process.stdin });
    for await (const line of lines) {
      if (line === 'end') break;
      const i = Number(line);
      await redis.xadd(stream, '*', 'm', encode(intentMsg(i, wall())));
    }
    lines.close();
    process.stdin.destroy();
  }
  redis.disconnect();
}

// ---------------------------------------------------------------- parent
function stats(xs: number[]): { n: number; p50: number; p99: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number): number => Number((s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN).toFixed(3));
  return { n: s.length, p50: q(0.5), p99: q(0.99), max: Number((s.at(-1) ?? NaN).toFixed(3)) };
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? res(a.port) : rej(new Error('no port'))));
    });
  });
}

const self = fileURLToPath(import.meta.url);
function spawnChild(mode: string, url: string, stream?: string): { proc: ChildProcess; result: Promise<string>; ready: Promise<void> } {
  const proc = spawn(process.execPath, [...process.execArgv, self, 'child', mode, url, ...(stream ? [stream] : [])], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  let isReady: () => void = () => undefined;
  const ready = new Promise<void>((res) => (isReady = res));
  proc.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes('ready\n')) isReady();
  });
  const result = new Promise<string>((res) => proc.once('exit', () => res(out.trim())));
  return { proc, result, ready };
}

async function marketData(url: string): Promise<Record<string, unknown>> {
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  const lat: number[] = [];
  let first = 0;
  let last = 0;
  let got = 0;
  const sub = new MarketDataSubscriber({
    redis,
    prefix: 'b',
    now: wall,
    warn: (l) => process.stderr.write(`${l}\n`),
    deliver: (e) => {
      const t = wall();
      got++;
      if (first === 0) first = t;
      last = t;
      if (t - first > WARMUP_MS) lat.push(t - e.publishedAt);
    },
  });
  await sub.start();
  const c0 = process.cpuUsage();
  const c = spawnChild('md', url);
  const r = JSON.parse(await c.result) as { published: number; sent: number; dropped: number };
  const end = Date.now() + 5_000;
  while (got < r.sent && Date.now() < end) await new Promise((res) => setTimeout(res, 5));
  const cpu = process.cpuUsage(c0);
  await sub.stop();
  redis.disconnect();
  return { offeredPerSecond: RATE, seconds: MD_SECONDS, ...r, delivered: got, deliveredPerSecond: Math.round(got / ((last - first) / 1000)), gaps: sub.gaps, refused: sub.refused, consumerCpuUsPerMsg: Number(((cpu.user + cpu.system) / got).toFixed(2)), publishToDeliverMs: stats(lat) };
}

async function bare(url: string): Promise<Record<string, unknown>> {
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  await redis.del('b:bare');
  await redis.xgroup('CREATE', 'b:bare', 'g', '$', 'MKSTREAM');
  const lat: number[] = [];
  let got = 0;
  let first = 0;
  let last = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const r = (await redis.xreadgroup('GROUP', 'g', 'c', 'COUNT', 500, 'BLOCK', 200, 'STREAMS', 'b:bare', '>')) as [string, [string, string[]][]][] | null;
      const entries = r?.[0]?.[1] ?? [];
      if (entries.length === 0) continue;
      const t = wall();
      if (first === 0) first = t;
      last = t;
      for (const [, f] of entries) {
        got++;
        const v = f[1] ?? '';
        if (t - first > WARMUP_MS) lat.push(t - Number(v.slice(0, v.indexOf(' '))));
      }
      await redis.xack('b:bare', 'g', ...entries.map(([id]) => id));
    }
  })();
  const c0 = process.cpuUsage();
  const c = spawnChild('bare', url);
  const r = JSON.parse(await c.result) as { published: number };
  const end = Date.now() + 5_000;
  while (got < r.published && Date.now() < end) await new Promise((res) => setTimeout(res, 5));
  const cpu = process.cpuUsage(c0);
  running = false;
  await loop;
  redis.disconnect();
  return { offeredPerSecond: RATE, seconds: MD_SECONDS, ...r, delivered: got, deliveredPerSecond: Math.round(got / ((last - first) / 1000)), consumerCpuUsPerMsg: Number(((cpu.user + cpu.system) / got).toFixed(2)), publishToDeliverMs: stats(lat) };
}

function redisBenchmark(port: number): Record<string, unknown> {
  const which = spawnSync('redis-benchmark', ['--version'], { encoding: 'utf8' });
  if (which.status !== 0) return { skipped: 'redis-benchmark not installed' };
  const out: Record<string, unknown> = {};
  for (const [name, pipeline] of [['xaddPipeline1', '1'], ['xaddPipeline16', '16']] as const) {
    const r = spawnSync('redis-benchmark', ['-h', '127.0.0.1', '-p', String(port), '-n', '200000', '-c', '10', '-P', pipeline, '-q', 'XADD', 'b:rb', 'MAXLEN', '~', '100000', '*', 'm', 'x'], { encoding: 'utf8' });
    const line = r.stdout.split(/\r|\n/).filter((l) => /requests per second/.test(l)).pop() ?? '';
    const rps = /([\d.]+) requests per second/.exec(line)?.[1];
    const p50 = /p50=([\d.]+) msec/.exec(line)?.[1];
    out[name] = { requestsPerSecond: rps ? Number(rps) : null, p50Ms: p50 ? Number(p50) : null, clients: 10 };
  }
  return out;
}

/**
 * The floor of the intent's hops, bare: the same child, cue and XADD, read here by a plain
 * XREADGROUP BLOCK + XACK loop (no decode, no engine, no venue); the time the entry is read.
 */
async function intentBare(url: string): Promise<Record<string, unknown>> {
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  await redis.xgroup('CREATE', 'b:intents-bare', 'g', '$', 'MKSTREAM');
  let arrived: ((t: number) => void) | undefined;
  let running = true;
  const loop = (async () => {
    while (running) {
      const r = (await redis.xreadgroup('GROUP', 'g', 'c', 'COUNT', 100, 'BLOCK', 200, 'STREAMS', 'b:intents-bare', '>')) as [string, [string, string[]][]][] | null;
      const entries = r?.[0]?.[1] ?? [];
      if (entries.length === 0) continue;
      arrived?.(wall());
      await redis.xack('b:intents-bare', 'g', ...entries.map(([id]) => id));
    }
  })();
  const c = spawnChild('intent', url, 'b:intents-bare');
  await c.ready;
  const lat: number[] = [];
  let c0 = process.cpuUsage();
  for (let i = 1; i <= INTENTS + INTENT_WARMUP; i++) {
    if (i === INTENT_WARMUP + 1) c0 = process.cpuUsage();
    const got = new Promise<number>((res) => (arrived = res));
    const t0 = wall();
    c.proc.stdin?.write(`${i}\n`);
    const t1 = await got;
    if (i > INTENT_WARMUP) lat.push(t1 - t0);
  }
  const cpu = process.cpuUsage(c0);
  c.proc.stdin?.end('end\n');
  await c.result;
  running = false;
  await loop;
  redis.disconnect();
  return { path: 'the same cue → child XADD → plain XREADGROUP here', intents: INTENTS, cpuUsPerIntent: Math.round((cpu.user + cpu.system) / INTENTS), cueToReadMs: stats(lat) };
}

/** The simulator, here or in a child process: its URLs, each order's arrival at its HTTP server (wall clock), its order count. */
interface Venue {
  readonly sim: BinanceSim;
  onOrder(f: (t: number) => void): void;
  posts(): Promise<number>;
  close(): Promise<void>;
}

async function venueHere(): Promise<Venue> {
  const sim = await startBinanceSim({ historyMinutes: 10 });
  return {
    sim,
    onOrder: (f) => void sim.onRequest((r) => (r.method === 'POST' && r.path === '/api/v3/order' ? f(wall()) : undefined)),
    posts: () => Promise.resolve(sim.requestsTo('POST', '/api/v3/order').length),
    close: () => sim.close(),
  };
}

async function venueInChild(url: string): Promise<Venue> {
  const proc = spawn(process.execPath, [...process.execArgv, self, 'child', 'sim', url], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: proc.stdout as NodeJS.ReadableStream });
  let onOrder: (t: number) => void = () => undefined;
  let posts: (n: number) => void = () => undefined;
  const counted = new Promise<number>((res) => (posts = res));
  const urls = await new Promise<BinanceSim['ccxtUrls']>((res, rej) => {
    proc.once('exit', (c) => rej(new Error(`simulator process exited (${c})`)));
    lines.on('line', (l) => {
      if (l.startsWith('w ')) onOrder(Number(l.slice(2)));
      else if (l.startsWith('urls ')) res(JSON.parse(l.slice(5)) as BinanceSim['ccxtUrls']);
      else if (l.startsWith('posts ')) posts(Number(l.slice(6)));
    });
  });
  const exited = new Promise<void>((res) => proc.once('exit', () => res()));
  return {
    // makeCcxtClient reads only the URLs.
    sim: { ccxtUrls: urls } as unknown as BinanceSim,
    onOrder: (f) => (onOrder = f),
    posts: () => {
      proc.stdin?.end('end\n');
      return counted;
    },
    close: () => exited,
  };
}

async function intentToWire(url: string, simInChild: boolean): Promise<Record<string, unknown>> {
  const venueSim = simInChild ? await venueInChild(url) : await venueHere();
  const sim = venueSim.sim;
  const time = systemTimeSource();
  const core = buildLiveCore({ time, risk: createTsRiskGate({ defaults: {}, referencePrice: 'last', maxOpenOrders: 1_000_000 }), accountCurrency: 'USDT', run: 1, idPrefix: 'x1.L' });
  const exec = makeCcxtClient(sim, { timeoutMs: 5000 });
  // As the kernel does for an HMAC key (its installSigning): LIBRA's signer on the exchange, which
  // is what lets attachCcxtVenue take LIBRA's Binance request encoder; without it every order
  // went through ccxt's createOrder, which no live session with an HMAC key runs.
  installNativeSigning(exec as unknown as CcxtSignable, { sha256: createHmacSigner('sha256', DEFAULT_SECRET, 'auto'), sha512: createHmacSigner('sha512', DEFAULT_SECRET, 'auto') });
  const venue = await attachCcxtVenue(core, {
    venue: 'BINANCE',
    exchange: exec,
    symbols: ['BTC/USDT'],
    mode: 'live',
    limiter: new TokenBucket({ capacity: 1e9, perSecond: 1e9 }, time),
    random: Math.random,
    waitStreamReady: streamReadyWaiter(exec, () => new Promise((r) => setTimeout(r, 200))),
    orderEncoder: true,
    log: (l) => process.stderr.write(`${l}\n`),
  });
  const client = venue.client as CcxtExecutionClient;
  while (client.currentStatus !== 'CONNECTED') await new Promise((r) => setTimeout(r, 10));
  const cmd = new Redis(url, { maxRetriesPerRequest: null });
  const reader = new Redis(url, { maxRetriesPerRequest: null });
  const bridge = new ExecutionBridge({ redis: cmd, reader, node: 'x1', prefix: 'b', claimIdleMs: 60_000, execution: core.execution, cache: core.cache, bus: core.bus, now: () => Date.now(), print: (l) => (/refused|not sent|failed|not placed|dropped/.test(l) ? process.stderr.write(`${l}\n`) : undefined) });
  let submittedAt = 0;
  core.execution.onOrderEvent((o) => {
    if (o.status === 'SUBMITTED') submittedAt = wall();
    if (o.status === 'DENIED' || o.status === 'REJECTED') process.stderr.write(`intent ${o.clientOrderId} ${o.status}: ${o.reason ?? ''}\n`);
  });
  // The bridge reads `<prefix>:intents` = b:intents.
  await bridge.start();
  let arrived: ((t: number) => void) | undefined;
  venueSim.onOrder((t) => arrived?.(t));
  const c = spawnChild('intent', url);
  await c.ready; // loading the child's modules takes seconds on a loaded machine: not part of the figure
  const lat: number[] = [];
  const toEngine: number[] = [];
  const engineToWire: number[] = [];
  const sentAt = new Map<number, number>();
  let c0 = process.cpuUsage();
  for (let i = 1; i <= INTENTS + INTENT_WARMUP; i++) {
    if (i === INTENT_WARMUP + 1) c0 = process.cpuUsage();
    const got = new Promise<number>((res) => (arrived = res));
    const t0 = wall();
    sentAt.set(i, t0);
    c.proc.stdin?.write(`${i}\n`);
    const t1 = await Promise.race([got, new Promise<number>((_, rej) => setTimeout(() => rej(new Error(`intent ${i} did not reach the venue in 10 s`)), 10_000))]).catch((e: unknown) => {
      c.proc.kill('SIGKILL');
      process.stderr.write(`DIAG orders=${JSON.stringify(core.cache.allOrders().map((o) => [o.clientOrderId, o.status, o.reason]))} \n`);
      throw e;
    });
    if (i > INTENT_WARMUP) {
      lat.push(t1 - t0);
      toEngine.push(submittedAt - t0);
      engineToWire.push(t1 - submittedAt);
    }
  }
  const cpu = process.cpuUsage(c0);
  c.proc.stdin?.end('end\n');
  await c.result;
  await bridge.stop();
  await venue.stop();
  const placed = await venueSim.posts();
  cmd.disconnect();
  reader.disconnect();
  await venueSim.close();
  return {
    path: `strategy process XADD → ExecutionBridge (XREADGROUP, hand-written check) → ExecutionEngine (risk gate) → Binance request encoder → simulator HTTP (${simInChild ? 'in a process of its own' : 'in the execution process'})`,
    intents: INTENTS,
    warmup: INTENT_WARMUP,
    venueOrders: placed,
    // t0: this process asks the child (stdin pipe) to send; includes that hop (~tens of µs).
    intentToWireMs: stats(lat),
    // This process's CPU per intent: bridge, engine, encoder, the venue client's HTTP and private stream (and, in-process, the simulator's server, engine and answers).
    cpuUsPerIntent: Math.round((cpu.user + cpu.system) / INTENTS),
    // The same, split where the execution engine accepts the intent (its SUBMITTED event).
    toExecutionEngineMs: stats(toEngine),
    engineToWireMs: stats(engineToWire),
  };
}

function serialization(): Record<string, unknown> {
  // Loaded here only: a bench-only dependency (devDependency), not on any runtime path.
  const req = createRequire(import.meta.url);
  const { Packr } = req('msgpackr') as { Packr: new (o?: Record<string, unknown>) => { pack(v: unknown): Buffer; unpack(b: Buffer): unknown } };
  const packr = new Packr({ useRecords: false });
  const N = 200_000;
  const md = { v: 1, n: 'd1', s: 1, p: wall(), t: 'data.trades.BINANCE.BTC/USDT', d: trade(7) };
  const intent = intentMsg(7, wall());
  // Per CPU second of this process (process.cpuUsage), not per wall second: under load the
  // wall clock counts the time other processes had the core.
  const run = (f: () => void): number => {
    for (let i = 0; i < 5_000; i++) f();
    const c0 = process.cpuUsage();
    for (let i = 0; i < N; i++) f();
    const c = process.cpuUsage(c0);
    return Math.round(N / ((c.user + c.system) / 1e6));
  };
  const mdJson = encodeMd('d1', 1, md.p, md.t, md.d);
  const mdPack = packr.pack(md);
  const inJson = encode(intent);
  const inPack = packr.pack(intent);
  return {
    marketDataEntry: {
      jsonBytes: Buffer.byteLength(mdJson),
      msgpackBytes: mdPack.length,
      jsonRoundTripPerSecond: run(() => void JSON.parse(encodeMd('d1', 1, md.p, md.t, md.d))),
      msgpackRoundTripPerSecond: run(() => void packr.unpack(packr.pack(md))),
      jsonWithCheckPerSecond: run(() => void decodeMd(encodeMd('d1', 1, md.p, md.t, md.d))),
      jsonWithZodPerSecond: run(() => void decodeMdWithSchema(JSON.parse(encodeMd('d1', 1, md.p, md.t, md.d)))),
    },
    intent: {
      jsonBytes: Buffer.byteLength(inJson),
      msgpackBytes: inPack.length,
      jsonRoundTripPerSecond: run(() => void JSON.parse(encode(intent))),
      msgpackRoundTripPerSecond: run(() => void packr.unpack(packr.pack(intent))),
      jsonWithCheckPerSecond: run(() => void decode(encode(intent))),
      jsonWithZodPerSecond: run(() => void decodeWithSchema(JSON.parse(encode(intent)))),
      msgpackWithCheckPerSecond: run(() => void messageSchema.parse(packr.unpack(packr.pack(intent)))),
    },
  };
}


if (process.argv[2] === 'child') {
  await child(process.argv[3] ?? '', process.argv[4] ?? '', process.argv[5]);
} else {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'libra-bench-redis-'));
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((res) => server.stdout.on('data', (d: Buffer) => (/Ready to accept/.test(d.toString()) ? res() : undefined)));
  const url = `redis://127.0.0.1:${port}`;
  try {
    const step = (w: string): boolean => process.stderr.write(`cluster bench: ${w}\n`);
    const only = process.env['LIBRA_BENCH_ONLY'];
    // Market data and the bare client alternately, ROUNDS each, so both see the same load; the
    // figures are the median round of each, and their ratios per round.
    const mdRounds: Record<string, unknown>[] = [];
    const bareRounds: Record<string, unknown>[] = [];
    for (let i = 0; i < (only === 'intent' ? 0 : ROUNDS); i++) {
      step(`market data, round ${i + 1}`);
      mdRounds.push(await marketData(url));
      step(`bare client, round ${i + 1}`);
      bareRounds.push(await bare(url));
    }
    const p99 = (x: Record<string, unknown> | undefined): number => (x?.['publishToDeliverMs'] as { p99: number } | undefined)?.p99 ?? NaN;
    const median = (xs: Record<string, unknown>[]): Record<string, unknown> | undefined => [...xs].sort((a, b) => p99(a) - p99(b))[Math.floor((xs.length - 1) / 2)];
    const md = median(mdRounds) ?? { skipped: true, publishToDeliverMs: { p99: NaN }, deliveredPerSecond: 0 };
    const bareClient = { ...(median(bareRounds) ?? { skipped: true }), rounds: bareRounds.map((b) => ({ deliveredPerSecond: b['deliveredPerSecond'], consumerCpuUsPerMsg: b['consumerCpuUsPerMsg'], publishToDeliverMs: b['publishToDeliverMs'] })) };
    const ratioToBare = mdRounds.map((m, i) => {
      const b = bareRounds[i] ?? {};
      const q = (k: 'p50' | 'p99', x: Record<string, unknown>): number => (x['publishToDeliverMs'] as Record<string, number>)[k] ?? NaN;
      return {
        p50: Number((q('p50', m) / q('p50', b)).toFixed(2)),
        p99: Number((q('p99', m) / q('p99', b)).toFixed(2)),
        consumerCpu: Number(((m['consumerCpuUsPerMsg'] as number) / (b['consumerCpuUsPerMsg'] as number)).toFixed(2)),
        producerCpu: Number(((m['producerCpuUsPerMsg'] as number) / (b['producerCpuUsPerMsg'] as number)).toFixed(2)),
      };
    });
    step('redis-benchmark');
    const rb = only === 'intent' ? { skipped: true } : redisBenchmark(port);
    const fail = (e: unknown): Record<string, unknown> => ({ error: e instanceof Error ? e.message : String(e), intentToWireMs: { p99: NaN } });
    step('intent to the wire (simulator in its own process)');
    const intent = only === 'md' ? { skipped: true, intentToWireMs: { p99: NaN } } : await intentToWire(url, true).catch(fail);
    step('intent to the wire (simulator in the execution process)');
    const intentSimHere = only === 'md' ? { skipped: true } : await intentToWire(url, false).catch(fail);
    step('intent, bare client');
    const intentBareClient = only === 'md' ? { skipped: true } : await intentBare(url).catch((e: unknown) => ({ error: e instanceof Error ? e.message : String(e) }));
    step('serialization');
    const ser = only === 'md' ? { skipped: true } : serialization();
    const mdP99 = (md['publishToDeliverMs'] as { p99: number }).p99;
    const inP99 = (intent['intentToWireMs'] as { p99: number }).p99;
    console.log(
      JSON.stringify({
        marketData: { ...md, rounds: mdRounds.map((m) => ({ deliveredPerSecond: m['deliveredPerSecond'], dropped: m['dropped'], consumerCpuUsPerMsg: m['consumerCpuUsPerMsg'], publishToDeliverMs: m['publishToDeliverMs'] })) },
        bareXaddXreadgroup: bareClient,
        marketDataToBareRatio: ratioToBare,
        redisBenchmark: rb,
        intent,
        intentSimInExecutionProcess: intentSimHere,
        intentBareClient,
        serialization: ser,
        targets: { ...TARGETS, met: { rate: (md['deliveredPerSecond'] as number) >= TARGETS.ratePerSecond * 0.98, mdP99: mdP99 <= TARGETS.mdP99Ms, intentP99: inP99 <= TARGETS.intentP99Ms } },
        machine: { note: 'loopback; 2 cores shared with other work', cores: cpus().length, loadAverage1m: Number(loadavg()[0]?.toFixed(2)) },
      }),
    );
  } finally {
    server.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}
