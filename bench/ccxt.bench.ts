/**
 * CCXT venue latency and book throughput. Prints ONE JSON object. Run: npx tsx bench/ccxt.bench.ts
 *
 * 1. Tick to order on the wire: the Binance simulator (its own process by default, see
 *    bench/ccxt-sim.ts: a real venue is never in the trader's process; `CCXT_BENCH_SIM=inprocess`
 *    runs it in this one, as before 2026-12-03, for comparison) sends a public trade frame on its
 *    WebSocket; ccxt.pro parses it, CcxtDataClient publishes the TradeTick on the bus, a trivial
 *    strategy (StrategyHost) answers EVERY trade with a small IOC limit order far below the
 *    market, the risk gate checks it, the execution engine journals nothing (no journal: the
 *    fsync is measured separately by the journal's own numbers) and hands it to
 *    CcxtExecutionClient, the request is built and signed (HMAC via the kernel's signer, native
 *    when the addon is built), and it arrives at the simulator's HTTP server — twice: with
 *    LIBRA's Binance request encoder (src/main/venues/binance: the request built and signed
 *    directly, sent on a keep-alive agent; what `libra run` uses for Binance spot / USD-M) for up
 *    to 100 k ticks, and with ccxt building the request (the baseline) for fewer. t0 = just
 *    before the simulator writes the frame (synchronously), t1 = its `onRequest` hook for POST
 *    /api/v3/order (before it executes it): both in the simulator's process, on one clock. The
 *    stage split uses stamps from this process, moved onto the simulator's clock by a measured
 *    offset (`clockUncertaintyMs`). Ticks are sequential (the next frame once the previous
 *    order's IOC has ended in the engine), for up to `TICK_BUDGET_MS` or `TARGET_TICKS`, after a
 *    warm-up. `pauses` says what the slowest 1 % have in common (GC in either process, the
 *    event loop's delay).
 * 2. Order-book updates applied per second on a 1,000-level L2Book (order-book.ts): Binance-style
 *    diffs (5 bid + 5 ask level changes each, a third of them deletes, re-inserted later).
 */
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createTsRiskGate } from '../src/main/engine/risk/ts-risk-gate';
import type { StrategyContext } from '../src/main/engine/strategy/strategy';
import { createHmacSigner } from '../src/main/native/index';
import { installNativeSigning } from '../src/main/native/ccxt-signing';
import type { CcxtSignable } from '../src/main/native/ccxt-signing';
import { attachCcxtVenue, buildLiveCore, systemTimeSource } from '../src/main/venues/ccxt/build';
import { CcxtDataClient } from '../src/main/venues/ccxt/ccxt-data-client';
import type { CcxtExecutionClient } from '../src/main/venues/ccxt/ccxt-execution-client';
import { L2Book } from '../src/main/venues/ccxt/order-book';
import { binanceEncoderFromCcxt } from '../src/main/venues/binance/from-ccxt';
import { makeInstrument } from '../src/shared/domain/instrument';
import type { BookDelta } from '../src/main/venues/ccxt/order-book';
import { TokenBucket } from '../src/main/venues/ccxt/rate-limiter';
import { streamReadyWaiter } from '../src/main/venues/ccxt/venues';
import { DEFAULT_SECRET, makeCcxtClient, startBinanceSim } from '../test/sim/binance';
import { allocationMeter, observeGc, sharedNow, startBenchSim } from './ccxt-sim';
import type { GcPause } from './ccxt-sim';

/** p99 tick to order on the wire (ms) the encoder path must stay under. */
const TARGET_P99_MS = 1;
// CCXT_BENCH_BUDGET_S scales both time budgets (a short look under load; the target run is the default).
const BUDGET_SCALE = Number(process.env['CCXT_BENCH_BUDGET_S'] ?? 150) / 150;
const RUNS = {
  encoder: { targetTicks: 100_000, budgetMs: 150_000 * BUDGET_SCALE },
  ccxt: { targetTicks: 20_000, budgetMs: 30_000 * BUDGET_SCALE },
} as const;
const WARMUP_TICKS = 1_000;
const BOOK_BUDGET_MS = 3_000;

