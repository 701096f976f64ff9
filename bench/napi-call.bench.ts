/**
 * Per-call cost of the hot native calls, A/B in ONE process: the built addon (native/) against
 * an older build of it (LIBRA_NATIVE_OLD=/path/to/old.node, e.g. a copy of the previous
 * native/*.node), in CPU time (process.cpuUsage, user + system) so that other load on the
 * machine counts less than in wall time. Rounds alternate A, B, A, B…; the median per op is
 * reported. LIBRA_NATIVE_FFI=/path.node adds a build of the hand-written Node-API shim that
 * napi-rs replaced (commit af51210: `cargo build --release -p libra-native`, the .so copied to a
 * .node); its cases are named ffi…. Without either, only the new addon is measured.
 *
 *   risk: old `checkSubmit(9 numbers)` vs new `scratchChecker` function (numbers written into a
 *         Float64Array bound once; a plain function, no class receiver checks) vs new
 *         `checkSubmitScratch()` (same scratch, class method) vs new `checkSubmit(9 numbers)`; plus the whole
 *         NativeRiskGate.checkSubmit wrapper (what the engine would call).
 *   hmac: old `sign(query, 'hex')` vs new `hexSigner()` function (plain function; reused input
 *         buffer, hex built on the stack) vs new `signHex(query)` (same, class method) vs new
 *         `sign(query, 'hex')`.
 *   noop: the empty call on both.
 * Run: LIBRA_NATIVE_OLD=/tmp/old.node LIBRA_NATIVE_FFI=/tmp/ffi.node npx tsx bench/napi-call.bench.ts
 */
import { createRequire } from 'node:module';
import { makeInstrument } from '../src/shared/domain/instrument';
import type { RiskOrder } from '../src/main/engine/risk/risk-gate';
import { loadNative } from '../src/main/native/index';
import type { NativeAddon } from '../src/main/native/index';
import { NativeRiskGate } from '../src/main/native/native-risk-gate';

const addon = loadNative();
if (!addon) {
  console.log(JSON.stringify({ bench: 'napi-call', error: 'addon not built' }));
  process.exit(0);
}
const oldPath = process.env.LIBRA_NATIVE_OLD;
const ffiPath = process.env.LIBRA_NATIVE_FFI;
const req = createRequire(import.meta.url);
/** Earlier builds to compare with, by the prefix of their cases. */
const olds: Array<[string, NativeAddon]> = [];
if (oldPath) olds.push(['old', req(oldPath) as NativeAddon]);
if (ffiPath) olds.push(['ffi', req(ffiPath) as NativeAddon]);

const SECRET = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';
const QUERY = 'symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.00150&price=64321.50&newClientOrderId=libra-0001-abcdef&recvWindow=5000&timestamp=1717171717171';
const CONFIG = { defaults: { maxOrderQty: 100, maxOrderNotional: 10_000_000, maxLong: 1e9, maxShort: 1e9, collarBps: 500 }, orderRate: { capacity: 1e15, perSecond: 1e12 }, maxOpenOrders: 1_000_000 };
const inst = makeInstrument({ symbol: 'BTC/USDT', venue: 'BINANCE', tickSize: '0.01', lotSize: '0.00001', minNotional: 5 });

/** A raw low-level gate of one addon build, with its handles. */
function rawGate(a: NativeAddon): { gate: InstanceType<NativeAddon['RiskGate']>; ih: number; sh: number } {
  const gate = new a.RiskGate(JSON.stringify(CONFIG));
  const ih = gate.registerInstrument(inst.id, inst.pricePrecision, inst.sizePrecision, inst.tickRaw, inst.lotRaw, inst.minQtyRaw, inst.minNotional, inst.base, inst.quote);
  gate.referencePrice(ih, 'last', 64_000);
  return { gate, ih, sh: gate.internStrategy('s1') };
}

