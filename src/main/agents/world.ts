/**
 * What an agent's tools see and do: a read-only view of the session through the agent's own
 * strategy context, and two actions — propose an order, cancel one of its own. Built on the
 * StrategyContext so an agent's orders take exactly the path a strategy's take: the risk gate,
 * then the venue. Nothing here reaches a venue or a key directly.
 */
import type { Instrument, InstrumentId } from '../../shared/domain/instrument';
import type { Fill, Order, OrderSide } from '../../shared/domain/order';
import type { Bar } from '../../shared/messages/market-data';

export interface NewsItem {
  readonly ts: number;
  readonly headline: string;
  readonly body?: string | undefined;
}

export interface OrderProposal {
  readonly instrumentId: InstrumentId;
  readonly side: OrderSide;
  readonly type: 'MARKET' | 'LIMIT';
  /** Decimal base units, already rounded down to the lot. */
  readonly quantity: number;
  readonly price?: number | undefined;
  readonly reasoning: string;
}

export type ProposalOutcome =
  | { readonly status: 'SENT'; readonly clientOrderId: string; readonly proposalId?: string }
  | { readonly status: 'QUEUED'; readonly proposalId: string; readonly expiresAt: number }
  | { readonly status: 'DENIED'; readonly reason: string; readonly message: string };

export interface MarketSnapshot {
  readonly instrumentId: InstrumentId;
  readonly symbol: string;
  readonly last: number | null;
  readonly lastBarClose: number | null;
  readonly tickSize: number;
  readonly lotSize: number;
}

export interface AgentWorld {
  now(): number;
  instruments(): readonly Instrument[];
  snapshot(instrumentId: InstrumentId): MarketSnapshot;
  bars(instrumentId: InstrumentId, count: number): readonly Bar[];
  positions(): readonly { instrumentId: InstrumentId; quantity: number; averagePrice: number | null }[];
  balances(): readonly { currency: string; free: number }[];
  openOrders(): readonly Order[];
  recentFills(count: number): readonly { fill: Fill; order: Order }[];
  news(count: number): readonly NewsItem[];
  propose(p: OrderProposal): ProposalOutcome;
  cancel(clientOrderId: string): { readonly cancelled: boolean; readonly message: string };
}
