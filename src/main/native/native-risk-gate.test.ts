/**
 * The native (Rust) gate: the shared scenario table, parity with the TypeScript gate on
 * generated inputs (seeded PRNG, deterministic), fuzzing with invalid numbers (always DENY),
 * and the panic → INTERNAL_ERROR path. Skipped, loudly, when the addon is not built.
 */
import { describe, expect, it } from 'vitest';
import { makeInstrument } from '../../shared/domain/instrument';
import type { Instrument } from '../../shared/domain/instrument';
import type { OrderSide, OrderType } from '../../shared/domain/order';
import { GATE_CASES, btc, order } from '../engine/risk/risk-gate.cases';
import { DENY_REASONS } from '../engine/risk/risk-gate';
import type { ReferencePriceKind, RiskConfig, RiskGate, RiskOrder, RiskVerdict, TradingState } from '../engine/risk/risk-gate';
import { TsRiskGate } from '../engine/risk/ts-risk-gate';
import { tryLoadNative } from './index';
import { NativeRiskGate } from './native-risk-gate';

const loaded = tryLoadNative();
const addon = loaded.ok ? loaded.addon : undefined;
if (!addon) console.warn(`[native-risk-gate.test] addon not built — native tests skipped (${loaded.ok ? '' : loaded.reason})`);
const d = addon ? describe : describe.skip;

function nativeGate(config: RiskConfig): NativeRiskGate {
  if (!addon) throw new Error('addon not loaded');
  return new NativeRiskGate(addon, config);
}

d('NativeRiskGate — shared scenarios', () => {
  for (const c of GATE_CASES) {
    it(c.name, () => c.run(nativeGate));
  }
});

/** mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INSTRUMENTS: Instrument[] = [
  btc(),
  makeInstrument({ symbol: 'ETH/USDT', venue: 'BINANCE', tickSize: '0.05', lotSize: '0.005', minQty: '0.01', minNotional: 1 }),
  makeInstrument({ symbol: 'DOGE/USDT', venue: 'BYBIT', tickSize: '0.00001', lotSize: '1', minNotional: 0 }),
  makeInstrument({ symbol: 'BTC/USD:BTC', venue: 'DERIBIT', kind: 'perpetual', tickSize: '0.5', lotSize: '10', minNotional: 10 }),
];
const IDS = [...INSTRUMENTS.map((i) => i.id), 'UNKNOWN/USDT@NOWHERE', ''];
const STRATEGIES = ['s1', 's2', 's3', 'ghost'];
const SIDES: OrderSide[] = ['BUY', 'SELL', 'BUY', 'SELL', 'HOLD' as OrderSide];
const TYPES: OrderType[] = ['LIMIT', 'LIMIT', 'MARKET', 'STOP_MARKET', 'STOP_LIMIT', 'TWAP' as OrderType];
const KINDS: ReferencePriceKind[] = ['last', 'mark', 'mid'];
const STATES: TradingState[] = ['ACTIVE', 'ACTIVE', 'REDUCING', 'HALTED'];
const BAD = [Number.NaN, Infinity, -Infinity, 0, -1, -1000, 0.5, 1.25, 2 ** 53, 1e300, -0];

function randomConfig(r: () => number): RiskConfig {
  const maybe = <T>(v: T): T | undefined => (r() < 0.6 ? v : undefined);
  return {
    defaults: { maxOrderQty: maybe(1 + Math.floor(r() * 50)), maxOrderNotional: maybe(1000 + Math.floor(r() * 200_000)), maxLong: maybe(r() * 100), maxShort: maybe(r() * 100), collarBps: maybe(50 + Math.floor(r() * 1000)) },
    instruments: { [INSTRUMENTS[1]?.id ?? '']: { maxOrderQty: maybe(r() * 20), collarBps: maybe(r() * 300) } },
    strategies: r() < 0.7 ? { s1: { maxLong: r() * 10, maxShort: maybe(r() * 10) }, s2: { maxLong: maybe(r() * 50) } } : undefined,
    referencePrice: KINDS[Math.floor(r() * 3)],
    orderRate: maybe({ capacity: 1 + Math.floor(r() * 20), perSecond: r() * 50 }),
    modifyRate: maybe({ capacity: 1 + Math.floor(r() * 5), perSecond: r() * 10 }),
    maxOpenOrders: maybe(Math.floor(r() * 30)),
    dailyLossLimit: maybe(r() * 5000),
    drawdownWarn: maybe(r() * 0.2),
    drawdownHalt: maybe(0.1 + r() * 0.3),
  };
}

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)] as T;
}

/** A raw number: usually a valid grid multiple, sometimes off-grid, sometimes garbage. */
function raw(r: () => number, step: number, scale: number): number {
  const x = r();
  if (x < 0.06) return pick(r, BAD);
  if (x < 0.12) return 1 + Math.floor(r() * scale);
  return step * (1 + Math.floor(r() * (scale / step)));
}

