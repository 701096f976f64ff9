/**
 * The TypeScript pre-trade risk gate (implementation of `RiskGate` in risk-gate.ts).
 *
 * The Rust gate (native/crates/risk/src/lib.rs) is a line-by-line mirror of this file: the same
 * check order, the same reason codes and byte-identical messages. The parity tests in
 * src/main/native run both on generated inputs, so any change here must be made there too.
 *
 * Units: quantities and prices in orders are RAW integers (10^-sizePrecision / 10^-pricePrecision,
 * see shared/domain/instrument). Limits in the config, reference prices (`onReferencePrice`),
 * min notional and equity are DECIMALS. Decimal values are derived as `raw / POW10[precision]`
 * with a literal table so that TS and Rust perform the very same IEEE-754 operations.
 *
 * This is engine code: time comes only from the `now` arguments (no Date.now, no timers, no
 * randomness), so backtests replay exactly.
 *
 * CHECK ORDER — the first failing check is the verdict (same in Rust):
 *   1. INVALID_ORDER       now not finite; side/type not in their sets; quantityRaw not a positive
 *                          safe integer; priceRaw (if given) not a positive safe integer, or missing
 *                          for LIMIT/STOP_LIMIT; triggerPriceRaw likewise, required for STOP_*
 *   2. UNKNOWN_INSTRUMENT  instrument never registered
 *   3. TRADING_HALTED      state HALTED (cancels are not checked: always allowed)
 *   4. PRECISION_MISMATCH  quantity % lot, price % tick (LIMIT/STOP_LIMIT), trigger % tick (STOP_*)
 *   5. BELOW_MIN_QUANTITY  quantityRaw < minQtyRaw
 *   6. MAX_QUANTITY_EXCEEDED  decimal quantity > maxOrderQty
 *   7. NO_REFERENCE_PRICE  MARKET orders (notional) and any order when a collar is configured
 *   8. PRICE_OUTSIDE_COLLAR  limit price, then trigger price, |p − ref| · 10000 > collarBps · ref
 *   9. BELOW_MIN_NOTIONAL  notional = quantity × (limit price | trigger price for STOP_MARKET |
 *                          reference price for MARKET) < instrument min notional
 *  10. MAX_NOTIONAL_EXCEEDED  notional > maxOrderNotional
 *  11. REDUCE_ONLY_WOULD_INCREASE  reduce-only order that does not reduce |net position| (or flips it)
 *  12. TRADING_REDUCING   state REDUCING and the order does not reduce the net position
 *  13. POSITION_LIMIT_EXCEEDED  net position after a full fill beyond maxLong/maxShort (orders that
 *                          reduce exposure are never blocked by a limit, even one lowered below it)
 *  14. STRATEGY_POSITION_LIMIT_EXCEEDED  the same on the strategy's own position on the instrument
 *  15. MAX_OPEN_ORDERS_EXCEEDED  (submit only) open orders ≥ maxOpenOrders
 *  16. ORDER_RATE_EXCEEDED / MODIFY_RATE_EXCEEDED  token bucket; last so that a denied order never
 *                          consumes a token; an allowed check consumes one
 *
 * "Reduces" means: net position ≠ 0, the order's side is opposite to it and its quantity is at
 * most |position| (so it can neither grow nor flip the position). Reduce-only and REDUCING use the
 * NET instrument position, as a venue's reduce-only flag does.
 */
import type { Instrument, InstrumentId } from '../../../shared/domain/instrument';
import type { OrderSide, OrderType } from '../../../shared/domain/order';
import { DENY_REASONS } from './risk-gate';
import type {
  DenyReason,
  EquityMarks,
  InstrumentLimits,
  ReferencePriceKind,
  RiskConfig,
  RiskEvent,
  RiskGate,
  RiskOrder,
  RiskVerdict,
  TradingState,
} from './risk-gate';

/** Exact powers of ten (all exactly representable in a double up to 1e22). */
export const POW10: readonly number[] = [
  1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
];
export const MAX_PRECISION = 18;
const DAY_MS = 86_400_000;