function quantiles(samples: number[]): { p50: number; p90: number; p99: number; max: number; mean: number } {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
  const r = (x: number): number => Math.round(x * 1000) / 1000;
  return { p50: r(q(0.5)), p90: r(q(0.9)), p99: r(q(0.99)), max: r(s.at(-1) ?? NaN), mean: r(s.reduce((a, b) => a + b, 0) / s.length) };
}

/**
 * What the slow ticks (the slowest 1 %) have in common: their mean per stage, how many overlap
 * a GC pause in the trading process (`bench`) or the simulator's (`simulator`, when it runs in
 * its own process) and of which kind (1 minor/scavenge, 2 major, 4 incremental marking, 8 weak
 * callbacks), GC totals over the run, and the trading loop's delay (a 10 ms timer's lateness:
 * blocking work in the same loop).
 */
function slowTickCauses(samples: number[], starts: number[], stages: Record<string, number[]>, gcLists: Record<string, GcPause[]>, loop: { percentile(p: number): number; max: number }): Record<string, unknown> {
  const r = (x: number, d = 1000): number => Math.round(x * d) / d;
  const order = samples.map((_, i) => i).sort((a, b) => (samples[b] ?? 0) - (samples[a] ?? 0));
  const slow = order.slice(0, Math.max(1, Math.floor(samples.length / 100)));
  const stageMeans: Record<string, number> = {};
  for (const [k, xs] of Object.entries(stages)) stageMeans[k] = r(slow.reduce((s, i) => s + (xs[i] ?? 0), 0) / slow.length);
  const gc: Record<string, unknown> = {};
  let withAny = 0;
  const hitAny = new Set<number>();
  for (const [where, gcs] of Object.entries(gcLists)) {
    const kinds: Record<string, number> = {};
    let ticks = 0;
    let ms = 0;
    for (const i of slow) {
      const a = starts[i] ?? 0;
      const b = a + (samples[i] ?? 0);
      let hit = false;
      for (const g of gcs) {
        if (g.start < b && g.start + g.duration > a) {
          hit = true;
          ms += Math.min(b, g.start + g.duration) - Math.max(a, g.start);
          kinds[g.kind] = (kinds[g.kind] ?? 0) + 1;
        }
      }
      if (hit) {
        ticks++;
        hitAny.add(i);
      }
    }
    const byKind: Record<string, { count: number; totalMs: number; maxMs: number }> = {};
    for (const g of gcs) {
      const k = (byKind[g.kind] ??= { count: 0, totalMs: 0, maxMs: 0 });
      k.count++;
      k.totalMs = r(k.totalMs + g.duration, 100);
      k.maxMs = Math.max(k.maxMs, r(g.duration));
    }
    gc[where] = { slowTicksOverlapping: ticks, msInsideSlowTicks: r(ms, 100), kindsInSlowTicks: kinds, wholeRun: byKind };
  }
  withAny = hitAny.size;
  return {
    slowTicks: slow.length,
    slowTickMeanMs: r(slow.reduce((s, i) => s + (samples[i] ?? 0), 0) / slow.length),
    slowTickStageMeansMs: stageMeans,
    slowTicksOverlappingAnyGc: withAny,
    gc,
    eventLoopDelayMs: { p50: r(loop.percentile(50) / 1e6, 100), p99: r(loop.percentile(99) / 1e6, 100), max: r(loop.max / 1e6, 100) },
  };
}