function randomOrder(r: () => number, k: number): RiskOrder {
  const instrumentId = pick(r, IDS);
  const inst = INSTRUMENTS.find((i) => i.id === instrumentId) ?? INSTRUMENTS[0];
  const type = pick(r, TYPES);
  const refRaw = 10 ** inst!.pricePrecision * [30_000, 2_000, 0.1, 30_000][INSTRUMENTS.indexOf(inst!) % 4]!;
  const px = (): number => (r() < 0.1 ? pick(r, BAD) : Math.round((refRaw * (0.9 + r() * 0.2)) / inst!.tickRaw) * inst!.tickRaw);
  return {
    clientOrderId: `o${k}`,
    strategyId: pick(r, STRATEGIES),
    instrumentId,
    side: pick(r, SIDES),
    type,
    quantityRaw: raw(r, inst!.lotRaw, 10 ** inst!.sizePrecision * 5),
    priceRaw: r() < 0.85 ? px() : undefined,
    triggerPriceRaw: r() < 0.4 || type.startsWith('STOP') ? (r() < 0.9 ? px() : undefined) : undefined,
    reduceOnly: r() < 0.15,
  };
}

function outcome(f: () => unknown): unknown {
  try {
    return f();
  } catch (e) {
    return { threw: (e as { code?: string }).code ?? String(e) };
  }
}

/** Verdict histogram across parity runs, to prove the generator reaches most checks. */
const seen = new Map<string, number>();

/** Runs `ops` random operations on both gates; returns how many checks were compared. */
function runParity(seed: number, ops: number): number {
  const r = prng(seed);
  const config = randomConfig(r);
  const ts: RiskGate = new TsRiskGate(config);
  const nat: RiskGate = nativeGate(config);
  for (const i of INSTRUMENTS) {
    ts.registerInstrument(i);
    nat.registerInstrument(i);
  }
  let now = 1_700_000_000_000;
  let checks = 0;
  const fail = (k: number, what: string, a: unknown, b: unknown): never => {
    throw new Error(`seed ${seed} op ${k} ${what}: ts=${JSON.stringify(a)} native=${JSON.stringify(b)}`);
  };
  for (let k = 0; k < ops; k++) {
    now += r() < 0.02 ? -Math.floor(r() * 1000) : Math.floor(r() * 200);
    const t = r() < 0.01 ? pick(r, [Number.NaN, Infinity]) : now;
    const x = r();
    if (x < 0.7) {
      const o = randomOrder(r, k);
      const a: RiskVerdict = ts.checkSubmit(o, t);
      const b: RiskVerdict = nat.checkSubmit(o, t);
      checks++;
      const key = a.allowed ? 'ALLOW' : a.reason;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      if (JSON.stringify(a) !== JSON.stringify(b)) fail(k, `checkSubmit ${JSON.stringify(o)}`, a, b);
    } else if (x < 0.8) {
      const o = randomOrder(r, k);
      const a = ts.checkModify(o, t);
      const b = nat.checkModify(o, t);
      checks++;
      if (JSON.stringify(a) !== JSON.stringify(b)) fail(k, `checkModify ${JSON.stringify(o)}`, a, b);
    } else if (x < 0.88) {
      const inst = pick(r, INSTRUMENTS);
      const q = r() < 0.05 ? pick(r, BAD) : inst.lotRaw * (1 + Math.floor(r() * 3000));
      const args = [pick(r, STRATEGIES), inst.id, pick(r, SIDES), q] as const;
      const a = outcome(() => ts.onFill(...args));
      const b = outcome(() => nat.onFill(...args));
      if (JSON.stringify(a) !== JSON.stringify(b)) fail(k, 'onFill', a, b);
    } else if (x < 0.93) {
      const id = pick(r, IDS);
      const kind = pick(r, KINDS);
      const p = r() < 0.05 ? pick(r, BAD) : [30_000, 2_000, 0.1, 30_000, 5, 5][IDS.indexOf(id)]! * (0.95 + r() * 0.1);
      ts.onReferencePrice(id, kind, p);
      nat.onReferencePrice(id, kind, p);
    } else if (x < 0.96) {
      const id = `o${Math.floor(r() * 40)}`;
      if (r() < 0.5) {
        ts.onOrderOpened(id, pick(r, IDS));
        nat.onOrderOpened(id, pick(r, IDS));
      } else {
        ts.onOrderClosed(id);
        nat.onOrderClosed(id);
      }
    } else if (x < 0.995) {
      const e = r() < 0.03 ? pick(r, BAD) : 5_000 + r() * 10_000;
      const a = ts.onEquity(e, t);
      const b = nat.onEquity(e, t);
      if (JSON.stringify(a) !== JSON.stringify(b)) fail(k, 'onEquity', a, b);
    } else {
      const s = pick(r, STATES);
      const a = ts.setTradingState(s, t, 'fuzz');
      const b = nat.setTradingState(s, t, 'fuzz');
      if (JSON.stringify(a) !== JSON.stringify(b)) fail(k, 'setTradingState', a, b);
    }
    if (k % 97 === 0) {
      const a = [ts.tradingState(), ts.openOrderCount(), ...IDS.map((id) => ts.position(id))];
      const b = [nat.tradingState(), nat.openOrderCount(), ...IDS.map((id) => nat.position(id))];
      if (JSON.stringify(a) !== JSON.stringify(b)) fail(k, 'state', a, b);
    }
  }
  return checks;
}

