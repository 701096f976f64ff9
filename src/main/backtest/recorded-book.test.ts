/**
 * The recorded L2 + trades loop of the first-run replay, on the bundled recording itself
 * (resources/sample-data/book-trades_2022.json.gz) and a hand-driven clock.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeInstrument } from '../../shared/domain/instrument';
import type { Bar, BookUpdate, TradeTick } from '../../shared/messages/market-data';
import { Topics } from '../engine/bus/topics';
import type { TimeSource } from '../engine/clock/clock';
import { TsRiskGate } from '../engine/risk/ts-risk-gate';
import { PaperReplaySession } from './paper-replay';
import { readBookRecordings } from './recorded-book';

const FILE = fileURLToPath(new URL('../../../resources/sample-data/book-trades_2022.json.gz', import.meta.url));
const H4 = 4 * 3_600_000;
const T0 = Date.UTC(2016, 5, 1);
const BTC = makeInstrument({ symbol: 'BTC/USD', venue: 'COINBASE', tickSize: '0.01', lotSize: '0.00000001' });
const ETH = makeInstrument({ symbol: 'ETH/USD', venue: 'COINBASE', tickSize: '0.01', lotSize: '0.00000001' });

/** A clock moved by hand: `advance(ms)` runs every timer due, in time order. */
class ManualTime implements TimeSource {
  t = 1_000_000;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private ids = 0;
  now(): number {
    return this.t;
  }
  schedule(delayMs: number, fn: () => void): () => void {
    const id = ++this.ids;
    this.timers.push({ at: this.t + delayMs, fn, id });
    return () => {
      this.timers = this.timers.filter((x) => x.id !== id);
    };
  }
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    this.t = end;
  }
}

function bars(id: string, n: number, close: (i: number) => number): Bar[] {
  return Array.from({ length: n }, (_, i) => {
    const openTime = T0 + i * H4;
    const c = close(i);
    return { instrumentId: id, timeframeMs: H4, openTime, ts: openTime + H4, open: c, high: c * 1.01, low: c * 0.99, close: c, volume: 1 };
  });
}

function replay(time: ManualTime) {
  const gate = new TsRiskGate({ defaults: {}, referencePrice: 'last', maxOpenOrders: 100 });
  gate.registerInstrument(BTC);
  gate.registerInstrument(ETH);
  return new PaperReplaySession({
    feeds: [
      { instrument: BTC, bars: bars(BTC.id, 50, (i) => 650 + i) },
      { instrument: ETH, bars: bars(ETH.id, 50, (i) => 12 + i / 10) },
    ],
    books: readBookRecordings(FILE),
    timeframeMs: H4,
    warmupBars: 10,
    speed: 2,
    capital: 10_000,
    risk: gate,
    time,
  });
}

