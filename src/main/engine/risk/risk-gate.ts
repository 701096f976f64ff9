/**
 * The pre-trade risk gate contract. Every order — strategy, order ticket, agent, backtest —
 * passes `check` before it reaches a venue. Two implementations share this contract and its
 * reason codes: the TypeScript gate (ts-risk-gate.ts) and the Rust gate (native addon, loaded by
 * src/main/native). Parity tests run both on the same generated inputs.
 *
 * The gate keeps its own state (positions, open orders, reference prices, equity, rate buckets)
 * from the notifications below, so a check is one call with plain numbers.
 * It fails closed: any invalid input or internal error is a DENY with a reason, never an ALLOW.
 */
import type { Instrument, InstrumentId } from '../../../shared/domain/instrument';
import type { OrderSide, OrderType } from '../../../shared/domain/order';

export const TRADING_STATES = ['ACTIVE', 'REDUCING', 'HALTED'] as const;
export type TradingState = (typeof TRADING_STATES)[number];

/** Closed set of deny reasons; the codes are stable (shown to users, stored, compared across TS/Rust). */
export const DENY_REASONS = [
  'INVALID_ORDER',
  'UNKNOWN_INSTRUMENT',
  'PRECISION_MISMATCH',
  'BELOW_MIN_QUANTITY',
  'BELOW_MIN_NOTIONAL',
  'MAX_QUANTITY_EXCEEDED',
  'MAX_NOTIONAL_EXCEEDED',
  'POSITION_LIMIT_EXCEEDED',
  'STRATEGY_POSITION_LIMIT_EXCEEDED',
  'PRICE_OUTSIDE_COLLAR',
  'NO_REFERENCE_PRICE',
  'ORDER_RATE_EXCEEDED',
  'MODIFY_RATE_EXCEEDED',
  'MAX_OPEN_ORDERS_EXCEEDED',
  'REDUCE_ONLY_WOULD_INCREASE',
  'TRADING_REDUCING',
  'TRADING_HALTED',
  'INTERNAL_ERROR',
] as const;
export type DenyReason = (typeof DENY_REASONS)[number];

export type RiskVerdict =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly reason: DenyReason; readonly message: string };

export type ReferencePriceKind = 'last' | 'mark' | 'mid';

export interface InstrumentLimits {
  /** Max quantity per order (decimal, base units). */
  readonly maxOrderQty?: number;
  /** Max notional per order (quote currency). */
  readonly maxOrderNotional?: number;
  /** Max long / short position (decimal base units, both ≥ 0). */
  readonly maxLong?: number;
  readonly maxShort?: number;
  /** Price collar in bps around the reference price; limit/stop prices outside are denied. */
  readonly collarBps?: number;
}

export interface RiskConfig {
  /** Defaults for every instrument, overridden per instrument below. */
  readonly defaults: InstrumentLimits;
  readonly instruments?: Readonly<Record<InstrumentId, InstrumentLimits>>;
  /** Per-strategy position limits per instrument (decimal base units). */
  readonly strategies?: Readonly<Record<string, { readonly maxLong?: number; readonly maxShort?: number }>>;
  readonly referencePrice?: ReferencePriceKind;
  /** Token bucket for new orders: `capacity` tokens, refilled at `perSecond`. */
  readonly orderRate?: { readonly capacity: number; readonly perSecond: number };
  readonly modifyRate?: { readonly capacity: number; readonly perSecond: number };
  readonly maxOpenOrders?: number;
  /** Loss since the start of the UTC day (quote) that moves the state to REDUCING... */
  readonly dailyLossLimit?: number;
  /** Drawdown from the equity peak, as a fraction (0.2 = 20%): warn, then halt. */
  readonly drawdownWarn?: number;
  readonly drawdownHalt?: number;
}

/** What the gate is asked about: plain numbers so the same call crosses into Rust cheaply. */
export interface RiskOrder {
  readonly clientOrderId: string;
  readonly strategyId: string;
  readonly instrumentId: InstrumentId;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly quantityRaw: number;
  readonly priceRaw?: number;
  readonly triggerPriceRaw?: number;
  readonly reduceOnly: boolean;
}

export type RiskEventKind = 'RISK_LIMIT_BREACH' | 'DRAWDOWN_WARNING' | 'CIRCUIT_BREAKER';

export interface RiskEvent {
  readonly kind: RiskEventKind;
  readonly ts: number;
  readonly state: TradingState;
  readonly message: string;
}

/**
 * What the drawdown and daily-loss limits measure from: the peak equity, the UTC day's start
 * equity and that day's number (ms since the epoch / 86 400 000, floored).
 */
export interface EquityMarks {
  readonly peak: number;
  readonly dayStart: number;
  readonly day: number;
}

export interface RiskGate {
  readonly implementation: 'typescript' | 'native';
  registerInstrument(instrument: Instrument): void;
  /** Pre-trade check of a new order at time `now` (ms). Consumes an order-rate token when allowed. */
  checkSubmit(order: RiskOrder, now: number): RiskVerdict;
  /** Check of a modification (new quantity/price) of a working order. */
  checkModify(order: RiskOrder, now: number): RiskVerdict;
  /** Cancels are always allowed, in every state. */
  onOrderOpened(clientOrderId: string, instrumentId: InstrumentId): void;
  onOrderClosed(clientOrderId: string): void;
  /** Signed raw quantity change of a strategy's position on an instrument (BUY +, SELL −). */
  onFill(strategyId: string, instrumentId: InstrumentId, side: OrderSide, quantityRaw: number): void;
  onReferencePrice(instrumentId: InstrumentId, kind: ReferencePriceKind, price: number): void;
  /** Account equity in the account currency; may move the trading state and return events. */
  onEquity(equity: number, now: number): readonly RiskEvent[];
  /**
   * False when `onEquity` has nothing to do (no equity limit is set: it tracks nothing and never
   * returns an event), so a caller valuing the account on every bar may skip it. Absent: call it.
   */
  readonly watchesEquity?: boolean;
  /** The marks the equity limits measure from; undefined before the first equity. */
  equityMarks(): EquityMarks | undefined;
  /**
   * Sets the marks: restored after a restart (a drawdown is measured from the peak before it,
   * not from the equity at start) or rebased when a person resumes trading. A day older than the
   * next equity's starts a new day there, as always. Throws ERR_RISK_INVALID_ARGUMENT unless all
   * are finite, the day whole and the peak no lower than the day's start.
   */
  setEquityMarks(marks: EquityMarks): void;
  setTradingState(state: TradingState, now: number, reason: string): readonly RiskEvent[];
  tradingState(): TradingState;
  /** Net position of an instrument across strategies, raw. */
  position(instrumentId: InstrumentId): number;
  openOrderCount(): number;
}