d('NativeRiskGate — parity with the TypeScript gate', () => {
  it('gives identical verdicts, reasons and messages on 120 000 generated operations', () => {
    let checks = 0;
    for (let seed = 1; seed <= 24; seed++) checks += runParity(seed, 5_000);
    expect(checks).toBeGreaterThan(90_000);
    // Every reason but INTERNAL_ERROR (only reachable by a panic) is exercised, and many orders pass.
    expect([...seen.keys()].sort()).toEqual(
      ['ALLOW', ...DENY_REASONS.filter((r) => r !== 'INTERNAL_ERROR' && r !== 'MODIFY_RATE_EXCEEDED')].sort(),
    );
    expect(seen.get('ALLOW') ?? 0).toBeGreaterThan(1_000);
  });

  it('batch check returns the same codes as the TypeScript batch', () => {
    const r = prng(99);
    const config = randomConfig(r);
    const ts = new TsRiskGate(config);
    const nat = nativeGate(config);
    for (const i of INSTRUMENTS) {
      ts.registerInstrument(i);
      nat.registerInstrument(i);
      ts.onReferencePrice(i.id, config.referencePrice ?? 'last', 1000);
      nat.onReferencePrice(i.id, config.referencePrice ?? 'last', 1000);
    }
    const orders = Array.from({ length: 10_000 }, (_, k) => randomOrder(r, k));
    expect([...nat.checkSubmitBatch(orders, 5)]).toEqual([...ts.checkSubmitBatch(orders, 5)]);
  });

  it('async batch (libuv pool) returns the sync batch codes and leaves the same state', async () => {
    for (const seed of [3, 41, 99]) {
      const r = prng(seed);
      const config = randomConfig(r);
      const sync = nativeGate(config);
      const async = nativeGate(config);
      for (const g of [sync, async]) {
        for (const i of INSTRUMENTS) {
          g.registerInstrument(i);
          g.onReferencePrice(i.id, config.referencePrice ?? 'last', 1000);
        }
      }
      const orders = Array.from({ length: 5_000 }, (_, k) => randomOrder(r, k));
      const [a, b] = [orders.slice(0, 2_500), orders.slice(2_500)];
      // Two batches in flight at once run in call order (rate tokens carry over).
      const pending = [async.checkSubmitBatchAsync(a, 5), async.checkSubmitBatchAsync(b, 5)];
      const expected = [...sync.checkSubmitBatch(a, 5), ...sync.checkSubmitBatch(b, 5)];
      const got = await Promise.all(pending);
      expect([...(got[0] ?? []), ...(got[1] ?? [])]).toEqual(expected);
      expect(new Set(expected).size).toBeGreaterThan(1);
      // Same state afterwards: the next sync checks agree.
      const after = Array.from({ length: 500 }, (_, k) => randomOrder(r, k));
      expect([...async.checkSubmitBatch(after, 6)]).toEqual([...sync.checkSubmitBatch(after, 6)]);
    }
  });
});

