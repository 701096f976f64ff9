/**
 * AgentStrategy: an LLM agent run as a strategy. Every `everyMs` of session time it asks its
 * model for a decision, with the market snapshot as data and the tools of tools.ts; each tool
 * call is validated, then run against the agent's own view of the session (world.ts). Orders it
 * proposes pass its limits (limits.ts), then — with `"approval": "human"` — wait for a person
 * (approvals.ts), then go through the strategy context, that is the risk gate, like any order.
 *
 * The conversation is a generator of effects (model calls, backtests) so the same code runs
 * live (effects awaited) and in a simulated-time backtest (recorded answers given
 * synchronously, so the backtest stays deterministic).
 *
 * Stops at once when killed (control.ts), when trading is HALTED (PANIC or a loss limit), or
 * when its day's token or cost budget is spent.
 */
import { performance } from 'node:perf_hooks';
import { priceToNumber, qtyToNumber } from '../../shared/domain/instrument';
import type { Instrument, InstrumentId } from '../../shared/domain/instrument';
import type { Fill, Order } from '../../shared/domain/order';
import type { Bar } from '../../shared/messages/market-data';
import type { TradingState } from '../engine/risk/risk-gate';
import type { StrategyContext, StrategyHooks } from '../engine/strategy/strategy';
import type { AgentConfig } from './agent-config';
import type { ApprovalQueue, Proposal } from './approvals';
import type { AuditEntry } from './audit';
import { AgentLimits } from './limits';
import type { ModelClient, ModelRequest, ModelTurn, ToolSpec, TranscriptEntry } from './model/types';
import { asData, systemPrompt, tickMessage } from './prompt';
import type { BacktestArgs, BacktestTool } from './tools';
import { parseToolCall, runTool, toolSpecs } from './tools';
import type { AgentWorld, MarketSnapshot, NewsItem, OrderProposal, ProposalOutcome } from './world';

export interface AuditSink {
  append(e: AuditEntry): void;
  usageToday?(agent: string, now: number): { notional: number; tokens: number; cost: number };
}

export interface SyncModelClient {
  completeSync(req: ModelRequest): ModelTurn;
}

export interface AgentRunnerDeps {
  readonly config: AgentConfig;
  /** Live: awaited. Backtest: a SyncModelClient (recorded answers), called synchronously. */
  readonly client: ModelClient | SyncModelClient;
  readonly audit: AuditSink;
  readonly currency: string;
  readonly tradingState: () => TradingState;
  readonly isKilled: () => boolean;
  /** Absent in backtests: proposals are then decided as with `"approval": "auto"`. */
  readonly approvals?: ApprovalQueue | undefined;
  readonly news?: (() => readonly NewsItem[]) | undefined;
  readonly backtest?: BacktestTool | undefined;
  readonly print?: ((line: string) => void) | undefined;
  /** Wall-clock ms between looks at the approval queue and the kill switch (live only). */
  readonly pollMs?: number | undefined;
  /** No decisions of its own: the tools are driven from outside (the MCP server). */
  readonly passive?: boolean | undefined;
}

type Effect = { readonly kind: 'model'; readonly request: ModelRequest } | { readonly kind: 'backtest'; readonly args: BacktestArgs; readonly instrument: Instrument; readonly bars: readonly Bar[] };

const MAX_BARS = 1000;
const MAX_FILLS = 500;

