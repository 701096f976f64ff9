/**
 * The orders of a backtest that ended without trading as asked — cancelled (by the venue, with
 * its reason, or on request), rejected by the venue, denied by the risk gate — counted, the first
 * ones listed, and a warning when they keep failing, so a report never hides that a strategy's
 * signals did not become trades.
 */
import type { Order } from '../../shared/domain/order';
import type { OrderDenied } from '../engine/bus/events';
import type { OrderIssue, OrderIssues } from './report/types';

export const ORDER_ISSUES_LISTED = 1000;
/** Warn from this many failures when they are at least this share of the orders. */
const WARN_MIN = 3;
const WARN_SHARE = 0.1;
const ON_REQUEST = 'cancelled on request';

export class OrderIssueLog {
  private readonly list: OrderIssue[] = [];
  private cancelled = 0;
  private cancelledOnRequest = 0;
  private rejected = 0;
  private deniedCount = 0;
  private readonly reasons = new Map<string, number>();

  denied(d: OrderDenied): void {
    this.deniedCount++;
    this.add({ time: d.ts, clientOrderId: d.clientOrderId, side: d.intent.side, status: 'DENIED', reason: d.message.startsWith(d.reason) ? d.message : `${d.reason}: ${d.message}` });
  }

  /** A cancelled or rejected order (the bus's order events). */
  ended(o: Order): void {
    if (o.status === 'CANCELED') {
      this.cancelled++;
      if (o.reason === undefined) this.cancelledOnRequest++;
    } else if (o.status === 'REJECTED') this.rejected++;
    else return;
    this.add({ time: o.updatedAt, clientOrderId: o.clientOrderId, side: o.side, status: o.status, reason: o.reason ?? ON_REQUEST });
  }

  private add(issue: OrderIssue): void {
    if (issue.reason !== ON_REQUEST) {
      // Group reasons by their words, not their numbers ("insufficient USD: need 1037.42, have 1000").
      const key = `${issue.status} ${issue.reason.replace(/-?\d[\d.,e+-]*/g, '…')}`;
      this.reasons.set(key, (this.reasons.get(key) ?? 0) + 1);
    }
    if (this.list.length < ORDER_ISSUES_LISTED) this.list.push(issue);
  }

  summary(orders: number): OrderIssues {
    const failed = this.cancelled - this.cancelledOnRequest + this.rejected + this.deniedCount;
    let warning: string | null = null;
    if (failed >= WARN_MIN && failed >= WARN_SHARE * orders) {
      let top = '';
      let topN = 0;
      for (const [k, n] of this.reasons) if (n > topN) [top, topN] = [k, n];
      warning = `${failed} of ${orders} orders failed (${this.cancelled - this.cancelledOnRequest} cancelled by the venue, ${this.rejected} rejected, ${this.deniedCount} denied); most often (${topN}×): ${top}`;
    }
    return { orders, cancelled: this.cancelled, rejected: this.rejected, denied: this.deniedCount, list: this.list, warning };
  }
}