d('NativeRiskGate — fuzzing and failure modes', () => {
  it('a panic inside an async batch denies that order and every later one (INTERNAL_ERROR)', async () => {
    const g = nativeGate({ defaults: {} });
    g.registerInstrument(btc());
    expect([...(await g.checkSubmitBatchAsync([order(), order()], 0))]).toEqual([0, 0]);
    g.debugInjectPanic();
    const codes = await g.checkSubmitBatchAsync([order(), order(), order()], 1);
    expect([...codes].map((c) => g.reasonOf(c))).toEqual(['INTERNAL_ERROR', 'INTERNAL_ERROR', 'INTERNAL_ERROR']);
    expect(g.checkSubmit(order(), 2)).toMatchObject({ allowed: false, reason: 'INTERNAL_ERROR' });
  });

  it('keeps call order between an async batch and the sync calls made after it', async () => {
    const g = nativeGate({ defaults: {}, orderRate: { capacity: 2, perSecond: 0.001 } });
    g.registerInstrument(btc());
    const pending = g.checkSubmitBatchAsync([order(), order()], 0);
    // Called after the batch, so it sees the two tokens the batch took, whether or not a pool
    // thread has run the batch yet (then this call runs it first, on the JS thread).
    expect(g.checkSubmit(order(), 0)).toMatchObject({ allowed: false, reason: 'ORDER_RATE_EXCEEDED' });
    expect([...(await pending)]).toEqual([0, 0]);
  });

  it('rejects a malformed async batch synchronously with a stable code', () => {
    if (!addon) return;
    const gate = new addon.RiskGate('{"defaults":{}}');
    expect(() => gate.checkSubmitBatchAsync(new Float64Array(7), 0)).toThrow(expect.objectContaining({ code: 'ERR_LIBRA_INVALID_ARGUMENT' }));
  });

  it('always denies NaN, infinite, non-integer, zero and negative sizes and unknown instruments', () => {
    const g = nativeGate({ defaults: {} });
    g.registerInstrument(btc());
    const r = prng(7);
    for (let k = 0; k < 20_000; k++) {
      const bad = pick(r, BAD);
      const field = Math.floor(r() * 4);
      const o = order({
        quantityRaw: field === 0 ? bad : 1000,
        priceRaw: field === 1 ? bad : 3_000_000,
        instrumentId: field === 2 ? `X${k}` : btc().id,
        type: field === 3 ? 'STOP_LIMIT' : 'LIMIT',
        triggerPriceRaw: field === 3 ? bad : undefined,
      });
      const v = g.checkSubmit(o, k);
      if (bad === 2 ** 53 - 1) continue;
      expect(v.allowed).toBe(false);
    }
  });

  it('turns a panic inside the Rust gate into DENY INTERNAL_ERROR and stays closed', () => {
    const g = nativeGate({ defaults: {} });
    g.registerInstrument(btc());
    expect(g.checkSubmit(order(), 0).allowed).toBe(true);
    g.debugInjectPanic();
    const v = g.checkSubmit(order(), 0);
    expect(v).toMatchObject({ allowed: false, reason: 'INTERNAL_ERROR' });
    expect(g.checkSubmit(order(), 1).allowed).toBe(false);
  });

  it('maps native errors to JS errors with stable codes', () => {
    expect(() => nativeGate({ defaults: { maxLong: -1 } })).toThrow(expect.objectContaining({ code: 'ERR_RISK_INVALID_CONFIG' }));
    const g = nativeGate({ defaults: {} });
    expect(() => g.onFill('s1', btc().id, 'BUY', 1.5)).toThrow(expect.objectContaining({ code: 'ERR_RISK_INVALID_ARGUMENT' }));
    expect(() => g.registerInstrument({ ...btc(), lotRaw: 0 })).toThrow(expect.objectContaining({ code: 'ERR_RISK_INVALID_ARGUMENT' }));
  });

  it('refuses to be called on the wrong receiver instead of confusing types', () => {
    if (!addon) return;
    const signer = new addon.HmacSigner('sha256', 'k');
    const gate = new addon.RiskGate('{"defaults":{}}');
    expect(() => (addon.RiskGate.prototype.lastMessage as (this: unknown) => string).call(signer)).toThrow();
    expect(() => (addon.HmacSigner.prototype.sign as (this: unknown, p: string) => string).call(gate, 'x')).toThrow();
  });

  it('refuses a batch whose input and output share memory', () => {
    if (!addon) return;
    const gate = new addon.RiskGate('{"defaults":{}}');
    const buf = new ArrayBuffer(64);
    expect(() => gate.checkSubmitBatch(new Float64Array(buf), 0, new Uint8Array(buf))).toThrow(expect.objectContaining({ code: 'ERR_LIBRA_INVALID_ARGUMENT' }));
  });

  it('the scratch checker (a plain function, the wrapper\'s hot path) returns exactly the codes of the argument calls, submit and modify', () => {
    if (!addon) return;
    const cfg = JSON.stringify({ defaults: { maxOrderQty: 5, collarBps: 100 }, orderRate: { capacity: 50, perSecond: 1 } });
    const a = new addon.RiskGate(cfg);
    const b = new addon.RiskGate(cfg);
    const i = btc();
    const ha = a.registerInstrument(i.id, i.pricePrecision, i.sizePrecision, i.tickRaw, i.lotRaw, i.minQtyRaw, i.minNotional, i.base, i.quote);
    const hb = b.registerInstrument(i.id, i.pricePrecision, i.sizePrecision, i.tickRaw, i.lotRaw, i.minQtyRaw, i.minNotional, i.base, i.quote);
    a.referencePrice(ha, 'last', 30_000);
    b.referencePrice(hb, 'last', 30_000);
    const sa = a.internStrategy('s1');
    expect(b.internStrategy('s1')).toBe(sa);
    expect(() => b.scratchChecker(new Float64Array(9))).toThrow(expect.objectContaining({ code: 'ERR_LIBRA_INVALID_ARGUMENT' }));
    const s = new Float64Array(10);
    const check = b.scratchChecker(s);
    const r = prng(11);
    const codes = new Set<number>();
    for (let k = 0; k < 3000; k++) {
      const good = r() < 0.5;
      const args = good
        ? ([sa, ha, k & 1, 1, 1000 * (1 + Math.floor(r() * 3)), 3_000_000 + Math.floor(r() * 100), 0, 2, k / 10] as const)
        : ([r() < 0.9 ? sa : 7, r() < 0.9 ? ha : 99, Math.floor(r() * 3), Math.floor(r() * 5), Math.floor(r() * 2e6), 2_990_000 + Math.floor(r() * 20_000), Math.floor(r() * 4e6), Math.floor(r() * 8), k / 10] as const);
      const modify = r() < 0.3;
      const want = modify ? a.checkModify(...args) : a.checkSubmit(...args);
      s.set(args);
      s[9] = modify ? 1 : 0;
      const got = check();
      expect(got).toBe(want);
      if (got !== 0) expect(b.lastMessage()).toBe(a.lastMessage());
      codes.add(got);
    }
    // Both allow and several deny reasons were exercised.
    expect(codes.has(0)).toBe(true);
    expect(codes.size).toBeGreaterThan(3);
  });

  it('signHex and the hexSigner function sign like sign(hex) and refuse the wrong receiver and a payload that is not a string or bytes', () => {
    if (!addon) return;
    const signer = new addon.HmacSigner('sha256', 'k');
    const gate = new addon.RiskGate('{"defaults":{}}');
    expect(() => (addon.HmacSigner.prototype.signHex as (this: unknown, p: string) => string).call(gate, 'x')).toThrow();
    expect(() => signer.signHex(42 as unknown as string)).toThrow(expect.objectContaining({ code: 'ERR_LIBRA_INVALID_ARGUMENT' }));
    const hex = signer.hexSigner();
    expect(hex('payload')).toBe(signer.sign('payload', 'hex'));
    expect(hex(Buffer.from('payload'))).toBe(signer.sign('payload', 'hex'));
    expect(() => hex(42 as unknown as string)).toThrow(expect.objectContaining({ code: 'ERR_LIBRA_INVALID_ARGUMENT' }));
    expect(() => (hex as unknown as () => string)()).toThrow(expect.objectContaining({ code: 'ERR_LIBRA_INVALID_ARGUMENT' }));
  });
});