async function tickToWire(path: keyof typeof RUNS): Promise<Record<string, unknown>> {
  const { targetTicks: TARGET_TICKS, budgetMs: TICK_BUDGET_MS } = RUNS[path];
  const sim = await startBenchSim();
  const time = systemTimeSource();
  const core = buildLiveCore({ time, risk: createTsRiskGate({ defaults: {}, referencePrice: 'last', maxOpenOrders: 1_000_000 }), accountCurrency: 'USDT', run: 1 });
  const exec = makeCcxtClient(sim, { timeoutMs: 5000 });
  const sha256 = createHmacSigner('sha256', DEFAULT_SECRET, 'auto');
  installNativeSigning(exec as unknown as CcxtSignable, { sha256 });
  const venue = await attachCcxtVenue(core, {
    venue: 'BINANCE',
    exchange: exec,
    symbols: ['BTC/USDT'],
    mode: 'live',
    limiter: new TokenBucket({ capacity: 1e9, perSecond: 1e9 }, time),
    random: Math.random,
    waitStreamReady: streamReadyWaiter(exec, () => new Promise((r) => setTimeout(r, 200))),
    orderEncoder: path === 'encoder',
  });
  const client = venue.client as CcxtExecutionClient;
  while (client.currentStatus !== 'CONNECTED') await new Promise((r) => setTimeout(r, 10));

  const md = makeCcxtClient(sim);
  await md.loadMarkets();
  const instrument = venue.instruments[0];
  if (!instrument) throw new Error('no instrument');
  const data = new CcxtDataClient({ exchange: md, bus: core.bus, time, random: Math.random, subscriptions: [{ instrument, symbol: 'BTC/USDT', trades: true }] });
  data.start();

  // The trivial strategy: every trade → one IOC buy 0.001 BTC at 30 000 (far below 60 000).
  let ctx: StrategyContext | undefined;
  let denied = 0;
  let settled: (() => void) | undefined;
  let previous: Promise<void> = Promise.resolve();
  // Stage stamps per tick (this process's shared clock): the strategy sees the trade, then
  // returns from submit (risk gate + execution engine + hand-off to the execution client).
  let tick = -1;
  const tStrategy: number[] = [];
  const tDecided: number[] = [];
  core.host.start('bench', {
    onStart: (c) => (ctx = c),
    onTrade: () => {
      tStrategy[tick] = sharedNow();
      const r = ctx?.limit(instrument.id, 'BUY', 0.001, 30_000, { timeInForce: 'IOC' });
      tDecided[tick] = sharedNow();
      if (r && !r.ok) {
        denied++;
        settled?.();
      }
    },
  }, { trades: [instrument.id] });

  // Each tick starts once the previous order's answer has been through the engine (its IOC
  // ended), so a tick's latency is its own path, not the previous answer's parse landing in it.
  let ended = 0;
  core.execution.onOrderEvent((o) => {
    if (o.status === 'EXPIRED' || o.status === 'CANCELED' || o.status === 'FILLED' || o.status === 'REJECTED') {
      ended++;
      settled?.();
    }
  });
  const oneTick = async (): Promise<void> => {
    await previous;
    previous = new Promise<void>((resolve) => (settled = resolve));
    sim.trade(++tick);
    await previous;
  };
  // Wait until the trade stream is subscribed (a first frame is answered by an order).
  for (;;) {
    const ok = await Promise.race([oneTick().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 200))]);
    if (ok) break;
    previous = Promise.resolve(); // no order came of that frame (stream not subscribed yet)
  }
  for (let i = 0; i < WARMUP_TICKS; i++) await oneTick();

  const gcs: GcPause[] = [];
  const gcObserver = observeGc(gcs);
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const first = tick + 1;
  const alloc = allocationMeter();
  const started = performance.now();
  while (tick + 1 - first < TARGET_TICKS && performance.now() - started < TICK_BUDGET_MS) await oneTick();
  const elapsed = performance.now() - started;
  const allocated = alloc.stop();
  loopDelay.disable();
  gcObserver.disconnect();
  const ticks = tick + 1 - first;

  const ordersInEngine = core.cache.allOrders().length;
  await data.stop();
  await venue.stop();
  await md.close();
  const clock = await sim.offsetMs();
  const stamps = await sim.collect();
  await sim.close();

  // Everything on the simulator's clock: its own stamps as they are, this process's shifted.
  const at = (xs: (number | null)[], i: number): number => xs[i] ?? NaN;
  const mine = (xs: number[], i: number): number => (xs[i] ?? NaN) + clock.offset;
  const samples: number[] = [];
  const starts: number[] = [];
  const stages = { frameToStrategy: [] as number[], decision: [] as number[], submitToWire: [] as number[], submitToArrival: [] as number[], simulatorParse: [] as number[] };
  let unstamped = 0;
  for (let i = first; i < first + ticks; i++) {
    const t0 = at(stamps.t0, i);
    const t1 = at(stamps.t1, i);
    if (!Number.isFinite(t0) || !Number.isFinite(t1) || !Number.isFinite(mine(tDecided, i))) {
      unstamped++; // an order that never reached the simulator: counted, shown, never hidden
      continue;
    }
    samples.push(t1 - t0);
    starts.push(t0);
    stages.frameToStrategy.push(mine(tStrategy, i) - t0);
    stages.decision.push(tDecided[i]! - tStrategy[i]!);
    stages.submitToWire.push(t1 - mine(tDecided, i));
    stages.submitToArrival.push(at(stamps.tArrival, i) - mine(tDecided, i));
    stages.simulatorParse.push(t1 - at(stamps.tArrival, i));
  }
  const benchGcs = gcs.map((g) => ({ ...g, start: g.start + clock.offset }));
  const latencyMs = quantiles(samples);
  return {
    orderRequests: path === 'encoder' ? "LIBRA's Binance request encoder, keep-alive agent" : 'ccxt createOrder',
    simulator: sim.where,
    ticks: samples.length,
    unstampedTicks: unstamped,
    targetTicks: TARGET_TICKS,
    scaledDown: ticks < TARGET_TICKS ? `time budget ${TICK_BUDGET_MS} ms reached` : false,
    warmupTicks: WARMUP_TICKS,
    ticksPerSecond: Math.round((ticks / elapsed) * 1000),
    latencyMs,
    /** The trading process's garbage: V8 heap bytes allocated per tick and collections per 1 000 ticks. */
    heap: {
      kbAllocatedPerTick: Math.round((allocated.bytes / 1024 / ticks) * 10) / 10,
      scavengesPer1000Ticks: Math.round((allocated.scavenges / ticks) * 1000 * 10) / 10,
      markSweeps: allocated.markSweeps,
    },
    target: { p99Ms: TARGET_P99_MS, met: latencyMs.p99 < TARGET_P99_MS },
    /**
     * Where the time goes: ccxt.pro + data client + bus; strategy + risk gate + engine; request
     * build + sign + HTTP to the simulator, split into submit → headers at the simulator's HTTP
     * server (LIBRA/ccxt + socket + Node's header parse) and the simulator's own body/param parse.
     * Stages that cross processes carry the clock offset's uncertainty (`clockUncertaintyMs`).
     */
    stagesMs: {
      frameToStrategy: quantiles(stages.frameToStrategy),
      decision: quantiles(stages.decision),
      submitToWire: quantiles(stages.submitToWire),
      submitToArrival: quantiles(stages.submitToArrival),
      simulatorParse: quantiles(stages.simulatorParse),
    },
    clockUncertaintyMs: Math.round(clock.uncertainty * 1000) / 1000,
    pauses: slowTickCauses(samples, starts, stages, sim.where === 'child process' ? { bench: benchGcs, simulator: stamps.gcs } : { bench: benchGcs }, loopDelay),
    signer: sha256.implementation,
    ordersEnded: ended,
    ordersInEngine,
    riskDenied: denied,
  };
}

