/**
 * Versioned cluster messages: `{ v: 1, id, kind, node, ts, body }` as JSON in the `m` field of a
 * stream entry. Every message is zod-checked on receipt; one that does not parse is acked and
 * reported (a poison entry must not block the group), never applied.
 *
 * Ids are deterministic where a message may be sent twice (an order event is
 * `<clientOrderId>:<status>:<filled>`, a fill `<clientOrderId>:fill:<tradeId>`), so a consumer
 * deduplicates redeliveries and re-sends alike.
 */
import { z } from 'zod';
import type { Fill, Order } from '../../shared/domain/order';
import type { ExecutionReport } from '../engine/execution/execution-client';
import { TRADING_STATES } from '../engine/risk/risk-gate';

const side = z.enum(['BUY', 'SELL']);
const int = z.number().int();

const orderBody = z
  .object({
    clientOrderId: z.string().min(1).max(36),
    strategyId: z.string().min(1),
    instrumentId: z.string().min(1),
    side,
    type: z.enum(['MARKET', 'LIMIT', 'STOP_MARKET', 'STOP_LIMIT']),
    quantityRaw: int.nonnegative(),
    quoteQuantityRaw: int.positive().optional(),
    priceRaw: int.optional(),
    triggerPriceRaw: int.optional(),
    timeInForce: z.enum(['GTC', 'IOC', 'FOK', 'GTD']),
    expireTime: z.number().optional(),
    postOnly: z.boolean(),
    reduceOnly: z.boolean(),
    tags: z.array(z.string()).optional(),
  })
  .strict();

const fill = z
  .object({
    clientOrderId: z.string(),
    venueOrderId: z.string().optional(),
    tradeId: z.string(),
    strategyId: z.string(),
    instrumentId: z.string(),
    side,
    quantityRaw: int.positive(),
    priceRaw: int,
    feeRaw: int,
    feeCurrency: z.string(),
    feePrecision: int.nonnegative(),
    liquidity: z.enum(['MAKER', 'TAKER']),
    ts: z.number(),
  })
  .strict();

const ts = z.number();
const report = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ACCEPTED'), clientOrderId: z.string(), venueOrderId: z.string(), ts }).strict(),
  z.object({ kind: z.literal('REJECTED'), clientOrderId: z.string(), reason: z.string(), ts }).strict(),
  z.object({ kind: z.literal('TRIGGERED'), clientOrderId: z.string(), ts }).strict(),
  z.object({ kind: z.literal('FILLED'), fill, orderQuantityRaw: int.optional() }).strict(),
  z.object({ kind: z.literal('CANCELED'), clientOrderId: z.string(), ts, reason: z.string().optional() }).strict(),
  z.object({ kind: z.literal('CANCEL_REJECTED'), clientOrderId: z.string(), reason: z.string(), ts }).strict(),
  z.object({ kind: z.literal('EXPIRED'), clientOrderId: z.string(), ts }).strict(),
  z.object({ kind: z.literal('REPLY_LOST'), clientOrderId: z.string(), reason: z.string(), ts }).strict(),
]);

const envelope = <K extends string, B extends z.ZodType>(kind: K, body: B) =>
  z.object({ v: z.literal(1), id: z.string().min(1), kind: z.literal(kind), node: z.string().min(1), ts: z.number(), body }).strict();

const riskEvent = z.object({ kind: z.enum(['RISK_LIMIT_BREACH', 'DRAWDOWN_WARNING', 'CIRCUIT_BREAKER']), ts, state: z.enum(TRADING_STATES), message: z.string() }).strict();
const position = z
  .object({
    instrumentId: z.string().min(1),
    strategyId: z.string().min(1),
    netRaw: int,
    avgEntryPx: z.number().finite(),
    realizedRaw: int,
    quotePrecision: int.nonnegative(),
    openedAt: z.number().nullable(),
    updatedAt: z.number(),
  })
  .strict();

const balance = z
  .object({ currency: z.string().min(1).max(32), totalRaw: int, lockedRaw: int, precision: int.min(0).max(18), account: z.string().max(64) })
  .strict();