export class AgentStrategy implements StrategyHooks {
  private ctx!: StrategyContext;
  private readonly limits: AgentLimits;
  private readonly bars = new Map<InstrumentId, Bar[]>();
  private readonly fills: { fill: Fill; order: Order }[] = [];
  private readonly pending = new Map<string, Proposal>();
  private readonly tools: ToolSpec[];
  private readonly system: string;
  private busy = false;
  private ticking = false;
  private seq = 0;
  private stoppedFor: string | undefined;
  private poll: ReturnType<typeof setInterval> | undefined;
  private readonly world: AgentWorld;
  /** Decisions in flight (live): awaited by `idle()` in tests and at stop. */
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly deps: AgentRunnerDeps) {
    this.limits = new AgentLimits(deps.config.limits, deps.currency);
    this.tools = toolSpecs({ backtest: deps.backtest !== undefined && !isSync(deps.client) });
    this.system = systemPrompt(deps.config, deps.currency);
    this.world = this.makeWorld();
  }

  get name(): string {
    return this.deps.config.name;
  }

  /** The tools' view of the session (used by the MCP server to run the same tools). */
  get toolWorld(): AgentWorld {
    return this.world;
  }

  attach(ctx: StrategyContext): void {
    this.ctx = ctx;
  }

  onStart(ctx: StrategyContext): void {
    this.ctx = ctx;
    for (const id of this.deps.config.instruments) ctx.instrument(id); // throws on an unknown instrument: the session refuses to start
    const usage = this.deps.audit.usageToday?.(this.name, ctx.now());
    if (usage) this.limits.restore(ctx.now(), usage);
    if (this.deps.approvals && !isSync(this.deps.client)) {
      this.poll = setInterval(() => this.housekeeping(), this.deps.pollMs ?? 500);
      this.poll.unref?.();
    }
  }

  /**
   * Decisions start with the first market event, not at onStart: before any data there is
   * nothing to decide on, and a backtest clock may start far before its first bar.
   */
  private startTicking(): void {
    if (this.ticking || this.deps.passive === true) return;
    this.ticking = true;
    this.ctx.setInterval('agent', this.deps.config.everyMs);
  }

  onTrade(): void {
    this.startTicking();
  }

  onBar(bar: Bar): void {
    this.startTicking();
    let list = this.bars.get(bar.instrumentId);
    if (!list) this.bars.set(bar.instrumentId, (list = []));
    list.push(bar);
    if (list.length > MAX_BARS) list.splice(0, list.length - MAX_BARS);
  }

  onFill(fill: Fill, order: Order): void {
    this.fills.push({ fill, order });
    if (this.fills.length > MAX_FILLS) this.fills.splice(0, this.fills.length - MAX_FILLS);
  }

  onTimer(name: string): void {
    if (name !== 'agent') return;
    this.housekeeping();
    this.tick();
  }

  onStop(): void {
    if (this.poll) clearInterval(this.poll);
    for (const p of this.pending.values()) this.finish(p, 'EXPIRED', { note: 'the session stopped before a decision' });
    this.pending.clear();
  }

  /** Resolves when the decision in flight (if any) has finished. */
  idle(): Promise<void> {
    return this.running;
  }

  private audit(kind: AuditEntry['kind'], fields: Record<string, unknown>): void {
    this.deps.audit.append({ ts: this.ctx.now(), agent: this.name, kind, ...fields });
  }

  private stopReason(): string | undefined {
    if (this.deps.isKilled()) return 'AGENT_KILLED: stopped by its kill switch';
    if (this.deps.tradingState() === 'HALTED') return 'TRADING_HALTED: trading is halted';
    return this.limits.budgetExhausted(this.ctx.now());
  }

  private tick(): void {
    const why = this.stopReason();
    if (why !== undefined) {
      if (why !== this.stoppedFor) {
        this.stoppedFor = why;
        this.audit('skip', { reason: why });
        this.deps.print?.(`AGENT ${this.name} stopped: ${why}`);
      }
      return;
    }
    if (this.stoppedFor !== undefined) {
      this.deps.print?.(`AGENT ${this.name} running again`);
      this.stoppedFor = undefined;
    }
    if (this.busy) {
      this.audit('skip', { reason: 'the previous decision is still running' });
      return;
    }
    const gen = this.decide();
    if (isSync(this.deps.client)) this.driveSync(gen, this.deps.client);
    else this.running = this.driveAsync(gen, this.deps.client);
  }

  private driveSync(gen: Generator<Effect, void, unknown>, client: SyncModelClient): void {
    this.busy = true;
    try {
      let next = gen.next();
      while (!next.done) {
        const eff = next.value;
        if (eff.kind !== 'model') {
          next = gen.throw(new Error('run_backtest is not available inside a backtest'));
          continue;
        }
        let turn: ModelTurn;
        try {
          turn = client.completeSync(eff.request);
        } catch (e) {
          this.audit('error', { error: message(e) });
          return;
        }
        this.auditCall(eff.request, turn, 0);
        next = gen.next(turn);
      }
    } finally {
      this.busy = false;
    }
  }

  private async driveAsync(gen: Generator<Effect, void, unknown>, client: ModelClient): Promise<void> {
    this.busy = true;
    try {
      let next = gen.next();
      while (!next.done) {
        const eff = next.value;
        if (eff.kind === 'model') {
          const t0 = performance.now();
          let turn: ModelTurn;
          try {
            turn = await client.complete(eff.request);
          } catch (e) {
            this.audit('error', { error: message(e), latencyMs: round(performance.now() - t0) });
            this.deps.print?.(`AGENT ${this.name} model call failed: ${message(e)}`);
            return;
          }
          this.auditCall(eff.request, turn, performance.now() - t0);
          next = gen.next(turn);
        } else {
          const backtest = this.deps.backtest;
          let value: unknown;
          try {
            if (!backtest) throw new Error('no backtest runner');
            value = await backtest(eff.args, eff.instrument, eff.bars);
          } catch (e) {
            next = gen.throw(e);
            continue;
          }
          next = gen.next(value);
        }
      }
    } catch (e) {
      this.audit('error', { error: message(e) });
    } finally {
      this.busy = false;
    }
  }

  private auditCall(request: ModelRequest, turn: ModelTurn, latencyMs: number): void {
    const m = this.deps.config.model;
    const tokens = turn.usage.inputTokens + turn.usage.outputTokens;
    const cost = (turn.usage.inputTokens * m.inputCostPerMTok + turn.usage.outputTokens * m.outputCostPerMTok) / 1e6;
    this.limits.countUsage(tokens, cost, this.ctx.now());
    this.audit('call', {
      provider: m.provider,
      model: m.model,
      prompt: { system: request.system, transcript: request.transcript },
      response: { text: turn.text, toolCalls: turn.toolCalls, stopReason: turn.stopReason },
      inputTokens: turn.usage.inputTokens,
      outputTokens: turn.usage.outputTokens,
      tokens,
      cost,
      latencyMs: round(latencyMs),
    });
  }

  private *decide(): Generator<Effect, void, unknown> {
    const cfg = this.deps.config;
    const snapshots = cfg.instruments.map((id) => this.world.snapshot(id));
    const transcript: TranscriptEntry[] = [{ role: 'user', content: tickMessage(this.ctx.now(), snapshots) }];
    for (let round = 0; round < cfg.maxRounds; round++) {
      if (this.stopReason() !== undefined) return;
      const request: ModelRequest = { model: cfg.model.model, system: this.system, transcript: [...transcript], tools: this.tools, maxTokens: cfg.model.maxTokens, temperature: cfg.model.temperature };
      const turn = (yield { kind: 'model', request }) as ModelTurn;
      if (turn.toolCalls.length === 0) return;
      transcript.push({ role: 'assistant', content: turn.text, toolCalls: turn.toolCalls });
      for (const call of turn.toolCalls) {
        const parsed = parseToolCall(call.name, call.arguments);
        let result: { ok: boolean; value?: unknown; error?: string };
        if (!parsed.ok) result = { ok: false, error: parsed.error };
        else if (parsed.name === 'run_backtest') {
          const args = parsed.args as BacktestArgs;
          if (!this.deps.config.instruments.includes(args.instrument)) result = { ok: false, error: `instrument "${args.instrument}" is not one of yours` };
          else
            try {
              const value = yield { kind: 'backtest', args, instrument: this.ctx.instrument(args.instrument), bars: (this.bars.get(args.instrument) ?? []).slice(-args.bars) };
              result = { ok: true, value };
            } catch (e) {
              result = { ok: false, error: `backtest failed: ${message(e)}` };
            }
        } else result = runTool(this.world, parsed.name, parsed.args);
        this.audit('tool', { tool: call.name, arguments: call.arguments, ok: result.ok, ...(result.ok ? {} : { error: result.error }) });
        transcript.push({ role: 'tool', toolCallId: call.id, name: call.name, content: asData(`tool:${call.name}`, result) });
      }
    }
  }

  // ---- the world the tools see ------------------------------------------------------------

  private instrumentsList(): Instrument[] {
    return this.deps.config.instruments.map((id) => this.ctx.instrument(id));
  }

  private makeWorld(): AgentWorld {
    return {
      now: () => this.ctx.now(),
      instruments: () => this.instrumentsList(),
      snapshot: (id) => this.snapshot(id),
      bars: (id, count) => (this.bars.get(id) ?? []).slice(-count),
      positions: () =>
        this.instrumentsList().map((i) => {
          const p = this.ctx.position(i.id);
          return { instrumentId: i.id, quantity: this.ctx.netQuantity(i.id), averagePrice: p && p.netRaw !== 0 ? p.avgEntryPx : null };
        }),
      balances: () => {
        const cur = new Set<string>();
        for (const i of this.instrumentsList()) cur.add(i.base).add(i.quote);
        return [...cur].map((currency) => ({ currency, free: this.ctx.balance(currency) }));
      },
      openOrders: () => this.ownOpenOrders(),
      recentFills: (count) => this.fills.slice(-count),
      news: (count) => {
        const now = this.ctx.now();
        return (this.deps.news?.() ?? []).filter((n) => n.ts <= now).slice(-count);
      },
      propose: (p) => this.propose(p),
      cancel: (clientOrderId) => {
        if (!this.ownOpenOrders().some((o) => o.clientOrderId === clientOrderId)) return { cancelled: false, message: `${clientOrderId} is not one of your working orders` };
        const ok = this.ctx.cancel(clientOrderId);
        this.audit('decision', { action: 'cancel', clientOrderId, ok });
        return { cancelled: ok, message: ok ? 'cancel requested' : 'the order could not be cancelled' };
      },
    };
  }

  private ownOpenOrders(): Order[] {
    const mine = new Set(this.deps.config.instruments);
    return this.ctx.openOrders().filter((o) => mine.has(o.instrumentId));
  }

  private snapshot(id: InstrumentId): MarketSnapshot {
    const inst = this.ctx.instrument(id);
    const bars = this.bars.get(id);
    return {
      instrumentId: id,
      symbol: inst.symbol,
      last: this.ctx.lastPrice(id) ?? null,
      lastBarClose: bars && bars.length > 0 ? (bars[bars.length - 1]?.close ?? null) : null,
      tickSize: priceToNumber(inst, inst.tickRaw),
      lotSize: qtyToNumber(inst, inst.lotRaw),
    };
  }

  private priceFor(p: OrderProposal): number | undefined {
    if (p.type === 'LIMIT') return p.price;
    const s = this.snapshot(p.instrumentId);
    return s.last ?? s.lastBarClose ?? undefined;
  }

  private propose(p: OrderProposal): ProposalOutcome {
    const now = this.ctx.now();
    const price = this.priceFor(p);
    const notional = price === undefined ? NaN : p.quantity * price;
    const order = { instrumentId: p.instrumentId, side: p.side, type: p.type, quantity: p.quantity, ...(p.price !== undefined ? { price: p.price } : {}) };
    const v = this.limits.checkOrder(notional, this.ownOpenOrders().length + this.pending.size, now);
    if (!v.ok) {
      this.audit('decision', { action: 'propose', status: 'DENIED', order, notional, reason: v.reason, message: v.message, reasoning: p.reasoning });
      this.deps.print?.(`AGENT ${this.name} proposal denied: ${v.message}`);
      return { status: 'DENIED', reason: v.reason, message: v.message };
    }
    this.limits.countProposal(now);
    const approvals = this.deps.approvals;
    if (this.deps.config.approval === 'auto' || !approvals || isSync(this.deps.client)) return this.send(p, notional, undefined);
    const id = `${this.name}-${now.toString(36)}-${++this.seq}`;
    const proposal: Proposal = { id, agent: this.name, createdAt: now, expiresAt: now + this.deps.config.proposalTtlMs, status: 'PENDING', order, notional, reasoning: p.reasoning };
    approvals.put(proposal);
    this.pending.set(id, proposal);
    this.audit('decision', { action: 'propose', status: 'PENDING', proposalId: id, order, notional, reasoning: p.reasoning });
    this.deps.print?.(`AGENT ${this.name} proposal ${id} awaits approval: ${p.side} ${p.quantity} ${p.instrumentId} ${p.type}${p.price !== undefined ? ` @ ${p.price}` : ''} (libra agents approve ${id})`);
    return { status: 'QUEUED', proposalId: id, expiresAt: proposal.expiresAt };
  }

  /** Sends through the strategy context: the risk gate decides, its verdict is returned. */
  private send(p: OrderProposal, notional: number, proposalId: string | undefined): ProposalOutcome {
    const now = this.ctx.now();
    let r;
    try {
      r = p.type === 'MARKET' ? this.ctx.market(p.instrumentId, p.side, p.quantity) : this.ctx.limit(p.instrumentId, p.side, p.quantity, p.price ?? NaN);
    } catch (e) {
      const outcome = { status: 'DENIED' as const, reason: 'INVALID_ORDER', message: `INVALID_ORDER: ${message(e)}` };
      this.audit('decision', { action: 'send', status: 'DENIED', proposalId, notional, reason: outcome.reason, message: outcome.message });
      return outcome;
    }
    if (!r.ok) {
      this.audit('decision', { action: 'send', status: 'DENIED', proposalId, notional, reason: r.reason, message: r.message, clientOrderId: r.order.clientOrderId });
      this.deps.print?.(`AGENT ${this.name} order denied by the risk gate: ${r.message}`);
      return { status: 'DENIED', reason: r.reason, message: r.message };
    }
    this.limits.countSent(notional, now);
    this.audit('decision', { action: 'send', status: 'SENT', proposalId, notional, clientOrderId: r.order.clientOrderId });
    return { status: 'SENT', clientOrderId: r.order.clientOrderId, ...(proposalId !== undefined ? { proposalId } : {}) };
  }

  /** Applies people's decisions and expiries; stops what a kill switch or PANIC stopped. */
  private housekeeping(): void {
    const approvals = this.deps.approvals;
    if (!approvals || this.pending.size === 0) return;
    const now = this.ctx.now();
    for (const [id, p] of [...this.pending]) {
      const d = approvals.decision(id);
      if (!d) {
        if (now >= p.expiresAt) this.finish(p, 'EXPIRED', {});
        continue;
      }
      if (d.decision === 'reject') {
        this.finish(p, 'REJECTED', { decidedBy: d.by, decidedAt: d.at, ...(d.note !== undefined ? { note: d.note } : {}) });
        continue;
      }
      if (this.deps.isKilled()) {
        this.finish(p, 'DENIED', { decidedBy: d.by, decidedAt: d.at, verdict: { allowed: false, reason: 'AGENT_KILLED', message: 'AGENT_KILLED: the agent was stopped before its order was sent' } });
        continue;
      }
      const proposal: OrderProposal = { instrumentId: p.order.instrumentId, side: p.order.side, type: p.order.type, quantity: p.order.quantity, ...(p.order.price !== undefined ? { price: p.order.price } : {}), reasoning: p.reasoning };
      // Limits are checked again at sending time: the day's notional may have moved meanwhile.
      this.pending.delete(id);
      const v = this.limits.checkOrder(p.notional, this.ownOpenOrders().length + this.pending.size, now);
      if (!v.ok) {
        this.finish(p, 'DENIED', { decidedBy: d.by, decidedAt: d.at, verdict: { allowed: false, reason: v.reason, message: v.message } });
        continue;
      }
      const out = this.send(proposal, p.notional, id);
      if (out.status === 'SENT') this.finish(p, 'SENT', { decidedBy: d.by, decidedAt: d.at, clientOrderId: out.clientOrderId, verdict: { allowed: true } });
      else if (out.status === 'DENIED') this.finish(p, 'DENIED', { decidedBy: d.by, decidedAt: d.at, verdict: { allowed: false, reason: out.reason, message: out.message } });
    }
  }

  private finish(p: Proposal, status: Proposal['status'], extra: Partial<Proposal>): void {
    this.pending.delete(p.id);
    const next: Proposal = { ...p, ...extra, status };
    this.deps.approvals?.put(next);
    this.audit('decision', { action: 'resolve', proposalId: p.id, status, ...(extra.verdict ? { verdict: extra.verdict } : {}), ...(extra.decidedBy ? { decidedBy: extra.decidedBy } : {}) });
    this.deps.print?.(`AGENT ${this.name} proposal ${p.id} ${status}${extra.verdict && !extra.verdict.allowed ? `: ${extra.verdict.message ?? ''}` : ''}`);
  }
}

function isSync(c: ModelClient | SyncModelClient): c is SyncModelClient {
  return typeof (c as SyncModelClient).completeSync === 'function';
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
