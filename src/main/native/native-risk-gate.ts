/**
 * The Rust risk gate behind the TypeScript `RiskGate` interface.
 *
 * The crossing is kept cheap: instrument and strategy ids are interned to small integers once
 * (JS Maps here, a Vec in Rust), each order field is a separate number argument, the result is
 * a small integer, and the message is fetched only on deny.
 *
 * Ids never seen through register/fill/reference price are NOT interned on check (an unknown
 * handle is passed instead), so a stream of garbage ids cannot grow native memory — and the
 * TypeScript gate behaves the same (it only creates state on those notifications).
 */
import type { Instrument, InstrumentId } from '../../shared/domain/instrument';
import type { OrderSide, OrderType } from '../../shared/domain/order';
import { DENY_REASONS } from '../engine/risk/risk-gate';
import type { DenyReason, EquityMarks, ReferencePriceKind, RiskConfig, RiskEvent, RiskGate, RiskOrder, RiskVerdict, TradingState } from '../engine/risk/risk-gate';
import type * as Addon from '../../../native/index';

/** A handle the native side treats as "unknown" (anything ≥ 2^32 − 1 reads as unknown). */
const UNKNOWN = 4_294_967_295;
const FLAG_REDUCE_ONLY = 1;
const FLAG_HAS_PRICE = 2;
const FLAG_HAS_TRIGGER = 4;
const ALLOW: RiskVerdict = Object.freeze({ allowed: true });

export function sideCode(side: OrderSide): number {
  return side === 'BUY' ? 0 : side === 'SELL' ? 1 : 255;
}

export function typeCode(type: OrderType): number {
  switch (type) {
    case 'MARKET':
      return 0;
    case 'LIMIT':
      return 1;
    case 'STOP_MARKET':
      return 2;
    case 'STOP_LIMIT':
      return 3;
    default:
      return 255;
  }
}

/** Throws unless the addon's deny-reason table is exactly DENY_REASONS (same codes, same order). */
export function assertReasonTable(addon: typeof Addon): readonly DenyReason[] {
  const native = JSON.parse(addon.denyReasons()) as unknown;
  if (!Array.isArray(native) || native.length !== DENY_REASONS.length || native.some((r, i) => r !== DENY_REASONS[i])) {
    throw new Error(`native deny reasons ${JSON.stringify(native)} differ from DENY_REASONS`);
  }
  return DENY_REASONS;
}

/**
 * Events come back as JSON (rare calls). Rebuilt field by field so they are shaped exactly like
 * the TypeScript gate's (key order; `ts` is the caller's `now`, which JSON could not carry if
 * it were not finite).
 */
function events(json: string, now: number): RiskEvent[] {
  const raw = JSON.parse(json) as Array<Pick<RiskEvent, 'kind' | 'state' | 'message'>>;
  return raw.map((e) => ({ kind: e.kind, ts: now, state: e.state, message: e.message }));
}

export class NativeRiskGate implements RiskGate {
  readonly implementation = 'native' as const;
  private readonly gate: Addon.RiskGate;
  private readonly reasons: readonly DenyReason[];
  private readonly instruments = new Map<InstrumentId, number>();
  private readonly strategies = new Map<string, number>();
  /**
   * The order scratch bound once to the native checker: 8 order numbers, `now`, then 0 submit /
   * 1 modify — written here, read by `checkScratch()` with no argument converted per call.
   * Private, never transferred (the native side reads its memory).
   */
  private readonly scratch = new Float64Array(10);
  /** Plain native function over the gate and the scratch (no per-call receiver checks). */
  private readonly checkScratch: () => number;
  /** Reused buffers for batch checks. */
  private batchIn = new Float64Array(0);
  private batchOut = new Uint8Array(0);

  constructor(addon: typeof Addon, config: RiskConfig) {
    this.reasons = assertReasonTable(addon);
    this.gate = new addon.RiskGate(JSON.stringify(config));
    this.checkScratch = this.gate.scratchChecker(this.scratch);
    // Strategies with limits are interned natively while parsing the config; mirror the handles.
    for (const id of Object.keys(config.strategies ?? {})) this.strategies.set(id, this.gate.internStrategy(id));
  }

