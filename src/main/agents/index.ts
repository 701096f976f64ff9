/**
 * LLM agents in a session: builds each agent's model client (with its key from the environment
 * or the key file, never from the config), and starts it as a strategy in the session's
 * strategy host, so its orders take the strategies' path through the risk gate. Answers are
 * recorded per agent (`agents/recordings/<name>.jsonl`) so a backtest can replay them.
 */
import { join } from 'node:path';
import type { TradingState } from '../engine/risk/risk-gate';
import type { StrategyHooks } from '../engine/strategy/strategy';
import type { StrategySubscriptions } from '../engine/strategy/strategy-host';
import type { AgentConfig } from './agent-config';
import { AgentStrategy } from './agent-runner';
import { ApprovalQueue } from './approvals';
import { AuditLog } from './audit';
import { AgentControl } from './control';
import { AnthropicClient } from './model/anthropic';
import { OpenAiCompatibleClient } from './model/openai';
import { RecordingModelClient } from './model/recorded';
import type { ModelClient } from './model/types';
import { NewsFile } from './news';
import type { BacktestTool } from './tools';

export { agentSchema, agentsSchema } from './agent-config';
export type { AgentConfig } from './agent-config';
export { AgentStrategy } from './agent-runner';
export { ApprovalQueue, ApprovalError } from './approvals';
export type { Proposal } from './approvals';
export { AuditLog } from './audit';
export { AgentControl } from './control';
export { ReplayModelClient, RecordingModelClient, requestHash } from './model/recorded';

export class AgentError extends Error {
  override readonly name = 'AgentError';
}

export interface AgentHostCore {
  readonly host: { start(id: string, strategy: StrategyHooks, subs: StrategySubscriptions): void; stop?(id: string): void };
  readonly risk: { tradingState(): TradingState };
}

export interface StartAgentsOptions {
  readonly dataDir: string;
  readonly currency: string;
  readonly print: (line: string) => void;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Looks up `apiKeyId` in the key file (its apiKey field). */
  readonly resolveKeyId?: (id: string) => Promise<string | undefined>;
  readonly backtest?: BacktestTool;
  readonly fetch?: typeof fetch;
  readonly pollMs?: number;
}

export interface RunningAgents {
  readonly agents: readonly AgentStrategy[];
  stop(): Promise<void>;
}

export async function modelClientFor(cfg: AgentConfig, options: Pick<StartAgentsOptions, 'env' | 'resolveKeyId' | 'fetch'>): Promise<ModelClient> {
  const m = cfg.model;
  let apiKey: string | undefined;
  if (m.apiKeyEnv !== undefined) {
    apiKey = (options.env ?? process.env)[m.apiKeyEnv];
    if (apiKey === undefined || apiKey === '') throw new AgentError(`agent ${cfg.name}: environment variable ${m.apiKeyEnv} (its model API key) is not set`);
  } else if (m.apiKeyId !== undefined) {
    apiKey = await options.resolveKeyId?.(m.apiKeyId);
    if (apiKey === undefined) throw new AgentError(`agent ${cfg.name}: key "${m.apiKeyId}" not found in the key file`);
  }
  const common = { baseUrl: m.baseUrl, apiKey, stream: m.stream, timeoutMs: m.timeoutMs, ...(options.fetch ? { fetch: options.fetch } : {}) };
  return m.provider === 'anthropic' ? new AnthropicClient(common) : new OpenAiCompatibleClient(common);
}

export function agentStrategyId(name: string): string {
  return `agent:${name}`;
}

export async function startAgents(core: AgentHostCore, agents: readonly AgentConfig[], o: StartAgentsOptions): Promise<RunningAgents> {
  const audit = new AuditLog(o.dataDir);
  const approvals = new ApprovalQueue(o.dataDir);
  const control = new AgentControl(o.dataDir);
  const started: { id: string; agent: AgentStrategy }[] = [];
  for (const cfg of agents) {
    const inner = await modelClientFor(cfg, o);
    const client = new RecordingModelClient(inner, join(o.dataDir, 'agents', 'recordings', `${cfg.name}.jsonl`));
    const news = cfg.newsFile ? new NewsFile(cfg.newsFile, o.print) : undefined;
    const agent = new AgentStrategy({
      config: cfg,
      client,
      audit,
      currency: o.currency,
      tradingState: () => core.risk.tradingState(),
      isKilled: () => control.isKilled(cfg.name),
      approvals,
      news: news ? () => news.items() : undefined,
      backtest: o.backtest,
      print: o.print,
      pollMs: o.pollMs,
    });
    const id = agentStrategyId(cfg.name);
    core.host.start(id, agent, { bars: cfg.instruments.map((instrumentId) => ({ instrumentId, timeframe: cfg.timeframe })), trades: cfg.instruments });
    started.push({ id, agent });
    o.print(`AGENT ${cfg.name} started on ${cfg.instruments.join(', ')} (${cfg.model.provider} ${cfg.model.model}, every ${cfg.everyMs / 1000} s, approval ${cfg.approval})${control.isKilled(cfg.name) ? ' — KILLED: libra agents resume ' + cfg.name : ''}`);
  }
  return {
    agents: started.map((s) => s.agent),
    stop: async () => {
      await Promise.allSettled(started.map((s) => s.agent.idle()));
      for (const s of started) core.host.stop?.(s.id);
    },
  };
}
