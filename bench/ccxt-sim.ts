/**
 * The Binance simulator as the tick-to-wire bench (bench/ccxt.bench.ts) drives it: ticks by
 * index, the simulator's own stamps per tick, in its own process (the default: a real venue
 * is never in the trader's process) or, for comparison, in the bench's process
 * (`CCXT_BENCH_SIM=inprocess`, how the bench ran before 2026-12-03).
 *
 * Stamps per tick i: t0 just before the trade frame is written (synchronously), tArrival when
 * the order's HTTP headers are parsed, t1 when the simulator takes the order (before executing
 * it). Clock: `performance.timeOrigin + performance.now()` of the simulator's process; t1 − t0
 * is on that one clock. `offsetMs` maps the bench's clock onto it (NTP-style probes, the
 * fastest round trip wins) for the stages stamped in the bench's process.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { GCProfiler, getHeapStatistics } from 'node:v8';
import { startBinanceSim } from '../test/sim/binance';
import type { BinanceSim } from '../test/sim/binance';

export interface GcPause {
  readonly start: number;
  readonly duration: number;
  /** perf_hooks gc kind: 1 minor (scavenge), 2 major, 4 incremental marking, 8 weak callbacks. */
  readonly kind: number;
}

export interface SimStamps {
  readonly t0: (number | null)[];
  readonly tArrival: (number | null)[];
  readonly t1: (number | null)[];
  /** GC pauses in the simulator's process, on its clock. */
  readonly gcs: GcPause[];
}

export type SimRequestMessage = { type: 'trade'; i: number } | { type: 'sync'; id: number } | { type: 'collect' } | { type: 'close' };
export type SimReplyMessage = { type: 'ready'; ccxtUrls: BinanceSim['ccxtUrls'] } | { type: 'sync'; id: number; t: number } | ({ type: 'collected' } & SimStamps);

export interface BenchSim {
  readonly where: 'child process' | 'bench process';
  readonly ccxtUrls: BinanceSim['ccxtUrls'];
  /** Tick i: print one public BTCUSDT trade at 60 000 (the frame leaves synchronously). */
  trade(i: number): void;
  /** The simulator's clock minus the bench's (ms), and half the fastest probe's round trip. */
  offsetMs(): Promise<{ offset: number; uncertainty: number }>;
  collect(): Promise<SimStamps>;
  close(): Promise<void>;
}

export const sharedNow = (): number => performance.timeOrigin + performance.now();

export function observeGc(into: GcPause[]): PerformanceObserver {
  const o = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) into.push({ start: performance.timeOrigin + e.startTime, duration: e.duration, kind: (e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0 });
  });
  o.observe({ entryTypes: ['gc'] });
  return o;
}

export interface Allocation {
  /** Bytes allocated on the JS heap while the meter ran (used heap growth between collections). */
  readonly bytes: number;
  readonly scavenges: number;
  readonly markSweeps: number;
}

/**
 * Bytes this process allocates on the V8 heap while it runs: each collection's used heap before
 * it, less the used heap after the previous one (V8's GCProfiler), plus the growth since the
 * last. Counts every space (large objects too); what a collection frees is what was allocated.
 */
export function allocationMeter(): { stop(): Allocation } {
  const profiler = new GCProfiler();
  const startUsed = getHeapStatistics().used_heap_size;
  profiler.start();
  return {
    stop: () => {
      const endUsed = getHeapStatistics().used_heap_size;
      const stats = profiler.stop()?.statistics ?? [];
      let bytes = 0;
      let after = startUsed;
      let scavenges = 0;
      let markSweeps = 0;
      for (const g of stats) {
        bytes += Math.max(0, g.beforeGC.heapStatistics.usedHeapSize - after);
        after = g.afterGC.heapStatistics.usedHeapSize;
        if (g.gcType === 'Scavenge' || g.gcType === 'MinorMarkSweep') scavenges++;
        else if (g.gcType === 'MarkSweepCompact') markSweeps++;
      }
      bytes += Math.max(0, endUsed - after);
      return { bytes, scavenges, markSweeps };
    },
  };
}

/** A simulator with the per-tick stamps, in the calling process. */
export async function startStampedSim(): Promise<{ sim: BinanceSim; trade(i: number): void; stamps: SimStamps; stop(): void }> {
  const sim = await startBinanceSim({ historyMinutes: 10 });
  const stamps: SimStamps = { t0: [], tArrival: [], t1: [], gcs: [] };
  let tick = -1;
  sim.onArrival((method, url) => {
    if (method === 'POST' && url.startsWith('/api/v3/order') && tick >= 0) stamps.tArrival[tick] = sharedNow();
  });
  sim.onRequest((r) => {
    if (r.method === 'POST' && r.path === '/api/v3/order' && tick >= 0) stamps.t1[tick] = sharedNow();
  });
  return {
    sim,
    stamps,
    trade: (i) => {
      tick = i;
      stamps.t0[i] = sharedNow();
      sim.trade('BTCUSDT', 60_000, 0.001);
    },
    stop: () => (tick = -1),
  };
}

async function inProcess(): Promise<BenchSim> {
  const s = await startStampedSim();
  return {
    where: 'bench process',
    ccxtUrls: s.sim.ccxtUrls,
    trade: s.trade,
    offsetMs: () => Promise.resolve({ offset: 0, uncertainty: 0 }),
    collect: () => Promise.resolve(s.stamps), // GCs: the bench's own list covers this process
    close: () => s.sim.close(),
  };
}

async function inChild(): Promise<BenchSim> {
  const child = fork(fileURLToPath(new URL('./ccxt-sim-process.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const waiters = new Map<string, (m: SimReplyMessage) => void>();
  const next = (key: string): Promise<SimReplyMessage> => new Promise((resolve) => waiters.set(key, resolve));
  child.on('message', (m: SimReplyMessage) => {
    const key = m.type === 'sync' ? `sync:${m.id}` : m.type;
    waiters.get(key)?.(m);
    waiters.delete(key);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await Promise.race([next('ready'), exited.then(() => undefined)]);
  if (ready?.type !== 'ready') throw new Error('the simulator process exited before it was ready');
  const post = (m: SimRequestMessage): void => void child.send(m);
  return {
    where: 'child process',
    ccxtUrls: ready.ccxtUrls,
    trade: (i) => post({ type: 'trade', i }),
    offsetMs: async () => {
      let best = { offset: 0, uncertainty: Infinity };
      for (let id = 0; id < 200; id++) {
        const sent = sharedNow();
        const got = next(`sync:${id}`);
        post({ type: 'sync', id });
        const m = await got;
        const back = sharedNow();
        if (m.type === 'sync' && (back - sent) / 2 < best.uncertainty) best = { offset: m.t - (sent + back) / 2, uncertainty: (back - sent) / 2 };
      }
      return best;
    },
    collect: async () => {
      const got = next('collected');
      post({ type: 'collect' });
      const m = await got;
      if (m.type !== 'collected') throw new Error('unexpected answer');
      return m;
    },
    close: async () => {
      post({ type: 'close' });
      await exited;
    },
  };
}

export function startBenchSim(): Promise<BenchSim> {
  return process.env['CCXT_BENCH_SIM'] === 'inprocess' ? inProcess() : inChild();
}
