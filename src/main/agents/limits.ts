/**
 * An agent's own limits, checked before the risk gate: per-order and per-day notional, open
 * orders (working plus awaiting approval), orders per minute, and the day's token and cost
 * budget. Days are UTC days of the session clock. Every denial has a stable code.
 */
import type { AgentLimitsConfig } from './agent-config';

export type AgentDenyReason = 'AGENT_MAX_ORDER_NOTIONAL' | 'AGENT_MAX_DAILY_NOTIONAL' | 'AGENT_MAX_OPEN_ORDERS' | 'AGENT_ORDER_RATE' | 'AGENT_NO_PRICE' | 'AGENT_STOPPED';

export type LimitVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: AgentDenyReason; readonly message: string };

const DAY_MS = 86_400_000;

export class AgentLimits {
  private day = -1;
  private dayNotional = 0;
  private dayTokens = 0;
  private dayCost = 0;
  private readonly recent: number[] = [];

  constructor(
    private readonly limits: AgentLimitsConfig,
    private readonly currency: string,
  ) {}

  private roll(now: number): void {
    const d = Math.floor(now / DAY_MS);
    if (d !== this.day) {
      this.day = d;
      this.dayNotional = 0;
      this.dayTokens = 0;
      this.dayCost = 0;
    }
  }

  /** Seeds today's usage (from the audit log) so a restart does not reset the budget. */
  restore(now: number, usage: { notional: number; tokens: number; cost: number }): void {
    this.roll(now);
    this.dayNotional += usage.notional;
    this.dayTokens += usage.tokens;
    this.dayCost += usage.cost;
  }

  checkOrder(notional: number, openCount: number, now: number): LimitVerdict {
    this.roll(now);
    const l = this.limits;
    const c = this.currency;
    if (!Number.isFinite(notional) || notional <= 0) return { ok: false, reason: 'AGENT_NO_PRICE', message: 'AGENT_NO_PRICE: no price to value the order at' };
    if (l.maxOrderNotional !== undefined && notional > l.maxOrderNotional) return { ok: false, reason: 'AGENT_MAX_ORDER_NOTIONAL', message: `AGENT_MAX_ORDER_NOTIONAL: ${fmt(notional)} > ${fmt(l.maxOrderNotional)} ${c}` };
    if (l.maxDailyNotional !== undefined && this.dayNotional + notional > l.maxDailyNotional)
      return { ok: false, reason: 'AGENT_MAX_DAILY_NOTIONAL', message: `AGENT_MAX_DAILY_NOTIONAL: ${fmt(this.dayNotional)} + ${fmt(notional)} > ${fmt(l.maxDailyNotional)} ${c} today` };
    if (l.maxOpenOrders !== undefined && openCount >= l.maxOpenOrders) return { ok: false, reason: 'AGENT_MAX_OPEN_ORDERS', message: `AGENT_MAX_OPEN_ORDERS: ${openCount} open or awaiting approval, limit ${l.maxOpenOrders}` };
    if (l.maxOrdersPerMinute !== undefined) {
      while (this.recent.length > 0 && (this.recent[0] ?? 0) <= now - 60_000) this.recent.shift();
      if (this.recent.length >= l.maxOrdersPerMinute) return { ok: false, reason: 'AGENT_ORDER_RATE', message: `AGENT_ORDER_RATE: ${this.recent.length} proposals in the last minute, limit ${l.maxOrdersPerMinute}` };
    }
    return { ok: true };
  }

  /** Counts a proposal against the rate limit (queued or sent). */
  countProposal(now: number): void {
    this.recent.push(now);
  }

  /** Counts notional that was actually sent to the gate. */
  countSent(notional: number, now: number): void {
    this.roll(now);
    this.dayNotional += notional;
  }

  countUsage(tokens: number, cost: number, now: number): void {
    this.roll(now);
    this.dayTokens += tokens;
    this.dayCost += cost;
  }

  /** Why the agent may not call its model now (budget spent), or undefined. */
  budgetExhausted(now: number): string | undefined {
    this.roll(now);
    const l = this.limits;
    if (l.maxTokensPerDay !== undefined && this.dayTokens >= l.maxTokensPerDay) return `AGENT_TOKEN_BUDGET: ${this.dayTokens} tokens used today, budget ${l.maxTokensPerDay}`;
    if (l.maxCostPerDay !== undefined && this.dayCost >= l.maxCostPerDay) return `AGENT_COST_BUDGET: ${fmt(this.dayCost)} spent today, budget ${fmt(l.maxCostPerDay)}`;
    return undefined;
  }

  usage(): { notional: number; tokens: number; cost: number } {
    return { notional: this.dayNotional, tokens: this.dayTokens, cost: this.dayCost };
  }
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}
