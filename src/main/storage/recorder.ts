/**
 * Recorder: persists live market data off the hot path.
 *
 * The subscription handler only pushes the event into an array (no await, no I/O, no grouping):
 * the bus delivering ticks must never wait on the disk. Batches are written on a size threshold
 * or an interval, both through an injected scheduler (deterministic tests, no stray timers).
 * Up to `maxInFlight` batches are handed to the store at once (default 2), so the store can
 * prepare batch k+1 on the JS thread while DuckDB still moves batch k in; the store keeps its
 * own write order. Writes are idempotent, so a failed batch is retried once as is; a batch
 * that still fails is dropped and reported, never silently lost. When the backlog exceeds
 * `maxBuffered` (disk slower than the feed), new events are dropped and counted rather than
 * growing memory without bound.
 */
import type { Bar, BookUpdate, QuoteTick, TradeTick } from '../../shared/messages/market-data';
import type { TimeSeriesStore } from './store';
import { StoreInputError } from './store';
import { splitInstrumentId } from './validate';

export type MarketDataEvent =
  | { readonly kind: 'trade'; readonly data: TradeTick }
  | { readonly kind: 'quote'; readonly data: QuoteTick }
  | { readonly kind: 'bar'; readonly data: Bar }
  | { readonly kind: 'book'; readonly data: BookUpdate };

/** What the recorder needs from the message bus (the kernel adapts the MessageBus to it). */
export interface MarketDataSource {
  /** Calls `handler` for every market data event; returns the unsubscribe function. */
  subscribe(handler: (ev: MarketDataEvent) => void): () => void;
}

/** Timer seam: `setTimeout`/`clearTimeout` in production, a manual clock in tests. */
export interface RecorderScheduler {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realScheduler: RecorderScheduler = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** The store methods the recorder writes through. */
export type RecorderSink = Pick<TimeSeriesStore, 'writeTrades' | 'writeQuotes' | 'writeBars' | 'writeBook'>;

export interface RecorderOptions {
  /** Flush when this many events are buffered (default 50 000). */
  readonly maxBatch?: number;
  /** Flush at least this often while events arrive, ms (default 1 000). */
  readonly flushIntervalMs?: number;
  /** Drop (and count) new events beyond this backlog (default 2 000 000). */
  readonly maxBuffered?: number;
  /** Batches handed to the store at once (default 2; 1 writes strictly one after another). */
  readonly maxInFlight?: number;
  readonly scheduler?: RecorderScheduler;
  /** Told about every batch that failed twice and was dropped. */
  readonly onError?: (err: unknown, info: { readonly kind: string; readonly series: string; readonly rows: number }) => void;
}

export interface RecorderStats {
  readonly received: number;
  readonly written: number;
  readonly duplicates: number;
  /** Events refused because the backlog was full. */
  readonly dropped: number;
  readonly failedBatches: number;
  readonly failedRows: number;
  /** Buffered, not yet handed to the store. */
  readonly pending: number;
}

/** One kind and series of a batch, as handed to the store. */
interface BatchGroup {
  readonly kind: MarketDataEvent['kind'];
  readonly id: string;
  readonly tf: number;
  readonly rows: readonly unknown[];
}

const KINDS: readonly MarketDataEvent['kind'][] = ['trade', 'quote', 'bar', 'book'];
const KIND_CODE: Readonly<Record<MarketDataEvent['kind'], number>> = { trade: 0, quote: 1, bar: 2, book: 3 };

export class Recorder {
  /**
   * The buffered events' payloads, with their kinds beside them as small integers (KINDS): the
   * source's `{ kind, data }` wrapper is not kept, so it dies young instead of being copied by
   * every scavenge until the flush (measured: most of the recorder's GC time at 250 k events).
   */
  private buffer: MarketDataEvent['data'][] = [];
  private kinds: number[] = [];
  private inFlight = 0;
  private timer: unknown;
  /** Serialises the starting of batches (not their writing). */
  private starting: Promise<void> = Promise.resolve();
  private readonly active = new Set<Promise<void>>();
  private unsubscribe: (() => void) | undefined;
  private readonly maxBatch: number;
  private readonly intervalMs: number;
  private readonly maxBuffered: number;
  private readonly maxInFlight: number;
  private readonly scheduler: RecorderScheduler;
  private s = { received: 0, written: 0, duplicates: 0, dropped: 0, failedBatches: 0, failedRows: 0 };

  constructor(
    private readonly source: MarketDataSource,
    private readonly sink: RecorderSink,
    private readonly options: RecorderOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 50_000;
    this.intervalMs = options.flushIntervalMs ?? 1_000;
    this.maxBuffered = options.maxBuffered ?? 2_000_000;
    this.maxInFlight = Math.max(1, Math.trunc(options.maxInFlight ?? 2));
    this.scheduler = options.scheduler ?? realScheduler;
  }

  /** Subscribes and starts recording. */
  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.source.subscribe(this.onEvent);
  }

  /** Unsubscribes, writes everything still buffered, and resolves when it is stored. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.timer !== undefined) this.scheduler.clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  /** Counters since start. */
  stats(): RecorderStats {
    return { ...this.s, pending: this.buffer.length };
  }

