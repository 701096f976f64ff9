/**
 * Recorder: the handler never awaits, batches go out on size or interval through the injected
 * scheduler, stop() drains, failures and overflow are counted — and the real DuckDB path works.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TradeTick } from '../../shared/messages/market-data';
import { collect, trade } from './contract';
import { DuckDbStore } from './duckdb/duckdb-store';
import type { MarketDataEvent, MarketDataSource, RecorderScheduler, RecorderSink } from './recorder';
import { Recorder } from './recorder';
import type { WriteResult } from './store';

class ManualScheduler implements RecorderScheduler {
  timers = new Map<number, { fn: () => void; ms: number }>();
  private next = 1;
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.timers.set(id, { fn, ms });
    return id;
  }
  clearTimeout(h: unknown): void {
    this.timers.delete(h as number);
  }
  fire(): void {
    const all = [...this.timers.values()];
    this.timers.clear();
    for (const t of all) t.fn();
  }
}

class FakeSource implements MarketDataSource {
  handler: ((ev: MarketDataEvent) => void) | undefined;
  subscribe(handler: (ev: MarketDataEvent) => void): () => void {
    this.handler = handler;
    return () => {
      this.handler = undefined;
    };
  }
  emit(ev: MarketDataEvent): void {
    this.handler?.(ev);
  }
}

function fakeSink(fail = 0): RecorderSink & { calls: { venue: string; symbol: string; rows: readonly TradeTick[] }[] } {
  let failures = fail;
  const calls: { venue: string; symbol: string; rows: readonly TradeTick[] }[] = [];
  const ok = async (): Promise<WriteResult> => ({ inserted: 0, ignored: 0 });
  return {
    calls,
    async writeTrades(venue, symbol, rows) {
      if (failures-- > 0) throw new Error('disk full');
      calls.push({ venue, symbol, rows });
      return { inserted: rows.length, ignored: 0 };
    },
    writeQuotes: ok,
    writeBars: ok,
    writeBook: ok,
  };
}

const T0 = Date.UTC(2024, 0, 1);
const tev = (i: number, id = 'BTC/USDT@BINANCE'): MarketDataEvent => ({ kind: 'trade', data: trade(T0 + i, 100, String(i), id) });

describe('recorder', () => {
  it('buffers in the handler and writes per series on the interval', async () => {
    const src = new FakeSource();
    const sink = fakeSink();
    const sched = new ManualScheduler();
    const rec = new Recorder(src, sink, { scheduler: sched, flushIntervalMs: 500, maxBatch: 100 });
    rec.start();
    src.emit(tev(1));
    src.emit(tev(2, 'ETH/USDT@BINANCE'));
    src.emit(tev(3));
    expect(sink.calls).toEqual([]);
    expect([...sched.timers.values()].map((t) => t.ms)).toEqual([500]);
    sched.fire();
    await rec.flush();
    expect(sink.calls.map((c) => [c.venue, c.symbol, c.rows.map((r) => r.tradeId)])).toEqual([
      ['BINANCE', 'BTC/USDT', ['1', '3']],
      ['BINANCE', 'ETH/USDT', ['2']],
    ]);
    expect(rec.stats()).toMatchObject({ received: 3, written: 3, pending: 0 });
    await rec.stop();
  });

  it('flushes at once when a batch is full and drains on stop', async () => {
    const src = new FakeSource();
    const sink = fakeSink();
    const sched = new ManualScheduler();
    const rec = new Recorder(src, sink, { scheduler: sched, maxBatch: 3 });
    rec.start();
    for (let i = 0; i < 3; i++) src.emit(tev(i));
    expect([...sched.timers.values()].map((t) => t.ms)).toEqual([0]);
    src.emit(tev(3));
    await rec.stop();
    expect(sink.calls.flatMap((c) => c.rows.map((r) => r.tradeId))).toEqual(['0', '1', '2', '3']);
    src.emit(tev(9)); // unsubscribed: ignored
    expect(rec.stats().received).toBe(4);
  });

  it('retries a failed batch once, then drops and reports it', async () => {
    const errors: string[] = [];
    const src = new FakeSource();
    const sched = new ManualScheduler();
    const flaky = fakeSink(1);
    const rec = new Recorder(src, flaky, { scheduler: sched });
    rec.start();
    src.emit(tev(1));
    await rec.flush();
    expect(rec.stats()).toMatchObject({ written: 1, failedBatches: 0 });
    const broken = fakeSink(2);
    const rec2 = new Recorder(src, broken, { scheduler: sched, onError: (e, info) => errors.push(`${String(e)} ${info.series} ${info.rows}`) });
    rec.start();
    rec2.start();
    src.emit(tev(2));
    await rec2.stop();
    expect(rec2.stats()).toMatchObject({ failedBatches: 1, failedRows: 1, written: 0 });
    expect(errors).toEqual(['Error: disk full BTC/USDT@BINANCE 1']);
    await rec.stop();
  });

  it('drops and counts events beyond the backlog limit instead of growing', async () => {
    const src = new FakeSource();
    const sched = new ManualScheduler();
    const rec = new Recorder(src, fakeSink(), { scheduler: sched, maxBuffered: 2, maxBatch: 10 });
    rec.start();
    for (let i = 0; i < 5; i++) src.emit(tev(i));
    expect(rec.stats()).toMatchObject({ received: 5, dropped: 3, pending: 2 });
    await rec.stop();
    expect(rec.stats()).toMatchObject({ written: 2, pending: 0 });
  });

  it('records into a real DuckDB store, idempotent across a replay', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'libra-rec-'));
    const store = new DuckDbStore({ dataDir: dir });
    await store.open();
    try {
      const src = new FakeSource();
      const rec = new Recorder(src, store, { scheduler: new ManualScheduler(), maxBatch: 1000 });
      rec.start();
      for (let i = 0; i < 2500; i++) src.emit(tev(i));
      for (let i = 2000; i < 2600; i++) src.emit(tev(i)); // a replay after a reconnect
      src.emit({ kind: 'quote', data: { instrumentId: 'BTC/USDT@BINANCE', ts: T0, bid: 1, bidSize: 1, ask: 2, askSize: 1 } });
      await rec.stop();
      expect(rec.stats()).toMatchObject({ received: 3101, written: 2601, duplicates: 500, failedBatches: 0 });
      expect((await collect(store.scanTrades({ symbol: 'BTC/USDT' }))).length).toBe(2600);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
