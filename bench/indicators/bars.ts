/**
 * The bar stream of the indicator benches (bench/indicators.bench.ts, bench/ab/indicators-ab.ts):
 * `count` bars built from the real Binance ETH/BTC 5m candles of the shared TA-Lib reference set,
 * cut into 96-bar chunks (8 h) chained in a fixed pseudo-random order, each chunk rescaled to open
 * at the previous chunk's close. Real bar shapes, ties and volumes, but no global period (simply
 * repeating the 5 760-bar series lets the branch predictor learn the data for windows that divide
 * 5 760). All bars are plain objects of one shape, so `bar.high` etc. stay monomorphic.
 */
import type { IndicatorInput } from '../../src/main/engine/indicators/index';
import { loadTalibReference } from '../../src/main/engine/indicators/reference-data';

const CHUNK = 96;

export function buildBars(count: number): IndicatorInput[] {
  const series = loadTalibReference().bars;
  const chunks = Math.floor(series.length / CHUNK);
  let seed = 12345;
  const next = (): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed;
  };
  const out: IndicatorInput[] = [];
  let lastClose = series[0]!.open;
  let time = series[0]!.time;
  while (out.length < count) {
    const start = (next() % chunks) * CHUNK;
    const f = lastClose / series[start]!.open;
    for (let k = start; k < start + CHUNK; k++) {
      const b = series[k]!;
      time += 300_000;
      out.push({ high: b.high * f, low: b.low * f, close: b.close * f, open: b.open * f, volume: b.volume, time });
    }
    lastClose = out[out.length - 1]!.close;
  }
  return out;
}
