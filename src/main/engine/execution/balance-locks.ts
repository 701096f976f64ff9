/**
 * The balance stage of the pre-trade path, and the funds working orders lock.
 *
 * The risk gate (TS and Rust, kept in parity) knows positions, limits and prices as plain
 * numbers, not the account's balances; the portfolio does. So the check "can the account pay
 * for this order" runs here, in TypeScript, right after the gate's ALLOW and before the order is
 * handed to the venue client (and signed) — whichever gate implementation is loaded. A denial is
 * `INSUFFICIENT_BALANCE: need 5000.5 USDT, have 4000 USDT free`.
 *
 * Spot only: a BUY needs quote (quantity × limit price, trigger price for STOP_MARKET, the
 * reference price for MARKET), a SELL needs the base quantity. Fees are not added (Binance takes
 * a buy's fee from the base received). Derivatives use margin, which is not modelled: not checked.
 *
 * Invariant: while an order is open it locks exactly what its unfilled rest may spend, at the
 * price fixed when it was locked; the portfolio's `locked` per (venue account, currency) is the
 * sum of the locks of that venue's orders. The check reads the free balance of the order's venue.
 */
import type { Instrument } from '../../../shared/domain/instrument';
import type { Order } from '../../../shared/domain/order';
import { isOpen } from '../../../shared/domain/order';
import type { Portfolio } from '../portfolio/portfolio';

export const INSUFFICIENT_BALANCE = 'INSUFFICIENT_BALANCE' as const;

interface Lock {
  readonly venue: string;
  readonly currency: string;
  /** Price per base unit (BUY) or 1 (SELL: the base itself). */
  readonly perUnit: number;
  amount: number;
}

/** Price one unit of the order may cost (BUY), or undefined when no price is known. */
function buyPrice(order: Pick<Order, 'type' | 'priceRaw' | 'triggerPriceRaw'>, inst: Instrument, reference: number | undefined): number | undefined {
  const scale = 10 ** inst.pricePrecision;
  if ((order.type === 'LIMIT' || order.type === 'STOP_LIMIT') && order.priceRaw !== undefined) return order.priceRaw / scale;
  if (order.type === 'STOP_MARKET' && order.triggerPriceRaw !== undefined) return order.triggerPriceRaw / scale;
  return reference;
}

function show(x: number): string {
  return String(Number(x.toFixed(8)));
}

export class BalanceLocks {
  private readonly locks = new Map<string, Lock>();

  constructor(private readonly portfolio: Portfolio) {}

  /** What the order's unfilled rest needs, or undefined when it is not checked (derivative, no price). */
  need(order: Pick<Order, 'side' | 'type' | 'priceRaw' | 'triggerPriceRaw' | 'quantityRaw' | 'filledRaw'>, inst: Instrument, reference: number | undefined): { currency: string; perUnit: number; amount: number } | undefined {
    if (inst.kind !== 'spot') return undefined;
    const qty = (order.quantityRaw - order.filledRaw) / 10 ** inst.sizePrecision;
    if (order.side === 'SELL') return { currency: inst.base, perUnit: 1, amount: qty };
    const px = buyPrice(order, inst, reference);
    if (px === undefined || !(px > 0)) return undefined;
    return { currency: inst.quote, perUnit: px, amount: qty * px };
  }

  /**
   * Denial message when the account cannot pay for `order` (a new order, or the amended form of
   * the working order with the same client id: only the increase over its lock must be free).
   */
  check(order: Order, inst: Instrument, reference: number | undefined): string | undefined {
    const n = this.need(order, inst, reference);
    if (!n) return undefined;
    const held = this.locks.get(order.clientOrderId);
    const already = held && held.currency === n.currency && held.venue === inst.venue ? held.amount : 0;
    const free = this.portfolio.freeValue(n.currency, inst.venue);
    // Tolerance of one unit in the 12th digit: the need is a product of decimals.
    if (n.amount - already <= free + Math.abs(free) * 1e-12 + 1e-12) return undefined;
    return `${INSUFFICIENT_BALANCE}: need ${show(n.amount - already)} ${n.currency}, have ${show(Math.max(0, free))} ${n.currency} free`;
  }

  /** Locks the funds of an order handed to the venue (or restored open). */
  lock(order: Order, inst: Instrument, reference: number | undefined): void {
    const n = this.need(order, inst, reference);
    if (!n || !isOpen(order.status)) return;
    this.locks.set(order.clientOrderId, { venue: inst.venue, currency: n.currency, perUnit: n.perUnit, amount: n.amount });
    this.publish(inst.venue, n.currency);
  }

  /** Follows an order's life: a fill shrinks its lock, an amend reprices it, a terminal state frees it. */
  update(order: Order, inst: Instrument | undefined): void {
    const l = this.locks.get(order.clientOrderId);
    if (!l) return;
    if (!isOpen(order.status) || !inst) {
      this.locks.delete(order.clientOrderId);
    } else {
      const rest = (order.quantityRaw - order.filledRaw) / 10 ** inst.sizePrecision;
      const perUnit = order.side === 'BUY' ? (buyPrice(order, inst, undefined) ?? l.perUnit) : 1;
      this.locks.set(order.clientOrderId, { venue: l.venue, currency: l.currency, perUnit, amount: Math.max(0, rest * perUnit) });
    }
    this.publish(l.venue, l.currency);
  }

  /** Sum of locks in a currency (decimal) of the orders on the venues sharing `venue`'s account. */
  locked(currency: string, venue: string): number {
    const account = this.portfolio.accountOf(venue);
    let sum = 0;
    for (const l of this.locks.values()) if (l.currency === currency && this.portfolio.accountOf(l.venue) === account) sum += l.amount;
    return sum;
  }

  private publish(venue: string, currency: string): void {
    this.portfolio.setLocked(currency, this.locked(currency, venue), venue);
  }
}
