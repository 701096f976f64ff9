/**
 * The storage contract suite: every TimeSeriesStore (DuckDB always, QuestDB when a server is
 * configured) must pass exactly these tests. Call `runStoreContract(name, makeStore)` from a
 * Vitest file; `makeStore` returns a fresh, empty, unopened store and a cleanup.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { makeInstrument } from '../../shared/domain/instrument';
import type { Fill, Order } from '../../shared/domain/order';
import type { Bar, BookUpdate, QuoteTick, TradeTick } from '../../shared/messages/market-data';
import type { TimeSeriesStore, WriteResult } from './store';
import { StoreInputError, StoreQueryError } from './store';

export interface StoreFixture {
  readonly store: TimeSeriesStore;
  /** Removes what the store left behind (temp dir, tables). */
  readonly cleanup: () => Promise<void>;
}

export interface ContractOptions {
  /** When set, the suite is skipped and this reason printed. */
  readonly skip?: string;
  /** Stores whose writes become visible asynchronously (QuestDB WAL) wait for them before reads. */
  readonly settle?: (store: TimeSeriesStore) => Promise<void>;
  /**
   * `false` for stores that cannot tell new rows from replayed ones (QuestDB DEDUP): write counts
   * are then checked for their total and `exact: false` only; what is stored is checked as usual.
   */
  readonly countsExact?: boolean;
  /** Which write of a key with different non-key values is kept (QuestDB DEDUP: the last). */
  readonly keyConflict?: 'first-wins' | 'last-wins';
  /** `false` for stores that cannot read book levels back yet: scanBook must then say so (StoreInputError). */
  readonly bookScan?: boolean;
}

const T0 = Date.UTC(2024, 0, 1);
const M = 60_000;
const ID = 'BTC/USDT@BINANCE';

export function bar(openTime: number, close: number, id = ID, tf = M): Bar {
  return { instrumentId: id, timeframeMs: tf, openTime, ts: openTime + tf, open: close - 1, high: close + 2, low: close - 3, close, volume: 10 };
}

export function trade(ts: number, price: number, tradeId: string, id = ID, size = 1): TradeTick {
  return { instrumentId: id, ts, price, size, tradeId, side: 'BUY' };
}

export async function collect<T>(it: AsyncIterable<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const chunk of it) out.push(...chunk);
  return out;
}

