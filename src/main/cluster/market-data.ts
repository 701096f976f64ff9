/**
 * Market data between nodes: a data node relays every `data.**` message of its bus (trades,
 * quotes, books, bars from the venues' data clients) to one bounded stream `<prefix>:md`
 * (XADD MAXLEN ~, pipelined); nodes without the data role read it (XREAD BLOCK from where they
 * are, no consumer group: market data is the one thing that may be shed) and publish it on their
 * own bus under the same topic, so strategies see the same API.
 *
 * One stream entry carries what the publisher has queued when it flushes (up to ENTRY_MESSAGES
 * messages, each its own envelope with its own sequence number, as a JSON array in field `m`;
 * a lone object there is one message): what a venue's socket frame brings in one event loop turn
 * is one XADD, not one per message. At tens of thousands of messages a second the per-command
 * work (the client's command objects and reply parsing, Redis's XADD and XREAD per entry) was
 * most of the CPU on both sides, and on a shared machine CPU is latency.
 *
 * Shedding is counted, never silent: the publisher drops (and counts) new messages while its
 * queue to Redis is full (Redis slow or unreachable); a reader counts every message it never got
 * (a gap in the publisher's sequence: trimmed before it was read, or shed) and every message or
 * entry it refused. Commands, order events and risk events never go this way.
 */
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { MessageBus } from '../engine/bus/message-bus';
import { CheckError } from './check';
import * as ck from './check';
import type { Obj } from './check';

/**
 * Messages the stream keeps (approximately: `MAXLEN ~` of whole entries): a reader this far
 * behind loses the oldest, counted as gaps. The stream is bounded in entries, MD_MAXLEN /
 * ENTRY_MESSAGES of them, so it never holds more than about MD_MAXLEN messages; with small
 * entries (a quiet feed: a message or a few per flush) it holds fewer.
 */
export const MD_MAXLEN = 100_000;
/** Messages waiting for Redis beyond which new market data is shed (and counted). */
export const MD_MAX_QUEUE = 20_000;
/** Messages per stream entry at most. */
export const ENTRY_MESSAGES = 100;
/** Entries per pipeline. */
const PIPELINE_ENTRIES = 50;
/** Entries per read (up to ENTRY_MESSAGES messages each). */
const READ_ENTRIES = 50;
/**
 * Messages a publisher has in flight (sent, not yet answered) at once, over as many pipelines as
 * that takes; while they are out, new messages queue and go out together once one answers.
 */
const IN_FLIGHT_MESSAGES = 10_000;

export function mdStream(prefix: string): string {
  return `${prefix}:md`;
}

const num = z.number().finite();
const level = z.object({ price: num, size: num.nonnegative() }).strict();
const side = z.enum(['BUY', 'SELL']);
const schemas = {
  trades: z.object({ instrumentId: z.string().min(1), ts: num, price: num, size: num, side: side.optional(), tradeId: z.string() }).strict(),
  quotes: z.object({ instrumentId: z.string().min(1), ts: num, bid: num, bidSize: num, ask: num, askSize: num }).strict(),
  book: z.object({ instrumentId: z.string().min(1), ts: num, action: z.enum(['SNAPSHOT', 'DELTA']), sequence: num, bids: z.array(level), asks: z.array(level) }).strict(),
  bars: z.object({ instrumentId: z.string().min(1), timeframeMs: num.positive(), openTime: num, ts: num, open: num, high: num, low: num, close: num, volume: num }).strict(),
} as const;
type Kind = keyof typeof schemas;
const TOPIC = /^data\.(trades|quotes|book|bars)\.([^.]+)\.[^\s]+$/;

/** One market data entry: `{ v: 1, n: node, s: seq, p: published ms, t: topic, d: payload }`. */
const envelope = z.object({ v: z.literal(1), n: z.string().min(1), s: z.number().int().positive(), p: num, t: z.string().regex(TOPIC), d: z.unknown() }).strict();

export interface MdEntry {
  readonly node: string;
  readonly seq: number;
  readonly publishedAt: number;
  readonly topic: string;
  readonly venue: string;
  readonly payload: unknown;
}

/** Topics seen by this process, as JSON strings (a data node has a few hundred at most). */
const topicJson = new Map<string, string>();

/**
 * One entry's JSON: the envelope written around the payload's one JSON.stringify (node and topic
 * escaped once each), the same text as stringifying the whole object.
 */