function bookThroughput(): Record<string, unknown> {
  let seed = 11;
  const rnd = (): number => ((seed = (seed * 1_103_515_245 + 12_345) >>> 0) / 2 ** 32);
  const LEVELS = 1000;
  const tick = 0.01;
  const mid = 60_000;
  const px = (k: number): number => Math.round((mid + k * tick) * 100) / 100;
  const bids: [number, number][] = Array.from({ length: LEVELS }, (_, k) => [px(-(k + 1)), 0.1 + rnd()]);
  const asks: [number, number][] = Array.from({ length: LEVELS }, (_, k) => [px(k + 1), 0.1 + rnd()]);
  const N = 200_000;
  const deltas: BookDelta[] = [];
  for (let u = 1; u <= N; u++) {
    const side = (sign: number): [number, number][] =>
      Array.from({ length: 5 }, () => [px(sign * (1 + Math.floor(rnd() * LEVELS))), rnd() < 1 / 3 ? 0 : 0.1 + rnd()]);
    deltas.push({ first: 1000 + u, last: 1000 + u, bids: side(-1), asks: side(1) });
  }
  const run = (withTop: boolean): { updatesPerSecond: number; levelsPerSecond: number; updates: number } => {
    const book = new L2Book();
    book.snapshot(1000, bids, asks);
    let applied = 0;
    const t0 = performance.now();
    for (let k = 0; k < N; k++) {
      if (book.apply(deltas[k] as BookDelta) === 'APPLIED') applied++;
      if (withTop) book.top(20);
      if ((k & 1023) === 0 && performance.now() - t0 > BOOK_BUDGET_MS) break;
    }
    const s = (performance.now() - t0) / 1000;
    return { updatesPerSecond: Math.round(applied / s), levelsPerSecond: Math.round((applied * 10) / s), updates: applied };
  };
  run(false); // warm-up
  const apply = run(false);
  const applyAndTop20 = run(true);
  return { levelsPerSide: LEVELS, levelChangesPerUpdate: 10, apply, applyAndTop20 };
}