const N = 200_000;
const ROUNDS = 9;
/** CPU ns per op of one round. */
function cpuRound(f: (i: number) => unknown): number {
  const c0 = process.cpuUsage();
  for (let i = 0; i < N; i++) f(i);
  const c = process.cpuUsage(c0);
  return ((c.user + c.system) * 1000) / N;
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
/** Alternating rounds of every case; median CPU ns/op each (allowed count checked: must be > 0). */
function ab(cases: Record<string, (i: number) => unknown>): Record<string, number> {
  const names = Object.keys(cases);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (const n of names) cpuRound(cases[n] as (i: number) => unknown); // warm-up
  for (let r = 0; r < ROUNDS; r++) for (const n of names) (samples[n] as number[]).push(cpuRound(cases[n] as (i: number) => unknown));
  return Object.fromEntries(names.map((n) => [n, Math.round(median(samples[n] as number[]) * 10) / 10]));
}

// ---- risk check ---------------------------------------------------------------------------
const nw = rawGate(addon);
const scratch = new Float64Array(9);
nw.gate.bindScratch(scratch);
const fscratch = new Float64Array(10);
const checkFn = nw.gate.scratchChecker(fscratch);
const qty = (i: number): number => 1 + (i % 997) * 13;
const price = (i: number): number => 6_400_000 + (i % 1000);
let sink = 0;
const riskCases: Record<string, (i: number) => unknown> = {
  newScratch: (i) => {
    scratch[0] = nw.sh;
    scratch[1] = nw.ih;
    scratch[2] = i & 1;
    scratch[3] = 1;
    scratch[4] = qty(i);
    scratch[5] = price(i);
    scratch[6] = 0;
    scratch[7] = 2;
    scratch[8] = 4;
    sink += nw.gate.checkSubmitScratch();
  },
  newFunction: (i) => {
    fscratch[0] = nw.sh;
    fscratch[1] = nw.ih;
    fscratch[2] = i & 1;
    fscratch[3] = 1;
    fscratch[4] = qty(i);
    fscratch[5] = price(i);
    fscratch[6] = 0;
    fscratch[7] = 2;
    fscratch[8] = 4;
    fscratch[9] = 0;
    sink += checkFn();
  },
  newArgs: (i) => (sink += nw.gate.checkSubmit(nw.sh, nw.ih, i & 1, 1, qty(i), price(i), 0, 2, 4)),
};
for (const [name, a] of olds) {
  const og = rawGate(a);
  riskCases[`${name}Args`] = (i) => (sink += og.gate.checkSubmit(og.sh, og.ih, i & 1, 1, qty(i), price(i), 0, 2, 4));
}
const wrapper = new NativeRiskGate(addon, CONFIG);
wrapper.registerInstrument(inst);
wrapper.onReferencePrice(inst.id, 'last', 64_000);
const orders: RiskOrder[] = Array.from({ length: 1000 }, (_, k) => ({ clientOrderId: `o${k}`, strategyId: 's1', instrumentId: inst.id, side: k % 2 ? 'SELL' : 'BUY', type: 'LIMIT', quantityRaw: qty(k), priceRaw: price(k), reduceOnly: false }));
let allowed = 0;
riskCases.newWrapper = (i) => {
  if (wrapper.checkSubmit(orders[i % 1000] as RiskOrder, 4).allowed) allowed++;
};
const risk = ab(riskCases);
if (allowed === 0) throw new Error('no order allowed: the bench would measure the deny path');

// ---- HMAC ---------------------------------------------------------------------------------
const hNew = new addon.HmacSigner('sha256', SECRET);
const expected = hNew.sign(QUERY, 'hex');
const hexFn = hNew.hexSigner();
if (hNew.signHex(QUERY) !== expected || hexFn(QUERY) !== expected) throw new Error('signHex differs from sign(hex)');
const hmacCases: Record<string, (i: number) => unknown> = {
  newHexFunction: () => hexFn(QUERY),
  newSignHex: () => hNew.signHex(QUERY),
  newSign: () => hNew.sign(QUERY, 'hex'),
};
for (const [name, a] of olds) {
  const hOld = new a.HmacSigner('sha256', SECRET);
  if (hOld.sign(QUERY, 'hex') !== expected) throw new Error(`${name} and new addons sign differently`);
  hmacCases[`${name}Sign`] = () => hOld.sign(QUERY, 'hex');
}
const hmac = ab(hmacCases);

const noopCases: Record<string, (i: number) => unknown> = { newNoop: () => addon.noop() };
for (const [name, a] of olds) noopCases[`${name}Noop`] = () => a.noop();
const noop = ab(noopCases);

console.log(
  JSON.stringify({
    bench: 'napi-call',
    unit: 'CPU ns per call (median of 9 alternating rounds of 200 k)',
    old: oldPath ?? null,
    ffi: ffiPath ?? null,
    riskCheckSubmit: risk,
    hmacSha256Hex: { payloadBytes: QUERY.length, ...hmac },
    noop,
    sink: sink > 0,
  }),
);
