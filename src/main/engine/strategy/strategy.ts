/**
 * The strategy API. A strategy is a class (or any object) with optional hooks; the host gives it
 * a StrategyContext before `onStart`. Strategies are TypeScript files a user writes and loads by
 * path: the file's default export is the class, constructed with the parameters.
 *
 * Hooks run in simulated or live time alike; a strategy never reads the wall clock — it asks
 * `ctx.now()` — so the same file backtests, paper trades and trades live unchanged.
 */
import type { Instrument, InstrumentId } from '../../../shared/domain/instrument';
import type { Fill, Order, OrderIntent, OrderSide } from '../../../shared/domain/order';
import type { Position } from '../../../shared/domain/position';
import type { Bar, BookUpdate, QuoteTick, TradeTick } from '../../../shared/messages/market-data';
import type { SubmitResult } from '../execution/execution-engine';

export type ParamValue = number | string | boolean;
export type StrategyParams = Readonly<Record<string, ParamValue>>;

/** Declares a parameter so the CLI and the UI can validate and show it. */
export interface ParamSpec {
  readonly type: 'int' | 'number' | 'string' | 'boolean';
  readonly default: ParamValue;
  readonly min?: number;
  readonly max?: number;
  readonly description?: string;
}

/** Anything updated with each bar of an instrument before `onBar` runs (indicators). */
export interface BarListener {
  update(bar: { readonly open: number; readonly high: number; readonly low: number; readonly close: number; readonly volume: number }): void;
}

/**
 * A library indicator as a strategy reads it (`ctx.indicator`): fed with every bar of its
 * instrument before onBar; `current` is its first column, `output(i)` column i (as
 * `createIndicator(spec).columns` orders them); NaN while not ready.
 */
export interface IndicatorSeries {
  /** Column base name (`sma_20`, `macd_12_26_9`). */
  readonly name: string;
  /** Canonical spec with every parameter (`sma:20`, `macd:12:26:9`). */
  readonly spec: string;
  readonly ready: boolean;
  readonly current: number;
  output(column: number): number;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface StrategyContext {
  readonly strategyId: string;
  now(): number;
  instrument(id: InstrumentId): Instrument;
  instruments(): readonly Instrument[];
  /** Submits an order through the risk gate; a denial comes back as a value, never thrown. */
  submit(intent: OrderIntent): SubmitResult;
  /** Market order for a decimal quantity (rounded down to the lot). */
  market(instrumentId: InstrumentId, side: OrderSide, quantity: number, options?: { reduceOnly?: boolean }): SubmitResult;
  /**
   * Market BUY that spends `quoteAmount` of the quote currency, fee included: the quantity is
   * computed at the fill price and rounded down to the lot, so `spend(id, ctx.balance(quote))`
   * always fills on a spot account (Binance's `quoteOrderQty`).
   */
  spend(instrumentId: InstrumentId, quoteAmount: number): SubmitResult;
  /** Limit order at a decimal price (must be on the tick grid) for a decimal quantity. */
  limit(instrumentId: InstrumentId, side: OrderSide, quantity: number, price: number, options?: { postOnly?: boolean; reduceOnly?: boolean; timeInForce?: 'GTC' | 'IOC' | 'FOK' }): SubmitResult;
  cancel(clientOrderId: string): boolean;
  cancelAll(): number;
  openOrders(instrumentId?: InstrumentId): Order[];
  position(instrumentId: InstrumentId): Position | undefined;
  /** Net position in decimal base units (0 when flat). */
  netQuantity(instrumentId: InstrumentId): number;
  /**
   * Balance of a currency (decimal) on a venue's account (`ctx.instrument(id).venue`), or summed
   * over every venue's account when none is named.
   */
  balance(currency: string, venue?: string): number;
  equity(): number;
  lastPrice(instrumentId: InstrumentId): number | undefined;
  /** Taker fee rate of the venue for this instrument, as a fraction (0.001 = 10 bps). */
  takerFeeRate(instrumentId: InstrumentId): number;
  /** Registers something (an indicator) updated with every bar of `instrumentId` before onBar. */
  register<T extends BarListener>(instrumentId: InstrumentId, listener: T): T;
  /**
   * A library indicator by spec (`sma:20`, `ema:12`, `macd:12:26:9`; see createIndicator), fed with
   * every bar of `instrumentId` before onBar. Unlike `register`, the host owns the computation:
   * where many runs see the same bars (the optimizer's parameter sets) it hands every run that asks
   * for the same spec one shared precomputed series — the same numbers, computed once.
   */
  indicator(instrumentId: InstrumentId, spec: string): IndicatorSeries;
  setTimer(name: string, at: number): () => void;
  setInterval(name: string, intervalMs: number): () => void;
  log(level: LogLevel, message: string): void;
}

export interface StrategyHooks {
  onStart?(ctx: StrategyContext): void;
  onBar?(bar: Bar): void;
  onTrade?(trade: TradeTick): void;
  onQuote?(quote: QuoteTick): void;
  onBook?(book: BookUpdate): void;
  onOrder?(order: Order): void;
  onFill?(fill: Fill, order: Order): void;
  onTimer?(name: string, ts: number): void;
  onStop?(): void;
}

/** Convenient base class: `this.ctx` is set before onStart. */
export abstract class Strategy<P extends StrategyParams = StrategyParams> {
  /** Parameter declarations (override in subclasses). */
  static readonly params: Readonly<Record<string, ParamSpec>> = {};
  protected ctx!: StrategyContext;