/** Building + signing one new-order request: the encoder vs ccxt's createOrderRequest + sign (both with the native HMAC). */
async function requestBuild(): Promise<Record<string, unknown>> {
  const sim = await startBinanceSim({ historyMinutes: 1 });
  const ex = makeCcxtClient(sim);
  await ex.loadMarkets();
  const sha256 = createHmacSigner('sha256', DEFAULT_SECRET, 'auto');
  installNativeSigning(ex as unknown as CcxtSignable, { sha256 });
  const encoder = binanceEncoderFromCcxt(ex as never, sha256);
  if (!encoder) throw new Error('no encoder');
  const instrument = makeInstrument({ symbol: 'BTC/USDT', venue: 'BINANCE', tickSize: '0.01', lotSize: '0.00001' });
  const order = { clientOrderId: 'bench-1', strategyId: 'b', instrumentId: instrument.id, side: 'BUY', type: 'LIMIT', quantityRaw: 100, priceRaw: 3_000_000, timeInForce: 'IOC', postOnly: false, reduceOnly: false, status: 'INITIALIZED', filledRaw: 0, avgPx: 0, createdAt: 0, updatedAt: 0 } as const;
  const N = 20_000;
  const time = (f: () => unknown): number => {
    for (let i = 0; i < 2000; i++) f();
    const t0 = performance.now();
    for (let i = 0; i < N; i++) f();
    return Math.round(((performance.now() - t0) / N) * 1000 * 100) / 100;
  };
  const encoderUs = time(() => encoder.newOrder(order, instrument, 'BTC/USDT'));
  const ccxtUs = time(() => ex.sign('order', 'private', 'POST', ex.createOrderRequest('BTC/USDT', 'limit', 'buy', 0.001, 30_000, { clientOrderId: 'bench-1', timeInForce: 'IOC' })));
  await ex.close();
  await sim.close();
  return { encoderUs, ccxtCreateOrderRequestAndSignUs: ccxtUs, signer: sha256.implementation };
}

// The machine's load before and after: a latency figure means little without it (2 shared cores).
// CCXT_BENCH_ONLY=encoder runs the encoder's tick to wire alone (bench/ab/ccxt-ab.sh alternates it between two trees).
const only = process.env['CCXT_BENCH_ONLY'] === 'encoder';
const loadBefore = loadavg().map((x) => Math.round(x * 100) / 100);
const build = only ? undefined : await requestBuild();
const encoderTick = await tickToWire('encoder');
const ccxtTick = only ? undefined : await tickToWire('ccxt');
const book = only ? undefined : bookThroughput();
const loadAverage = { before: loadBefore, after: loadavg().map((x) => Math.round(x * 100) / 100), cpus: cpus().length };
console.log(JSON.stringify({ bench: 'ccxt', node: process.version, loadAverage, requestBuild: build, tickToWire: encoderTick, tickToWireCcxt: ccxtTick, orderBook: book }));
