/**
 * QuestDB store: the shared contract against a real server when QUESTDB_URL is set (skipped with
 * the reason printed otherwise), and the store's HTTP traffic against a loopback fake of /exec +
 * /write (DDL with its DEDUP keys, schema versioning, ILP lines per row kind, error mapping).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { makeInstrument } from '../../../shared/domain/instrument';
import { bar, collect, runStoreContract, trade } from '../contract';
import { StoreQueryError, StoreVersionError } from '../store';
import type { FakeQuestDb } from './fake-questdb';
import { startFakeQuestDb } from './fake-questdb';
import { QuestDbStore, tsCell } from './questdb-store';
import { DEDUP_KEYS, QUESTDB_LATEST_VERSION } from './schema';

const QUESTDB_URL = process.env.QUESTDB_URL;
let fixtureNo = 0;

runStoreContract(
  'questdb',
  async () => {
    const store = new QuestDbStore({ url: QUESTDB_URL ?? '', tablePrefix: `libra_t${process.pid}_${Date.now() % 1e6}_${fixtureNo++}_`, pageRows: 700 });
    return { store, cleanup: () => store.dropAll() };
  },
  {
    ...(QUESTDB_URL ? {} : { skip: 'QUESTDB_URL not set: no QuestDB server here' }),
    settle: (s) => (s as QuestDbStore).waitApplied(),
    countsExact: false,
    keyConflict: 'last-wins',
  },
);

const T0 = Date.UTC(2024, 0, 1);
const ID = 'BTC/USDT@BINANCE';

describe('questdb store over HTTP (loopback fake)', () => {
  let fake: FakeQuestDb | undefined;
  let store: QuestDbStore | undefined;
  afterEach(async () => {
    await store?.close();
    await fake?.close();
    store = undefined;
    fake = undefined;
  });
  const start = async (prefix = 'q_'): Promise<{ fake: FakeQuestDb; store: QuestDbStore }> => {
    fake = await startFakeQuestDb();
    store = new QuestDbStore({ url: fake.url, tablePrefix: prefix });
    return { fake, store };
  };

  it('creates every table at open as a WAL table with DEDUP UPSERT KEYS over its natural key, and records the version', async () => {
    const { fake, store } = await start();
    await store.open();
    for (const [table, keys] of Object.entries(DEDUP_KEYS)) {
      const ddl = fake.sql.find((q) => q.startsWith(`CREATE TABLE IF NOT EXISTS q_${table} (`));
      expect(ddl, table).toBeDefined();
      expect(ddl).toMatch(/^CREATE TABLE IF NOT EXISTS \w+ \(ts TIMESTAMP, .*\) TIMESTAMP\(ts\) PARTITION BY (DAY|YEAR) WAL DEDUP UPSERT KEYS\(([\w, ]+)\)$/);
      expect(/DEDUP UPSERT KEYS\(([\w, ]+)\)$/.exec(ddl!)?.[1]).toBe(keys.join(', '));
      // every key column is declared, none as STRING (QuestDB refuses variable-size STRING keys)
      for (const k of keys) expect(ddl).toMatch(new RegExp(`[(,] ?${k} (TIMESTAMP|SYMBOL|LONG|DOUBLE|VARCHAR)[,)]`));
    }
    expect(fake.sql.find((q) => q.includes('q_trades ('))).toContain('trade_id VARCHAR');
    expect(fake.sql).toContain(`SELECT max(version) FROM q_schema_version`);
    expect(fake.sql.filter((q) => /^INSERT INTO q_schema_version VALUES \(1, 'init', '\d{4}-\d\d-\d\dT[\d:.]+Z'\)$/.test(q))).toHaveLength(1);
    // a second open of the same server finds the version and runs no DDL again
    await store.close();
    const n = fake.sql.length;
    const again = new QuestDbStore({ url: fake.url, tablePrefix: 'q_' });
    await again.open();
    expect(fake.sql.slice(n).filter((q) => q.startsWith('CREATE TABLE IF NOT EXISTS q_trades'))).toEqual([]);
    await again.close();
  });

  it('refuses a server whose schema is newer than this LIBRA', async () => {
    const { fake, store } = await start();
    fake.setVersion(QUESTDB_LATEST_VERSION + 6);
    await expect(store.open()).rejects.toThrow(StoreVersionError);
    await expect(store.open()).rejects.toThrow(`has schema version ${QUESTDB_LATEST_VERSION + 6}, this LIBRA understands up to ${QUESTDB_LATEST_VERSION} — upgrade LIBRA`);
    expect(fake.sql.some((q) => q.startsWith('CREATE TABLE IF NOT EXISTS q_trades'))).toBe(false);
  });

  it('sends one ILP line per row, per kind, with the key columns the DEDUP keys name', async () => {
    const { fake, store } = await start();
    await store.open();
    const r = await store.writeTrades('binance', 'btc/usdt', [trade(T0 + 1, 100.5, '42'), trade(T0 + 1, 100.5, '42'), { ...trade(T0 + 2, 101, 'ab-1'), side: 'SELL' }]);
    expect(r).toEqual({ inserted: 2, ignored: 1, exact: false });
    await store.writeBars('BINANCE', 'BTC/USDT', 60_000, [bar(T0, 100)]);
    await store.writeQuotes('BINANCE', 'BTC/USDT', [{ instrumentId: ID, ts: T0 + 3, bid: 99, bidSize: 1, ask: 101, askSize: 2 }]);
    await store.writeBook('BINANCE', 'BTC/USDT', [{ instrumentId: ID, ts: T0 + 4, action: 'SNAPSHOT', sequence: 7, bids: [{ price: 99, size: 1 }], asks: [] }]);
    await store.writeSignals([{ ts: T0 + 5, venue: 'binance', symbol: 'btc/usdt', strategyId: 'ema', name: 'entry', value: 1 }]);
    await store.writeInstruments([makeInstrument({ symbol: 'BTC/USDT', venue: 'BINANCE', tickSize: '0.01', lotSize: '0.001' })]);
    await store.saveBacktestRun({ id: 'r1', createdAt: T0, strategyId: 'ema', venue: 'binance', symbol: 'btc/usdt', from: T0, to: T0 + 1, params: {}, stats: {} });
    const byTable = (t: string) => fake.rows.filter((x) => x.table === t);
    expect(byTable('q_trades').map((x) => [x.symbols, x.fields.trade_no, x.fields.trade_id, x.timestampNs])).toEqual([
      [{ venue: 'BINANCE', symbol: 'BTC/USDT', side: 'BUY' }, { type: 'int', value: 42n }, { type: 'string', value: '42' }, BigInt(T0 + 1) * 1_000_000n],
      [{ venue: 'BINANCE', symbol: 'BTC/USDT', side: 'SELL' }, { type: 'int', value: -1n }, { type: 'string', value: 'ab-1' }, BigInt(T0 + 2) * 1_000_000n],
    ]);
    const [b] = byTable('q_bars');
    expect(b?.fields.timeframe_ms).toEqual({ type: 'int', value: 60_000n });
    expect(b?.timestampNs).toBe(BigInt(T0 + 60_000) * 1_000_000n);
    expect(Object.keys(byTable('q_quotes')[0]?.fields ?? {})).toEqual(['bid', 'bid_size', 'ask', 'ask_size']);
    expect(byTable('q_book')[0]?.symbols.action).toBe('SNAPSHOT');
    expect(byTable('q_book')[0]?.fields.sequence).toEqual({ type: 'int', value: 7n });
    expect(byTable('q_signals')[0]?.symbols).toEqual({ strategy_id: 'ema', name: 'entry', venue: 'BINANCE', symbol: 'BTC/USDT' });
    expect(byTable('q_instruments')[0]?.timestampNs).toBe(0n);
    expect(byTable('q_backtest_runs')[0]?.fields.id).toEqual({ type: 'string', value: 'r1' });
    // every ILP row carries its table's DEDUP key columns (ts is the designated timestamp)
    for (const row of fake.rows) {
      const keys = DEDUP_KEYS[row.table.slice(2) as keyof typeof DEDUP_KEYS];
      for (const k of keys.filter((x) => x !== 'ts')) expect(k in row.symbols || k in row.fields, `${row.table}.${k}`).toBe(true);
    }
  });

  it('reads through /exec: ASOF JOIN keyed on (venue, symbol), SAMPLE BY for resampling, time-bounded scans', async () => {
    const { fake, store } = await start();
    await store.open();
    await store.writeTrades('BINANCE', 'BTC/USDT', [trade(T0, 1, '1')]);
    await collect(store.asofJoin({ with: 'trades', signals: [{ ts: T0 + 5, symbol: 'BTC/USDT' }] }));
    const asof = fake.sql.find((q) => q.includes('ASOF JOIN'));
    expect(asof).toMatch(/FROM q_asof_\w+ s ASOF JOIN \(SELECT ts, venue, symbol, price, size, trade_id FROM q_trades\) m ON \(venue, symbol\) ORDER BY s\.ts, s\.idx$/);
    expect(fake.sql.some((q) => /^CREATE TABLE q_asof_\w+ \(ts TIMESTAMP, idx LONG, venue SYMBOL, symbol SYMBOL\) TIMESTAMP\(ts\) PARTITION BY NONE BYPASS WAL$/.test(q))).toBe(true);
    expect(fake.sql.some((q) => /^INSERT INTO q_asof_\w+ VALUES \('2024-01-01T00:00:00\.005000Z', 0, 'BINANCE', 'BTC\/USDT'\)$/.test(q))).toBe(true);
    expect(fake.sql.some((q) => /^DROP TABLE IF EXISTS q_asof_/.test(q))).toBe(true);
    await collect(store.resampleTrades({ symbol: 'BTC/USDT', timeframeMs: 60_000, from: T0, to: T0 + 60_000 }));
    expect(fake.sql.find((q) => q.includes('SAMPLE BY'))).toMatch(/ts >= '2024-01-01T00:00:00\.000000Z' AND ts < '2024-01-01T00:01:00\.000000Z'\s+SAMPLE BY 60000T ALIGN TO CALENDAR/);
    await collect(store.scanTrades({ symbol: 'BTC/USDT', from: T0, to: T0 + 10 }));
    expect(fake.sql).toContain(`SELECT count(), min(ts), max(ts) FROM q_trades WHERE venue = 'BINANCE' AND symbol = 'BTC/USDT' AND ts >= '2024-01-01T00:00:00.000000Z' AND ts < '2024-01-01T00:00:00.010000Z'`);
  });

  it("turns an /exec error body into a StoreQueryError carrying QuestDB's message", async () => {
    const { fake, store } = await start();
    await store.open();
    fake.failOn(/FROM q_bars GROUP BY/, 'table does not exist [table=q_bars]', 37);
    const err = await store.listSeries().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreQueryError);
    expect((err as Error).message).toMatch(/^QuestDB: table does not exist \[table=q_bars\] at position 37 — in: SELECT venue, symbol, timeframe_ms/);
    // DDL errors at open surface the same way
    const other = await startFakeQuestDb();
    other.failOn(/^CREATE TABLE IF NOT EXISTS z_trades/, 'deduplicate key column can only be fixed size column [column=trade_id, type=STRING]');
    const s2 = new QuestDbStore({ url: other.url, tablePrefix: 'z_' });
    await expect(s2.open()).rejects.toThrow(/QuestDB: deduplicate key column can only be fixed size column/);
    await other.close();
  });

  it('refuses to write before open and says where the server is', async () => {
    const { store } = await start();
    await expect(store.writeTrades('BINANCE', 'BTC/USDT', [trade(T0, 1, '1')])).rejects.toThrow(/is not open/);
    expect(() => new QuestDbStore({ url: 'http://x', tablePrefix: 'bad-prefix;' })).toThrow(/tablePrefix/);
  });

  it('reads QuestDB timestamps as ISO text or µs numbers', () => {
    expect(tsCell('2024-01-01T00:00:00.123456Z')).toBe(T0 + 123);
    expect(tsCell((T0 + 5) * 1000)).toBe(T0 + 5);
    expect(tsCell(null)).toBeNull();
  });
});
