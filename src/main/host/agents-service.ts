/**
 * The approvals panel's service: the session's LLM agent proposals (with the model's reasoning,
 * the order and, once sent, the risk gate's verdict), a person's approve / reject, and the audit
 * log. It reads and writes through the kernel's agent desk — the same files `libra agents`
 * uses — so a decision made in a window, or from a shell, reaches the running session alike.
 * New pending proposals are announced (tray notification in the app).
 */
import type { AgentDesk, AuditEntry, Proposal } from '../kernel';
import type { AgentLogView, AgentProposalView } from '../../shared/ipc/views';
import type { Result } from '../../shared/ipc/result';
import { err, HostErrorCodes, ok } from '../../shared/ipc/result';

const POLL_MS = 1000;

export function proposalView(p: Proposal): AgentProposalView {
  return {
    id: p.id,
    agent: p.agent,
    createdAt: p.createdAt,
    expiresAt: p.expiresAt,
    status: p.status,
    instrumentId: p.order.instrumentId,
    side: p.order.side,
    type: p.order.type,
    quantity: p.order.quantity,
    ...(p.order.price !== undefined ? { price: p.order.price } : {}),
    notional: p.notional,
    reasoning: p.reasoning,
    ...(p.verdict ? { verdict: p.verdict.allowed ? 'ALLOWED' : (p.verdict.message ?? p.verdict.reason ?? 'DENIED') } : {}),
    ...(p.clientOrderId !== undefined ? { clientOrderId: p.clientOrderId } : {}),
    ...(p.note !== undefined ? { note: p.note } : {}),
  };
}

function summary(e: AuditEntry): string {
  switch (e.kind) {
    case 'call': {
      const calls = ((e['response'] as { toolCalls?: { name: string }[] } | undefined)?.toolCalls ?? []).map((c) => c.name);
      return `model call: ${String(e['tokens'])} tokens, ${String(e['latencyMs'])} ms${calls.length ? `, tools ${calls.join(', ')}` : ''}`;
    }
    case 'tool':
      return `tool ${String(e['tool'])}: ${e['ok'] ? 'ok' : String(e['error'])}`;
    case 'decision':
      return `${String(e['action'])} ${String(e['status'] ?? '')}${e['message'] ? `: ${String(e['message'])}` : ''}`;
    default:
      return String(e['reason'] ?? e['error'] ?? e.kind);
  }
}

export class AgentsService {
  private readonly announced = new Set<string>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly desk: AgentDesk | undefined) {}

  /** Calls `onNew` once per new pending proposal (polled; the session writes them from its own process or thread). */
  watch(onNew: (p: AgentProposalView) => void): void {
    if (!this.desk || this.timer) return;
    for (const p of this.desk.proposals()) this.announced.add(p.id);
    this.timer = setInterval(() => {
      for (const p of this.desk?.proposals() ?? []) {
        if (p.status !== 'PENDING' || this.announced.has(p.id)) continue;
        this.announced.add(p.id);
        onNew(proposalView(p));
      }
    }, POLL_MS);
    this.timer.unref?.();
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  proposals(): Result<readonly AgentProposalView[]> {
    return ok((this.desk?.proposals() ?? []).map(proposalView));
  }

  decide(id: string, decision: 'approve' | 'reject', note?: string): Result<AgentProposalView> {
    if (!this.desk) return err(HostErrorCodes.notSupported, 'this session runs no agents');
    try {
      const p = decision === 'approve' ? this.desk.approve(id, 'app') : this.desk.reject(id, 'app', note);
      return ok(proposalView({ ...p, note: `${decision === 'approve' ? 'approved' : 'rejected'} in the app; the session applies it within a second` }));
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      return err(/^no proposal/.test(message) ? HostErrorCodes.notFound : HostErrorCodes.rejected, message);
    }
  }

  log(last = 50): Result<readonly AgentLogView[]> {
    return ok((this.desk?.log({ last }) ?? []).map((e) => ({ ts: e.ts, agent: e.agent, kind: e.kind, summary: summary(e) })));
  }
}
