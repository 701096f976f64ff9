/**
 * Parameter-search throughput in bar evaluations per second (sets × bars / wall time): a grid of
 * sma-cross sets over generated 1-minute bars (a seeded random walk, so the strategy trades),
 * through `libra optimize`'s path (the kernel's optimizeFeed: worker threads, the event-driven
 * engine per set, report statistics per set). Quick by default (120 sets × 20 000 bars = 2.4 M bar
 * evaluations); the issue's size (1 000 sets × 20 000 bars = 20 M) with LIBRA_BENCH_FULL=1.
 * LIBRA_BENCH_WORKERS sets the threads (default: the CPU count). Prints wall and CPU-time rates
 * (process.cpuUsage: every thread), the steady rate after start-up, and the load average.
 */
import { availableParallelism, loadavg } from 'node:os';
import { makeInstrument } from '../src/shared/domain/instrument';
import type { Bar } from '../src/shared/messages/market-data';
import { Kernel } from '../src/main/kernel';
import type { BacktestFeed } from '../src/main/kernel';

const FULL = process.env.LIBRA_BENCH_FULL === '1';
const BARS = 20_000;
const WORKERS = Number(process.env.LIBRA_BENCH_WORKERS ?? availableParallelism());
const TARGET = 4_000_000;
// Manifold-BT's published figure: 10 000 sets × 200 000 bars in 4.4 s on 4 vCPUs.
const MANIFOLD_PER_SEC = (10_000 * 200_000) / 4.4;

const inst = makeInstrument({ symbol: 'BTC/USDT', venue: 'SIM', tickSize: '0.01', lotSize: '0.00001' });

function generate(n: number): Bar[] {
  let seed = 42;
  let price = 30_000;
  const out: Bar[] = [];
  for (let i = 0; i < n; i++) {
    seed = (seed * 1_103_515_245 + 12_345) >>> 0;
    const r = seed / 2 ** 32 - 0.5;
    const open = price;
    price = Math.max(100, Math.round(price * (1 + r * 0.004) * 100) / 100);
    out.push({ instrumentId: inst.id, timeframeMs: 60_000, openTime: i * 60_000, ts: (i + 1) * 60_000, open, high: Math.max(open, price) + 5, low: Math.min(open, price) - 5, close: price, volume: 1 });
  }
  return out;
}

const bars = generate(BARS);
function feed(): BacktestFeed {
  async function* chunks(): AsyncGenerator<Bar[]> {
    yield bars;
  }
  return { instrument: inst, fillModel: 'bar', timeframeMs: 60_000, total: BARS, notes: [], feed: { kind: 'bar', instrumentId: inst.id, timeframeMs: 60_000, chunks: chunks() } };
}

const kernel = new Kernel();
const opt = kernel.optimization;
// fast 2..41 × slow: 25 values (1 000 sets) full, 3 values (120 sets) quick.
const axes = [opt.parseGridAxis('fast=2:41:1'), opt.parseGridAxis(FULL ? 'slow=50:290:10' : 'slow=60:120:30')];
const sets = axes.reduce((n, a) => n * a.values.length, 1);
const costs = { capital: 100_000, makerFeeBps: 10, takerFeeBps: 10, slippageBps: 0, latencyMs: 0, risk: kernel.risk };
const cpu0 = process.cpuUsage();
// The sweep's steady state: from the first progress past 10 % of the evaluations (every worker
// started, loaded and warmed up) to the end — start-up (worker threads loading the worker bundle
// that pool.ts builds from the sources once and caches, as the built CLI's workers load theirs,
// then JIT warm-up) measured apart.
let mark: { cpu: NodeJS.CpuUsage; ms: number; done: number } | null = null;
const onProgress = (done: number, total: number): void => {
  if (mark === null && done >= total / 10) mark = { cpu: process.cpuUsage(), ms: performance.now(), done };
};
const outcome = await opt.optimizeFeed(feed(), { strategy: 'sma-cross', cwd: process.cwd(), axes, objective: 'sharpe', workers: WORKERS, costs, onProgress });
const t1 = performance.now();
const steady = mark as { cpu: NodeJS.CpuUsage; ms: number; done: number } | null;
const steadyCpu = steady ? process.cpuUsage(steady.cpu) : null;
const perSec = outcome.barEvaluations / (outcome.elapsedMs / 1000);
const cpu = process.cpuUsage(cpu0);
// Bar evaluations per second of CPU time (workers and main thread together), per core.
const perCpuSec = outcome.barEvaluations / ((cpu.user + cpu.system) / 1e6);

console.log(
  JSON.stringify({
    bench: 'optimize',
    size: FULL ? 'full' : 'quick',
    sets,
    bars: BARS,
    barEvaluations: outcome.barEvaluations,
    workers: outcome.workers,
    elapsedMs: Math.round(outcome.elapsedMs),
    barEvaluationsPerSec: Math.round(perSec),
    target: TARGET,
    meetsTarget: perSec >= TARGET,
    perWorkerPerSec: Math.round(perSec / outcome.workers),
    barEvaluationsPerCpuSec: Math.round(perCpuSec),
    cpuSec: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
    // After start-up (see onProgress): wall rate and rate per CPU-second (all threads).
    steadyBarEvaluationsPerSec: steady ? Math.round((outcome.barEvaluations - steady.done) / ((t1 - steady.ms) / 1000)) : null,
    steadyBarEvaluationsPerCpuSec: steady && steadyCpu ? Math.round((outcome.barEvaluations - steady.done) / ((steadyCpu.user + steadyCpu.system) / 1e6)) : null,
    // What 2 fully available cores would do at the steady CPU rate (the target's setting).
    projectedOn2IdleCoresPerSec: steady && steadyCpu ? Math.round((2 * (outcome.barEvaluations - steady.done)) / ((steadyCpu.user + steadyCpu.system) / 1e6)) : null,
    loadAverage1m: Number(loadavg()[0]?.toFixed(1)),
    manifoldBtPerSec: Math.round(MANIFOLD_PER_SEC),
    manifoldBtPerVcpuPerSec: Math.round(MANIFOLD_PER_SEC / 4),
    slowerThanManifoldPerCore: Math.round(MANIFOLD_PER_SEC / 4 / (perSec / outcome.workers)),
    bestSet: outcome.results[0]?.params,
    // Proof the sets trade (a set that never fills measures an idle engine).
    tradesOfBestSet: outcome.results[0]?.stats.trades,
    medianTradesPerSet: outcome.results.map((r) => r.stats.trades).sort((a, b) => a - b)[Math.floor(outcome.results.length / 2)],
    failed: outcome.failed.length,
    // ctx.indicator series the sets got shared from the workers' caches vs computed (once per worker).
    indicatorSeries: outcome.indicatorSeries,
  }),
);
