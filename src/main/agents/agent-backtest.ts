/**
 * Agents in backtests: the agent runs as the backtest's strategy and its model is the recording
 * of an earlier session (`agents/recordings/<name>.jsonl`, written in every paper and live
 * session), answered synchronously by prompt hash, so the run is deterministic and needs no
 * model server. Proposals are decided as with `"approval": "auto"` (no person in a backtest);
 * the agent's limits and the risk gate apply as live. A prompt that was never recorded is
 * counted and the agent does nothing on that tick — the report says how many.
 */
import type { TradingState } from '../engine/risk/risk-gate';
import type { AgentConfig } from './agent-config';
import { AgentStrategy } from './agent-runner';
import type { SyncModelClient } from './agent-runner';
import type { AuditEntry } from './audit';
import { ReplayModelClient } from './model/recorded';

export interface AgentBacktestSummary {
  readonly decisions: number;
  readonly modelCalls: number;
  readonly missingRecordings: number;
  readonly proposalsSent: number;
  readonly proposalsDenied: number;
  readonly recordings: number;
}

export function agentBacktestStrategy(agent: AgentConfig, instrumentId: string, currency: string, client: ReplayModelClient | SyncModelClient, tradingState: () => TradingState): { hooks: AgentStrategy; summary(): AgentBacktestSummary; entries: AuditEntry[] } {
  const entries: AuditEntry[] = [];
  const cfg: AgentConfig = { ...agent, instruments: [instrumentId], approval: 'auto' };
  const hooks = new AgentStrategy({
    config: cfg,
    client,
    audit: { append: (e) => void entries.push(e) },
    currency,
    tradingState,
    isKilled: () => false,
  });
  return {
    hooks,
    entries,
    summary: () => {
      const calls = entries.filter((e) => e.kind === 'call').length;
      const missing = entries.filter((e) => e.kind === 'error' && /no recorded answer/.test(String(e['error']))).length;
      const sends = entries.filter((e) => e.kind === 'decision' && e['action'] === 'send');
      const denied = entries.filter((e) => e.kind === 'decision' && e['status'] === 'DENIED').length;
      const firstCalls = entries.filter((e) => e.kind === 'call' && ((e['prompt'] as { transcript?: unknown[] } | undefined)?.transcript?.length ?? 0) === 1).length;
      return { decisions: firstCalls + missing, modelCalls: calls, missingRecordings: missing, proposalsSent: sends.filter((e) => e['status'] === 'SENT').length, proposalsDenied: denied, recordings: client instanceof ReplayModelClient ? client.size : 0 };
    },
  };
}
