/**
 * Indicator micro-benchmark: nanoseconds per streaming `update(bar)` for every registered
 * indicator (default parameters), against the ≤ 50 ns per update target.
 *
 * Method (fair and stable on a shared machine):
 * - Bars: 1 M+ bars built from the real Binance ETH/BTC 5m candles of the shared TA-Lib reference
 *   set, cut into 96-bar chunks chained in a fixed pseudo-random order (bench/indicators/bars.ts).
 *   The stream has real bar shapes, ties and volumes but no global period: simply repeating the
 *   5 760-bar series lets the CPU's branch predictor learn the data for windows that divide 5 760
 *   (a 20-bar window measured 2–3× faster than a 14-bar one on the repeated series), which is not
 *   what live data does. All bars are plain objects of one shape, so `bar.high` etc. are
 *   monomorphic inside the indicators.
 * - Every indicator, plus `baseline` (an indicator whose update does nothing), is driven through
 *   the same `run` loop, i.e. the same call site; all of them are warmed up (JIT) before anything
 *   is timed, so every timed loop sees the same megamorphic `update` dispatch, as the engine's
 *   indicator handles do. `baseline` is that loop's own cost (dispatch + reading the bar array).
 * - 5 repetitions of UPDATES updates each, interleaved (rep 1 of every indicator, then rep 2, …)
 *   so a burst of load from other processes hits all indicators alike; the reported figure is the
 *   median. `minNs` is the fastest repetition, `netNs` = median − baseline median.
 * - `over50ns` lists the indicators whose median (loop overhead included) exceeds 50 ns.
 *
 * Run: `npx tsx bench/indicators.bench.ts` → prints ONE JSON object on stdout:
 *   { "bench": "indicators", "updates": N, "reps": 5, "unit": "ns/update", "baseline": 6.1,
 *     "results": [{ "name": "sma_20", "nsPerUpdate": 12.3, "netNs": 6.2, "minNs": 12.0 }, …],
 *     "over50ns": ["…"], "checksum": 1 }
 * Runtime ≈ 5–10 s. `LIBRA_BENCH_ONLY=stochrsi,ichimoku` times only the indicators whose name starts
 * with one of those prefixes (all are still warmed up, so the call site stays megamorphic).
 */
import { createIndicator, KNOWN_INDICATORS } from '../src/main/engine/indicators/index';
import type { IndicatorInput } from '../src/main/engine/indicators/index';
import { buildBars } from './indicators/bars';

const UPDATES = 1_000_000;
const REPS = 5;
const WARMUP_UPDATES = 300_000;
const WARMUP_PASSES = 2;
const TARGET_NS = 50;

interface Runnable {
  readonly name: string;
  update(bar: IndicatorInput): void;
  output(index: number): number;
}

const bars = buildBars(UPDATES);

const baseline: Runnable = {
  name: 'baseline',
  update(_bar: IndicatorInput): void {},
  output(_index: number): number {
    return 0;
  },
};

/** The one timed loop every indicator goes through. */
function run(ind: Runnable, count: number): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < count; i++) ind.update(bars[i]!);
  const t1 = process.hrtime.bigint();
  return Number(t1 - t0) / count;
}

const list: Runnable[] = [baseline, ...KNOWN_INDICATORS.map((spec) => createIndicator(spec).indicator)];
for (let w = 0; w < WARMUP_PASSES; w++) for (const ind of list) run(ind, WARMUP_UPDATES);

const only = (process.env['LIBRA_BENCH_ONLY'] ?? '').split(',').filter((p) => p !== '');
const timed = only.length === 0 ? list : list.filter((ind, i) => i === 0 || only.some((p) => ind.name.startsWith(p)));
const samples = timed.map((): number[] => []);
for (let r = 0; r < REPS; r++) {
  for (let i = 0; i < timed.length; i++) samples[i]!.push(run(timed[i]!, UPDATES));
}

let sink = 0;
for (const ind of list) sink += ind.output(0) || 0;

const round = (v: number): number => Math.round(v * 10) / 10;
const median = (v: readonly number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s[s.length >> 1]!;
};
const base = median(samples[0]!);
const results = timed.slice(1).map((ind, i) => {
  const s = samples[i + 1]!;
  const med = median(s);
  return { name: ind.name, nsPerUpdate: round(med), netNs: round(med - base), minNs: round(Math.min(...s)) };
});
const over50ns = results.filter((r) => r.nsPerUpdate > TARGET_NS).map((r) => r.name);

process.stdout.write(
  `${JSON.stringify({ bench: 'indicators', updates: UPDATES, reps: REPS, unit: 'ns/update', baseline: round(base), results, over50ns, checksum: Number.isFinite(sink) ? 1 : 0 })}\n`,
);
