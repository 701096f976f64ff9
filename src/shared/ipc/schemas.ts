/**
 * zod schemas for every request payload of the contract. The host parses every payload with
 * these before an engine sees it; objects are strict (unknown keys are an error, not ignored),
 * numbers are finite, strings are bounded.
 */
import { z } from 'zod';

const id = z.string().min(1).max(128);
/** A decimal typed by a person: `0.5`, `1e-3` is refused to keep it readable. */
const decimal = z
  .string()
  .trim()
  .regex(/^\d{1,15}(\.\d{1,15})?$/, 'expected a positive decimal such as 0.25');
const positiveNumber = z.number().finite().positive();

export const OrderSideSchema = z.enum(['BUY', 'SELL']);
export const OrderTypeSchema = z.enum(['MARKET', 'LIMIT', 'STOP_MARKET', 'STOP_LIMIT']);
export const TimeInForceSchema = z.enum(['GTC', 'IOC', 'FOK', 'GTD']);

export const OrderTicketSchema = z
  .strictObject({
    instrumentId: id,
    side: OrderSideSchema,
    type: OrderTypeSchema,
    quantity: decimal,
    /**
     * MARKET BUY only: spend this much quote, fee included, sized at the fill price; `quantity`
     * is then the ticket's estimate at the last price, for display, and is not what is bought.
     */
    quoteQuantity: decimal.optional(),
    price: decimal.optional(),
    triggerPrice: decimal.optional(),
    timeInForce: TimeInForceSchema.optional(),
    expireTime: z.number().int().positive().optional(),
    postOnly: z.boolean().optional(),
    reduceOnly: z.boolean().optional(),
  })
  .superRefine((t, ctx) => {
    const needsPrice = t.type === 'LIMIT' || t.type === 'STOP_LIMIT';
    const needsTrigger = t.type === 'STOP_MARKET' || t.type === 'STOP_LIMIT';
    if (needsPrice && t.price === undefined) ctx.addIssue({ code: 'custom', path: ['price'], message: `${t.type} orders need a limit price` });
    if (!needsPrice && t.price !== undefined) ctx.addIssue({ code: 'custom', path: ['price'], message: `${t.type} orders take no limit price` });
    if (needsTrigger && t.triggerPrice === undefined) ctx.addIssue({ code: 'custom', path: ['triggerPrice'], message: `${t.type} orders need a trigger price` });
    if (!needsTrigger && t.triggerPrice !== undefined) ctx.addIssue({ code: 'custom', path: ['triggerPrice'], message: `${t.type} orders take no trigger price` });
    if (t.postOnly && t.type !== 'LIMIT') ctx.addIssue({ code: 'custom', path: ['postOnly'], message: 'post-only applies to limit orders only' });
    if (t.timeInForce === 'GTD' && t.expireTime === undefined) ctx.addIssue({ code: 'custom', path: ['expireTime'], message: 'GTD orders need an expiry time' });
    if (Number(t.quantity) <= 0) ctx.addIssue({ code: 'custom', path: ['quantity'], message: 'quantity must be > 0' });
    if (t.quoteQuantity !== undefined && (t.type !== 'MARKET' || t.side !== 'BUY')) ctx.addIssue({ code: 'custom', path: ['quoteQuantity'], message: 'a quote amount is for market buys only' });
    if (t.quoteQuantity !== undefined && Number(t.quoteQuantity) <= 0) ctx.addIssue({ code: 'custom', path: ['quoteQuantity'], message: 'quote amount must be > 0' });
  });
export type OrderTicket = z.infer<typeof OrderTicketSchema>;

export const EmptySchema = z.strictObject({});
export const CancelOrderSchema = z.strictObject({ clientOrderId: id });
/** New terms of a working order (chart line drag, the orders row's inline edit); at least one. */
export const AmendOrderSchema = z
  .strictObject({ clientOrderId: id, quantity: decimal.optional(), price: decimal.optional(), triggerPrice: decimal.optional() })
  .refine((a) => a.quantity !== undefined || a.price !== undefined || a.triggerPrice !== undefined, { message: 'an amend needs a new quantity, price or trigger price' });
export const PanicSchema = z.strictObject({ flatten: z.boolean().optional() });
export const PauseSchema = z.strictObject({ paused: z.boolean() });
export const IndicatorSpecSchema = z.string().regex(/^[a-z]{2,12}(:\d{1,4}(\.\d{1,4})?){0,4}$/, 'indicator spec such as sma:20');
export const ChartHistorySchema = z.strictObject({
  instrumentId: id,
  timeframe: z.string().regex(/^\d{1,4}[smhdw]$/),
  before: z.number().int().nonnegative().optional(),
  limit: z.number().int().min(1).max(5000),
  indicators: z.array(IndicatorSpecSchema).max(8).optional(),
});
export const SetAlertSchema = z.strictObject({ instrumentId: id, price: positiveNumber });
export const RemoveAlertSchema = z.strictObject({ id });
export const SetSpeedSchema = z.strictObject({ speed: z.number().finite().positive().max(1000) });
export const OpenChartSchema = z.strictObject({
  instrumentId: id,
  timeframe: z.string().regex(/^\d{1,4}[smhdw]$/),
  indicators: z.array(IndicatorSpecSchema).max(8).optional(),
});