export function encodeMd(node: string, seq: number, publishedAt: number, topic: string, payload: unknown): string {
  let t = topicJson.get(topic);
  if (t === undefined) {
    t = JSON.stringify(topic);
    if (topicJson.size < 10_000) topicJson.set(topic, t);
  }
  return `{"v":1,"n":${JSON.stringify(node)},"s":${seq},"p":${JSON.stringify(publishedAt)},"t":${t},"d":${JSON.stringify(payload) ?? 'null'}}`;
}

const SIDES = ck.keys('BUY', 'SELL');
const BOOK_ACTIONS = ck.keys('SNAPSHOT', 'DELTA');
const ENVELOPE = ck.keys('v', 'n', 's', 'p', 't', 'd');
const LEVEL = ck.keys('price', 'size');
const FIELDS = {
  trades: ck.keys('instrumentId', 'ts', 'price', 'size', 'side', 'tradeId'),
  quotes: ck.keys('instrumentId', 'ts', 'bid', 'bidSize', 'ask', 'askSize'),
  book: ck.keys('instrumentId', 'ts', 'action', 'sequence', 'bids', 'asks'),
  bars: ck.keys('instrumentId', 'timeframeMs', 'openTime', 'ts', 'open', 'high', 'low', 'close', 'volume'),
} as const;

function checkLevels(d: Obj, k: 'bids' | 'asks'): void {
  const levels = ck.array(d, k, '');
  for (let i = 0; i < levels.length; i++) {
    const path = `${k}.${i}`;
    const l = ck.object(levels[i], path, LEVEL);
    ck.num(l, 'price', path);
    ck.nonNegative(l, 'size', path);
  }
}

/** The hand-written check of one payload (what `schemas[kind]` accepts); throws CheckError. */
function checkPayload(kind: Kind, v: unknown): void {
  const d = ck.object(v, '', FIELDS[kind]);
  ck.str(d, 'instrumentId', '', 1);
  ck.num(d, 'ts', '');
  if (kind === 'trades') {
    ck.num(d, 'price', '');
    ck.num(d, 'size', '');
    ck.optional(d, 'side', (o, k) => ck.oneOf(o, k, '', SIDES));
    ck.str(d, 'tradeId', '');
  } else if (kind === 'quotes') {
    for (const k of ['bid', 'bidSize', 'ask', 'askSize']) ck.num(d, k, '');
  } else if (kind === 'book') {
    ck.oneOf(d, 'action', '', BOOK_ACTIONS);
    ck.num(d, 'sequence', '');
    checkLevels(d, 'bids');
    checkLevels(d, 'asks');
  } else {
    ck.positive(d, 'timeframeMs', '');
    for (const k of ['openTime', 'open', 'high', 'low', 'close', 'volume']) ck.num(d, k, '');
  }
}

/**
 * Parses and checks one message (hand-written checks, the same as the zod schemas `decodeMdWithSchema`
 * uses: this runs per message at tens of thousands a second); throws naming the first problem
 * (never echoes the payload).
 */
export function decodeMd(text: string): MdEntry {
  return checkMd(parseEntry(text));
}

function parseEntry(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error('market data entry is not JSON');
  }
}

/** The envelopes of one stream entry of `encodeMdEntry`'s (or one lone message's) JSON, each to check with `checkMd`. */
export function entryMessages(text: string): readonly unknown[] {
  const json = parseEntry(text);
  if (!Array.isArray(json)) return [json];
  if (json.length === 0) throw new Error('market data entry has no messages');
  return json;
}

/** One stream entry: the messages' JSON (each `encodeMd`'s) as one array. */
export function encodeMdEntry(messages: readonly string[]): string {
  return messages.length === 1 ? (messages[0] ?? '') : `[${messages.join(',')}]`;
}

