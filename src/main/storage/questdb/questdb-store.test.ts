/**
 * QuestDB store against a real QuestDB server (the official jar, started by
 * test/support/questdb-server.ts on free loopback ports with its own root folder): the shared
 * storage contract, the schema it creates (WAL, DEDUP UPSERT KEYS, column types), out-of-order
 * and late rows, and server restarts in the middle of an ILP batch.
 *
 * Where Java (or Maven, for the first jar fetch) is missing the file skips with the reason; under
 * CI (`CI=true`) it fails instead, so a CI run never passes without QuestDB.
 */
import type { Socket } from 'node:net';
import { connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { QuestDbServer } from '../../../../test/support/questdb-server';
import { questdbUnavailable, startQuestDb } from '../../../../test/support/questdb-server';
import { makeInstrument } from '../../../shared/domain/instrument';
import type { TradeTick } from '../../../shared/messages/market-data';
import { bar, collect, runStoreContract, trade } from '../contract';
import { StoreQueryError, StoreVersionError } from '../store';
import { cellNum, cellStr, QuestDbExec, qts } from './exec';
import { QuestDbStore, sortTrades, tradeIdCell, tsCell, unsafeRanges } from './questdb-store';
import { DEDUP_KEYS, PARTITION_BY, QUESTDB_LATEST_VERSION, QUESTDB_MIGRATIONS, REPARTITION_SUFFIX, repartition } from './schema';

const unavailable = await questdbUnavailable();
if (unavailable && process.env.CI === 'true') {
  throw new Error(`QuestDB store tests cannot run under CI: ${unavailable}. Install Java 17+ and Maven (see .ci/run).`);
}
const server: QuestDbServer | undefined = unavailable ? undefined : await startQuestDb();
afterAll(async () => {
  await server?.stop();
});
const skip = unavailable ? { skip: `no QuestDB server: ${unavailable}` } : {};

let fixtureNo = 0;
const prefix = (): string => `libra_t${fixtureNo++}_`;

runStoreContract(
  'questdb',
  async () => {
    const store = new QuestDbStore({ url: server?.url ?? '', tablePrefix: prefix(), pageRows: 700 });
    return { store, cleanup: () => store.dropAll() };
  },
  {
    ...skip,
    settle: (s) => (s as QuestDbStore).waitApplied(),
    countsExact: false,
    keyConflict: 'last-wins',
    bookScan: false,
  },
);

const T0 = Date.UTC(2024, 0, 1);
const DAY = 86_400_000;

/** A loopback TCP proxy in front of the server that can cut ILP requests at a chosen moment. */
interface CuttingProxy {
  readonly url: string;
  /** Per connection: bytes forwarded client → server. */
  readonly sent: number[];
  /** Next time `bytes` request bytes have passed on one connection: stop forwarding, run `then`. */
  cutAfter(bytes: number, then: () => Promise<void>): void;
  /** The next response from the server is dropped and the client connection reset (server committed, client never hears). */
  loseNextResponse(): void;
  close(): Promise<void>;
}

async function cuttingProxy(target: number): Promise<CuttingProxy> {
  const sent: number[] = [];
  const sockets = new Set<Socket>();
  let cut: { bytes: number; then: () => Promise<void> } | undefined;
  let loseResponse = false;
  const proxy = createServer((client) => {
    const i = sent.push(0) - 1;
    const upstream = connect(target, '127.0.0.1');
    sockets.add(client).add(upstream);
    // RST, not FIN: the client sees ECONNRESET, which the QuestDB client retries
    const reset = (): void => {
      if (!client.destroyed) client.resetAndDestroy();
      upstream.destroy();
    };
    client.on('data', (d: Buffer) => {
      sent[i]! += d.length;
      upstream.write(d);
      if (cut && sent[i]! >= cut.bytes) {
        const { then } = cut;
        cut = undefined;
        client.pause();
        void then().finally(reset);
      }
    });
    upstream.on('data', (d: Buffer) => {
      if (loseResponse && d.toString('latin1', 0, 12).startsWith('HTTP/1.1 2')) {
        loseResponse = false;
        reset();
        return;
      }
      client.write(d);
    });
    client.on('error', reset);
    upstream.on('error', reset);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => {
      if (!client.destroyed && !client.isPaused()) reset();
    });
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    sent,
    cutAfter: (bytes, then) => {
      cut = { bytes, then };
    },
    loseNextResponse: () => {
      loseResponse = true;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        proxy.close(() => r());
      }),
  };
}

