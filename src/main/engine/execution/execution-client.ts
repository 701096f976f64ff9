/**
 * What the execution engine needs from a venue. The simulated venue (backtest, paper) and the
 * CCXT venue (live) implement it; only the kernel knows both sides.
 *
 * Requests are fire-and-forget: results come back as ExecutionReports through the sink given
 * at connect time — in simulated time synchronously, live asynchronously. A request whose
 * answer is lost must be reported as REPLY_LOST (the order becomes UNKNOWN), never as rejected.
 */
import type { Fill, Order } from '../../../shared/domain/order';

export type ExecutionReport =
  | { readonly kind: 'ACCEPTED'; readonly clientOrderId: string; readonly venueOrderId: string; readonly ts: number }
  | { readonly kind: 'REJECTED'; readonly clientOrderId: string; readonly reason: string; readonly ts: number }
  | { readonly kind: 'TRIGGERED'; readonly clientOrderId: string; readonly ts: number }
  /**
   * `orderQuantityRaw`: for a quote-amount order, the order's quantity as the venue now fixes
   * it at the fill price (filled so far + what the rest of the quote amount buys).
   */
  | { readonly kind: 'FILLED'; readonly fill: Fill; readonly orderQuantityRaw?: number }
  | { readonly kind: 'CANCELED'; readonly clientOrderId: string; readonly ts: number; readonly reason?: string }
  | { readonly kind: 'CANCEL_REJECTED'; readonly clientOrderId: string; readonly reason: string; readonly ts: number }
  /** `venueOrderId`: the venue's id for the order after the amend, when the amend changed it (Binance spot cancelReplace). */
  | { readonly kind: 'UPDATED'; readonly clientOrderId: string; readonly ts: number; readonly quantityRaw?: number; readonly priceRaw?: number; readonly triggerPriceRaw?: number; readonly venueOrderId?: string }
  | { readonly kind: 'UPDATE_REJECTED'; readonly clientOrderId: string; readonly reason: string; readonly ts: number }
  | { readonly kind: 'EXPIRED'; readonly clientOrderId: string; readonly ts: number }
  | { readonly kind: 'REPLY_LOST'; readonly clientOrderId: string; readonly reason: string; readonly ts: number };

export type ExecutionReportSink = (report: ExecutionReport) => void;

export interface ExecutionClient {
  readonly venue: string;
  /**
   * False when the venue cannot amend a working order in place: the engine then modifies by
   * cancel-replace (cancel, and once the venue confirms the cancel, a new order for the rest
   * through the gate — the same path, and UNKNOWN-safety, as any new order). Default true.
   */
  readonly amendsInPlace?: boolean;
  /**
   * 'native' when the client fills quote-amount market orders itself (sized at the fill). Any
   * other client gets them converted by the engine to a base quantity at the last price less
   * QUOTE_ORDER_MARGIN, so the order can still be paid for when the price moves up a little.
   */
  readonly quoteOrders?: 'native';
  connect(sink: ExecutionReportSink): void;
  submit(order: Order): void;
  cancel(order: Order): void;
  modify(order: Order, change: { quantityRaw?: number; priceRaw?: number; triggerPriceRaw?: number }): void;
}