/** The check of a parsed entry (what `decodeMd` runs after JSON.parse). */
export function checkMd(json: unknown): MdEntry {
  let where = 'entry';
  try {
    const e = ck.object(json, '', ENVELOPE);
    ck.literal(e, 'v', '', 1);
    const node = ck.str(e, 'n', '', 1);
    const seq = ck.int(e, 's', '', 1);
    const publishedAt = ck.num(e, 'p', '');
    const topic = ck.str(e, 't', '');
    const m = TOPIC.exec(topic);
    if (!m) throw new CheckError('t', 'expected a market data topic data.<trades|quotes|book|bars>.<venue>.<symbol>');
    if (!('d' in e)) throw new CheckError('d', 'expected a payload');
    const kind = m[1] as Kind;
    where = kind;
    checkPayload(kind, e['d']);
    return { node, seq, publishedAt, topic, venue: m[2] ?? '', payload: e['d'] };
  } catch (err) {
    if (err instanceof CheckError) throw new Error(`market data ${where} rejected: ${err.message}`);
    throw err;
  }
}

/** The same check by the zod schemas (kept to compare the hand-written one with, in the tests and the bench). */
export function decodeMdWithSchema(json: unknown): MdEntry {
  const e = envelope.safeParse(json);
  if (!e.success) throw new Error(`market data entry rejected: ${issue(e.error)}`);
  const m = TOPIC.exec(e.data.t);
  const kind = m?.[1] as Kind;
  const d = schemas[kind].safeParse(e.data.d);
  if (!d.success) throw new Error(`market data ${kind} rejected: ${issue(d.error)}`);
  return { node: e.data.n, seq: e.data.s, publishedAt: e.data.p, topic: e.data.t, venue: m?.[2] ?? '', payload: d.data };
}

function issue(err: z.ZodError): string {
  const i = err.issues[0];
  return i ? `${i.path.join('.') || '(root)'}: ${i.message}` : 'invalid';
}

export interface MdPublisherStats {
  readonly sent: number;
  readonly dropped: number;
}

/** The data node's side: its bus's `data.**` → `<prefix>:md`. */
export class MarketDataPublisher {
  private readonly queue: string[] = [];
  private seq = 0;
  private flushing = false;
  private inFlight = 0;
  private off: (() => void) | undefined;
  private stopped = false;
  sent = 0;
  dropped = 0;

  constructor(
    private readonly o: { redis: Redis; prefix: string; node: string; maxLen?: number; maxQueue?: number; now?: () => number; warn: (l: string) => void },
  ) {}

  attach(bus: MessageBus): void {
    this.off ??= bus.subscribe<unknown>('data.**', (msg, topic) => this.publish(topic, msg));
  }

  stats(): MdPublisherStats {
    return { sent: this.sent, dropped: this.dropped };
  }

  /** Queues one message; sheds (and counts) it when the queue to Redis is full. */
  publish(topic: string, payload: unknown): void {
    if (this.stopped) return;
    if (this.queue.length >= (this.o.maxQueue ?? MD_MAX_QUEUE)) {
      this.dropped++;
      return;
    }
    this.queue.push(encodeMd(this.o.node, ++this.seq, (this.o.now ?? Date.now)(), topic, payload));
    if (!this.flushing) {
      this.flushing = true;
      queueMicrotask(() => this.flush());
    }
  }

  /**
   * Sends the queue as entries of up to ENTRY_MESSAGES messages, in pipelines of up to
   * PIPELINE_ENTRIES, with up to IN_FLIGHT_MESSAGES unanswered on the one connection (so they
   * stay in order): a round trip per pipeline does not cap the rate.
   */
  private flush(): void {
    const stream = mdStream(this.o.prefix);
    const maxEntries = Math.max(1, Math.ceil((this.o.maxLen ?? MD_MAXLEN) / ENTRY_MESSAGES));
    while (this.queue.length > 0 && this.inFlight < IN_FLIGHT_MESSAGES && !this.stopped) {
      const p = this.o.redis.pipeline();
      const counts: number[] = [];
      let n = 0;
      while (this.queue.length > 0 && counts.length < PIPELINE_ENTRIES && this.inFlight + n < IN_FLIGHT_MESSAGES) {
        const entry = this.queue.splice(0, Math.min(ENTRY_MESSAGES, IN_FLIGHT_MESSAGES - this.inFlight - n));
        p.xadd(stream, 'MAXLEN', '~', maxEntries, '*', 'm', encodeMdEntry(entry));
        counts.push(entry.length);
        n += entry.length;
      }
      this.inFlight += n;
      p.exec().then(
        (r) => {
          (r ?? []).forEach(([err], i) => {
            if (err) this.dropped += counts[i] ?? 0;
            else this.sent += counts[i] ?? 0;
          });
        },
        (e: unknown) => {
          this.dropped += n;
          this.o.warn(`CLUSTER market data not sent: ${e instanceof Error ? e.message : String(e)}`);
        },
      ).finally(() => {
        this.inFlight -= n;
        this.flush();
      });
    }
    this.flushing = this.inFlight > 0;
  }

