/**
 * A recorded L2 book + trades tape looped beside the paper replay's bars, so the order book,
 * depth and time & sales panels of the first run are alive without network.
 *
 * The recording (resources/sample-data/book-trades_2022.json.gz, made by
 * scripts/make-sample-book.js from cryptofeed's recorded OKX and Bitstamp sessions) is real: its
 * level sizes, the timing of its updates and its trades are played as the venue sent them. Its
 * prices are of its own day (BTC at 30 243 USDT in May 2022), so they are scaled to the bar
 * replay's current close — price × close / the recording's first mid, rounded to the instrument's
 * tick (levels that meet on one tick add up) — and the book follows the candles. Times are the
 * replay's simulated time. When the recording ends it starts again from its snapshot.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Instrument } from '../../shared/domain/instrument';
import type { BookLevel, BookUpdate, TradeTick } from '../../shared/messages/market-data';
import type { MessageBus } from '../engine/bus/message-bus';
import { Topics } from '../engine/bus/topics';
import type { TimeSource } from '../engine/clock/clock';

type Level = readonly [price: number, size: number];
export type RecordedEvent = readonly [dtMs: number, kind: 'b', bids: readonly Level[], asks: readonly Level[]] | readonly [dtMs: number, kind: 't', price: number, size: number, side: 'buy' | 'sell'];

export interface BookRecording {
  readonly symbol: string;
  readonly venue: string;
  readonly market: string;
  readonly source: string;
  readonly recordedAt: string;
  readonly durationMs: number;
  readonly snapshot: { readonly bids: readonly Level[]; readonly asks: readonly Level[] };
  readonly events: readonly RecordedEvent[];
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isLevels = (v: unknown): v is Level[] => Array.isArray(v) && v.every((l) => Array.isArray(l) && l.length === 2 && isNum(l[0]) && l[0] > 0 && isNum(l[1]) && l[1] >= 0);

/** Reads and checks a recording file (gzip or plain JSON); errors name the file and the entry, never its contents. */
export function readBookRecordings(file: string): BookRecording[] {
  const bytes = readFileSync(file);
  let parsed: unknown;
  try {
    parsed = JSON.parse((bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8'));
  } catch {
    throw new Error(`${file}: not a JSON (or gzip JSON) book recording`);
  }
  const recs = (parsed as { recordings?: unknown }).recordings;
  if (!Array.isArray(recs)) throw new Error(`${file}: no "recordings" list`);
  return recs.map((r: unknown, i): BookRecording => {
    const x = r as Partial<Record<keyof BookRecording, unknown>>;
    const where = `${file}: recording ${i}`;
    if (typeof x.symbol !== 'string' || typeof x.venue !== 'string' || typeof x.market !== 'string' || typeof x.source !== 'string' || typeof x.recordedAt !== 'string') throw new Error(`${where}: symbol, venue, market, source and recordedAt must be strings`);
    const snap = x.snapshot as { bids?: unknown; asks?: unknown } | undefined;
    if (!snap || !isLevels(snap.bids) || !isLevels(snap.asks) || snap.bids.length === 0 || snap.asks.length === 0) throw new Error(`${where}: snapshot needs bids and asks as [price, size] rows`);
    if (!Array.isArray(x.events) || x.events.length === 0) throw new Error(`${where}: no events`);
    let prev = 0;
    x.events.forEach((e: unknown, j) => {
      const ev = e as unknown[];
      const ok = Array.isArray(ev) && isNum(ev[0]) && ev[0] >= prev && ((ev[1] === 'b' && isLevels(ev[2]) && isLevels(ev[3])) || (ev[1] === 't' && isNum(ev[2]) && ev[2] > 0 && isNum(ev[3]) && ev[3] > 0 && (ev[4] === 'buy' || ev[4] === 'sell')));
      if (!ok) throw new Error(`${where}: event ${j} is not [dtMs, "b", bids, asks] or [dtMs, "t", price, size, side] in time order`);
      prev = ev[0] as number;
    });
    return { ...(x as BookRecording), durationMs: prev };
  });
}

export interface RecordedBookLoopOptions {
  readonly recording: BookRecording;
  readonly instrument: Instrument;
  readonly bus: MessageBus;
  /** Real time and scheduling, from the host. */
  readonly time: TimeSource;
  /** The price the book is centred on (the replay's last close of the instrument); none yet → nothing published. */
  readonly anchor: () => number | undefined;
  /** The replay's simulated time (for the updates' and trades' times). */
  readonly simTime: () => number;
  /** Levels a side published (default 40). */
  readonly depth?: number;
  /** Pause between two loops, ms (default 500). */
  readonly gapMs?: number;
}

function apply(side: Map<number, number>, changes: readonly Level[]): void {
  for (const [p, s] of changes) {
    if (s > 0) side.set(p, s);
    else side.delete(p);
  }
}

/** Plays one recording in a loop on the bus (book snapshots on Topics.book, trades on Topics.trades). */
export class RecordedBookLoop {
  private readonly bids = new Map<number, number>();
  private readonly asks = new Map<number, number>();
  private readonly refMid: number;
  private next = 0;
  private loop = 0;
  private loopStart = 0;
  private sequence = 0;
  private cancel: (() => void) | null = null;
  /** Updates and trades published (for tests and the bench). */
  published = { books: 0, trades: 0 };

  constructor(private readonly opts: RecordedBookLoopOptions) {
    const { bids, asks } = opts.recording.snapshot;
    this.refMid = ((bids[0] as Level)[0] + (asks[0] as Level)[0]) / 2;
    this.reset();
  }

  get running(): boolean {
    return this.cancel !== null;
  }

  start(): void {
    if (this.cancel) return;
    this.loopStart = this.opts.time.now() - (this.next > 0 ? this.eventAt(this.next - 1) : 0);
    this.publishBook();
    this.schedule();
  }

  stop(): void {
    this.cancel?.();
    this.cancel = null;
  }

  private eventAt(i: number): number {
    return (this.opts.recording.events[i] as RecordedEvent)[0];
  }

  private reset(): void {
    this.bids.clear();
    this.asks.clear();
    for (const [p, s] of this.opts.recording.snapshot.bids) if (s > 0) this.bids.set(p, s);
    for (const [p, s] of this.opts.recording.snapshot.asks) if (s > 0) this.asks.set(p, s);
    this.next = 0;
  }

  private schedule(): void {
    const events = this.opts.recording.events;
    const delay = this.next >= events.length ? (this.opts.gapMs ?? 500) : Math.max(0, this.loopStart + this.eventAt(this.next) - this.opts.time.now());
    this.cancel = this.opts.time.schedule(delay, () => {
      if (!this.cancel) return;
      this.step();
      this.schedule();
    });
  }

  /** Runs every event that is due; at the end of the recording starts it again from its snapshot. */
  private step(): void {
    const events = this.opts.recording.events;
    if (this.next >= events.length) {
      this.reset();
      this.loop++;
      this.loopStart = this.opts.time.now();
      this.publishBook();
      return;
    }
    const elapsed = this.opts.time.now() - this.loopStart;
    let bookChanged = false;
    while (this.next < events.length && this.eventAt(this.next) <= elapsed) {
      const e = events[this.next++] as RecordedEvent;
      if (e[1] === 'b') {
        apply(this.bids, e[2]);
        apply(this.asks, e[3]);
        bookChanged = true;
      } else {
        this.publishTrade(e[2], e[3], e[4]);
      }
    }
    if (bookChanged) this.publishBook();
  }

  private scale(): number | undefined {
    const a = this.opts.anchor();
    return a !== undefined && a > 0 ? a / this.refMid : undefined;
  }

  private toTick(price: number, factor: number): number {
    const { tickRaw, pricePrecision } = this.opts.instrument;
    const raw = Math.round((price * factor * 10 ** pricePrecision) / tickRaw) * tickRaw;
    return raw / 10 ** pricePrecision;
  }

  private side(levels: Map<number, number>, factor: number, best: (a: number, b: number) => number): BookLevel[] {
    const prices = [...levels.keys()].sort(best);
    const out: BookLevel[] = [];
    const depth = this.opts.depth ?? 40;
    for (const p of prices) {
      const price = this.toTick(p, factor);
      if (!(price > 0)) continue;
      const size = levels.get(p) as number;
      const last = out.at(-1);
      if (last && last.price === price) out[out.length - 1] = { price, size: last.size + size };
      else if (out.length < depth) out.push({ price, size });
      else break;
    }
    return out;
  }

  private publishBook(): void {
    const factor = this.scale();
    if (factor === undefined) return;
    const bids = this.side(this.bids, factor, (a, b) => b - a);
    const asks = this.side(this.asks, factor, (a, b) => a - b);
    // A crossed book after rounding (a very low price on a coarse tick): keep the ask side above the best bid.
    const bestBid = bids[0]?.price ?? 0;
    const update: BookUpdate = { instrumentId: this.opts.instrument.id, ts: this.opts.simTime(), action: 'SNAPSHOT', sequence: ++this.sequence, bids, asks: asks.filter((l) => l.price > bestBid) };
    this.published.books++;
    this.opts.bus.publish(Topics.book(update.instrumentId), update);
  }

  private publishTrade(price: number, size: number, side: 'buy' | 'sell'): void {
    const factor = this.scale();
    if (factor === undefined) return;
    const tick: TradeTick = {
      instrumentId: this.opts.instrument.id,
      ts: this.opts.simTime(),
      price: this.toTick(price, factor),
      size,
      side: side === 'buy' ? 'BUY' : 'SELL',
      tradeId: `${this.opts.recording.market}-${this.loop}-${this.next}`,
    };
    this.published.trades++;
    this.opts.bus.publish(Topics.trades(tick.instrumentId), tick);
  }
}