export function runStoreContract(name: string, make: () => Promise<StoreFixture>, opts: ContractOptions = {}): void {
  if (opts.skip !== undefined) {
    console.info(`[storage contract] ${name} skipped: ${opts.skip}`);
    describe.skip(`${name} store contract`, () => {
      it('is skipped', () => undefined);
    });
    return;
  }
  const countsExact = opts.countsExact ?? true;
  const lastWins = opts.keyConflict === 'last-wins';
  /** Checks a WriteResult: exactly, or (counts not exact) its total and its `exact: false` flag. */
  const expectWrite = (r: WriteResult, inserted: number, ignored: number): void => {
    if (countsExact) expect(r).toEqual({ inserted, ignored });
    else expect({ total: r.inserted + r.ignored, exact: r.exact }).toEqual({ total: inserted + ignored, exact: false });
  };

  describe(`${name} store contract`, () => {
    let fx: StoreFixture | undefined;
    const settle = async (): Promise<void> => {
      if (fx && opts.settle) await opts.settle(fx.store);
    };
    const open = async (): Promise<TimeSeriesStore> => {
      fx = await make();
      await fx.store.open();
      return fx.store;
    };
    afterEach(async () => {
      if (fx) {
        await fx.store.close();
        await fx.cleanup();
        fx = undefined;
      }
    });

    it('opens an empty store with no series', async () => {
      const s = await open();
      expect(await s.listSeries()).toEqual([]);
    });

    it('writes bars and scans them back in openTime order, chunked, within [from, to)', async () => {
      const s = await open();
      const bars = Array.from({ length: 25 }, (_, i) => bar(T0 + (24 - i) * M, 100 + (24 - i)));
      expectWrite(await s.writeBars('binance', 'btc/usdt', M, bars), 25, 0);
      await settle();
      const chunks: Bar[][] = [];
      for await (const c of s.scanBars({ symbol: 'BTC/USDT', timeframeMs: M, chunkSize: 10 })) chunks.push(c);
      expect(chunks.map((c) => c.length)).toEqual([10, 10, 5]);
      const all = chunks.flat();
      expect(all.map((b) => b.openTime)).toEqual(Array.from({ length: 25 }, (_, i) => T0 + i * M));
      expect(all[3]).toEqual(bar(T0 + 3 * M, 103));
      const part = await collect(s.scanBars({ venue: 'BINANCE', symbol: 'BTC/USDT', timeframeMs: M, from: T0 + 5 * M, to: T0 + 8 * M }));
      expect(part.map((b) => b.openTime)).toEqual([T0 + 5 * M, T0 + 6 * M, T0 + 7 * M]);
      expect(await collect(s.scanBars({ symbol: 'BTC/USDT', timeframeMs: 5 * M }))).toEqual([]);
      expect(await collect(s.scanBars({ symbol: 'ETH/USDT', timeframeMs: M }))).toEqual([]);
    });

    it('never duplicates bars on a replayed or overlapping batch', async () => {
      const s = await open();
      const bars = Array.from({ length: 10 }, (_, i) => bar(T0 + i * M, 100 + i));
      await s.writeBars('BINANCE', 'BTC/USDT', M, bars);
      expectWrite(await s.writeBars('BINANCE', 'BTC/USDT', M, bars), 0, 10);
      const overlap = Array.from({ length: 10 }, (_, i) => bar(T0 + (i + 5) * M, 100 + i + 5));
      expectWrite(await s.writeBars('BINANCE', 'BTC/USDT', M, overlap), 5, 5);
      expectWrite(await s.writeBars('BINANCE', 'BTC/USDT', M, [bar(T0, 1), bar(T0, 1)]), 0, 2);
      await settle();
      expect((await collect(s.scanBars({ symbol: 'BTC/USDT', timeframeMs: M }))).length).toBe(15);
    });

    it('refuses a bad batch whole and keeps what was stored intact', async () => {
      const s = await open();
      await s.writeTrades('BINANCE', 'BTC/USDT', [trade(T0, 100, '1')]);
      const bad = [trade(T0 + 1, 101, '2'), trade(T0 + 2, Number.NaN, '3'), trade(T0 + 3, 103, '4')];
      await expect(s.writeTrades('BINANCE', 'BTC/USDT', bad)).rejects.toThrow(StoreInputError);
      await expect(s.writeTrades('BINANCE', 'BTC/USDT', [trade(T0 + 5, 1, '9', 'ETH/USDT@BINANCE')])).rejects.toThrow(/does not belong/);
      const badBar = { ...bar(T0, 100), ts: T0 };
      await expect(s.writeBars('BINANCE', 'BTC/USDT', M, [bar(T0 + M, 1), badBar])).rejects.toThrow(/close time/);
      await settle();
      expect((await collect(s.scanTrades({ symbol: 'BTC/USDT' }))).map((t) => t.tradeId)).toEqual(['1']);
      expect(await collect(s.scanBars({ symbol: 'BTC/USDT', timeframeMs: M }))).toEqual([]);
    });

    it('stores trades idempotently and scans them by time then numeric trade id', async () => {
      const s = await open();
      const batch = [trade(T0 + 5, 105, '10'), trade(T0 + 5, 104, '9'), trade(T0, 100, '1'), trade(T0, 100, '1'), { ...trade(T0 + 7, 107, 'abc-x'), side: 'SELL' as const }];
      expectWrite(await s.writeTrades('BINANCE', 'BTC/USDT', batch), 4, 1);
      expectWrite(await s.writeTrades('BINANCE', 'BTC/USDT', batch), 0, 5);
      const noSide: TradeTick = { instrumentId: ID, ts: T0 + 9, price: 109, size: 2, tradeId: '0042' };
      expectWrite(await s.writeTrades('BINANCE', 'BTC/USDT', [trade(T0 + 7, 107, 'abc-x'), noSide]), 1, 1);
      await settle();
      const got = await collect(s.scanTrades({ symbol: 'BTC/USDT', chunkSize: 2 }));
      expect(got.map((t) => t.tradeId)).toEqual(['1', '9', '10', 'abc-x', '0042']);
      // the key was written twice, SELL then BUY: first-wins stores keep SELL, last-wins BUY
      expect(got[3]).toEqual({ ...trade(T0 + 7, 107, 'abc-x'), side: lastWins ? 'BUY' : 'SELL' });
      expect(got[4]).toEqual(noSide);
      expect((await collect(s.scanTrades({ symbol: 'BTC/USDT', from: T0 + 1, to: T0 + 8 }))).map((t) => t.tradeId)).toEqual(['9', '10', 'abc-x']);
    });

    it('keeps series apart per venue and symbol, and asks for the venue when ambiguous', async () => {
      const s = await open();
      await s.writeTrades('BINANCE', 'BTC/USDT', [trade(T0, 100, '1')]);
      await s.writeTrades('OKX', 'BTC/USDT', [trade(T0, 200, '1', 'BTC/USDT@OKX')]);
      await settle();
      expect(() => s.scanTrades({ symbol: 'BTC/USDT' })).toThrow(StoreQueryError);
      expect((await collect(s.scanTrades({ venue: 'okx', symbol: 'BTC/USDT' })))[0]?.price).toBe(200);
    });

    it('stores quotes idempotently and scans them in time order', async () => {
      const s = await open();
      const q = (ts: number, bid: number): QuoteTick => ({ instrumentId: ID, ts, bid, bidSize: 1, ask: bid + 1, askSize: 2 });
      expectWrite(await s.writeQuotes('BINANCE', 'BTC/USDT', [q(T0 + 2, 102), q(T0, 100), q(T0 + 1, 101)]), 3, 0);
      expectWrite(await s.writeQuotes('BINANCE', 'BTC/USDT', [q(T0 + 1, 101), q(T0 + 3, 103)]), 1, 1);
      await settle();
      expect((await collect(s.scanQuotes({ symbol: 'BTC/USDT' }))).map((x) => x.bid)).toEqual([100, 101, 102, 103]);
    });

    it('resamples trades into OHLCV bars, first/last by time then trade id', async () => {
      const s = await open();
      await s.writeTrades('BINANCE', 'BTC/USDT', [
        trade(T0 + 10, 101, '3', ID, 1),
        trade(T0 + 10, 100, '2', ID, 2), // same ms, lower id: this one opens the bar
        trade(T0 + 30_000, 105, '4', ID, 1),
        trade(T0 + 59_999, 99, '6', ID, 1),
        trade(T0 + 59_999, 103, '5', ID, 1), // same ms, lower id: not the close
        trade(T0 + M + 1, 110, '7', ID, 4),
        trade(T0 + 3 * M, 120, '8', ID, 1),
      ]);
      await settle();
      const bars = await collect(s.resampleTrades({ symbol: 'BTC/USDT', timeframeMs: M, from: T0, to: T0 + 3 * M }));
      expect(bars).toEqual([
        { instrumentId: ID, timeframeMs: M, openTime: T0, ts: T0 + M, open: 100, high: 105, low: 99, close: 99, volume: 6 },
        { instrumentId: ID, timeframeMs: M, openTime: T0 + M, ts: T0 + 2 * M, open: 110, high: 110, low: 110, close: 110, volume: 4 },
      ]);
    });

    it('as-of joins signals to the latest trade at or before each signal, per symbol', async () => {
      const s = await open();
      const ETH = 'ETH/USDT@BINANCE';
      await s.writeTrades('BINANCE', 'BTC/USDT', [trade(T0 + 100, 100, '1'), trade(T0 + 200, 200, '2'), trade(T0 + 200, 201, '3'), trade(T0 + 300, 300, '4')]);
      await s.writeTrades('BINANCE', 'ETH/USDT', [trade(T0 + 150, 10, '1', ETH), trade(T0 + 250, 20, '2', ETH)]);
      await settle();
      const signals = [
        { ts: T0 + 250, symbol: 'BTC/USDT' },
        { ts: T0 + 50, symbol: 'BTC/USDT' },
        { ts: T0 + 200, symbol: 'BTC/USDT' },
        { ts: T0 + 260, symbol: 'ETH/USDT', venue: 'BINANCE' },
        { ts: T0 + 999, symbol: 'XRP/USDT' },
      ];
      const rows = await collect(s.asofJoin({ signals, with: 'trades' }));
      expect(rows.map((r) => [r.index, r.ts, r.symbol, r.match?.price ?? null, r.match?.tradeId ?? null])).toEqual([
        [1, T0 + 50, 'BTC/USDT', null, null],
        [2, T0 + 200, 'BTC/USDT', 201, '3'],
        [0, T0 + 250, 'BTC/USDT', 201, '3'],
        [3, T0 + 260, 'ETH/USDT', 20, '2'],
        [4, T0 + 999, 'XRP/USDT', null, null],
      ]);
    });

    it('as-of joins bars without look-ahead: a bar is known only from its close time', async () => {
      const s = await open();
      await s.writeBars('BINANCE', 'BTC/USDT', M, [bar(T0, 100), bar(T0 + M, 101), bar(T0 + 2 * M, 102)]);
      await settle();
      const rows = await collect(
        s.asofJoin({ with: 'bars', timeframeMs: M, signals: [{ ts: T0 + 30_000, symbol: 'BTC/USDT' }, { ts: T0 + M, symbol: 'BTC/USDT' }, { ts: T0 + 2 * M + 59_999, symbol: 'BTC/USDT' }] }),
      );
      expect(rows.map((r) => r.match?.openTime ?? null)).toEqual([null, T0, T0 + M]);
      expect(rows[1]?.match).toEqual(bar(T0, 100));
    });

    it('as-of joins quotes, and signals read from the signals table', async () => {
      const s = await open();
      const q = (ts: number, bid: number): QuoteTick => ({ instrumentId: ID, ts, bid, bidSize: 1, ask: bid + 1, askSize: 2 });
      await s.writeQuotes('BINANCE', 'BTC/USDT', [q(T0 + 10, 100), q(T0 + 20, 101)]);
      expectWrite(
        await s.writeSignals([
          { ts: T0 + 15, venue: 'BINANCE', symbol: 'BTC/USDT', strategyId: 'ema', name: 'entry', value: 1 },
          { ts: T0 + 25, venue: 'BINANCE', symbol: 'BTC/USDT', strategyId: 'ema', name: 'entry', value: -1 },
          { ts: T0 + 25, venue: 'BINANCE', symbol: 'BTC/USDT', strategyId: 'ema', name: 'entry', value: -1 },
          { ts: T0 + 5, venue: 'BINANCE', symbol: 'BTC/USDT', strategyId: 'other', name: 'entry', value: 7 },
        ]),
        3,
        1,
      );
      await settle();
      const rows = await collect(s.asofJoin({ with: 'quotes', signals: { table: 'signals', strategyId: 'ema' } }));
      expect(rows.map((r) => [r.value, r.strategyId, r.name, r.match?.bid])).toEqual([
        [1, 'ema', 'entry', 100],
        [-1, 'ema', 'entry', 101],
      ]);
    });

    it('stores book snapshots and deltas, orders, fills idempotently', async () => {
      const s = await open();
      const book = [
        { instrumentId: ID, ts: T0, action: 'SNAPSHOT' as const, sequence: 1, bids: [{ price: 99, size: 1 }], asks: [{ price: 101, size: 2 }] },
        { instrumentId: ID, ts: T0 + 1, action: 'DELTA' as const, sequence: 2, bids: [{ price: 99, size: 0 }], asks: [] },
      ];
      expectWrite(await s.writeBook('BINANCE', 'BTC/USDT', book), 2, 0);
      expectWrite(await s.writeBook('BINANCE', 'BTC/USDT', book), 0, 2);
      const order: Order = {
        clientOrderId: 'c1', strategyId: 'ema', instrumentId: ID, side: 'BUY', type: 'LIMIT', quantityRaw: 100, priceRaw: 50_000_00,
        timeInForce: 'GTC', postOnly: false, reduceOnly: false, status: 'ACCEPTED', filledRaw: 0, avgPx: 0, createdAt: T0, updatedAt: T0,
      };
      const filled: Order = { ...order, status: 'FILLED', filledRaw: 100, avgPx: 50_000, updatedAt: T0 + 5 };
      expectWrite(await s.writeOrders([order, filled, order]), 2, 1);
      const fill: Fill = {
        tradeId: 't1', clientOrderId: 'c1', strategyId: 'ema', instrumentId: ID, side: 'BUY', quantityRaw: 100, priceRaw: 50_000_00,
        feeRaw: 5, feeCurrency: 'USDT', feePrecision: 8, liquidity: 'MAKER', ts: T0 + 5,
      };
      expectWrite(await s.writeFills([fill]), 1, 0);
      expectWrite(await s.writeFills([fill]), 0, 1);
      await settle();
      const series = await s.listSeries();
      expect(series).toContainEqual({ venue: 'BINANCE', symbol: 'BTC/USDT', kind: 'book', first: T0, last: T0 + 1, rows: 2 });
      if (opts.bookScan === false) {
        expect(() => s.scanBook({ venue: 'BINANCE', symbol: 'BTC/USDT' })).toThrow(/not supported yet/);
        return;
      }
      const back: BookUpdate[] = [];
      for await (const chunk of s.scanBook({ venue: 'BINANCE', symbol: 'BTC/USDT', chunkSize: 1 })) back.push(...chunk);
      expect(back).toEqual(book);
      const later: BookUpdate[] = [];
      for await (const chunk of s.scanBook({ venue: 'BINANCE', symbol: 'BTC/USDT', from: T0 + 1 })) later.push(...chunk);
      expect(later).toEqual([book[1]]);
    });

    it('keeps instrument metadata and backtest runs', async () => {
      const s = await open();
      const inst = makeInstrument({ symbol: 'BTC/USDT', venue: 'BINANCE', tickSize: '0.01', lotSize: '0.00001', minNotional: 5 });
      await s.writeInstruments([inst]);
      await s.writeInstruments([inst]);
      await settle();
      expect(await s.getInstrument('binance', 'btc/usdt')).toEqual(inst);
      expect(await s.getInstrument('BINANCE', 'ETH/USDT')).toBeUndefined();
      expect(await s.listInstruments()).toEqual([inst]);
      const run = { id: 'r1', createdAt: T0, strategyId: 'ema', venue: 'BINANCE', symbol: 'BTC/USDT', timeframeMs: M, from: T0, to: T0 + 10 * M, params: { fast: 12 }, stats: { sharpe: 1.5 } };
      await s.saveBacktestRun(run);
      await s.saveBacktestRun({ ...run, stats: { sharpe: 2 } });
      await s.saveBacktestRun({ ...run, id: 'r2', createdAt: T0 + 1 });
      await settle();
      const runs = await s.listBacktestRuns();
      expect(runs.map((r) => r.id)).toEqual(['r2', 'r1']);
      expect(runs[1]).toEqual({ ...run, stats: { sharpe: 2 } });
    });

    it('lists every series with its range and row count', async () => {
      const s = await open();
      await s.writeBars('BINANCE', 'BTC/USDT', M, [bar(T0, 1), bar(T0 + M, 2)]);
      await s.writeBars('BINANCE', 'BTC/USDT', 5 * M, [bar(T0, 1, ID, 5 * M)]);
      await s.writeTrades('BINANCE', 'BTC/USDT', [trade(T0 + 1, 1, '1'), trade(T0 + 9, 1, '2'), trade(T0 + 5, 1, '3')]);
      await settle();
      expect(await s.listSeries()).toEqual([
        { venue: 'BINANCE', symbol: 'BTC/USDT', kind: 'bars', timeframeMs: M, first: T0 + M, last: T0 + 2 * M, rows: 2 },
        { venue: 'BINANCE', symbol: 'BTC/USDT', kind: 'bars', timeframeMs: 5 * M, first: T0 + 5 * M, last: T0 + 5 * M, rows: 1 },
        { venue: 'BINANCE', symbol: 'BTC/USDT', kind: 'trades', first: T0 + 1, last: T0 + 9, rows: 3 },
      ]);
    });

    it('pages large scans and releases them when the reader stops early', async () => {
      const s = await open();
      const n = 2_500;
      const trades = Array.from({ length: n }, (_, i) => trade(T0 + Math.floor(i / 3), 100 + i, String(i)));
      expect((await s.writeTrades('BINANCE', 'BTC/USDT', trades)).inserted).toBe(n);
      await settle();
      const got = await collect(s.scanTrades({ symbol: 'BTC/USDT', chunkSize: 1000 }));
      expect(got.length).toBe(n);
      expect(got.every((t, i) => t.tradeId === String(i))).toBe(true);
      for await (const chunk of s.scanTrades({ symbol: 'BTC/USDT', chunkSize: 100 })) {
        expect(chunk.length).toBe(100);
        break;
      }
    });
  });
}