  constructor(readonly params: P) {}

  /** Called by the host; do not override (use onStart). */
  attach(ctx: StrategyContext): void {
    this.ctx = ctx;
  }
}

export interface StrategyClass {
  readonly params?: Readonly<Record<string, ParamSpec>>;
  readonly name: string;
  new (params: StrategyParams): StrategyHooks;
}

export class ParamError extends Error {
  override readonly name = 'ParamError';
}

/** Validates user-given parameters (strings from the CLI, values from the UI) against the spec. */
export function resolveParams(specs: Readonly<Record<string, ParamSpec>>, given: Readonly<Record<string, string | ParamValue>>): StrategyParams {
  const out: Record<string, ParamValue> = {};
  for (const key of Object.keys(given)) {
    if (!(key in specs)) {
      const known = Object.keys(specs);
      throw new ParamError(`unknown parameter "${key}"${known.length ? ` (known: ${known.join(', ')})` : ' (this strategy takes none)'}`);
    }
  }
  for (const [key, spec] of Object.entries(specs)) {
    const raw = given[key] ?? spec.default;
    let v: ParamValue;
    switch (spec.type) {
      case 'int':
      case 'number': {
        const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
        if (!Number.isFinite(n) || String(raw).trim() === '') throw new ParamError(`parameter ${key} must be a number, got "${String(raw)}"`);
        if (spec.type === 'int' && !Number.isInteger(n)) throw new ParamError(`parameter ${key} must be an integer, got "${String(raw)}"`);
        if (spec.min !== undefined && n < spec.min) throw new ParamError(`parameter ${key} must be ≥ ${spec.min}, got ${n}`);
        if (spec.max !== undefined && n > spec.max) throw new ParamError(`parameter ${key} must be ≤ ${spec.max}, got ${n}`);
        v = n;
        break;
      }
      case 'boolean':
        if (typeof raw === 'boolean') v = raw;
        else if (raw === 'true' || raw === '1') v = true;
        else if (raw === 'false' || raw === '0') v = false;
        else throw new ParamError(`parameter ${key} must be true or false, got "${String(raw)}"`);
        break;
      case 'string':
        v = String(raw);
        break;
    }
    out[key] = v;
  }
  return Object.freeze(out);
}