const trades = (n: number, from: number, first = 0): TradeTick[] => Array.from({ length: n }, (_, i) => trade(from + Math.floor(i / 4), 100 + (i % 97), String(first + i)));

describe.skipIf(!server)('questdb store on a real server', () => {
  const url = (): string => server?.url ?? '';
  const exec = (): QuestDbExec => new QuestDbExec(url());

  it('creates every table as a WAL table with DEDUP UPSERT KEYS over its natural key, and records the version once', async () => {
    const p = prefix();
    const store = new QuestDbStore({ url: url(), tablePrefix: p });
    await store.open();
    const tables = new Map((await exec().exec(`SELECT table_name, walEnabled, dedup, partitionBy FROM tables() WHERE table_name LIKE '${p}%'`)).dataset.map((r) => [cellStr(r[0]), r]));
    expect(tables.has(`${p}bars${REPARTITION_SUFFIX}`)).toBe(false);
    for (const [table, keys] of Object.entries(DEDUP_KEYS)) {
      expect(tables.get(p + table)?.slice(1), table).toEqual([true, true, PARTITION_BY[table as keyof typeof PARTITION_BY]]);
      const cols = (await exec().exec(`SELECT "column", type, upsertKey FROM table_columns('${p}${table}')`)).dataset;
      expect(cols.filter((c) => c[2] === true).map((c) => cellStr(c[0])).sort(), table).toEqual([...keys].sort());
    }
    const tradeCols = Object.fromEntries((await exec().exec(`SELECT "column", type FROM table_columns('${p}trades')`)).dataset.map((r) => [cellStr(r[0]), cellStr(r[1])]));
    expect(tradeCols).toEqual({ ts: 'TIMESTAMP', venue: 'SYMBOL', symbol: 'SYMBOL', side: 'SYMBOL', trade_no: 'LONG', trade_id: 'VARCHAR', price: 'DOUBLE', size: 'DOUBLE' });
    await store.close();
    // a second open finds version 1 and migrates nothing again
    const again = new QuestDbStore({ url: url(), tablePrefix: p });
    await again.open();
    expect((await exec().exec(`SELECT version, name FROM ${p}schema_version ORDER BY version`)).dataset).toEqual(QUESTDB_MIGRATIONS.map((m) => [m.version, m.name]));
    await again.close();
    await again.dropAll();
  }, 120_000);

  it('migrates a v1 store (numeric ids written twice) so that replaying its trades still dedups', async () => {
    const p = prefix();
    const v1 = QUESTDB_MIGRATIONS.find((m) => m.version === 1)!;
    await exec().exec(`CREATE TABLE ${p}schema_version (version INT, name VARCHAR, applied_at TIMESTAMP)`);
    for (const sql of v1.up(p)) await exec().exec(sql);
    await exec().exec(`INSERT INTO ${p}schema_version VALUES (1, 'init', now())`);
    // what the v1 writer sent: the numeric id in trade_no AND trade_id
    const res = await fetch(`${url()}/write?precision=n`, {
      method: 'POST',
      body: `${p}trades,venue=BINANCE,symbol=BTC/USDT,side=BUY trade_no=7i,trade_id="7",price=1.0,size=1.0 ${(T0 + 1) * 1_000_000}\n${p}trades,venue=BINANCE,symbol=BTC/USDT,side=BUY trade_no=-1i,trade_id="x-8",price=2.0,size=1.0 ${(T0 + 2) * 1_000_000}\n`,
    });
    expect(res.status).toBe(204);
    const store = new QuestDbStore({ url: url(), tablePrefix: p });
    await store.open();
    await store.writeTrades('BINANCE', 'BTC/USDT', [trade(T0 + 1, 1.5, '7'), trade(T0 + 2, 2.5, 'x-8')]);
    await store.waitApplied();
    expect((await exec().exec(`SELECT trade_no, trade_id, price FROM ${p}trades ORDER BY ts`)).dataset).toEqual([
      [7, null, 1.5],
      [-1, 'x-8', 2.5],
    ]);
    expect((await collect(store.scanTrades({ symbol: 'BTC/USDT' }))).map((t) => [t.tradeId, t.price])).toEqual([
      ['7', 1.5],
      ['x-8', 2.5],
    ]);
    // v3: the trades from before it are one batch of unknown order, the new write a batch of its own
    expect((await exec().exec(`SELECT ts, last_ts, mixed FROM ${p}trade_batches ORDER BY mixed`)).dataset).toEqual([
      ['2024-01-01T00:00:00.001000Z', '2024-01-01T00:00:00.002000Z', false],
      ['2024-01-01T00:00:00.001000Z', '2024-01-01T00:00:00.002000Z', true],
    ]);
    await store.close();
    await store.dropAll();
  }, 120_000);

  it('migrates a v3 store to per-table partition units (bars by MONTH): rows stay readable, keys still dedup, a migration cut half-way resumes', async () => {
    const p = prefix();
    await exec().exec(`CREATE TABLE ${p}schema_version (version INT, name VARCHAR, applied_at TIMESTAMP)`);
    for (const m of QUESTDB_MIGRATIONS.filter((x) => x.version <= 3)) {
      for (const sql of m.up(p)) await exec().exec(sql);
      await exec().exec(`INSERT INTO ${p}schema_version VALUES (${m.version}, '${m.name}', now())`);
    }
    const before = new Map((await exec().exec(`SELECT table_name, partitionBy FROM tables() WHERE table_name LIKE '${p}%'`)).dataset.map((r) => [cellStr(r[0]), cellStr(r[1])]));
    expect(before.get(`${p}bars`)).toBe('DAY');
    // v3 bars over three months, by DAY partitions
    const opens = [T0, T0 + 40 * DAY, T0 + 70 * DAY + 60_000];
    for (const [i, o] of opens.entries()) {
      await exec().exec(`INSERT INTO ${p}bars VALUES (${qts(o + 60_000)}, 'BINANCE', 'BTC/USDT', 60000, ${qts(o)}, ${i}, ${i + 2}, ${i - 3}, ${i + 1}, 10)`);
    }
    // a v4 migration cut between DROP and RENAME of signals: only the copy holds the rows
    await exec().exec(`INSERT INTO ${p}signals VALUES (${qts(T0 + 5)}, 'BINANCE', 'BTC/USDT', 's1', 'go', 1.5)`);
    await new QuestDbStore({ url: url(), tablePrefix: p }).waitApplied();
    await repartition(exec(), p, ['signals']);
    await exec().exec(`RENAME TABLE ${p}signals TO ${p}signals${REPARTITION_SUFFIX}`);
    const store = new QuestDbStore({ url: url(), tablePrefix: p });
    await store.open();
    const after = new Map((await exec().exec(`SELECT table_name, partitionBy, walEnabled, dedup FROM tables() WHERE table_name LIKE '${p}%'`)).dataset.map((r) => [cellStr(r[0]), r.slice(1)]));
    for (const [t, unit] of Object.entries(PARTITION_BY)) expect(after.get(p + t), t).toEqual([unit, true, true]);
    expect([...after.keys()].filter((t) => t.endsWith(REPARTITION_SUFFIX))).toEqual([]);
    expect((await exec().exec(`SELECT max(version) FROM ${p}schema_version`)).dataset).toEqual([[QUESTDB_LATEST_VERSION]]);
    for (const [table, keys] of Object.entries(DEDUP_KEYS)) {
      const cols = (await exec().exec(`SELECT "column", upsertKey FROM table_columns('${p}${table}')`)).dataset;
      expect(cols.filter((c) => c[1] === true).map((c) => cellStr(c[0])).sort(), table).toEqual([...keys].sort());
    }
    expect((await collect(store.scanBars({ symbol: 'BTC/USDT', timeframeMs: 60_000 }))).map((b) => [b.openTime, b.close])).toEqual(opens.map((o, i) => [o, i + 1]));
    expect((await exec().exec(`SELECT ts, strategy_id, value FROM ${p}signals`)).dataset).toEqual([['2024-01-01T00:00:00.005000Z', 's1', 1.5]]);
    // a replayed bar (same key, new values) replaces the migrated row
    await store.writeBars('BINANCE', 'BTC/USDT', 60_000, [bar(opens[1]!, 99)]);
    await store.waitApplied();
    expect((await collect(store.scanBars({ symbol: 'BTC/USDT', timeframeMs: 60_000 }))).map((b) => b.close)).toEqual([1, 99, 3]);
    await store.close();
    // opening again migrates nothing
    const again = new QuestDbStore({ url: url(), tablePrefix: p });
    await again.open();
    expect((await exec().exec(`SELECT count() FROM ${p}schema_version WHERE version = ${QUESTDB_LATEST_VERSION}`)).dataset).toEqual([[1]]);
    await again.close();
    await again.dropAll();
  }, 180_000);

  it('refuses a server whose schema is newer than this LIBRA, before creating anything', async () => {
    const p = prefix();
    await exec().exec(`CREATE TABLE ${p}schema_version (version INT, name VARCHAR, applied_at TIMESTAMP)`);
    await exec().exec(`INSERT INTO ${p}schema_version VALUES (${QUESTDB_LATEST_VERSION + 6}, 'future', now())`);
    const store = new QuestDbStore({ url: url(), tablePrefix: p });
    await expect(store.open()).rejects.toThrow(StoreVersionError);
    await expect(store.open()).rejects.toThrow(`has schema version ${QUESTDB_LATEST_VERSION + 6}, this LIBRA understands up to ${QUESTDB_LATEST_VERSION} — upgrade LIBRA`);
    expect((await exec().exec(`SELECT table_name FROM tables() WHERE table_name = '${p}trades'`)).dataset).toEqual([]);
    await store.dropAll();
  }, 120_000);

  it('stores every row kind in its typed columns, and leaves no as-of scratch table behind', async () => {
    const p = prefix();
    const store = new QuestDbStore({ url: url(), tablePrefix: p });
    await store.open();
    await store.writeTrades('binance', 'btc/usdt', [trade(T0 + 1, 100.5, '42'), { ...trade(T0 + 2, 101, 'ab-1'), side: 'SELL' }]);
    await store.writeBars('BINANCE', 'BTC/USDT', 60_000, [bar(T0, 100)]);
    await store.writeInstruments([makeInstrument({ symbol: 'BTC/USDT', venue: 'BINANCE', tickSize: '0.01', lotSize: '0.001' })]);
    await store.waitApplied();
    expect((await exec().exec(`SELECT ts, venue, symbol, side, trade_no, trade_id, price, size FROM ${p}trades ORDER BY ts`)).dataset).toEqual([
      ['2024-01-01T00:00:00.001000Z', 'BINANCE', 'BTC/USDT', 'BUY', 42, null, 100.5, 1],
      ['2024-01-01T00:00:00.002000Z', 'BINANCE', 'BTC/USDT', 'SELL', -1, 'ab-1', 101, 1],
    ]);
    expect((await exec().exec(`SELECT ts, open_time, timeframe_ms, close FROM ${p}bars`)).dataset).toEqual([['2024-01-01T00:01:00.000000Z', '2024-01-01T00:00:00.000000Z', 60_000, 100]]);
    expect((await exec().exec(`SELECT ts FROM ${p}instruments`)).dataset).toEqual([['1970-01-01T00:00:00.000000Z']]);
    const rows = await collect(store.asofJoin({ with: 'trades', signals: [{ ts: T0 + 5, symbol: 'BTC/USDT' }] }));
    expect(rows.map((r) => r.match?.tradeId)).toEqual(['ab-1']);
    expect((await exec().exec(`SELECT table_name FROM tables() WHERE table_name LIKE '${p}asof_%'`)).dataset).toEqual([]);
    await store.close();
    await store.dropAll();
  }, 120_000);

  it('as-of matches the highest (trade_no, trade_id) at the matched ms whatever batch order the ties came in', async () => {
    const p = prefix();
    const store = new QuestDbStore({ url: url(), tablePrefix: p });
    await store.open();
    // in one batch, given out of tie order: the store sends it sorted
    await store.writeTrades('BINANCE', 'BTC/USDT', [trade(T0 + 30, 9, '9'), trade(T0 + 30, 4, '4'), trade(T0 + 10, 5, '5')]);
    // a later batch with a LOWER id at an existing ms: QuestDB stores it after the first batch's
    await store.writeTrades('BINANCE', 'BTC/USDT', [trade(T0 + 10, 3, '3'), trade(T0 + 20, 1, '1')]);
    // 3000 ms written twice, the second time with lower ids: more re-reads than IN lists are for
    const n = 3000;
    const at = (i: number): number => T0 + 1000 + i;
    await store.writeTrades('BINANCE', 'BTC/USDT', Array.from({ length: n }, (_, i) => trade(at(i), 1000 + i, String(2 * i + 100_001))));
    await store.writeTrades('BINANCE', 'BTC/USDT', Array.from({ length: n }, (_, i) => trade(at(i), -1, String(2 * i + 100_000))));
    await store.waitApplied();
    // plain ASOF (storage order) would answer '3' at T0 + 10..19 and the lower ids in the 3000 ms
    const few = await collect(store.asofJoin({ with: 'trades', signals: [{ ts: T0 + 15, symbol: 'BTC/USDT' }, { ts: T0 + 25, symbol: 'BTC/USDT' }, { ts: T0 + 30, symbol: 'BTC/USDT' }, { ts: T0 + 1000, symbol: 'BTC/USDT' }] }));
    expect(few.map((r) => r.match?.tradeId)).toEqual(['5', '1', '9', '100001']);
    const many = await collect(store.asofJoin({ with: 'trades', signals: Array.from({ length: n }, (_, i) => ({ ts: at(i), symbol: 'BTC/USDT' })) }));
    expect(many.map((r) => [r.match?.tradeId, r.match?.price])).toEqual(Array.from({ length: n }, (_, i) => [String(2 * i + 100_001), 1000 + i]));
    // the same with a second series among the signals (keyed join, its own scratch layout)
    const mixedSeries = await collect(store.asofJoin({ with: 'trades', signals: [...Array.from({ length: n }, (_, i) => ({ ts: at(i), symbol: 'BTC/USDT' })), { ts: at(0), symbol: 'ETH/USDT', venue: 'BINANCE' }] }));
    expect(mixedSeries.map((r) => r.match?.tradeId ?? null)).toEqual(Array.from({ length: n }, (_, i) => String(2 * i + 100_001)).flatMap((id, i) => (i === 0 ? [id, null] : [id])));
    // rows come in (ts, index) order: the ETH signal (index n) right after BTC's at the same ms
    expect(mixedSeries[1]?.index).toBe(n);
    await store.close();
    await store.dropAll();
  }, 120_000);

  it('sorts out-of-order and late rows (older partitions) into time order, and a late replay replaces, never duplicates', async () => {
    const p = prefix();
    const store = new QuestDbStore({ url: url(), tablePrefix: p, pageRows: 500 });
    await store.open();
    // day 3 first, then day 1 (a late batch into an older partition), then day 2 shuffled
    await store.writeTrades('BINANCE', 'BTC/USDT', trades(1000, T0 + 2 * DAY, 2000));
    await store.writeTrades('BINANCE', 'BTC/USDT', trades(1000, T0, 0));
    const day2 = trades(1000, T0 + DAY, 1000);
    await store.writeTrades('BINANCE', 'BTC/USDT', [...day2].reverse());
    // a late replay of part of day 1 with other prices: last write wins, still 3000 rows
    await store.writeTrades('BINANCE', 'BTC/USDT', trades(100, T0, 0).map((t) => ({ ...t, price: 1 })));
    await store.waitApplied();
    const got = await collect(store.scanTrades({ symbol: 'BTC/USDT', chunkSize: 333 }));
    expect(got.length).toBe(3000);
    expect(got.map((t) => t.tradeId)).toEqual(Array.from({ length: 3000 }, (_, i) => String(i)));
    expect(got.slice(0, 100).every((t) => t.price === 1)).toBe(true);
    expect(got[100]?.price).toBe(100 + (100 % 97));
    const [series] = await store.listSeries();
    expect(series).toEqual({ venue: 'BINANCE', symbol: 'BTC/USDT', kind: 'trades', first: T0, last: T0 + 2 * DAY + 249, rows: 3000 });
    await store.close();
    await store.dropAll();
  }, 120_000);

  it('loses nothing and duplicates nothing when the server is killed in the middle of an ILP batch and restarted', async () => {
    const srv = server!;
    const proxy = await cuttingProxy(srv.httpPort);
    const p = prefix();
    const store = new QuestDbStore({ url: proxy.url, tablePrefix: p, ilpConfig: 'retry_timeout=120000;request_timeout=60000;' });
    try {
      await store.open();
      await store.writeTrades('BINANCE', 'BTC/USDT', trades(50_000, T0, 0)); // committed before the crash
      const pidBefore = srv.pid();
      let cutAt = 0;
      const before = proxy.sent.length;
      proxy.cutAfter(1_000_000, async () => {
        cutAt = 1_000_000;
        await srv.restart(); // SIGKILL mid-request, then start again on the same root and ports
      });
      // the client retries the whole request once the server is back (DEDUP makes that safe)
      const r = await store.writeTrades('BINANCE', 'BTC/USDT', trades(200_000, T0 + DAY, 50_000));
      expect(r.inserted).toBe(200_000);
      expect(srv.pid()).not.toBe(pidBefore);
      // the cut happened inside the batch: the complete request was several times larger
      const full = Math.max(...proxy.sent.slice(before));
      expect(cutAt).toBeGreaterThan(0);
      expect(full).toBeGreaterThan(4 * cutAt);
      // the server committed a batch but its answer was lost: the client sends it again
      proxy.loseNextResponse();
      await store.writeTrades('BINANCE', 'BTC/USDT', trades(10_000, T0 + 2 * DAY, 250_000));
      await store.waitApplied(60_000);
      const [row] = (await exec().exec(`SELECT count(), count_distinct(trade_no), min(trade_no), max(trade_no) FROM ${p}trades`)).dataset;
      expect(row?.map(cellNum)).toEqual([260_000, 260_000, 0, 259_999]);
    } finally {
      await store.close();
      await proxy.close();
      await store.dropAll().catch(() => undefined);
    }
  }, 240_000);

  it('a call sent as two requests whose one part fails rejects, keeps the other part whole, and its re-send duplicates nothing', async () => {
    const proxy = await cuttingProxy(server!.httpPort);
    const p = prefix();
    // no retries: the cut part fails the call instead of being re-sent by the writer
    const store = new QuestDbStore({ url: proxy.url, tablePrefix: p, ilpConfig: 'retry_timeout=0;' });
    try {
      await store.open();
      const batch = trades(200_000, T0, 0); // ≥ 40 k rows: two requests on two connections
      proxy.cutAfter(1_000_000, async () => undefined); // one connection reset 1 MB into its part
      await expect(store.writeTrades('BINANCE', 'BTC/USDT', batch)).rejects.toThrow(StoreQueryError);
      await store.waitApplied(60_000);
      const count = async (): Promise<number[]> => (await exec().exec(`SELECT count(), count_distinct(trade_no), min(trade_no), max(trade_no) FROM ${p}trades`)).dataset[0]!.map(cellNum);
      // the part that was not cut is committed whole, with its own batch row; the cut one not at all
      const [n = -1, distinct, lo = -1, hi = -1] = await count();
      expect(n).toBe(distinct);
      expect(n > 40_000 && n < 160_000 && (lo === 0 || hi === 199_999) && hi - lo + 1 === n).toBe(true);
      const marks = (await exec().exec(`SELECT count() FROM ${p}trade_batches`)).dataset[0]!.map(cellNum)[0];
      expect(marks).toBe(1);
      // what the recorder does after a failed batch: the same call again
      expect((await store.writeTrades('BINANCE', 'BTC/USDT', batch)).inserted).toBe(200_000);
      await store.waitApplied(60_000);
      expect(await count()).toEqual([200_000, 200_000, 0, 199_999]);
      const got = await collect(store.scanTrades({ symbol: 'BTC/USDT', chunkSize: 50_000 }));
      expect(got.map((t) => t.tradeId)).toEqual(batch.map((t) => t.tradeId));
    } finally {
      await store.close();
      await proxy.close();
      await store.dropAll().catch(() => undefined);
    }
  }, 240_000);

  it("turns QuestDB's error answer into a StoreQueryError carrying its message", async () => {
    const p = prefix();
    const store = new QuestDbStore({ url: url(), tablePrefix: p });
    await store.open();
    await exec().exec(`DROP TABLE ${p}bars`);
    const err = await store.listSeries().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreQueryError);
    expect((err as Error).message).toMatch(new RegExp(`^QuestDB: table does not exist \\[table=${p}bars\\] at position \\d+ — in: SELECT venue, symbol, timeframe_ms`));
    await store.close();
    await store.dropAll();
  }, 120_000);

  it('pages /exec results by 0-based [lo, hi) ranges', async () => {
    const e = exec();
    const page = async (lo: number, hi: number): Promise<number[]> => (await e.exec('SELECT x FROM long_sequence(10)', [lo, hi])).dataset.map((r) => cellNum(r[0]));
    expect(await page(0, 3)).toEqual([1, 2, 3]);
    expect(await page(3, 6)).toEqual([4, 5, 6]);
    expect(await page(9, 12)).toEqual([10]);
    expect(await page(10, 20)).toEqual([]);
  }, 120_000);
});

