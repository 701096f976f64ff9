/**
 * The balance stage of the pre-trade path, and the funds working orders lock.
 *
 * The risk gate (TS and Rust, kept in parity) knows positions, limits and prices as plain
 * numbers, not the account's balances; the portfolio does. So the check "can the account pay
 * for this order" runs here, in TypeScript, right after the gate's ALLOW and before the order is
 * handed to the venue client (and signed) — whichever gate implementation is loaded. A denial is
 * `INSUFFICIENT_BALANCE: need 5000.5 USDT, have 4000 USDT free`.
 *
 * Spot: a BUY needs quote (quantity × limit price, trigger price for STOP_MARKET, the reference
 * price for MARKET), a SELL needs the base quantity. Fees are not added (Binance takes a buy's
 * fee from the base received).
 *
 * Derivatives (linear: margin in the quote currency, cross margin, one leverage per venue, set
 * in the session's venue config, default 1): the part of an order that grows the net position
 * needs its notional / leverage as initial margin, out of what is available — the free quote
 * balance (after working orders' margin) plus the positions' unrealized PnL minus their margin
 * (notional at the mark / leverage), as Binance USD-M counts it. The part that reduces the net
 * position and reduce-only orders need nothing. Not checked: an account with no balance in the
 * quote currency (inverse contracts settle in the base), isolated margin, tiered leverage —
 * the venue stays the judge there.
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
  /** Price per base unit (spot BUY), 1 (spot SELL: the base itself), margin per unit (derivative). */
  readonly perUnit: number;
  /** Derivatives: the leverage the margin is counted at, and the share of the order that grows the position. */
  readonly leverage?: number;
  readonly growing?: number;
  amount: number;
}

interface Need {
  readonly currency: string;
  readonly perUnit: number;
  readonly amount: number;
  readonly leverage?: number;
  readonly growing?: number;
}

/** Price one unit of the order may cost (a spot BUY; a derivative either way), or undefined when no price is known. */
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
  private readonly leverages = new Map<string, number>();

  constructor(private readonly portfolio: Portfolio) {}

  /** The leverage a venue's derivative margin is counted at (default 1: the whole notional). */
  setLeverage(venue: string, leverage: number): void {
    if (!Number.isFinite(leverage) || leverage < 1) throw new RangeError(`leverage of ${venue} must be a number ≥ 1, got ${String(leverage)}`);
    this.leverages.set(venue, leverage);
  }

  leverageOf(venue: string): number {
    return this.leverages.get(venue) ?? 1;
  }

  /** What the order's unfilled rest needs, or undefined when it is not checked (no price; see the header for derivatives). */
  need(
    order: Pick<Order, 'side' | 'type' | 'priceRaw' | 'triggerPriceRaw' | 'quantityRaw' | 'filledRaw'> & { readonly reduceOnly?: boolean },
    inst: Instrument,
    reference: number | undefined,
  ): Need | undefined {
    const qty = (order.quantityRaw - order.filledRaw) / 10 ** inst.sizePrecision;
    if (inst.kind !== 'spot') return this.marginNeed(order, inst, reference, qty);
    if (order.side === 'SELL') return { currency: inst.base, perUnit: 1, amount: qty };
    const px = buyPrice(order, inst, reference);
    if (px === undefined || !(px > 0)) return undefined;
    return { currency: inst.quote, perUnit: px, amount: qty * px };
  }

  private marginNeed(order: Pick<Order, 'side' | 'type' | 'priceRaw' | 'triggerPriceRaw'> & { readonly reduceOnly?: boolean }, inst: Instrument, reference: number | undefined, qty: number): Need | undefined {
    if (order.reduceOnly === true || !this.portfolio.hasBalance(inst.quote, inst.venue)) return undefined;
    const px = buyPrice(order, inst, reference);
    if (px === undefined || !(px > 0) || !(qty > 0)) return undefined;
    const net = this.portfolio.netPosition(inst.id) / 10 ** inst.sizePrecision;
    const reducing = order.side === 'BUY' ? Math.max(0, -net) : Math.max(0, net);
    const growing = Math.max(0, qty - reducing) / qty;
    const leverage = this.leverageOf(inst.venue);
    const perUnit = (px / leverage) * growing;
    return { currency: inst.quote, perUnit, amount: qty * perUnit, leverage, growing };
  }

  /** What is available for new margin in a venue's account: free quote + unrealized PnL − the positions' margin. */
  private marginAvailable(currency: string, venue: string): number {
    const e = this.portfolio.derivativeExposure(currency, venue);
    return this.portfolio.freeValue(currency, venue) + e.unrealized - e.notional / this.leverageOf(venue);
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
    const margin = n.leverage !== undefined;
    const free = margin ? this.marginAvailable(n.currency, inst.venue) : this.portfolio.freeValue(n.currency, inst.venue);
    // Tolerance of one unit in the 12th digit: the need is a product of decimals.
    if (n.amount - already <= free + Math.abs(free) * 1e-12 + 1e-12) return undefined;
    if (margin) return `${INSUFFICIENT_BALANCE}: need ${show(n.amount - already)} ${n.currency} margin at ${show(n.leverage ?? 1)}x, have ${show(Math.max(0, free))} ${n.currency} available`;
    return `${INSUFFICIENT_BALANCE}: need ${show(n.amount - already)} ${n.currency}, have ${show(Math.max(0, free))} ${n.currency} free`;
  }

  /** Locks the funds of an order handed to the venue (or restored open). */
  lock(order: Order, inst: Instrument, reference: number | undefined): void {
    const n = this.need(order, inst, reference);
    if (!n || !isOpen(order.status)) return;
    this.locks.set(order.clientOrderId, {
      venue: inst.venue,
      currency: n.currency,
      perUnit: n.perUnit,
      amount: n.amount,
      ...(n.leverage !== undefined ? { leverage: n.leverage, growing: n.growing ?? 1 } : {}),
    });
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
      if (l.leverage !== undefined) {
        // A derivative's margin follows a new price; the share that grows the position stays as placed.
        const px = buyPrice(order, inst, undefined);
        const perUnit = px === undefined ? l.perUnit : (px / l.leverage) * (l.growing ?? 1);
        this.locks.set(order.clientOrderId, { ...l, perUnit, amount: Math.max(0, rest * perUnit) });
      } else {
        const perUnit = order.side === 'BUY' ? (buyPrice(order, inst, undefined) ?? l.perUnit) : 1;
        this.locks.set(order.clientOrderId, { venue: l.venue, currency: l.currency, perUnit, amount: Math.max(0, rest * perUnit) });
      }
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
