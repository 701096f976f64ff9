/**
 * Backtest throughput: bars/s through strategy (sma-cross: two SMA indicators) + simulated
 * venue + portfolio + risk gate, streaming generated bars in chunks. The timed runs do nothing
 * else; separate runs of the same bars sample the live heap along the way (a full GC every
 * 131 072 bars, which a user's backtest never pays, so those runs are not the ones timed) to show
 * memory stays flat with the number of bars. Also times the real ETH/BTC 5m file.
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeInstrument } from '../src/shared/domain/instrument';
import type { Bar } from '../src/shared/messages/market-data';
import { DEFAULT_CHUNK_SIZE, readBars } from '../src/main/backtest/data';
import SmaCross from '../src/main/engine/strategy/examples/sma-cross';
import { Kernel } from '../src/main/kernel';

const BARS = Number(process.env.LIBRA_BENCH_BARS ?? 5_000_000);
// Issue 15: the engine at ≥ 4 M bars/s through sma-cross + venue + portfolio + gate.
const TARGET = 4_000_000;
const inst = makeInstrument({ symbol: 'BTC/USDT', venue: 'SIM', tickSize: '0.01', lotSize: '0.00001' });
/** Live heap (after gc) sampled during the run. */
const rss: number[] = [];

/**
 * Chunks of the size the real sources yield (the file readers' default and the store feeds of
 * `libra backtest --symbol`, DEFAULT_CHUNK_SIZE): one object per bar, as they make them.
 */
async function* generate(n: number, sampleHeap: boolean, chunk = DEFAULT_CHUNK_SIZE): AsyncGenerator<Bar[]> {
  let seed = 42;
  let price = 30_000;
  for (let i = 0; i < n; ) {
    const out: Bar[] = [];
    for (let j = 0; j < chunk && i < n; j++, i++) {
      seed = (seed * 1_103_515_245 + 12_345) >>> 0;
      const r = seed / 2 ** 32 - 0.5;
      const open = price;
      price = Math.max(100, Math.round(price * (1 + r * 0.004) * 100) / 100);
      const high = Math.max(open, price) + 5;
      const low = Math.min(open, price) - 5;
      out.push({ instrumentId: inst.id, timeframeMs: 60_000, openTime: i * 60_000, ts: (i + 1) * 60_000, open, high, low, close: price, volume: 1 });
    }
    if (sampleHeap && (i / chunk) % 64 === 0) {
      // Heap after a full collection: what the backtest really holds at this point.
      (globalThis as { gc?: () => void }).gc?.();
      rss.push(process.memoryUsage().heapUsed);
    }
    yield out;
  }
}

const kernel = new Kernel();
const run = async (n: number, sampleHeap = false) => {
  rss.length = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await kernel.backtest({
    instruments: [inst],
    feeds: [{ kind: 'bar', instrumentId: inst.id, timeframeMs: 60_000, chunks: generate(n, sampleHeap) }],
    strategy: { id: 'S', hooks: new SmaCross({ fast: 10, slow: 30 }) },
    capital: 100_000,
    accountCurrency: 'USDT',
    fillModel: 'bar',
    makerFeeBps: 10,
    takerFeeBps: 10,
    slippageBps: 1,
    latencyMs: 0,
  });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  // CPU time of the process (this thread, GC helpers): what the run cost when other work shares the cores.
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, trades: r.trades.length };
};

await run(200_000); // warm-up
const small = await run(BARS / 5);
const big = await run(BARS);
// The heap: the same two runs again, sampled (and not timed).
const heapSmall = await run(BARS / 5, true);
const rssSmall = Math.max(...rss);
const heapBig = await run(BARS, true);
const rssBig = Math.max(...rss);

// The real freqtrade ETH/BTC 5m file, parse included.
const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const file = resolve(ROOT, '../shared/data/freqtrade/original_json_until_2023-07/ETH_BTC-5m.json');
const eth = makeInstrument({ symbol: 'ETH/BTC', venue: 'BINANCE', tickSize: '0.000001', lotSize: '0.001' });
const t0 = performance.now();
const real = await kernel.backtest({
  instruments: [eth],
  feeds: [{ kind: 'bar', instrumentId: eth.id, timeframeMs: 300_000, chunks: readBars(file, { instrumentId: eth.id }) }],
  strategy: { id: 'S', hooks: new SmaCross({ fast: 10, slow: 30 }) },
  capital: 1,
  accountCurrency: 'BTC',
  fillModel: 'bar',
  makerFeeBps: 10,
  takerFeeBps: 10,
  slippageBps: 0,
  latencyMs: 0,
});
const realMs = performance.now() - t0;

console.log(
  JSON.stringify({
    bench: 'backtest',
    bars: BARS,
    barsPerSec: Math.round(BARS / (big.ms / 1000)),
    target: TARGET,
    meetsTarget: BARS / (big.ms / 1000) >= TARGET,
    // Bars per second of CPU time used: on a loaded machine, closer to what an idle core does.
    barsPerCpuSec: Math.round(BARS / (big.cpuMs / 1000)),
    loadAverage1m: Number(loadavg()[0]?.toFixed(1)),
    trades: big.trades,
    liveHeapMiB: { [`max over a ${BARS / 5}-bar run`]: Number((rssSmall / 2 ** 20).toFixed(1)), [`max over a ${BARS}-bar run`]: Number((rssBig / 2 ** 20).toFixed(1)) },
    heapGrowthRatio5xBars: Number((rssBig / rssSmall).toFixed(3)),
    heapTarget: 'flat (growth ratio ≤ 1.1 at 5× the bars)',
    gcExposed: typeof (globalThis as { gc?: unknown }).gc === 'function',
    // The sampled runs, for comparison with figures taken before 2026-12-03 (when the timed run was the sampled one).
    heapSampledRuns: { barsPerSec: Math.round(BARS / (heapBig.ms / 1000)), barsPerCpuSec: Math.round(BARS / (heapBig.cpuMs / 1000)), smallRunBarsPerSec: Math.round(BARS / 5 / (heapSmall.ms / 1000)), trades: heapBig.trades },
    realFile: { file: 'freqtrade ETH_BTC-5m.json', bars: real.bars, ms: Math.round(realMs), trades: real.trades.length },
    smallRun: { bars: BARS / 5, barsPerSec: Math.round(BARS / 5 / (small.ms / 1000)) },
  }),
);