describe('the bundled book + trades recording', () => {
  it('is real, small and checked: BTC from OKX BTC-USDT, ETH from Bitstamp ethusd, each with book updates and trades', () => {
    const recs = readBookRecordings(FILE);
    expect(recs.map((r) => [r.symbol, r.venue, r.market])).toEqual([
      ['BTC/USD', 'OKX', 'BTC-USDT'],
      ['ETH/USD', 'BITSTAMP', 'ethusd'],
    ]);
    for (const r of recs) {
      expect(r.events.filter((e) => e[1] === 'b').length).toBeGreaterThan(50);
      expect(r.events.filter((e) => e[1] === 't').length).toBeGreaterThanOrEqual(10);
      expect(r.durationMs).toBeGreaterThan(10_000);
      const bestBid = r.snapshot.bids[0]?.[0] ?? 0;
      expect(bestBid).toBeLessThan(r.snapshot.asks[0]?.[0] ?? 0);
    }
    // The recorded day's prices: OKX BTC-USDT on 2022-05-13, Bitstamp ETH/USD on 2022-01-05.
    expect(recs[0]?.snapshot.bids[0]).toEqual([30243.4, 0.0012029]);
    expect(recs[1]?.snapshot.asks[0]).toEqual([3805.47, 8.26964788]);
  });

  it('refuses a malformed recording with its file and entry, never its contents', () => {
    const dir = mkdtempSync(join(tmpdir(), 'libra-rec-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ recordings: [{ symbol: 'X/USD', venue: 'V', market: 'x', source: 's', recordedAt: 'secret-value', snapshot: { bids: [[1, 1]], asks: [[2, 1]] }, events: [[5, 'b', [], []], [1, 't', 1, 1, 'buy']] }] }));
    expect(() => readBookRecordings(bad)).toThrow(`${bad}: recording 0: event 1 is not [dtMs, "b", bids, asks] or [dtMs, "t", price, size, side] in time order`);
    const text = join(dir, 'text.json');
    writeFileSync(text, 'root:x:0:0:root:/root:/bin/bash\n');
    expect(() => readBookRecordings(text)).toThrow(/^[^:]*text\.json: not a JSON \(or gzip JSON\) book recording$/);
  });
});

describe('PaperReplaySession with the recorded book', () => {
  it('plays books and trades in real time around each instrument’s last close, in loop, and stops with the replay', () => {
    const time = new ManualTime();
    const s = replay(time);
    const books: BookUpdate[] = [];
    const trades: TradeTick[] = [];
    for (const i of [BTC, ETH]) {
      s.node.bus.subscribe(Topics.book(i.id), (b) => books.push(b));
      s.node.bus.subscribe(Topics.trades(i.id), (t) => trades.push(t));
    }
    expect(books).toHaveLength(0); // nothing before the replay runs
    s.start();
    // One snapshot per instrument at once, centred on the last close (650 + 9 = 659 for BTC).
    expect(books.map((b) => b.instrumentId)).toEqual([BTC.id, ETH.id]);
    const btc0 = books[0] as BookUpdate;
    const mid = ((btc0.bids[0]?.price ?? 0) + (btc0.asks[0]?.price ?? 0)) / 2;
    expect(Math.abs(mid - 659)).toBeLessThan(0.05);
    expect(btc0.bids.length).toBeGreaterThan(5);
    for (const l of [...btc0.bids, ...btc0.asks]) expect(Math.round(l.price * 100) / 100).toBe(l.price); // on the 0.01 tick
    expect(btc0.bids.every((l, i) => i === 0 || l.price < (btc0.bids[i - 1]?.price ?? 0))).toBe(true);
    expect((btc0.asks[0]?.price ?? 0) > (btc0.bids[0]?.price ?? 0)).toBe(true);

    time.advance(5_000); // 10 bars at 2 bars/s, ~half the BTC recording
    const btcBooks = books.filter((b) => b.instrumentId === BTC.id);
    expect(btcBooks.length).toBeGreaterThan(20);
    // The book followed the candles: the last one sits around the close of the bar released last.
    const last = btcBooks.at(-1) as BookUpdate;
    const close = s.lastBar(BTC.id)?.close ?? 0;
    expect(close).toBe(669);
    expect(Math.abs(((last.bids[0]?.price ?? 0) + (last.asks[0]?.price ?? 0)) / 2 - close)).toBeLessThan(close * 0.002);
    expect(trades.some((t) => t.instrumentId === BTC.id)).toBe(true);
    // Trades carry simulated times inside the current bar and the recorded sides.
    for (const t of trades) expect(t.ts).toBeGreaterThan(T0);
    expect(new Set(trades.map((t) => t.side))).toEqual(new Set(['BUY', 'SELL']));

    const beforeLoop = s.bookLoops.map((l) => l.published.books);
    time.advance(30_000); // past the end of both recordings: they start again
    const afterLoop = s.bookLoops.map((l) => l.published.books);
    expect(afterLoop[0]).toBeGreaterThan((beforeLoop[0] ?? 0) + 97);
    expect(new Set(trades.map((t) => t.tradeId)).size).toBe(trades.length); // ids stay unique across loops

    s.stop();
    const n = books.length + trades.length;
    time.advance(10_000);
    expect(books.length + trades.length).toBe(n);
  });
});
