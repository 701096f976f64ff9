/**
 * Reconciliation: make the engine agree with the venue, at start and after every reconnect.
 *
 *   1. open orders at the venue  → known ones are updated; unknown ones are ADOPTED (external)
 *   2. orders the engine thinks open/unknown but the venue does not list as open → asked one
 *      by one by client order id; the venue's answer decides (filled, canceled, rejected…);
 *      "does not exist" → not placed (REJECTED) or gone (CANCELED) as appropriate
 *   3. our trades since the last known fill (minus a safety margin) → every trade id not yet
 *      applied is applied ONCE (dedupe by instrument|trade id, shared with the live stream)
 *   4. balances → mismatches are reported, then the venue's figures replace the engine's
 *      (positions for derivatives would be step 5; spot-only for now, see README)
 *
 * Trading stays HALTED while this runs: the caller raises RECONCILING before and
 * RECONCILED only when every step succeeded. Any failure throws, and the caller retries.
 */
import type { Fill } from '../../../shared/domain/order';
import type { CcxtOrder, CcxtTrade } from './ccxt-types';
import { clientIdOfOrder, isOrderExecution, venueState } from './mapping';
import type { VenueOrderState } from './mapping';

export interface AdoptedOrder {
  readonly clientOrderId: string;
  readonly venueOrderId: string;
  readonly symbol: string;
  readonly status: string;
}

export interface ResolvedOrder {
  readonly clientOrderId: string;
  readonly venueAnswer: VenueOrderState | 'NOT_FOUND';
}

export interface BalanceMismatch {
  readonly currency: string;
  readonly engine: number;
  readonly venue: number;
}

export interface ReconciliationReport {
  readonly venue: string;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly adoptedOrders: readonly AdoptedOrder[];
  readonly missedFills: readonly Fill[];
  readonly resolvedOrders: readonly ResolvedOrder[];
  readonly balanceMismatches: readonly BalanceMismatch[];
}

/** What reconciliation needs from the execution client (implemented there, faked in tests). */
export interface ReconcileContext {
  readonly venue: string;
  /** ccxt symbols to scan for open orders and trades. */
  readonly symbols: readonly string[];
  now(): number;
  fetchOpenOrders(symbol: string): Promise<CcxtOrder[]>;
  fetchOrderByClientId(symbol: string, clientOrderId: string): Promise<CcxtOrder | 'NOT_FOUND'>;
  fetchOrderById(symbol: string, venueOrderId: string): Promise<CcxtOrder | 'NOT_FOUND'>;
  fetchMyTrades(symbol: string, since: number | undefined): Promise<CcxtTrade[]>;
  fetchBalances(): Promise<Record<string, number>>;
  /** Orders the engine believes may still be working (open, pending, unknown), with their ccxt symbol. */
  workingOrders(): readonly { readonly clientOrderId: string; readonly symbol: string }[];
  /** Client order id of a venue order id or venue client id, if this engine knows the order. */
  knownClientId(o: { readonly id?: string; readonly clientOrderId?: string }): string | undefined;
  /** Applies the venue's view of a known order (accept, fills, terminal state). */
  applyVenueOrder(clientOrderId: string, o: CcxtOrder): Promise<void>;
  /** Adopts an order placed outside this engine; returns the client order id it is tracked under. */
  adoptExternal(o: CcxtOrder): Promise<string>;
  /** The venue says it has no order with this client order id. */
  applyNotFound(clientOrderId: string): void;
  /** Applies one trade if new; returns the fill when it was applied now, undefined when already seen. */
  applyTrade(clientOrderId: string, t: CcxtTrade): Fill | undefined;
  /** Time of the newest fill applied so far (0 = none: scan the venue's default window). */
  lastFillTs(): number;
  engineBalances(): Record<string, number>;
  setBalances(venue: Record<string, number>): void;
}

/** Trades are fetched from the last fill minus this margin (clock skew, same-ms trades). */
export const TRADE_LOOKBACK_MS = 60_000;

export async function reconcile(ctx: ReconcileContext): Promise<ReconciliationReport> {
  const startedAt = ctx.now();
  const adoptedOrders: AdoptedOrder[] = [];
  const resolvedOrders: ResolvedOrder[] = [];
  const missedFills: Fill[] = [];

  // 1. Open orders at the venue.
  const venueOpen = new Set<string>();
  for (const symbol of ctx.symbols) {
    for (const o of await ctx.fetchOpenOrders(symbol)) {
      const known = ctx.knownClientId({ id: o.id ?? undefined, clientOrderId: clientIdOfOrder(o) });
      if (known !== undefined) {
        venueOpen.add(known);
        await ctx.applyVenueOrder(known, o);
      } else {
        const cid = await ctx.adoptExternal(o);
        venueOpen.add(cid);
        adoptedOrders.push({ clientOrderId: cid, venueOrderId: String(o.id), symbol, status: String(o.status) });
      }
    }
  }

  // 2. Orders we think working that the venue does not list as open: ask each one.
  for (const w of ctx.workingOrders()) {
    if (venueOpen.has(w.clientOrderId)) continue;
    const o = await ctx.fetchOrderByClientId(w.symbol, w.clientOrderId);
    if (o === 'NOT_FOUND') {
      ctx.applyNotFound(w.clientOrderId);
      resolvedOrders.push({ clientOrderId: w.clientOrderId, venueAnswer: 'NOT_FOUND' });
    } else {
      await ctx.applyVenueOrder(w.clientOrderId, o);
      resolvedOrders.push({ clientOrderId: w.clientOrderId, venueAnswer: venueState(o) });
    }
  }

  // 3. Trades since the last known fill.
  const last = ctx.lastFillTs();
  const since = last > 0 ? last - TRADE_LOOKBACK_MS : undefined;
  for (const symbol of ctx.symbols) {
    const trades = await ctx.fetchMyTrades(symbol, since);
    for (const t of trades) {
      if (!isOrderExecution(t)) continue; // funding, settlement…: not fills
      let cid = ctx.knownClientId({ id: t.order ?? undefined });
      if (cid === undefined && t.order) {
        // A trade of an order we have never seen (placed elsewhere, already closed): adopt it.
        const o = await ctx.fetchOrderById(symbol, t.order);
        if (o !== 'NOT_FOUND') {
          cid = ctx.knownClientId({ id: o.id ?? undefined, clientOrderId: clientIdOfOrder(o) }) ?? (await ctx.adoptExternal(o));
          if (!adoptedOrders.some((a) => a.clientOrderId === cid)) adoptedOrders.push({ clientOrderId: cid, venueOrderId: String(o.id), symbol, status: String(o.status) });
        }
      }
      if (cid === undefined) continue;
      const fill = ctx.applyTrade(cid, t);
      if (fill) missedFills.push(fill);
    }
  }

  // 4. Balances: report, then take the venue's figures.
  const venueBalances = await ctx.fetchBalances();
  const engine = ctx.engineBalances();
  const balanceMismatches: BalanceMismatch[] = [];
  for (const currency of new Set([...Object.keys(venueBalances), ...Object.keys(engine)])) {
    const v = venueBalances[currency] ?? 0;
    const e = engine[currency] ?? 0;
    if (Math.abs(v - e) > 1e-8 * Math.max(1, Math.abs(v))) balanceMismatches.push({ currency, engine: e, venue: v });
  }
  ctx.setBalances(venueBalances);

  return { venue: ctx.venue, startedAt, finishedAt: ctx.now(), adoptedOrders, missedFills, resolvedOrders, balanceMismatches };
}