describe('questdb store without a server', () => {
  it('refuses to write before open and says where the server is', async () => {
    const store = new QuestDbStore({ url: 'http://127.0.0.1:9', tablePrefix: 'q_' });
    await expect(store.writeTrades('BINANCE', 'BTC/USDT', [trade(T0, 1, '1')])).rejects.toThrow(/is not open/);
    expect(() => new QuestDbStore({ url: 'http://x', tablePrefix: 'bad-prefix;' })).toThrow(/tablePrefix/);
    await expect(store.open()).rejects.toThrow(/QuestDB at http:\/\/127\.0\.0\.1:9 is unreachable/);
  });

  it('reads a trade id from trade_no when it is a canonical integer, else from trade_id', () => {
    expect(tradeIdCell(42, null)).toBe('42');
    expect(tradeIdCell(0, null)).toBe('0');
    expect(tradeIdCell(-1, 'ab-1')).toBe('ab-1');
    expect(tradeIdCell(-1, '')).toBe('');
  });

  it('sorts a trades batch into (ts, trade_no, trade_id) order, drops repeated keys, and flags non-ASCII string ties', () => {
    const t = (ts: number, id: string, price = 1): TradeTick => trade(T0 + ts, price, id);
    const given = [t(2, '10'), t(1, 'b'), t(2, '9'), t(1, 'a'), t(2, '10', 99), t(0, '7')];
    const { rows, mixed } = sortTrades(given);
    expect(rows.map((r) => [r.ts - T0, r.tradeId, r.price])).toEqual([[0, '7', 1], [1, 'a', 1], [1, 'b', 1], [2, '9', 1], [2, '10', 1]]);
    expect(mixed).toBe(false);
    const inOrder = [t(0, '1'), t(0, '2'), t(1, 'x')];
    expect(sortTrades(inOrder).rows).toBe(inOrder);
    expect(sortTrades([t(0, 'é'), t(0, 'z')]).mixed).toBe(true);
    expect(sortTrades([t(0, 'é'), t(1, 'z')]).mixed).toBe(false);
  });

  it('finds the milliseconds that two batches cover, and all of a mixed one', () => {
    expect(unsafeRanges([{ first: 0, last: 10, mixed: false }, { first: 11, last: 20, mixed: false }])).toEqual({ lo: [], hi: [] });
    expect(unsafeRanges([{ first: 10, last: 20, mixed: false }, { first: 0, last: 10, mixed: false }, { first: 15, last: 30, mixed: false }])).toEqual({ lo: [10, 15], hi: [10, 20] });
    expect(unsafeRanges([{ first: 0, last: 100, mixed: false }, { first: 40, last: 50, mixed: false }, { first: 60, last: 70, mixed: false }])).toEqual({ lo: [40, 60], hi: [50, 70] });
    expect(unsafeRanges([{ first: 5, last: 9, mixed: true }, { first: 20, last: 30, mixed: false }])).toEqual({ lo: [5], hi: [9] });
  });

  it('reads QuestDB timestamps as ISO text or µs numbers', () => {
    expect(tsCell('2024-01-01T00:00:00.123456Z')).toBe(T0 + 123);
    expect(tsCell((T0 + 5) * 1000)).toBe(T0 + 5);
    expect(tsCell(null)).toBeNull();
  });
});