  /** The hot-path handler: a push and two comparisons. */
  private readonly onEvent = (ev: MarketDataEvent): void => {
    this.s.received++;
    if (this.buffer.length + this.inFlight >= this.maxBuffered) {
      this.s.dropped++;
      return;
    }
    this.buffer.push(ev.data);
    this.kinds.push(KIND_CODE[ev.kind]);
    if (this.buffer.length === this.maxBatch) this.arm(0);
    else if (this.buffer.length === 1) this.arm(this.intervalMs);
  };

  private arm(ms: number): void {
    if (this.timer !== undefined) {
      if (ms > 0) return; // an earlier flush is already planned
      this.scheduler.clearTimeout(this.timer);
    }
    this.timer = this.scheduler.setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, ms);
  }

  /** Writes what is buffered now; resolves when it (and every batch started before) is stored. */
  flush(): Promise<void> {
    const started = this.starting.then(() => this.startBatches());
    this.starting = started.catch(() => undefined);
    return started.then(() => Promise.all([...this.active])).then(() => undefined);
  }

  /** Hands the buffer to the store as batches, waiting while `maxInFlight` are being written. */
  private async startBatches(): Promise<void> {
    let first = true;
    while (this.buffer.length > 0) {
      while (this.active.size >= this.maxInFlight) await Promise.race(this.active);
      // events that arrived meanwhile get their own timer unless stop() is draining them
      if (!first && this.unsubscribe && this.buffer.length < this.maxBatch) {
        if (this.buffer.length > 0) this.arm(this.intervalMs);
        return;
      }
      first = false;
      const batch = this.buffer;
      const kinds = this.kinds;
      this.buffer = [];
      this.kinds = [];
      this.inFlight += batch.length;
      const write: Promise<void> = this.writeBatch(batch, kinds).finally(() => {
        this.inFlight -= batch.length;
        this.active.delete(write);
      });
      this.active.add(write);
    }
  }

  private async writeBatch(batch: readonly MarketDataEvent['data'][], kinds: readonly number[]): Promise<void> {
    // group by kind and series, keeping arrival order inside each group
    const groups = new Map<string, BatchGroup>();
    const one = oneSeries(batch, kinds);
    if (one) groups.set('', { kind: KINDS[kinds[0]!]!, id: batch[0]!.instrumentId, tf: one.tf, rows: batch });
    else this.group(batch, kinds, groups);
    await this.writeGroups(groups);
  }

  /** Splits a batch of several series into groups (arrival order kept inside each). */
  private group(batch: readonly MarketDataEvent['data'][], kinds: readonly number[], groups: Map<string, BatchGroup>): void {
    type Group = BatchGroup & { rows: unknown[] };
    // Consecutive events usually belong to the same series: reuse the last group without
    // building its key (a string per event is most of this loop's cost at millions of rows).
    let last: Group | undefined;
    let lastCode = -1;
    for (let i = 0; i < batch.length; i++) {
      const data = batch[i]!;
      const code = kinds[i]!;
      const tf = code === KIND_CODE.bar ? (data as Bar).timeframeMs : 0;
      if (last === undefined || lastCode !== code || last.id !== data.instrumentId || last.tf !== tf) {
        const kind = KINDS[code]!;
        const key = `${kind}|${data.instrumentId}|${tf}`;
        last = groups.get(key) as Group | undefined;
        if (!last) {
          last = { kind, id: data.instrumentId, tf, rows: [] };
          groups.set(key, last);
        }
        lastCode = code;
      }
      last.rows.push(data);
    }
  }

  private async writeGroups(groups: ReadonlyMap<string, BatchGroup>): Promise<void> {
    for (const g of groups.values()) {
      const write = () => {
        const { venue, symbol } = splitInstrumentId(g.id);
        switch (g.kind) {
          case 'trade':
            return this.sink.writeTrades(venue, symbol, g.rows as TradeTick[]);
          case 'quote':
            return this.sink.writeQuotes(venue, symbol, g.rows as QuoteTick[]);
          case 'bar':
            return this.sink.writeBars(venue, symbol, g.tf, g.rows as Bar[]);
          case 'book':
            return this.sink.writeBook(venue, symbol, g.rows as BookUpdate[]);
        }
      };
      try {
        let res;
        try {
          res = await write();
        } catch (err) {
          if (err instanceof StoreInputError) throw err; // bad data stays bad: do not retry
          res = await write(); // idempotent writes make a blind retry safe
        }
        this.s.written += res.inserted;
        this.s.duplicates += res.ignored;
      } catch (err) {
        this.s.failedBatches++;
        this.s.failedRows += g.rows.length;
        this.options.onError?.(err, { kind: g.kind, series: g.id, rows: g.rows.length });
      }
    }
  }
}

/**
 * The batch's timeframe when every event is of one kind and one series (the usual case: one
 * feed per recorder burst), so the batch goes to the store as it is instead of being copied
 * into a group; undefined otherwise.
 */
function oneSeries(batch: readonly MarketDataEvent['data'][], kinds: readonly number[]): { tf: number } | undefined {
  const n = batch.length;
  if (n === 0) return undefined;
  const code = kinds[0]!;
  const id = batch[0]!.instrumentId;
  const isBar = code === KIND_CODE.bar;
  const tf = isBar ? (batch[0] as Bar).timeframeMs : 0;
  for (let i = 1; i < n; i++) {
    const d = batch[i]!;
    if (kinds[i] !== code || d.instrumentId !== id || (isBar && (d as Bar).timeframeMs !== tf)) return undefined;
  }
  return { tf };
}