  private instrument(id: InstrumentId): number {
    let h = this.instruments.get(id);
    if (h === undefined) {
      h = this.gate.internInstrument(id);
      this.instruments.set(id, h);
    }
    return h;
  }

  private strategy(id: string): number {
    let h = this.strategies.get(id);
    if (h === undefined) {
      h = this.gate.internStrategy(id);
      this.strategies.set(id, h);
    }
    return h;
  }

  registerInstrument(i: Instrument): void {
    const h = this.gate.registerInstrument(i.id, i.pricePrecision, i.sizePrecision, i.tickRaw, i.lotRaw, i.minQtyRaw, i.minNotional, i.base, i.quote);
    this.instruments.set(i.id, h);
  }

  checkSubmit(order: RiskOrder, now: number): RiskVerdict {
    return this.check(order, now, true);
  }

  checkModify(order: RiskOrder, now: number): RiskVerdict {
    return this.check(order, now, false);
  }

  private check(o: RiskOrder, now: number, submit: boolean): RiskVerdict {
    const ih = this.instruments.get(o.instrumentId) ?? UNKNOWN;
    const sh = this.strategies.get(o.strategyId) ?? UNKNOWN;
    const price = o.priceRaw;
    const trigger = o.triggerPriceRaw;
    const s = this.scratch;
    s[0] = sh;
    s[1] = ih;
    s[2] = sideCode(o.side);
    s[3] = typeCode(o.type);
    s[4] = o.quantityRaw;
    s[5] = price ?? 0;
    s[6] = trigger ?? 0;
    s[7] = (o.reduceOnly ? FLAG_REDUCE_ONLY : 0) | (price !== undefined ? FLAG_HAS_PRICE : 0) | (trigger !== undefined ? FLAG_HAS_TRIGGER : 0);
    s[8] = now;
    s[9] = submit ? 0 : 1;
    // A failed Node-API call returns undefined: fail closed.
    const code = (this.checkScratch() as number | undefined) ?? this.reasons.indexOf('INTERNAL_ERROR') + 1;
    if (code === 0) return ALLOW;
    return this.verdict(code, ih === UNKNOWN ? o.instrumentId : undefined);
  }

  private verdict(code: number, unknownId: InstrumentId | undefined): RiskVerdict {
    const reason = this.reasons[code - 1] ?? 'INTERNAL_ERROR';
    // The native side never saw this id (not interned), so it cannot name it: same text as TS.
    if (reason === 'UNKNOWN_INSTRUMENT' && unknownId !== undefined) {
      return { allowed: false, reason, message: `UNKNOWN_INSTRUMENT: ${String(unknownId)} is not registered` };
    }
    return { allowed: false, reason, message: this.gate.lastMessage() };
  }

  /**
   * Checks many new orders in one crossing, sequentially (exactly as successive checkSubmit
   * calls: allowed orders consume rate tokens). Returns one wire code per order
   * (0 = allowed, n = DENY_REASONS[n − 1]); use `reasonOf` to name them.
   */
  checkSubmitBatch(orders: readonly RiskOrder[], now: number): Uint8Array {
    const n = orders.length;
    this.gate.checkSubmitBatch(this.pack(orders), now, this.batchOut.subarray(0, n));
    return this.batchOut.slice(0, n);
  }

  /**
   * The same batch computed on the libuv thread pool, so the JS thread stays free while Rust
   * checks (napi-rs AsyncTask). The orders are packed and copied when it is called; the batch
   * is atomic (other calls on this gate wait until it is done). Resolves to one wire code per
   * order, exactly as checkSubmitBatch would have returned at the moment the batch ran.
   */
  checkSubmitBatchAsync(orders: readonly RiskOrder[], now: number): Promise<Uint8Array> {
    return this.gate.checkSubmitBatchAsync(this.pack(orders), now);
  }

