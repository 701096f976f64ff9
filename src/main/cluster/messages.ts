/**
 * Versioned cluster messages: `{ v: 1, id, kind, node, ts, body }` as JSON in the `m` field of a
 * stream entry. Every message is checked on receipt — the hot kinds (order intents, cancels and
 * reports) by hand-written checks that accept exactly what the zod schemas here accept, the
 * others by zod; one that does not pass is acked and reported (a poison entry must not block the
 * group), never applied.
 *
 * Ids are deterministic where a message may be sent twice (an order event is
 * `<clientOrderId>:<status>:<filled>`, a fill `<clientOrderId>:fill:<tradeId>`), so a consumer
 * deduplicates redeliveries and re-sends alike.
 */
import { z } from 'zod';
import { CheckError } from './check';
import * as ck from './check';
import type { Obj } from './check';
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

const SIDES = ck.keys('BUY', 'SELL');
const ORDER_TYPES = ck.keys('MARKET', 'LIMIT', 'STOP_MARKET', 'STOP_LIMIT');
const TIFS = ck.keys('GTC', 'IOC', 'FOK', 'GTD');
const LIQUIDITY = ck.keys('MAKER', 'TAKER');
const ENVELOPE = ck.keys('v', 'id', 'kind', 'node', 'ts', 'body');
const ORDER_BODY = ck.keys('clientOrderId', 'strategyId', 'instrumentId', 'side', 'type', 'quantityRaw', 'quoteQuantityRaw', 'priceRaw', 'triggerPriceRaw', 'timeInForce', 'expireTime', 'postOnly', 'reduceOnly', 'tags');
const FILL = ck.keys('clientOrderId', 'venueOrderId', 'tradeId', 'strategyId', 'instrumentId', 'side', 'quantityRaw', 'priceRaw', 'feeRaw', 'feeCurrency', 'feePrecision', 'liquidity', 'ts');
const CANCEL_BODY = ck.keys('clientOrderId');
const REPORT_BODY = ck.keys('report');
/** Per report kind: its fields besides `kind` (each a string unless named below). */
const REPORT_FIELDS: Readonly<Record<string, ReadonlySet<string>>> = {
  ACCEPTED: ck.keys('kind', 'clientOrderId', 'venueOrderId', 'ts'),
  REJECTED: ck.keys('kind', 'clientOrderId', 'reason', 'ts'),
  TRIGGERED: ck.keys('kind', 'clientOrderId', 'ts'),
  FILLED: ck.keys('kind', 'fill', 'orderQuantityRaw'),
  CANCELED: ck.keys('kind', 'clientOrderId', 'ts', 'reason'),
  CANCEL_REJECTED: ck.keys('kind', 'clientOrderId', 'reason', 'ts'),
  EXPIRED: ck.keys('kind', 'clientOrderId', 'ts'),
  REPLY_LOST: ck.keys('kind', 'clientOrderId', 'reason', 'ts'),
};
const REPORT_KINDS = ck.keys(...Object.keys(REPORT_FIELDS));

function checkOrderBody(b: Obj, p: string): void {
  ck.str(b, 'clientOrderId', p, 1, 36);
  ck.str(b, 'strategyId', p, 1);
  ck.str(b, 'instrumentId', p, 1);
  ck.oneOf(b, 'side', p, SIDES);
  ck.oneOf(b, 'type', p, ORDER_TYPES);
  ck.int(b, 'quantityRaw', p, 0);
  ck.optional(b, 'quoteQuantityRaw', (o, k) => ck.int(o, k, p, 1));
  ck.optional(b, 'priceRaw', (o, k) => ck.int(o, k, p));
  ck.optional(b, 'triggerPriceRaw', (o, k) => ck.int(o, k, p));
  ck.oneOf(b, 'timeInForce', p, TIFS);
  ck.optional(b, 'expireTime', (o, k) => ck.num(o, k, p));
  ck.bool(b, 'postOnly', p);
  ck.bool(b, 'reduceOnly', p);
  ck.optional(b, 'tags', (o, k) => {
    const tags = ck.array(o, k, p);
    for (let i = 0; i < tags.length; i++) if (typeof tags[i] !== 'string') throw new CheckError(`${p}.tags.${i}`, 'expected a string');
  });
}

