/**
 * Data replay: merges several instruments' streams (each an AsyncIterable of time-ordered
 * chunks) into one stream in time order, chunk by chunk, so memory stays flat however long the
 * data is. Ties keep the order of the feeds as given (deterministic). A feed that goes back in
 * time is an error: replaying it would show a strategy the future.
 */
import type { Bar, BookUpdate, QuoteTick, TradeTick } from '../../shared/messages/market-data';

export type MarketEvent = Bar | TradeTick | QuoteTick | BookUpdate;

export interface Feed<E extends MarketEvent = MarketEvent> {
  readonly kind: 'bar' | 'trade' | 'quote' | 'book';
  /** Bus topic the events are published on. */
  readonly topic: string;
  readonly chunks: AsyncIterable<readonly E[]>;
}

export interface ReplayItem {
  readonly feed: number;
  readonly event: MarketEvent;
}

interface Cursor {
  readonly it: AsyncIterator<readonly MarketEvent[]>;
  chunk: readonly MarketEvent[];
  pos: number;
  done: boolean;
  lastTs: number;
}

export class ReplayOrderError extends Error {
  override readonly name = 'ReplayOrderError';
}

/**
 * Calls `visit(feedIndex, event)` for every event of every feed in time order. A single feed
 * takes a fast path (no merge). Returns the number of events visited.
 */
export async function replay(feeds: readonly Feed[], visit: (feed: number, event: MarketEvent) => void): Promise<number> {
  const cursors: Cursor[] = feeds.map((f) => ({ it: f.chunks[Symbol.asyncIterator](), chunk: [], pos: 0, done: false, lastTs: -Infinity }));
  try {
    return await merge(cursors, visit);
  } finally {
    // A replay that stops early (the strategy threw, a feed went back in time) ends the feeds it
    // did not finish, so their sources run their own clean-up (a store's scan closes the store).
    await Promise.all(cursors.map(async (c) => (c.done ? undefined : c.it.return?.().catch(() => undefined))));
  }
}

async function merge(cursors: Cursor[], visit: (feed: number, event: MarketEvent) => void): Promise<number> {
  for (const c of cursors) await refill(c);
  let count = 0;
  if (cursors.length === 1) {
    const c = cursors[0] as Cursor;
    while (!c.done) {
      const chunk = c.chunk;
      for (let i = c.pos; i < chunk.length; i++) {
        const e = chunk[i] as MarketEvent;
        if (e.ts < c.lastTs) throw new ReplayOrderError(`feed 0 goes back in time at ${e.ts} < ${c.lastTs}`);
        c.lastTs = e.ts;
        visit(0, e);
      }
      count += chunk.length - c.pos;
      c.pos = chunk.length;
      await refill(c);
    }
    return count;
  }
  for (;;) {
    let best = -1;
    let bestTs = Infinity;
    for (let i = 0; i < cursors.length; i++) {
      const c = cursors[i] as Cursor;
      if (c.done) continue;
      const ts = (c.chunk[c.pos] as MarketEvent).ts;
      if (ts < bestTs) {
        bestTs = ts;
        best = i;
      }
    }
    if (best < 0) return count;
    const c = cursors[best] as Cursor;
    const e = c.chunk[c.pos] as MarketEvent;
    if (e.ts < c.lastTs) throw new ReplayOrderError(`feed ${best} goes back in time at ${e.ts} < ${c.lastTs}`);
    c.lastTs = e.ts;
    visit(best, e);
    count++;
    c.pos++;
    if (c.pos >= c.chunk.length) await refill(c);
  }
}

async function refill(c: Cursor): Promise<void> {
  for (;;) {
    const r = await c.it.next();
    if (r.done === true) {
      c.done = true;
      c.chunk = [];
      c.pos = 0;
      return;
    }
    if (r.value.length > 0) {
      c.chunk = r.value;
      c.pos = 0;
      return;
    }
  }
}
