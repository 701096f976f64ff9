/**
 * The run configuration of `libra run` (JSON): venues, strategies, risk limits, data dir.
 *
 * Validation errors name the field and say what was expected and what was found, e.g.
 *   venues[0].mode: expected "paper" | "live", got "real"
 * Secrets never live here: a venue names a key id in the encrypted key file (secrets.ts).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { agentsSchema } from '../agents/agent-config';
import { clusterConfigSchema } from '../cluster/cluster-config';
import { storeConfigSchema } from '../storage/store-config';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const limits = z
  .object({
    maxOrderQty: z.number().positive().optional(),
    maxOrderNotional: z.number().positive().optional(),
    maxLong: z.number().nonnegative().optional(),
    maxShort: z.number().nonnegative().optional(),
    collarBps: z.number().positive().optional(),
  })
  .strict();

const rate = z.object({ capacity: z.number().positive(), perSecond: z.number().positive() }).strict();

/** Mirrors `RiskConfig` in src/main/engine/risk/risk-gate.ts. */
export const riskSchema = z
  .object({
    defaults: limits.default({}),
    instruments: z.record(z.string(), limits).optional(),
    strategies: z.record(z.string(), z.object({ maxLong: z.number().nonnegative().optional(), maxShort: z.number().nonnegative().optional() }).strict()).optional(),
    referencePrice: z.enum(['last', 'mark', 'mid']).optional(),
    orderRate: rate.optional(),
    modifyRate: rate.optional(),
    maxOpenOrders: z.number().int().positive().optional(),
    dailyLossLimit: z.number().positive().optional(),
    drawdownWarn: z.number().gt(0).lt(1).optional(),
    drawdownHalt: z.number().gt(0).lt(1).optional(),
  })
  .strict();

const url = z.string().regex(/^(https?|wss?):\/\/[^\s]+$/, 'a http(s):// or ws(s):// URL');

export const venueSchema = z
  .object({
    /** ccxt exchange id (`binance`, `binanceusdm`, `bybit`, `okx`, `kraken`, `coinbase`). */
    ccxtId: z.string().regex(/^[a-z0-9]+$/, 'a ccxt exchange id such as "binance"'),
    /** Name used in instrument ids (default: ccxtId upper-cased). */
    name: z.string().regex(/^[A-Z0-9_.-]+$/).optional(),
    mode: z.enum(['paper', 'live']),
    /** Use the venue's testnet (ccxt setSandboxMode). */
    sandbox: z.boolean().default(false),
    /** Key id in the key file (live mode). */
    keyId: z.string().min(1).optional(),
    /** Override ccxt's REST base URLs (`urls.api` is replaced by this object). */
    restUrls: z.record(z.string(), z.union([url, z.record(z.string(), url)])).optional(),
    /** Override ccxt's WebSocket URLs (merged into `urls.api.ws`). */
    wsUrls: z.record(z.string(), z.union([url, z.record(z.string(), url)])).optional(),
    symbols: z.array(z.string().regex(/^[A-Z0-9]+\/[A-Z0-9]+(:[A-Z0-9]+)?$/, 'a unified symbol such as "BTC/USDT"')).min(1),
    /**
     * Derivatives: the leverage the pre-trade margin check counts initial margin at (an order
     * growing the position needs notional / leverage, cross margin). Default 1: the whole
     * notional. Set it to the leverage set at the venue; a higher one only lets the venue refuse.
     */
    leverage: z.number().min(1).max(125).optional(),
    /** Paper mode: starting balances. */
    paperBalances: z.record(z.string(), z.number().nonnegative()).optional(),
    rateLimit: rate.default({ capacity: 10, perSecond: 10 }),
    /** ms the venue may take to show an order it accepted (≥ recvWindow). */
    notFoundGraceMs: z.number().int().positive().default(15_000),
    /**
     * Live mode refuses a key that can withdraw. Where the venue cannot say (no such endpoint,
     * a simulator), the key is refused too unless this is set — accepting that risk knowingly.
     */
    allowUnknownWithdrawal: z.boolean().default(false),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.mode === 'live' && v.keyId === undefined) ctx.addIssue({ code: 'custom', path: ['keyId'], message: 'required in live mode (the id of a key in the key file)' });
  });

export const strategySchema = z
  .object({
    id: z.string().min(1).optional(),
    /** Built-in name or path to a .ts/.js file. */
    strategy: z.string().min(1),
    params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).default({}),
    /** Instrument ids (`BTC/USDT@BINANCE`). */
    instruments: z.array(z.string().regex(/^[A-Z0-9]+\/[A-Z0-9]+(:[A-Z0-9]+)?@[A-Z0-9_.-]+$/, 'an instrument id such as "BTC/USDT@BINANCE"')).min(1),
    timeframe: z.string().regex(/^\d+[smhdw]$/, 'a timeframe such as "1m"').default('1m'),
  })
  .strict();

export const runConfigSchema = z
  .object({
    dataDir: z.string().min(1).optional(),
    /** Where the session's market data lives: `{ "kind": "duckdb" }` (default, the data folder) or `{ "kind": "questdb", "url": … }`. */
    store: storeConfigSchema.optional(),
    accountCurrency: z.string().default('USDT'),
    venues: z.array(venueSchema).min(1),
    strategies: z.array(strategySchema).default([]),
    risk: riskSchema.default({ defaults: {} }),
    /** LLM agents (src/main/agents): strategies whose decisions come from a model. */
    agents: agentsSchema,
    /** Record the session's market data (trades, quotes, top book levels, bars) into the store. */
    record: z.boolean().default(true),
    /** Scale out over Redis (src/main/cluster): `{ "redis": "redis://…", "node": "s1", "roles": ["strategy"] }`. */
    cluster: clusterConfigSchema.optional(),
  })
  .strict();

export type RunConfig = z.infer<typeof runConfigSchema>;
export type VenueConfig = z.infer<typeof venueSchema>;
export type StrategyConfig = z.infer<typeof strategySchema>;

function pathOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out || '(root)';
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

/** One line per problem, naming the field: `venues[0].mode: expected "paper" | "live", got "real"`. */
export function formatIssues(error: z.ZodError, input: unknown): string {
  return error.issues
    .map((i) => {
      const got = valueAt(input, i.path);
      const shown = got === undefined ? 'nothing' : JSON.stringify(got);
      if (i.code === 'invalid_value' && 'values' in i) {
        return `${pathOf(i.path)}: expected ${(i.values as unknown[]).map((v) => JSON.stringify(v)).join(' | ')}, got ${shown}`;
      }
      if (i.code === 'unrecognized_keys' && 'keys' in i) return `${pathOf(i.path)}: unknown field(s) ${(i.keys as string[]).join(', ')}`;
      return `${pathOf(i.path)}: ${i.message}${i.code === 'custom' ? '' : `, got ${shown}`}`;
    })
    .join('\n');
}

export function parseRunConfig(input: unknown): RunConfig {
  const r = runConfigSchema.safeParse(input);
  if (!r.success) throw new ConfigError(formatIssues(r.error, input));
  return r.data;
}

export function loadRunConfig(file: string): RunConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read config ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`config ${file} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  return parseRunConfig(json);
}