export const messageSchema = z.discriminatedUnion('kind', [
  envelope('order.submit', orderBody),
  envelope('order.cancel', z.object({ clientOrderId: z.string().min(1) }).strict()),
  envelope('order.report', z.object({ report }).strict()),
  /** The execution node's risk events (its gate is the global one), to every strategy node. */
  envelope('risk.event', riskEvent),
  /** The execution node's position of a strategy, to the node that runs it. */
  envelope('position', position),
  /** The execution node's balances (every account it holds), a snapshot under `<prefix>:balances`. */
  envelope('balances', z.object({ balances: z.array(balance).max(1_000) }).strict()),
]);

export type ClusterMessage = z.infer<typeof messageSchema>;
export type OrderBody = z.infer<typeof orderBody>;
/** The reports carried between nodes (modify is not carried yet: no UPDATED / UPDATE_REJECTED). */
export type WireReport = z.infer<typeof report> & ExecutionReport;

export class MessageError extends Error {
  override readonly name = 'MessageError';
}

export function encode(m: ClusterMessage): string {
  return JSON.stringify(m);
}

/** Parses one stream entry's JSON; throws MessageError naming the first problem (never echoes the payload). */
export function decode(text: string): ClusterMessage {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new MessageError('cluster message is not JSON');
  }
  const r = messageSchema.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new MessageError(`cluster message rejected: ${i ? `${i.path.join('.') || '(root)'}: ${i.message}` : 'invalid'}`);
  }
  return r.data;
}

export function orderBodyOf(o: Order): OrderBody {
  return {
    clientOrderId: o.clientOrderId,
    strategyId: o.strategyId,
    instrumentId: o.instrumentId,
    side: o.side,
    type: o.type,
    quantityRaw: o.quantityRaw,
    ...(o.quoteQuantityRaw !== undefined ? { quoteQuantityRaw: o.quoteQuantityRaw } : {}),
    ...(o.priceRaw !== undefined ? { priceRaw: o.priceRaw } : {}),
    ...(o.triggerPriceRaw !== undefined ? { triggerPriceRaw: o.triggerPriceRaw } : {}),
    timeInForce: o.timeInForce,
    ...(o.expireTime !== undefined ? { expireTime: o.expireTime } : {}),
    postOnly: o.postOnly,
    reduceOnly: o.reduceOnly,
    ...(o.tags ? { tags: [...o.tags] } : {}),
  };
}

/** The report a remote strategy node needs for an order event of the execution node (none for SUBMITTED). */
export function reportOf(order: Order, f: Fill | undefined, ts: number): { id: string; report: WireReport } | undefined {
  const id = order.clientOrderId;
  if (f) return { id: `${id}:fill:${f.tradeId}`, report: { kind: 'FILLED', fill: f, orderQuantityRaw: order.quantityRaw } };
  const key = `${id}:${order.status}:${order.filledRaw}`;
  switch (order.status) {
    case 'ACCEPTED':
      return { id: key, report: { kind: 'ACCEPTED', clientOrderId: id, venueOrderId: order.venueOrderId ?? '', ts } };
    case 'DENIED':
    case 'REJECTED':
      return { id: key, report: { kind: 'REJECTED', clientOrderId: id, reason: order.reason ?? order.status, ts } };
    case 'TRIGGERED':
      return { id: key, report: { kind: 'TRIGGERED', clientOrderId: id, ts } };
    case 'CANCELED':
      return { id: key, report: { kind: 'CANCELED', clientOrderId: id, ts, ...(order.reason ? { reason: order.reason } : {}) } };
    case 'EXPIRED':
      return { id: key, report: { kind: 'EXPIRED', clientOrderId: id, ts } };
    case 'UNKNOWN':
      return { id: key, report: { kind: 'REPLY_LOST', clientOrderId: id, reason: order.reason ?? 'answer lost at the execution node', ts } };
    default:
      return undefined;
  }
}