function checkFill(f: Obj, p: string): void {
  ck.str(f, 'clientOrderId', p);
  ck.optional(f, 'venueOrderId', (o, k) => ck.str(o, k, p));
  ck.str(f, 'tradeId', p);
  ck.str(f, 'strategyId', p);
  ck.str(f, 'instrumentId', p);
  ck.oneOf(f, 'side', p, SIDES);
  ck.int(f, 'quantityRaw', p, 1);
  ck.int(f, 'priceRaw', p);
  ck.int(f, 'feeRaw', p);
  ck.str(f, 'feeCurrency', p);
  ck.int(f, 'feePrecision', p, 0);
  ck.oneOf(f, 'liquidity', p, LIQUIDITY);
  ck.num(f, 'ts', p);
}

function checkReport(r: Obj, p: string): void {
  const kind = ck.oneOf(r, 'kind', p, REPORT_KINDS);
  ck.only(r, p, REPORT_FIELDS[kind] ?? REPORT_KINDS);
  if (kind === 'FILLED') {
    checkFill(ck.object(r['fill'], `${p}.fill`, FILL), `${p}.fill`);
    ck.optional(r, 'orderQuantityRaw', (o, k) => ck.int(o, k, p));
    return;
  }
  ck.str(r, 'clientOrderId', p);
  if (kind === 'ACCEPTED') ck.str(r, 'venueOrderId', p);
  if (kind === 'REJECTED' || kind === 'CANCEL_REJECTED' || kind === 'REPLY_LOST') ck.str(r, 'reason', p);
  if (kind === 'CANCELED') ck.optional(r, 'reason', (o, k) => ck.str(o, k, p));
  ck.num(r, 'ts', p);
}

/**
 * The hot kinds checked by hand (every field, unknown fields refused); undefined for another
 * kind, which zod checks. Throws CheckError at the first problem.
 */
function checkHot(json: unknown): ClusterMessage | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const kind = (json as Obj)['kind'];
  if (kind !== 'order.submit' && kind !== 'order.cancel' && kind !== 'order.report') return undefined;
  const m = ck.object(json, '', ENVELOPE);
  ck.literal(m, 'v', '', 1);
  ck.str(m, 'id', '', 1);
  ck.str(m, 'node', '', 1);
  ck.num(m, 'ts', '');
  if (kind === 'order.submit') checkOrderBody(ck.object(m['body'], 'body', ORDER_BODY), 'body');
  else if (kind === 'order.cancel') ck.str(ck.object(m['body'], 'body', CANCEL_BODY), 'clientOrderId', 'body', 1);
  else checkReport(ck.record(ck.object(m['body'], 'body', REPORT_BODY)['report'], 'body.report'), 'body.report');
  return json as ClusterMessage;
}

/** Parses one stream entry's JSON; throws MessageError naming the first problem (never echoes the payload). */
export function decode(text: string): ClusterMessage {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new MessageError('cluster message is not JSON');
  }
  return checkMessage(json);
}

/** The check of a parsed message (what `decode` runs after JSON.parse). */
export function checkMessage(json: unknown): ClusterMessage {
  try {
    const hot = checkHot(json);
    if (hot) return hot;
  } catch (e) {
    if (e instanceof CheckError) throw new MessageError(`cluster message rejected: ${e.message}`);
    throw e;
  }
  return decodeWithSchema(json);
}

/** The zod check of every kind (the hot ones are checked by hand in `decode`; kept for the rest and to compare). */
export function decodeWithSchema(json: unknown): ClusterMessage {
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
