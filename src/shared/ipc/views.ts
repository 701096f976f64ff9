/**
 * What windows see: the engine's state projected into decimals (raw fixed-point integers are
 * converted once, in the host, with each instrument's precision) and plain serialisable values.
 * Snapshots and deltas of the state stream carry these; the renderer never sees raw units.
 */
import type { OrderSide, OrderStatus, OrderType, TimeInForce } from '../domain/order';

export type TradingStateView = 'ACTIVE' | 'REDUCING' | 'HALTED';

export interface InstrumentView {
  readonly id: string;
  readonly symbol: string;
  readonly venue: string;
  readonly base: string;
  readonly quote: string;
  readonly pricePrecision: number;
  readonly sizePrecision: number;
  readonly tickSize: number;
  readonly lotSize: number;
  readonly minQty: number;
}

export interface QuoteView {
  readonly instrumentId: string;
  readonly symbol: string;
  readonly last: number;
  /** Reference close one day before `ts` (or the first bar), for the watchlist's change. */
  readonly reference: number;
  readonly change: number;
  readonly changePct: number;
  readonly ts: number;
}

export interface BarView {
  readonly instrumentId: string;
  readonly timeframe: string;
  /** Open time, ms. */
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  /** Indicator values by spec (`sma:20`); null while warming up. */
  readonly indicators: Readonly<Record<string, number | null>>;
}

export interface OrderView {
  readonly clientOrderId: string;
  readonly instrumentId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly quantity: number;
  readonly filled: number;
  readonly price: number | null;
  readonly triggerPrice: number | null;
  readonly timeInForce: TimeInForce;
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
  readonly status: OrderStatus;
  /** May still fill (the "working" tab); otherwise done (filled/cancelled/denied…). */
  readonly working: boolean;
  readonly avgPx: number;
  readonly reason: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface FillView {
  readonly tradeId: string;
  readonly clientOrderId: string;
  readonly instrumentId: string;
  readonly side: OrderSide;
  readonly quantity: number;
  readonly price: number;
  readonly fee: number;
  readonly feeCurrency: string;
  readonly liquidity: 'MAKER' | 'TAKER';
  readonly ts: number;
}

export interface PositionView {
  /** `${strategyId}|${instrumentId}` */
  readonly key: string;
  readonly instrumentId: string;
  readonly symbol: string;
  readonly strategyId: string;
  /** Signed: > 0 long, < 0 short. */
  readonly quantity: number;
  readonly avgEntry: number;
  readonly mark: number | null;
  readonly unrealized: number;
  readonly realized: number;
}

export interface BalanceView {
  readonly currency: string;
  readonly total: number;
  readonly locked: number;
}

export interface AccountView {
  readonly balances: readonly BalanceView[];
  readonly equity: number;
  readonly currency: string;
}

export interface DenialView {
  readonly clientOrderId: string;
  readonly instrumentId: string;
  readonly side: OrderSide;
  readonly quantity: number;
  readonly reason: string;
  readonly message: string;
  readonly ts: number;
}

export interface RiskEventView {
  readonly kind: string;
  readonly state: TradingStateView;
  readonly message: string;
  readonly ts: number;
}

export interface RiskView {
  readonly tradingState: TradingStateView;
  /** Most recent first. */
  readonly denials: readonly DenialView[];
  readonly events: readonly RiskEventView[];
}

export interface AlertView {
  readonly id: string;
  readonly instrumentId: string;
  readonly symbol: string;
  readonly price: number;
  /** Fires when the price crosses `price` upwards ('above') or downwards ('below'). */
  readonly direction: 'above' | 'below';
  readonly status: 'active' | 'fired';
  readonly createdAt: number;
  readonly firedAt: number | null;
  readonly firedPrice: number | null;
}

export interface ReplayView {
  readonly speed: number;
  readonly running: boolean;
  readonly timeframe: string;
  /** Simulated now (close of the last released bar), ms. */
  readonly simTime: number;
}

export interface Snapshot {
  readonly instruments: readonly InstrumentView[];
  readonly quotes: readonly QuoteView[];
  readonly orders: readonly OrderView[];
  readonly fills: readonly FillView[];
  readonly positions: readonly PositionView[];
  readonly account: AccountView;
  readonly risk: RiskView;
  readonly alerts: readonly AlertView[];
  readonly replay: ReplayView;
  /** Indicator specs the host computes on live bars (chart overlays). */
  readonly indicators: readonly string[];
}

export interface HistoryPage {
  readonly instrumentId: string;
  readonly timeframe: string;
  /** Oldest first. */
  readonly bars: readonly BarView[];
  /** More bars exist before the first one returned. */
  readonly hasMore: boolean;
}