/** Client → host messages of the WebSocket transport. */
export const WsClientMessageSchema = z.discriminatedUnion('t', [
  z.strictObject({ t: z.literal('call'), id: z.number().int().nonnegative(), channel: z.string().max(64), payload: z.unknown() }),
  z.strictObject({ t: z.literal('resync') }),
]);
export type WsClientMessage = z.infer<typeof WsClientMessageSchema>;

/** Formats a zod error as one line a person can act on. */
export function describeZodError(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

// ── backtests and strategies ──────────────────────────────────────────────────────────────

/** A built-in strategy name or a path to a .ts/.js strategy file. */
const strategyRef = z.string().trim().min(1, 'choose a strategy').max(1024);
/** Parameters as typed (strings), validated against the strategy's spec by resolveParams. */
const paramValues = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'parameter names are identifiers'), z.string().max(256));

export const StrategyRefSchema = z.strictObject({ strategy: strategyRef });

export const BacktestDataSchema = z.union([
  z.strictObject({ sample: z.string().min(1).max(256).regex(/^[^\\/]+$/, 'a sample is a file name from the list') }),
  z.strictObject({ path: z.string().trim().min(1, 'type the path of a data file').max(4096) }),
]);

export const BacktestStartSchema = z.strictObject({
  data: BacktestDataSchema,
  strategy: strategyRef,
  params: paramValues.default({}),
  capital: positiveNumber.max(1e12),
  feeBps: z.number().finite().min(0).max(1000),
  slippageBps: z.number().finite().min(0).max(1000),
});
export type BacktestStart = z.infer<typeof BacktestStartSchema>;

/** One grid axis of an optimisation: an inclusive start:stop:step range of a numeric parameter. */
export const GridAxisSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'parameter names are identifiers'),
    start: z.number().finite(),
    stop: z.number().finite(),
    step: z.number().finite().positive('step must be > 0'),
  })
  .refine((a) => a.stop >= a.start, { message: 'stop must be ≥ start' })
  .refine((a) => Math.floor((a.stop - a.start) / a.step + 1e-9) + 1 <= 10_000, { message: 'at most 10 000 values per parameter' });

export const OPTIMIZE_OBJECTIVES = ['total-return', 'sharpe', 'sortino', 'calmar', 'profit-factor'] as const;

/** `backtest` panel's optimise mode: the backtest's data and costs, a grid, an objective. */
export const OptimizeStartSchema = z.strictObject({
  data: BacktestDataSchema,
  strategy: strategyRef,
  /** Parameters held fixed in every set. */
  params: paramValues.default({}),
  grid: z.array(GridAxisSchema).min(1, 'give at least one parameter range').max(4, 'at most 4 parameter ranges'),
  objective: z.enum(OPTIMIZE_OBJECTIVES),
  capital: positiveNumber.max(1e12),
  feeBps: z.number().finite().min(0).max(1000),
  slippageBps: z.number().finite().min(0).max(1000),
});
export type OptimizeStart = z.infer<typeof OptimizeStartSchema>;

export const BacktestIdSchema = z.strictObject({ id: id });
export const BacktestStatusSchema = z.strictObject({ id: id, report: z.boolean().optional() });
export const BacktestChartSchema = z.strictObject({ id: id, trade: z.number().int().nonnegative(), padBars: z.number().int().min(5).max(2000).optional() });

/** `instrumentId`: which instrument of the paper session the strategy trades (default: the first). */
export const StrategyStartSchema = z.strictObject({ strategy: strategyRef, params: paramValues.default({}), instrumentId: id.optional() });
export const StrategyIdSchema = z.strictObject({ id: id });

export const OpenBacktestChartSchema = z.strictObject({ runId: id, trade: z.number().int().nonnegative() });

export const AgentDecideSchema = z.strictObject({ id: z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/, 'a proposal id'), decision: z.enum(['approve', 'reject']), note: z.string().max(500).optional() });
export const AgentLogSchema = z.strictObject({ last: z.number().int().min(1).max(200).optional() });

/**
 * A venue key entered in the "Venue keys…" dialog (main validates it again before sealing or
 * writing it). Messages name the field, never its value.
 */
export const VenueKeyPutSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'key name must be 1-64 letters, digits, . _ or -'),
  venue: z.string().regex(/^[a-z0-9]{1,32}$/, 'venue must be a ccxt id such as binance'),
  environment: z.enum(['testnet', 'production']),
  apiKey: z.string().trim().min(1, 'the API key must not be empty').max(512, 'the API key is longer than 512 characters'),
  secret: z.string().trim().min(1, 'the secret must not be empty').max(8192, 'the secret is longer than 8192 characters'),
  password: z.string().max(512, 'the passphrase is longer than 512 characters').optional(),
});

const count = z.number().int().nonnegative();
/** What the host answers for `cluster.status`: checked before it leaves the host (it comes from Redis). */
export const ClusterViewSchema = z.strictObject({
  enabled: z.boolean(),
  self: z.string().nullable(),
  prefix: z.string().nullable(),
  nodes: z.array(
    z.strictObject({
      node: z.string().regex(/^[a-z0-9_-]{1,16}$/),
      roles: z.string().max(64),
      state: z.string().max(32),
      lastBeatAgoMs: z.number().finite().nullable(),
      lagMs: z.number().finite().nonnegative().nullable(),
      md: z.strictObject({ sent: count.optional(), dropped: count.optional(), received: count.optional(), gaps: count.optional(), lagMs: z.number().finite().nonnegative().optional() }),
    }),
  ).max(256),
});
