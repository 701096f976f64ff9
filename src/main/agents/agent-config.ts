/**
 * The `agents` block of a session (the JSON of `libra run` / `libra serve --config`).
 *
 * An agent is a strategy whose decisions come from a model: it is started like a strategy, on
 * the instruments it names, and every order it proposes passes its own limits, then the same
 * risk gate as every other order. Secrets never live here: `apiKeyEnv` names an environment
 * variable (or `apiKeyId` a key-store entry) holding the model's API key.
 */
import { z } from 'zod';

const instrumentId = z.string().regex(/^[A-Z0-9]+\/[A-Z0-9]+(:[A-Z0-9]+)?@[A-Z0-9_.-]+$/, 'an instrument id such as "BTC/USDT@BINANCE"');

export const modelSchema = z
  .object({
    provider: z.enum(['openai-compatible', 'anthropic']),
    /** The API root: `https://api.openai.com/v1`, `http://127.0.0.1:11434/v1`, `https://api.anthropic.com/v1`. */
    baseUrl: z.string().regex(/^https?:\/\/[^\s]+$/, 'an http(s):// URL'),
    model: z.string().min(1),
    apiKeyEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name such as "OPENAI_API_KEY"').optional(),
    apiKeyId: z.string().min(1).optional(),
    /** Server-sent events (`stream: true`) instead of one JSON answer. */
    stream: z.boolean().default(false),
    timeoutMs: z.number().int().positive().default(30_000),
    maxTokens: z.number().int().positive().default(1024),
    temperature: z.number().min(0).max(2).optional(),
    /** Prices in the account's money per million tokens, for the cost budget. */
    inputCostPerMTok: z.number().nonnegative().default(0),
    outputCostPerMTok: z.number().nonnegative().default(0),
  })
  .strict();

export const agentLimitsSchema = z
  .object({
    maxOrderNotional: z.number().positive().optional(),
    maxDailyNotional: z.number().positive().optional(),
    maxOpenOrders: z.number().int().positive().optional(),
    maxOrdersPerMinute: z.number().int().positive().optional(),
    maxTokensPerDay: z.number().int().positive().optional(),
    maxCostPerDay: z.number().positive().optional(),
  })
  .strict();

export const agentSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, "_", "." or "-" (at most 64)'),
    model: modelSchema,
    instruments: z.array(instrumentId).min(1),
    everyMs: z.number().int().min(1000).default(60_000),
    approval: z.enum(['human', 'auto']).default('human'),
    limits: agentLimitsSchema.default({}),
    instructions: z.string().max(20_000).default(''),
    /** How long a proposal waits for a person before it expires. */
    proposalTtlMs: z.number().int().positive().default(300_000),
    /** Tool-call rounds per decision before the agent gives up for this tick. */
    maxRounds: z.number().int().min(1).max(16).default(4),
    timeframe: z.string().regex(/^\d+[smhdw]$/, 'a timeframe such as "1m"').default('1m'),
    /** News items the agent may read (`get_news`): a JSON array or JSON lines of `{ ts, headline, body? }`. */
    newsFile: z.string().min(1).optional(),
  })
  .strict();

export const agentsSchema = z.array(agentSchema).default([]).superRefine((agents, ctx) => {
  const seen = new Set<string>();
  agents.forEach((a, i) => {
    if (seen.has(a.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate agent name "${a.name}"` });
    seen.add(a.name);
    if (a.model.apiKeyEnv !== undefined && a.model.apiKeyId !== undefined) ctx.addIssue({ code: 'custom', path: [i, 'model'], message: 'give apiKeyEnv or apiKeyId, not both' });
  });
});

export type AgentConfig = z.infer<typeof agentSchema>;
export type AgentModelConfig = z.infer<typeof modelSchema>;
export type AgentLimitsConfig = z.infer<typeof agentLimitsSchema>;
