/**
 * Pre-trade check latency: the native gate (including the JS → Rust call and the wrapper) vs
 * the TypeScript gate, on the same generated orders; single-check p50/p99 and a 10 k batch.
 * Prints ONE JSON object. Run: npx tsx bench/risk.bench.ts
 */
import { makeInstrument } from '../src/shared/domain/instrument';
import type { RiskConfig, RiskGate, RiskOrder } from '../src/main/engine/risk/risk-gate';
import { TsRiskGate } from '../src/main/engine/risk/ts-risk-gate';
import { loadNative } from '../src/main/native/index';
import { NativeRiskGate } from '../src/main/native/native-risk-gate';

const addon = loadNative();
if (!addon) {
  console.log(JSON.stringify({ bench: 'risk', error: 'addon not built' }));
  process.exit(0);
}

const inst = makeInstrument({ symbol: 'BTC/USDT', venue: 'BINANCE', tickSize: '0.01', lotSize: '0.00001', minNotional: 5 });
// Every check runs (limits generous, buckets large): the slow path of an ALLOW, not a quick deny.
const config: RiskConfig = {
  defaults: { maxOrderQty: 100, maxOrderNotional: 10_000_000, maxLong: 1000, maxShort: 1000, collarBps: 500 },
  strategies: { s1: { maxLong: 500, maxShort: 500 } },
  orderRate: { capacity: 1e12, perSecond: 1e9 },
  maxOpenOrders: 1_000_000,
};
const N = 10_000;
let seed = 7;
const rnd = (): number => ((seed = (seed * 1_103_515_245 + 12_345) >>> 0) / 2 ** 32);
const orders: RiskOrder[] = Array.from({ length: N }, (_, k) => ({
  clientOrderId: `o${k}`,
  strategyId: 's1',
  instrumentId: inst.id,
  side: rnd() < 0.5 ? 'BUY' : 'SELL',
  type: 'LIMIT',
  quantityRaw: 1 + Math.floor(rnd() * 100_000),
  priceRaw: 6_400_000 + Math.floor(rnd() * 100_000),
  reduceOnly: false,
}));

function setup<G extends RiskGate>(g: G): G {
  g.registerInstrument(inst);
  g.onReferencePrice(inst.id, 'last', 64_500);
  g.onFill('s1', inst.id, 'BUY', 10_000);
  return g;
}

/** Per-call latency percentiles (ns), each call timed individually, after a warm-up pass. */
function percentiles(g: RiskGate): { p50: number; p99: number; mean: number; allowed: number } {
  const lat = new Float64Array(N * 10);
  let allowed = 0;
  for (let w = 0; w < 3; w++) for (const o of orders) g.checkSubmit(o, 1);
  for (let r = 0; r < 10; r++) {
    for (let k = 0; k < N; k++) {
      const t0 = process.hrtime.bigint();
      const v = g.checkSubmit(orders[k] as RiskOrder, 2 + r);
      lat[r * N + k] = Number(process.hrtime.bigint() - t0);
      if (v.allowed) allowed++;
    }
  }
  const sorted = lat.sort();
  return { p50: sorted[Math.floor(sorted.length * 0.5)] as number, p99: sorted[Math.floor(sorted.length * 0.99)] as number, mean: sorted.reduce((a, b) => a + b, 0) / sorted.length, allowed };
}

/** Throughput of tight loops (ns/check) — excludes the ~30-50 ns hrtime cost of the above. */
function loop(g: RiskGate): number {
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    for (const o of orders) g.checkSubmit(o, 3);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / N);
  }
  return best;
}

function batch(f: () => unknown): number {
  f();
  let best = Infinity;
  for (let r = 0; r < 10; r++) {
    const t0 = process.hrtime.bigint();
    f();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return best;
}

const ts = setup(new TsRiskGate(config));
const nat = setup(new NativeRiskGate(addon, config));
const tsP = percentiles(ts);
const natP = percentiles(nat);
const tsLoop = loop(ts);
const natLoop = loop(nat);
const tsBatch = batch(() => ts.checkSubmitBatch(orders, 4));
const natBatch = batch(() => nat.checkSubmitBatch(orders, 4));
// Pre-packed: what a caller that keeps orders in a Float64Array pays (no per-order JS packing).
const h = nat.handles(inst.id, 's1');
const packed = new Float64Array(N * 8);
orders.forEach((o, k) => packed.set([h.strategy, h.instrument, o.side === 'BUY' ? 0 : 1, 1, o.quantityRaw, o.priceRaw ?? 0, 0, 2], k * 8));
const out = new Uint8Array(N);
const natPacked = batch(() => nat.checkSubmitPacked(packed, 4, out));

const r1 = (x: number): number => Math.round(x * 10) / 10;
console.log(
  JSON.stringify({
    bench: 'risk',
    orders: N,
    allowedShare: { typescript: r1(tsP.allowed / (N * 10)), native: r1(natP.allowed / (N * 10)) },
    singleCheckNs: {
      note: 'each call timed with hrtime (adds ~30-60 ns); native includes the wrapper and the JS→Rust call',
      typescript: { p50: tsP.p50, p99: tsP.p99, mean: r1(tsP.mean) },
      native: { p50: natP.p50, p99: natP.p99, mean: r1(natP.mean) },
    },
    loopNsPerCheck: { typescript: r1(tsLoop), native: r1(natLoop), tsOverNative: r1(tsLoop / natLoop) },
    batch10kMs: { typescript: r1(tsBatch * 1000) / 1000, native: r1(natBatch * 1000) / 1000, nativePrepacked: r1(natPacked * 1000) / 1000, tsOverNative: r1(tsBatch / natBatch) },
  }),
);
