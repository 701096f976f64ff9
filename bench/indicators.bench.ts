/**
 * Indicator micro-benchmark: nanoseconds per streaming `update(bar)` for every registered
 * indicator, over ≥ 1 M updates of real bars (Binance ETH/BTC 5m from the shared TA-Lib reference
 * set, repeated). Each indicator gets JIT warm-up passes first; the timed loop touches only
 * `update` and reads one output at the end (so the work is not dead code).
 *
 * Run: `npx tsx bench/indicators.bench.ts` → prints ONE JSON object on stdout:
 *   { "bench": "indicators", "updates": N, "results": [{ "name": "sma_20", "nsPerUpdate": 12.3 }, …] }
 * Runtime ≈ a few seconds (bounded well under 20 s).
 */
import { createIndicator, KNOWN_INDICATORS } from '../src/main/engine/indicators/index';
import type { IndicatorInput } from '../src/main/engine/indicators/index';
import { loadTalibReference } from '../src/main/engine/indicators/reference-data';

const UPDATES = 1_000_000;
const WARMUP_UPDATES = 300_000;
const WARMUP_PASSES = 2;

const series = loadTalibReference().bars;
// repeat the real series to ≥ UPDATES bars (plain objects of identical shape → monomorphic access)
const bars: IndicatorInput[] = [];
while (bars.length < UPDATES) {
  for (const b of series) bars.push({ high: b.high, low: b.low, close: b.close, open: b.open, volume: b.volume, time: b.time });
}

function run(spec: string, count: number): { name: string; ns: number; sink: number } {
  const h = createIndicator(spec);
  const ind = h.indicator;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < count; i++) ind.update(bars[i]!);
  const t1 = process.hrtime.bigint();
  return { name: ind.name, ns: Number(t1 - t0) / count, sink: ind.output(0) };
}

const results: { name: string; nsPerUpdate: number }[] = [];
let sink = 0;
for (const spec of KNOWN_INDICATORS) {
  for (let w = 0; w < WARMUP_PASSES; w++) sink += run(spec, WARMUP_UPDATES).sink || 0;
  const r = run(spec, UPDATES);
  sink += r.sink || 0;
  results.push({ name: r.name, nsPerUpdate: Math.round(r.ns * 10) / 10 });
}

process.stdout.write(`${JSON.stringify({ bench: 'indicators', updates: UPDATES, results, checksum: Number.isFinite(sink) ? 1 : 0 })}\n`);