export type RiskGateErrorCode = 'ERR_RISK_INVALID_CONFIG' | 'ERR_RISK_INVALID_ARGUMENT';

/** Thrown for programming/configuration errors (bad config, bad fill); never for a verdict. */
export class RiskGateError extends Error {
  override readonly name = 'RiskGateError';
  constructor(
    readonly code: RiskGateErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const ALLOW: RiskVerdict = Object.freeze({ allowed: true });

function deny(reason: DenyReason, detail: string): RiskVerdict {
  return { allowed: false, reason, message: `${reason}: ${detail}` };
}

/** Number formatting shared with Rust's `js_num` (String(x) semantics; -0 prints as 0). */
function fmt(x: number): string {
  return String(x);
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function isPositiveSafeInt(x: number): boolean {
  return Number.isSafeInteger(x) && x > 0;
}

function usesLimitPrice(type: OrderType): boolean {
  return type === 'LIMIT' || type === 'STOP_LIMIT';
}

function usesTrigger(type: OrderType): boolean {
  return type === 'STOP_MARKET' || type === 'STOP_LIMIT';
}

/** Net position `pos` (raw) shrinks, without flipping, if `qty` is traded on `side`. */
export function reducesPosition(pos: number, side: OrderSide, qty: number): boolean {
  return side === 'BUY' ? pos < 0 && qty <= -pos : pos > 0 && qty <= pos;
}

// ---------------------------------------------------------------------------------------------
// Config validation (the Rust gate validates the same JSON the same way).

function checkLimit(where: string, name: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new RiskGateError('ERR_RISK_INVALID_CONFIG', `${where}.${name} must be a finite number ≥ 0`);
  }
  return v;
}

interface Limits {
  maxOrderQty: number | undefined;
  maxOrderNotional: number | undefined;
  maxLong: number | undefined;
  maxShort: number | undefined;
  collarBps: number | undefined;
}

function parseLimits(where: string, l: InstrumentLimits | undefined): Limits {
  if (l !== undefined && (typeof l !== 'object' || l === null)) {
    throw new RiskGateError('ERR_RISK_INVALID_CONFIG', `${where} must be an object`);
  }
  return {
    maxOrderQty: checkLimit(where, 'maxOrderQty', l?.maxOrderQty),
    maxOrderNotional: checkLimit(where, 'maxOrderNotional', l?.maxOrderNotional),
    maxLong: checkLimit(where, 'maxLong', l?.maxLong),
    maxShort: checkLimit(where, 'maxShort', l?.maxShort),
    collarBps: checkLimit(where, 'collarBps', l?.collarBps),
  };
}

function mergeLimits(base: Limits, over: Limits): Limits {
  return {
    maxOrderQty: over.maxOrderQty ?? base.maxOrderQty,
    maxOrderNotional: over.maxOrderNotional ?? base.maxOrderNotional,
    maxLong: over.maxLong ?? base.maxLong,
    maxShort: over.maxShort ?? base.maxShort,
    collarBps: over.collarBps ?? base.collarBps,
  };
}

interface BucketConfig {
  capacity: number;
  perSecond: number;
}

function parseBucket(name: string, b: RiskConfig['orderRate']): BucketConfig | undefined {
  if (b === undefined) return undefined;
  const cap = checkLimit(name, 'capacity', b.capacity);
  const rate = checkLimit(name, 'perSecond', b.perSecond);
  if (cap === undefined || rate === undefined) {
    throw new RiskGateError('ERR_RISK_INVALID_CONFIG', `${name} needs capacity and perSecond`);
  }
  return { capacity: cap, perSecond: rate };
}

/** Token bucket on caller-supplied time; starts full at its first use. */
class Bucket {
  private tokens = 0;
  private last = Number.NaN;
  constructor(readonly cfg: BucketConfig) {}

  /** Refill to `now`; true if at least one token is available. Does not consume. */
  available(now: number): boolean {
    if (Number.isNaN(this.last)) {
      this.tokens = this.cfg.capacity;
      this.last = now;
    } else if (now > this.last) {
      // Time never runs backwards for the bucket: an older `now` neither refills nor rewinds.
      this.tokens = Math.min(this.cfg.capacity, this.tokens + ((now - this.last) * this.cfg.perSecond) / 1000);
      this.last = now;
    }
    return this.tokens >= 1;
  }

  take(): void {
    this.tokens -= 1;
  }
}

interface InstrumentState {
  readonly id: InstrumentId;
  spec: Instrument | undefined;
  limits: Limits;
  /** Net position across strategies, raw. */
  net: number;
  /** Per-strategy position, raw. */
  readonly byStrategy: Map<string, number>;
  /** Reference price (decimal) of the configured kind, if known. */
  ref: number | undefined;
}

/** What onEquity returns when nothing happened (shared, never mutated). */
const NO_EVENTS: readonly RiskEvent[] = Object.freeze([]);

export class TsRiskGate implements RiskGate {
  readonly implementation = 'typescript' as const;
  private readonly defaults: Limits;
  private readonly overrides = new Map<InstrumentId, Limits>();
  private readonly strategyLimits = new Map<string, { maxLong: number | undefined; maxShort: number | undefined }>();
  private readonly refKind: ReferencePriceKind;
  private readonly orderBucket: Bucket | undefined;
  private readonly modifyBucket: Bucket | undefined;
  private readonly maxOpenOrders: number | undefined;
  private readonly dailyLossLimit: number | undefined;
  private readonly drawdownWarn: number | undefined;
  private readonly drawdownHalt: number | undefined;
  /** Whether an equity limit is set (drawdownWarn, dailyLossLimit, drawdownHalt): only then does onEquity track anything. */
  readonly watchesEquity: boolean;

  private readonly instruments = new Map<InstrumentId, InstrumentState>();
  private readonly openOrders = new Set<string>();
  private state: TradingState = 'ACTIVE';
  private peakEquity = Number.NaN;
  private dayStartEquity = Number.NaN;
  private day = Number.NaN;
  private warned = false;

  constructor(config: RiskConfig) {
    if (typeof config !== 'object' || config === null) throw new RiskGateError('ERR_RISK_INVALID_CONFIG', 'config must be an object');
    this.defaults = parseLimits('defaults', config.defaults);
    for (const [id, l] of Object.entries(config.instruments ?? {})) this.overrides.set(id, parseLimits(`instruments.${id}`, l));
    for (const [id, s] of Object.entries(config.strategies ?? {})) {
      this.strategyLimits.set(id, { maxLong: checkLimit(`strategies.${id}`, 'maxLong', s.maxLong), maxShort: checkLimit(`strategies.${id}`, 'maxShort', s.maxShort) });
    }
    const kind = config.referencePrice ?? 'last';
    if (kind !== 'last' && kind !== 'mark' && kind !== 'mid') {
      throw new RiskGateError('ERR_RISK_INVALID_CONFIG', 'referencePrice must be last, mark or mid');
    }
    this.refKind = kind;
    const ob = parseBucket('orderRate', config.orderRate);
    const mb = parseBucket('modifyRate', config.modifyRate);
    this.orderBucket = ob && new Bucket(ob);
    this.modifyBucket = mb && new Bucket(mb);
    this.maxOpenOrders = checkLimit('config', 'maxOpenOrders', config.maxOpenOrders);
    this.dailyLossLimit = checkLimit('config', 'dailyLossLimit', config.dailyLossLimit);
    this.drawdownWarn = checkLimit('config', 'drawdownWarn', config.drawdownWarn);
    this.drawdownHalt = checkLimit('config', 'drawdownHalt', config.drawdownHalt);
    this.watchesEquity = this.drawdownWarn !== undefined || this.dailyLossLimit !== undefined || this.drawdownHalt !== undefined;
  }

  private stateOf(id: InstrumentId): InstrumentState {
    let s = this.instruments.get(id);
    if (!s) {
      s = { id, spec: undefined, limits: this.defaults, net: 0, byStrategy: new Map(), ref: undefined };
      this.instruments.set(id, s);
    }
    return s;
  }

  registerInstrument(instrument: Instrument): void {
    const i = instrument;
    const okPrecision = (p: number): boolean => Number.isInteger(p) && p >= 0 && p <= MAX_PRECISION;
    if (
      typeof i.id !== 'string' ||
      !okPrecision(i.pricePrecision) ||
      !okPrecision(i.sizePrecision) ||
      !isPositiveSafeInt(i.tickRaw) ||
      !isPositiveSafeInt(i.lotRaw) ||
      !Number.isSafeInteger(i.minQtyRaw) ||
      i.minQtyRaw < 0 ||
      !Number.isFinite(i.minNotional) ||
      i.minNotional < 0
    ) {
      throw new RiskGateError('ERR_RISK_INVALID_ARGUMENT', `instrument ${String(i.id)} has invalid precision, tick, lot, min quantity or min notional`);
    }
    const s = this.stateOf(i.id);
    s.spec = i;
    const over = this.overrides.get(i.id);
    s.limits = over ? mergeLimits(this.defaults, over) : this.defaults;
  }

  checkSubmit(order: RiskOrder, now: number): RiskVerdict {
    return this.check(order, now, true);
  }

  checkModify(order: RiskOrder, now: number): RiskVerdict {
    return this.check(order, now, false);
  }

  private check(o: RiskOrder, now: number, submit: boolean): RiskVerdict {
    // 1. Shape and numbers.
    if (!Number.isFinite(now)) return deny('INVALID_ORDER', `now must be a finite timestamp, got ${fmt(now)}`);
    const side = o.side;
    if (side !== 'BUY' && side !== 'SELL') return deny('INVALID_ORDER', 'side must be BUY or SELL');
    const type = o.type;
    if (type !== 'MARKET' && type !== 'LIMIT' && type !== 'STOP_MARKET' && type !== 'STOP_LIMIT') {
      return deny('INVALID_ORDER', 'type must be MARKET, LIMIT, STOP_MARKET or STOP_LIMIT');
    }
    const qty = o.quantityRaw;
    if (!isPositiveSafeInt(qty)) return deny('INVALID_ORDER', `quantityRaw must be a positive integer, got ${fmt(qty)}`);
    const price = o.priceRaw;
    if (price !== undefined) {
      if (!isPositiveSafeInt(price)) return deny('INVALID_ORDER', `priceRaw must be a positive integer, got ${fmt(price)}`);
    } else if (usesLimitPrice(type)) {
      return deny('INVALID_ORDER', `${type} order needs priceRaw`);
    }
    const trigger = o.triggerPriceRaw;
    if (trigger !== undefined) {
      if (!isPositiveSafeInt(trigger)) return deny('INVALID_ORDER', `triggerPriceRaw must be a positive integer, got ${fmt(trigger)}`);
    } else if (usesTrigger(type)) {
      return deny('INVALID_ORDER', `${type} order needs triggerPriceRaw`);
    }

    // 2. Instrument.
    const st = this.instruments.get(o.instrumentId);
    const spec = st?.spec;
    if (!st || !spec) return deny('UNKNOWN_INSTRUMENT', `${String(o.instrumentId)} is not registered`);

    // 3. Halted.
    if (this.state === 'HALTED') return deny('TRADING_HALTED', 'trading is halted; only cancels are allowed');

    // 4. Precision (only the prices the order type uses).
    if (qty % spec.lotRaw !== 0) return deny('PRECISION_MISMATCH', `quantityRaw ${fmt(qty)} is not a multiple of lot ${fmt(spec.lotRaw)}`);
    const limitPx = usesLimitPrice(type) ? (price as number) : 0;
    const triggerPx = usesTrigger(type) ? (trigger as number) : 0;
    if (limitPx !== 0 && limitPx % spec.tickRaw !== 0) {
      return deny('PRECISION_MISMATCH', `priceRaw ${fmt(limitPx)} is not a multiple of tick ${fmt(spec.tickRaw)}`);
    }
    if (triggerPx !== 0 && triggerPx % spec.tickRaw !== 0) {
      return deny('PRECISION_MISMATCH', `triggerPriceRaw ${fmt(triggerPx)} is not a multiple of tick ${fmt(spec.tickRaw)}`);
    }

    const qScale = POW10[spec.sizePrecision] as number;
    const pScale = POW10[spec.pricePrecision] as number;
    const qtyDec = qty / qScale;
    const lim = st.limits;

    // 5–6. Quantity.
    if (qty < spec.minQtyRaw) return deny('BELOW_MIN_QUANTITY', `${fmt(qtyDec)} < ${fmt(spec.minQtyRaw / qScale)} ${spec.base}`);
    if (lim.maxOrderQty !== undefined && qtyDec > lim.maxOrderQty) {
      return deny('MAX_QUANTITY_EXCEEDED', `${fmt(qtyDec)} > ${fmt(lim.maxOrderQty)} ${spec.base}`);
    }

    // 7. Reference price.
    const ref = st.ref;
    if ((type === 'MARKET' || lim.collarBps !== undefined) && ref === undefined) {
      return deny('NO_REFERENCE_PRICE', `no ${this.refKind} price for ${st.id}`);
    }

    // 8. Collar.
    const limitDec = limitPx / pScale;
    const triggerDec = triggerPx / pScale;
    if (lim.collarBps !== undefined && ref !== undefined) {
      const collar = lim.collarBps;
      if (limitPx !== 0 && Math.abs(limitDec - ref) * 10000 > collar * ref) {
        return deny('PRICE_OUTSIDE_COLLAR', `price ${fmt(limitDec)} is ${fmt(round2((Math.abs(limitDec - ref) / ref) * 10000))} bps from ${this.refKind} ${fmt(ref)} (collar ${fmt(collar)} bps)`);
      }
      if (triggerPx !== 0 && Math.abs(triggerDec - ref) * 10000 > collar * ref) {
        return deny('PRICE_OUTSIDE_COLLAR', `trigger price ${fmt(triggerDec)} is ${fmt(round2((Math.abs(triggerDec - ref) / ref) * 10000))} bps from ${this.refKind} ${fmt(ref)} (collar ${fmt(collar)} bps)`);
      }
    }

    // 9–10. Notional.
    const px = limitPx !== 0 ? limitDec : triggerPx !== 0 ? triggerDec : (ref as number);
    const notional = qtyDec * px;
    if (notional < spec.minNotional) return deny('BELOW_MIN_NOTIONAL', `${fmt(notional)} < ${fmt(spec.minNotional)} ${spec.quote}`);
    if (lim.maxOrderNotional !== undefined && notional > lim.maxOrderNotional) {
      return deny('MAX_NOTIONAL_EXCEEDED', `${fmt(notional)} > ${fmt(lim.maxOrderNotional)} ${spec.quote}`);
    }

    // 11–12. Reduce-only and REDUCING.
    const net = st.net;
    const reducing = reducesPosition(net, side, qty);
    if (o.reduceOnly && !reducing) {
      return deny('REDUCE_ONLY_WOULD_INCREASE', `${side} ${fmt(qtyDec)} on position ${fmt(net / qScale)} ${spec.base}`);
    }
    if (this.state === 'REDUCING' && !reducing) {
      return deny('TRADING_REDUCING', `only orders that reduce the position are allowed (position ${fmt(net / qScale)} ${spec.base})`);
    }

    // 13–14. Position limits after a full fill.
    const delta = side === 'BUY' ? qty : -qty;
    if (!reducing) {
      const v = limitViolation(net + delta, qScale, lim.maxLong, lim.maxShort);
      if (v !== undefined) return deny('POSITION_LIMIT_EXCEEDED', `${v} ${spec.base}`);
    }
    const sLim = this.strategyLimits.get(o.strategyId);
    if (sLim !== undefined) {
      const spos = st.byStrategy.get(o.strategyId) ?? 0;
      if (!reducesPosition(spos, side, qty)) {
        const v = limitViolation(spos + delta, qScale, sLim.maxLong, sLim.maxShort);
        if (v !== undefined) return deny('STRATEGY_POSITION_LIMIT_EXCEEDED', `${o.strategyId} ${v} ${spec.base}`);
      }
    }

    // 15. Open orders.
    if (submit && this.maxOpenOrders !== undefined && this.openOrders.size >= this.maxOpenOrders) {
      return deny('MAX_OPEN_ORDERS_EXCEEDED', `${fmt(this.openOrders.size)} open >= ${fmt(this.maxOpenOrders)}`);
    }

    // 16. Rate (last: only an allowed order consumes a token).
    const bucket = submit ? this.orderBucket : this.modifyBucket;
    if (bucket !== undefined) {
      if (!bucket.available(now)) {
        return submit
          ? deny('ORDER_RATE_EXCEEDED', `more than ${fmt(bucket.cfg.capacity)} orders in a burst or ${fmt(bucket.cfg.perSecond)}/s sustained`)
          : deny('MODIFY_RATE_EXCEEDED', `more than ${fmt(bucket.cfg.capacity)} modifies in a burst or ${fmt(bucket.cfg.perSecond)}/s sustained`);
      }
      bucket.take();
    }
    return ALLOW;
  }

  /**
   * Checks many new orders sequentially (exactly as successive checkSubmit calls). Returns one
   * wire code per order: 0 = allowed, n = DENY_REASONS[n − 1] — the native gate's batch format.
   */
  checkSubmitBatch(orders: readonly RiskOrder[], now: number): Uint8Array {
    const out = new Uint8Array(orders.length);
    for (let k = 0; k < orders.length; k++) {
      const v = this.check(orders[k] as RiskOrder, now, true);
      out[k] = v.allowed ? 0 : DENY_REASONS.indexOf(v.reason) + 1;
    }
    return out;
  }

  onOrderOpened(clientOrderId: string, _instrumentId: InstrumentId): void {
    this.openOrders.add(clientOrderId);
  }

  onOrderClosed(clientOrderId: string): void {
    this.openOrders.delete(clientOrderId);
  }

  onFill(strategyId: string, instrumentId: InstrumentId, side: OrderSide, quantityRaw: number): void {
    if ((side !== 'BUY' && side !== 'SELL') || !isPositiveSafeInt(quantityRaw)) {
      throw new RiskGateError('ERR_RISK_INVALID_ARGUMENT', `fill needs side BUY/SELL and a positive integer quantityRaw, got ${String(side)} ${fmt(quantityRaw)}`);
    }
    const st = this.stateOf(instrumentId);
    const delta = side === 'BUY' ? quantityRaw : -quantityRaw;
    st.net += delta;
    st.byStrategy.set(strategyId, (st.byStrategy.get(strategyId) ?? 0) + delta);
  }

  onReferencePrice(instrumentId: InstrumentId, kind: ReferencePriceKind, price: number): void {
    if (kind !== this.refKind) return;
    // Fail closed: an unusable price clears the reference, so orders needing one are denied.
    this.stateOf(instrumentId).ref = Number.isFinite(price) && price > 0 ? price : undefined;
  }

  equityMarks(): EquityMarks | undefined {
    if (Number.isNaN(this.peakEquity)) return undefined;
    return { peak: this.peakEquity, dayStart: this.dayStartEquity, day: this.day };
  }

  setEquityMarks(marks: EquityMarks): void {
    const { peak, dayStart, day } = marks;
    if (!Number.isFinite(peak) || !Number.isFinite(dayStart) || !Number.isInteger(day)) {
      throw new RiskGateError('ERR_RISK_INVALID_ARGUMENT', 'equity marks must be finite numbers and the day a whole number');
    }
    if (peak < dayStart) throw new RiskGateError('ERR_RISK_INVALID_ARGUMENT', "equity marks: the peak cannot be below the day's start");
    this.peakEquity = peak;
    this.dayStartEquity = dayStart;
    this.day = day;
    this.warned = false;
  }

  onEquity(equity: number, now: number): readonly RiskEvent[] {
    // Without an equity limit nothing reads the peak or the day's start: nothing to track (and
    // `watchesEquity` false lets a backtest skip this call on every bar).
    if (!this.watchesEquity) return NO_EVENTS;
    if (!Number.isFinite(equity) || !Number.isFinite(now)) return NO_EVENTS;
    const day = Math.floor(now / DAY_MS);
    if (day !== this.day) {
      this.day = day;
      this.dayStartEquity = equity;
    }
    if (Number.isNaN(this.peakEquity) || equity > this.peakEquity) this.peakEquity = equity;
    // No allocation unless a limit has something to say.
    const peak = this.peakEquity;
    const dd = peak > 0 ? (peak - equity) / peak : 0;
    let events: RiskEvent[] | undefined;
    if (this.drawdownWarn !== undefined) {
      if (dd >= this.drawdownWarn && !this.warned) {
        this.warned = true;
        (events ??= []).push({ kind: 'DRAWDOWN_WARNING', ts: now, state: this.state, message: `DRAWDOWN_WARNING: drawdown ${fmt(round2(dd * 100))}% >= ${fmt(round2(this.drawdownWarn * 100))}% (peak ${fmt(peak)}, equity ${fmt(equity)})` });
      } else if (dd < this.drawdownWarn) {
        this.warned = false;
      }
    }
    if (this.dailyLossLimit !== undefined && this.state === 'ACTIVE') {
      const loss = this.dayStartEquity - equity;
      if (loss >= this.dailyLossLimit) {
        this.state = 'REDUCING';
        (events ??= []).push({ kind: 'RISK_LIMIT_BREACH', ts: now, state: 'REDUCING', message: `RISK_LIMIT_BREACH: daily loss ${fmt(round2(loss))} >= ${fmt(this.dailyLossLimit)} (day start equity ${fmt(this.dayStartEquity)}, equity ${fmt(equity)}); trading REDUCING` });
      }
    }
    if (this.drawdownHalt !== undefined && this.state !== 'HALTED' && dd >= this.drawdownHalt) {
      this.state = 'HALTED';
      (events ??= []).push({ kind: 'CIRCUIT_BREAKER', ts: now, state: 'HALTED', message: `CIRCUIT_BREAKER: drawdown ${fmt(round2(dd * 100))}% >= ${fmt(round2(this.drawdownHalt * 100))}% (peak ${fmt(peak)}, equity ${fmt(equity)}); trading HALTED` });
    }
    return events ?? NO_EVENTS;
  }

  /**
   * Operator/engine state change (kill switch, resume). Moving to REDUCING reports a
   * RISK_LIMIT_BREACH and to HALTED a CIRCUIT_BREAKER; back to ACTIVE reports nothing (the
   * contract has no event kind for it — the caller logs its own reason). No change → no event.
   */
  setTradingState(state: TradingState, now: number, reason: string): readonly RiskEvent[] {
    if (state !== 'ACTIVE' && state !== 'REDUCING' && state !== 'HALTED') {
      throw new RiskGateError('ERR_RISK_INVALID_ARGUMENT', `trading state must be ACTIVE, REDUCING or HALTED, got ${String(state)}`);
    }
    const from = this.state;
    if (from === state) return [];
    this.state = state;
    if (state === 'ACTIVE') return [];
    const kind = state === 'HALTED' ? 'CIRCUIT_BREAKER' : 'RISK_LIMIT_BREACH';
    return [{ kind, ts: now, state, message: `${kind}: trading ${from} -> ${state}: ${reason}` }];
  }

  tradingState(): TradingState {
    return this.state;
  }

  position(instrumentId: InstrumentId): number {
    return this.instruments.get(instrumentId)?.net ?? 0;
  }

  openOrderCount(): number {
    return this.openOrders.size;
  }
}

/** Describes a long/short limit breach of raw position `after`, or undefined. */
function limitViolation(after: number, qScale: number, maxLong: number | undefined, maxShort: number | undefined): string | undefined {
  const dec = after / qScale;
  if (after > 0 && maxLong !== undefined && dec > maxLong) return `long ${fmt(dec)} > ${fmt(maxLong)}`;
  if (after < 0 && maxShort !== undefined && -dec > maxShort) return `short ${fmt(-dec)} > ${fmt(maxShort)}`;
  return undefined;
}

export function createTsRiskGate(config: RiskConfig): TsRiskGate {
  return new TsRiskGate(config);
}