  stop(): void {
    this.stopped = true;
    this.off?.();
    this.dropped += this.queue.length;
    this.queue.length = 0;
  }
}

export interface MdSubscriberStats {
  readonly received: number;
  /** Messages of a publisher this reader never got (sequence gaps: trimmed before read, or shed). */
  readonly gaps: number;
  readonly refused: number;
  /** Publish → delivery of the last entry, ms. */
  readonly lagMs: number;
}

/** A node without the data role: `<prefix>:md` → its bus (optionally only some venues). */
export class MarketDataSubscriber {
  private running = false;
  private loop: Promise<void> | undefined;
  private lastId = '$';
  private starting: Promise<void> | undefined;
  private readonly lastSeq = new Map<string, number>();
  received = 0;
  gaps = 0;
  refused = 0;
  lagMs = 0;

  constructor(
    private readonly o: {
      redis: Redis;
      prefix: string;
      deliver: (e: MdEntry) => void;
      venues?: ReadonlySet<string>;
      now?: () => number;
      warn: (l: string) => void;
    },
  ) {}

  /** Reads from the stream's end: what was published before this node came is not replayed. */
  start(): Promise<void> {
    this.starting ??= this.begin();
    return this.starting;
  }

  private async begin(): Promise<void> {
    if (this.lastId === '$') {
      // Pin the position now, so nothing published between start() and the first read is missed.
      // Started again after a stop, it goes on from where it was (what was trimmed meanwhile counts as gaps).
      const last = (await this.o.redis.xrevrange(mdStream(this.o.prefix), '+', '-', 'COUNT', 1)) as [string, string[]][];
      this.lastId = last[0]?.[0] ?? '0-0';
    }
    this.running = true;
    this.loop = this.run();
  }

  stats(): MdSubscriberStats {
    return { received: this.received, gaps: this.gaps, refused: this.refused, lagMs: this.lagMs };
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop?.catch(() => undefined);
    this.starting = undefined;
  }

  private refuse(stream: string, id: string, err: unknown): void {
    if (this.refused++ < 5) this.o.warn(`CLUSTER ${stream} entry ${id} refused: ${err instanceof Error ? err.message : String(err)}`);
  }

  /** One message of an entry: checked, its sequence followed (gaps counted), delivered. */
  private take(stream: string, id: string, json: unknown, now: () => number): void {
    let e: MdEntry;
    try {
      e = checkMd(json);
    } catch (err) {
      this.refuse(stream, id, err);
      return;
    }
    const prev = this.lastSeq.get(e.node);
    // A publisher that restarted starts again at 1: not a gap.
    if (prev !== undefined && e.seq > prev + 1) this.gaps += e.seq - prev - 1;
    this.lastSeq.set(e.node, e.seq);
    this.received++;
    this.lagMs = Math.max(0, now() - e.publishedAt);
    if (this.o.venues && !this.o.venues.has(e.venue)) return;
    this.o.deliver(e);
  }

  private async run(): Promise<void> {
    const stream = mdStream(this.o.prefix);
    const now = this.o.now ?? Date.now;
    let warned = false;
    while (this.running) {
      try {
        const r = (await this.o.redis.xread('COUNT', READ_ENTRIES, 'BLOCK', 500, 'STREAMS', stream, this.lastId)) as [string, [string, string[]][]][] | null;
        warned = false;
        for (const [id, fields] of r?.[0]?.[1] ?? []) {
          this.lastId = id;
          const text = fields[fields.indexOf('m') + 1];
          let messages: readonly unknown[];
          try {
            if (text === undefined) throw new Error('market data entry has no "m" field');
            messages = entryMessages(text);
          } catch (err) {
            this.refuse(stream, id, err);
            continue;
          }
          for (const json of messages) this.take(stream, id, json, now);
        }
      } catch (e) {
        if (!this.running) return;
        if (!warned) this.o.warn(`CLUSTER ${stream} read failed: ${e instanceof Error ? e.message : String(e)}; retrying`);
        warned = true;
        await new Promise((res) => setTimeout(res, 250));
      }
    }
  }
}