  /** The orders as 8 numbers each, in a reused buffer (valid until the next pack). */
  private pack(orders: readonly RiskOrder[]): Float64Array {
    const n = orders.length;
    if (this.batchIn.length < n * 8) {
      this.batchIn = new Float64Array(n * 8);
      this.batchOut = new Uint8Array(n);
    }
    const a = this.batchIn;
    for (let k = 0; k < n; k++) {
      const o = orders[k] as RiskOrder;
      const b = k * 8;
      a[b] = this.strategies.get(o.strategyId) ?? UNKNOWN;
      a[b + 1] = this.instruments.get(o.instrumentId) ?? UNKNOWN;
      a[b + 2] = sideCode(o.side);
      a[b + 3] = typeCode(o.type);
      a[b + 4] = o.quantityRaw;
      a[b + 5] = o.priceRaw ?? 0;
      a[b + 6] = o.triggerPriceRaw ?? 0;
      a[b + 7] = (o.reduceOnly ? FLAG_REDUCE_ONLY : 0) | (o.priceRaw !== undefined ? FLAG_HAS_PRICE : 0) | (o.triggerPriceRaw !== undefined ? FLAG_HAS_TRIGGER : 0);
    }
    return a.subarray(0, n * 8);
  }

  /** Async low-level batch on pre-packed input (copied when called). */
  checkSubmitPackedAsync(packed: Float64Array, now: number): Promise<Uint8Array> {
    return this.gate.checkSubmitBatchAsync(packed, now);
  }

  /** Low-level batch on pre-packed input (8 numbers per order, see native/addon.d.ts). */
  checkSubmitPacked(packed: Float64Array, now: number, out: Uint8Array): number {
    return this.gate.checkSubmitBatch(packed, now, out);
  }

  /** Handles for pre-packing (instrument/strategy ids must be registered/known first). */
  handles(instrumentId: InstrumentId, strategyId: string): { instrument: number; strategy: number } {
    return { instrument: this.instrument(instrumentId), strategy: this.strategy(strategyId) };
  }

  reasonOf(code: number): DenyReason | undefined {
    return code === 0 ? undefined : (this.reasons[code - 1] ?? 'INTERNAL_ERROR');
  }

  onOrderOpened(clientOrderId: string, _instrumentId: InstrumentId): void {
    this.gate.orderOpened(clientOrderId);
  }

  onOrderClosed(clientOrderId: string): void {
    this.gate.orderClosed(clientOrderId);
  }

  onFill(strategyId: string, instrumentId: InstrumentId, side: OrderSide, quantityRaw: number): void {
    this.gate.fill(this.strategy(strategyId), this.instrument(instrumentId), sideCode(side), quantityRaw);
  }

  onReferencePrice(instrumentId: InstrumentId, kind: ReferencePriceKind, price: number): void {
    this.gate.referencePrice(this.instrument(instrumentId), kind, price);
  }

  onEquity(equity: number, now: number): readonly RiskEvent[] {
    return events(this.gate.equity(equity, now), now);
  }

  equityMarks(): EquityMarks | undefined {
    const [peak, dayStart, day] = this.gate.equityMarks();
    if (peak === undefined || dayStart === undefined || day === undefined || Number.isNaN(peak)) return undefined;
    return { peak, dayStart, day };
  }

  setEquityMarks(marks: EquityMarks): void {
    this.gate.setEquityMarks(marks.peak, marks.dayStart, marks.day);
  }

  setTradingState(state: TradingState, now: number, reason: string): readonly RiskEvent[] {
    return events(this.gate.setTradingState(state, now, reason), now);
  }

  tradingState(): TradingState {
    return this.gate.tradingState() as TradingState;
  }

  position(instrumentId: InstrumentId): number {
    const h = this.instruments.get(instrumentId);
    return h === undefined ? 0 : this.gate.position(h);
  }

  openOrderCount(): number {
    return this.gate.openOrderCount();
  }

  /** Test hook: the next check panics inside Rust (must come back as INTERNAL_ERROR). */
  debugInjectPanic(): void {
    this.gate.debugInjectPanic();
  }
}
